-- A materialized CTE scanned by the main query: the CTE's subtree hangs under the node that uses
-- it, a format variant for sub-plans.
--
-- symptom: CTE Scan on big_spenders
WITH big_spenders AS MATERIALIZED (
    SELECT customer_id, sum(total) AS spent FROM orders GROUP BY customer_id)
SELECT c.email, b.spent FROM big_spenders b JOIN customers c ON c.id = b.customer_id
WHERE b.spent > 5000 ORDER BY b.spent DESC LIMIT 20;
