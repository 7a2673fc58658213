import TandemModel
import TandemWire

/// Counts open connections, in total and per member, against ``ConnectionLimits``.
///
/// `@unchecked Sendable`: the counts are only touched under `lock`; connections
/// on every event loop admit and release concurrently.
final class ConnectionLimiter: @unchecked Sendable {
    private let limits: ConnectionLimits
    private let lock = NSLockLite()
    private var open = 0
    private var members: [UInt64: EntityID] = [:]
    private var perMember: [EntityID: Int] = [:]

    init(limits: ConnectionLimits) { self.limits = limits }

    /// A new connection: nil when admitted (release it with ``release(_:)``), else the error to send.
    func admitConnection() -> WireError? {
        lock.withLock {
            guard open < limits.maxConnections else {
                return WireError(.tooManyConnections, "the server holds its maximum of \(limits.maxConnections) connections; retry later")
            }
            open += 1
            return nil
        }
    }

    /// An admitted connection authenticated as `member`.
    func admit(connection id: UInt64, member: EntityID) -> WireError? {
        lock.withLock {
            let count = perMember[member, default: 0]
            guard count < limits.maxConnectionsPerMember else {
                return WireError(.tooManyConnections, "this member already has \(count) open connections (the limit is \(limits.maxConnectionsPerMember)); close one")
            }
            perMember[member] = count + 1
            members[id] = member
            return nil
        }
    }

    /// An admitted connection ended.
    func release(_ id: UInt64) {
        lock.withLock {
            open -= 1
            guard let member = members.removeValue(forKey: id) else { return }
            let left = perMember[member, default: 1] - 1
            perMember[member] = left > 0 ? left : nil
        }
    }

    var openConnections: Int { lock.withLock { open } }
}
