import AdvisorCore
import Foundation
import TestSupport
import Testing

/// The scan, estimate and join rules on the plans captured from our own seeded servers (`Fixtures/`),
/// and on every real plan of the corpus.
struct PlanRulesFixtureTests {
    static let rules: [any Rule] = [
        SeqScanFilterRule(), RowMisestimateRule(), NestedLoopInnerScanRule(), NoUsableKeyRule(),
        RowsExaminedRatioRule(),
    ]

    private func findings(_ path: String) throws -> [Finding] {
        let url = RepositoryPaths.fixtures.appendingPathComponent(path)
        let plans = try PlanReader.read(PlanInput(bytes: Array(try Data(contentsOf: url)), name: path))
        return RuleEngine(rules: Self.rules).run(Snapshot(plans: plans, source: path)).findings
    }

    private func summary(_ findings: [Finding]) -> [String] {
        findings.map { "\($0.ruleId) \($0.object.name)" }
    }

    @Test(arguments: ["txt", "json"])
    func postgresScenarios(format: String) throws {
        let seqScan = try findings("postgres/plans/seq_scan_filter.\(format)")
        #expect(summary(seqScan) == ["plan-seq-scan-filter Seq Scan on orders"])
        #expect(
            seqScan.first?.fixSQL
                == "CREATE INDEX CONCURRENTLY orders_status_created_at_idx ON orders (status, created_at);")

        let misestimate = try findings("postgres/plans/row_misestimate.\(format)")
        #expect(summary(misestimate) == ["plan-row-misestimate Bitmap Heap Scan on customers c"])
        #expect(misestimate.first?.fixSQL?.hasPrefix("CREATE STATISTICS customers_country_city_stats") == true)

        let loop = try findings("postgres/plans/nested_loop_seq_inner.\(format)")
        #expect(summary(loop) == ["plan-nested-loop-inner-scan Nested Loop"])
        #expect(loop.first?.fixSQL == "CREATE INDEX CONCURRENTLY promotions_country_idx ON promotions (country);")

        let partitioned = try findings("postgres/plans/partitioned_append.\(format)")
        #expect(summary(partitioned) == ["plan-seq-scan-filter Seq Scan on 120 partitions of events"])
        #expect(partitioned.first?.fixSQL == "CREATE INDEX events_expr_idx ON events ((payload ->> 'path'::text));")

        #expect(try findings("postgres/plans/healthy_lookup.\(format)").isEmpty)
    }

    @Test func mariadbScenarios() throws {
        for variant in ["json", "table.txt", "vertical.txt"] {
            #expect(
                summary(try findings("mysql/plans/full_scan_filter.\(variant)")) == [
                    "mysql-no-usable-key Table scan on orders"
                ],
                "\(variant)")
            #expect(
                summary(try findings("mysql/plans/no_usable_key.\(variant)")) == [
                    "mysql-no-usable-key Table scan on p"
                ],
                "\(variant)")
            #expect(try findings("mysql/plans/healthy_lookup.\(variant)").isEmpty, "\(variant)")
        }
        let analyzed = try findings("mysql/plans/full_scan_filter.analyze.json")
        #expect(
            Set(summary(analyzed)) == ["mysql-no-usable-key Table scan on orders", "mysql-rows-examined-ratio plan 1"])
        let ratio = try findings("mysql/plans/rows_examined_ratio.analyze.json")
        #expect(summary(ratio) == ["mysql-rows-examined-ratio plan 1"])
        #expect(
            ratio.first?.fixSQL == "ALTER TABLE orders ADD INDEX idx_orders_customer_id_total (customer_id, total);")
        // A GROUP BY over every order returns few rows by design.
        #expect(try findings("mysql/plans/filesort_temporary.analyze.json").isEmpty)
    }

    @Test(.enabled(if: RepositoryPaths.corpusIsPresent, "corpus not found (set DBADVISOR_CORPUS)"))
    func everyCorpusPlanGivesCompleteFindings() throws {
        var checked = 0
        for folder in ["postgres-text", "postgres-json", "mysql-json", "mysql-tree", "mariadb-json"] {
            let directory = RepositoryPaths.corpus.appendingPathComponent("plans/\(folder)")
            for name in try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted() {
                let data = try Data(contentsOf: directory.appendingPathComponent(name))
                // Parsers reject some corpus files on purpose (truncated logs); their tests cover that.
                guard let plans = try? PlanReader.read(PlanInput(bytes: Array(data), name: name)) else { continue }
                checked += 1
                for finding in RuleEngine(rules: Self.rules).run(Snapshot(plans: plans, source: name)).findings {
                    #expect(!finding.message.isEmpty && !finding.recommendation.isEmpty, "\(folder)/\(name)")
                    #expect(!finding.evidence.isEmpty && !finding.risk.isEmpty, "\(folder)/\(name)")
                    #expect(finding.impact.score.isFinite && finding.impact.score >= 0, "\(folder)/\(name)")
                    #expect(finding.evidence.allSatisfy { $0.value.isFinite }, "\(folder)/\(name)")
                }
            }
        }
        #expect(checked > 200)
    }

    @Test func corpusIsPresentOrSkipped() {
        if !RepositoryPaths.corpusIsPresent {
            print("Skipping the plan-rule corpus test: \(RepositoryPaths.corpus.path) not found (set DBADVISOR_CORPUS)")
        }
    }
}
