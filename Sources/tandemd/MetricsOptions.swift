import ArgumentParser
import Logging
import Prometheus
import TandemServer

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `tandemd serve --metrics HOST:PORT`: Prometheus text metrics over HTTP,
/// off unless given (docs/operations.md, "Reading metrics").
struct MetricsOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Serve Prometheus metrics at http://HOST:PORT/metrics (off unless given; port 0 picks one, printed).",
                               valueName: "host:port"))
    var metrics: String?

    func validate() throws {
        if let metrics, Tandemd.Serve.parse(metrics) == nil { throw ValidationError("--metrics takes HOST:PORT, e.g. 127.0.0.1:9420") }
    }

    /// Points the server's metrics at a fresh registry and returns the endpoint serving it, when asked for.
    /// - Parameter dataDirectory: the SQLite store's directory, whose size `tandem_store_bytes` reports.
    func configure(_ configuration: inout ServerConfiguration, dataDirectory: String?, logger: Logger) -> MetricsEndpoint? {
        guard let metrics, let (host, port) = Tandemd.Serve.parse(metrics) else { return nil }
        let registry = PrometheusCollectorRegistry()
        let serverMetrics = ServerMetrics(factory: PrometheusMetricsFactory(registry: registry))
        configuration.metrics = serverMetrics
        return MetricsEndpoint(registry: registry, host: host, port: port, logger: logger) {
            if let dataDirectory { serverMetrics.setStoreBytes(Self.bytes(ofFilesIn: dataDirectory, prefix: SQLiteServerStore.databaseFileName)) }
        }
    }

    /// The database file with its WAL and shared-memory files.
    static func bytes(ofFilesIn directory: String, prefix: String) -> Int {
        ["", "-wal", "-shm"].reduce(0) { total, suffix in
            var info = stat()
            return stat(directory + "/" + prefix + suffix, &info) == 0 ? total + Int(info.st_size) : total
        }
    }
}
