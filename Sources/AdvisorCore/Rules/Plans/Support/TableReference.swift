/// The table a plan node reads, as fix SQL must name it.
///
/// PostgreSQL prints the relation and its alias separately. MySQL and MariaDB print only the alias
/// when the query gives one (`table_name: "p"` for `promotions p`), so the name is resolved from a
/// column qualified with its database in the conditions (MySQL: `` `shop`.`orders`.`status` ``) or
/// from the statement's FROM/JOIN clauses when the plan carries its text; otherwise the printed
/// name is used and `isCertain` is false.
public struct TableReference: Equatable, Sendable {
    /// The table's name, unquoted.
    public var table: String
    /// Its schema (PostgreSQL) or database (MySQL), when known.
    public var schema: String?
    /// False when the name might be an alias the plan does not resolve.
    public var isCertain: Bool

    /// A reference as given.
    public init(table: String, schema: String?, isCertain: Bool) {
        self.table = table
        self.schema = schema
        self.isCertain = isCertain
    }

    /// A sentence to add to a finding's risk when the name might be an alias.
    public var caveat: String? {
        isCertain
            ? nil
            : "EXPLAIN names MySQL/MariaDB tables by their alias: check that \(table) is the table's "
                + "name before running the SQL."
    }

    /// The table `node` reads; nil when it reads none (or an internal one such as `<derived2>`).
    public init?(node: PlanNode, plan: Plan, conditions: [String?] = []) {
        guard let printed = node.relation, !printed.hasPrefix("<") else { return nil }
        guard plan.engine.isMySQLFamily else {
            self.init(table: printed, schema: node.schema, isCertain: true)
            return
        }
        for condition in conditions.compactMap({ $0 }) {
            let columns = ConditionExpression.parse(condition, engine: plan.engine).columnReferences.columns
            if let qualified = columns.first(where: { $0.qualifiers.count == 2 && $0.qualifiers[1] == printed }) {
                self.init(table: printed, schema: node.schema ?? qualified.qualifiers[0], isCertain: true)
                return
            }
        }
        if let query = plan.queryText, let resolved = Self.resolve(alias: printed, in: query, engine: plan.engine) {
            self.init(table: resolved.table, schema: node.schema ?? resolved.schema, isCertain: true)
            return
        }
        self.init(table: printed, schema: node.schema, isCertain: false)
    }

    /// The table a FROM/JOIN clause of `query` gives the name `alias` (`orders o`, `shop.orders AS o`,
    /// or the table itself when it has no alias).
    static func resolve(alias: String, in query: String, engine: Engine) -> (table: String, schema: String?)? {
        let tokens = ConditionTokenizer.tokens(of: query, engine: engine)
        let introducers = ["from", "join", "straight_join", "update", "into"]
        let clauseEnds = ["where", "on", "using", "group", "order", "having", "limit", "set", "select", "union"]
        var inFromClause = false
        for (index, token) in tokens.enumerated() {
            if introducers.contains(where: token.isKeyword) { inFromClause = true }
            if clauseEnds.contains(where: token.isKeyword) { inFromClause = false }
            guard case .identifier(let name, _) = token, name.lowercased() == alias.lowercased() else { continue }
            var position = index
            if position > 0, tokens[position - 1].isKeyword("as") { position -= 1 }
            // No alias: the table itself, right after FROM/JOIN or a comma.
            if position == index, let named = qualifiedName(tokens, endingAt: index),
                isIntroduced(tokens, before: named.start, inFromClause: inFromClause)
            {
                return (named.table, named.schema)
            }
            if position > 0, let named = qualifiedName(tokens, endingAt: position - 1),
                isIntroduced(tokens, before: named.start, inFromClause: inFromClause)
            {
                return (named.table, named.schema)
            }
        }
        return nil
    }

    private static func qualifiedName(
        _ tokens: [ConditionToken], endingAt index: Int
    ) -> (table: String, schema: String?, start: Int)? {
        guard index >= 0, case .identifier(let table, _) = tokens[index] else { return nil }
        if index >= 2, tokens[index - 1] == .dot, case .identifier(let schema, _) = tokens[index - 2] {
            return (table, schema, index - 2)
        }
        return (table, nil, index)
    }

    private static func isIntroduced(_ tokens: [ConditionToken], before start: Int, inFromClause: Bool) -> Bool {
        guard start > 0 else { return false }
        let previous = tokens[start - 1]
        if ["from", "join", "straight_join", "update", "into"].contains(where: previous.isKeyword) { return true }
        return previous == .comma && inFromClause
    }
}
