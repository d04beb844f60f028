-- A hash join whose hash table of 50,000 customers does not fit in 256 kB of work_mem and is split
-- into batches written to temporary files. Serial, so there is one hash table.
--
-- fires: plan-disk-spill
-- symptom: Batches: [0-9]*[02-9]
SET work_mem = '256kB';
SET max_parallel_workers_per_gather = 0;

SELECT c.country, sum(o.total) FROM customers c JOIN orders o ON o.customer_id = c.id GROUP BY c.country;
