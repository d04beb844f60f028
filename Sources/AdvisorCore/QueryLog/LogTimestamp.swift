/// Timestamps as servers write them in logs, read from bytes into seconds since 1970 (UTC).
///
/// PostgreSQL `%m`/`%t`: `2024-01-02 03:04:05.678 UTC` (zone abbreviation or numeric offset);
/// ISO 8601: `2016-07-20T18:13:25.698433Z`, `…+08:00`; MySQL's old form: `071015 21:43:52`
/// (hour space-padded). A zone the table below does not know is taken as UTC.
enum LogTimestamp {
    /// Reads `YYYY-MM-DD[ T]HH:MM:SS[.fraction]` at `start`, then an optional zone (after one
    /// space, or directly for `Z`/`+hh:mm`); returns the seconds and the offset just past what was read.
    static func parse(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, zone: Bool = true) -> (
        seconds: Double, end: Int
    )? {
        guard start + 19 <= bytes.count,
            let year = digits(bytes, start, 4), bytes[start + 4] == dash,
            let month = digits(bytes, start + 5, 2), bytes[start + 7] == dash,
            let day = digits(bytes, start + 8, 2),
            bytes[start + 10] == space || bytes[start + 10] == UInt8(ascii: "T"),
            let clock = clockSeconds(bytes, start + 11)
        else { return nil }
        var seconds = Double(daysFromCivil(year: year, month: month, day: day) * 86_400 + clock)
        var position = start + 19
        position = fraction(bytes, position, &seconds)
        if zone { position = applyZone(bytes, position, &seconds) }
        return (seconds, position)
    }

