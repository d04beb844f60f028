#!/usr/bin/env bash
# The log benchmark of issue 5 ("Speed and memory"): dbadvisor's `logs` command side by side with
# pt-query-digest (MySQL slow log) and pgbadger (PostgreSQL stderr log), in the same run, one after the
# other, on the same files, single process each. A benchmark: it prints figures and asserts nothing.
#
#   scripts/bench-logs.sh [--statements N] [--work-dir DIR] [--regenerate] [--no-build]
#
# Run as root on Debian 12 (it installs Debian's percona-toolkit and pgbadger when they are missing, the
# way scripts/install-deps.sh does: quietly, no system service started). Then it:
#  1. builds dbadvisor and dbadvisor-bench in release mode (--no-build: use what .build/release holds);
#  2. generates, with `dbadvisor-bench logs --write`, a MySQL slow log and a PostgreSQL stderr log of N
#     statements each (default 1,000,000) into the work directory (default /tmp/dbadvisor-bench-logs),
#     reused when files of that statement count and log_line_prefix are there (--regenerate: write anew,
#     after a change to the generator);
#  3. times each tool with /usr/bin/time (wall and CPU seconds, max RSS):
#       pt-query-digest --output report   on the slow log,
#       pgbadger -j 1 -f stderr --prefix  on the PostgreSQL log (text report: the cheapest it writes),
#       dbadvisor logs --format json      on both, on one core (--jobs 1, when the command has it) and on
#                                         all cores (median of three runs each),
#     and prints one table: tool, input, MB, statements, wall seconds, CPU seconds (user + system: far
#     below the wall time when other work shares the cores), MB/s, statements/s (both per wall second),
#     max RSS and, on dbadvisor's rows, its throughput ÷ the other tool's on the same file. Each report
#     goes to the work directory's out/ folder; the statements and statement classes each tool says it
#     found are shown as a check that it read the whole file;
#  4. memory: runs dbadvisor on the N-statement logs and on 2N-statement logs (generated the same way)
#     and prints how max RSS changes: it should not grow with the file, only with distinct fingerprints.
# While `dbadvisor logs` does not exist yet, steps 3 and 4 print the competitors' rows only and say so.
#
# The PostgreSQL log uses the log_line_prefix below; the same string goes to the generator, to
# pgbadger's --prefix and to dbadvisor's --log-line-prefix.
set -euo pipefail

repository=$(cd "$(dirname "$0")/.." && pwd)
statements=1000000
work=/tmp/dbadvisor-bench-logs
regenerate=false
build=true
prefix='%t [%p]: user=%u,db=%d,app=%a,client=%h '

usage() {
    sed -n '6p' "$0" | sed 's/^# *//' >&2
    exit 2
}
while [ "$#" -gt 0 ]; do
    case "$1" in
        --statements) statements=${2:?}; shift 2 ;;
        --work-dir) work=${2:?}; shift 2 ;;
        --regenerate) regenerate=true; shift ;;
        --no-build) build=false; shift ;;
        *) usage ;;
    esac
done
case "$statements" in '' | *[!0-9]*) usage ;; esac

say() { echo "bench-logs: $*" >&2; }

# MARK: - Competitors

install_competitors() {
    local packages=(percona-toolkit pgbadger time) missing=() package
    for package in "${packages[@]}"; do
        if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q '^install ok installed$'; then
            missing+=("$package")
        fi
    done
    [ "${#missing[@]}" -eq 0 ] && return
    if [ "$(id -u)" -ne 0 ]; then
        say "missing ${missing[*]}; run this script as root to install them"
        exit 1
    fi
    # Neither package is a server, but forbid service starts anyway (as install-deps.sh does): an
    # existing policy-rc.d is kept and restored.
    local policy=/usr/sbin/policy-rc.d saved_policy=""
    if [ -e "$policy" ]; then
        saved_policy=$(mktemp)
        cp -p "$policy" "$saved_policy"
    fi
    printf '#!/bin/sh\nexit 101\n' > "$policy"
    chmod 755 "$policy"
    say "installing ${missing[*]}"
    local status=0
    {
        DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
            DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
    } >/dev/null || status=$?
    if [ -n "$saved_policy" ]; then mv "$saved_policy" "$policy"; else rm -f "$policy"; fi
    [ "$status" -eq 0 ] || { say "apt-get failed ($status)"; exit 1; }
}

