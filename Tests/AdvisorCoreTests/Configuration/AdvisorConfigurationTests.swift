import AdvisorCore
import Testing

/// dbadvisor.yml beyond `rules:`, from the document a YAML reader produces.
struct AdvisorConfigurationTests {
    @Test func readsTargetsWithTheirOptions() throws {
        let configuration = try AdvisorConfiguration(document: [
            "targets": [
                [
                    "name": "shop", "dsn_env": "SHOP_DSN", "explain_top": 5, "analyze": true,
                    "statement_timeout_ms": 2_000, "lock_timeout_ms": 500,
                    "pgbouncer": "postgres://admin@pool:6432/pgbouncer",
                ],
                ["name": "billing", "engine": "mariadb", "dsn": "mariadb://report@db:3306/billing"],
            ]
        ])
        #expect(configuration.warnings.isEmpty)
        #expect(
            configuration.targets == [
                ScanTarget(
                    name: "shop", connection: .environment("SHOP_DSN"), explainTop: 5, analyze: true,
                    statementTimeoutMs: 2_000, lockTimeoutMs: 500, pgbouncer: "postgres://admin@pool:6432/pgbouncer"),
                ScanTarget(name: "billing", engine: .mariadb, connection: .literal("mariadb://report@db:3306/billing")),
            ])
        #expect(configuration.target(named: "billing")?.engine == .mariadb)
        #expect(configuration.target(named: "nope") == nil)
    }

    @Test func dsnEnvIsReadWhenTheTargetIsScanned() throws {
        let target = ScanTarget(name: "shop", connection: .environment("SHOP_DSN"))
        #expect(try target.resolveDSN(environment: ["SHOP_DSN": "mysql://u@h/db"]) == "mysql://u@h/db")
        #expect(ScanTarget.engine(ofDSN: "mysql://u@h/db") == .mysql)
        #expect(ScanTarget.engine(ofDSN: "postgresql://u@h/db") == .postgres)
        #expect(ScanTarget.engine(ofDSN: "host=h dbname=db") == nil)
        let error = #expect(throws: ConfigurationError.self) { try target.resolveDSN(environment: [:]) }
        #expect(error?.description.contains("SHOP_DSN") == true)
        let postgres = ScanTarget(name: "pg", engine: .postgres, connection: .environment("DSN"))
        #expect(throws: ConfigurationError.self) { try postgres.resolveDSN(environment: ["DSN": "mysql://u@h/db"]) }
    }

    @Test func unknownKeysAreErrorsThatNameTheKey() {
        let cases: [([String: Any], String)] = [
            (["targetz": [] as [Any]], "targetz"),
            (["targets": [["name": "a", "dsn": "postgres://h/db", "dns": "x"]]], "targets[0].dns"),
            (["ignore": ["table": ["x"]]], "ignore.table"),
            (["output": ["dir": "reports"]], "output.dir"),
        ]
        for (document, key) in cases {
            let error = #expect(throws: ConfigurationError.self) { try AdvisorConfiguration(document: document) }
            #expect(error?.description.contains("\(key): unknown key") == true, "\(error?.description ?? "")")
        }
    }

    @Test func badValuesAreErrorsThatSayWhere() {
        let cases: [([String: Any], String)] = [
            (["targets": [["dsn": "postgres://h/db"]]], "needs a name"),
            (["targets": [["name": "a"]]], "needs dsn or dsn_env"),
            (["targets": [["name": "a", "dsn": "postgres://h/db", "dsn_env": "X"]]], "both dsn and dsn_env"),
            (["targets": [["name": "a", "dsn": "x=1"], ["name": "a", "dsn": "x=2"]]], "a second target named 'a'"),
            (["targets": [["name": "a/b", "dsn": "x=1"]]], "file names"),
            (["targets": [["name": "a", "engine": "oracle", "dsn": "x=1"]]], "not postgres, mysql or mariadb"),
            (["targets": [["name": "a", "engine": "postgres", "dsn": "mysql://h/db"]]], "does not match"),
            (["targets": [["name": "a", "dsn": "x=1", "explain_top": "five"]]], "expected a whole number"),
            (["targets": [["name": "a", "dsn": "x=1", "analyze": true]]], "explain_top"),
            (["ignore": ["min_size": "ten"]], "a size such as 10MB"),
            (["output": ["formats": ["json", "text"], "file_name": "{target}.out"]], "{ext} or {format}"),
            (["output": ["file_name": "report.json"]], "must contain {target}"),
        ]
        for (document, reason) in cases {
            let error = #expect(throws: ConfigurationError.self) { try AdvisorConfiguration(document: document) }
            #expect(error?.description.contains(reason) == true, "\(error?.description ?? "")")
        }
    }

    @Test func aPasswordInTheFileIsAWarningUnlessAllowed() throws {
        let warned = try AdvisorConfiguration(document: [
            "targets": [
                ["name": "uri", "dsn": "postgres://app:Secret-1@db/shop"],
                ["name": "keywords", "dsn": "host=db dbname=shop password=Secret-2"],
                ["name": "clean", "dsn": "postgres://app@db/shop"],
                ["name": "allowed", "dsn": "mysql://app:Secret-3@db/shop", "allow_password_in_file": true],
            ]
        ])
        #expect(warned.warnings.count == 2)
        #expect(warned.warnings.allSatisfy { !$0.contains("Secret") })
        #expect(warned.warnings[0].contains("target uri"))
        #expect(warned.warnings[1].contains("target keywords"))
        let allowedEverywhere = try AdvisorConfiguration(document: [
            "allow_password_in_file": true, "targets": [["name": "uri", "dsn": "postgres://app:pw@db/shop"]],
        ])
        #expect(allowedEverywhere.warnings.isEmpty)
    }

    @Test func readsIgnoreRulesAndOutput() throws {
        let configuration = try AdvisorConfiguration(document: [
            "ignore": [
                "tables": ["schema_migrations", "public.tmp_*"], "indexes": ["*_old"],
                "statements": ["select 1*"], "schemas": ["audit"], "min_size": "10 MB",
            ],
            "output": [
                "formats": ["json", "markdown"], "directory": "reports", "file_name": "{target}-{format}.{ext}",
            ],
            "rules": ["index-unused": ["enabled": false]],
        ])
        #expect(configuration.ignore.tables.map(\.description) == ["schema_migrations", "public.tmp_*"])
        #expect(configuration.ignore.minSizeBytes == 10 << 20)
        #expect(
            configuration.output
                == AdvisorConfiguration.Output(
                    formats: ["json", "markdown"], directory: "reports", fileName: "{target}-{format}.{ext}"))
        #expect(try AdvisorConfiguration(document: nil) == AdvisorConfiguration())
    }
}
