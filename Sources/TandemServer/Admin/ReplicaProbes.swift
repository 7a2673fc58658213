import TandemModel
import TandemWire

/// The replicas connected to each plan, and the digest probes of `divergence`
/// in flight: the admin side posts a `DIGEST_AT` to every connection of a
/// plan and collects what comes back within a timeout.
///
/// `@unchecked Sendable`: all mutable state is guarded by `lock`.
final class ReplicaProbes: @unchecked Sendable {
    /// One authenticated member connection.
    struct Participant: Sendable {
        var connection: UInt64
        var plan: EntityID
        var member: EntityID
        var replica: ReplicaID
        /// It announced the digest-probe capability in `HELLO`.
        var answersProbes: Bool
        /// Hands a probe to the connection's event loop.
        var post: @Sendable (DigestProbe) -> Void
    }

    /// What became of one probe.
    enum Outcome: Hashable, Sendable {
        case answered(ReplicaDigest)
        /// The connection has not subscribed: it receives no log, so it has no cursor to answer at.
        case notSubscribed
    }

    private let lock = NSLockLite()
    private var participants: [UInt64: Participant] = [:]
    /// Probe id → the connection asked, and its outcome once known.
    private var pending: [UInt64: (connection: UInt64, outcome: Outcome?)] = [:]
    private var nextProbe: UInt64 = 0

    func join(_ participant: Participant) { lock.withLock { participants[participant.connection] = participant } }
    func leave(_ connection: UInt64) { _ = lock.withLock { participants.removeValue(forKey: connection) } }

    /// Records a connection's outcome; an answer from another connection than the one asked is ignored.
    func record(_ outcome: Outcome, probe: UInt64, from connection: UInt64) {
        lock.withLock {
            guard let entry = pending[probe], entry.connection == connection, entry.outcome == nil else { return }
            pending[probe] = (connection, outcome)
        }
    }

    /// The result of probing one connection: `nil` outcome when it did not answer in time.
    struct Result: Sendable {
        var participant: Participant
        var outcome: Outcome?
    }

    /// Probes every connection of `plan` at `sequence` and waits until all
    /// answered or `timeout` passed. Connections without the capability are
    /// returned unasked (`outcome` nil, `answersProbes` false).
    func probe(plan: EntityID, sequence: UInt64, timeout: Duration) async -> [Result] {
        let asked: [(probe: UInt64, participant: Participant)] = lock.withLock {
            participants.values.filter { $0.plan == plan }.sorted { $0.connection < $1.connection }.map { participant in
                nextProbe += 1
                if participant.answersProbes { pending[nextProbe] = (participant.connection, nil) }
                return (nextProbe, participant)
            }
        }
        for (id, participant) in asked where participant.answersProbes {
            participant.post(DigestProbe(id: id, sequence: sequence))
        }
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let open = lock.withLock { asked.contains { pending[$0.probe].map { $0.outcome == nil } ?? false } }
            if !open { break }
            try? await Task.sleep(for: .milliseconds(5))
        }
        return lock.withLock {
            asked.map { id, participant in
                defer { pending.removeValue(forKey: id) }
                return Result(participant: participant, outcome: pending[id]?.outcome)
            }
        }
    }
}
