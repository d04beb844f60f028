-- The seq_scan_filter statement under plain EXPLAIN: estimates only, no actual rows or times.
--
-- explain:
-- symptom: Seq Scan on orders
SET max_parallel_workers_per_gather = 0;

SELECT id, customer_id, total FROM orders WHERE status = 'refunded' AND created_at >= '2024-06-01';
