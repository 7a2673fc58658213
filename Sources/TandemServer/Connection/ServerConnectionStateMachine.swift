import TandemModel
import TandemWire

/// The protocol rules of one server-side connection, as a value type that
/// returns what to do: the handler performs the I/O, the machine decides.
/// Tested without sockets (`ServerConnectionStateMachineTests`).
///
/// States: awaiting `HELLO` → authenticating → active (optionally subscribed,
/// catching up or live) → closed. Any violation yields `.fail(error)`: send
/// an `ERROR` frame with the code, then close.
public struct ServerConnectionStateMachine: Sendable {
    public enum State: Hashable, Sendable {
        case awaitingHello
        case authenticating(version: UInt64)
        case active(Session)
        /// Authenticated with an admin token: admin requests only (`Protocol/README.md` 6.6).
        case admin(version: UInt64, name: String)
        case closed
    }

    /// What an authenticated connection is.
    public struct Session: Hashable, Sendable {
        public var version: UInt64
        public var plan: EntityID
        public var member: EntityID
        public var replica: ReplicaID
        public var subscription: Subscription?
    }

    /// Where a subscriber stands: `delivered` is the sequence it has been sent
    /// everything up to; `catchUpTarget` the head at subscription, until reached.
    public struct Subscription: Hashable, Sendable {
        public var delivered: UInt64
        public var live: Bool
        public var catchUpTarget: UInt64?
    }

    public enum Action: Hashable, Sendable {
        case none
        /// Look the token up; answer with `authenticated` or `authenticationFailed`.
        case authenticate(Hello)
        case send(Message)
        /// Validate and commit the batch, then send its `ACK`.
        case ingest(Push)
        /// Register for the plan's new operations, maybe send a snapshot, then
        /// call `subscriptionStarted(head:)`.
        case subscribe(Subscribe)
        /// Fetch and send operations after `after`, up to `upTo`.
        case deliver(after: UInt64, upTo: UInt64)
        /// Send everything up to the current head, then its `DIGEST`.
        case digest
        /// Send `ERROR` with this code, then close.
        case fail(WireError)
        /// Close without a word (the peer said goodbye or sent `ERROR`).
        case close
        /// Run an admin command and send its `ADMIN_RESPONSE` parts.
        case administer(AdminRequest)
        /// A replica answered a `DIGEST_AT`: hand the answer to the divergence probe.
        case probeAnswered(ReplicaDigest)
    }

    public private(set) var state: State = .awaitingHello
    public let supportedVersions: ClosedRange<UInt64>

    public init(supportedVersions: ClosedRange<UInt64> = WireProtocol.versions) {
        self.supportedVersions = supportedVersions
    }

    public var session: Session? {
        if case .active(let session) = state { return session }
        return nil
    }

    // MARK: Events

    /// A decoded message arrived.
    public mutating func received(_ message: Message) -> Action {
        switch state {
        case .closed:
            return .none
        case .awaitingHello:
            guard case .hello(let hello) = message else {
                return fail(.unexpectedMessage, "\(message.kind) before HELLO; a connection starts with HELLO")
            }
            let low = max(hello.minVersion, supportedVersions.lowerBound)
            let high = min(hello.maxVersion, supportedVersions.upperBound)
            guard hello.minVersion <= hello.maxVersion, low <= high else {
                return fail(.unsupportedVersion, "the client speaks versions \(hello.minVersion)–\(hello.maxVersion); this server speaks \(supportedVersions.lowerBound)–\(supportedVersions.upperBound)")
            }
            state = .authenticating(version: high)
            return .authenticate(hello)
        case .authenticating:
            return fail(.unexpectedMessage, "\(message.kind) before WELCOME; wait for the server's answer to HELLO")
        case .active(var session):
            switch message {
            case .hello:
                return fail(.unexpectedMessage, "a second HELLO on one connection")
            case .push(let push):
                return .ingest(push)
            case .subscribe(let request):
                guard session.subscription == nil else { return fail(.unexpectedMessage, "a second SUBSCRIBE on one connection") }
                session.subscription = Subscription(delivered: request.cursor, live: request.live, catchUpTarget: nil)
                state = .active(session)
                return .subscribe(request)
            case .digestRequest:
                guard session.subscription?.catchUpTarget != nil else {
                    return fail(.unexpectedMessage, "DIGEST_REQUEST before SUBSCRIBE; a digest compares a replica that is catching up")
                }
                return .digest
            case .ping(let nonce):
                return .send(.pong(nonce: nonce))
            case .pong:
                return .none
            case .error:
                state = .closed
                return .close
            case .adminRequest:
                return fail(.forbidden, "ADMIN_REQUEST needs an admin token ('tandemd admin token create'); this connection is a plan member's")
            case .replicaDigest(let answer):
                return .probeAnswered(answer)
            case .welcome, .ack, .operations, .caughtUp, .digest, .snapshot, .adminResponse, .adminWelcome, .digestAt:
                return fail(.unexpectedMessage, "\(message.kind) is sent by servers, not clients")
            }
        case .admin:
            switch message {
            case .adminRequest(let request):
                return .administer(request)
            case .ping(let nonce):
                return .send(.pong(nonce: nonce))
            case .pong:
                return .none
            case .error:
                state = .closed
                return .close
            case .hello:
                return fail(.unexpectedMessage, "a second HELLO on one connection")
            case .push, .subscribe, .digestRequest, .replicaDigest:
                return fail(.forbidden, "an admin token is not a plan member: it cannot send \(message.kind); use a member's invite token")
            case .welcome, .ack, .operations, .caughtUp, .digest, .snapshot, .adminResponse, .adminWelcome, .digestAt:
                return fail(.unexpectedMessage, "\(message.kind) is sent by servers, not clients")
            }
        }
    }

