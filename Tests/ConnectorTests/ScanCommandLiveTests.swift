import AdvisorCore
import Foundation
import PostgresConnector
import TestSupport
import Testing

/// `dbadvisor scan` end to end, as a user runs it: the built binary against the seeded test database
/// after a real workload (a frequent query scanning `orders`, an ORM-style N+1 loop, healthy key
/// lookups, a session left idle in a transaction), as the least-privilege reader role, on PostgreSQL 15
/// and 18. Each planted problem must be found by name, and the healthy objects must stay silent.
@Suite(.serialized, .enabled(if: LiveServers.postgresIsUsable, LiveServers.postgresSkipMessage))
struct ScanCommandLiveTests {
    @Test(arguments: LiveServers.postgresServers)
    func findsEveryPlantedProblemAndStaysSilentOnHealthyObjects(server: PostgresTestServer) throws {
        let reader = try server.require(server.readerURL)
        do {
            let owner = try LibPQSession.open(try server.require(server.url))
            _ = try owner.rows("SELECT pg_stat_statements_reset(), pg_stat_reset()")
            try Self.runWorkload(owner)
            // The session closes here: an idle backend may hold its table counters for up to ten seconds
            // before it reports them, one that exits reports them at once.
        }
        Thread.sleep(forTimeInterval: 0.5)
        let idle = try PsqlClient(url: try server.require(server.url), applicationName: "dbadvisor-e2e-idle")
        defer { idle.stop() }
        idle.send("BEGIN;\nSELECT count(*) FROM countries;")
        Thread.sleep(forTimeInterval: 1.5)

        let config = try Self.writeConfig(
            """
            rules:
              index-unused:
                min_window_days: 0
              idle-in-transaction:
                min_idle_seconds: 1
            """)
        let result = try CommandRunner.run(
            ["scan", reader, "--format", "json", "--explain-top", "3", "--config", config.path])
        #expect(result.exitCode == 0, "\(result.stderr)")
        #expect(result.stderr.contains("dbadvisor: reading statements"))
        #expect(!result.stdout.contains("reader-pw-1") && !result.stderr.contains("reader-pw-1"))
        let findings = try Self.findings(in: result.stdout)
        // One session ran the workload: no finding claims more than its day, every rate says its window, and the
        // report is in severity order.
        let report = try WorkloadReport(json: result.stdout, name: "PostgreSQL-\(server.major)-shop")
        WorkloadCheck.expectPlausible(report, backends: 1, "PostgreSQL \(server.major) shop scan")
        WorkloadCheck.expectOrdered(report, "PostgreSQL \(server.major) shop scan")
        try FixSQLCheck.expectAcceptedByPostgres(
            FixSQLCheck.fixes(report), url: try server.require(server.url), major: server.major,
            "PostgreSQL \(server.major) shop scan")

        func objects(_ rule: String) -> [String] { findings.filter { $0.rule == rule }.map(\.object) }
        #expect(objects("table-seq-scan-heavy") == ["table public.orders"])
        let seqScan = try #require(findings.first { $0.rule == "table-seq-scan-heavy" })
        #expect(seqScan.fixSQL?.contains("ON public.orders (status)") == true)
        let nPlusOne = try #require(findings.first { $0.rule == "statement-n-plus-one" })
        #expect(nPlusOne.object.contains("FROM customers WHERE id = $1"))
        #expect(nPlusOne.fixSQL?.contains("id = ANY($1)") == true)
        #expect(objects("statement-top-time").contains { $0.contains("FROM orders WHERE status = $1") })
        #expect(objects("index-invalid") == ["index promotions_country_key on public.promotions"])
        #expect(objects("index-redundant") == ["index order_items_order_id_idx on public.order_items"])
        #expect(objects("index-duplicate").count == 1)
        #expect(objects("index-duplicate").allSatisfy { $0.contains("products_category_idx") })
        #expect(objects("index-unused").contains("index customers_created_at_idx on public.customers"))
        #expect(
            objects("foreign-key-missing-index").contains("foreign key customers_country_fkey on public.customers"))
        #expect(objects("idle-in-transaction").count == 1)

