/// A setting's value in the form `SHOW` and `current_setting` print it: "128MB" rather than 16384 pages
/// of 8kB, "30s" rather than 30000 ms.
///
/// `pg_settings` gives a number in the setting's base unit ("16384" with unit "8kB"); PostgreSQL shows
/// it in the largest unit that represents it exactly, and without a unit when it is zero or negative
/// (the "off" and "unlimited" values such as -1). Values without a unit are returned as they are.
enum PostgresSettingValue {
    /// `value` in `unit` ("8kB", "kB", "MB", "B", "ms", "s", "min"; nil or "" for none) as SHOW prints it.
    static func display(_ value: String, unit: String?) -> String {
        guard let unit, !unit.isEmpty, let number = Double(value), number > 0 else { return value }
        if let bytes = multiple(of: unit, in: memoryUnits) {
            return shown(number * bytes, in: memoryUnits) ?? value
        }
        if let microseconds = multiple(of: unit, in: timeUnits) {
            return shown(number * microseconds, in: timeUnits) ?? value
        }
        return value
    }

    // MARK: - Private helpers

    /// Largest first, as PostgreSQL tries them; sizes in bytes.
    private static let memoryUnits: [(name: String, size: Double)] = [
        ("TB", 1_099_511_627_776), ("GB", 1_073_741_824), ("MB", 1_048_576), ("kB", 1024), ("B", 1),
    ]

    /// Largest first; sizes in microseconds ("us" for real-valued settings such as vacuum_cost_delay).
    private static let timeUnits: [(name: String, size: Double)] = [
        ("d", 86_400_000_000), ("h", 3_600_000_000), ("min", 60_000_000), ("s", 1_000_000), ("ms", 1000),
        ("us", 1),
    ]

    /// The size of a unit such as "8kB" or "16MB": an optional count before a unit name.
    private static func multiple(of unit: String, in units: [(name: String, size: Double)]) -> Double? {
        let count = unit.prefix { $0.isNumber }
        let name = unit.dropFirst(count.count)
        guard let size = units.first(where: { $0.name == name })?.size else { return nil }
        return (count.isEmpty ? 1 : Double(count) ?? 1) * size
    }

    /// The amount in the largest unit that divides it into a whole number.
    private static func shown(_ amount: Double, in units: [(name: String, size: Double)]) -> String? {
        for unit in units {
            let count = amount / unit.size
            if count >= 1, count == count.rounded(), let whole = Int(exactly: count) {
                return "\(whole)\(unit.name)"
            }
        }
        return nil
    }
}
