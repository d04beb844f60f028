/// The generated workload behind the benchmark logs: 48 sessions of a shop's applications, each running
/// requests (a product page, an order history, a checkout transaction, a report, single statements) with a
/// pause of up to 5.5 s between two requests, about 140 statements a second in all. Within a request the
/// statements follow each other as an application sends them, each a fraction of a millisecond after the
/// previous one ended; the log lists every session's statements as they end, so sessions interleave as they
/// do on a server. Product pages and order histories load rows one by one, an N+1 loop of 5 to 25 statements.
/// Sessions end and are replaced by new ones (a new process or thread id) now and then. Seeded: the same log
/// every time.
struct LogWorkload {
    /// What the log records next.
    enum Event {
        case statement(WorkloadSession, WorkloadStatement)
        case connected(WorkloadSession)
        case disconnected(WorkloadSession)
        /// A checkpoint by the background checkpointer (PostgreSQL logs it; MySQL has no such line).
        case checkpoint
    }

    /// The time of the event `next()` returned last, in microseconds since 1970.
    private(set) var now: Int64
    private var statements: LogWorkloadStatements
    private var sessions: [WorkloadSession] = []
    /// Per session, the statements of its current request, the index of the next one, and when it ends.
    private var pending: [(statements: [WorkloadStatement], next: Int, ends: Int64)] = []
    private var events: [Event] = []
    private var nextProcessID = 21_000
    private var nextCheckpoint: Int64
    private let dialect: WorkloadDialect

    /// 2026-03-01 08:00:00 UTC.
    static let start: Int64 = 1_772_352_000_000_000
    static let checkpointInterval: Int64 = 300_000_000

    init(dialect: WorkloadDialect, seed: UInt64 = 0x5EED_1065) {
        self.dialect = dialect
        statements = LogWorkloadStatements(dialect: dialect, seed: seed)
        now = Self.start
        statements.now = now
        nextCheckpoint = Self.start + Self.checkpointInterval
        let kinds: [WorkloadSession.Kind] =
            Array(repeating: .web, count: 36) + Array(repeating: .api, count: 8) + [.worker, .worker, .report, .report]
        for kind in kinds {
            let session = newSession(kind)
            sessions.append(session)
            events.append(.connected(session))
            pending.append(([], 0, 0))
            startRequest(in: sessions.count - 1)
        }
    }

    /// The next event in log order.
    mutating func next() -> Event {
        if !events.isEmpty { return events.removeFirst() }
        var slot = 0
        for index in pending.indices where pending[index].ends < pending[slot].ends { slot = index }
        if pending[slot].ends >= nextCheckpoint {
            now = nextCheckpoint
            nextCheckpoint += Self.checkpointInterval
            return .checkpoint
        }
        now = pending[slot].ends
        statements.now = now
        let statement = pending[slot].statements[pending[slot].next]
        let session = sessions[slot]
        pending[slot].next += 1
        if pending[slot].next < pending[slot].statements.count {
            // The application's round trip before it sends the next statement.
            let roundTrip = Int64(statements.number(150...1200))
            pending[slot].ends =
                now + roundTrip + Int64(pending[slot].statements[pending[slot].next].durationMicroseconds)
        } else {
            // Between two requests, one session in 400 disconnects and a new one takes its place.
            if statements.number(0...399) == 0 {
                let replacement = newSession(session.kind)
                sessions[slot] = replacement
                events += [.disconnected(session), .connected(replacement)]
            }
            startRequest(in: slot)
        }
        return .statement(session, statement)
    }

    /// Prepares the session's next request, to start after a pause.
    private mutating func startRequest(in slot: Int) {
        let request = request(for: sessions[slot])
        let pause = Int64(statements.number(0...5_500_000))
        pending[slot] = (request, 0, now + pause + Int64(request[0].durationMicroseconds))
    }

    private mutating func newSession(_ kind: WorkloadSession.Kind) -> WorkloadSession {
        nextProcessID += statements.number(1...37)
        return WorkloadSession(
            kind: kind, processID: nextProcessID, startMicroseconds: now,
            host: "10.0.\(kind == .report ? 9 : 1).\(statements.number(2...60))",
            port: statements.number(32_768...60_999))
    }

    // MARK: - Requests

    private mutating func request(for session: WorkloadSession) -> [WorkloadStatement] {
        let binds = dialect == .postgres && session.kind == .api
        let choice = statements.number(0...99)
        switch session.kind {
        case .report:
            if choice < 30 { return [statements.revenueReport()] }
            return [statements.make(choice < 65 ? .count : .page, on: randomTable())]
        case .worker:
            let table = randomTable()
            let shapes: [LogWorkloadCatalog.Shape] = [.update, .insert, .delete, .idList]
            return [statements.make(shapes[choice % shapes.count], on: table, bindsParameters: binds)]
        case .web, .api:
            switch choice {
            case 0..<25: return productPage(binds: binds)
            case 25..<45: return orderHistory(binds: binds)
            case 45..<55: return checkout(binds: binds)
            case 55..<63: return [statements.orderWithCustomer(bindsParameters: binds)]
            default:
                let shape = LogWorkloadCatalog.Shape.allCases[choice % LogWorkloadCatalog.Shape.allCases.count]
                return [statements.make(shape, on: randomTable(), bindsParameters: binds)]
            }
        }
    }

