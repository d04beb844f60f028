/// A UTC instant in the generated logs, written the ways the servers write time. Computed by hand: the
/// generator writes millions of them, and Foundation's formatters would dominate its run time.
struct LogTime {
    let microseconds: Int64
    let year: Int
    let month: Int
    let day: Int
    let secondOfDay: Int

    init(microseconds: Int64) {
        self.microseconds = microseconds
        let seconds = Int(microseconds / 1_000_000)
        secondOfDay = seconds % 86_400
        // Days since 1970-01-01 to a civil date (Howard Hinnant's algorithm), for dates after 1970.
        let days = seconds / 86_400 + 719_468
        let era = days / 146_097
        let dayOfEra = days - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
    }

    /// Seconds since 1970, as MySQL's `SET timestamp=` prints them.
    var epochSeconds: Int64 { microseconds / 1_000_000 }

    /// `2026-03-01 08:00:00`, then `decimals` (0, 3 or 6) digits of the second after a dot.
    func dateTime(decimals: Int, separator: String = " ") -> String {
        var text = "\(year)-\(padded(month, 2))-\(padded(day, 2))\(separator)"
        text += "\(padded(secondOfDay / 3600, 2)):\(padded(secondOfDay / 60 % 60, 2)):\(padded(secondOfDay % 60, 2))"
        let fraction = Int(microseconds % 1_000_000)
        switch decimals {
        case 3: text += "." + padded(fraction / 1000, 3)
        case 6: text += "." + padded(fraction, 6)
        default: break
        }
        return text
    }

    /// `2026-03-01T08:00:00.123456`, as Django writes timestamps.
    var iso8601: String { dateTime(decimals: 6, separator: "T") }
}

/// `value` in decimal, zero-padded on the left to `width` digits.
func padded(_ value: Int, _ width: Int) -> String {
    let digits = String(value)
    return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
}
