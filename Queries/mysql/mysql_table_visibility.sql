-- mysql_table_visibility: whether the login may see every table in information_schema, to tell "no user tables
-- exist" (a fresh data directory) from "the login cannot see them" when mysql_tables returns nothing.
-- Reads: information_schema.USER_PRIVILEGES (the login's own global privileges; any privilege on a table makes
--        it visible, SHOW VIEW being the one that gives no access to rows).
-- Versions: MySQL 8.0/8.4, MariaDB 10.6 and later.
-- Privilege: none beyond a login.
-- Columns: table_privileges (the count of global privileges that make every table visible; 0: tables the login
--          has no privilege on are hidden from it).
SELECT 'dbadvisor' AS dbadvisor_query, COUNT(*) AS table_privileges
FROM information_schema.USER_PRIVILEGES
WHERE GRANTEE = CONCAT('''', SUBSTRING_INDEX(CURRENT_USER(), '@', 1), '''@''',
                       SUBSTRING_INDEX(CURRENT_USER(), '@', -1), '''')
  AND PRIVILEGE_TYPE IN ('SHOW VIEW', 'SELECT', 'INSERT', 'UPDATE', 'DELETE', 'CREATE', 'DROP', 'ALTER',
                         'INDEX', 'REFERENCES', 'TRIGGER', 'CREATE VIEW');
