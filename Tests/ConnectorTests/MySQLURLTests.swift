import AdvisorCore
import MySQLConnector
import Testing

@Test func readsEveryPartOfAMySQLURL() throws {
    let url = try MySQLURL(
        "mysql://app%40eu:p%40ss%3Aw%2Frd@db.example.com:3307/shop?ssl-mode=verify_identity&ssl-ca=/etc/ca.pem")
    #expect(url.user == "app@eu")
    #expect(url.password == "p@ss:w/rd")
    #expect(url.host == "db.example.com")
    #expect(url.port == 3307)
    #expect(url.database == "shop")
    #expect(url.tlsMode == .verifyIdentity)
    #expect(url.tlsCAFile == "/etc/ca.pem")
    #expect(url.target == "db.example.com:3307/shop as app@eu")
}

@Test func leavesOutPartsForTheOptionFiles() throws {
    let url = try MySQLURL("mariadb://db.example.com")
    #expect(url.user == nil)
    #expect(url.password == nil)
    #expect(url.port == nil)
    #expect(url.database == nil)
    #expect(url.tlsMode == .preferred)
}

@Test func rejectsOtherSchemesAndUnknownParametersWithoutShowingThePassword() {
    let scheme = #expect(throws: ConnectionError.self) { try MySQLURL("postgres://u:secret-pw@host/db") }
    #expect(scheme?.reason.contains("mysql://") == true)
    let mode = #expect(throws: ConnectionError.self) { try MySQLURL("mysql://u:secret-pw@host/db?ssl-mode=sometimes") }
    #expect(mode?.reason.contains("VERIFY_IDENTITY") == true)
    let parameter = #expect(throws: ConnectionError.self) { try MySQLURL("mysql://u:secret-pw@host/db?compress=1") }
    #expect(parameter?.reason.contains("compress") == true)
    for error in [scheme, mode, parameter] {
        #expect(error?.description.contains("secret-pw") == false)
    }
}

@Test func readsSocketAndDefaultsFileAndLeavesTheHostToThem() throws {
    let url = try MySQLURL("mysql:///shop?socket=/run/mysqld/mysqld.sock&defaults-file=/etc/dbadvisor/my.cnf")
    #expect(url.host == nil)
    #expect(url.socket == "/run/mysqld/mysqld.sock")
    #expect(url.defaultsFile == "/etc/dbadvisor/my.cnf")
    #expect(url.database == "shop")
    #expect(url.target == "/run/mysqld/mysqld.sock/shop as (option file user)")
}
