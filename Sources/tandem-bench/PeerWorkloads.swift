import Foundation
import TandemModel
import TandemWire

/// Issue 10's workloads W1–W3 on Tandem, the side that `benchmarks/peers/workloads.py`
/// runs on pycrdt (Yrs), Loro and Automerge with the same values from the same
/// seeded generator (``SeededRandom``, SplitMix64):
///
/// - W1: one replica creates a plan of 10,000 tasks with 6 fields each (under one
///   phase): time, the snapshot raw and zlib-compressed, and the operation log as
///   one compact batch.
/// - W2: 20 replicas start from W1's state; each makes 500 random field updates
///   offline (a simulated wall clock, one edit every 1–60 s), sends them as
///   ``OperationBatch`` messages, and merges the 19 others': merge time (decode and
///   apply), message bytes raw and zlib, convergence checked; at ×1, ×10 and ×100
///   the updates per replica while the projected time fits the budget.
/// - W3: ``runTextTraceBenchmark`` (the automerge-paper trace), called, with its
///   printed figures parsed into the JSON.
///
/// `tandem-bench peers [--runs N] [--json PATH] [--scales 1,10,100] [--budget S] [--no-text]`
/// prints the figures; with `--json` it also writes them for `benchmarks/report.py`.
func runPeerWorkloads(runs: Int, arguments: [String]) {
    let options = PeerWorkloadOptions(arguments: arguments, runs: runs)
    print("peers: W1/W2 on Tandem (\(options.runs) runs, medians), scales \(options.scales.map { "×\($0)" }.joined(separator: " "))")

    let w1 = measureW1(runs: options.runs)
    print("  W1 \(PeerWorkload.tasks) tasks × 6 fields: median \(peerMilliseconds(w1.seconds)) ms;"
          + " snapshot \(w1.snapshot.count) B raw, \(peerZlibSize(w1.snapshot)) B zlib;"
          + " log as one batch \(w1.logBatchBytes) B raw, \(w1.logBatchZlib) B zlib")

    var w2Rows: [JSONValue] = []
    var previousSeconds: Double?
    var previousScale = 1
    for scale in options.scales {
        // Projected from the previous scale, with half again for costs that grow faster than linearly.
        if let previous = previousSeconds, 1.5 * previous * Double(scale) / Double(previousScale) > options.budget {
            let projected = 1.5 * previous * Double(scale) / Double(previousScale)
            print("  W2 ×\(scale): skipped, projected \(Int(projected)) s exceeds the budget of \(Int(options.budget)) s")
            w2Rows.append(.object(["scale": .int(Int64(scale)), "skipped": .string("projected \(Int(projected)) s > budget \(Int(options.budget)) s")]))
            break
        }
        let scaleRuns = scale == 1 ? options.runs : 1
        let started = ContinuousClock.now
        let row = measureW2(base: w1, updatesPerReplica: PeerWorkload.updatesPerReplica * scale, runs: scaleRuns)
        previousSeconds = (ContinuousClock.now - started).seconds / Double(scaleRuns)
        previousScale = scale
        print("  W2 ×\(scale) (\(row.updates) updates): merge median \(peerMilliseconds(row.merge)) ms"
              + " (decode \(peerMilliseconds(row.decode)) ms of it), \(peerMilliseconds(row.merge / Double(PeerWorkload.replicas))) ms per replica;"
              + " messages \(row.messageRaw) B raw, \(row.messageZlib) B zlib; edits \(peerMilliseconds(row.edit)) ms,"
              + " encode \(peerMilliseconds(row.encode)) ms; " + (row.converged ? "converged" : "DID NOT CONVERGE"))
        for step in row.proposed ?? [] {
            print("    message size with \(step.name): \(step.raw) B raw, \(step.zlib) B zlib (prototype, not the wire format)")
        }
        w2Rows.append(row.json(scale: scale))
    }

    var w3: JSONValue = .null
    if options.text {
        let (output, _) = peerCapturingStandardOutput { runTextTraceBenchmark(runs: options.runs, peerRuns: 0) }
        print(output, terminator: "")
        w3 = PeerTextFigures(log: output).json
    }

    guard let path = options.jsonPath else { return }
    let document: JSONValue = .object([
        "tandem": .object([
            "w1": w1.json,
            "w2": .array(w2Rows),
            "w3": w3,
        ]),
        "workload": .object([
            "tasks": .int(Int64(PeerWorkload.tasks)),
            "replicas": .int(Int64(PeerWorkload.replicas)),
            "updates_per_replica": .int(Int64(PeerWorkload.updatesPerReplica)),
            "seed": .int(Int64(PeerWorkload.seed)),
            "message_encoding": .string("TandemWire OperationBatch, split at WireLimits.default.maxBatchOperations"),
        ]),
    ])
    do {
        try Data((document.rendered(pretty: true) + "\n").utf8).write(to: URL(fileURLWithPath: path))
        print("  wrote \(path)")
    } catch {
        print("  cannot write \(path): \(error)")
    }
}

