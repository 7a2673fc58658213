import Testing
import TandemModel
import TandemServer
import TandemWire

/// The connection rules without sockets: what the server does for each event.
@Suite("Server connection state machine")
struct ServerConnectionStateMachineTests {
    let plan = EntityID(OperationID(replica: ReplicaID(9), counter: 1))
    let member = EntityID(OperationID(replica: ReplicaID(9), counter: 5))
    let hello = Hello(replica: ReplicaID(0xAA), token: "tdm_x", agent: "test")

    func welcome(_ version: UInt64) -> Welcome {
        Welcome(version: version, plan: plan, member: member, head: 10, maxFrameBytes: 1, maxBatchOperations: 1, agent: "t")
    }

    func authenticated() -> ServerConnectionStateMachine {
        var machine = ServerConnectionStateMachine()
        #expect(machine.received(.hello(hello)) == .authenticate(hello))
        _ = machine.authenticated(plan: plan, member: member, replica: hello.replica, head: 10, welcome: welcome)
        return machine
    }

    @Test("a connection starts with HELLO; anything else first is refused")
    func messageBeforeHello() {
        for message in [Message.push(Push(batch: 1, operations: [])), .subscribe(Subscribe(cursor: 0, live: true)), .digestRequest, .ping(nonce: 1)] {
            var machine = ServerConnectionStateMachine()
            guard case .fail(let error) = machine.received(message) else { Issue.record("\(message.kind) before HELLO was accepted"); continue }
            #expect(error.code == .unexpectedMessage)
            #expect(machine.state == .closed)
        }
    }

    @Test("versions are negotiated to the highest both speak, and refused when disjoint")
    func versions() {
        var machine = ServerConnectionStateMachine(supportedVersions: 1...3)
        var h = hello
        h.minVersion = 2; h.maxVersion = 9
        #expect(machine.received(.hello(h)) == .authenticate(h))
        #expect(machine.state == .authenticating(version: 3))
        var old = ServerConnectionStateMachine(supportedVersions: 1...1)
        guard case .fail(let error) = old.received(.hello(h)) else { Issue.record("disjoint versions accepted"); return }
        #expect(error.code == .unsupportedVersion)
    }

    @Test("authentication: success sends WELCOME, failure an error and close")
    func authentication() {
        var machine = ServerConnectionStateMachine()
        _ = machine.received(.hello(hello))
        #expect(machine.received(.ping(nonce: 3)) == .fail(WireError(.unexpectedMessage, "ping before WELCOME; wait for the server's answer to HELLO")))
        var ok = ServerConnectionStateMachine()
        _ = ok.received(.hello(hello))
        #expect(ok.authenticated(plan: plan, member: member, replica: hello.replica, head: 10, welcome: welcome) == .send(.welcome(welcome(WireProtocol.versions.upperBound))))
        var bad = ServerConnectionStateMachine()
        _ = bad.received(.hello(hello))
        #expect(bad.authenticationFailed(WireError(.authenticationFailed, "no")) == .fail(WireError(.authenticationFailed, "no")))
    }

    @Test("after WELCOME: pushes are ingested, a second HELLO or a server message is a violation")
    func activeRules() {
        var machine = authenticated()
        let push = Push(batch: 1, operations: [])
        #expect(machine.received(.push(push)) == .ingest(push))
        #expect(machine.received(.ping(nonce: 7)) == .send(.pong(nonce: 7)))
        var twice = authenticated()
        guard case .fail(let error) = twice.received(.hello(hello)) else { Issue.record("second HELLO accepted"); return }
        #expect(error.code == .unexpectedMessage)
        var serverOnly = authenticated()
        guard case .fail = serverOnly.received(.caughtUp(sequence: 1)) else { Issue.record("server message accepted"); return }
        var digestFirst = authenticated()
        guard case .fail = digestFirst.received(.digestRequest) else { Issue.record("digest before subscribe accepted"); return }
    }

    @Test("subscription: catch-up to the head, CAUGHT_UP, then live deliveries")
    func subscription() {
        var machine = authenticated()
        #expect(machine.received(.subscribe(Subscribe(cursor: 4, live: true))) == .subscribe(Subscribe(cursor: 4, live: true)))
        #expect(machine.planAdvanced(head: 11) == .none) // not caught up yet: the catch-up covers it
        #expect(machine.subscriptionStarted(head: 10) == .deliver(after: 4, upTo: 10))
        #expect(machine.delivered(upTo: 7) == .none)
        #expect(machine.delivered(upTo: 10) == .send(.caughtUp(sequence: 10)))
        #expect(machine.planAdvanced(head: 12) == .deliver(after: 10, upTo: 12))
        #expect(machine.delivered(upTo: 12) == .none)
        #expect(machine.planAdvanced(head: 12) == .none)
        #expect(machine.received(.digestRequest) == .digest)
    }

    @Test("a cursor past the head is refused; a once-subscriber gets no live deliveries")
    func cursorRules() {
        var ahead = authenticated()
        _ = ahead.received(.subscribe(Subscribe(cursor: 50, live: false)))
        guard case .fail(let error) = ahead.subscriptionStarted(head: 10) else { Issue.record("cursor ahead accepted"); return }
        #expect(error.code == .cursorAhead)
        var once = authenticated()
        _ = once.received(.subscribe(Subscribe(cursor: 10, live: false)))
        #expect(once.subscriptionStarted(head: 10) == .send(.caughtUp(sequence: 10)))
        #expect(once.planAdvanced(head: 20) == .none)
    }

    @Test("decoding failures and handshake timeouts fail with their codes; nothing happens after close")
    func failures() {
        var machine = ServerConnectionStateMachine()
        #expect(machine.handshakeTimedOut() == .fail(WireError(.handshakeTimeout, "no HELLO within the handshake timeout")))
        #expect(machine.received(.hello(hello)) == .none)
        var active = authenticated()
        #expect(active.handshakeTimedOut() == .none)
        #expect(active.decodingFailed(WireError(.inflationLimit, "bomb")) == .fail(WireError(.inflationLimit, "bomb")))
    }
}
