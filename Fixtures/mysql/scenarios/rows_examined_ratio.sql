-- A range on `orders_customer_id_idx` that reads every order of 1,000 customers to keep the few
-- whose total is above 990: only the executed plan (ANALYZE) shows how few rows survive.
--
-- fires-analyzed: mysql-rows-examined-ratio
-- symptom: \| range +\|
SELECT id, total FROM orders WHERE customer_id BETWEEN 1000 AND 2000 AND total > 990;