/// The workload's shape and values, shared with `benchmarks/peers/workloads.py`.
enum PeerWorkload {
    static let tasks = 10_000
    static let replicas = 20
    static let updatesPerReplica = 500
    static let seed: UInt64 = 10
    static let fields = ["title", "status", "owner", "due", "estimate", "notes"]
    static let statuses = ["todo", "in_progress", "blocked", "done"]
    /// 2026-01-01 in days since 1970-01-01.
    static let firstDay: Int32 = 20454
    /// 2026-01-01T00:00:00Z: W1 is made at this time, W2's edits from an hour later.
    static let startMilliseconds: UInt64 = 1_767_225_600_000

    /// Task `index`'s six initial fields, in `fields` order.
    static func initialFields(_ index: Int) -> [(String, Value)] {
        [
            ("title", .string("Task \(index + 1)")),
            ("status", .symbol("todo")),
            ("owner", .string("member-\(index % 20 + 1)")),
            ("due", .date(CalendarDate(daysSinceEpoch: firstDay + Int32(index % 120)))),
            ("estimate", .int(Int64(index % 16 + 1))),
            ("notes", .string("Onboarding step \(index + 1)")),
        ]
    }

    /// The value an update writes, from the generator's raw draw.
    static func updateValue(task: Int, field: String, raw: UInt64) -> Value {
        switch field {
        case "title": return .string("Task \(task + 1) v\(raw % 1000)")
        case "status": return .symbol(statuses[Int(raw % 4)])
        case "owner": return .string("member-\(raw % 20 + 1)")
        case "due": return .date(CalendarDate(daysSinceEpoch: firstDay + Int32(raw % 365)))
        case "estimate": return .int(Int64(raw % 40 + 1))
        default: return .string("Note \(raw % 100_000)")
        }
    }

    struct Update {
        var task: Int
        var field: String
        var value: Value
    }

    /// Per replica, its updates; the same draws, in the same order, as the peer script.
    static func updates(replicas: Int, perReplica: Int) -> [[Update]] {
        var random = SeededRandom(seed: seed)
        return (0..<replicas).map { _ in
            (0..<perReplica).map { _ in
                let task = Int(random.next() % UInt64(tasks))
                let field = fields[Int(random.next() % UInt64(fields.count))]
                return Update(task: task, field: field, value: updateValue(task: task, field: field, raw: random.next()))
            }
        }
    }

    /// 64-bit replica ids, as real replicas draw them (they cost what real ones cost).
    static func replicaID(_ index: Int) -> ReplicaID {
        var random = SeededRandom(seed: 0x7A4D_E000 &+ UInt64(index))
        return ReplicaID(random.next() | 1)
    }
}

/// A wall clock the benchmark moves: edits made offline over an afternoon, not
/// within one millisecond, so clock readings cost what they cost in real use.
/// `@unchecked Sendable`: `HybridLogicalClock.WallClock` must be `@Sendable`; the
/// lock guards the only mutable state.
private final class PeerSimulatedClock: @unchecked Sendable {
    private let lock = NSLock()
    private var now: UInt64

    init(milliseconds: UInt64) { now = milliseconds }

