-- Two statements explained in one client run: two plans in one output (two `QUERY PLAN` blocks in
-- psql's text, two JSON documents), a format variant.
--
-- symptom: Bitmap Heap Scan on customers
SELECT * FROM orders WHERE id = 12345;

SELECT id, email FROM customers WHERE country = 'AC' AND city = 'City 25';
