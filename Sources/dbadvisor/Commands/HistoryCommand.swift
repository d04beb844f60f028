import AdvisorCore
import AdvisorHistory
import ArgumentParser
import Foundation

extension DBAdvisor {
    /// `dbadvisor history`: what the history store remembers — the runs, a statement's trend, a finding's presence.
    struct HistoryCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "history",
            abstract:
                "Show the runs the history store recorded, a statement's trend, or a finding's presence over runs.",
            discussion: """
                Without --statement or --finding: every run (of --target), with its findings by severity. \
                --statement ID (the server's statement id, or the whole key database|user|id): calls per day, \
                mean time and rows per call in each run, each over the time since the run before it. \
                --finding FINGERPRINT: whether each run reported it, and how severe. Formats: text, markdown \
                (tables), json; other formats print text.
                """)

        @Option(
            name: .customLong("history"),
            help: "The history store. Default: $XDG_DATA_HOME/dbadvisor/history.sqlite (else ~/.local/share/…).")
        var historyPath: String?

        @Option(help: "Only the runs recorded under this name.")
        var target: String?

        @Option(help: "A statement's trend: its id (queryid, digest) or its key (database|user|id).")
        var statement: String?

        @Option(help: "A finding's presence over the runs, by fingerprint.")
        var finding: String?

        @OptionGroup var output: OutputOptions

        func validate() throws {
            if statement != nil, finding != nil {
                throw ValidationError("Give --statement or --finding, not both.")
            }
        }

        func run() throws {
            let table: HistoryTable
            do {
                let store = try HistoryStore(path: historyPath ?? HistoryStore.defaultPath(), create: false)
                if let statement {
                    table = HistoryTable.trend(of: statement, try store.statementTrend(statement, target: target))
                } else if let finding {
                    table = HistoryTable.presence(of: finding, in: try store.runs(target: target))
                } else {
                    table = HistoryTable.runs(try store.runs(target: target))
                }
            } catch let error as HistoryError {
                Terminal.printError("dbadvisor: \(error)")
                throw ExitCode(Terminal.Code.input.rawValue)
            }
            guard !table.rows.isEmpty else {
                Terminal.printError("dbadvisor: \(table.emptyMessage)")
                throw ExitCode(Terminal.Code.input.rawValue)
            }
            switch output.format {
            case .json: try output.write(try table.json())
            case .markdown: try output.write(table.markdown())
            default: try output.write(table.text())
            }
        }
    }
}
