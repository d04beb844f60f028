import AdvisorCore
import AdvisorQueries
import Foundation
import TestSupport
import Testing

@testable import PostgresConnector

/// The connection collectors on rows recorded from the test servers under planted load (see
/// Fixtures/README.md), and on hand-made rows for what the test servers cannot show.
struct ConnectionCollectorTests {
    @Test func activityRowsBecomeSessionsWithAgesWaitsAndBlockers() throws {
        var snapshot = Snapshot(server: ServerInfo(engine: .postgres))
        try ActivityCollector.add(limits: rows("pg_connection_limits"), activity: rows("pg_activity"), to: &snapshot)
        let connections = try #require(snapshot.connections)
        #expect(snapshot.facets == [.connections])
        #expect(connections.maxConnections == 50)
        #expect(connections.reservedConnections == 3)
        #expect(connections.usableConnections == 47)
        #expect(connections.sessions.map(\.id) == [30723, 31305, 31374, 31388])
        let idle = try #require(connections.sessions.first { $0.id == 31305 })
        #expect(idle.state == "idle in transaction")
        #expect(idle.application == "billing-worker")
        #expect(idle.user == "dbadvisor_owner")
        #expect(idle.database == "shop")
        #expect(idle.client == "127.0.0.1")
        #expect(idle.transactionSeconds == 2.823424)
        #expect(idle.query == "SELECT id FROM orders WHERE id = 4711 FOR UPDATE;")
        let waiting = try #require(connections.sessions.first { $0.id == 31374 })
        #expect(waiting.blockedBy == [31305])
        #expect(waiting.waitEventType == "Lock")
        #expect(waiting.waitEvent == "transactionid")
        #expect(snapshot.settings["idle_in_transaction_session_timeout"] == "0")
        #expect(snapshot.notices.isEmpty)
    }

    @Test func otherRolesSessionsAreKeptWithoutTheirTextAndANoticeSaysWhy() throws {
        var snapshot = Snapshot(server: ServerInfo(engine: .postgres))
        let limits: [LibPQSession.Row] = [
            [
                "max_connections": "100", "superuser_reserved_connections": "3", "reserved_connections": "2",
                "idle_in_transaction_session_timeout": "5min", "login": "\"App Reader\"",
            ]
        ]
        let hidden: LibPQSession.Row = [
            "pid": "4242", "user_name": "billing", "database_name": "shop", "application_name": nil, "client": nil,
            "state": nil, "wait_event_type": nil, "wait_event": nil, "connected_seconds": nil,
            "transaction_seconds": nil, "query_seconds": nil, "state_seconds": nil, "blocked_by": nil,
            "query": "<insufficient privilege>",
        ]
        try ActivityCollector.add(limits: limits, activity: [hidden], to: &snapshot)
        let connections = try #require(snapshot.connections)
        #expect(connections.reservedConnections == 5)
        let session = try #require(connections.sessions.first)
        #expect(session.id == 4242 && session.query == nil && session.state == nil)
        let notice = try #require(snapshot.notices.first)
        #expect(notice.code == "pg_stat_activity_restricted")
        #expect(notice.fixSQL == "GRANT pg_monitor TO \"App Reader\";")
    }