    /// Reads MySQL's `YYMMDD H:MM:SS[.fraction]` (the hour may be padded with a space).
    static func parseMySQLShort(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> (seconds: Double, end: Int)? {
        guard start + 6 < bytes.count, let yymmdd = digits(bytes, start, 6), bytes[start + 6] == space else {
            return nil
        }
        var position = start + 7
        while position < bytes.count && bytes[position] == space { position += 1 }
        var hour = 0
        var hourDigits = 0
        while position < bytes.count, hourDigits < 2, let digit = digit(bytes[position]) {
            hour = hour * 10 + digit
            hourDigits += 1
            position += 1
        }
        guard hourDigits > 0, position + 6 <= bytes.count, bytes[position] == colon,
            let minute = digits(bytes, position + 1, 2), bytes[position + 3] == colon,
            let second = digits(bytes, position + 4, 2)
        else { return nil }
        let year = 2000 + yymmdd / 10_000
        let month = yymmdd / 100 % 100
        let day = yymmdd % 100
        guard (1...12).contains(month), (1...31).contains(day) else { return nil }
        var seconds = Double(
            daysFromCivil(year: year, month: month, day: day) * 86_400 + hour * 3600 + minute * 60 + second)
        position = fraction(bytes, position + 6, &seconds)
        return (seconds, position)
    }

    /// Reads a timestamp from a string (CSV and JSON logs).
    static func parse(_ text: String) -> Double? {
        var text = text
        return text.withUTF8 { parse($0, from: 0)?.seconds }
    }

    /// Seconds east of UTC for the zone abbreviations PostgreSQL servers commonly log with.
    static let zoneOffsets: [String: Int] = [
        "UTC": 0, "GMT": 0, "UT": 0, "Z": 0, "WET": 0, "WEST": 3600, "BST": 3600, "CET": 3600, "CEST": 7200,
        "MET": 3600, "MEST": 7200, "EET": 7200, "EEST": 10800, "MSK": 10800, "IST": 19800, "SGT": 28800,
        "HKT": 28800, "AWST": 28800, "JST": 32400, "KST": 32400, "ACST": 34200, "AEST": 36000, "AEDT": 39600,
        "NZST": 43200, "NZDT": 46800, "HST": -36000, "AKST": -32400, "AKDT": -28800, "PST": -28800,
        "PDT": -25200, "MST": -25200, "MDT": -21600, "CST": -21600, "CDT": -18000, "EST": -18000, "EDT": -14400,
        "AST": -14400, "ADT": -10800, "BRT": -10800, "ART": -10800,
    ]

    // MARK: - Private

    private static let dash = UInt8(ascii: "-")
    private static let colon = UInt8(ascii: ":")
    private static let space = UInt8(ascii: " ")

    private static func digit(_ byte: UInt8) -> Int? {
        byte >= 48 && byte <= 57 ? Int(byte - 48) : nil
    }

    private static func digits(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ count: Int) -> Int? {
        guard start + count <= bytes.count else { return nil }
        var value = 0
        for index in start..<start + count {
            guard let digit = digit(bytes[index]) else { return nil }
            value = value * 10 + digit
        }
        return value
    }

    private static func clockSeconds(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int) -> Int? {
        guard let hour = digits(bytes, start, 2), bytes[start + 2] == colon, let minute = digits(bytes, start + 3, 2),
            bytes[start + 5] == colon, let second = digits(bytes, start + 6, 2)
        else { return nil }
        return hour * 3600 + minute * 60 + second
    }

    private static func fraction(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ seconds: inout Double) -> Int {
        guard start < bytes.count, bytes[start] == UInt8(ascii: ".") else { return start }
        var position = start + 1
        var scale = 0.1
        while position < bytes.count, let digit = digit(bytes[position]) {
            seconds += Double(digit) * scale
            scale /= 10
            position += 1
        }
        return position
    }

    /// Applies `Z`, `±hh[[:]mm]` or ` ZONE` after a time; returns where the zone ends.
    private static func applyZone(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ seconds: inout Double) -> Int {
        guard start < bytes.count else { return start }
        let first = bytes[start]
        if first == UInt8(ascii: "Z") { return start + 1 }
        if first == UInt8(ascii: "+") || first == dash { return numericZone(bytes, start, &seconds) ?? start }
        guard first == space, start + 1 < bytes.count else { return start }
        let zoneStart = start + 1
        let lead = bytes[zoneStart]
        if lead == UInt8(ascii: "+") || lead == dash { return numericZone(bytes, zoneStart, &seconds) ?? start }
        var end = zoneStart
        while end < bytes.count, end - zoneStart < 6, isZoneLetter(bytes[end]) { end += 1 }
        guard end > zoneStart, end - zoneStart >= 2, end == bytes.count || !isZoneLetter(bytes[end]) else {
            return start
        }
        // The zone nearly every server logs in, without making a string.
        if end - zoneStart == 3, bytes[zoneStart] == UInt8(ascii: "U"), bytes[zoneStart + 1] == UInt8(ascii: "T"),
            bytes[zoneStart + 2] == UInt8(ascii: "C")
        {
            return end
        }
        let name = String(decoding: UnsafeBufferPointer(rebasing: bytes[zoneStart..<end]), as: UTF8.self)
        seconds -= Double(zoneOffsets[name] ?? 0)
        return end
    }

    private static func isZoneLetter(_ byte: UInt8) -> Bool {
        (byte >= 65 && byte <= 90) || (byte >= 97 && byte <= 122)
    }

    private static func numericZone(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ seconds: inout Double) -> Int?
    {
        guard let hours = digits(bytes, start + 1, 2) else { return nil }
        var end = start + 3
        var minutes = 0
        if end < bytes.count, bytes[end] == colon, let value = digits(bytes, end + 1, 2) {
            minutes = value
            end += 3
        } else if let value = digits(bytes, end, 2) {
            minutes = value
            end += 2
        }
        let offset = hours * 3600 + minutes * 60
        seconds -= Double(bytes[start] == dash ? -offset : offset)
        return end
    }

    /// Days from 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's algorithm).
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let shiftedYear = month <= 2 ? year - 1 : year
        let era = (shiftedYear >= 0 ? shiftedYear : shiftedYear - 399) / 400
        let yearOfEra = shiftedYear - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}
