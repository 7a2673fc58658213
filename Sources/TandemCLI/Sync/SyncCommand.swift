import ArgumentParser
import Foundation
import Logging
import TandemModel
import TandemStore
import TandemSync
import TandemWire

/// `tandem join HOST:PORT TOKEN`: a new replica of a server's plan.
struct JoinCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "join",
        abstract: "Join a plan on a sync server with an invite token (from 'tandemd member add'), into a new store.",
        discussion: """
        Example: tandem join 127.0.0.1:7420 tdm_3f… --store ~/acme, or tandem join tls://sync.example.com:7420 tdm_3f… \
        for a TLS server (add --ca FILE when a private CA signed its certificate). The store keeps the server, the token \
        and the CA; later run 'tandem sync'.
        """
    )
    @OptionGroup var global: GlobalOptions
    @OptionGroup var tls: TLSOptions
    @OptionGroup var history: HistoryOptions
    @Argument(help: ArgumentHelp("The server: HOST:PORT, or tls://HOST:PORT for a TLS server.", valueName: "server")) var server: String
    @Argument(help: "The invite token.") var token: String

    func run() throws {
        guard let endpoint = SyncEndpoint(server) else {
            throw CLIError("invalid-server", "'\(server)' is not HOST:PORT or tls://HOST:PORT, e.g. 127.0.0.1:7420")
        }
        let trusted = try tls.givenPEM()
        if trusted != nil, !endpoint.tls {
            throw CLIError("invalid-server", "--ca is for TLS servers; write the server as tls://\(endpoint)")
        }
        let directory = global.storeDirectory
        let created: Bool
        let store: ReplicaStore
        if ReplicaStore.exists(at: directory) {
            store = try ReplicaStore(at: directory)
            if try store.setting(SyncSettings.serverKey) != nil {
                throw CLIError("already-joined", "the store in \(directory) has already joined a plan; use another --store to join again")
            }
            guard try store.statistics().operations == 0 else {
                throw CLIError("store-not-empty", "the store in \(directory) already holds a plan; join into a new store with --store DIR")
            }
            created = false
        } else {
            store = try ReplicaStore.create(at: directory)
            created = true
        }
        try store.setSetting(SyncSettings.serverKey, endpoint.description)
        try store.setSetting(SyncSettings.tokenKey, token)
        try store.setSetting(TLSOptions.caKey, trusted.map { String(decoding: $0, as: UTF8.self) })
        try store.setSetting(HistoryOptions.fullHistoryKey, history.fullHistory ? "1" : nil)
        let replica = StoreSyncReplica(store: store, server: endpoint.description, snapshots: try history.acceptsSnapshots(store))
        let report: SyncReport
        do {
            report = try SyncRunner.once(endpoint: endpoint, token: token, replica: replica, trusted: trusted)
        } catch {
            // A join that never reached the plan leaves nothing behind to confuse the next try.
            try? store.setSetting(SyncSettings.serverKey, nil)
            try? store.setSetting(SyncSettings.tokenKey, nil)
            try? store.setSetting(TLSOptions.caKey, nil)
            try? store.setSetting(HistoryOptions.fullHistoryKey, nil)
            if created {
                for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: ReplicaStore.databasePath(in: directory) + suffix) }
            }
            throw error
        }
        if let member = report.member { try store.setSetting("member", member.description) }
        if let plan = report.plan { try store.setSetting(SyncSettings.planKey, plan.description) }
        let view = OnboardingPlan(replica: try store.load())
        let name = report.member.flatMap { id in view.members.first { $0.id == id }?.name } ?? "?"
        Out.line("joined '\(view.info?.title ?? "?")' on \(endpoint) as \(name) (replica \(store.replicaID), store \(directory))")
        SyncRunner.printReport(report)
    }
}

/// `tandem sync [--watch]`.
struct SyncCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync",
        abstract: "Push pending changes, pull new ones, and check that this replica and the server agree.",
        discussion: """
        Once by default: exits 0 when converged (the plan's digest matches the server's at the \
        same server sequence), 1 when the server cannot be reached or the digests differ. \
        Changes the server refuses are listed and set aside; everything after them still syncs. \
        --watch stays connected: changes go both ways live, and a lost connection is retried \
        with exponential backoff. Stop it with Ctrl-C; nothing is lost by stopping.
        """
    )
    @OptionGroup var global: GlobalOptions
    @OptionGroup var tls: TLSOptions
    @OptionGroup var history: HistoryOptions
    @Flag(help: "Stay connected and sync live until interrupted.") var watch = false

    func run() throws {
        let store = try ReplicaStore(at: global.storeDirectory)
        let settings = try SyncSettings.load(store)
        let trusted = try tls.trustedPEM(for: store)
        let replica = StoreSyncReplica(store: store, server: settings.endpoint.description, snapshots: try history.acceptsSnapshots(store))
        if watch {
            Out.line("watching \(settings.endpoint) (Ctrl-C to stop)")
            try SyncRunner.watch(endpoint: settings.endpoint, token: settings.token, replica: replica, trusted: trusted)
            return
        }
        let report = try SyncRunner.once(endpoint: settings.endpoint, token: settings.token, replica: replica, trusted: trusted)
        SyncRunner.printReport(report)
    }
}

