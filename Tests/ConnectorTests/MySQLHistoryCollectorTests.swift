import AdvisorCore
import Testing

@testable import MySQLConnector

/// The history collector and the explainer's choices on rows and statements made by hand.
struct MySQLHistoryCollectorTests {
    @Test func disabledConsumerIsANoticeWithTheUpdate() throws {
        let info: MySQLSession.Row = [
            "performance_schema": "1", "history_size": "10000", "history_rows": "0",
            "global_instrumentation": "YES", "thread_instrumentation": "YES", "statements_current": "NO",
            "statements_history_long": "YES",
        ]
        let notice = try #require(MySQLHistoryCollector.unavailableNotice(info))
        #expect(notice.code == "statement_history_consumer_off")
        #expect(notice.message.contains("events_statements_current disabled"))
        #expect(notice.fixSQL?.hasPrefix("UPDATE performance_schema.setup_consumers SET ENABLED = 'YES'") == true)
    }

    @Test func historyRowsBecomeTimedEventsOfTheirThread() throws {
        let row: MySQLSession.Row = [
            "thread_id": "42", "event_id": "7", "digest": "abc", "digest_text": "SELECT * FROM t WHERE id = ?",
            "sql_text": "SELECT * FROM t WHERE id = 5", "timer_start": "3000000000000", "timer_wait": "250000000",
            "rows_sent": "1", "rows_examined": "1", "current_schema": nil, "user_name": "app",
            "thread_database": "shop", "program_name": "shop-web",
        ]
        let event = try #require(MySQLHistoryCollector.events(from: [row, ["thread_id": "42"]]).first)
        #expect(MySQLHistoryCollector.events(from: [row, ["thread_id": "42"]]).count == 1)
        #expect(event.session == "42")
        #expect(event.fingerprint == "abc")
        #expect(event.text == "SELECT * FROM t WHERE id = 5")
        #expect(event.time == 3)
        #expect(event.durationMs == 0.25)
        #expect(event.rows == 1)
        #expect(event.database == "shop")
        #expect(event.application == "shop-web")
    }

    @Test func fullRingIsAnInfoNotice() throws {
        let info: MySQLSession.Row = ["history_size": "1000", "history_rows": "1000"]
        let rows: [MySQLSession.Row] = [["timer_start": "1000000000000"], ["timer_start": "31000000000000"]]
        let notice = try #require(MySQLHistoryCollector.fullRingNotice(info, events: rows))
        #expect(notice.message.contains("only the last 1000 statements"))
        #expect(MySQLHistoryCollector.windowSeconds(rows) == 30)
        #expect(
            MySQLHistoryCollector.fullRingNotice(["history_size": "1000", "history_rows": "10"], events: []) == nil)
    }

    @Test func explainerSkipsWhatItCannotExplainWithoutUsingUpAPlace() {
        func statement(_ id: String, _ text: String, time: Double, sample: String? = nil) -> StatementStats {
            var statement = StatementStats(id: id, text: text, calls: 1, totalTimeMs: time, rows: 1)
            statement.sampleText = sample
            return statement
        }
        let statements = [
            statement("commit", "COMMIT", time: 900),
            statement("ps", "SELECT * FROM `performance_schema` . `threads`", time: 800),
            statement("nosample", "SELECT * FROM `orders` WHERE `id` = ?", time: 700),
            statement(
                "write", "DELETE FROM `orders` WHERE `id` = ?", time: 600, sample: "DELETE FROM orders WHERE id = 1"),
            statement(
                "prepared", "SELECT * FROM `orders` WHERE `id` = ?", time: 500, sample: "SELECT 1 FROM t WHERE a = ?"),
            statement("good", "SELECT * FROM `orders` WHERE `id` = ?", time: 400),
            statement("later", "SELECT * FROM `customers` WHERE `id` = ?", time: 300),
        ]
        let samples = MySQLExplainer.Samples(byDigest: [
            "good": ("SELECT * FROM orders WHERE id = 1 AND note = 'why?'", "shop"),
            "later": ("SELECT * FROM customers WHERE id = 2", "shop"),
        ])
        let selection = MySQLExplainer.select(statements, top: 1, samples: samples, engine: .mariadb)
        #expect(selection.chosen.map(\.statement.id) == ["good"])
        #expect(selection.chosen.first?.schema == "shop")
        #expect(selection.skipped[.utility] == ["commit"])
        #expect(selection.skipped[.systemSchema] == ["ps"])
        #expect(selection.skipped[.noText] == ["nosample"])
        #expect(selection.skipped[.readOnlyWrite] == ["write"])
        #expect(selection.skipped[.placeholders] == ["prepared"])
        let mysql = MySQLExplainer.select(statements, top: 1, samples: samples, engine: .mysql)
        #expect(mysql.chosen.map(\.statement.id) == ["write"])
    }

    @Test func statementKindReadsTheFirstKeywordPastComments() {
        #expect(StatementKind("/* app */ (SELECT 1)").keyword == "select")
        #expect(StatementKind("-- note\n  update t set a = 1").keyword == "update")
        #expect(!StatementKind("SET NAMES utf8").isExplainable)
        #expect(StatementKind("SELECT '?' FROM t WHERE a = `x?`").hasPlaceholders == false)
    }
}
