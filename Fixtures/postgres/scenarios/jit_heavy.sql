-- JIT compilation dearer than the query: the jit_*_above_cost thresholds at 0 compile, inline and
-- optimize a 2,000-row aggregate.
--
-- fires: plan-jit-overhead
-- symptom: Timing: Generation
SET jit_above_cost = 0;
SET jit_inline_above_cost = 0;
SET jit_optimize_above_cost = 0;

SELECT status, count(*), sum(total) FROM orders WHERE id <= 2000 GROUP BY status;
