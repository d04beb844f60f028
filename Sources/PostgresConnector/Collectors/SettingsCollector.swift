import AdvisorCore
import AdvisorQueries

/// The settings the rules read (`Queries/postgres/pg_settings.sql`), as a new session of the scanning
/// login starts with them, written as `SHOW` prints them ("128MB", "4MB", "30s", "on", "-1").
///
/// Adds a `track_io_timing_off` notice when I/O timing is off: statements' read and write times are
/// then missing, and plans show no I/O timings.
enum SettingsCollector: PostgresCollector {
    static let name = "settings"

    static func collect(from session: LibPQSession, server: PostgresServer, into snapshot: inout Snapshot) throws {
        let settings = try parse(rows: session.rows(.pgSettings))
        snapshot.settings.merge(settings) { _, collected in collected }
        snapshot.notices += notices(for: settings)
        snapshot.facets.insert(.settings)
    }

    /// Name → value as SHOW prints it.
    static func parse(rows: [LibPQSession.Row]) throws(UnexpectedRowError) -> [String: String] {
        var settings: [String: String] = [:]
        for row in PostgresRowReader.readers(of: rows, query: .pgSettings) {
            let value = try row.optionalText("value") ?? ""
            settings[try row.text("name")] = PostgresSettingValue.display(value, unit: try row.optionalText("unit"))
        }
        return settings
    }

    /// Known monitoring gaps the settings reveal.
    static func notices(for settings: [String: String]) -> [Notice] {
        guard settings["track_io_timing"] == "off" else { return [] }
        return [
            Notice(
                level: .warning,
                message: "track_io_timing is off: statements and plans show no time spent reading and writing blocks",
                remedy: "Turn on track_io_timing (no restart needed; run pg_test_timing first on old hardware).",
                code: "track_io_timing_off",
                fixSQL: "ALTER SYSTEM SET track_io_timing = on; SELECT pg_reload_conf();")
        ]
    }
}
