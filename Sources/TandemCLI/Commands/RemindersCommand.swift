import ArgumentParser
import TandemModel
import TandemReports

/// `tandem reminders`: the plan's reminder rules, stored in the plan as data.
struct RemindersCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reminders",
        abstract: "The plan's reminder rules: days before due, daily when overdue, escalation, weekly digest.",
        subcommands: [Show.self, Change.self],
        defaultSubcommand: Show.self
    )

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show the rules (defaults apply until set).")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var format: JSONFlag

        func run() throws {
            let rules = try Session(global).read().reminderRules
            if format.json {
                return Out.json(.object(["daysBefore": .int(Int64(rules.daysBefore)), "dailyWhenOverdue": .bool(rules.dailyWhenOverdue),
                                         "escalateAfterDays": JSONViews.int(rules.escalateAfterDays), "digestWeekday": JSONViews.int(rules.digestWeekday)]))
            }
            Out.line("remind before due   \(rules.daysBefore == 0 ? "off" : "\(rules.daysBefore) day(s) before")")
            Out.line("when overdue        \(rules.dailyWhenOverdue ? "every day" : "once")")
            Out.line("escalate            \(rules.escalateAfterDays.map { "to the Accountable member after \($0) day(s) overdue" } ?? "never")")
            Out.line("weekly digest       \(rules.digestWeekday.map { Self.weekdays[$0 - 1] } ?? "off")")
        }

        static let weekdays = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
    }

    struct Change: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "set", abstract: "Change rules: tandem reminders set --days-before 2 --escalate-after 5 --digest friday")
        @OptionGroup var global: GlobalOptions
        @Option(help: "Days before due (0 = off).") var daysBefore: Int?
        @Option(help: "Overdue reminders: daily or once.") var overdue: String?
        @Option(help: "Escalate to the Accountable member after this many days overdue ('never' = off).") var escalateAfter: String?
        @Option(help: "Weekly digest day: monday … sunday, or 'off'.") var digest: String?

        func run() throws {
            try Session(global).write { plan, _ in
                var rules = plan.reminderRules
                if let daysBefore { rules.daysBefore = daysBefore }
                if let overdue {
                    switch overdue.lowercased() {
                    case "daily": rules.dailyWhenOverdue = true
                    case "once": rules.dailyWhenOverdue = false
                    default: throw CLIError("invalid-value", "--overdue is 'daily' or 'once', not '\(overdue)'")
                    }
                }
                if let escalateAfter {
                    if escalateAfter.lowercased() == "never" { rules.escalateAfterDays = nil } else if let days = Int(escalateAfter) {
                        rules.escalateAfterDays = days
                    } else { throw CLIError("invalid-value", "--escalate-after is a number of days or 'never', not '\(escalateAfter)'") }
                }
                if let digest {
                    if digest.lowercased() == "off" { rules.digestWeekday = nil } else if let index = Show.weekdays.firstIndex(of: digest.lowercased()) {
                        rules.digestWeekday = index + 1
                    } else { throw CLIError("invalid-value", "--digest is a weekday (monday … sunday) or 'off', not '\(digest)'") }
                }
                try plan.setReminderRules(rules)
            }
            Out.line("reminder rules updated; see them with 'tandem reminders show'")
        }
    }
}
