#!/usr/bin/env bash
# Captures the plan fixtures in Fixtures/postgres/plans and Fixtures/mysql/plans from the running
# test servers (scripts/test-servers.sh start). For developers, not CI: plans carry timings, so
# every capture changes the files; re-run it when the seeds or the scenarios change.
#
# The scenarios are Fixtures/<engine>/scenarios/<name>.sql (their format: Fixtures/README.md), which
# the live tests in Tests/ConnectorTests run too. Each scenario is checked for the line that makes it
# worth having (its `-- symptom:`); a scenario whose symptom did not show is reported and the script
# exits non-zero, the files written all the same.
set -euo pipefail

repository=$(cd "$(dirname "$0")/.." && pwd)
pg_scenarios=$repository/Fixtures/postgres/scenarios
mysql_scenarios=$repository/Fixtures/mysql/scenarios
pg_plans=$repository/Fixtures/postgres/plans
mysql_plans=$repository/Fixtures/mysql/plans
eval "$("$repository/scripts/test-servers.sh" env)"

missing_symptoms=()

log() { echo "capture-plans: $*" >&2; }

# Records a scenario whose file lacks the line (an extended regular expression) it is captured for.
expect_symptom() {
    local file=$1 pattern=$2
    if ! grep -Eq -- "$pattern" "$file"; then
        missing_symptoms+=("$(basename "$file"): no line matching /$pattern/")
    fi
}

expect_planning_above_execution() {
    local file=$1
    if ! awk '/Planning Time:/ { planning = $3 } /Execution Time:/ { execution = $3 }
              END { exit !(planning > execution && planning >= 5) }' "$file"; then
        missing_symptoms+=("$(basename "$file"): planning time not above execution time and 5 ms")
    fi
}

# MARK: - Scenario files

# True when the scenario file has the header line `-- KEY:` (its value may be empty).
scenario_has() { grep -q "^-- $2:" "$1"; }

# The value of the scenario file's header line `-- KEY: value`, empty when there is none.
scenario_value() { sed -n "s/^-- $2:[[:space:]]*//p" "$1" | head -n 1; }