    func read() -> UInt64 { lock.withLock { now } }

    func advance(by milliseconds: UInt64) { lock.withLock { now += milliseconds } }
}

private struct PeerW1 {
    var seconds: Double
    var times: [Double]
    var document: PlanDocument
    var tasks: [EntityID]
    var operations: Int
    var snapshot: [UInt8]
    var snapshotSeconds: Double
    var logBatchBytes: Int
    var logBatchZlib: Int

    var json: JSONValue {
        .object([
            "time_s": .double(seconds),
            "times_s": .array(times.map(JSONValue.double)),
            "operations": .int(Int64(operations)),
            "encode_s": .double(snapshotSeconds),
            "raw": .int(Int64(snapshot.count)),
            "zlib": .int(Int64(peerZlibSize(snapshot))),
            "headline": .string("snapshot"),
            "encodings": .object([
                "snapshot": .object(["raw": .int(Int64(snapshot.count)), "zlib": .int(Int64(peerZlibSize(snapshot)))]),
                "operation log as one batch": .object(["raw": .int(Int64(logBatchBytes)), "zlib": .int(Int64(logBatchZlib))]),
            ]),
        ])
    }
}

private func measureW1(runs: Int) -> PeerW1 {
    var times: [Double] = []
    var kept: (PlanReplica, [EntityID], [TandemModel.Operation])?
    for _ in 0..<max(1, runs) {
        kept = nil
        let start = ContinuousClock.now
        var author = PlanReplica(replicaID: PeerWorkload.replicaID(0), wallClock: { PeerWorkload.startMilliseconds })
        let plan = author.create(.plan, under: nil)
        let phase = author.create(.phase, under: plan)
        var tasks: [EntityID] = []
        tasks.reserveCapacity(PeerWorkload.tasks)
        for index in 0..<PeerWorkload.tasks {
            let task = author.create(.task, under: phase)
            for (field, value) in PeerWorkload.initialFields(index) { author.set(task, field, value) }
            tasks.append(task)
        }
        let log = author.takeOutbox()
        times.append((ContinuousClock.now - start).seconds)
        kept = (author, tasks, log)
    }
    let (author, tasks, log) = kept!
    let encodeStart = ContinuousClock.now
    let snapshot = author.document.encodedSnapshot()
    let snapshotSeconds = (ContinuousClock.now - encodeStart).seconds
    let batch = OperationBatch.encode(log)
    return PeerW1(seconds: times.sorted()[times.count / 2], times: times, document: author.document, tasks: tasks,
                  operations: log.count, snapshot: snapshot, snapshotSeconds: snapshotSeconds,
                  logBatchBytes: batch.count, logBatchZlib: peerZlibSize(batch))
}

private struct PeerW2Row {
    var updates: Int
    var runs: Int
    var merge: Double
    var merges: [Double]
    var decode: Double
    var edit: Double
    var encode: Double
    var messageRaw: Int
    var messageZlib: Int
    var messageZlibLevel1: Int
    var unbatchedRaw: Int
    var converged: Bool
    var proposed: [(name: String, raw: Int, zlib: Int)]?

    func json(scale: Int) -> JSONValue {
        .object([
            "scale": .int(Int64(scale)),
            "updates": .int(Int64(updates)),
            "runs": .int(Int64(runs)),
            "merge_s": .double(merge),
            "merges_s": .array(merges.map(JSONValue.double)),
            "merge_per_replica_s": .double(merge / Double(PeerWorkload.replicas)),
            "decode_s": .double(decode),
            "edit_s": .double(edit),
            "encode_s": .double(encode),
            "message_raw": .int(Int64(messageRaw)),
            "message_zlib": .int(Int64(messageZlib)),
            "message_zlib_level1": .int(Int64(messageZlibLevel1)),
            "message_unbatched_raw": .int(Int64(unbatchedRaw)),
            "converged": .bool(converged),
            "proposed_encodings": proposed.map { steps in
                .array(steps.map { .object(["name": .string($0.name), "raw": .int(Int64($0.raw)), "zlib": .int(Int64($0.zlib))]) })
            } ?? .null,
        ])
    }
}

