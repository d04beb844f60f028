import Foundation
import Testing

@testable import AdvisorCore

struct StatementLockWaitsRuleTests {
    typealias E = StatementRuleExamples

    private func findings(_ snapshot: Snapshot) -> [Finding] {
        RuleEngine(rules: [StatementLockWaitsRule()]).run(snapshot).findings
    }

    @Test func rowLockWaitsAndDeadlocksFromALog() throws {
        let update = E.lockWait(
            "UPDATE accounts SET balance = balance + $1 WHERE id = $2", waits: 40, acquiredWaitMs: 900_000,
            deadlocks: 3, kinds: ["ShareLock on transaction"])
        let finding = try #require(findings(E.lockWaits([update])).first)
        #expect(finding.object.key == "shop|app|\(update.statementId)")
        #expect(finding.severity == .high)
        #expect(finding.message.hasPrefix("It waited for locks 40 times longer than deadlock_timeout"))
        #expect(finding.message.contains("was cancelled in 3 deadlocks"))
        #expect(finding.message.hasSuffix("Locks waited for: ShareLock on transaction."))
        #expect(finding.evidence("time waited") == 900_000)
        #expect(finding.recommendation.contains("keep write transactions short"))
        #expect(finding.recommendation.contains("change rows in one order everywhere"))
        #expect(finding.impact.summary.contains("3 transactions cancelled by deadlocks"))
    }

    @Test func aTableLockWaitIsAdvisedOnSchemaChanges() throws {
        let select = E.lockWait(
            "SELECT * FROM t1", waits: 1, acquiredWaitMs: 13_556, kinds: ["AccessShareLock on relation"])
        let finding = try #require(findings(E.lockWaits([select])).first)
        #expect(finding.recommendation.hasPrefix("It queues for a table lock behind a schema change"))
        #expect(finding.recommendation.contains("lock_timeout"))
        #expect(!finding.recommendation.contains("deadlock"))
    }

    @Test func aSingleDeadlockIsAtLeastMedium() throws {
        var waits = StatementLockWaits(statementId: "x", text: "UPDATE t SET a = $1 WHERE id = $2")
        waits.deadlocks = 1
        let finding = try #require(findings(E.lockWaits([waits])).first)
        #expect(finding.severity == .medium)
        #expect(finding.message == "It was cancelled in 1 deadlock.")
    }

    @Test func mysqlLockTimeShare() throws {
        let deletes = E.statement(
            "d9", "DELETE FROM sessions WHERE expires_at < ?", calls: 2_000, totalTimeMs: 900_000, rows: 40_000
        ) { $0.lockTimeMs = 600_000 }
        let waits = ["status.Innodb_row_lock_waits": "1200", "status.Innodb_row_lock_time": "700000"]
        let snapshot = E.snapshot(engine: .mysql, statements: [deletes], settings: waits)
        let finding = try #require(findings(snapshot).first)
        #expect(finding.message.hasPrefix("It waited for locks up to 600.0 s of its 900.0 s (67 %)"))
        #expect(finding.message.contains("1,200 InnoDB row-lock waits"))
        #expect(finding.recommendation.contains("sys.innodb_lock_waits"))
        var small = deletes
        small.lockTimeMs = 100_000
        #expect(findings(E.snapshot(engine: .mysql, statements: [small], settings: waits)).isEmpty)
        // A load run 4 times (sysbench's prepare) and a CREATE INDEX wait once: no daily lock cost.
        var load = deletes
        load.text = "INSERT INTO `sbtest1` ( `k` , `c` , `pad` ) VALUES (...) /* , ... */"
        load.calls = 4
        var build = deletes
        build.text = "CREATE INDEX `k_1` ON `sbtest1` ( `k` )"
        #expect(findings(E.snapshot(engine: .mysql, statements: [load, build], settings: waits)).isEmpty)
    }

