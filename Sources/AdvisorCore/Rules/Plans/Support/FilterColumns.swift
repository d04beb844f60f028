/// The columns of one table that plan conditions constrain, sorted the way a B-tree index wants them.
///
/// Reads PostgreSQL (`((status)::text = 'shipped'::text)`, `(x = ANY ('{1,2}'::integer[]))`) and
/// MySQL/MariaDB (`` (`shop`.`orders`.`status` = 'x') ``, `t1.pk < 10 and t1.b > 4`) condition texts.
/// Only top-level AND operands count, and only when one side is a plain column of the table (casts and
/// collations unwrapped) and the other side does not mention the table:
/// - equality: `=`, `<=>`, `IN (…)`, `= ANY (…)`, `IS NULL`, a bare boolean column or its `NOT`,
///   `LIKE` without wildcards;
/// - range: `<`, `<=`, `>`, `>=`, `BETWEEN`, `LIKE 'prefix%'` (PostgreSQL `~~`).
///
/// Left out, and counted in `hasUnusableConditions`: operands under OR, functions of columns,
/// negations (`<>`, `NOT IN`, `IS NOT NULL`), comparisons between two columns of the table, and
/// anything the parser could not read. A column of another table compared with one of this table
/// (a join condition) makes this table's column an equality column: it is what an index lookup on
/// the inner side of a join is keyed on.
///
/// On PostgreSQL, an expression of exactly one column of the table compared for equality (`=`,
/// `= ANY`, `IN`) with a constant, such as `(lower((email)::text) = 'a@b.c'::text)`, is an equality
/// expression: an expression index can serve it, unless it calls a function whose result is not fixed
/// for a row (`now()`, `random()`…) or holds a parameter. It still counts in `hasUnusableConditions`,
/// which is about plain column indexes.
public struct FilterColumns: Equatable, Sendable {
    /// Columns compared for equality, in order of first appearance.
    public private(set) var equalityColumns: [String] = []
    /// Expressions of one column compared for equality (PostgreSQL), in order of first appearance.
    public private(set) var equalityExpressions: [IndexKey] = []
    /// Columns bounded by a range, in order of first appearance, without the equality columns.
    public private(set) var rangeColumns: [String] = []
    /// True when some condition on the table cannot be served by a plain column index.
    public private(set) var hasUnusableConditions = false

    /// The index key: every equality column, then the first range column (a B-tree can use only one
    /// range column, and only as its last used key part).
    public var indexColumns: [String] { equalityColumns + rangeColumns.prefix(1) }

    /// Every column the conditions constrain, equality columns first.
    public var allColumns: [String] { equalityColumns + rangeColumns }

    /// The key of an index that may use expressions: the equality columns (preferred: any index on them
    /// serves other queries too), then the equality expressions, then the first range column.
    public var indexKeys: [IndexKey] {
        equalityColumns.map(IndexKey.column) + equalityExpressions + rangeColumns.prefix(1).map(IndexKey.column)
    }

    /// True when no condition names a usable column.
    public var isEmpty: Bool { equalityColumns.isEmpty && rangeColumns.isEmpty }

    /// Analyses `conditions` (nil entries skipped) for the table named `relation`, known in the
    /// conditions as `alias` when it has one. Unqualified columns are taken to belong to the table:
    /// PostgreSQL qualifies names only when a plan reads several relations.
    /// `unqualifiedColumnsBelong` false: only columns qualified with the table's name or alias count
    /// (a statement that joins several tables).
    public init(
        conditions: [String?], relation: String?, alias: String? = nil, engine: Engine,
        unqualifiedColumnsBelong: Bool = true
    ) {
        let names = ColumnScope(
            names: Set([relation, alias].compactMap { $0?.lowercased() }), ownsUnqualified: unqualifiedColumnsBelong)
        for condition in conditions.compactMap({ $0 }) {
            for conjunct in ConditionExpression.parse(condition, engine: engine).conjuncts {
                classify(conjunct, tableNames: names, engine: engine)
            }
        }
        rangeColumns.removeAll { equalityColumns.contains($0) }
    }

    /// The columns a node's own conditions (filter, index and recheck conditions) constrain on its table.
    public init(node: PlanNode, engine: Engine, extraConditions: [String?] = []) {
        self.init(
            conditions: [node.indexCondition, node.filter, node.recheckCondition] + extraConditions,
            relation: node.relation, alias: node.alias, engine: engine)
    }

    // MARK: - Classification

    private enum Kind { case equality, range }

    private mutating func classify(_ conjunct: ConditionExpression, tableNames: ColumnScope, engine: Engine) {
        guard let (column, kind) = Self.constrainedColumn(conjunct, tableNames: tableNames) else {
            if Self.mentions(conjunct, tableNames: tableNames) { hasUnusableConditions = true }
            if engine == .postgres, let key = Self.equalityExpression(conjunct, tableNames: tableNames),
                !equalityExpressions.contains(key)
            {
                equalityExpressions.append(key)
            }
            return
        }
        switch kind {
        case .equality: if !equalityColumns.contains(column) { equalityColumns.append(column) }
        case .range: if !rangeColumns.contains(column) { rangeColumns.append(column) }
        }
    }

