import Foundation
import TestSupport
import Testing

/// `dbadvisor scan mysql://…` routing and its validation; the scan itself is tested live in ConnectorTests.
struct ScanMySQLCommandTests {
    @Test func pgbouncerIsAUsageErrorForMySQL() throws {
        let result = try CommandRunner.run([
            "scan", "mysql://u@127.0.0.1:1/db", "--pgbouncer", "postgres://a@b/pgbouncer",
        ])
        #expect(result.exitCode == 2)
        #expect(result.stderr.contains("--pgbouncer"))
    }

    @Test func unreachableMySQLServerIsAConnectionErrorWithoutThePassword() throws {
        let result = try CommandRunner.run(["scan", "mariadb://u:secret-pw-9@127.0.0.1:1/db", "-q"])
        #expect(result.exitCode == 3)
        #expect(result.stderr.contains("MySQL"))
        #expect(!result.stderr.contains("secret-pw-9"))
        #expect(result.stdout.isEmpty)
    }
}