    /// The session, the product, its reviews, then each review's author one by one (N+1), then the images.
    private mutating func productPage(binds: Bool) -> [WorkloadStatement] {
        let product = statements.number(1...80_000)
        let reviews = statements.number(5...15)
        var request = [
            statements.sessionLookup(bindsParameters: binds),
            statements.make(.byID, on: LogWorkloadCatalog.table("products"), key: product, bindsParameters: binds),
            statements.make(
                .byParent, on: LogWorkloadCatalog.table("reviews"), key: product, rows: reviews, bindsParameters: binds),
        ]
        let author = statements.number(1...900_000)
        for index in 0..<reviews {
            request.append(
                statements.make(
                    .byID, on: LogWorkloadCatalog.table("customers"), key: author + index * 7, bindsParameters: binds))
        }
        request.append(
            statements.make(
                .byParent, on: LogWorkloadCatalog.table("product_images"), key: product, bindsParameters: binds))
        return request
    }

    /// The customer, their orders, then each order's items one by one (N+1).
    private mutating func orderHistory(binds: Bool) -> [WorkloadStatement] {
        let customer = statements.number(1...900_000)
        let orders = statements.number(5...25)
        var request = [
            statements.sessionLookup(bindsParameters: binds),
            statements.make(.byID, on: LogWorkloadCatalog.table("customers"), key: customer, bindsParameters: binds),
            statements.make(
                .byParent, on: LogWorkloadCatalog.table("orders"), key: customer, rows: orders, bindsParameters: binds),
        ]
        let firstOrder = statements.number(1...2_000_000)
        for index in 0..<orders {
            request.append(
                statements.make(
                    .byParent, on: LogWorkloadCatalog.table("order_items"), key: firstOrder + index * 3,
                    rows: statements.number(1...6), bindsParameters: binds))
        }
        return request
    }

    /// A transaction: the cart, its items and products, the order and its items, stock, payment, cart cleared.
    private mutating func checkout(binds: Bool) -> [WorkloadStatement] {
        let items = statements.number(1...5)
        let customer = statements.number(1...900_000)
        return [
            statements.transactionControl("BEGIN"),
            statements.make(
                .byParent, on: LogWorkloadCatalog.table("carts"), key: customer, rows: 1, bindsParameters: binds),
            statements.make(.byParent, on: LogWorkloadCatalog.table("cart_items"), rows: items, bindsParameters: binds),
            statements.make(.idList, on: LogWorkloadCatalog.table("products"), rows: items, bindsParameters: binds),
            statements.make(.insert, on: LogWorkloadCatalog.table("orders"), bindsParameters: binds),
            statements.make(.insert, on: LogWorkloadCatalog.table("order_items"), rows: items, bindsParameters: binds),
            statements.make(.update, on: LogWorkloadCatalog.table("products"), bindsParameters: binds),
            statements.make(.insert, on: LogWorkloadCatalog.table("payments"), bindsParameters: binds),
            statements.make(.delete, on: LogWorkloadCatalog.table("cart_items"), rows: items, bindsParameters: binds),
            statements.transactionControl(statements.number(0...49) == 0 ? "ROLLBACK" : "COMMIT"),
        ]
    }

    private mutating func randomTable() -> LogWorkloadCatalog.Table {
        LogWorkloadCatalog.tables[statements.number(0...LogWorkloadCatalog.tables.count - 1)]
    }
}

/// A database session of the generated workload: who it is and where it comes from.
struct WorkloadSession {
    /// The application behind the session.
    enum Kind {
        /// Django pages, simple protocol.
        case web
        /// A Go service, extended protocol with bind parameters on PostgreSQL.
        case api
        /// Background jobs writing.
        case worker
        /// A BI tool reading reports, in its own database.
        case report
    }

    var kind: Kind
    /// The backend process id (PostgreSQL) or thread id (MySQL).
    var processID: Int
    var startMicroseconds: Int64
    var host: String
    var port: Int

    var user: String {
        switch kind {
        case .web: "shop_web"
        case .api: "shop_api"
        case .worker: "shop_worker"
        case .report: "analyst"
        }
    }

    var database: String { kind == .report ? "shop_reporting" : "shop" }

    var application: String {
        switch kind {
        case .web: "django"
        case .api: "orders-api"
        case .worker: "celery"
        case .report: "Metabase"
        }
    }
}
