import Foundation
import Prometheus
import Testing
import TandemModel
import TandemServer
import TandemSync
import TandemWire
#if canImport(Glibc)
import Glibc
#endif

/// The metrics endpoint, scraped over plain HTTP/1.1 from a socket: the
/// counters move with a real sync, histograms record, other paths are 404.
@Suite("Metrics endpoint", .timeLimit(.minutes(1)))
struct MetricsTests {
    @Test("GET /metrics shows pushes, operations, bytes, latencies and errors moving after syncs; other paths are 404")
    func scrape() async throws {
        let registry = PrometheusCollectorRegistry()
        let metrics = ServerMetrics(factory: PrometheusMetricsFactory(registry: registry))
        try await AdminHarness.with(metrics: metrics) { harness in
            let endpoint = MetricsEndpoint(registry: registry, host: "127.0.0.1", port: 0, logger: AdminHarness.quiet) {
                metrics.setStoreBytes(4096)
            }
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await endpoint.run() }
                let port = try await endpoint.listeningPort()
                let before = try Scrape(port: port, path: "/metrics")
                #expect(before.status == 200 && before.headers.lowercased().contains("content-type: text/plain"))

                let s = try await harness.concurrentEdits()
                // A refused connection: a wrong token counts under its code.
                let stranger = SyncClient(endpoint: SyncEndpoint(host: "127.0.0.1", port: harness.port), token: "tdm_nobody", replica: InMemorySyncReplica(),
                                          options: SyncOptions(responseTimeout: .seconds(5)), logger: AdminHarness.quiet)
                _ = try? await stranger.syncOnce()
                let head = try await harness.store.head(plan: s.plan.id)

                let after = try Scrape(port: port, path: "/metrics")
                #expect(after.status == 200)
                let pushes = after.value("tandem_pushes_total") ?? 0
                // The scenario pushes three batches: Ana's task, then each side's rename.
                #expect(pushes >= 3 && pushes > (before.value("tandem_pushes_total") ?? 0))
                // Every operation the members pushed was ingested (the plan's own creation was not pushed).
                let ingested = after.value("tandem_operations_ingested_total") ?? 0
                #expect(ingested >= 3 && ingested < Double(head))
                #expect((after.value("tandem_received_bytes_total{form=\"wire\"}") ?? 0) > 0)
                #expect((after.value("tandem_received_bytes_total{form=\"raw\"}") ?? 0) >= (after.value("tandem_received_bytes_total{form=\"wire\"}") ?? 0) - 1)
                #expect((after.value("tandem_sent_bytes_total{form=\"raw\"}") ?? 0) > 0)
                #expect(after.value("tandem_ack_latency_seconds_count") == pushes)
                #expect((after.value("tandem_push_batch_operations_count") ?? 0) == pushes)
                #expect(after.value("tandem_errors_total{code=\"authentication-failed\"}") == 1)
                #expect(after.value("tandem_store_bytes") == 4096)
                #expect(after.value("tandem_connections") != nil)
                #expect(after.body.contains("tandem_fanout_latency_seconds"))

                let missing = try Scrape(port: port, path: "/admin")
                #expect(missing.status == 404)
                group.cancelAll()
            }
        }
    }
}

/// One HTTP/1.1 GET over a plain socket, read until the server closes.
struct Scrape {
    var status: Int
    var headers: String
    var body: String

    init(port: Int, path: String) throws {
        let fd = try RawClient.connectLoopback(port: port)
        defer { close(fd) }
        let request = Array("GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".utf8)
        _ = request.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, 0) }
        var response: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n <= 0 { break }
            response += chunk.prefix(n)
        }
        let text = String(decoding: response, as: UTF8.self)
        let parts = text.components(separatedBy: "\r\n\r\n")
        headers = parts[0]
        body = parts.dropFirst().joined(separator: "\r\n\r\n")
        status = Int(headers.split(separator: " ").dropFirst().first ?? "") ?? 0
    }

    /// The value of a sample line `NAME VALUE` (NAME may carry its labels).
    func value(_ name: String) -> Double? {
        for line in body.split(separator: "\n") where line.hasPrefix(name + " ") {
            return Double(line.dropFirst(name.count + 1))
        }
        return nil
    }
}
