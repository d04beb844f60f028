-- Planning dearer than execution: a lookup by a non-partition key of `events` makes the planner
-- consider all 120 partitions, then finds a few rows cheaply through each partition's index.
--
-- fires: plan-planning-time
-- symptom: Planning Time
SELECT * FROM events WHERE customer_id = 4242;
