import Foundation
import Testing
import TandemTesting
import TandemModel
import TandemServer
import TandemSync
import TandemWire

/// TLS between `tandem` and `tandemd`, with a CA and certificates made in the test.
@Suite("TLS", .timeLimit(.minutes(1)))
struct TLSTests {
    static func tlsConfiguration(_ certificate: (certificatePEM: [UInt8], keyPEM: [UInt8])) throws -> ServerConfiguration {
        var configuration = ServerConfiguration(host: "127.0.0.1", port: 0, handshakeTimeout: .seconds(2))
        configuration.tls = try ServerTLS(certificatePEM: certificate.certificatePEM, privateKeyPEM: certificate.keyPEM)
        return configuration
    }

    static func options(trusting ca: TestCA?) throws -> SyncOptions {
        var options = SyncOptions(connectTimeout: .seconds(5), responseTimeout: .seconds(10))
        options.trustedCertificatesPEM = try ca?.certificatePEM
        return options
    }

    static func client(_ harness: ServerHarness, host: String = "localhost", tls: Bool = true, _ client: TestClient, trusting ca: TestCA?) throws -> SyncClient {
        SyncClient(endpoint: SyncEndpoint(host: host, port: harness.port, tls: tls), token: client.token, replica: client.replica,
                   options: try options(trusting: ca), logger: ServerHarness.quiet)
    }

    @Test("two members sync over TLS, by host name and by IP address, and converge")
    func tlsSync() async throws {
        let ca = try TestCA()
        try await ServerHarness.with(configuration: try Self.tlsConfiguration(ca.issue())) { harness in
            let plan = try await harness.createPlan()
            let ana = try await harness.addMember(plan, name: "Ana", side: .internal)
            let bo = try await harness.addMember(plan, name: "Bo")
            let a = TestClient(name: "Ana", member: ana.member, token: ana.token)
            let b = TestClient(name: "Bo", member: bo.member, token: bo.token)
            _ = try await Self.client(harness, a, trusting: ca).syncOnce()
            try a.replica.edit { plan in _ = try plan.addPhase(title: "Kick-off over TLS") }
            let pushed = try await Self.client(harness, a, trusting: ca).syncOnce()
            #expect(pushed.acknowledged == 2)
            // 127.0.0.1 has no SNI; the certificate's IP address is matched instead.
            let pulled = try await Self.client(harness, host: "127.0.0.1", b, trusting: ca).syncOnce()
            // syncOnce succeeds only when the digests match: both replicas converged with the server.
            #expect(pulled.sequence >= pushed.sequence)
            #expect(b.replica.document.canonicalText().contains("Kick-off over TLS"))
        }
    }

