-- An INSERT of 1,000 orders with every extra EXPLAIN option: `Output:`, `Settings:`, `WAL:`,
-- `Query Identifier:` and the foreign key's `Trigger` line. EXPLAIN ANALYZE executes it, so it runs
-- in a read-write transaction that is rolled back: the seed stays as it was.
--
-- explain: ANALYZE, BUFFERS, VERBOSE, SETTINGS, WAL
-- transaction: read write
-- symptom: WAL: records=
SET LOCAL work_mem = '8MB';
SET LOCAL random_page_cost = 1.1;

INSERT INTO orders (id, customer_id, status, created_at, total)
SELECT 1000000 + i, 1 + i % 50000, 'pending', timestamptz '2025-01-01 00:00+00', 10
FROM generate_series(1, 1000) AS i;
