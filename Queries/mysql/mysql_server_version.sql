-- mysql_server_version: version and flavour, for picking versioned queries and EXPLAIN forms.
-- Reads: @@version, @@version_comment.
-- Versions: MySQL 8.0+, MariaDB 10.6+. Privilege: none beyond a login.
-- Columns: version (e.g. '10.11.6-MariaDB-0+deb12u1'), version_comment.
-- The constant first column marks dbadvisor's own statements in the digest table, which keeps
-- literals out but this alias in, so scans leave themselves out of the statement profile.
SELECT 'dbadvisor' AS dbadvisor_query, @@version AS version, @@version_comment AS version_comment;
