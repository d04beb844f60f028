-- A misestimate from correlated columns: `city` fixes `country`, but the planner multiplies both
-- selectivities (1/500 × 1/50) and expects 2 customers where about a hundred match.
--
-- fires: plan-row-misestimate
-- symptom: Bitmap Heap Scan on customers c .*rows=2 width=.*actual .*rows=[0-9]{2,} loops
SELECT c.id, count(o.id) FROM customers c JOIN orders o ON o.customer_id = c.id
WHERE c.country = 'AC' AND c.city = 'City 25' GROUP BY c.id;
