import ArgumentParser
import TandemModel

extension CheckInCommand {
    /// `tandem checkin next WHEN`: schedule the next step on the previous call (seed strategy 3).
    struct Next: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Schedule the next check-in, taking attendees and agenda from the previous one unless given: tandem checkin next 2026-03-24T15:00Z",
            discussion: "Do it at the end of each call: the next call is on the books, and it time-bounds what must be done before it."
        )
        @OptionGroup var global: GlobalOptions
        @Argument(help: "When, YYYY-MM-DDTHH:MMZ (UTC) or YYYY-MM-DD.") var at: String
        @Option var agenda: String?
        @Option(name: .customLong("attendee"), help: "Replaces the previous attendees.") var attendees: [String] = []

        func run() throws {
            let time = try Parse.instant(at, "check-in time")
            let (id, usedAgenda, names) = try Session(global).write { plan, resolve in
                // The previous check-in: the latest one before the new time.
                let previous = plan.checkIns.last { ($0.at?.milliseconds ?? .min) < time.milliseconds }
                let people = attendees.isEmpty ? (previous?.attendees ?? []) : try attendees.map(resolve.member)
                let text = agenda ?? previous?.agenda
                let id = try plan.addCheckIn(at: time, agenda: text, attendees: people)
                return (id, text, people.map { plan.memberName($0) })
            }
            Out.line("scheduled check-in \(id.short()) at \(time)" + (usedAgenda.map { " · agenda: \($0)" } ?? "") + (names.isEmpty ? "" : " · with \(names.joined(separator: ", "))"))
        }
    }
}
