/// Writes a PostgreSQL `log_line_prefix` for the generated log: the escapes `%t %m %p %c %u %d %a %h %q %%`.
/// Others are refused, so that the benchmark never writes a log its prefix does not describe.
struct PostgresPrefixRenderer {
    private enum Part {
        case text(String)
        case timestamp, timestampMilliseconds, processID, sessionID, user, database, application, host
        /// `%q`: the rest is written only for session processes.
        case sessionOnly
    }

    /// An escape the renderer does not write.
    struct UnsupportedEscape: Error, CustomStringConvertible {
        var escape: Character
        var description: String {
            "log_line_prefix escape %\(escape) is not generated (use %t %m %p %c %u %d %a %h %q %%)"
        }
    }

    let prefix: String
    private var parts: [Part] = []

    init(_ prefix: String) throws {
        self.prefix = prefix
        var literal = ""
        var characters = prefix.makeIterator()
        while let character = characters.next() {
            guard character == "%", let escape = characters.next() else {
                literal.append(character)
                continue
            }
            let part: Part
            switch escape {
            case "%":
                literal.append("%")
                continue
            case "t": part = .timestamp
            case "m": part = .timestampMilliseconds
            case "p": part = .processID
            case "c": part = .sessionID
            case "u": part = .user
            case "d": part = .database
            case "a": part = .application
            case "h": part = .host
            case "q": part = .sessionOnly
            default: throw UnsupportedEscape(escape: escape)
            }
            if !literal.isEmpty { parts.append(.text(literal)) }
            literal = ""
            parts.append(part)
        }
        if !literal.isEmpty { parts.append(.text(literal)) }
    }

    /// Who writes a line.
    enum Origin {
        /// A backend serving a session.
        case session(WorkloadSession)
        /// The session's backend before authentication: PostgreSQL prints `[unknown]` for its user and the rest.
        case connecting(WorkloadSession)
        /// A process outside any session (the checkpointer): empty fields, nothing after `%q`.
        case background(processID: Int)
    }

    /// Appends the prefix of a line written at `time` by `origin`.
    func render(_ origin: Origin, time: LogTime, into out: inout String) {
        var session: WorkloadSession?
        var processID = 0
        var unknown = ""
        switch origin {
        case .session(let backend): session = backend
        case .connecting(let backend):
            session = backend
            unknown = "[unknown]"
        case .background(let pid): processID = pid
        }
        for part in parts {
            switch part {
            case .text(let text): out += text
            case .timestamp: out += time.dateTime(decimals: 0) + " UTC"
            case .timestampMilliseconds: out += time.dateTime(decimals: 3) + " UTC"
            case .processID: out += String(session?.processID ?? processID)
            case .sessionID:
                let start = session.map { LogTime(microseconds: $0.startMicroseconds) } ?? time
                out += String(start.epochSeconds, radix: 16) + "." + String(session?.processID ?? processID, radix: 16)
            case .user: out += unknown.isEmpty ? session?.user ?? "" : unknown
            case .database: out += unknown.isEmpty ? session?.database ?? "" : unknown
            case .application: out += unknown.isEmpty ? session?.application ?? "" : unknown
            case .host: out += session?.host ?? ""
            case .sessionOnly: if session == nil { return }
            }
        }
    }
}
