/// Reads time settings as PostgreSQL prints them, in seconds.
enum DurationSetting {
    /// `"5min"`, `"30s"`, `"500ms"`, `"1h"`, `"1d"` (`current_setting`'s form) or a bare number in `bareUnitSeconds`
    /// units. Nil when unreadable.
    static func seconds(_ text: String?, bareUnitSeconds: Double = 1) -> Double? {
        guard let text else { return nil }
        let trimmed = text.filter { $0 != "'" && !$0.isWhitespace }
        let digits = trimmed.prefix { $0.isNumber || $0 == "." }
        guard let value = Double(digits) else { return nil }
        switch trimmed.dropFirst(digits.count).lowercased() {
        case "": return value * bareUnitSeconds
        case "us": return value / 1_000_000
        case "ms": return value / 1_000
        case "s": return value
        case "min": return value * 60
        case "h": return value * 3_600
        case "d": return value * 86_400
        default: return nil
        }
    }
}
