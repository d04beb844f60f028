import AdvisorCore
import Foundation
import Testing
import TestSupport

@Test func scratchTable() throws {
    let dir = RepositoryPaths.fixtures.appendingPathComponent("mysql/plans")
    for name in try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() {
        let plans = try MySQLTablePlanParser.parse(try corpusInput(dir.appendingPathComponent(name)))
        for plan in plans { print("== \(name) q=\(plan.queryText ?? "-") actuals=\(plan.hasActuals)\n" + outline(plan)) 
          plan.root.visit { n in print("   \(n.nodeType) est=\(n.estimatedRows.map{String($0)} ?? "-") act=\(n.actualRows.map{String($0)} ?? "-") notes=\(n.notes) temp=\(n.usingTemporary) fs=\(n.usingFilesort) props=\(n.properties.map{"\($0.name)=\($0.value)"})") }
        }
    }
}
