import CMySQL

/// The MySQL/MariaDB client library this binary is linked against, e.g. "3.3.20".
public var mysqlClientVersion: String { String(cString: mysql_get_client_info()) }
