/// dbadvisor.yml beyond its `rules:` section: the targets a nightly job scans, the objects it ignores
/// and where its reports go. Built from the document a YAML reader produced (mappings as
/// `[String: Any]`, sequences as `[Any]`), so that this module stays free of YAML.
///
/// Unknown keys are errors that name the key and where it is: a misspelt `ingore:` must not
/// silently report what the user meant to hide.
public struct AdvisorConfiguration: Equatable, Sendable {
    /// Where each target's report files go (`output:`).
    public struct Output: Equatable, Sendable {
        /// `--format` values; empty to use the command line's.
        public var formats: [String]
        /// The folder report files are written to; nil for standard output.
        public var directory: String?
        /// The file name of one report: `{target}` the target's name, `{format}` the format, `{ext}` its
        /// usual extension.
        public var fileName: String

        public init(formats: [String] = [], directory: String? = nil, fileName: String = Output.defaultFileName) {
            self.formats = formats
            self.directory = directory
            self.fileName = fileName
        }

        /// `{target}.{ext}`.
        public static let defaultFileName = "{target}.{ext}"
    }

    public var targets: [ScanTarget]
    public var ignore: IgnoreRules
    public var output: Output
    /// Problems worth a word that do not stop the run: passwords written in the file.
    public var warnings: [String]

    /// The top-level keys; `rules` is read by the rule selection.
    public static let topLevelKeys = ["rules", "targets", "ignore", "output", "allow_password_in_file"]

    public init(
        targets: [ScanTarget] = [], ignore: IgnoreRules = IgnoreRules(), output: Output = Output(),
        warnings: [String] = []
    ) {
        self.targets = targets
        self.ignore = ignore
        self.output = output
        self.warnings = warnings
    }

    /// Reads the document; nil (an empty file) is an empty configuration.
    public init(document: Any?) throws(ConfigurationError) {
        self.init()
        guard let document else { return }
        let root = ConfigurationNode(document, path: "")
        let mapping = try root.mapping(keys: Self.topLevelKeys)
        let allowPasswords = try mapping["allow_password_in_file"]?.bool() ?? false
        if let targets = mapping["targets"] {
            for element in try targets.sequence() {
                let target = try Self.target(element, allowPasswords: allowPasswords, warnings: &warnings)
                guard !self.targets.contains(where: { $0.name == target.name }) else {
                    throw ConfigurationError("\(element.path): a second target named '\(target.name)'")
                }
                self.targets.append(target)
            }
        }
        if let ignore = mapping["ignore"] { self.ignore = try Self.ignoreRules(ignore) }
        if let output = mapping["output"] { self.output = try Self.output(output) }
    }

    /// The target of that name.
    public func target(named name: String) -> ScanTarget? {
        targets.first { $0.name == name }
    }

    // MARK: - Sections

    private static func target(_ node: ConfigurationNode, allowPasswords: Bool, warnings: inout [String])
        throws(ConfigurationError)
        -> ScanTarget
    {
        let keys = [
            "name", "engine", "dsn", "dsn_env", "allow_password_in_file", "explain_top", "analyze",
            "statement_timeout_ms", "lock_timeout_ms", "pgbouncer",
        ]
        let mapping = try node.mapping(keys: keys)
        guard let name = try mapping["name"]?.string(), !name.isEmpty else {
            throw ConfigurationError("\(node.path): a target needs a name")
        }
        guard name.allSatisfy({ $0.isLetter || $0.isNumber || "-_.".contains($0) }), !name.hasPrefix(".") else {
            throw ConfigurationError(
                "\(node.path).name: '\(name)' is used in file names: letters, digits, '-', '_' and '.' only")
        }
        let connection: ScanTarget.Connection
        switch (try mapping["dsn"]?.string(), try mapping["dsn_env"]?.string()) {
        case (let dsn?, nil):
            connection = .literal(dsn)
            let allowed = try mapping["allow_password_in_file"]?.bool() ?? allowPasswords
            if !allowed, ScanTarget.dsnHoldsPassword(dsn) {
                warnings.append(
                    """
                    target \(name): the dsn holds a password; prefer dsn_env, ~/.pgpass or ~/.my.cnf \
                    (allow_password_in_file: true silences this)
                    """)
            }
        case (nil, let variable?):
            connection = .environment(variable)
        case (nil, nil):
            throw ConfigurationError("\(node.path): target \(name) needs dsn or dsn_env")
        case (.some, .some):
            throw ConfigurationError("\(node.path): target \(name) has both dsn and dsn_env; keep one")
        }
        var engine: Engine?
        if let value = try mapping["engine"]?.string() {
            guard let known = value == "postgresql" ? .postgres : Engine(rawValue: value) else {
                throw ConfigurationError("\(node.path).engine: '\(value)' is not postgres, mysql or mariadb")
            }
            engine = known
        }
        if case .literal(let dsn) = connection {
            let inferred = ScanTarget.engine(ofDSN: dsn)
            if let engine, let inferred, inferred.isMySQLFamily != engine.isMySQLFamily {
                throw ConfigurationError(
                    "\(node.path).engine: \(engine.rawValue) does not match the dsn's scheme (\(inferred.rawValue))")
            }
        }
        let target = ScanTarget(
            name: name, engine: engine, connection: connection,
            explainTop: try mapping["explain_top"]?.integer(minimum: 0),
            analyze: try mapping["analyze"]?.bool(),
            statementTimeoutMs: try mapping["statement_timeout_ms"]?.integer(minimum: 1),
            lockTimeoutMs: try mapping["lock_timeout_ms"]?.integer(minimum: 1),
            pgbouncer: try mapping["pgbouncer"]?.string())
        if target.analyze == true, (target.explainTop ?? 0) == 0 {
            throw ConfigurationError("\(node.path): analyze applies to the statements explain_top N chooses: give N")
        }
        return target
    }

    private static func ignoreRules(_ node: ConfigurationNode) throws(ConfigurationError) -> IgnoreRules {
        let mapping = try node.mapping(keys: ["tables", "indexes", "statements", "schemas", "min_size"])
        func patterns(_ key: String, caseSensitive: Bool = true) throws(ConfigurationError) -> [GlobPattern] {
            guard let list = mapping[key] else { return [] }
            var patterns: [GlobPattern] = []
            for element in try list.sequence() {
                patterns.append(GlobPattern(try element.string(), caseSensitive: caseSensitive))
            }
            return patterns
        }
        return IgnoreRules(
            tables: try patterns("tables"), indexes: try patterns("indexes"),
            statements: try patterns("statements", caseSensitive: false), schemas: try patterns("schemas"),
            minSizeBytes: try mapping["min_size"]?.size())
    }

    private static func output(_ node: ConfigurationNode) throws(ConfigurationError) -> Output {
        let mapping = try node.mapping(keys: ["formats", "directory", "file_name"])
        var output = Output()
        if let formats = mapping["formats"] {
            for element in try formats.sequence() { output.formats.append(try element.string()) }
        }
        output.directory = try mapping["directory"]?.string()
        if let fileName = try mapping["file_name"]?.string() {
            guard fileName.contains("{target}"), !fileName.contains("/") else {
                throw ConfigurationError(
                    "\(node.path).file_name: '\(fileName)' must contain {target} and no '/', one file per target")
            }
            output.fileName = fileName
        }
        let namesFormat = output.fileName.contains("{ext}") || output.fileName.contains("{format}")
        guard output.formats.count < 2 || namesFormat else {
            throw ConfigurationError(
                "\(node.path).file_name: '\(output.fileName)' needs {ext} or {format} to keep several formats apart")
        }
        return output
    }
}
