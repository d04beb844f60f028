import AdvisorCore
import AdvisorQueries

/// Every index of the user schemas with its key parts, kind and usage (`mysql_indexes.sql`; MySQL 8:
/// `mysql_indexes_v8.sql`, with functional key parts).
///
/// - `definition` is the statement that recreates it: ``ALTER TABLE `s`.`t` ADD INDEX `name` (`a`(10), `b` DESC)``
///   (`ADD PRIMARY KEY`, `ADD UNIQUE INDEX`, `ADD FULLTEXT INDEX`, `ADD SPATIAL INDEX`, `USING HASH`).
/// - `columns` are the column names (a prefix index's too: its length is in the definition); a
///   functional key part is its expression in parentheses.
/// - `method` is `btree`, `hash`, or `FULLTEXT`/`SPATIAL` as the server names them.
/// - `constraint` is `PRIMARY` for the primary key and the index's own name for a unique index (MySQL
///   enforces UNIQUE constraints with a unique index of the same name).
/// - An index backing a foreign key is not marked: InnoDB lets it be dropped once another index
///   leads with the key's columns, and the rules already keep the only index covering a foreign key.
/// - `scans` and `tuplesRead` = rows read through the index since the server started (`COUNT_READ`;
///   performance_schema counts rows, not scans): 0 means never read. Nil without performance_schema.
/// - `sizeBytes` is unknown (per-index sizes need `mysql.innodb_index_stats`, which the least-privilege
///   login cannot read).
enum MySQLIndexesCollector: MySQLCollector {
    static let name = "indexes"

    static func collect(from session: MySQLSession, server: MySQLServer, into snapshot: inout Snapshot) throws {
        let query = query(for: server)
        snapshot.indexes = try parse(rows: session.rows(query), query: query)
        snapshot.facets.insert(.indexes)
    }

    static func query(for server: MySQLServer) -> QueryText {
        // Functional key parts (STATISTICS.EXPRESSION) came with MySQL 8.0.13.
        server.isMySQL8 && server.versionNumber >= 80013 ? .mysqlIndexesV8 : .mysqlIndexes
    }

    /// One key part of an index as a row describes it.
    private struct KeyPart {
        var column: String
        /// `` `a`(10) DESC `` as the definition writes it.
        var definition: String
    }

    static func parse(rows: [MySQLSession.Row], query: QueryText) throws(UnexpectedRowError) -> [IndexStats] {
        var indexes: [IndexStats] = []
        var parts: [KeyPart] = []
        var current: (key: [String], row: MySQLRowReader)?
        for row in MySQLRowReader.readers(of: rows, query: query) {
            let key = [try row.text("schema_name"), try row.text("table_name"), try row.text("index_name")]
            if let open = current, open.key != key {
                indexes.append(try index(open.row, parts: parts))
                parts = []
            }
            if current?.key != key { current = (key, row) }
            let position = try row.integer("seq_in_index")
            guard position == parts.count + 1 else {
                throw row.error("seq_in_index", "expected key part \(parts.count + 1), found \(position)")
            }
            parts.append(try keyPart(row))
        }
        if let open = current { indexes.append(try index(open.row, parts: parts)) }
        return indexes
    }

    // MARK: - Private helpers

    private static func keyPart(_ row: MySQLRowReader) throws(UnexpectedRowError) -> KeyPart {
        let order = try row.optionalText("collation") == "D" ? " DESC" : ""
        if let column = try row.optionalText("column_name") {
            let prefix = try row.optionalInteger("sub_part").map { "(\($0))" } ?? ""
            return KeyPart(column: column, definition: quoted(column) + prefix + order)
        }
        guard let expression = try row.optionalText("expression") else {
            throw row.error("column_name", "expected a column or an expression, found neither")
        }
        return KeyPart(column: "(\(expression))", definition: "(\(expression))" + order)
    }

    private static func index(_ row: MySQLRowReader, parts: [KeyPart]) throws(UnexpectedRowError) -> IndexStats {
        let schema = try row.text("schema_name")
        let table = try row.text("table_name")
        let name = try row.text("index_name")
        let type = try row.text("index_type").uppercased()
        let isPrimary = name == "PRIMARY"
        let isUnique = try row.integer("non_unique") == 0
        let kind: String
        if isPrimary {
            kind = "PRIMARY KEY"
        } else if ["FULLTEXT", "SPATIAL"].contains(type) {
            kind = "\(type) INDEX \(quoted(name))"
        } else {
            kind = "\(isUnique ? "UNIQUE " : "")INDEX \(quoted(name))"
        }
        let using = type == "HASH" ? " USING HASH" : ""
        let definition =
            "ALTER TABLE \(quoted(schema)).\(quoted(table)) ADD \(kind) "
            + "(\(parts.map(\.definition).joined(separator: ", ")))\(using)"
        var index = IndexStats(
            schema: schema, table: table, name: name, definition: definition,
            method: ["BTREE", "HASH"].contains(type) ? type.lowercased() : type, columns: parts.map(\.column),
            isUnique: isUnique || isPrimary, isPrimary: isPrimary,
            constraint: isPrimary ? "PRIMARY" : isUnique ? name : nil)
        index.scans = try row.optionalInteger("rows_read")
        index.tuplesRead = index.scans
        return index
    }

    /// A backquoted identifier, backquotes doubled.
    static func quoted(_ identifier: String) -> String {
        "`" + identifier.replacingOccurrences(of: "`", with: "``") + "`"
    }
}