private func measureW2(base: PeerW1, updatesPerReplica: Int, runs: Int) -> PeerW2Row {
    let plan = PeerWorkload.updates(replicas: PeerWorkload.replicas, perReplica: updatesPerReplica)
    let chunk = WireLimits.default.maxBatchOperations
    var merges: [Double] = [], decodes: [Double] = [], edits: [Double] = [], encodes: [Double] = []
    var messageRaw = 0, messageZlib = 0, messageZlib1 = 0, unbatched = 0
    var converged = true
    var proposed: [(name: String, raw: Int, zlib: Int)]?
    for run in 0..<max(1, runs) {
        // Every replica resumes an hour after W1 and edits every 1–60 s (seeded).
        var gaps = SeededRandom(seed: 0x6A9 &+ UInt64(run))
        var replicas: [PlanReplica] = []
        var messages: [[[UInt8]]] = []
        var editTime = 0.0, encodeTime = 0.0
        var outboxes: [[TandemModel.Operation]] = []
        for index in 0..<PeerWorkload.replicas {
            let clock = PeerSimulatedClock(milliseconds: PeerWorkload.startMilliseconds + 3_600_000)
            // Each replica loads W1's snapshot, as the peers load W1's bytes: it then owns
            // its document, with no storage shared with the other replicas (no copy-on-write).
            guard let document = try? PlanDocument(snapshot: base.snapshot) else { preconditionFailure("W1's snapshot does not decode") }
            var replica = PlanReplica(replicaID: PeerWorkload.replicaID(index + 1), document: document, wallClock: { clock.read() })
            let start = ContinuousClock.now
            for update in plan[index] {
                clock.advance(by: 1_000 + gaps.next() % 59_000)
                replica.set(base.tasks[update.task], update.field, update.value)
            }
            editTime += (ContinuousClock.now - start).seconds
            let outbox = replica.takeOutbox()
            let encodeStart = ContinuousClock.now
            var batches: [[UInt8]] = []
            var offset = 0
            while offset < outbox.count {
                batches.append(OperationBatch.encode(outbox[offset..<min(offset + chunk, outbox.count)]))
                offset += chunk
            }
            encodeTime += (ContinuousClock.now - encodeStart).seconds
            if run == 0 {
                unbatched += outbox.reduce(0) { $0 + $1.encoded.count }
                if updatesPerReplica <= chunk { outboxes.append(outbox) }
            }
            messages.append(batches)
            replicas.append(replica)
        }
        if run == 0 {
            let all = messages.joined()
            messageRaw = all.reduce(0) { $0 + $1.count }
            messageZlib = all.reduce(0) { $0 + peerZlibSize($1) }
            messageZlib1 = all.reduce(0) { $0 + Deflate.compress($1, level: 1).count }
            if !outboxes.isEmpty { proposed = proposedBatchSizes(outboxes) }
        }

        // Decoding alone, to say how much of the merge it is.
        let decodeStart = ContinuousClock.now
        var decodedCount = 0
        for batches in messages {
            for batch in batches { decodedCount += ((try? OperationBatch.decode(batch)) ?? []).count }
        }
        decodes.append((ContinuousClock.now - decodeStart).seconds * Double(PeerWorkload.replicas - 1))
        precondition(decodedCount == PeerWorkload.replicas * updatesPerReplica, "a batch failed to decode")

        let mergeStart = ContinuousClock.now
        for index in replicas.indices {
            for (sender, batches) in messages.enumerated() where sender != index {
                for batch in batches {
                    guard let operations = try? OperationBatch.decode(batch) else { preconditionFailure("a batch failed to decode") }
                    for operation in operations { replicas[index].receive(operation) }
                }
            }
        }
        merges.append((ContinuousClock.now - mergeStart).seconds)
        edits.append(editTime)
        encodes.append(encodeTime)
        if run == runs - 1 {
            let first = replicas[0].document
            converged = replicas.dropFirst().allSatisfy { $0.document == first }
                && replicas.last!.document.canonicalText() == first.canonicalText()
                && first.operationCount == base.operations + PeerWorkload.replicas * updatesPerReplica
        }
    }
    func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }
    return PeerW2Row(updates: PeerWorkload.replicas * updatesPerReplica, runs: merges.count, merge: median(merges), merges: merges,
                     decode: median(decodes), edit: median(edits), encode: median(encodes),
                     messageRaw: messageRaw, messageZlib: messageZlib, messageZlibLevel1: messageZlib1,
                     unbatchedRaw: unbatched, converged: converged, proposed: proposed)
}

