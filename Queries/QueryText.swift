/// The SQL dbadvisor runs, compiled into the binary from the `.sql` files beside this one.
///
/// Each case names one file (`<engine>_<what>[_v<major>].sql`); a test fails when the cases
/// and the files differ.
public enum QueryText: String, CaseIterable, Sendable {
    case pgServerVersion = "pg_server_version"
    case pgSessionSettings = "pg_session_settings"
    case pgPlannerDefaults = "pg_planner_defaults"
    case pgExplainContext = "pg_explain_context"
    case pgHypopgCreateIndex = "pg_hypopg_create_index"
    case pgHypopgReset = "pg_hypopg_reset"
    case pgServer = "pg_server"
    case pgSettings = "pg_settings"
    case pgDatabases = "pg_databases"
    case pgDatabasesV14 = "pg_databases_v14"
    case pgStatementsExtension = "pg_statements_extension"
    case pgStatementsV12 = "pg_statements_v12"
    case pgStatementsV13 = "pg_statements_v13"
    case pgStatementsV14 = "pg_statements_v14"
    case pgStatementsV17 = "pg_statements_v17"
    case pgStatementsInfo = "pg_statements_info"
    case pgSearchPath = "pg_search_path"
    case pgTables = "pg_tables"
    case pgTablesV16 = "pg_tables_v16"
    case pgIndexes = "pg_indexes"
    case pgIndexesV16 = "pg_indexes_v16"
    case pgForeignKeys = "pg_foreign_keys"
    case pgActivity = "pg_activity"
    case pgConnectionLimits = "pg_connection_limits"
    case pgCheckpoints = "pg_checkpoints"
    case pgCheckpointsV17 = "pg_checkpoints_v17"
    case pgbouncerPools = "pgbouncer_pools"
    case pgbouncerDatabases = "pgbouncer_databases"
    case pgbouncerStats = "pgbouncer_stats"
    case pgbouncerConfig = "pgbouncer_config"
    case pgbouncerVersion = "pgbouncer_version"
    case mysqlServerVersion = "mysql_server_version"
    case mysqlServer = "mysql_server"
    case mysqlVariables = "mysql_variables"
    case mysqlStatus = "mysql_status"
    case mysqlConsumers = "mysql_consumers"
    case mysqlPreparedExecutions = "mysql_prepared_executions"
    case mysqlDigests = "mysql_digests"
    case mysqlDigestsV8 = "mysql_digests_v8"
    case mysqlTables = "mysql_tables"
    case mysqlTableVisibility = "mysql_table_visibility"
    case mysqlIndexes = "mysql_indexes"
    case mysqlIndexesV8 = "mysql_indexes_v8"
    case mysqlForeignKeys = "mysql_foreign_keys"
    case mysqlProcesslist = "mysql_processlist"
    case mysqlLockWaits = "mysql_lock_waits"
    case mysqlLockWaitsV8 = "mysql_lock_waits_v8"
    case mysqlStatementHistory = "mysql_statement_history"
    case mysqlStatementHistoryInfo = "mysql_statement_history_info"
    case mysqlStatementSamples = "mysql_statement_samples"

    /// The statement text, header comment included, exactly as in the file.
    public var sql: String {
        let bytes: [UInt8] =
            switch self {
            case .pgServerVersion: PackageResources.pg_server_version_sql
            case .pgSessionSettings: PackageResources.pg_session_settings_sql
            case .pgPlannerDefaults: PackageResources.pg_planner_defaults_sql
            case .pgExplainContext: PackageResources.pg_explain_context_sql
            case .pgHypopgCreateIndex: PackageResources.pg_hypopg_create_index_sql
            case .pgHypopgReset: PackageResources.pg_hypopg_reset_sql
            case .pgServer: PackageResources.pg_server_sql
            case .pgSettings: PackageResources.pg_settings_sql
            case .pgDatabases: PackageResources.pg_databases_sql
            case .pgDatabasesV14: PackageResources.pg_databases_v14_sql
            case .pgStatementsExtension: PackageResources.pg_statements_extension_sql
            case .pgStatementsV12: PackageResources.pg_statements_v12_sql
            case .pgStatementsV13: PackageResources.pg_statements_v13_sql
            case .pgStatementsV14: PackageResources.pg_statements_v14_sql
            case .pgStatementsV17: PackageResources.pg_statements_v17_sql
            case .pgStatementsInfo: PackageResources.pg_statements_info_sql
            case .pgSearchPath: PackageResources.pg_search_path_sql
            case .pgTables: PackageResources.pg_tables_sql
            case .pgTablesV16: PackageResources.pg_tables_v16_sql
            case .pgIndexes: PackageResources.pg_indexes_sql
            case .pgIndexesV16: PackageResources.pg_indexes_v16_sql
            case .pgForeignKeys: PackageResources.pg_foreign_keys_sql
            case .pgActivity: PackageResources.pg_activity_sql
            case .pgConnectionLimits: PackageResources.pg_connection_limits_sql
            case .pgCheckpoints: PackageResources.pg_checkpoints_sql
            case .pgCheckpointsV17: PackageResources.pg_checkpoints_v17_sql
            case .pgbouncerPools: PackageResources.pgbouncer_pools_sql
            case .pgbouncerDatabases: PackageResources.pgbouncer_databases_sql
            case .pgbouncerStats: PackageResources.pgbouncer_stats_sql
            case .pgbouncerConfig: PackageResources.pgbouncer_config_sql
            case .pgbouncerVersion: PackageResources.pgbouncer_version_sql
            case .mysqlServerVersion: PackageResources.mysql_server_version_sql
            case .mysqlServer: PackageResources.mysql_server_sql
            case .mysqlVariables: PackageResources.mysql_variables_sql
            case .mysqlStatus: PackageResources.mysql_status_sql
            case .mysqlConsumers: PackageResources.mysql_consumers_sql
            case .mysqlPreparedExecutions: PackageResources.mysql_prepared_executions_sql
            case .mysqlDigests: PackageResources.mysql_digests_sql
            case .mysqlDigestsV8: PackageResources.mysql_digests_v8_sql
            case .mysqlTables: PackageResources.mysql_tables_sql
            case .mysqlTableVisibility: PackageResources.mysql_table_visibility_sql
            case .mysqlIndexes: PackageResources.mysql_indexes_sql
            case .mysqlIndexesV8: PackageResources.mysql_indexes_v8_sql
            case .mysqlForeignKeys: PackageResources.mysql_foreign_keys_sql
            case .mysqlProcesslist: PackageResources.mysql_processlist_sql
            case .mysqlLockWaits: PackageResources.mysql_lock_waits_sql
            case .mysqlLockWaitsV8: PackageResources.mysql_lock_waits_v8_sql
            case .mysqlStatementHistory: PackageResources.mysql_statement_history_sql
            case .mysqlStatementHistoryInfo: PackageResources.mysql_statement_history_info_sql
            case .mysqlStatementSamples: PackageResources.mysql_statement_samples_sql
            }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The file the text comes from, relative to `Queries/`. PgBouncer's console commands live with
    /// PostgreSQL's queries: the same connector runs them.
    public var path: String {
        let engineFolder = rawValue.hasPrefix("mysql_") ? "mysql" : "postgres"
        return "\(engineFolder)/\(rawValue).sql"
    }
}