/// Runs the engine for the commands and prints what happened.
enum SyncRunner {
    static let logger = Logger(label: "tandem.sync", factory: { _ in SwiftLogNoOpLogHandler() })

    static func options(trusting trusted: [UInt8]?) -> SyncOptions {
        var options = SyncOptions()
        options.trustedCertificatesPEM = trusted
        return options
    }

    static func once(endpoint: SyncEndpoint, token: String, replica: StoreSyncReplica, trusted: [UInt8]? = nil) throws -> SyncReport {
        let output = CLIContext.current.output
        let progress = ProgressBar(output: output)
        let client = SyncClient(endpoint: endpoint, token: token, replica: replica, options: options(trusting: trusted), logger: logger)
        do {
            let report = try BlockingBridge.run { try await client.syncOnce { event in progress.handle(event) } }
            progress.finish()
            return report
        } catch let error as WireError {
            progress.finish()
            throw CLIError(error.code.rawValue, message(for: error), exitCode: ExitStatus.failure)
        }
    }

    static func watch(endpoint: SyncEndpoint, token: String, replica: StoreSyncReplica, trusted: [UInt8]? = nil) throws {
        let output = CLIContext.current.output
        let client = SyncClient(endpoint: endpoint, token: token, replica: replica, options: options(trusting: trusted), logger: logger)
        do {
            try BlockingBridge.run {
                try await client.watch { event in
                    switch event {
                    case .connected(let welcome): output.line("connected: plan at server sequence \(welcome.head)")
                    case .acknowledged(let count, let refused):
                        if count > 0 { output.line("pushed \(count) change(s)") }
                        for r in refused { output.line("refused: \(r.summary): \(r.reason) [\(r.code)]") }
                    case .received(let count, let sequence): if count > 0 { output.line("received \(count) change(s) (server sequence \(sequence))") }
                    case .converged(let sequence, let digest): output.line("in sync at server sequence \(sequence) (digest \(PlanDigest.hex(digest).prefix(12)))")
                    case .diverged(let sequence, _, _): output.errorLine("error: this replica differs from the server at sequence \(sequence)")
                    case .disconnected(let reason): output.line("disconnected: \(reason)")
                    case .reconnecting(let delay, let attempt): output.line("reconnecting in \(delay.formatted()) (attempt \(attempt))")
                    case .progress: break
                    }
                }
            }
        } catch let error as WireError {
            throw CLIError(error.code.rawValue, message(for: error), exitCode: ExitStatus.failure)
        }
    }

    static func message(for error: WireError) -> String {
        switch error.code {
        case .connectionFailed, .timeout:
            return "\(error.message); nothing was lost: pending changes stay queued, run 'tandem sync' again"
        case .authenticationFailed:
            return "the server refused the token: \(error.message)"
        case .tlsRequired:
            return "the server speaks TLS only; connect to it as tls://HOST:PORT [\(error.message)]"
        case .digestMismatch:
            return "NOT IN SYNC: \(error.message)"
        case .historyPruned:
            return "\(error.message); or catch this store up from the server's snapshot, keeping its pending changes: tandem sync --accept-snapshot"
        default:
            return error.message
        }
    }

    static func printReport(_ report: SyncReport) {
        Out.line("pushed \(report.acknowledged) change(s), received \(report.received)\(report.usedSnapshot ? " (from a snapshot)" : "")")
        if !report.refused.isEmpty {
            Out.line("\(report.refused.count) change(s) refused by the server and set aside (the rest synced):")
            for r in report.refused { Out.line("  \(r.operation)  \(r.summary): \(r.reason) [\(r.code)]") }
        }
        Out.line("in sync with the server at sequence \(report.sequence) (digest \(PlanDigest.hex(report.digest).prefix(16)))")
    }
}

/// A catch-up progress bar on a terminal; silent otherwise or for short catch-ups.
final class ProgressBar: @unchecked Sendable {
    // @unchecked: `drawn` is only touched under `lock`.
    private let output: any CLIOutput
    private let lock = NSLock()
    private var drawn = false

    init(output: any CLIOutput) { self.output = output }

    func handle(_ event: SyncEvent) {
        guard output.isTerminal, case .progress(let start, let position, let head) = event, head > start, head - start >= 2_000 else { return }
        let fraction = Double(position - start) / Double(head - start)
        let filled = Int(fraction * 30)
        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: 30 - filled)
        lock.withLock { drawn = true }
        output.write("\rcatching up [\(bar)] \(Int(fraction * 100))% \(position - start)/\(head - start)")
    }

    func finish() {
        if lock.withLock({ drawn }) { output.write("\n") }
    }
}