    /// Lock time is mostly opening and locking tables: without counted waits it is no contention (a read-only
    /// workload with no writer), and it is contention only up to the row-lock wait time the server counted
    /// (sysbench: 2,278 ms of lock time against 3 ms of row-lock waits).
    @Test func mysqlLockTimeWithoutContentionIsNoFinding() {
        let select = E.statement(
            "d7", "SELECT c FROM sbtest1 WHERE id = ?", calls: 100_000, totalTimeMs: 5_897, rows: 100_000
        ) { $0.lockTimeMs = 2_278 }
        let options = { () -> StatementLockWaitsRule.Options in
            var options = StatementLockWaitsRule.Options()
            options.minLockTimeMsPerDay = 1
            return options
        }()
        func evaluate(_ settings: [String: String]) -> [Finding] {
            RuleEngine(rules: [StatementLockWaitsRule(options: options)])
                .run(E.snapshot(engine: .mysql, statements: [select], settings: settings)).findings
        }
        let none = [
            "status.Innodb_row_lock_waits": "0", "status.Innodb_row_lock_time": "0", "status.Table_locks_waited": "0",
        ]
        #expect(evaluate(none).isEmpty)
        #expect(evaluate([:]).isEmpty)
        #expect(evaluate(["status.Innodb_row_lock_waits": "2", "status.Innodb_row_lock_time": "3"]).isEmpty)
        #expect(evaluate(["status.Table_locks_waited": "5"]).count == 1)
        #expect(evaluate(["status.Innodb_row_lock_waits": "90", "status.Innodb_row_lock_time": "2000"]).count == 1)
    }

    /// The row-lock counters run since the server started; digests truncated since cover only part of that span,
    /// so the 826 waits of a sysbench run an hour earlier are no evidence about a read-only ORM's last seconds.
    @Test func mysqlRowLockWaitsBeforeTheDigestsWindowAreNoEvidence() {
        let select = E.statement(
            "d7", "SELECT * FROM authors WHERE id = ?", calls: 100_000, totalTimeMs: 5_000, rows: 100_000
        ) { $0.lockTimeMs = 2_000 }
        let waits = ["status.Innodb_row_lock_waits": "826", "status.Innodb_row_lock_time": "26000"]
        var options = StatementLockWaitsRule.Options()
        options.minLockTimeMsPerDay = 1
        let rule = StatementLockWaitsRule(options: options)
        var snapshot = E.snapshot(engine: .mysql, statements: [select], settings: waits)
        #expect(RuleEngine(rules: [rule]).run(snapshot).findings.count == 1)
        snapshot.statementSource?.resetAt = snapshot.server.collectedAt?.addingTimeInterval(-5)
        #expect(RuleEngine(rules: [rule]).run(snapshot).findings.isEmpty)
    }

    /// The log reader ties `still waiting`, `acquired` and `deadlock detected` to the STATEMENT after them, across
    /// the DETAIL and CONTEXT lines between.
    @Test func logLockEventsReachTheSnapshot() throws {
        let lines = [
            "2026-03-01 10:00:01 UTC [7] LOG:  process 7 still waiting for ShareLock on transaction 42 after 1000.1 ms",
            "2026-03-01 10:00:01 UTC [7] DETAIL:  Process holding the lock: 8. Wait queue: 7.",
            "2026-03-01 10:00:01 UTC [7] CONTEXT:  while updating tuple (0,1) in relation \"accounts\"",
            "2026-03-01 10:00:01 UTC [7] STATEMENT:  UPDATE accounts SET balance = 1 WHERE id = 5",
            "2026-03-01 10:00:04 UTC [7] LOG:  process 7 acquired ShareLock on transaction 42 after 3500.5 ms",
            "2026-03-01 10:00:04 UTC [7] STATEMENT:  UPDATE accounts SET balance = 1 WHERE id = 5",
            "2026-03-01 10:00:04 UTC [7] LOG:  duration: 3501.000 ms  statement: UPDATE accounts SET balance = 1 WHERE id = 5",
            "2026-03-01 10:00:09 UTC [9] ERROR:  deadlock detected",
            "2026-03-01 10:00:09 UTC [9] DETAIL:  Process 9 waits for ShareLock on transaction 43; blocked by process 7.",
            "\tProcess 7 waits for ShareLock on transaction 44; blocked by process 9.",
            "2026-03-01 10:00:09 UTC [9] STATEMENT:  UPDATE accounts SET balance = 2 WHERE id = 6",
        ]
        let snapshot = try StderrLogExample.snapshot(lines)
        #expect(snapshot.facets.contains(.serverLogEvents))
        let waits = try #require(snapshot.lockWaits.first)
        #expect(snapshot.lockWaits.count == 1)
        #expect(waits.statementId == snapshot.statements.first?.id)
        #expect((waits.waits, waits.acquiredWaits, waits.deadlocks) == (1, 1, 1))
        #expect(waits.acquiredWaitMs == 3_500.5 && waits.longestWaitMs == 3_500.5)
        #expect(waits.lockKinds == ["ShareLock on transaction"])
        #expect(findings(snapshot).map(\.ruleId) == ["statement-lock-waits"])
    }
}
