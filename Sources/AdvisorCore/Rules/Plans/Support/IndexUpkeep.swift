/// What a suggested index would cost to keep, from the scan's catalog: the entries it would write a day (the
/// table's inserted, updated and deleted rows over the counters' window, as the index rules count them), the
/// write time that takes at a per-entry cost, and its rough size. Weighed against the reads it saves, when
/// those are known, it says whether the index pays for itself.
struct IndexUpkeep {
    let entriesPerDay: Double?
    let writeMsPerDay: Double?
    /// The table's rows × a B-tree entry of 8-byte keys (16 bytes of tuple header and line pointer, and
    /// 8 per key), at 90 % leaf fill: a floor for text keys, which are wider.
    let sizeBytes: Double?
    let window: CounterWindow

    /// Nil when the catalog does not have the table (a plan read from a file).
    init?(table: String, schema: String?, keys: Int, catalog: IndexCatalog, msPerEntry: Double) {
        let stats =
            schema.flatMap { catalog.table("\($0).\(table)") }
            ?? {
                let named = catalog.tables.filter { $0.name == table }
                return named.count == 1 ? named[0] : nil
            }()
        guard let stats else { return nil }
        entriesPerDay = catalog.indexedRowWritesPerDay(stats)
        writeMsPerDay = entriesPerDay.map { $0 * msPerEntry }
        sizeBytes = stats.estimatedRows.map { $0 * Double(16 + 8 * keys) / 0.9 }
        window = catalog.usageWindow
    }

    var evidence: [Evidence] {
        var evidence: [Evidence] = []
        if let sizeBytes { evidence.append(Evidence("estimated index size", sizeBytes, "bytes")) }
        if let entriesPerDay, let writeMsPerDay {
            evidence.append(Evidence("index entries to write per day", entriesPerDay, "rows"))
            evidence.append(Evidence("estimated write time per day", writeMsPerDay, "ms"))
        }
        return evidence
    }

    /// True when the writes would cost more time a day than the index saves in reads.
    func outweighs(savedMsPerDay: Double?) -> Bool {
        guard let savedMsPerDay, let writeMsPerDay else { return false }
        return writeMsPerDay > savedMsPerDay
    }

    /// "Keeping it costs about 3,000 entries a day (~15.0 ms of write time, since …) and roughly 12.0 MB."
    func sentence(savedMsPerDay: Double?) -> String? {
        var parts: [String] = []
        if let entriesPerDay, let writeMsPerDay {
            parts.append(
                "about \(Formatting.count(entriesPerDay)) index entries written a day "
                    + "(~\(Formatting.milliseconds(writeMsPerDay)) of write time, \(window.text))")
        }
        if let sizeBytes { parts.append("roughly \(Formatting.kilobytes(sizeBytes / 1024)) of disk") }
        guard !parts.isEmpty else { return nil }
        var text = "Keeping it costs " + parts.joined(separator: " and ") + "."
        if let savedMsPerDay, outweighs(savedMsPerDay: savedMsPerDay) {
            text +=
                " That is more than the ~\(Formatting.milliseconds(savedMsPerDay)) of reads a day it saves: "
                + "this index does not pay for itself at the current write rate."
        } else if let savedMsPerDay {
            text += " It saves ~\(Formatting.milliseconds(savedMsPerDay)) of reads a day."
        }
        return text
    }
}
