import Foundation

/// Two cores for one log: the reading thread parses statements and hands them over in batches; this
/// pipeline's own thread fingerprints and aggregates them into the digest and the N+1 detector, in order.
/// A bounded queue keeps memory flat however far the reader runs ahead.
final class DigestPipeline: @unchecked Sendable {
    private typealias Batch = [LoggedStatement]

    // Guarded by `condition`: `queue`, `done`, `isClosed`, `isFinished`.
    private let condition = NSCondition()
    private var queue: [Batch] = []
    /// Batches aggregated, handed back to be freed on the reading thread, which allocated their strings: glibc
    /// frees memory through the arena of the thread that allocated it, whose lock the two threads would fight
    /// over (two-thread runs took up to 60 % more CPU time, at random, before).
    private var done: [Batch] = []
    private var isClosed = false
    private var isFinished = false
    private var digest: LogDigest
    private var pending: Batch = []
    private static let batchSize = 2_048
    private static let queueCapacity = 8

    init(digest: LogDigest) {
        self.digest = digest
        pending.reserveCapacity(Self.batchSize)
        let thread = Thread { [self] in aggregate() }
        thread.stackSize = 1 << 20
        thread.start()
    }

    /// Called on the reading thread, in log order.
    func add(_ statement: LoggedStatement) {
        pending.append(statement)
        guard pending.count >= Self.batchSize else { return }
        hand(pending)
        pending = []
        pending.reserveCapacity(Self.batchSize)
    }

    /// Waits until every statement handed over is aggregated, and returns the digest.
    func finish() -> LogDigest {
        if !pending.isEmpty { hand(pending) }
        pending = []
        condition.lock()
        isClosed = true
        condition.broadcast()
        while !isFinished { condition.wait() }
        condition.unlock()
        return digest
    }

    private func hand(_ batch: Batch) {
        condition.lock()
        while queue.count >= Self.queueCapacity { condition.wait() }
        queue.append(batch)
        var aggregated: [Batch] = []
        swap(&aggregated, &done)
        condition.broadcast()
        condition.unlock()
        aggregated.removeAll()
    }

    private func aggregate() {
        while true {
            condition.lock()
            while queue.isEmpty && !isClosed { condition.wait() }
            guard !queue.isEmpty else {
                isFinished = true
                condition.broadcast()
                condition.unlock()
                return
            }
            let batch = queue.removeFirst()
            condition.broadcast()
            condition.unlock()
            for statement in batch { digest.add(statement) }
            condition.lock()
            done.append(batch)
            condition.unlock()
        }
    }
}
