import TandemModel

/// Every message of protocol version 1 (`Protocol/README.md`, "Messages").
///
/// Client to server: `hello`, `push`, `subscribe`, `digestRequest`, `ping`,
/// `pong`. Server to client: `welcome`, `ack`, `operations`, `caughtUp`,
/// `digest`, `snapshot`, `ping`, `pong`, `error`.
public enum Message: Hashable, Sendable {
    case hello(Hello)
    case welcome(Welcome)
    case push(Push)
    case ack(Ack)
    case subscribe(Subscribe)
    case operations(Operations)
    case caughtUp(sequence: UInt64)
    case digestRequest
    case digest(Digest)
    case snapshot(Snapshot)
    case ping(nonce: UInt64)
    case pong(nonce: UInt64)
    case error(WireError)
    // Admin and divergence (`Message+Admin.swift`).
    case adminRequest(AdminRequest)
    case adminResponse(AdminResponsePart)
    case adminWelcome(AdminWelcome)
    case digestAt(DigestProbe)
    case replicaDigest(ReplicaDigest)

    /// The message type byte of each message.
    public enum Kind: UInt8, Sendable, CaseIterable {
        case hello = 0x01
        case push = 0x02
        case subscribe = 0x03
        case digestRequest = 0x04
        case ping = 0x05
        case pong = 0x06
        case adminRequest = 0x07
        case replicaDigest = 0x08
        case welcome = 0x81
        case ack = 0x82
        case operations = 0x83
        case caughtUp = 0x84
        case digest = 0x85
        case snapshot = 0x86
        case adminResponse = 0x87
        case adminWelcome = 0x88
        case digestAt = 0x89
        case error = 0xFF

        /// Whether a client may send it (servers send the rest; ping, pong and error go both ways).
        public var sentByClient: Bool {
            switch self {
            case .hello, .push, .subscribe, .digestRequest, .ping, .pong, .error, .adminRequest, .replicaDigest: true
            default: false
            }
        }

        public var sentByServer: Bool {
            switch self {
            case .hello, .push, .subscribe, .digestRequest, .adminRequest, .replicaDigest: false
            default: true
            }
        }
    }

    public var kind: Kind {
        switch self {
        case .hello: .hello
        case .welcome: .welcome
        case .push: .push
        case .ack: .ack
        case .subscribe: .subscribe
        case .operations: .operations
        case .caughtUp: .caughtUp
        case .digestRequest: .digestRequest
        case .digest: .digest
        case .snapshot: .snapshot
        case .ping: .ping
        case .pong: .pong
        case .error: .error
        case .adminRequest: .adminRequest
        case .adminResponse: .adminResponse
        case .adminWelcome: .adminWelcome
        case .digestAt: .digestAt
        case .replicaDigest: .replicaDigest
        }
    }
}

/// The client's first message: who it is and what it speaks.
public struct Hello: Hashable, Sendable {
    public var minVersion: UInt64
    public var maxVersion: UInt64
    /// The client's replica: every operation it pushes must carry this replica id.
    public var replica: ReplicaID
    /// The invite token printed by `tandemd member add`.
    public var token: String
    public var capabilities: Capabilities
    /// Free text for logs, e.g. `tandem/0.1.0`.
    public var agent: String

    public init(minVersion: UInt64 = WireProtocol.versions.lowerBound, maxVersion: UInt64 = WireProtocol.versions.upperBound,
                replica: ReplicaID, token: String, capabilities: Capabilities = [], agent: String) {
        self.minVersion = minVersion
        self.maxVersion = maxVersion
        self.replica = replica
        self.token = token
        self.capabilities = capabilities
        self.agent = agent
    }
}

/// Optional features a client announces in `HELLO`.
public struct Capabilities: OptionSet, Hashable, Sendable {
    public let rawValue: UInt64
    public init(rawValue: UInt64) { self.rawValue = rawValue }
    /// The client can install a `SNAPSHOT` instead of replaying a long log.
    public static let snapshots = Capabilities(rawValue: 1 << 0)
}

/// The server's answer to a good `HELLO`.
public struct Welcome: Hashable, Sendable {
    public var version: UInt64
    /// The plan the token belongs to (its root entity).
    public var plan: EntityID
    /// The member the token belongs to: the author every pushed operation must name.
    public var member: EntityID
    /// The plan's server sequence now.
    public var head: UInt64
    public var maxFrameBytes: UInt64
    public var maxBatchOperations: UInt64
    public var agent: String

    public init(version: UInt64, plan: EntityID, member: EntityID, head: UInt64, maxFrameBytes: UInt64, maxBatchOperations: UInt64, agent: String) {
        self.version = version
        self.plan = plan
        self.member = member
        self.head = head
        self.maxFrameBytes = maxFrameBytes
        self.maxBatchOperations = maxBatchOperations
        self.agent = agent
    }
}

/// A batch of the client's own operations.
public struct Push: Hashable, Sendable {
    /// Chosen by the client, echoed in the `ACK`.
    public var batch: UInt64
    public var operations: [Operation]

    public init(batch: UInt64, operations: [Operation]) {
        self.batch = batch
        self.operations = operations
    }
}

/// The server's answer to a `PUSH`, sent only once the batch is durable.
public struct Ack: Hashable, Sendable {
    public var batch: UInt64
    /// Operations in the batch; every one not refused is stored (now or before).
    public var count: UInt64
    public var refusals: [Refusal]
    /// The plan's server sequence after this batch.
    public var head: UInt64

    public init(batch: UInt64, count: UInt64, refusals: [Refusal], head: UInt64) {
        self.batch = batch
        self.count = count
        self.refusals = refusals
        self.head = head
    }
}

/// Asks for the operations after `cursor`, and with `live` for new ones as they come.
public struct Subscribe: Hashable, Sendable {
    public var cursor: UInt64
    public var live: Bool

    public init(cursor: UInt64, live: Bool) {
        self.cursor = cursor
        self.live = live
    }
}

/// Every operation the member may see with server sequence in `(from, to]`,
/// minus those minted by the receiving replica itself.
public struct Operations: Hashable, Sendable {
    public var from: UInt64
    public var to: UInt64
    public var operations: [Operation]

    public init(from: UInt64, to: UInt64, operations: [Operation]) {
        self.from = from
        self.to = to
        self.operations = operations
    }
}

/// The digest of the plan as the member may see it, at server sequence `sequence`.
public struct Digest: Hashable, Sendable {
    public var sequence: UInt64
    public var algorithm: String
    public var bytes: [UInt8]

    public init(sequence: UInt64, algorithm: String = PlanDigest.algorithm, bytes: [UInt8]) {
        self.sequence = sequence
        self.algorithm = algorithm
        self.bytes = bytes
    }
}

/// The plan's state at `sequence`, for a client too far behind to replay the log.
public struct Snapshot: Hashable, Sendable {
    public var sequence: UInt64
    /// `PlanDocument.encodedSnapshot()`.
    public var document: [UInt8]

    public init(sequence: UInt64, document: [UInt8]) {
        self.sequence = sequence
        self.document = document
    }
}
