-- The row_misestimate statement with TIMING OFF: actual rows and loops but no times, which is
-- enough to see the misestimate.
--
-- explain: ANALYZE, BUFFERS, TIMING OFF
-- fires: plan-row-misestimate
-- symptom: actual rows=
SELECT c.id, count(o.id) FROM customers c JOIN orders o ON o.customer_id = c.id
WHERE c.country = 'AC' AND c.city = 'City 25' GROUP BY c.id;