    @Test("the client refuses a server whose certificate it does not trust or that names another host")
    func untrustedServer() async throws {
        let ca = try TestCA()
        let otherCA = try TestCA(name: "Someone else's CA")
        try await ServerHarness.with(configuration: try Self.tlsConfiguration(ca.issue(dnsNames: ["sync.example.com"], addresses: []))) { harness in
            let plan = try await harness.createPlan()
            let bo = try await harness.addMember(plan, name: "Bo")
            let b = TestClient(name: "Bo", member: bo.member, token: bo.token)
            let head = try await harness.store.head(plan: plan.id)
            for (name, trusted, host) in [("system roots", nil, "localhost"), ("another CA", otherCA, "localhost"), ("wrong host", ca, "localhost"),
                                          ("wrong address", ca, "127.0.0.1")] as [(String, TestCA?, String)] {
                let error = await #expect(throws: WireError.self, "\(name)") {
                    _ = try await Self.client(harness, host: host, b, trusting: trusted).syncOnce()
                }
                #expect(error?.code == .tlsFailed, "\(name): \(error.map { "\($0)" } ?? "-")")
            }
            // Nothing reached the plan.
            #expect(try await harness.store.head(plan: plan.id) == head)
            #expect(try b.replica.cursor() == 0)
        }
    }

    @Test("a plaintext client gets tls-required in plaintext; a TLS client of a plaintext server gets tls-failed")
    func mismatchedTransports() async throws {
        let ca = try TestCA()
        try await ServerHarness.with(configuration: try Self.tlsConfiguration(ca.issue())) { harness in
            let plan = try await harness.createPlan()
            let bo = try await harness.addMember(plan, name: "Bo")
            let b = TestClient(name: "Bo", member: bo.member, token: bo.token)
            let error = await #expect(throws: WireError.self) { _ = try await Self.client(harness, tls: false, b, trusting: nil).syncOnce() }
            #expect(error?.code == .tlsRequired)
            // The raw bytes too: one plaintext ERROR frame, then the close.
            let frames = try await MalformedInputTests.exchange(port: harness.port, Message.hello(Hello(replica: .random(), token: bo.token, agent: "t")).frame().bytes)
            #expect(MalformedInputTests.errorCode(frames) == "tls-required")
        }
        try await ServerHarness.with { harness in
            let plan = try await harness.createPlan()
            let bo = try await harness.addMember(plan, name: "Bo")
            let b = TestClient(name: "Bo", member: bo.member, token: bo.token)
            let error = await #expect(throws: WireError.self) { _ = try await Self.client(harness, b, trusting: ca).syncOnce() }
            #expect(error?.code == .tlsFailed)
        }
    }

    @Test("the server refuses plaintext on a non-loopback address unless told --insecure, and refuses a key that does not match")
    func plaintextRefused() async throws {
        let directory = NSTemporaryDirectory() + "tandem-tls-test-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = try SQLiteServerStore(directory: directory)
        for host in ["0.0.0.0", "::", "192.0.2.10", "sync.example.com"] {
            let server = SyncServer(store: store, configuration: ServerConfiguration(host: host, port: 0), logger: ServerHarness.quiet)
            let error = await #expect(throws: TransportError.self, "\(host)") { try await server.run() }
            #expect(error?.description.contains("--insecure") == true)
            // Whoever waits for the port afterwards learns why, instead of waiting forever.
            await #expect(throws: TransportError.self) { _ = try await server.listeningPort() }
        }
        let ca = try TestCA()
        let one = try ca.issue(), two = try ca.issue()
        var mismatched = ServerConfiguration(host: "127.0.0.1", port: 0)
        mismatched.tls = try ServerTLS(certificatePEM: one.certificatePEM, privateKeyPEM: two.keyPEM)
        await #expect(throws: TransportError.self) { try await SyncServer(store: store, configuration: mismatched, logger: ServerHarness.quiet).run() }
        #expect(throws: TransportError.self) { try ServerTLS(certificatePEM: Array("not a certificate".utf8), privateKeyPEM: one.keyPEM) }
        // Loopback addresses and --insecure are accepted (checked without binding).
        #expect(ServerConfiguration.plaintextRefusal(host: "127.0.0.1", tls: false, insecure: false) == nil)
        #expect(ServerConfiguration.plaintextRefusal(host: "::1", tls: false, insecure: false) == nil)
        #expect(ServerConfiguration.plaintextRefusal(host: "localhost", tls: false, insecure: false) == nil)
        #expect(ServerConfiguration.plaintextRefusal(host: "0.0.0.0", tls: false, insecure: true) == nil)
        #expect(ServerConfiguration.plaintextRefusal(host: "0.0.0.0", tls: true, insecure: false) == nil)
        #expect(ServerConfiguration.plaintextRefusal(host: "127.0.0.1.example.com", tls: false, insecure: false) != nil)
    }
}

