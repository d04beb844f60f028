/// Locale-independent number formatting for messages and reports, so output is byte-stable.
public enum Formatting {
    /// "1,234.6 ms", "0.042 ms", "12.3 s" for ≥ 10 s.
    public static func milliseconds(_ value: Double) -> String {
        if value >= 10_000 { return decimal(value / 1000, digits: 1) + " s" }
        if value >= 100 { return decimal(value, digits: 0) + " ms" }
        if value >= 1 { return decimal(value, digits: 1) + " ms" }
        return decimal(value, digits: 3) + " ms"
    }

    /// "62 %", "0.4 %", "<0.1 %" (something, but less than shows).
    public static func percent(fraction: Double) -> String {
        let value = fraction * 100
        if value > 0 && value < 0.05 { return "<0.1 %" }
        return decimal(value, digits: value < 1 && value > 0 ? 1 : 0) + " %"
    }

    /// A span of time as people say it: "45 seconds", "12 minutes", "5.5 hours", "3.2 days", "23 days".
    public static func duration(seconds: Double) -> String {
        if seconds < 90 { return decimal(seconds, digits: 0) + " seconds" }
        if seconds < 90 * 60 { return decimal(seconds / 60, digits: 0) + " minutes" }
        if seconds < 86_400 { return decimal(seconds / 3600, digits: 1) + " hours" }
        let days = seconds / 86_400
        return decimal(days, digits: days < 10 ? 1 : 0) + " days"
    }

    /// "1,234,567" (rounded).
    public static func count(_ value: Double) -> String { decimal(value, digits: 0) }

    /// "12×", "1.5×".
    public static func factor(_ value: Double) -> String {
        decimal(value, digits: value < 10 ? 1 : 0) + "×"
    }

    /// "512 kB", "1.5 MB", "2.0 GB" from kilobytes (1024-based, as PostgreSQL prints memory).
    public static func kilobytes(_ kilobytes: Double) -> String {
        if kilobytes >= 1024 * 1024 { return decimal(kilobytes / (1024 * 1024), digits: 1) + " GB" }
        if kilobytes >= 1024 { return decimal(kilobytes / 1024, digits: 1) + " MB" }
        return decimal(kilobytes, digits: 0) + " kB"
    }

    /// Fixed digits after the point, thousands separated by commas.
    public static func decimal(_ value: Double, digits: Int) -> String {
        guard value.isFinite else { return value.isNaN ? "NaN" : (value < 0 ? "-∞" : "∞") }
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let scaled = (abs(value) * scale).rounded()
        guard scaled < 9.0e18 else { return String(value) }
        let units = UInt64(scaled)
        let whole = units / UInt64(scale)
        let fraction = units % UInt64(scale)
        var wholeText = String(whole)
        var index = wholeText.count - 3
        while index > 0 {
            wholeText.insert(",", at: wholeText.index(wholeText.startIndex, offsetBy: index))
            index -= 3
        }
        var text = (value < 0 && units > 0 ? "-" : "") + wholeText
        if digits > 0 {
            let fractionText = String(fraction)
            text += "." + String(repeating: "0", count: digits - fractionText.count) + fractionText
        }
        return text
    }
}
