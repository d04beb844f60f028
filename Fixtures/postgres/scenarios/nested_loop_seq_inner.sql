-- A nested loop that rescans all 500 promotions for each of 2,000 customers: `promotions.country`
-- has no index, and hash and merge joins are disabled so the planner has nothing better.
--
-- fires: plan-nested-loop-inner-scan
-- symptom: Materialize .*loops=2000
SET enable_hashjoin = off;
SET enable_mergejoin = off;

SELECT c.id, p.code FROM customers c JOIN promotions p ON p.country = c.country WHERE c.id <= 2000;
