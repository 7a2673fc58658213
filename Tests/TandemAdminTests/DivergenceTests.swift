import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif
import TandemModel
import TandemServer
import TandemSync
import TandemWire

/// `divergence PLAN` against live replicas after real concurrent edits: each
/// is compared with the view it should hold (a customer with the customer
/// view, without internal-only data), a damaged replica is reported, and a
/// replica that cannot answer is named as such, never as converged.
@Suite("Admin divergence", .timeLimit(.minutes(1)))
struct DivergenceTests {
    @Test("converged replicas with different views, then one damaged replica is reported and the exit status says so")
    func reportsDamagedReplica() async throws {
        try await AdminHarness.with { harness in
            let s = try await harness.concurrentEdits()
            // Internal-only data: Bo (customer) must not have it, so its digest is of the customer view.
            try s.ana.replica.edit { plan in _ = try plan.addInternalComment(on: s.task, text: "renewal risk: budget frozen") }
            try await harness.sync(s.ana)
            let token = try await harness.adminToken()
            let ana = DamageableReplica(s.ana.replica), bo = DamageableReplica(s.bo.replica)
            let plan = s.plan.id.short()
            let (clean, damaged) = try await harness.watching([ana, bo], tokens: [s.ana.token, s.bo.token]) {
                let clean = try await harness.remote("divergence", ["plan": plan], token: token)
                bo.damage()
                let damaged = try await harness.remote("divergence", ["plan": plan, "timeout-ms": "3000"], token: token)
                return (clean, damaged)
            }
            #expect(clean.status == .ok, "\(clean.text)")
            #expect(clean.text.contains("2 connected, 0 diverged"), "\(clean.text)")
            #expect(clean.text.contains("customer view") && clean.text.contains("whole plan"))
            // The two views differ (the internal comment), and each replica matched its own.
            let rows = clean.text.split(separator: "\n").filter { $0.contains("converged") }
            #expect(rows.count == 2)
            #expect(damaged.status == .problems, "\(damaged.text)")
            #expect(damaged.text.contains("1 diverged") && damaged.text.contains("DIVERGED"))
            #expect(damaged.json.contains("\"diverged\""))
        }
    }

    @Test("a replica that does not answer, one that is not subscribed, and an empty plan are named, not counted as converged")
    func silentReplicas() async throws {
        try await AdminHarness.with { harness in
            let s = try await harness.concurrentEdits()
            let token = try await harness.adminToken()
            let plan = s.plan.id.short()
            // The setup's sync connections close just before; give the server a moment to see them go.
            var nobody = try await harness.remote("divergence", ["plan": plan], token: token)
            for _ in 0..<20 where !nobody.text.contains("no replica") {
                try await Task.sleep(for: .milliseconds(50))
                nobody = try await harness.remote("divergence", ["plan": plan], token: token)
            }
            #expect(nobody.status == .ok && nobody.text.contains("no replica"))

            // A client that announces the capability, subscribes, and then never answers.
            let silent = try RawClient(port: harness.port)
            defer { silent.close() }
            try silent.send(.hello(Hello(replica: s.bo.replica.replicaID, token: s.bo.token, capabilities: [.digestProbes], agent: "silent")))
            guard case .welcome = try silent.receive() else { Issue.record("no WELCOME"); return }
            // A second connection of Ana that never subscribes.
            let idle = try RawClient(port: harness.port)
            defer { idle.close() }
            try idle.send(.hello(Hello(replica: s.ana.replica.replicaID, token: s.ana.token, capabilities: [.digestProbes], agent: "idle")))
            guard case .welcome = try idle.receive() else { Issue.record("no WELCOME"); return }
            try silent.send(.subscribe(Subscribe(cursor: 0, live: true)))

            let report = try await harness.remote("divergence", ["plan": plan, "timeout-ms": "300"], token: token)
            #expect(report.text.contains("no answer within"), "\(report.text)")
            #expect(report.text.contains("not subscribed"), "\(report.text)")
            #expect(report.text.contains("2 connected, 0 diverged"))
            #expect(!report.text.contains("converged"))
        }
    }
}

/// A blocking TCP client speaking raw frames, for peers that misbehave on purpose.
final class RawClient: @unchecked Sendable {
    private let socket: Int32
    private var buffer: [UInt8] = []

    init(port: Int) throws { socket = try Self.connectLoopback(port: port) }

    /// A blocking socket connected to 127.0.0.1:`port`, reads timing out after 5 s.
    static func connectLoopback(port: Int) throws -> Int32 {
        let fd = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            Glibc.close(fd)
            throw WireError(.connectionFailed, "cannot connect to 127.0.0.1:\(port)")
        }
        return fd
    }

    func send(_ message: Message) throws {
        let bytes = message.frame().bytes
        guard bytes.withUnsafeBytes({ Glibc.send(socket, $0.baseAddress, $0.count, 0) }) == bytes.count else {
            throw WireError(.connectionFailed, "send failed")
        }
    }

    /// Reads until one whole frame arrived.
    func receive() throws -> Message {
        while true {
            var slice = buffer[...]
            if let frame = try Frame.split(&slice, maxFrameBytes: WireLimits.default.maxFrameBytes) {
                buffer = Array(slice)
                return try Message.decode(frame)
            }
            var chunk = [UInt8](repeating: 0, count: 65_536)
            let n = chunk.withUnsafeMutableBytes { recv(socket, $0.baseAddress, $0.count, 0) }
            guard n > 0 else { throw WireError(.connectionFailed, "connection closed") }
            buffer += chunk.prefix(n)
        }
    }

    func close() { Glibc.close(socket) }
}
