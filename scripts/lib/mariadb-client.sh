# Sourced by the capture scripts: the owner login from DBADVISOR_TEST_MYSQL_URL as a client option file, so no
# password is on a command line. Needs `log` from the sourcing script.

mysql_options_file=""

mysql_prepare() {
    local pattern='^mysql://([^:]+):([^@]+)@([^:/]+):([0-9]+)/(.+)$'
    [[ $DBADVISOR_TEST_MYSQL_URL =~ $pattern ]] || { log "cannot read $DBADVISOR_TEST_MYSQL_URL"; exit 1; }
    mysql_options_file=$(mktemp)
    trap 'rm -f "$mysql_options_file"' EXIT
    printf '[client]\nuser=%s\npassword=%s\nhost=%s\nport=%s\ndatabase=%s\n' \
        "${BASH_REMATCH[1]}" "${BASH_REMATCH[2]}" "${BASH_REMATCH[3]}" "${BASH_REMATCH[4]}" \
        "${BASH_REMATCH[5]}" >"$mysql_options_file"
}

mariadb_run() { mariadb --defaults-file="$mysql_options_file" "$@"; }
