extension Snapshot {
    /// The snapshot format this build writes and reads.
    public static let currentFormatVersion = 1

    /// The first reason a snapshot read from a file cannot be trusted, naming the field: a format version this
    /// build does not read, or a negative counter (calls, times, rows, scans, blocks: no server counts below
    /// zero, and the rules would turn one into a negative cost). Nil when it is sound.
    public func validationProblem() -> String? {
        guard formatVersion == Self.currentFormatVersion else {
            return "format_version is \(formatVersion); this dbadvisor reads version \(Self.currentFormatVersion)"
        }
        let collections: [(String, [Any])] = [
            ("statements", statements), ("tables", tables), ("indexes", indexes), ("databases", databases),
        ]
        for (name, elements) in collections {
            for (offset, element) in elements.enumerated() {
                if let field = Self.negativeField(in: element) { return "\(name)[\(offset)].\(field) is negative" }
            }
        }
        return nil
    }

    /// The snake_case name of the first numeric field below zero, nil when there is none.
    private static func negativeField(in value: Any) -> String? {
        for child in Mirror(reflecting: value).children {
            guard let label = child.label else { continue }
            let negative =
                (child.value as? Int).map { $0 < 0 } ?? (child.value as? Double).map { $0 < 0 } ?? false
            if negative { return fileKey(label) }
        }
        return nil
    }
}