install_competitors

# MARK: - Build and inputs

if $build; then
    say "building dbadvisor and dbadvisor-bench (release)"
    for product in dbadvisor-bench dbadvisor; do
        (cd "$repository" && swift build -c release --product "$product" >&2)
    done
fi
bench=$repository/.build/release/dbadvisor-bench
dbadvisor=$repository/.build/release/dbadvisor
for binary in "$bench" "$dbadvisor"; do
    [ -x "$binary" ] || { say "no $binary: build it (swift build -c release) or drop --no-build"; exit 1; }
done

mkdir -p "$work/out"

# Writes postgresql-COUNT.log and mysql-slow-COUNT.log unless they are there, complete (the generator
# renames them into place at the end) and written with this prefix.
generate() {
    local count=$1 stamp=$work/generated-$1.prefix
    if $regenerate || [ ! -f "$work/postgresql-$count.log" ] || [ ! -f "$work/mysql-slow-$count.log" ] ||
        [ "$(cat "$stamp" 2>/dev/null)" != "$prefix" ]; then
        say "generating $count-statement logs in $work"
        rm -f "$stamp"
        "$bench" logs --write "$work" --statements "$count" --log-line-prefix "$prefix" >&2
        printf '%s' "$prefix" >"$stamp"
    else
        say "reusing the $count-statement logs in $work"
    fi
}

# MARK: - Timing

rows=()
# Each competitor's wall and CPU seconds, by tool name.
declare -A competitor_seconds=() competitor_cpu=()

# timed OUTPUT COMMAND...: runs the command with its standard output to OUTPUT, after reading the input
# once so that every tool starts with it in the page cache; sets seconds, cpu (user + system seconds), rss
# (KB) and status.
timed() {
    local output=$1
    shift
    cat "$input" >/dev/null
    status=0
    /usr/bin/time -f '%e %M %U %S' -o "$work/out/time.txt" "$@" >"$output" 2>"$output.stderr" || status=$?
    # On failure time(1) writes "Command exited with non-zero status N" first.
    local user system
    read -r seconds rss user system < <(tail -n 1 "$work/out/time.txt")
    cpu=$(awk -v u="$user" -v s="$system" 'BEGIN { printf "%.2f", u + s }')
}

# add_row TOOL LABEL REPORTED_STATEMENTS [COMPETITOR]: one table row for the last timed run on $input,
# with the throughput ratio to COMPETITOR's row on the same input when given: per wall second, and per
# CPU second (what the tools would do on a core of their own; the wall clock feels other work on the machine).
add_row() {
    local tool=$1 label=$2 reported=$3 competitor=${4:-} bytes ratio="–"
    bytes=$(stat -c %s "$input")
    # time(1) prints hundredths: a run under 5 ms counts as 5 ms.
    seconds=$(awk -v s="$seconds" 'BEGIN { printf "%.3f", (s > 0.005 ? s : 0.005) }')
    cpu=$(awk -v s="$cpu" 'BEGIN { printf "%.3f", (s > 0.005 ? s : 0.005) }')
    if [ -n "$competitor" ]; then
        ratio=$(awk -v s="$seconds" -v c="$cpu" -v cs="${competitor_seconds[$competitor]}" \
            -v cc="${competitor_cpu[$competitor]}" 'BEGIN { printf "%.1f× (%.1f× per CPU second)", cs / s, cc / c }')
    else
        competitor_seconds[$tool]=$seconds
        competitor_cpu[$tool]=$cpu
    fi
    rows+=("$(awk -v tool="$tool" -v label="$label" -v b="$bytes" -v n="$count" -v s="$seconds" -v cpu="$cpu" \
        -v kb="$rss" -v ratio="$ratio" -v reported="$reported" 'BEGIN {
            printf "| %s | %s | %.1f | %d | %.2f | %.2f | %.1f | %.0f | %.0f | %s | %s |", tool, label, b / 1e6, n,
                s, cpu, b / 1e6 / s, n / s, kb / 1024, ratio, reported
        }')")
}

