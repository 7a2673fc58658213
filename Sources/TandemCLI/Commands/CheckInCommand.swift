import ArgumentParser
import TandemModel

struct CheckInCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "checkin",
        abstract: "Scheduled check-in calls, with attendees and agenda.",
        subcommands: [Add.self, Next.self, List.self]
    )

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Schedule a check-in: tandem checkin add 2026-03-10T15:00Z --agenda \"SSO status\" --attendee Ana --attendee Bo")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "When, YYYY-MM-DDTHH:MMZ (UTC) or YYYY-MM-DD.") var at: String
        @Option var agenda: String?
        @Option(name: .customLong("attendee")) var attendees: [String] = []

        func run() throws {
            let time = try Parse.instant(at, "check-in time")
            let id = try Session(global).write { plan, resolve in
                try plan.addCheckIn(at: time, agenda: agenda, attendees: try attendees.map(resolve.member))
            }
            Out.line("scheduled check-in \(id.short()) at \(time)")
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List check-ins, earliest first.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var format: JSONFlag

        func run() throws {
            let plan = try Session(global).read()
            if format.json {
                return Out.json(.array(plan.checkIns.map { c in
                    .object(["id": JSONViews.id(c.id), "at": JSONViews.string(c.at?.description), "agenda": JSONViews.string(c.agenda),
                             "attendees": .array(c.attendees.map { JSONViews.id($0) })])
                }))
            }
            var table = Table("ID", "AT", "AGENDA", "ATTENDEES")
            for c in plan.checkIns {
                table.add(c.id.short(), c.at?.description ?? "—", c.agenda ?? "", c.attendees.map { plan.memberName($0) }.joined(separator: ", "))
            }
            Out.table(table)
        }
    }
}

struct ResourceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resource",
        abstract: "Videos, articles and documents attached to tasks.",
        subcommands: [Add.self, List.self]
    )

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Attach a resource: tandem resource add TASK \"SSO guide\" https://… --kind video")
        @OptionGroup var global: GlobalOptions
        @Argument var task: String
        @Argument var title: String
        @Argument var url: String
        @Option(help: "video, article, document or link.") var kind: String = "link"

        func run() throws {
            let kindValue = try ResourceKind.parse(kind)
            let id = try Session(global).write { plan, resolve in
                try plan.addResource(to: try resolve.task(task), title: title, url: url, kind: kindValue)
            }
            Out.line("attached resource \(id.short())  \(title)")
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List resources (of one task, or all).")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var format: JSONFlag
        @Argument var task: String?

        func run() throws {
            let plan = try Session(global).read()
            let tasks = try task.map { [try EntityResolver(plan: plan).task($0)] } ?? plan.allTasks.map(\.id)
            let rows = tasks.flatMap { t in plan.resources(of: t).map { (t, $0) } }
            if format.json {
                return Out.json(.array(rows.map { t, r in
                    .object(["id": JSONViews.id(r.id), "task": JSONViews.id(t), "title": .string(r.title), "url": .string(r.url), "kind": JSONViews.string(r.kind?.rawValue)])
                }))
            }
            var table = Table("ID", "KIND", "TITLE", "TASK", "URL")
            for (t, r) in rows { table.add(r.id.short(), r.kind?.rawValue ?? "", r.title, EntityResolver.label(of: t, in: plan.document), r.url) }
            Out.table(table)
        }
    }
}
