/// What dropping an index gives back: its bytes, and the write time spent maintaining it (entries
/// written to the table per day × an estimated cost per entry).
struct IndexDropSaving {
    let sizeBytes: Int?
    let entriesPerDay: Double?
    let msPerDay: Double
    let partitioned: Bool
    /// The table counters' window, said with the write figure.
    let window: CounterWindow

    init(_ index: IndexStats, _ catalog: IndexCatalog, maintenanceMsPerRow: Double) {
        let table = catalog.table(of: index)
        partitioned = table?.kind == .partitioned
        sizeBytes = catalog.sizeBytes(of: index)
        entriesPerDay = table.flatMap(catalog.indexedRowWritesPerDay)
        msPerDay = (entriesPerDay ?? 0) * maintenanceMsPerRow
        window = catalog.usageWindow
    }

    var evidence: [Evidence] {
        var evidence: [Evidence] = []
        if let sizeBytes { evidence.append(Evidence("index size", Double(sizeBytes), "bytes")) }
        if let entriesPerDay {
            evidence.append(Evidence("index entries written per day", entriesPerDay, "rows"))
            evidence.append(Evidence("estimated write time saved per day", msPerDay, "ms"))
        }
        return evidence
    }

    /// "; dropping it frees 12.0 MB and saves maintaining about 3,000 entries a day (~15.0 ms of write time)".
    var sentence: String {
        let size = sizeBytes.map { " frees \(SchemaFindingText.bytes($0))" }
        let writes = entriesPerDay.map {
            " saves maintaining about \(Formatting.count($0)) entries a day (~\(Formatting.milliseconds(msPerDay)) "
                + "of write time)"
        }
        let parts = [size, writes].compactMap { $0 }
        return parts.isEmpty ? "" : "; dropping it" + parts.joined(separator: " and")
    }

    func impact(confidence: Confidence) -> Impact {
        var summary: String
        if entriesPerDay == nil, let seconds = window.seconds, seconds < 60 {
            summary =
                "write time saved not estimated: the table counters cover only "
                + Formatting.duration(seconds: seconds)
        } else if entriesPerDay == nil {
            summary = "write time saved unknown (table counters \(window.text))"
        } else if msPerDay == 0 {
            summary = "no write time saved: the table had no writes \(window.text)"
        } else {
            summary = "~\(Formatting.milliseconds(msPerDay)) of write time per day, \(window.text)"
        }
        if let sizeBytes { summary = "\(SchemaFindingText.bytes(sizeBytes)) freed; " + summary }
        return .daily(msPerDay: msPerDay, bytes: sizeBytes.map(Double.init), confidence: confidence, summary: summary)
    }

    /// An index on a partitioned table cannot be dropped concurrently.
    var lockCaveat: String? {
        guard partitioned else { return nil }
        return "An index on a partitioned table cannot be dropped concurrently: DROP INDEX takes an ACCESS "
            + "EXCLUSIVE lock on the table and its partitions while it runs."
    }
}
