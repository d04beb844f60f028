-- A sequential scan of all 300,000 orders whose filter keeps a few hundred: neither `status` nor
-- `created_at` has an index. Serial, so the whole scan is one node.
--
-- fires: plan-seq-scan-filter
-- symptom: Rows Removed by Filter: [0-9]{6}
SET max_parallel_workers_per_gather = 0;

SELECT id, customer_id, total FROM orders WHERE status = 'refunded' AND created_at >= '2024-06-01';