# The dbadvisor rows for $input: one core (when the command has --jobs) and all cores, each the median of
# $dbadvisor_runs runs (a run of a second or two feels the other vCPU's neighbours; the competitors' runs of
# minutes average that out).
dbadvisor_runs=3
run_dbadvisor() {
    local label=$1 competitor=$2 name=$3
    shift 3
    local jobs_runs=("") run
    if $has_jobs; then jobs_runs=(1 "$(nproc)"); fi
    for run in "${jobs_runs[@]}"; do
        local options=("$@") tool="dbadvisor logs"
        if [ -n "$run" ]; then
            options+=(--jobs "$run")
            tool="dbadvisor logs --jobs $run"
        fi
        local report=$work/out/dbadvisor-$name${run:+-jobs$run}.json
        # Not --output /dev/null: the report is written atomically (a temporary file renamed over the target),
        # which as root would replace /dev/null itself.
        say "$tool on $input ($dbadvisor_runs runs, the median kept)"
        local attempt runs=()
        for ((attempt = 0; attempt < dbadvisor_runs; attempt++)); do
            timed "$work/out/dbadvisor-$name.stdout" \
                "$dbadvisor" logs "$input" --format json --output "$report" "${options[@]}"
            [ "$status" -gt 1 ] && break
            runs+=("$seconds $cpu $rss")
        done
        if [ "$status" -le 1 ]; then
            read -r seconds cpu rss < <(printf '%s\n' "${runs[@]}" | sort -n | sed -n "$(((${#runs[@]} + 1) / 2))p")
        fi
        if [ "$status" -gt 1 ]; then
            say "dbadvisor logs failed (exit $status):"
            head -n 5 "$work/out/dbadvisor-$name.stdout.stderr" >&2
            rows+=("| $tool | $label | | $count | failed (exit $status) | | | | | | |")
            continue
        fi
        # What dbadvisor read, from its progress line "dbadvisor: N statements in M classes, …".
        local reported
        reported=$(sed -n 's/^dbadvisor: \([0-9]*\) statements in \([0-9]*\) classes.*/\1 \/ \2/p' \
            "$work/out/dbadvisor-$name.stdout.stderr")
        add_row "$tool" "$label" "${reported:-?}" "$competitor"
    done
}

# Whether `dbadvisor logs` exists yet, and whether it has --jobs.
has_logs=false
has_jobs=false
if grep -qE '^ +logs( |$)' <<<"$("$dbadvisor" --help 2>&1 || true)"; then
    has_logs=true
    if grep -q -- '--jobs' <<<"$("$dbadvisor" logs --help 2>&1 || true)"; then has_jobs=true; fi
fi

generate "$statements"
count=$statements
# Other work on the machine slows every tool: the load average goes with the figures.
load_before=$(cut -d ' ' -f 1-3 /proc/loadavg)
mysql_log=$work/mysql-slow-$count.log
postgres_log=$work/postgresql-$count.log

input=$mysql_log
say "pt-query-digest on $input"
timed "$work/out/pt-query-digest.txt" pt-query-digest --no-version-check --output report "$input"
if [ "$status" -ne 0 ]; then
    say "pt-query-digest failed (exit $status)"
    cat "$work/out/pt-query-digest.txt.stderr" >&2
    exit 1
