-- A sort of all 300,000 orders that spills to disk: 1 MB of work_mem holds a tenth of it.
--
-- fires: plan-disk-spill
-- symptom: Sort Method: external merge +Disk:
SET work_mem = '1MB';

SELECT customer_id, total FROM orders ORDER BY total DESC, id;
