import ArgumentParser
import TandemModel

extension PhaseCommand {
    /// `tandem phase gate PHASE --approver MEMBER`: the phase's tasks wait for an approval.
    struct Gate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Require a member's approval before a phase's tasks start: tandem phase gate Go-live --approver \"Bo Chen\" [--expected 2026-04-10]",
            discussion: "The schedule holds the phase's tasks until the approval (or the expected date), and shows an unapproved gate as a blocker. --remove lifts the gate."
        )
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Phase (title or id prefix).") var phase: String
        @Option(help: "Who approves (name, email or id prefix).") var approver: String?
        @Option(help: "When the approval is expected, YYYY-MM-DD.") var expected: String?
        @Flag(help: "Remove the gate.") var remove = false

        func validate() throws {
            if remove == (approver != nil) { throw ValidationError("give --approver MEMBER, or --remove") }
        }

        func run() throws {
            let expectedDate = try Parse.optionalDate(expected, "expected approval date")
            let (id, who) = try Session(global).write { plan, resolve in
                let id = try resolve.phase(phase)
                if remove {
                    try plan.removeGate(id)
                    return (id, "")
                }
                let member = try resolve.member(approver!)
                try plan.setGate(id, approver: member, expected: expectedDate)
                return (id, plan.memberName(member))
            }
            Out.line(remove ? "phase \(id.short()) no longer needs an approval"
                            : "phase \(id.short()) now waits for approval by \(who); approve with 'tandem phase approve \(id.short()) --as \"\(who)\"'")
        }
    }

    /// `tandem phase approve PHASE`: the named approver opens the gate.
    struct Approve: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Approve a phase's gate, as its named approver (--as MEMBER).")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Phase (title or id prefix).") var phase: String

        func run() throws {
            let session = try Session(global)
            let now = try session.context.now()
            let id = try session.write { plan, resolve in
                let id = try resolve.phase(phase)
                try plan.approveGate(id, by: plan.replica.author, at: now)
                return id
            }
            Out.line("approved phase \(id.short()); its tasks may start")
        }
    }
}
