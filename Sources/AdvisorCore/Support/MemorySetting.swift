/// Reads memory settings as servers print them, in kilobytes.
enum MemorySetting {
    /// `"4MB"`, `"64kB"`, `"1GB"`, `"8TB"` (PostgreSQL's `current_setting` form) or a bare number in
    /// `bareUnitKilobytes` units (PostgreSQL's `pg_settings.setting` for work_mem is kB, for
    /// shared_buffers 8 kB blocks; MySQL prints bytes: pass 1/1024). Nil when unreadable.
    static func kilobytes(_ text: String?, bareUnitKilobytes: Double = 1) -> Double? {
        guard let text else { return nil }
        let trimmed = text.filter { $0 != "'" && !$0.isWhitespace }
        let digits = trimmed.prefix { $0.isNumber || $0 == "." }
        guard let value = Double(digits) else { return nil }
        switch trimmed.dropFirst(digits.count).lowercased() {
        case "": return value * bareUnitKilobytes
        case "b": return value / 1024
        case "kb", "k": return value
        case "mb", "m": return value * 1024
        case "gb", "g": return value * 1024 * 1024
        case "tb", "t": return value * 1024 * 1024 * 1024
        default: return nil
        }
    }
}