private struct PeerWorkloadOptions {
    var runs: Int
    var jsonPath: String?
    var scales = [1, 10, 100]
    var budget = 60.0
    var text = true

    init(arguments: [String], runs: Int) {
        self.runs = runs
        func value(_ name: String) -> String? {
            arguments.firstIndex(of: name).flatMap { $0 + 1 < arguments.count ? arguments[$0 + 1] : nil }
        }
        jsonPath = value("--json")
        if let list = value("--scales") {
            let parsed = list.split(separator: ",").compactMap { Int($0) }.filter { $0 > 0 }
            if !parsed.isEmpty { scales = parsed }
        }
        if let seconds = value("--budget").flatMap(Double.init) { budget = seconds }
        if arguments.contains("--no-text") { text = false }
    }
}

/// The figures `runTextTraceBenchmark` prints, read back from its output.
private struct PeerTextFigures {
    var log: String

    var json: JSONValue {
        func number(after marker: String, in line: Substring) -> Double? {
            guard let range = line.range(of: marker) else { return nil }
            let digits = line[range.upperBound...].prefix { $0.isNumber || $0 == "." }
            return Double(digits)
        }
        var fields: [String: JSONValue] = ["log": .string(log)]
        for line in log.split(separator: "\n") {
            if line.contains("time: median") {
                if let ms = number(after: "time: median ", in: line) { fields["time_s"] = .double(ms / 1000) }
                if let range = line.range(of: "(runs: ") {
                    let list = line[range.upperBound...].prefix { $0 != ")" }
                    let times = list.split(separator: ",").compactMap { Double($0.trimmingCharacters(in: .whitespaces).split(separator: " ").first ?? "") }
                    fields["times_s"] = .array(times.map { .double($0 / 1000) })
                }
                fields["ok"] = .bool(line.contains("end text matches"))
            } else if line.contains("memory: the sequence holds about") {
                if let mb = number(after: "holds about ", in: line) { fields["memory_mb"] = .double(mb) }
                if let range = line.range(of: "peak RSS"), let mb = line[range.upperBound...].split(separator: " ").compactMap({ Double($0) }).first {
                    fields["peak_rss_mb"] = .double(mb)
                }
            } else if line.contains("remote: applying") {
                if let ms = number(after: "median ", in: line) { fields["remote_s"] = .double(ms / 1000) }
            } else if line.contains("encoded:") {
                if let raw = number(after: "encoded: ", in: line) { fields["raw"] = .int(Int64(raw)) }
                if let range = line.range(of: "bytes raw, "), let zlib = Double(line[range.upperBound...].prefix { $0.isNumber }) {
                    fields["zlib"] = .int(Int64(zlib))
                }
            }
        }
        return .object(fields)
    }
}

/// Runs `body` with file descriptor 1 sent to a temporary file; returns what it printed.
private func peerCapturingStandardOutput(_ body: () -> Void) -> (String, Bool) {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("tandem-bench-\(getpid())-stdout.txt").path
    fflush(nil)
    let saved = dup(1)
    let file = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    guard saved >= 0, file >= 0 else {
        body()
        return ("", false)
    }
    dup2(file, 1)
    close(file)
    body()
    fflush(nil)
    dup2(saved, 1)
    close(saved)
    defer { unlink(path) }
    let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
    return (text, true)
}

func peerZlibSize(_ bytes: [UInt8]) -> Int { Deflate.compress(bytes, level: 6).count }

private func peerMilliseconds(_ seconds: Double) -> String { format(seconds * 1000) }
