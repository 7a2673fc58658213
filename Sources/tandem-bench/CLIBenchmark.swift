import Foundation
import TandemModel
import TandemStore

/// Whole-process timings of the `tandem` binary built beside this one:
/// `status` and `tasks` on a store with 100,000 operations of history, and
/// `import` of 10,000 tasks. Prints medians; call from main.swift
/// (`runCLIBenchmark(runs:)`), in a release build.
func runCLIBenchmark(runs: Int = 15) {
    let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("tandem").path
    guard FileManager.default.isExecutableFile(atPath: binary) else {
        print("cli: no tandem binary at \(binary); build it first (swift build -c release)")
        return
    }
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("tandem-cli-bench-\(UUID().uuidString)").path
    defer { try? FileManager.default.removeItem(atPath: root) }
    do {
        let store = root + "/history"
        let operations = try CLIBenchmarkData.buildHistory(at: store, targetOperations: 100_000)
        print("cli: store with \(operations) operations (\(CLIBenchmarkData.taskCount) tasks), snapshot + tail load")
        let environment = ["TANDEM_STORE": store, "TANDEM_TODAY": "2026-04-15"]
        for command in [["status"], ["tasks"], ["tasks", "--overdue"], ["status", "--json"]] {
            let times = try (0..<runs).map { _ in try cliTime(binary, command, environment) }
            print("cli: tandem \(command.joined(separator: " ")): median \(cliFormat(cliMedian(times))) (min \(cliFormat(times.min()!)), \(runs) runs; target < 100 ms)")
        }

        let file = root + "/import.json"
        try CLIBenchmarkData.importFile(tasks: 10_000).write(toFile: file, atomically: true, encoding: .utf8)
        var importTimes: [Double] = []
        for run in 0..<max(3, runs / 3) {
            let target = root + "/import-\(run)"
            _ = try cliTime(binary, ["init", "--store", target], [:])
            importTimes.append(try cliTime(binary, ["import", file, "--store", target], ["TANDEM_TODAY": "2026-03-01"]))
        }
        print("cli: tandem import (10,000 tasks, one transaction): median \(cliFormat(cliMedian(importTimes))) (\(importTimes.count) runs; target < 2 s)")
    } catch {
        print("cli: benchmark failed: \(error)")
    }
}

/// Runs the binary once and returns its wall-clock time from spawn to exit.
///
/// Spawned with `posix_spawn` and reaped with `waitpid`, not Foundation's
/// `Process`: on Linux `Process.waitUntilExit()` polls its run loop every
/// 50 ms, which rounded every earlier figure up to a multiple of 50 ms
/// (`status` read 103.8 ms when it takes about half that).
private func cliTime(_ binary: String, _ arguments: [String], _ environment: [String: String]) throws -> Double {
    let merged = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
    let argv = ([binary] + arguments).map { strdup($0) } + [nil]
    let envp = merged.map { strdup("\($0.key)=\($0.value)") } + [nil]
    defer { (argv + envp).forEach { free($0) } }
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
    var pid = pid_t()
    let start = DispatchTime.now().uptimeNanoseconds
    let spawned = posix_spawn(&pid, binary, &actions, nil, argv, envp)
    guard spawned == 0 else { throw CLIBenchmarkData.Failure(message: "cannot start \(binary): \(String(cString: strerror(spawned)))") }
    var status: Int32 = 0
    while waitpid(pid, &status, 0) == -1, errno == EINTR {}
    let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    // WIFEXITED and WEXITSTATUS, spelled out (they are macros Swift does not import).
    guard status & 0x7F == 0, (status >> 8) & 0xFF == 0 else {
        throw CLIBenchmarkData.Failure(message: "tandem \(arguments.joined(separator: " ")) exited with status \(status)")
    }
    return elapsed
}

private func cliMedian(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
}

private func cliFormat(_ seconds: Double) -> String {
    seconds < 1 ? String(format: "%.1f ms", seconds * 1000) : String(format: "%.2f s", seconds)
}

/// The data the CLI benchmark runs on, built through the store API.
enum CLIBenchmarkData {
    struct Failure: Error { let message: String }

    static let taskCount = 2_000

    /// A plan of `taskCount` tasks in 20 phases with 10 members, then edits
    /// (due dates, statuses, titles) until the log holds `targetOperations`.
    static func buildHistory(at directory: String, targetOperations: Int) throws -> Int {
        let store = try ReplicaStore.create(at: directory)
        var generator = SeededRandom(seed: 7)
        let start = CalendarDate(iso8601: "2026-03-01")!
        try store.setSetting("member", "Member 0")
        let tasks = try store.update { replica -> [EntityID] in
            var plan = OnboardingPlan(replica: replica)
            try plan.createPlan(.init(title: "Benchmark plan", customer: "Bench Co", start: start, target: start.adding(days: 120)))
            var members: [EntityID] = []
            for index in 0..<10 {
                members.append(try plan.addMember(name: "Member \(index)", email: "m\(index)@example.com", side: index % 2 == 0 ? .internal : .customer))
            }
            var tasks: [EntityID] = []
            for p in 0..<20 {
                let phase = try plan.addPhase(title: "Phase \(p)")
                for t in 0..<(taskCount / 20) {
                    let owner = members[Int(generator.next() % 10)]
                    tasks.append(try plan.addTask(.init(title: "Task \(p).\(t)", due: start.adding(days: Int(generator.next() % 120)),
                                                        estimateDays: 2, responsible: owner, accountable: owner), in: phase))
                }
            }
            replica = plan.replica
            return tasks
        }
        var total = try store.statistics().operations
        let statuses: [TaskStatus] = [.todo, .inProgress, .blocked, .done]
        while total < targetOperations {
            let batch = min(10_000, targetOperations - total)
            try store.update { replica in
                var plan = OnboardingPlan(replica: replica)
                for _ in 0..<batch {
                    let task = tasks[Int(generator.next() % UInt64(tasks.count))]
                    switch generator.next() % 3 {
                    case 0: try plan.editTask(task, due: start.adding(days: Int(generator.next() % 120)))
                    case 1: plan.replica.set(task, Field.status, statuses[Int(generator.next() % 4)].value)
                    default: try plan.editTask(task, estimateDays: Int(generator.next() % 10))
                    }
                }
                replica = plan.replica
            }
            total = try store.statistics().operations
        }
        return total
    }

    /// An import file: 10 members, 10 phases, `tasks` tasks with owners, due dates and a dependency chain per phase.
    static func importFile(tasks: Int) -> String {
        var members: [String] = []
        for index in 0..<10 {
            members.append(#"{"key":"m\#(index)","name":"Member \#(index)","side":"\#(index % 2 == 0 ? "internal" : "customer")"}"#)
        }
        var phases: [String] = []
        let perPhase = tasks / 10
        for p in 0..<10 {
            var items: [String] = []
            for t in 0..<perPhase {
                let after = t > 0 && t % 10 != 0 ? #","after":["t\#(p).\#(t - 1)"]"# : ""
                items.append(#"{"key":"t\#(p).\#(t)","title":"Task \#(p).\#(t)","due":"2026-04-\#(10 + t % 18)","estimate":2,"responsible":["m\#(t % 10)"],"accountable":"m\#((t + 1) % 10)"\#(after)}"#)
            }
            phases.append(#"{"title":"Phase \#(p)","tasks":[\#(items.joined(separator: ","))]}"#)
        }
        return #"{"plan":{"customer":"Import Co","start":"2026-03-01","target":"2026-06-01"},"members":[\#(members.joined(separator: ","))],"phases":[\#(phases.joined(separator: ","))]}"#
    }
}
