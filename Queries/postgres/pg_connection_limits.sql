-- pg_connection_limits: how many connections the server accepts, and the settings that decide how long
-- an idle transaction may hold one.
-- Reads: current_setting(); reserved_connections exists from PostgreSQL 16 (NULL before, read with
-- missing_ok so one file serves every version).
-- Versions: PostgreSQL 12 and later. Privilege: none beyond LOGIN.
-- Columns: max_connections, superuser_reserved_connections, reserved_connections (integer),
--   idle_in_transaction_session_timeout (text, as SHOW prints it), login (text: current_user, quoted
--   as an identifier where needed).
SELECT pg_catalog.current_setting('max_connections')::integer AS max_connections,
       pg_catalog.current_setting('superuser_reserved_connections')::integer AS superuser_reserved_connections,
       pg_catalog.current_setting('reserved_connections', true)::integer AS reserved_connections,
       pg_catalog.current_setting('idle_in_transaction_session_timeout') AS idle_in_transaction_session_timeout,
       pg_catalog.quote_ident(current_user) AS login;
