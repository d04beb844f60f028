-- The control: a primary-key lookup of one order. Nothing to report beyond low severity.
--
-- highest-severity: low
-- symptom: Index Scan using orders_pkey
SELECT * FROM orders WHERE id = 12345;
