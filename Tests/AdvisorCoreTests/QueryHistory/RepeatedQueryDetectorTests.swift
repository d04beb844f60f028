import Testing

@testable import AdvisorCore

@Suite struct RepeatedQueryDetectorTests {
    private func event(_ session: String, _ fingerprint: String, at time: Double?, rows: Int? = nil) -> QueryEvent {
        QueryEvent(
            session: session, fingerprint: fingerprint, text: "SELECT … \(fingerprint)", time: time, durationMs: 0.5,
            rows: rows, application: "shop")
    }

    @Test func aLoopAfterItsParentIsOneBurstPerPage() {
        var detector = RepeatedQueryDetector()
        var time = 0.0
        for _ in 0..<3 {
            // Interleaved sessions and ignored statements do not break a session's run.
            detector.add(QueryEvent(session: "a", fingerprint: "begin", text: "BEGIN", time: time))
            detector.add(event("a", "page", at: time, rows: 10))
            detector.add(QueryEvent(session: "a", fingerprint: "set", text: "SET search_path = shop", time: time))
            for _ in 0..<10 {
                time += 0.001
                detector.add(event("a", "customer", at: time, rows: 1))
                detector.add(event("b", "other-\(time)", at: time))
            }
            detector.add(QueryEvent(session: "a", fingerprint: "commit", text: "COMMIT", time: time))
            time += 5
        }
        let bursts = detector.finish()
        #expect(bursts.count == 1)
        let burst = bursts[0]
        #expect(burst.parentFingerprint == "page")
        #expect(burst.childFingerprint == "customer")
        #expect(burst.bursts == 3)
        #expect(burst.calls == 30)
        #expect(burst.burstsMatchingParentRows == 3)
        #expect(burst.sessions == 1)
        #expect(burst.applications == ["shop"])
        #expect(abs((burst.totalTimeMs ?? 0) - 15) < 1e-9)
    }

    /// sysbench's transactions: ten point selects after BEGIN, whose "parent" would be the previous transaction's
    /// write; and psycopg's executemany, thousands of INSERTs after another INSERT. Neither is a loop over a result.
    @Test func runsWithoutARowReturningParentInTheirTransactionAreNotBursts() {
        var detector = RepeatedQueryDetector()
        var time = 0.0
        for _ in 0..<20 {
            detector.add(QueryEvent(session: "a", fingerprint: "begin", text: "BEGIN", time: time))
            for _ in 0..<10 {
                time += 0.001
                detector.add(
                    QueryEvent(session: "a", fingerprint: "point", text: "SELECT c FROM sbtest1 WHERE id=?", time: time)
                )
            }
            detector.add(
                QueryEvent(session: "a", fingerprint: "insert", text: "INSERT INTO sbtest1 VALUES (?)", time: time))
            detector.add(QueryEvent(session: "a", fingerprint: "commit", text: "COMMIT", time: time))
        }
        detector.add(QueryEvent(session: "b", fingerprint: "authors", text: "INSERT INTO authors VALUES (?)", time: 0))
        for index in 0..<1_000 {
            detector.add(
                QueryEvent(
                    session: "b", fingerprint: "books", text: "INSERT INTO books VALUES (?)", time: Double(index) / 1e4)
            )
        }
        #expect(detector.finish().isEmpty)
    }

    @Test func shortRunsAndSlowRepeatsAreNotBursts() {
        var detector = RepeatedQueryDetector()
        for index in 0..<4 { detector.add(event("a", "x", at: Double(index) * 0.01)) }
        detector.add(event("a", "y", at: 1))
        // The same statement once a minute is a poller, not a loop.
        for index in 0..<10 { detector.add(event("b", "poll", at: Double(index) * 60)) }
        #expect(detector.finish().isEmpty)
    }

    @Test func quietSessionsAreClosedWhileStreaming() {
        var detector = RepeatedQueryDetector()
        for index in 0..<60_000 {
            detector.add(event("s\(index)", "lookup", at: Double(index)))
        }
        #expect(detector.finish().isEmpty)
    }
}