# Reads the scenario FILE into the arrays `settings` (its SET statements, each with its `;`) and
# `queries` (every other statement, without its `;`): comment and blank lines dropped, a statement
# ending at the line that ends with `;`.
scenario_read() {
    local file=$1 statement
    settings=()
    queries=()
    while IFS= read -r -d '' statement; do
        if [[ $statement =~ ^[Ss][Ee][Tt][[:space:]] ]]; then
            settings+=("$statement;")
        else
            queries+=("$statement")
        fi
    done < <(awk '
        /^[[:space:]]*--/ || /^[[:space:]]*$/ { next }
        { statement = statement (statement == "" ? "" : "\n") $0 }
        /;[[:space:]]*$/ { sub(/;[[:space:]]*$/, "", statement); printf "%s%c", statement, 0; statement = "" }
        END { if (statement != "") printf "%s%c", statement, 0 }' "$file")
    [ "${#queries[@]}" -gt 0 ] || { log "$file: no statement to explain"; exit 1; }
}

# MARK: - PostgreSQL

psql_run() { psql -X -q -v ON_ERROR_STOP=1 "$DBADVISOR_TEST_PG_URL" "$@"; }

# The psql script that explains every query of the scenario just read with OPTIONS after its
# settings, in a transaction that is rolled back: EXPLAIN ANALYZE executes the statement, and a
# scenario that writes (`-- transaction: read write`) must leave the seed as it was.
pg_script() {
    local options=$1 query
    echo "BEGIN;"
    if [ "${#settings[@]}" -gt 0 ]; then
        printf '%s\n' "${settings[@]}"
    fi
    for query in "${queries[@]}"; do
        printf 'EXPLAIN %s %s;\n' "$options" "$query"
    done
    echo "ROLLBACK;"
}

# pg_capture SCENARIO_FILE
# Writes NAME.txt (psql's aligned output with its `QUERY PLAN` header and `(N rows)` footer) and
# NAME.json (the bare JSON document), each from its own fresh session so planning starts cold alike.
# The EXPLAIN options are the scenario's `-- explain:` ("ANALYZE, BUFFERS" without one; an empty one
# means plain EXPLAIN).
pg_capture() {
    local file=$1 name options="ANALYZE, BUFFERS" text_options="" json_options="(FORMAT JSON)"
    name=$(basename "$file" .sql)
    if scenario_has "$file" explain; then
        options=$(scenario_value "$file" explain)
    fi
    if [ -n "$options" ]; then
        text_options="($options)"
        json_options="($options, FORMAT JSON)"
    fi
    scenario_read "$file"
    log "postgres $name"
    pg_script "$text_options" | psql_run >"$pg_plans/$name.txt"
    pg_script "$json_options" | psql_run -A -t >"$pg_plans/$name.json"
    local symptom plans
    symptom=$(scenario_value "$file" symptom)
    if [ -n "$symptom" ]; then
        expect_symptom "$pg_plans/$name.txt" "$symptom"
    fi
    plans=$(grep -c 'QUERY PLAN' "$pg_plans/$name.txt" || true)
    if [ "$plans" -ne "${#queries[@]}" ]; then
        missing_symptoms+=("$name.txt: $plans plans for ${#queries[@]} statements")
    fi
}

capture_postgres() {
    mkdir -p "$pg_plans"
    local file
    for file in "$pg_scenarios"/*.sql; do
        pg_capture "$file"
    done
    # The planner considers all 120 partitions while execution is cheap: the symptom is a comparison.
    expect_planning_above_execution "$pg_plans/planning_heavy.txt"
}

# MARK: - MariaDB

# mysql_prepare and mariadb_run.
# shellcheck source=lib/mariadb-client.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/mariadb-client.sh"

# The client's -e text for the scenario just read: its settings, then PREFIX before every query and
# SUFFIX (`;` or `\G`) after it.
mysql_script() {
    local prefix=$1 suffix=$2 query
    if [ "${#settings[@]}" -gt 0 ]; then
        printf '%s\n' "${settings[@]}"
    fi
    for query in "${queries[@]}"; do
        printf '%s %s%s\n' "$prefix" "$query" "$suffix"
    done
}

# mysql_capture SCENARIO_FILE
# NAME.json: EXPLAIN FORMAT=JSON; NAME.analyze.json: ANALYZE FORMAT=JSON (executes the query);
# NAME.table.txt: the client's bordered table (--table); NAME.vertical.txt: the \G form.
# The scenario's symptom is looked for in the bordered table.
mysql_capture() {
    local file=$1 name symptom
    name=$(basename "$file" .sql)
    scenario_read "$file"
    log "mariadb $name"
    mariadb_run -N -B -r -e "$(mysql_script "EXPLAIN FORMAT=JSON" ";")" >"$mysql_plans/$name.json"
    mariadb_run -N -B -r -e "$(mysql_script "ANALYZE FORMAT=JSON" ";")" >"$mysql_plans/$name.analyze.json"
    mariadb_run --table -e "$(mysql_script "EXPLAIN" ";")" >"$mysql_plans/$name.table.txt"
    mariadb_run -e "$(mysql_script "EXPLAIN" "\\G")" >"$mysql_plans/$name.vertical.txt"
    symptom=$(scenario_value "$file" symptom)
    if [ -n "$symptom" ]; then
        expect_symptom "$mysql_plans/$name.table.txt" "$symptom"
    fi
}

capture_mysql() {
    mkdir -p "$mysql_plans"
    mysql_prepare
    local file
    for file in "$mysql_scenarios"/*.sql; do
        mysql_capture "$file"
    done
}

capture_postgres
capture_mysql

if [ "${#missing_symptoms[@]}" -gt 0 ]; then
    log "captured, but these symptoms did not show:"
    printf '  %s\n' "${missing_symptoms[@]}" >&2
    exit 1
fi
log "all scenarios captured with their symptoms"
