/// Reads the statement-level lines of a text-format plan: Planning Time, Execution Time (Total runtime
/// before 9.4), Planning buffers, Settings, Trigger times and the JIT summary.
enum PostgresTextPlanProperties {
    /// Lines PostgreSQL prints for the statement, not for a node, whatever their indentation says.
    private static let statementLevelNames: [[UInt8]] = [
        "planning time", "execution time", "total runtime", "planning", "jit", "settings", "query identifier",
        "serialization", "query parameters",
    ].map { Array($0.utf8) }

    /// True for a statement-level line's name (case-insensitive: 9.4–12 printed "Planning time"). Asked for
    /// every property line, so it compares bytes rather than lowercasing a String each time; the names are
    /// ASCII, and no other character lowercases to one of their letters.
    static func isStatementLevel(_ name: String) -> Bool {
        let bytes = name.utf8
        return statementLevelNames.contains { candidate in
            candidate.count == bytes.count
                && zip(candidate, bytes).allSatisfy { lower, byte in
                    lower == (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte)
                }
        }
    }

    /// What a statement-level line opens: the lines indented under it belong to it.
    enum Section {
        case planning, jit, other
    }

    /// Applies a statement-level line; returns the section the line opens for deeper lines, if any.
    static func apply(_ name: String, _ value: String, to plan: inout Plan) -> Section? {
        switch name.lowercased() {
        case "planning time": plan.planningTimeMs = PostgresTextNodeProperties.number(value)
        case "execution time", "total runtime": plan.executionTimeMs = PostgresTextNodeProperties.number(value)
        case "planning": return .planning
        case "jit":
            plan.jit = plan.jit ?? JITSummary()
            return .jit
        case "settings": plan.settings.merge(settings(value)) { _, new in new }
        default:
            plan.properties.append(PlanProperty(name, value))
            if value.isEmpty || name == "Serialization" { return .other }
        }
        return nil
    }

    /// Applies a line indented under a statement-level section.
    static func apply(_ name: String, _ value: String, in section: Section, prefix: String, to plan: inout Plan) {
        switch (section, name) {
        case (.planning, "Buffers"):
            var buffers = plan.planningBuffers ?? Buffers()
            PostgresTextNodeProperties.applyBuffers(value, to: &buffers)
            plan.planningBuffers = buffers
        case (.planning, "I/O Timings"):
            var buffers = plan.planningBuffers ?? Buffers()
            PostgresTextNodeProperties.applyIOTimings(value, to: &buffers)
            plan.planningBuffers = buffers
        case (.jit, "Functions"):
            var jit = plan.jit ?? JITSummary()
            jit.functions = PostgresTextNodeProperties.count(value)
            plan.jit = jit
        case (.planning, "Memory"):
            // "used=6kB  allocated=8kB", as JSON's "Memory Used" and "Memory Allocated" (kB).
            for (key, amount) in PostgresTextNodeProperties.assignments(value) {
                let kilobytes = amount.hasSuffix("kB") ? String(amount.dropLast(2)) : amount
                plan.properties.append(PlanProperty("Planning Memory " + key.capitalized, kilobytes))
            }
        case (.jit, "Timing"):
            applyJITTiming(value, to: &plan)
        default:
            plan.properties.append(PlanProperty(prefix + " " + name, value))
        }
    }

    /// "Generation 0.340 ms (Deform 0.134 ms), Inlining 0.000 ms, Optimization 0.168 ms, Emission 1.907 ms,
    /// Total 2.414 ms"; the Deform part (17+) is a property, as the JSON parser keeps it.
    private static func applyJITTiming(_ value: String, to plan: inout Plan) {
        var jit = plan.jit ?? JITSummary()
        defer { plan.jit = jit }
        for item in PostgresTextNodeProperties.list(value) {
            let words = item.split(separator: " ")
            guard words.count >= 2, let milliseconds = PostgresTextNodeProperties.number(words[1]) else { continue }
            if let deform = words.firstIndex(of: "(Deform"), deform + 1 < words.count {
                plan.properties.append(PlanProperty("JIT \(words[0]) Deform", String(words[deform + 1])))
            }
            switch words[0] {
            case "Generation": jit.generationTimeMs = milliseconds
            case "Inlining": jit.inliningTimeMs = milliseconds
            case "Optimization": jit.optimizationTimeMs = milliseconds
            case "Emission": jit.emissionTimeMs = milliseconds
            case "Total": jit.totalTimeMs = milliseconds
            default: continue
            }
        }
    }

    /// "work_mem = '100MB', random_page_cost = '1.1'" → ["work_mem": "100MB", "random_page_cost": "1.1"].
    static func settings(_ value: String) -> [String: String] {
        var result: [String: String] = [:]
        for item in PostgresTextNodeProperties.list(value) {
            guard let equals = item.utf8Range(of: " = ") else { continue }
            var setting = item[equals.upperBound...]
            if setting.count >= 2, setting.first == "'", setting.last == "'" {
                setting = setting.dropFirst().dropLast()
            }
            result[String(item[..<equals.lowerBound])] = String(setting.replacing("''", with: "'"))
        }
        return result
    }

    /// "Trigger name[ for constraint c][ on rel]: time=1.2 calls=3" (": calls=3" with TIMING OFF).
    /// Without VERBOSE a constraint trigger shows only its constraint, which then names it.
    static func trigger(_ text: String) -> TriggerTime? {
        guard text.hasPrefix("Trigger "),
            let separator = text.utf8Ranges(of: ": ").last(where: {
                let rest = text[$0.upperBound...]
                return rest.hasPrefix("time=") || rest.hasPrefix("calls=")
            })
        else { return nil }
        var head = text[text.index(text.startIndex, offsetBy: "Trigger".count)..<separator.lowerBound]
        var relation: String?
        if let on = head.utf8Ranges(of: " on ").last {
            relation = String(head[on.upperBound...])
            head = head[..<on.lowerBound]
        }
        var constraint: String?
        if let forConstraint = head.utf8Range(of: " for constraint ") {
            constraint = String(head[forConstraint.upperBound...])
            head = head[..<forConstraint.lowerBound]
        }
        let name = head.drop { $0 == " " }
        var trigger = TriggerTime(name: name.isEmpty ? (constraint ?? "") : String(name), relation: relation)
        for (key, amount) in PostgresTextNodeProperties.assignments(text[separator.upperBound...]) {
            if key == "time" { trigger.timeMs = PostgresTextNodeProperties.number(amount) }
            if key == "calls" { trigger.calls = PostgresTextNodeProperties.number(amount) }
        }
        return trigger
    }
}
