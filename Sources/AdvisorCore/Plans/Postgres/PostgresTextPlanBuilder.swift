/// Builds plans from cleaned lines: joins lines a terminal or mail client wrapped, nests nodes by their
/// indentation, hangs InitPlan/SubPlan/CTE subtrees under their node, and starts a new plan for each
/// statement in the input.
struct PostgresTextPlanBuilder {
    /// How deep a plan may nest; deeper input is refused rather than risking the stack of later passes.
    static let maximumDepth = 1_000

    private let file: String
    private var plans: [Plan] = []
    /// The plan whose root has been read, while its lines keep coming.
    private var draft: PostgresTextPlanDraft?
    /// The last logical line, not applied yet because the next line may continue it.
    private var pending: Pending?
    /// Lines since the last plan that are not part of one (psql prompts, SQL, notes): the statement.
    private var preamble: [PostgresTextLine] = []
    /// What was read for the next plan before its root: auto_explain's Query Text and Query Parameters,
    /// and where it started.
    private var upcoming = Upcoming()

    private struct Upcoming {
        var queryText: String?
        var properties: [(String, String)] = []
        var startLine: Int?
    }

    init(file: String) {
        self.file = file
    }

    /// Reads every line, then returns the plans found.
    static func plans(from lines: [PostgresTextLine], file: String) throws -> [Plan] {
        var builder = PostgresTextPlanBuilder(file: file)
        for line in lines { try builder.read(line) }
        try builder.commitPending()
        builder.closePlan()
        return builder.plans
    }

    // MARK: - Lines

    private mutating func read(_ line: PostgresTextLine) throws {
        if line.isEmpty {
            // A wrapped line never continues after a blank line.
            try commitPending()
            return
        }
        let kind = PostgresTextLineKind(line)
        if var current = pending, continues(current, with: kind, line) {
            // Released first, so that appending does not copy the text.
            pending = nil
            current.append(line)
            pending = current
            return
        }
        try commitPending()
        switch kind {
        case .separator:
            closePlan()
        case .queryPlanHeader:
            closePlan()
            upcoming.startLine = upcoming.startLine ?? line.line
        case .rowCount, .psqlTiming:
            closePlan()
        case .statement:
            closePlan()
            upcoming = Upcoming()
            preamble.append(line)
        case .autoExplainHeader:
            closePlan()
            upcoming = Upcoming(startLine: line.line)
        case .comment:
            if draft == nil { preamble.append(line) }
        case .recordHeader:
            break
        case .unclassified:
            // Text after a finished plan (or before one): not part of any plan.
            closePlan()
            preamble.append(line)
        case .queryText, .arrowNode, .subplanHeader, .trigger, .property, .rootNode:
            pending = Pending(kind: kind, line: line)
        }
    }

    /// True when `line` is the rest of the pending line: a node line cut inside its parentheses, a node
    /// line whose estimates are on the next line, or text that cannot stand on its own.
    private func continues(_ current: Pending, with kind: PostgresTextLineKind, _ line: PostgresTextLine) -> Bool {
        guard !kind.isFrame else { return false }
        // A node line without estimates inside a plan is a ModifyTable's target line, not a node.
        if current.kind.isNode, current.kind != .rootNode(annotated: false) || draft == nil {
            if current.openParentheses > 0 { return kind != .arrowNode }
            if PostgresTextNodeLine.startsAnnotation(line.text, at: 0) { return true }
            let lacksAnnotations =
                draft?.lacksAnnotations(hasCost: current.hasCost, hasActuals: current.hasActuals) ?? false
            if lacksAnnotations, kind == .unclassified || kind == .rootNode(annotated: true) { return true }
        }
        return kind == .unclassified
    }

    /// The last logical line and what the joining decisions need to know about it, kept up to date as
    /// lines are appended so that a long run of continuation lines costs linear time.
    private struct Pending {
        let kind: PostgresTextLineKind
        private(set) var line: PostgresTextLine
        /// Parentheses opened and not closed, outside quoted names.
        private(set) var openParentheses = 0
        private(set) var hasCost = false
        private(set) var hasActuals = false
        private var inQuotes = false
        private var scanned = 0

        init(kind: PostgresTextLineKind, line: PostgresTextLine) {
            self.kind = kind
            self.line = line
            scan()
        }

        mutating func append(_ continuation: PostgresTextLine) {
            if kind == .queryText {
                line.append(nextLine: continuation)
            } else {
                line.append(wrapped: continuation)
            }
            scan()
        }

        /// One pass over what is new (and a little before it) for parentheses and annotations.
        private mutating func scan() {
            guard kind.isNode else { return }
            let text = line.text
            // An annotation may straddle the join: look again a little before it, counting quotes from there.
            let from = max(0, scanned - 16)
            var annotationQuotes = false
            for index in from..<text.count {
                let byte = text[index]
                if index >= scanned {
                    switch byte {
                    case UInt8(ascii: "\""): inQuotes.toggle()
                    case UInt8(ascii: "(") where !inQuotes: openParentheses += 1
                    case UInt8(ascii: ")") where !inQuotes: openParentheses -= 1
                    default: break
                    }
                }
                if byte == UInt8(ascii: "\"") {
                    annotationQuotes.toggle()
                } else if byte == UInt8(ascii: "("), !annotationQuotes {
                    hasCost = hasCost || PostgresTextLine.matches("(cost=", in: text, at: index)
                    hasActuals =
                        hasActuals || PostgresTextLine.matches("(actual ", in: text, at: index)
                        || PostgresTextLine.matches("(never executed)", in: text, at: index)
                }
            }
            scanned = text.count
        }
    }

