import MySQLConnector
import PostgresConnector
import Testing

@Test func clientLibrariesAreLinked() {
    #expect(libpqVersion >= 120000)
    #expect(!mysqlClientVersion.isEmpty)
}
