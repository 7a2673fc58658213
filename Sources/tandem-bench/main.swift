// Benchmarks that print figures. Run in release: `swift run -c release tandem-bench [model] [--runs N]`.
#if canImport(Glibc)
import Glibc
#endif

let benchmarks = ["model", "text", "cli", "sync", "scaleout", "reports", "peers"]
let usage = """
    usage: tandem-bench [\(benchmarks.joined(separator: "|"))]... [--runs N] [options]

    Runs the named benchmarks (all of them when none is named) and prints their
    figures: medians of N runs (default 3), with ratios against baselines measured
    in the same run. Build in release: swift run -c release tandem-bench sync.

    sync:  --json FILE (results for benchmarks/report.py), --fanout-only, --memory-only,
           --clients N, --verify-digests
    peers: see benchmarks/notes.md and scripts/bench-all (which runs the whole suite
           with the Python peers and writes docs/performance.md)
    """

func fail(_ message: String) -> Never {
    let text = Array("tandem-bench: \(message)\n\n\(usage)\n".utf8)
    _ = text.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
    exit(2)
}

let arguments = Array(CommandLine.arguments.dropFirst())
if arguments.contains("--help") || arguments.contains("-h") {
    print(usage)
    exit(0)
}
let runs: Int
if let flag = arguments.firstIndex(of: "--runs") {
    guard arguments.indices.contains(flag + 1), let value = Int(arguments[flag + 1]), value > 0 else { fail("--runs takes a positive number") }
    runs = value
} else {
    runs = 3
}
// Bare words name benchmarks, except the values of the options that take one.
let valued: Set<String> = ["--runs", "--json", "--clients", "--scales", "--budget"]
for (index, option) in arguments.enumerated() where valued.contains(option) && !arguments.indices.contains(index + 1) {
    fail("\(option) takes a value")
}
let words = arguments.enumerated().filter { index, word in
    !word.hasPrefix("-") && (index == 0 || !valued.contains(arguments[index - 1]))
}.map(\.element)
let selected = Set(words.filter { benchmarks.contains($0) })
if let unknown = words.first(where: { !benchmarks.contains($0) }) {
    fail("there is no benchmark '\(unknown)'; benchmarks are: \(benchmarks.joined(separator: ", "))")
}
let all = selected.isEmpty

if all || selected.contains("model") {
    runModelBenchmark(runs: runs)
    runConcurrentCreatesBenchmark(runs: runs)
}
if all || selected.contains("text") { runTextTraceBenchmark(runs: max(runs, 5)) }
if all || selected.contains("cli") { runCLIBenchmark(runs: 15) }
if all || selected.contains("sync") {
    runSyncBenchmark(runs: runs, json: arguments.firstIndex(of: "--json").flatMap { arguments.indices.contains($0 + 1) ? arguments[$0 + 1] : nil })
}
if all || selected.contains("scaleout") { runScaleOutBenchmark(runs: runs) }
if all || selected.contains("reports") { runReportsBenchmark(runs: 5) }
if all || selected.contains("peers") { runPeerWorkloads(runs: runs, arguments: arguments) }
