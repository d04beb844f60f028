-- The workers_not_launched statement with its workers: a healthy parallel plan (Gather, partial
-- aggregates, per-worker lines), a format variant rather than a problem.
--
-- symptom: Workers Launched: [1-9]
SELECT count(*), sum(quantity) FROM order_items WHERE unit_price > 100;
