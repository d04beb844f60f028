-- A full scan of all 300,000 orders whose WHERE keeps a few hundred: neither `status` nor
-- `created_at` has an index, so `possible_keys` is NULL. Executed (ANALYZE), it also reads far
-- more rows than it returns.
--
-- fires: mysql-no-usable-key
-- fires-analyzed: mysql-rows-examined-ratio
-- symptom: \| ALL +\|.*Using where
SELECT id, customer_id, total FROM orders WHERE status = 'refunded' AND created_at >= '2024-06-01';