    // MARK: - Applying a logical line

    private mutating func commitPending() throws {
        guard let kind = pending?.kind, let line = pending?.line else { return }
        pending = nil
        switch kind {
        case .queryText:
            closePlan()
            upcoming.queryText = line.string(from: "Query Text:".utf8.count)
            upcoming.startLine = upcoming.startLine ?? line.line
        case .arrowNode:
            try addNode(line)
        case .rootNode(let annotated):
            try addUnarrowedNode(line, annotated: annotated)
        case .subplanHeader:
            try addSubplanHeader(line)
        case .trigger:
            guard draft != nil, let trigger = PostgresTextPlanProperties.trigger(line.string) else {
                preamble.append(line)
                return
            }
            draft?.plan.triggers.append(trigger)
        case .property:
            addProperty(line)
        default:
            preamble.append(line)
        }
    }

    private mutating func addNode(_ line: PostgresTextLine) throws {
        guard draft != nil else {
            try startPlan(root: line)
            return
        }
        let (node, annotations) = try PostgresTextNodeLine.parse(line, file: file)
        let reject = rejection(of: line)
        try draft?.add(node, annotations, at: Self.level(of: line), reject: reject)
    }

    /// The indentation level of a node line. An arrow counts one column deeper than where it starts,
    /// so that a child whose arrow lines up with its parent's name (a hand-edited plan) still nests.
    private static func level(of line: PostgresTextLine) -> Int {
        line.hasPrefix("->") ? line.indent + 1 : line.indent
    }

    /// A node line without an arrow: a plan's root, a second plan's root, or a ModifyTable's target
    /// table line ("Update on part_1 p_1" under "Update on parent").
    private mutating func addUnarrowedNode(_ line: PostgresTextLine, annotated: Bool) throws {
        guard let current = draft else {
            try startPlan(root: line)
            return
        }
        // At the root's indentation or left of it: the next plan's root, with estimates or without
        // (COSTS OFF plans pasted one after another).
        if Self.level(of: line) <= current.rootIndent {
            closePlan()
            try startPlan(root: line)
            return
        }
        if annotated {
            try addNode(line)
            return
        }
        let text = line.string
        if PostgresTextNodeName.node(named: text).operation == .modifyTable || text.hasPrefix("Foreign ") {
            draft?.addProperty("Target Table", text, at: line.indent)
        } else {
            closePlan()
            preamble.append(line)
        }
    }

    private mutating func addSubplanHeader(_ line: PostgresTextLine) throws {
        guard draft != nil else {
            preamble.append(line)
            return
        }
        let name = line.string
        let relationship = name.hasPrefix("SubPlan") ? "SubPlan" : "InitPlan"
        let reject = rejection(of: line)
        // A header sits at the level of an arrow in the same column: the arrow after its subtree closes it.
        try draft?.addSubplanHeader(relationship: relationship, name: name, at: line.indent + 1, reject: reject)
    }

    private mutating func addProperty(_ line: PostgresTextLine) {
        guard let (nameEnd, valueStart) = PostgresTextNodeProperties.split(line.text) else { return }
        let name = line.string(0..<nameEnd)
        let value = line.string(from: valueStart)
        guard draft != nil else {
            // auto_explain prints Query Parameters (and more, in newer releases) before the plan.
            if PostgresTextPlanProperties.isStatementLevel(name) {
                upcoming.properties.append((name, value))
            } else {
                preamble.append(line)
            }
            return
        }
        draft?.addProperty(name, value, at: line.indent)
    }

    // MARK: - Plans

    private mutating func startPlan(root line: PostgresTextLine) throws {
        let (root, annotations) = try PostgresTextNodeLine.parse(line, file: file)
        var plan = Plan(engine: .postgres, format: .postgresText, root: root)
        plan.queryText = upcoming.queryText ?? PostgresTextStatement.explainedQuery(in: preamble)
        plan.sourceLine = upcoming.startLine ?? line.line
        var started = PostgresTextPlanDraft(
            plan: plan, root: root, annotations: annotations, rootIndent: Self.level(of: line))
        for (name, value) in upcoming.properties { started.addStatementProperty(name, value) }
        draft = started
        preamble = []
        upcoming = Upcoming()
    }

    private mutating func closePlan() {
        if let finished = draft.take() { plans.append(finished.finish()) }
    }

    /// Turns a reason into an error at the start of `line`.
    private func rejection(of line: PostgresTextLine) -> (String) -> InputError {
        let (lineNumber, column) = line.position(at: 0)
        return { [file] reason in
            InputError(file: file, format: .postgresText, line: lineNumber, column: column, reason: reason)
        }
    }
}