        // Healthy objects and statements: no finding names them.
        for healthy in [
            "orders_pkey", "orders_customer_id_idx", "customers_email_key", "products_pkey", "FROM products",
        ] {
            #expect(!findings.contains { $0.object.contains(healthy) }, "\(healthy) was reported")
        }
        #expect(objects("connection-saturation").isEmpty)
        #expect(objects("blocked-queries").isEmpty)
    }

    /// With `track_utility` on, `pg_stat_statements` keeps `CREATE ROLE … PASSWORD '…'` verbatim: no report format,
    /// saved snapshot or history store may hold the password (issue 13).
    @Test(arguments: LiveServers.postgresServers)
    func passwordsInStatementTextsReachNoReportSnapshotOrHistory(server: PostgresTestServer) throws {
        let owner = try LibPQSession.open(try server.require(server.url))
        _ = try owner.simpleRows("SET default_transaction_read_only = off")
        _ = try owner.simpleRows("DROP ROLE IF EXISTS dbadvisor_redaction_probe")
        // The profile lists the most expensive statements: a fresh one holds these cheap ones.
        _ = try owner.simpleRows("SELECT pg_stat_statements_reset()")
        _ = try owner.simpleRows("CREATE ROLE dbadvisor_redaction_probe PASSWORD 'Zq-S3cret-4711'")
        _ = try owner.simpleRows("ALTER ROLE dbadvisor_redaction_probe PASSWORD 'Zq-S3cret-4712'")
        _ = try owner.simpleRows("DROP ROLE dbadvisor_redaction_probe")
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "dbadvisor-redaction-\(server.major)")
        try? FileManager.default.removeItem(at: folder)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let monitor = try server.require(server.monitorURL)
        // JSON first: later runs compare with the history the first recorded, and show only what ran since.
        for format in ["json", "text", "markdown", "html", "sarif", "prometheus"] {
            let result = try CommandRunner.run(
                [
                    "scan", monitor, "--format", format, "--save-snapshot",
                    folder.appendingPathComponent("s.json").path,
                    "--history", folder.appendingPathComponent("history.sqlite").path,
                ])
            #expect(result.exitCode == 0, "\(result.stderr)")
            if format == "json" {
                // The statement is in the profile, its password redacted.
                #expect(result.stdout.contains("dbadvisor_redaction_probe PASSWORD '***'"))
            }
            #expect(!result.stdout.contains("Zq-S3cret") && !result.stderr.contains("Zq-S3cret"), "\(format)")
        }
        for file in ["s.json", "history.sqlite"] {
            let bytes = try Data(contentsOf: folder.appendingPathComponent(file))
            #expect(bytes.range(of: Data("Zq-S3cret".utf8)) == nil, "\(file) holds the password")
        }
    }

    /// A count past what a scan EXPLAINs (even past Int.max) is capped, and the report says so.
    @Test func aHugeExplainTopIsCappedWithANotice() throws {
        let monitor = try #require(LiveServers.postgresMonitorURL)
        let result = try CommandRunner.run(
            ["scan", monitor, "--explain-top", "99999999999999999999", "--format", "json", "--only", "plan-hot-node"])
        #expect(result.exitCode == 0, "\(result.stderr)")
        #expect(result.stdout.contains("--explain-top was capped at 100 statements"))
        let refused = try CommandRunner.run(["scan", monitor, "--explain-top", "-3"])
        #expect(refused.exitCode == 2)
    }

    @Test func aWrongPasswordExitsWith3AndNeverPrintsThePassword() throws {
        let password = "Wrong-Secret-8813"
        let url = try LiveServers.withPassword(password, in: try #require(LiveServers.postgresMonitorURL))
        let result = try CommandRunner.run(["scan", url])
        #expect(result.exitCode == 3)
        #expect(result.stderr.contains("password authentication failed"))
        #expect(!result.stderr.contains(password) && !result.stdout.contains(password))
    }

    /// A connection that dies mid-scan (here: terminated while it waits for a lock) ends the scan with
    /// exit code 3, and the report still holds what was collected before.
    @Test func aConnectionLostMidScanReportsWhatWasCollected() throws {
        let (owner, locker) = try Self.lockWarehouseStock(as: "dbadvisor-e2e-locker")
        defer { locker.stop() }
        let scan = Process()
        scan.executableURL = CommandRunner.binary
        scan.arguments = [
            "scan", try #require(LiveServers.postgresMonitorURL), "--format", "json", "--lock-timeout", "30000",
            "--statement-timeout", "30000",
        ]
        let output = Pipe()
        scan.standardOutput = output
        scan.standardError = FileHandle.nullDevice
        try scan.run()
        // The table collector waits for the lock the locker holds; end that connection from the server.
        try Self.waitUntil("the scan waits for the lock") {
            try !owner.rows(
                """
                SELECT pg_terminate_backend(pid) FROM pg_stat_activity
                WHERE application_name = 'dbadvisor' AND wait_event_type = 'Lock'
                """
            ).isEmpty
        }
        let report = output.fileHandleForReading.readDataToEndOfFile()
        scan.waitUntilExit()
        #expect(scan.terminationStatus == 3)
        let json = try #require(try JSONSerialization.jsonObject(with: report) as? [String: Any])
        #expect(json["findings"] != nil)
    }

    /// A backend that stops answering (SIGSTOP: it enforces no statement timeout of its own) ends the scan
    /// once the server has been silent for the statement timeout plus the grace, with exit code 3 and the
    /// report of what was collected, instead of a scan that waits forever.
    @Test func aFrozenBackendIsGivenUpAfterTheStatementTimeoutAndTheGrace() throws {
        let (owner, locker) = try Self.lockWarehouseStock(as: "dbadvisor-e2e-freezer")
        defer { locker.stop() }
        let scan = Process()
        scan.executableURL = CommandRunner.binary
        scan.arguments = [
            "scan", try #require(LiveServers.postgresMonitorURL), "--format", "json", "--lock-timeout", "60000",
            "--statement-timeout", "3000",
        ]
        let output = Pipe()
        let errors = Pipe()
        scan.standardOutput = output
        scan.standardError = errors
        try scan.run()
        var frozen: pid_t = 0
        defer { if frozen > 0 { kill(frozen, SIGCONT) } }
        try Self.waitUntil("the scan waits for the lock") {
            let waiting = try owner.rows(
                "SELECT pid FROM pg_stat_activity WHERE application_name = 'dbadvisor' AND wait_event_type = 'Lock'")
            guard let pid = waiting.first?["pid"].flatMap({ $0 }).flatMap({ pid_t($0) }) else { return false }
            frozen = pid
            return kill(pid, SIGSTOP) == 0
        }
        // The lock goes, but the stopped backend cannot take it, answer, or time out.
        locker.send("COMMIT;")
        let started = Date()
        let report = output.fileHandleForReading.readDataToEndOfFile()
        let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        scan.waitUntilExit()
        #expect(scan.terminationStatus == 3)
        #expect(Date().timeIntervalSince(started) < 20, "the scan waited past the statement timeout and grace")
        #expect(stderr.contains("the server sent nothing for 13 s"), "\(stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: report) as? [String: Any])
        #expect(json["findings"] != nil)
    }

    // MARK: - Workload

    /// What an application would run: a status list scanning `orders`, a page of orders followed by one
    /// customer lookup per order (the N+1), and product pages by primary key.
    private static func runWorkload(_ session: LibPQSession) throws {
        for status in Array(repeating: ["pending", "refunded", "cancelled"], count: 15).joined() {
            _ = try session.rows(
                "SELECT id, customer_id, total, created_at FROM orders WHERE status = $1 ORDER BY created_at DESC LIMIT 20",
                [status])
        }
        for page in 0..<150 {
            let first = 1 + page * 997
            let orders = try session.rows(
                "SELECT id, customer_id, status, total FROM orders WHERE id BETWEEN $1 AND $2",
                [String(first), String(first + 9)])
            for order in orders {
                _ = try session.rows(
                    "SELECT id, email, city FROM customers WHERE id = $1", [order["customer_id"] ?? nil])
            }
        }
        for id in 1...100 {
            _ = try session.rows("SELECT id, sku, name, price FROM products WHERE id = $1", [String(id * 7)])
        }
    }

    // MARK: - Helpers

    private struct ReportedFinding {
        let rule: String
        let object: String
        let fixSQL: String?
    }

    private static func findings(in report: String) throws -> [ReportedFinding] {
        let json = try #require(try JSONSerialization.jsonObject(with: Data(report.utf8)) as? [String: Any])
        let findings = try #require(json["findings"] as? [[String: Any]])
        return try findings.map { finding in
            let object = try #require(finding["object"] as? [String: Any])
            return ReportedFinding(
                rule: try #require(finding["rule_id"] as? String), object: try #require(object["name"] as? String),
                fixSQL: finding["fix_sql"] as? String)
        }
    }

    /// A psql session holding an ACCESS EXCLUSIVE lock on `warehouse_stock` (the table collector waits for it),
    /// and an owner session to watch the scan's backend with.
    private static func lockWarehouseStock(as applicationName: String) throws -> (LibPQSession, PsqlClient) {
        let ownerURL = try #require(LiveServers.postgresURL)
        let owner = try LibPQSession.open(ownerURL)
        let locker = try PsqlClient(url: ownerURL, applicationName: applicationName)
        locker.send("BEGIN;\nLOCK TABLE warehouse_stock IN ACCESS EXCLUSIVE MODE;")
        var held = false
        defer { if !held { locker.stop() } }
        try waitUntil("the lock is held") {
            try !owner.rows(
                """
                SELECT 1 FROM pg_locks l JOIN pg_stat_activity a USING (pid)
                WHERE a.application_name = $1 AND l.mode = 'AccessExclusiveLock' AND l.granted
                """, [applicationName]
            ).isEmpty
        }
        held = true
        return (owner, locker)
    }

    private static func writeConfig(_ text: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("dbadvisor-e2e-\(UUID()).yml")
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    private static func waitUntil(_ what: String, timeoutSeconds: Double = 20, _ condition: () throws -> Bool) throws {
        let deadline = Date().addingTimeInterval(timeoutSeconds)
        while try !condition() {
            guard Date() < deadline else {
                Issue.record("timed out waiting until \(what)")
                return
            }
            Thread.sleep(forTimeInterval: 0.1)
        }
    }
}
