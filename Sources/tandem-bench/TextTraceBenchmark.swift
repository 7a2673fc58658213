import CZlib
import Foundation
import TandemModel
import TandemTesting

/// Replays the automerge-paper editing trace (259,778 keystrokes) through
/// ``TextSequence`` and prints the median time of `runs` replays, memory,
/// and the encoded size raw and zlib-compressed; then runs the same trace
/// through pycrdt (Yrs, the Rust port of Yjs) via
/// `benchmarks/peers/text_trace_pycrdt.py` and prints the ratios.
///
/// The trace is found through `TANDEM_TRACES`, else in `shared/traces`
/// beside the repository. Parsing the trace is outside the timed region:
/// the figure is the cost of the edits.
func runTextTraceBenchmark(runs: Int = 5, peerRuns: Int = 3) {
    let name = "automerge-paper.json.gz"
    print("text: replaying \(name), \(runs) runs")
    print("  trace: automerge-paper from Joseph Gentle's editing-traces (originally automerge-perf), CC BY 4.0")
    guard let traceURL = TextBenchFiles.trace(named: name) else {
        print("  skipped: \(name) not found; set TANDEM_TRACES or put shared/traces beside the repository")
        return
    }
    let trace: TextBenchTrace
    do {
        trace = try TextBenchTrace(contentsOf: traceURL)
    } catch {
        print("  skipped: cannot read \(traceURL.path): \(error)")
        return
    }

    let loaded = residentMegabytes()
    // Start the peak (VmHWM) afresh, so it covers the replays, not parsing.
    let peakReset = textBenchResetPeakResident()
    var times: [Double] = []
    var kept = TextSequence()
    for _ in 0..<runs {
        let start = ContinuousClock.now
        let text = trace.replay()
        let elapsed = ContinuousClock.now - start
        times.append(Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
        kept = text
    }
    let median = times.sorted()[times.count / 2]
    let correct = kept.text == trace.endContent
    print("  time: median \(textBenchMilliseconds(median)) ms (runs: \(times.map(textBenchMilliseconds).joined(separator: ", ")) ms)"
          + (correct ? ", end text matches" : ", END TEXT DIFFERS"))
    print("  memory: the sequence holds about \(textBenchFormat(Double(kept.memoryFootprint) / 1_048_576)) MB;"
          + " RSS \(textBenchFormat(loaded)) MB with the parsed trace loaded, peak RSS"
          + (peakReset ? " during the replays" : " of the process") + " \(textBenchFormat(peakResidentMegabytes())) MB")

    // The same edits as a remote replica receives them: operations applied
    // with apply(_:), which locates origins by id instead of by position.
    let operations = trace.operations()
    var remoteTimes: [Double] = []
    var remote = TextSequence()
    for _ in 0..<runs {
        remote = TextSequence()
        let start = ContinuousClock.now
        for operation in operations {
            switch operation {
            case .insertion(let insertion): try? remote.apply(insertion)
            case .deletion(let deletion): remote.apply(deletion)
            }
        }
        let elapsed = ContinuousClock.now - start
        remoteTimes.append(Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
    }
    print("  remote: applying the trace's \(operations.count) operations at another replica: median"
          + " \(textBenchMilliseconds(remoteTimes.sorted()[remoteTimes.count / 2])) ms"
          + (remote == kept ? ", same sequence" : ", SEQUENCES DIFFER"))

    var writer = ByteWriter()
    let encodeStart = ContinuousClock.now
    kept.encode(into: &writer)
    let encodeTime = ContinuousClock.now - encodeStart
    let encoded = writer.bytes
    let compressed = TextBenchZlib.compressedSize(encoded)
    var reader = ByteReader(encoded)
    let decodeStart = ContinuousClock.now
    let decodedOK = (try? TextSequence(decoding: &reader)).map { $0 == kept } ?? false
    let decodeTime = ContinuousClock.now - decodeStart
    print("  encoded: \(encoded.count) bytes raw, \(compressed) bytes zlib (level 6); deleted text kept for time travel;"
          + " encode \(encodeTime), decode \(decodeTime)\(decodedOK ? "" : ", DECODE MISMATCH")")

    runPeer(traceURL: traceURL, runs: peerRuns, median: median, encoded: encoded.count, compressed: compressed)
}

private func runPeer(traceURL: URL, runs: Int, median: Double, encoded: Int, compressed: Int) {
    guard let script = TextBenchFiles.peerScript() else {
        print("  peer pycrdt: skipped, benchmarks/peers/text_trace_pycrdt.py not found")
        return
    }
    print("  peer pycrdt (Yrs): replaying the same trace, \(runs) runs, one edit per call…")
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", script.path, traceURL.path, String(runs)]
    let output = Pipe()
    process.standardOutput = output
    process.standardError = FileHandle.standardError
    do {
        try process.run()
    } catch {
        print("  peer pycrdt: skipped, cannot run python3 (\(error)); install Python 3 and `pip install pycrdt`")
        return
    }
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
        print("  peer pycrdt: skipped, the script printed no result (exit \(process.terminationStatus))")
        return
    }
    if let reason = json["skipped"] as? String {
        print("  peer pycrdt: skipped, \(reason)")
        return
    }
    guard let time = json["time_median_s"] as? Double, let update = json["update_bytes"] as? Int,
          let updateKeepingDeleted = json["update_bytes_no_gc"] as? Int,
          let updateZlib = json["update_bytes_zlib"] as? Int,
          let updateKeepingDeletedZlib = json["update_bytes_no_gc_zlib"] as? Int else {
        print("  peer pycrdt: unexpected output \(String(decoding: data, as: UTF8.self))")
        return
    }
    let peer = json["peer"] as? String ?? "pycrdt"
    print("  \(peer): median \(textBenchMilliseconds(time)) ms, get_update() \(updateKeepingDeleted) bytes keeping deleted text"
          + " (\(updateKeepingDeletedZlib) zlib), \(update) bytes with GC (\(updateZlib) zlib)"
          + ((json["ok"] as? Bool) == true ? "" : ", END TEXT DIFFERS"))
    print("  ratios: pycrdt time / ours \(textBenchFormat(time / median))×; encoded ours / pycrdt"
          + " \(textBenchFormat(Double(encoded) / Double(updateKeepingDeleted))) raw and"
          + " \(textBenchFormat(Double(compressed) / Double(updateKeepingDeletedZlib))) zlib (both keeping deleted text),"
          + " \(textBenchFormat(Double(encoded) / Double(update))) against pycrdt with GC")
}

/// Writing 5 to /proc/self/clear_refs resets the peak RSS (Linux 4.0+).
private func textBenchResetPeakResident() -> Bool {
    guard let handle = FileHandle(forWritingAtPath: "/proc/self/clear_refs") else { return false }
    defer { try? handle.close() }
    return (try? handle.write(contentsOf: Data("5".utf8))) != nil
}

private func textBenchMilliseconds(_ seconds: Double) -> String { textBenchFormat(seconds * 1000) }

private func textBenchFormat(_ value: Double) -> String {
    let rounded = (value * 100).rounded() / 100
    return String(rounded)
}

/// Where the trace and the peer script are.
private enum TextBenchFiles {
    /// The repository root, from this file's path or the working directory.
    static func roots(filePath: String = #filePath) -> [URL] {
        let fromSource = URL(fileURLWithPath: filePath)
            .deletingLastPathComponent()  // tandem-bench
            .deletingLastPathComponent()  // Sources
            .deletingLastPathComponent()  // repository root
        return [fromSource, URL(fileURLWithPath: FileManager.default.currentDirectoryPath)]
    }

    static func trace(named name: String) -> URL? {
        var candidates: [URL] = []
        if let directory = ProcessInfo.processInfo.environment["TANDEM_TRACES"], !directory.isEmpty {
            candidates.append(URL(fileURLWithPath: directory).appendingPathComponent(name))
        }
        for root in roots() {
            candidates.append(root.deletingLastPathComponent().appendingPathComponent("shared/traces/\(name)"))
            candidates.append(root.appendingPathComponent("shared/traces/\(name)"))
        }
        return candidates.first { FileManager.default.fileExists(atPath: $0.path) }
    }

    static func peerScript() -> URL? {
        roots().map { $0.appendingPathComponent("benchmarks/peers/text_trace_pycrdt.py") }
            .first { FileManager.default.fileExists(atPath: $0.path) }
    }
}

/// The trace's edits, parsed once outside the timed region (format and
/// replay shared with the tests through TandemTesting).
private typealias TextBenchTrace = EditingTrace

extension EditingTrace {
    init(contentsOf url: URL) throws {
        try self.init(json: Data(try TextBenchZlib.gunzip(Array(try Data(contentsOf: url)))))
    }

    enum Operation {
        case insertion(TextInsertion)
        case deletion(TextDeletion)
    }

    /// The operations a replay sends, in order.
    func operations() -> [Operation] {
        let replica = ReplicaID(1)
        var text = TextSequence()
        var operations: [Operation] = []
        operations.reserveCapacity(patches.count + 1)
        if !startContent.isEmpty { operations.append(.insertion(text.insert(startContent, at: 0, by: replica))) }
        for patch in patches {
            if patch.deleted > 0 {
                operations.append(.deletion(text.delete(range: patch.position..<(patch.position + patch.deleted))))
            }
            if !patch.inserted.isEmpty {
                operations.append(.insertion(text.insert(patch.inserted, at: patch.position, by: replica)))
            }
        }
        return operations
    }

}

/// zlib through the system library: Foundation on Linux has no gunzip.
private enum TextBenchZlib {
    struct ZlibError: Error, CustomStringConvertible {
        var description: String
    }

    static func gunzip(_ input: [UInt8]) throws -> [UInt8] {
        var stream = z_stream()
        // 15 + 32: any window size, gzip or zlib header detected automatically.
        guard inflateInit2_(&stream, 15 + 32, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw ZlibError(description: "inflateInit2 failed")
        }
        defer { inflateEnd(&stream) }
        var output: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        var status = Z_OK
        var input = input
        input.withUnsafeMutableBufferPointer { inputBuffer in
            stream.next_in = inputBuffer.baseAddress
            stream.avail_in = UInt32(inputBuffer.count)
            repeat {
                chunk.withUnsafeMutableBufferPointer { chunkBuffer in
                    stream.next_out = chunkBuffer.baseAddress
                    stream.avail_out = UInt32(chunkBuffer.count)
                    status = inflate(&stream, Z_NO_FLUSH)
                    output.append(contentsOf: chunkBuffer[0..<(chunkBuffer.count - Int(stream.avail_out))])
                }
            } while status == Z_OK
        }
        guard status == Z_STREAM_END else { throw ZlibError(description: "inflate failed (\(status))") }
        return output
    }

    static func compressedSize(_ input: [UInt8]) -> Int {
        var size = compressBound(uLong(input.count))
        var output = [UInt8](repeating: 0, count: Int(size))
        let status = compress2(&output, &size, input, uLong(input.count), 6)
        return status == Z_OK ? Int(size) : -1
    }
}
