-- pg_activity: the client sessions connected to the server, for connection saturation, transactions left
-- idle, long-running statements and lock waits.
-- Reads: pg_stat_activity; pg_blocking_pids() only for sessions waiting on a heavyweight lock (it takes
-- the lock manager's locks, so it is not called for the others).
-- Versions: PostgreSQL 12 and later. Privilege: pg_monitor (or pg_read_all_stats) to see other roles'
-- sessions in full; without it their query text reads '<insufficient privilege>' and their state and
-- times are NULL. dbadvisor's own session is left out.
-- Ages are seconds before now(), computed on the server so client and server clocks need not agree.
-- Columns: pid (integer), user_name, database_name, application_name, client (text),
--   state, wait_event_type, wait_event (text), connected_seconds, transaction_seconds, query_seconds,
--   state_seconds (float8, NULL when the timestamp is), blocked_by (text: comma-separated pids, NULL
--   when the session does not wait on a lock), query (text, at most 300 characters).
SELECT a.pid,
       a.usename AS user_name,
       a.datname AS database_name,
       a.application_name,
       COALESCE(pg_catalog.host(a.client_addr), CASE WHEN a.client_port = -1 THEN 'local' END) AS client,
       a.state,
       a.wait_event_type,
       a.wait_event,
       EXTRACT(EPOCH FROM now() - a.backend_start)::float8 AS connected_seconds,
       EXTRACT(EPOCH FROM now() - a.xact_start)::float8 AS transaction_seconds,
       EXTRACT(EPOCH FROM now() - a.query_start)::float8 AS query_seconds,
       EXTRACT(EPOCH FROM now() - a.state_change)::float8 AS state_seconds,
       CASE WHEN a.wait_event_type = 'Lock'
            THEN pg_catalog.array_to_string(pg_catalog.pg_blocking_pids(a.pid), ',')
       END AS blocked_by,
       pg_catalog.left(a.query, 300) AS query
  FROM pg_catalog.pg_stat_activity AS a
 WHERE a.backend_type = 'client backend'
   AND a.pid <> pg_catalog.pg_backend_pid()
 ORDER BY a.pid;