fi
add_row pt-query-digest "MySQL slow log" \
    "$(sed -n 's/^# Overall: \([^ ]*\) total, \([0-9]*\) unique.*/\1 \/ \2/p' "$work/out/pt-query-digest.txt")"
if $has_logs; then run_dbadvisor "MySQL slow log" pt-query-digest mysql; fi

input=$postgres_log
say "pgbadger on $input"
# Text output, the cheapest report pgbadger writes; -q: no progress bar.
timed "$work/out/pgbadger.stdout" pgbadger -j 1 -f stderr --prefix "$prefix" -q -x text \
    -o "$work/out/pgbadger.txt" "$input"
if [ "$status" -ne 0 ]; then
    say "pgbadger failed (exit $status)"
    cat "$work/out/pgbadger.stdout.stderr" >&2
    exit 1
fi
add_row pgbadger "PostgreSQL stderr" \
    "$(sed -n -e 's/^Number of queries: \([0-9,]*\).*/\1/p' \
        -e 's/^Number of unique normalized queries: \([0-9,]*\).*/\1/p' "$work/out/pgbadger.txt" |
        tr -d , | tac | paste -sd / | sed 's|/| / |')"
if $has_logs; then run_dbadvisor "PostgreSQL stderr" pgbadger postgres --log-line-prefix "$prefix"; fi

# MARK: - Report

echo
cpu=$(sed -n 's/^model name\t*: //p' /proc/cpuinfo | head -n 1)
echo "Log benchmark, $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores ($cpu), load average before the runs" \
    "$load_before"
versions="$(pt-query-digest --version 2>/dev/null | head -n 1)"
versions+="; pgbadger $(pgbadger --version 2>/dev/null | grep -o '[0-9][0-9.]*' | head -n 1)"
echo "$versions; dbadvisor $("$dbadvisor" --version)"
echo "PostgreSQL log_line_prefix: '$prefix'; inputs and reports in $work"
echo
echo "| tool | input | MB | statements | seconds | CPU seconds | MB/s | statements/s | max RSS MB" \
    "| dbadvisor ÷ tool | statements / classes the tool reports |"
echo "| --- | --- | --: | --: | --: | --: | --: | --: | --: | --: | --: |"
printf '%s\n' "${rows[@]}"
if ! $has_logs; then
    echo
    echo "dbadvisor has no 'logs' command yet: only the other tools were timed (and the memory check is left out)."
    exit 0
fi

# MARK: - Memory

double=$((statements * 2))
generate "$double"
echo
echo "Memory: max RSS of dbadvisor logs (all cores) on $statements and $double statements; it should stay flat."
echo
echo "| input | statements | MB | seconds | max RSS MB |"
echo "| --- | --: | --: | --: | --: |"
memory_notes=()
for format in mysql postgres; do
    declare -A format_rss=()
    for count in "$statements" "$double"; do
        if [ "$format" = mysql ]; then
            input=$work/mysql-slow-$count.log label="MySQL slow log" options=()
        else
            input=$work/postgresql-$count.log label="PostgreSQL stderr" options=(--log-line-prefix "$prefix")
        fi
        timed "$work/out/memory.stdout" "$dbadvisor" logs "$input" --format json \
            --output "$work/out/memory-$format-$count.json" "${options[@]}"
        format_rss[$count]=$rss
        echo "| $label | $count | $(awk -v b="$(stat -c %s "$input")" 'BEGIN { printf "%.1f", b / 1e6 }') |" \
            "$seconds | $(awk -v kb="$rss" 'BEGIN { printf "%.0f", kb / 1024 }') |"
    done
    growth=$(awk -v a="${format_rss[$statements]}" -v b="${format_rss[$double]}" \
        'BEGIN { printf "%+.0f", (b - a) * 100 / a }')
    verdict="bounded"
    [ "${growth#+}" -le 10 ] || verdict="GROWS with the file"
    memory_notes+=("$format: max RSS $growth% for twice the statements: $verdict")
done
echo
printf '%s\n' "${memory_notes[@]}"
