/// Runs async closures one at a time, in arrival order.
///
/// An actor alone does not do this: it is re-entrant at every `await`, and a
/// plan's ingest awaits the store between validating and publishing.
final class AsyncSerialGate: @unchecked Sendable {
    // @unchecked: `busy` and `waiters` are only touched under `lock`.
    private let lock = NSLockLite()
    private var busy = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    func run<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        await acquire()
        defer { release() }
        return try await body()
    }

    private func acquire() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let enter: Bool = lock.withLock {
                if busy { waiters.append(continuation); return false }
                busy = true
                return true
            }
            if enter { continuation.resume() }
        }
    }

    private func release() {
        let next: CheckedContinuation<Void, Never>? = lock.withLock {
            if waiters.isEmpty { busy = false; return nil }
            return waiters.removeFirst()
        }
        next?.resume()
    }
}