    /// The token is an admin token.
    public mutating func adminAuthenticated(name: String, welcome: (UInt64) -> AdminWelcome) -> Action {
        guard case .authenticating(let version) = state else { return .none }
        state = .admin(version: version, name: name)
        return .send(.adminWelcome(welcome(version)))
    }

    /// The token named a member of a plan (and the replica is theirs).
    public mutating func authenticated(plan: EntityID, member: EntityID, replica: ReplicaID, head: UInt64, welcome: (UInt64) -> Welcome) -> Action {
        guard case .authenticating(let version) = state else { return .none }
        state = .active(Session(version: version, plan: plan, member: member, replica: replica, subscription: nil))
        return .send(.welcome(welcome(version)))
    }

    public mutating func authenticationFailed(_ error: WireError) -> Action {
        guard case .authenticating = state else { return .none }
        return fail(error.code, error.message)
    }

    /// A snapshot at `sequence` replaced the operations up to it.
    public mutating func snapshotSent(at sequence: UInt64) {
        guard case .active(var session) = state, var subscription = session.subscription else { return }
        subscription.delivered = sequence
        session.subscription = subscription
        state = .active(session)
    }

    /// The handler learnt the plan's head after `SUBSCRIBE`; catch-up starts.
    public mutating func subscriptionStarted(head: UInt64) -> Action {
        guard case .active(var session) = state, var subscription = session.subscription, subscription.catchUpTarget == nil else { return .none }
        if subscription.delivered > head {
            return fail(.cursorAhead, "cursor \(subscription.delivered) is past this plan's head \(head); the replica belongs to another server or plan")
        }
        subscription.catchUpTarget = head
        session.subscription = subscription
        state = .active(session)
        if subscription.delivered == head { return caughtUp() }
        return .deliver(after: subscription.delivered, upTo: head)
    }

    /// Operations up to `sequence` were sent.
    public mutating func delivered(upTo sequence: UInt64) -> Action {
        guard case .active(var session) = state, var subscription = session.subscription else { return .none }
        subscription.delivered = max(subscription.delivered, sequence)
        session.subscription = subscription
        state = .active(session)
        if let target = subscription.catchUpTarget, subscription.delivered >= target, !isCaughtUpSent {
            return caughtUp()
        }
        return .none
    }

    private var isCaughtUpSent: Bool { caughtUpSent }
    private var caughtUpSent = false

    private mutating func caughtUp() -> Action {
        caughtUpSent = true
        guard case .active(let session) = state, let subscription = session.subscription else { return .none }
        return .send(.caughtUp(sequence: subscription.delivered))
    }

    /// New operations were committed to the plan (by anyone).
    public mutating func planAdvanced(head: UInt64) -> Action {
        guard case .active(let session) = state, let subscription = session.subscription,
              subscription.live, caughtUpSent, head > subscription.delivered else { return .none }
        return .deliver(after: subscription.delivered, upTo: head)
    }

    /// Where the subscriber stands, for digests (which flush up to the head first).
    public var deliveredPosition: UInt64? { session?.subscription?.delivered }

    /// A frame could not be decoded.
    public mutating func decodingFailed(_ error: WireError) -> Action {
        fail(error.code, error.message)
    }

    public mutating func handshakeTimedOut() -> Action {
        switch state {
        case .awaitingHello, .authenticating: fail(.handshakeTimeout, "no HELLO within the handshake timeout")
        default: .none
        }
    }

    public mutating func closed() { state = .closed }

    private mutating func fail(_ code: WireError.Code, _ message: String) -> Action {
        if case .closed = state { return .none }
        state = .closed
        return .fail(WireError(code, message))
    }
}
