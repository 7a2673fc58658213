// Benchmarks that print figures. Run in release: `swift run -c release tandem-bench [model] [--runs N]`.
let arguments = Array(CommandLine.arguments.dropFirst())
let runs = arguments.firstIndex(of: "--runs").flatMap { Int(arguments[$0 + 1]) } ?? 3
let selected = Set(arguments.filter { !$0.hasPrefix("--") && Int($0) == nil })
let all = selected.isEmpty

if all || selected.contains("model") { runModelBenchmark(runs: runs) }
if all || selected.contains("text") { runTextTraceBenchmark(runs: max(runs, 5)) }
if all || selected.contains("cli") { runCLIBenchmark(runs: 15) }
if all || selected.contains("sync") {
    runSyncBenchmark(runs: runs, json: arguments.firstIndex(of: "--json").flatMap { arguments.indices.contains($0 + 1) ? arguments[$0 + 1] : nil })
}
if all || selected.contains("scaleout") { runScaleOutBenchmark(runs: runs) }
if all || selected.contains("reports") { runReportsBenchmark(runs: 5) }
if all || selected.contains("peers") { runPeerWorkloads(runs: runs, arguments: arguments) }
