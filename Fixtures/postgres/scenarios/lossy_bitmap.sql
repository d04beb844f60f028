-- A bitmap heap scan that turns lossy: 64 kB of work_mem cannot hold one bit per row of the pages
-- scattered `product_id` values touch, so most pages are rechecked row by row.
--
-- fires: plan-lossy-bitmap
-- symptom: Heap Blocks: exact=[0-9]+ lossy=[1-9]
SET work_mem = '64kB';

SELECT sum(quantity) FROM order_items WHERE product_id BETWEEN 100 AND 250;
