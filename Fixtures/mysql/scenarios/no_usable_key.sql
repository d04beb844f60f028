-- A join on `promotions.country`, which has no index (and no foreign key that would add one): the
-- 500 promotions are read in full and compared with every customer of the city through a join
-- buffer.
--
-- fires: mysql-no-usable-key
-- symptom: \| p +\| ALL +\| NULL
SELECT c.id, p.code FROM customers c JOIN promotions p ON p.country = c.country WHERE c.city = 'City 25';