    @Test func missingLimitsOrBadBlockersAreUnexpectedRowsAndStoreNothing() throws {
        var snapshot = Snapshot(server: ServerInfo(engine: .postgres))
        #expect(throws: UnexpectedRowError.self) {
            try ActivityCollector.add(limits: [], activity: [], to: &snapshot)
        }
        var activity = try rows("pg_activity")
        activity[0]["blocked_by"] = "12,x"
        let error = #expect(throws: UnexpectedRowError.self) {
            try ActivityCollector.add(limits: rows("pg_connection_limits"), activity: activity, to: &snapshot)
        }
        #expect(error?.column == "blocked_by" && error?.row == 1)
        #expect(snapshot.connections == nil)
        #expect(snapshot.facets.isEmpty)
    }

    @Test func consoleRowsBecomePoolsWithSizeModeWaitsAndStats() throws {
        let pooler = try PgBouncerCollector.state(
            pools: rows("pgbouncer_pools"), databases: rows("pgbouncer_databases"), stats: rows("pgbouncer_stats"),
            config: rows("pgbouncer_config"), version: rows("pgbouncer_version"))
        #expect(pooler.kind == "pgbouncer")
        #expect(pooler.version == "1.18.0")
        #expect(pooler.settings["default_pool_size"] == "2")
        #expect(pooler.settings["pool_mode"] == "transaction")
        // The console's own pseudo-database is not an application pool.
        #expect(pooler.pools.map(\.database) == ["shop"])
        let pool = try #require(pooler.pools.first)
        #expect(pool.user == "dbadvisor_owner")
        #expect(pool.clientsActive == 2 && pool.clientsWaiting == 5)
        #expect(pool.serversActive == 2 && pool.serversIdle == 0 && pool.serversUsed == 0)
        #expect(pool.maxWaitSeconds == 1.80225)
        #expect(pool.size == 2)
        #expect(pool.mode == "transaction")
        // total_wait_time 48,086,834 µs over 28 transactions.
        #expect(abs((pool.averageWaitMs ?? 0) - 1_717.387) < 0.01)
        #expect(pool.transactionsPerSecond == 0)
    }

    @Test func laterPgBouncerColumnsAreIgnoredAndMissingOnesDefault() {
        let pools: [LibPQSession.Row] = [
            [
                "database": "shop", "user": "app", "cl_active": "4", "cl_waiting": "0", "sv_active": "1",
                "sv_idle": "3", "sv_used": "0", "maxwait": "0", "maxwait_us": "0", "load_balance_hosts": nil,
            ]
        ]
        let config: [LibPQSession.Row] = [
            ["key": "default_pool_size", "value": "20", "default": "20", "changeable": "yes"],
            ["key": "pool_mode", "value": "session", "default": "session", "changeable": "yes"],
        ]
        let pooler = PgBouncerCollector.state(pools: pools, databases: [], stats: [], config: config, version: [])
        let pool = pooler.pools.first
        #expect(pool?.size == 20)
        #expect(pool?.mode == "session")
        #expect(pool?.averageWaitMs == nil)
        #expect(pooler.version == nil)
    }

    @Test func poolerWithoutServerSessionsGoesToANotice() {
        var snapshot = Snapshot(server: ServerInfo(engine: .postgres))
        let pool = PoolerState.Pool(database: "shop", user: "app", clientsWaiting: 3, maxWaitSeconds: 2)
        PgBouncerCollector.add(PoolerState(kind: "pgbouncer", pools: [pool]), to: &snapshot)
        #expect(snapshot.connections == nil)
        #expect(snapshot.notices.first?.message.contains("shop/app") == true)
        #expect(snapshot.notices.first?.message.contains("3 waiting") == true)
    }

    @Test func consoleCommandsAreOneBareStatementEach() {
        let commands: [QueryText] = [
            .pgbouncerPools, .pgbouncerDatabases, .pgbouncerStats, .pgbouncerConfig, .pgbouncerVersion,
        ]
        for query in commands {
            let statement = query.sql.split(separator: "\n").filter { !$0.hasPrefix("--") }
            #expect(statement.count == 1 && statement[0].hasPrefix("SHOW "), "\(query.rawValue)")
            #expect(query.path == "postgres/\(query.rawValue).sql")
        }
    }

    private func rows(_ name: String) throws -> [LibPQSession.Row] {
        let url = RepositoryPaths.fixtures.appendingPathComponent("postgres/rows/\(name).json")
        return try JSONDecoder().decode([LibPQSession.Row].self, from: Data(contentsOf: url))
    }
}
