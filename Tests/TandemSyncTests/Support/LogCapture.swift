import Foundation
import Logging

/// Collects a server's log lines, so a test can check that each violation was logged with its code.
final class LogCapture: @unchecked Sendable {
    // @unchecked: `lines` is only touched under `lock`.
    private let lock = NSLock()
    private var lines: [(message: String, metadata: [String: String])] = []

    var logger: Logger {
        Logger(label: "tandem.test.capture") { _ in Handler(capture: self) }
    }

    /// The `code` of every "closing connection" line so far.
    var closingCodes: [String] {
        lock.withLock { lines.filter { $0.message == "closing connection" }.compactMap { $0.metadata["code"] } }
    }

    /// Every message logged so far.
    var messages: [String] { lock.withLock { lines.map(\.message) } }

    /// Waits up to `timeout` for a "closing connection" line with `code`.
    func waitForClosing(_ code: String, timeout: Duration = .seconds(5)) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if closingCodes.contains(code) { return true }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return closingCodes.contains(code)
    }

    fileprivate func append(_ message: String, _ metadata: [String: String]) {
        lock.withLock { lines.append((message, metadata)) }
    }

    struct Handler: LogHandler {
        let capture: LogCapture
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .info

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            var merged = metadata
            if let extra = event.metadata { merged.merge(extra) { $1 } }
            capture.append("\(event.message)", merged.mapValues { "\($0)" })
        }
    }
}
