-- A scan of every partition of `events` (the filter is on the JSON payload, not the partition key):
-- an Append over 120 scans, a format variant for wide plans. Serial, so the scans are plain.
--
-- symptom: events_2024_12
SET max_parallel_workers_per_gather = 0;

SELECT id, customer_id FROM events WHERE payload ->> 'path' = '/products/42';
