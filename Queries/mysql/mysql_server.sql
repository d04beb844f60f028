-- mysql_server: the server's version and clock, and the session's default database.
-- Reads: @@version, @@version_comment, NOW(6), DATABASE(), CURRENT_USER().
-- Versions: MySQL 8.0/8.4, MariaDB 10.6 and later. Privilege: none beyond a login.
-- Columns: version (e.g. '10.11.6-MariaDB-0+deb12u1'), version_comment, database_name (NULL when the
--          connection names no database), collected_at_epoch (the server's NOW() as seconds since
--          1970-01-01 UTC, with microseconds), login (the account the server authenticated:
--          'user@host', as GRANT needs it).
-- The server's start comes from the Uptime status variable (mysql_status.sql).
-- The constant first column marks dbadvisor's own statements in the digest table, which keeps
-- literals out but this alias in, so scans leave themselves out of the statement profile.
SELECT 'dbadvisor' AS dbadvisor_query, @@version AS version,
       @@version_comment AS version_comment,
       DATABASE() AS database_name,
       UNIX_TIMESTAMP(NOW(6)) AS collected_at_epoch,
       CURRENT_USER() AS login;
