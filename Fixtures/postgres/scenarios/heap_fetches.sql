-- An index-only scan that still visits the heap for most rows: `warehouse_stock` (autovacuum off)
-- was updated after its only VACUUM, so its visibility map is stale.
--
-- fires: plan-heap-fetches
-- symptom: Heap Fetches: [1-9][0-9]{2,}
SELECT product_id, quantity FROM warehouse_stock WHERE warehouse_id = 3 ORDER BY quantity LIMIT 1000;