    private static func constrainedColumn(
        _ conjunct: ConditionExpression, tableNames: ColumnScope
    ) -> (String, Kind)? {
        switch conjunct {
        case .column, .cast:
            return tableColumn(conjunct, tableNames).map { ($0, .equality) }
        case .not(let inner):
            return tableColumn(inner, tableNames).map { ($0, .equality) }
        case .isTest(let operand, let test) where ["null", "true", "false"].contains(test):
            return tableColumn(operand, tableNames).map { ($0, .equality) }
        case .call(let name, let arguments) where name == "isnull" && arguments.count == 1:
            // MySQL 5.7 prints `a IS NULL` as `isnull(a)`.
            return tableColumn(arguments[0], tableNames).map { ($0, .equality) }
        case .comparison(let op, let lhs, let rhs):
            if let column = tableColumn(lhs, tableNames), isValue(rhs, tableNames) {
                return kind(of: op, pattern: rhs).map { (column, $0) }
            }
            // Only symmetric operators may be read right to left; LIKE's pattern is always on the right.
            if let column = tableColumn(rhs, tableNames), isValue(lhs, tableNames), !isPatternMatch(op) {
                return kind(of: op, pattern: nil).map { (column, $0) }
            }
            return nil
        case .quantified(let op, let quantifier, let lhs, let array) where op == "=" && quantifier != "all":
            guard let column = tableColumn(lhs, tableNames), isValue(array, tableNames) else { return nil }
            return (column, .equality)
        case .inList(let lhs, let items, false):
            guard let column = tableColumn(lhs, tableNames), items.allSatisfy({ isValue($0, tableNames) }) else {
                return nil
            }
            return (column, .equality)
        case .between(let value, let low, let high, false):
            guard let column = tableColumn(value, tableNames), isValue(low, tableNames), isValue(high, tableNames)
            else { return nil }
            return (column, .range)
        default:
            return nil
        }
    }

    /// The key for `conjunct` when it compares an expression of one column of the table for equality.
    private static func equalityExpression(_ conjunct: ConditionExpression, tableNames: ColumnScope) -> IndexKey? {
        let operand: ConditionExpression
        switch conjunct {
        case .comparison(let op, let lhs, let rhs) where kind(of: op, pattern: nil) == .equality:
            if isConstant(rhs) {
                operand = lhs
            } else if isConstant(lhs) {
                operand = rhs
            } else {
                return nil
            }
        case .quantified(let op, let quantifier, let lhs, let array) where op == "=" && quantifier != "all":
            guard isConstant(array) else { return nil }
            operand = lhs
        case .inList(let lhs, let items, false):
            guard items.allSatisfy(isConstant) else { return nil }
            operand = lhs
        default:
            return nil
        }
        guard case .printed(let expression, let text) = operand else { return nil }
        let references = expression.columnReferences
        guard !references.hasUnknown, references.columns.allSatisfy({ belongs($0.qualifiers, tableNames) }),
            Set(references.columns.map { $0.name.lowercased() }).count == 1
        else { return nil }
        return IndexKey.expression(printed: text, tableNames: tableNames.names, engine: .postgres)
    }

    private static func kind(of op: String, pattern: ConditionExpression?) -> Kind? {
        switch op {
        case "=", "==", "<=>", "is not distinct from": return .equality
        case "<", "<=", ">", ">=": return .range
        case "~~", "like":
            // Only a pattern with a fixed prefix narrows an index range; no wildcard at all is equality.
            guard case .literal(let text?) = pattern?.uncast, let first = text.first, first != "%", first != "_"
            else { return nil }
            return text.contains(where: { $0 == "%" || $0 == "_" }) ? .range : .equality
        default: return nil
        }
    }

    private static func isPatternMatch(_ op: String) -> Bool {
        ["~~", "like", "~~*", "ilike", "!~~", "not like"].contains(op)
    }

    /// The column's name when `expression` is a plain column of the table, under casts at most.
    private static func tableColumn(_ expression: ConditionExpression, _ tableNames: ColumnScope) -> String? {
        guard case .column(let qualifiers, let name) = expression.uncast else { return nil }
        return tableNames.owns(qualifiers) ? name : nil
    }

    /// True when `expression` can be computed before reading the table: it mentions no column of the
    /// table and nothing unreadable (a sub-query might be correlated with it).
    private static func isValue(_ expression: ConditionExpression, _ tableNames: ColumnScope) -> Bool {
        let references = expression.columnReferences
        return !references.hasUnknown && !references.columns.contains { belongs($0.qualifiers, tableNames) }
    }

    /// True when `expression` mentions no column at all: a constant or parameter, not a join value.
    private static func isConstant(_ expression: ConditionExpression) -> Bool {
        let references = expression.columnReferences
        return !references.hasUnknown && references.columns.isEmpty
    }

    private static func mentions(_ expression: ConditionExpression, tableNames: ColumnScope) -> Bool {
        let references = expression.columnReferences
        return references.hasUnknown || references.columns.contains { belongs($0.qualifiers, tableNames) }
    }

    private static func belongs(_ qualifiers: [String], _ tableNames: ColumnScope) -> Bool {
        tableNames.owns(qualifiers)
    }
}

/// The names a table goes by in conditions, and whether unqualified columns are its own.
private struct ColumnScope {
    let names: Set<String>
    let ownsUnqualified: Bool

    func owns(_ qualifiers: [String]) -> Bool {
        guard let table = qualifiers.last else { return ownsUnqualified }
        return names.contains(table.lowercased())
    }
}
