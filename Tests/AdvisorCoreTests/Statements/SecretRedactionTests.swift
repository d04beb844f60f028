import Testing

@testable import AdvisorCore

struct SecretRedactionTests {
    @Test(arguments: [
        (
            "ALTER ROLE app PASSWORD 'App-S3cret-999'",
            "ALTER ROLE app PASSWORD '***'"
        ),
        (
            "CREATE ROLE app WITH LOGIN ENCRYPTED PASSWORD 'it''s-S3cret' VALID UNTIL 'infinity'",
            "CREATE ROLE app WITH LOGIN ENCRYPTED PASSWORD '***' VALID UNTIL 'infinity'"
        ),
        (
            "CREATE USER 'app'@'%' IDENTIFIED BY 'My-S3cret'",
            "CREATE USER 'app'@'%' IDENTIFIED BY '***'"
        ),
        (
            "ALTER USER app IDENTIFIED WITH mysql_native_password BY \"S3cret\"",
            "ALTER USER app IDENTIFIED WITH mysql_native_password BY '***'"
        ),
        (
            "SET PASSWORD FOR 'app'@'%' = PASSWORD('S3cret')",
            "SET PASSWORD FOR 'app'@'%' = PASSWORD('***')"
        ),
        (
            "CREATE USER MAPPING FOR app SERVER remote OPTIONS (user 'app', password 'S3cret')",
            "CREATE USER MAPPING FOR app SERVER remote OPTIONS (user 'app', password '***')"
        ),
        (
            "CREATE SUBSCRIPTION s CONNECTION 'host=db user=rep password=S3cret dbname=shop' PUBLICATION p",
            "CREATE SUBSCRIPTION s CONNECTION 'host=db user=rep password='***' dbname=shop' PUBLICATION p"
        ),
    ])
    func secretsAreRedacted(text: String, redacted: String) {
        #expect(SecretRedaction.redact(text) == redacted)
        #expect(!SecretRedaction.redact(text).contains("S3cret"))
    }

    /// Placeholders, columns and settings named like a password are no secret: the text is left as it is.
    @Test(arguments: [
        "SELECT id FROM users WHERE password = $1", "UPDATE users SET password_hash = ? WHERE id = ?",
        "SET password_encryption = 'scram-sha-256'", "SELECT * FROM orders WHERE id = $1",
        "SELECT passwd FROM accounts WHERE id = :id",
    ])
    func ordinaryTextsAreUnchanged(text: String) {
        #expect(SecretRedaction.redact(text) == text)
    }

    @Test func everyTextOfASnapshotIsRedacted() {
        var snapshot = Snapshot(server: ServerInfo(engine: .postgres))
        snapshot.statements = [
            StatementStats(id: "1", text: "ALTER ROLE a PASSWORD 'Zq-4711'", calls: 1, totalTimeMs: 1, rows: 0)
        ]
        snapshot.queryBursts = [
            QueryBurst(
                parentFingerprint: "p", parentText: "SELECT 1", childFingerprint: "c",
                childText: "CREATE ROLE b PASSWORD 'Zq-4711'", bursts: 1, calls: 5, longestBurst: 5, totalTimeMs: nil,
                burstsMatchingParentRows: 0, sessions: 1)
        ]
        var session = ConnectionState.Session(id: 1, state: "active")
        session.query = "ALTER ROLE c PASSWORD 'Zq-4711'"
        snapshot.connections = ConnectionState(maxConnections: 10, sessions: [session])
        let redacted = snapshot.redactingSecrets()
        #expect(!"\(redacted)".contains("Zq-4711"))
    }
}
