-- The control: a primary-key lookup of one order (`type` const). Nothing to report beyond low
-- severity.
--
-- highest-severity: low
-- symptom: \| const +\|
SELECT * FROM orders WHERE id = 12345;
