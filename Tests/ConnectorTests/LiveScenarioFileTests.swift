import AdvisorCore
import Foundation
import Testing

/// The scenario files themselves (no server needed): each can be read, shows its symptom, and names
/// rules that exist.
struct LiveScenarioFileTests {
    @Test(arguments: ["postgres", "mysql"])
    func scenariosAreReadableAndNameRules(engine: String) throws {
        let catalogue = Set(builtInRules.map { $0.description.id })
        for scenario in try LiveScenario.all(engine) {
            #expect(scenario.symptom != nil, "\(engine)/\(scenario.name): no -- symptom:")
            for id in scenario.fires + scenario.firesAnalyzed {
                #expect(catalogue.contains(id), "\(engine)/\(scenario.name): no rule \(id)")
            }
        }
    }

    @Test func headerLinesAndStatementsAreRead() throws {
        let scenario = try LiveScenario(
            name: "example",
            text: """
                -- A sentence with a colon: not a header.
                --
                -- explain: ANALYZE, TIMING OFF
                -- fires: plan-one, plan-two
                -- highest-severity: low
                -- symptom: Rows Removed by Filter: [0-9]+
                -- transaction: read write
                SET work_mem = '64kB';
                set enable_hashjoin = off;

                SELECT 1
                FROM orders;
                SELECT 2;
                """)
        #expect(scenario.settings == ["SET work_mem = '64kB'", "set enable_hashjoin = off"])
        #expect(scenario.statements == ["SELECT 1\nFROM orders", "SELECT 2"])
        #expect(scenario.explainOptions == "ANALYZE, TIMING OFF" && scenario.analyzes && !scenario.timed)
        #expect(scenario.fires == ["plan-one", "plan-two"] && scenario.firesAnalyzed.isEmpty)
        #expect(scenario.highestSeverity == .low && scenario.writes)
        #expect(scenario.symptom == "Rows Removed by Filter: [0-9]+")

        let plain = try LiveScenario(name: "plain", text: "-- explain:\nSELECT 1;\n")
        #expect(plain.explainOptions.isEmpty && !plain.analyzes)
        #expect(throws: ScenarioError.self) { try LiveScenario(name: "settings only", text: "SET a = 1;\n") }
    }
}
