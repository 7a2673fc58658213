import Foundation
import Testing
import TandemModel
import TandemServer
import TandemSync
import TandemWire

/// Internal-only data never reaches customers: proved by writing a unique
/// marker into a risk note and an internal comment, syncing a customer with
/// the real CLI over TCP through a recording proxy, and searching byte for
/// byte everything the customer stored and everything on its wire.
@Suite("Internal-only withholding", .serialized, .timeLimit(.minutes(1)))
struct InternalOnlyTests {
    static func shortID(_ output: String, after prefix: String) -> String? {
        output.split(separator: "\n").first { $0.hasPrefix(prefix) }.flatMap { $0.dropFirst(prefix.count).split(separator: " ").first.map(String.init) }
    }

    @Test("a marker in internal notes and comments is in no byte a customer stores or receives; internal members have it")
    func markerNeverReachesCustomers() async throws {
        let marker = "INTERNAL-MARKER-\(UInt64.random(in: 1...UInt64.max))"
        let needle = Array(marker.utf8)
        try await ServerHarness.with { harness in
            let plan = try await harness.createPlan()
            let ana = try await harness.addMember(plan, name: "Ana Ruiz", side: .internal, access: .owner)
            let ivy = try await harness.addMember(plan, name: "Ivy Park", side: .internal, access: .viewer)
            let bo = try await harness.addMember(plan, name: "Bo Chen", side: .customer, access: nil)
            let vic = try await harness.addMember(plan, name: "Vic Lee", side: .customer, access: .viewer)
            let root = NSTemporaryDirectory() + "tandem-internal-only-\(UUID().uuidString)"
            defer { try? FileManager.default.removeItem(atPath: root) }
            let (a, i, b) = (root + "/ana", root + "/ivy", root + "/bo")
            let port = harness.port
            @Sendable func run(_ arguments: [String], _ store: String) async -> CLISyncTests.Run { await CLISyncTests.tandem(arguments, store: store) }

            try await RecordingProxy.with(target: port) { vendorWire in
                try await RecordingProxy.with(target: port) { customerWire in
                    let vendor = "127.0.0.1:\(vendorWire.port)", customer = "127.0.0.1:\(customerWire.port)"
                    #expect(await run(["join", vendor, ana.token], a).status == 0)
                    let phase = await run(["phase", "add", "Setup"], a)
                    let task = await run(["task", "add", "Connect the CRM", "--phase", "Setup"], a)
                    let taskID = try #require(Self.shortID(task.out, after: "added task "), "\(phase.out) \(task.out) \(task.err)")
                    #expect(await run(["internal", "note", "Champion leaving \(marker)", "--severity", "high", "--about", taskID], a).status == 0)
                    let comment = await run(["internal", "comment", taskID, "Discount only if \(marker)"], a)
                    let commentID = try #require(Self.shortID(comment.out, after: "added internal comment "), "\(comment.err)")
                    #expect(await run(["internal", "health", "red"], a).status == 0)
                    let pushed = await run(["sync"], a)
                    #expect(pushed.status == 0, "\(pushed.err)")

                    // The customer joins and edits; the vendor then edits internal text again (the live/catch-up path).
                    let joined = await run(["join", customer, bo.token], b)
                    #expect(joined.status == 0, "\(joined.err)")
                    #expect(await run(["comment", "add", taskID, "We use Salesforce"], b).status == 0)
                    #expect(await run(["sync"], b).status == 0)
                    #expect(await run(["comment", "edit", commentID, "Discount only if \(marker) holds"], a).status == 0)
                    #expect(await run(["internal", "note", "Budget \(marker)", "--severity", "low"], a).status == 0)
                    #expect(await run(["task", "edit", taskID, "--title", "Connect Salesforce"], a).status == 0)
                    #expect(await run(["sync"], a).status == 0)
                    let again = await run(["sync"], b)
                    #expect(again.status == 0, "the customer's digest must match the server's customer view: \(again.err)")

                    // A snapshot-capable customer client gets the customer view as a snapshot.
                    let viewer = TestClient(name: "Vic", member: vic.member, token: vic.token, snapshots: true)
                    let client = SyncClient(endpoint: SyncEndpoint(host: "127.0.0.1", port: customerWire.port), token: vic.token, replica: viewer.replica,
                                            options: SyncOptions(responseTimeout: .seconds(10)), logger: ServerHarness.quiet)
                    let report = try await client.syncOnce()
                    #expect(report.usedSnapshot)
                    #expect(viewer.replica.document.canonicalText().contains("Connect Salesforce"))
                    #expect(!ByteSearch.contains(viewer.replica.document.encodedSnapshot(), needle))

                    // An internal viewer joins through the vendor's proxy: the marker is on its wire (the search works).
                    #expect(await run(["join", vendor, ivy.token], i).status == 0)

                    // The customer's store, every file of it, byte for byte.
                    let customerFiles = ByteSearch.files(under: b)
                    #expect(customerFiles.contains { $0.hasSuffix("-wal") } || customerFiles.count >= 1)
                    for file in customerFiles {
                        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: file)))
                        #expect(!ByteSearch.contains(bytes, needle), "the marker is in \(file)")
                    }
                    // Everything on the customers' wire, both ways, raw and inflated.
                    for view in try ByteSearch.wireViews(customerWire.toClients) + ByteSearch.wireViews(customerWire.toServer) {
                        #expect(!ByteSearch.contains(view, needle), "the marker crossed the customers' wire")
                    }
                    #expect(customerWire.toClients.count > 1_000, "the customers did receive the plan (\(customerWire.toClients.count) bytes)")

                    // Positive controls: the same searches find the marker where it belongs.
                    let vendorFiles = ByteSearch.files(under: a).map { [UInt8]((try? Data(contentsOf: URL(fileURLWithPath: $0))) ?? Data()) }
                    #expect(vendorFiles.contains { ByteSearch.contains($0, needle) }, "the internal member's store holds the marker")
                    #expect(try ByteSearch.wireViews(vendorWire.toClients).contains { ByteSearch.contains($0, needle) }, "the internal viewer received the marker")
                    let ivyShows = await run(["internal", "show"], i)
                    #expect(ivyShows.out.contains(marker))

                    // What the customer can ask of its replica shows nothing internal.
                    for command in [["export", "--json"], ["history", taskID], ["conflicts"], ["status"], ["report", "--format", "json"]] {
                        let shown = await run(command, b)
                        #expect(!shown.out.contains(marker) && !shown.err.contains(marker), "\(command)")
                    }
                    let internalShow = await run(["internal", "show"], b)
                    #expect(!internalShow.out.contains(marker))
                    let exportA = await run(["export", "--json"], a), exportB = await run(["export", "--json"], b)
                    #expect(exportA.out.contains(marker) && exportB.out.contains("Connect Salesforce") && exportB.out.contains("We use Salesforce"))
                }
            }
        }
    }
}
