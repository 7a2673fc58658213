import ArgumentParser
import TandemModel

extension TaskCommand {
    /// `tandem task done`: completing after the due date needs a reason, so
    /// reports can tell excusable delays from preventable ones.
    struct Done: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Mark a task done (records when); after its due date, say why: --late-reason excusable|preventable --note \"…\"",
            discussion: "excusable: outside the plan's control (an outage, a legal hold); preventable: could have been avoided (forgotten, deprioritised)."
        )
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Task id prefix.") var task: String
        @Option(help: "Why it is late: excusable or preventable.") var lateReason: String?
        @Option(help: "What happened (required with --late-reason).") var note: String?

        func validate() throws {
            if lateReason != nil, note?.trimmingSpaces.isEmpty ?? true {
                throw ValidationError("--late-reason needs a --note saying what happened")
            }
        }

        func run() throws {
            let session = try Session(global)
            let now = try session.context.now()
            let reason = try Parse.symbol(lateReason, as: LateReason.self)
            let (id, wasLate, finishedPhase) = try session.write { plan, resolve in
                let id = try resolve.task(task)
                let view = plan.task(id)
                let late = view.due.map { now.date > $0 } ?? false
                if late, reason == nil {
                    let days = view.due!.days(to: now.date)
                    throw CLIError("late-reason-required", """
                        '\(view.title)' was due \(view.due!) and is \(days) day\(days == 1 ? "" : "s") late; say why before marking it done:
                          tandem task done \(id.short()) --late-reason excusable --note "what happened"   (outside the plan's control)
                          tandem task done \(id.short()) --late-reason preventable --note "what happened" (could have been avoided)
                        """)
                }
                try plan.complete(id, at: now, lateReason: late ? reason : nil, note: late ? note : nil)
                // Did this finish its phase? Then it is time to ask both sides for feedback.
                let phase = plan.task(id).phase
                let phaseDone = phase.map { p in plan.allTasks.filter { $0.phase == p }.allSatisfy(\.isDone) } ?? false
                return (id, late, phaseDone ? phase.map { plan.document[$0]?[Field.title].string ?? $0.short() } : nil)
            }
            Out.line("task \(id.short()) is now done" + (wasLate ? " (late: \(reason!.rawValue))" : reason != nil ? " (on time; the late reason was not needed)" : ""))
            if let finishedPhase {
                Out.line("phase '\(finishedPhase)' is complete: ask both sides how it went — tandem feedback add \"\(finishedPhase)\" RATING \"what worked, what didn't\" --as MEMBER (1–5)")
            }
        }
    }
}
