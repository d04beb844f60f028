/// The advice shared by the rules that find work_mem too small for one query (disk spills, lossy
/// bitmaps): the setting that would have been enough, as SQL scoped to that query, and its risk.
struct WorkMemAdvice {
    /// The value to set, as PostgreSQL takes it: "64MB", "1GB".
    let setting: String
    /// The same value in kilobytes, for evidence.
    let settingKB: Double

    /// The largest power of two megabytes work_mem takes: its maximum is 2147483647 kB, just under 2 TB.
    static let maximumMB = 1_048_576.0

    /// Rounded up to a power of two megabytes (at least 4MB, PostgreSQL's default) so the suggestion
    /// has headroom over an estimate and reads like a value a DBA would pick; never past what the server
    /// accepts, however large (or corrupt) the plan's figure.
    init(neededKB: Double) {
        var megabytes = 4.0
        while megabytes * 1024 < neededKB, megabytes < Self.maximumMB { megabytes *= 2 }
        settingKB = megabytes * 1024
        setting = megabytes >= 1024 ? "\(Int(megabytes / 1024))GB" : "\(Int(megabytes))MB"
    }

    /// `SET LOCAL` lasts until the end of the transaction, so only the query run inside it gets the memory.
    var fixSQL: String { "SET LOCAL work_mem = '\(setting)';" }

    /// What raising work_mem for one query can cost.
    var risk: String {
        "work_mem is a per-operation limit: every sort and hash of the query (in each parallel worker too) may "
            + "use up to \(setting), so keep it scoped to this query with SET LOCAL; raising it for every session "
            + "multiplies it by the number of concurrent operations and can exhaust the server's memory."
    }

    /// " (work_mem in effect: 4MB)" when the plan's SETTINGS output shows a non-default value, else "".
    static func currentSettingText(_ plan: Plan) -> String {
        guard let current = plan.settings["work_mem"] else { return "" }
        return " (work_mem in effect: \(current.filter { $0 != "'" }))"
    }
}
