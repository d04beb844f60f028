/// Reads EXPLAIN output in any supported format: detects the format (unless forced), parses,
/// numbers the nodes and derives their times.
public enum PlanReader {
    /// The parser for a format; `read` runs it after detection (the benchmark times it alone).
    public static func parser(for format: PlanFormat) -> (any PlanParser.Type)? {
        switch format {
        case .postgresJSON: PostgresJSONPlanParser.self
        case .mysqlJSON: MySQLJSONPlanParser.self
        case .mysqlTree: MySQLTreePlanParser.self
        case .mariadbJSON: MariaDBJSONPlanParser.self
        case .mysqlTable: MySQLTablePlanParser.self
        case .postgresText: PostgresTextPlanParser.self
        }
    }

    /// Every plan in the input, ready for the rules. Throws `InputError` for empty, binary or
    /// unrecognised input and for anything the chosen parser rejects.
    public static func read(_ input: PlanInput, format forced: PlanFormat? = nil) throws -> [Plan] {
        let format = try forced ?? PlanFormatDetector.detect(input)
        guard let parser = parser(for: format) else {
            throw InputError(file: input.name, format: format, reason: "this build cannot read \(format.rawValue) yet")
        }
        var plans = try parser.parse(input)
        guard !plans.isEmpty else {
            throw InputError(file: input.name, format: format, reason: "no plan found")
        }
        for plan in plans where plan.root.depth > Plan.maxDepth {
            throw InputError(
                file: input.name, format: format, line: plan.sourceLine,
                reason: "the plan is \(plan.root.depth) levels deep; dbadvisor reads plans up to \(Plan.maxDepth) "
                    + "levels (every pass over a plan walks its tree)")
        }
        for index in plans.indices {
            plans[index].number()
            PlanTiming.apply(to: &plans[index])
        }
        return plans
    }
}
