import ArgumentParser
import TandemModel
import TandemReports

/// `tandem invite TASK --to PERSON`: loop a colleague in with the context they need.
struct InviteCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "invite",
        abstract: "An invitation text for a colleague to help with a task: what it is, why it matters (goal, due date, timeline) and how to start.",
        discussion: "Example: tandem invite 3f9a0c1d --to \"Dana Lee\"  (a member's name or email, or anyone's email address)"
    )
    @OptionGroup var global: GlobalOptions
    @OptionGroup var format: JSONFlag
    @Argument(help: "Task id prefix.") var task: String
    @Option(help: "Who to invite: a member (name, email or id) or an email address.") var to: String

    func run() throws {
        let session = try Session(global)
        let plan = try session.read()
        let resolver = EntityResolver(plan: plan)
        let id = try resolver.task(task)
        let invitee: String
        if let member = try? resolver.member(to) {
            invitee = plan.memberName(member)
        } else if to.contains("@") {
            invitee = to
        } else {
            invitee = to.trimmingSpaces
            guard !invitee.isEmpty else { throw CLIError("invalid-value", "--to needs a name or an email address") }
        }
        let schedule = Schedule(plan: plan, today: try session.today())
        let invitation = Invitation(task: id, invitee: invitee, plan: plan, schedule: schedule, sender: plan.replica.author)
        if format.json {
            return Out.json(.object(["task": JSONViews.id(id), "to": .string(invitee), "subject": .string(invitation.subject), "body": .string(invitation.body)]))
        }
        Out.line("To: \(invitee)")
        Out.line(invitation.text)
    }
}
