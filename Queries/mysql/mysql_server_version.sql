-- mysql_server_version: version and flavour, for picking versioned queries and EXPLAIN forms.
-- Reads: @@version, @@version_comment.
-- Versions: MySQL 8.0+, MariaDB 10.6+. Privilege: none beyond a login.
-- Columns: version (e.g. '10.11.6-MariaDB-0+deb12u1'), version_comment.
SELECT @@version AS version, @@version_comment AS version_comment;
