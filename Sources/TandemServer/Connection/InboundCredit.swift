/// Bounds the frames read from a socket ahead of the connection's handling.
///
/// The reading task `acquire`s before it hands a frame on and waits while
/// `limit` frames are outstanding; the handling loop `release`s one as it asks
/// for the next event. While the reader waits, NIO stops reading the socket and
/// TCP flow control pushes back on the sender: a client that pipelines faster
/// than the server handles costs at most `limit` frames of memory.
///
/// `@unchecked Sendable`: the count and the waiter are only touched under `lock`.
final class InboundCredit: @unchecked Sendable {
    private let limit: Int
    private let lock = NSLockLite()
    private var outstanding = 0
    private var waiter: CheckedContinuation<Void, Never>?
    private var closed = false

    init(limit: Int) { self.limit = max(limit, 1) }

    /// Waits for room for one more frame (returns at once once closed or cancelled).
    func acquire() async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let ready: Bool = lock.withLock {
                    if closed || outstanding < limit {
                        outstanding += 1
                        return true
                    }
                    waiter = continuation
                    return false
                }
                if ready { continuation.resume() }
            }
        } onCancel: {
            close()
        }
    }

    /// One frame was handled.
    func release() {
        let resumed: CheckedContinuation<Void, Never>? = lock.withLock {
            outstanding = max(outstanding - 1, 0)
            guard let waiter, outstanding < limit else { return nil }
            self.waiter = nil
            outstanding += 1
            return waiter
        }
        resumed?.resume()
    }

    /// Lets any waiting reader go: the connection is ending.
    func close() {
        let resumed: CheckedContinuation<Void, Never>? = lock.withLock {
            closed = true
            defer { waiter = nil }
            return waiter
        }
        resumed?.resume()
    }
}

/// The connection's events, releasing one ``InboundCredit`` each time the
/// handling loop comes back for more after a frame.
struct CreditedEvents: AsyncSequence, Sendable {
    typealias Element = ConnectionEvent
    typealias Failure = Never

    let events: AsyncStream<ConnectionEvent>
    let credit: InboundCredit

    struct AsyncIterator: AsyncIteratorProtocol {
        typealias Failure = Never
        var base: AsyncStream<ConnectionEvent>.AsyncIterator
        let credit: InboundCredit
        var holdsCredit = false

        mutating func next() async -> ConnectionEvent? {
            if holdsCredit {
                credit.release()
                holdsCredit = false
            }
            let event = await base.next()
            if case .frame = event { holdsCredit = true }
            return event
        }
    }

    func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(base: events.makeAsyncIterator(), credit: credit)
    }
}
