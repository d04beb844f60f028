/// A statement reduced to its class: what stays the same when an application runs it again with other values.
///
/// Conventions (both engines unless said otherwise):
/// - Literals become placeholders: strings in every quoting style (`'…'` with `''`, backslash escapes in MySQL
///   strings and PostgreSQL `E'…'`, `N'…'`, `X'…'`, `B'…'`, `U&'…'`, MySQL `_charset'…'` and `"…"`, PostgreSQL
///   `$tag$…$tag$`), numbers (integers, decimals, exponents, `0x…`, `0b…`, with their sign where the sign belongs to
///   the number: `a = -1`, not `a - 1`), `TRUE`, `FALSE` and `NULL`. Existing placeholders (`$1`, `?`, `:name`,
///   `%s`, `%(name)s`) become placeholders too, so a logged statement and its prepared form are one class.
///   The placeholder is `?` for MySQL and MariaDB (as pt-query-digest writes it) and `$1`, `$2`, … numbered in order
///   for PostgreSQL (as pg_stat_statements writes it).
/// - Not values, so kept: `NULL`/`TRUE`/`FALSE` after `IS` or `IS NOT` (syntax, as PostgreSQL's own normalizer
///   keeps them), the column positions of `ORDER BY 1, 2` / `GROUP BY 1`, and type modifiers (`AS varchar(50)`,
///   `::numeric(10,2)`). Names are never changed, even with digits in them (`orders_2024`, `rt_5min`): another
///   table is another statement.
/// - Lists collapse: `IN (1, 2, 3)` and PostgreSQL `ARRAY[1, 2]` of values only become one placeholder — MySQL
///   `in(?+)` as pt-query-digest, PostgreSQL `in ($1 /*, ... */)` as PostgreSQL 18's pg_stat_statements. A MySQL
///   `INSERT … VALUES (…), (…)` becomes `values(?+)` (pt-query-digest); a PostgreSQL `VALUES` list keeps its first
///   row and drops the others, so one row and a thousand rows are one class.
/// - Comments go: `--` (always, as pt-query-digest does even without the space MySQL wants), `#` on MySQL, `/* */`
///   (nested on PostgreSQL). MySQL's `/*! … */` and `/*+ … */` stay: the server runs what they hold. A leading (or
///   else trailing) sqlcommenter / marginalia comment is kept apart as ``tag``.
/// - Whitespace runs become one space, keywords and unquoted names are lower-cased; PostgreSQL quoted names keep
///   their case (they are case-sensitive), MySQL quoted names fold like unquoted ones (the server treats them alike).
///   `ASC` goes where it ends a sort item (it is the default), a trailing `;` goes.
///
/// The ``hash`` is 64-bit FNV-1a over the normalized bytes without the spaces that do not separate two words, so
/// `a=1` and `a = 1` are one class even though their normalized texts keep the spacing first seen.
public struct StatementFingerprint: Hashable, Sendable {
    /// The statement with placeholders for its values, comments removed and whitespace and case folded.
    public var normalized: String
    /// Stable identity of the class (FNV-1a 64): the same on every run and machine.
    public var hash: UInt64
    /// The attribution comment (`controller=orders,action=show`) without its `/* */`, when there is one.
    public var tag: String?

    /// Fingerprints `sql` by the rules of `engine` (MariaDB reads as MySQL).
    public init(sql: String, engine: Engine) {
        var fingerprinter = StatementFingerprinter(engine: engine)
        self = fingerprinter.fingerprint(sql)
    }

    /// Fingerprints UTF-8 bytes (a slice of a log file, say) by the rules of `engine`.
    public init<Bytes: Collection<UInt8>>(utf8 sql: Bytes, engine: Engine) {
        var fingerprinter = StatementFingerprinter(engine: engine)
        self = fingerprinter.fingerprint(utf8: sql)
    }

    init(normalized: String, hash: UInt64, tag: String?) {
        self.normalized = normalized
        self.hash = hash
        self.tag = tag
    }
}
