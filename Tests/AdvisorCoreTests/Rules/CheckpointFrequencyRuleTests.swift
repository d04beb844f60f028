import Foundation
import Testing

@testable import AdvisorCore

struct CheckpointFrequencyRuleTests {
    private func findings(_ snapshot: Snapshot) -> [Finding] {
        RuleEngine(rules: [CheckpointFrequencyRule()]).run(snapshot).findings
    }

    @Test func statisticsWithMostlyRequestedCheckpoints() throws {
        let finding = try #require(findings(CheckpointFrequencyRule.example(timed: 40, requested: 200)).first)
        #expect(finding.severity == .high)
        #expect(
            finding.message
                == "200 of 240 checkpoints (83 %) were requested before checkpoint_timeout (by WAL volume or a "
                + "CHECKPOINT), over 1.0 days.")
        // No WAL distance in the statistics: four times the current 1 GB.
        #expect(finding.fixSQL == "ALTER SYSTEM SET max_wal_size = '4GB';\nSELECT pg_reload_conf();")
        #expect(finding.recommendation.hasPrefix("Raise max_wal_size from 1GB to 4GB"))
        #expect(finding.evidence("share requested").map { abs($0 - 83.33) < 0.01 } == true)
    }

    @Test func aFewRequestedAmongManyIsNoFinding() {
        #expect(findings(CheckpointFrequencyRule.example(timed: 280, requested: 2)).isEmpty)
        #expect(findings(CheckpointFrequencyRule.example(timed: 100, requested: 9)).isEmpty)
        #expect(findings(CheckpointFrequencyRule.example(timed: 100, requested: 12)).first?.severity == .medium)
        // From the statistics: a few requests (a CREATE DATABASE, restarts) over a short window are no evidence.
        var young = CheckpointFrequencyRule.example(timed: 0, requested: 5)
        #expect(findings(young).isEmpty)
        young.checkpoints?.requested = 30
        young.checkpoints?.windowSeconds = 6_000
        #expect(findings(young).isEmpty)
    }

    /// From a log: the WAL each checkpoint saw sizes the proposal, and the server's warnings are quoted.
    @Test func aLogSizesTheProposalFromTheWALBetweenCheckpoints() throws {
        let lines = [
            "2026-03-01 10:00:00 UTC [5] LOG:  checkpoint starting: time",
            "2026-03-01 10:00:30 UTC [5] LOG:  checkpoint complete: wrote 2113 buffers (12.9%); 0 WAL file(s) added, "
                + "0 removed, 1 recycled; write=29.9 s, sync=0.002 s, total=29.9 s; sync files=29, longest=0.001 s, "
                + "average=0.001 s; distance=600000 kB, estimate=600000 kB",
            "2026-03-01 10:01:00 UTC [5] LOG:  checkpoints are occurring too frequently (30 seconds apart)",
            "2026-03-01 10:01:00 UTC [5] HINT:  Consider increasing the configuration parameter \"max_wal_size\".",
            "2026-03-01 10:01:00 UTC [5] LOG:  checkpoint starting: wal",
            "2026-03-01 10:01:30 UTC [5] LOG:  checkpoint complete: wrote 9 buffers (0.1%); distance=600000 kB, "
                + "estimate=600000 kB",
            "2026-03-01 10:02:00 UTC [5] LOG:  checkpoint starting: immediate force wait",
            "2026-03-01 10:05:00 UTC [7] LOG:  duration: 1.000 ms  statement: SELECT 1",
        ]
        let snapshot = try StderrLogExample.snapshot(lines)
        let checkpoints = try #require(snapshot.checkpoints)
        #expect((checkpoints.timed, checkpoints.requested, checkpoints.other) == (1, 1, 1))
        #expect(checkpoints.tooFrequentWarnings == 1 && checkpoints.shortestSecondsApart == 30)
        #expect(checkpoints.averageDistanceKilobytes == 600_000)
        let finding = try #require(findings(snapshot).first)
        #expect(finding.message.contains("1 of 2 checkpoints (50 %) were requested before checkpoint_timeout, by WAL"))
        #expect(finding.message.contains("the server warned 1 time that checkpoints occur too often (down to 30"))
        // 600,000 kB per 60 s between starts: 2.9 GB per 5-minute timeout × 1.9 × 1.5 = 8.2 GB → 9 GB.
        #expect(checkpoints.averageIntervalSeconds == 60)
        #expect(finding.fixSQL?.hasPrefix("ALTER SYSTEM SET max_wal_size = '9GB';") == true, "\(finding.fixSQL ?? "")")
    }

    @Test func timeSettingsAreRead() {
        #expect(DurationSetting.seconds("5min") == 300)
        #expect(DurationSetting.seconds("30s") == 30)
        #expect(DurationSetting.seconds("1h") == 3_600)
        #expect(DurationSetting.seconds("250ms") == 0.25)
        #expect(DurationSetting.seconds("15", bareUnitSeconds: 60) == 900)
        #expect(DurationSetting.seconds("soon") == nil)
    }
}