/// TLS through the command lines: `tandem join tls://… --ca`, `tandem sync`
/// with the CA the store kept, and the refusals a user sees.
@Suite("TLS from the command line", .timeLimit(.minutes(1)))
struct TLSCommandLineTests {
    @Test("tandem join tls:// with --ca, then sync with the kept CA; no CA or a plaintext address fail with a clear message")
    func joinAndSync() async throws {
        let ca = try TestCA()
        let root = NSTemporaryDirectory() + "tandem-tls-cli-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: root) }
        let caFile = root + "/ca.pem"
        try Data(try ca.certificatePEM).write(to: URL(fileURLWithPath: caFile))
        try await ServerHarness.with(configuration: try TLSTests.tlsConfiguration(ca.issue())) { harness in
            let plan = try await harness.createPlan()
            let bo = try await harness.addMember(plan, name: "Bo")
            let server = "tls://localhost:\(harness.port)"
            let joined = await CLISyncTests.tandem(["join", server, bo.token, "--ca", caFile], store: root + "/bo")
            #expect(joined.status == 0, "\(joined.err)")
            let synced = await CLISyncTests.tandem(["sync"], store: root + "/bo")
            #expect(synced.status == 0, "\(synced.err)")
            #expect(synced.out.contains("in sync"))

            let untrusted = await CLISyncTests.tandem(["join", server, bo.token], store: root + "/untrusted")
            #expect(untrusted.status == 1)
            #expect(untrusted.err.contains("not signed by a trusted CA"), "\(untrusted.err)")
            let plaintext = await CLISyncTests.tandem(["join", "localhost:\(harness.port)", bo.token], store: root + "/plain")
            #expect(plaintext.status == 1)
            #expect(plaintext.err.contains("TLS only"), "\(plaintext.err)")
            let caWithoutTLS = await CLISyncTests.tandem(["join", "localhost:\(harness.port)", bo.token, "--ca", caFile], store: root + "/mixed")
            #expect(caWithoutTLS.status != 0 && caWithoutTLS.err.contains("tls://"))
        }
    }
}

/// `tandemd serve`'s transport flags on the real binary.
@Suite("tandemd serve: TLS and plaintext", .serialized, .timeLimit(.minutes(1)))
struct TandemdTransportTests {
    /// Runs `tandemd` to completion: its exit status and standard error.
    static func run(_ arguments: [String]) async throws -> (status: Int32, error: String) {
        let outcome = try await ChildProcess.run(DurabilityTests.binary, arguments)
        return (outcome.status, outcome.error)
    }

    @Test("plaintext on 0.0.0.0 exits non-zero saying why; --tls-cert without --tls-key is refused; with both it serves TLS to tandem join")
    func serve() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: DurabilityTests.binary), "build tandemd first (swift build)")
        let root = NSTemporaryDirectory() + "tandemd-tls-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: root) }
        let data = root + "/data"
        let refused = try await Self.run(["serve", "--data", data, "--listen", "0.0.0.0:0"])
        #expect(refused.status != 0)
        #expect(refused.error.contains("--insecure") && refused.error.contains("not a loopback address"), "\(refused.error)")

        let ca = try TestCA()
        let identity = try ca.issue()
        let (cert, key, caFile) = (root + "/server.pem", root + "/server.key", root + "/ca.pem")
        try Data(identity.certificatePEM).write(to: URL(fileURLWithPath: cert))
        try Data(identity.keyPEM).write(to: URL(fileURLWithPath: key))
        try Data(try ca.certificatePEM).write(to: URL(fileURLWithPath: caFile))
        let half = try await Self.run(["serve", "--data", data, "--listen", "127.0.0.1:0", "--tls-cert", cert])
        #expect(half.status != 0 && half.error.contains("--tls-key"), "\(half.error)")
        let missing = try await Self.run(["serve", "--data", data, "--listen", "127.0.0.1:0", "--tls-cert", root + "/nope.pem", "--tls-key", key])
        #expect(missing.status != 0 && missing.error.contains("nope.pem"), "\(missing.error)")

        let plan = try await DurabilityTests.tandemd(["plan", "create", "--data", data, "--title", "TLS", "--customer", "Acme"])
        let token = try await DurabilityTests.tandemd(["member", "add", "--data", data, "--plan", plan, "--name", "Ana", "--side", "internal", "--token-only"])
        let server = try await DurabilityTests.Server(store: ["--data", data, "--tls-cert", cert, "--tls-key", key, "--idle-timeout", "30"])
        defer { server.stop() }
        let joined = await CLISyncTests.tandem(["join", "tls://localhost:\(server.port)", token, "--ca", caFile], store: root + "/ana")
        #expect(joined.status == 0, "\(joined.err)")
    }
}
