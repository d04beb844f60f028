-- An InitPlan (the average price, computed once) and a correlated SubPlan (items counted per
-- order): a format variant for sub-plans.
--
-- symptom: SubPlan [0-9]
SELECT o.id, o.total, (SELECT count(*) FROM order_items i WHERE i.order_id = o.id) AS items
FROM orders o WHERE o.customer_id = 4242 AND o.total > (SELECT avg(price) FROM products);
