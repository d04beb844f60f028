/// What the planner said of an index a plan rule suggests (HypoPG, `scan --explain-top`), as the finding
/// words it: the costs as evidence, a sentence for its risk, and the severity an ignored index leaves.
struct IndexValidationText {
    /// The check of this fix, when there was one.
    let validation: IndexValidation?
    /// True when the plan's suggestions were checked at all.
    let checked: Bool
    let hasFix: Bool
    let engine: Engine

    init(fix: String?, captured: CapturedPlan, engine: Engine) {
        validation = fix.flatMap { sql in captured.indexValidations?.first { $0.createSQL == sql } }
        checked = captured.indexValidations != nil
        hasFix = fix != nil
        self.engine = engine
    }

    var evidence: [Evidence] {
        guard let validation else { return [] }
        return [
            Evidence("planner cost without the index", validation.costBefore, "cost"),
            Evidence("planner cost with the index", validation.costAfter, "cost"),
        ]
    }

    /// An index the planner would not read leaves the suggestion a hint.
    func severity(_ severity: Severity) -> Severity { validation?.isUsed == false ? .info : severity }

    /// What the planner said, or how to ask it; nil without a fix.
    var text: String? {
        guard hasFix else { return nil }
        if let validation {
            let costs = "\(Formatting.count(validation.costBefore)) → \(Formatting.count(validation.costAfter))"
            return validation.isUsed
                ? "Checked with HypoPG: the planner uses this index and the statement's estimated cost falls \(costs) "
                    + "(\(Formatting.percent(fraction: validation.savedShare)) less)."
                : "Checked with HypoPG: the planner would not use this index (estimated cost \(costs)): the filter may "
                    + "keep too many rows for it, or an existing index or the table's size makes the scan cheaper."
        }
        if engine.isMySQLFamily {
            return "Not checked by the planner: on MySQL 8 create it INVISIBLE on a staging copy and EXPLAIN with "
                + "SET optimizer_switch = 'use_invisible_indexes=on' before making it visible."
        }
        return checked
            ? "Not checked by the planner: HypoPG could not plan the statement with it."
            : "Not checked by the planner: with the HypoPG extension in the database (CREATE EXTENSION hypopg), "
                + "scan --explain-top plans the statement with this index as a hypothetical one, creating nothing."
    }
}
