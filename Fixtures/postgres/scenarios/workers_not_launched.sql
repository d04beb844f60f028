-- A parallel plan that gets no workers: the planner plans 2, but max_parallel_workers = 0 leaves
-- none to launch, so the leader does all the work.
--
-- fires: plan-workers-not-launched
-- symptom: Workers Launched: 0
SET max_parallel_workers = 0;

SELECT count(*), sum(quantity) FROM order_items WHERE unit_price > 100;
