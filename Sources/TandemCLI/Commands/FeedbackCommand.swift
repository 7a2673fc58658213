import ArgumentParser
import TandemModel

struct FeedbackCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "feedback",
        abstract: "Feedback at the end of a phase, from both sides (rating 1–5 and text).",
        subcommands: [Add.self, List.self]
    )

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Give feedback on a phase as the acting member: tandem feedback add Kickoff 5 \"Clear next steps\"")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Phase (title or id prefix).") var phase: String
        @Argument(help: "1 to 5.") var rating: Int
        @Argument var text: String?

        func run() throws {
            let session = try Session(global)
            let id = try session.write { plan, resolve in
                guard let me = try session.actingMember(in: plan, required: true) else { throw CLIError("no-acting-member", "pass --as MEMBER") }
                return try plan.addFeedback(on: try resolve.phase(phase), by: me, rating: rating, text: text)
            }
            Out.line("recorded feedback \(id.short())")
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List feedback, phase by phase.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var format: JSONFlag

        func run() throws {
            let plan = try Session(global).read()
            let rows = plan.phases.flatMap { p in plan.feedback(on: p.id).map { (p, $0) } }
            if format.json {
                return Out.json(.array(rows.map { p, f in
                    .object(["id": JSONViews.id(f.id), "phase": JSONViews.id(p.id), "by": JSONViews.id(f.by), "side": JSONViews.string(f.side?.rawValue),
                             "rating": .int(Int64(f.rating)), "text": JSONViews.string(f.text)])
                }))
            }
            var table = Table("PHASE", "BY", "SIDE", "RATING", "TEXT")
            for (p, f) in rows { table.add(p.title, plan.memberName(f.by), f.side?.rawValue ?? "", String(repeating: "*", count: f.rating), f.text ?? "") }
            Out.table(table)
        }
    }
}

struct CommentCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "comment",
        abstract: "Comments on any entity (visible to both sides); their text merges character by character.",
        subcommands: [Add.self, Edit.self, List.self]
    )

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Comment on an entity: tandem comment add 3f9a \"Waiting on IT\"",
            discussion: "Without TEXT, $VISUAL or $EDITOR opens to write it (or use --file FILE, - for standard input)."
        )
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Id prefix of any entity.") var subject: String
        @Argument(help: "The comment; omit it to write it in your editor.") var text: String?
        @Option(help: "Read the comment from this file (- for standard input).") var file: String?

        func validate() throws {
            if text != nil, file != nil { throw ValidationError("give the comment as TEXT or with --file, not both") }
        }

        func run() throws {
            let session = try Session(global)
            // Check the subject before opening an editor, so nobody writes a comment for nothing.
            _ = try EntityResolver(plan: try session.read()).entity(subject)
            let body = try text ?? TextInput.trimmed(try file.map(TextInput.read(file:)) ?? TextInput.edit("", what: "comment"))
            let id = try session.write { plan, resolve in
                try plan.addComment(on: try resolve.entity(subject), text: body)
            }
            Out.line("added comment \(id.short())")
        }
    }

    struct Edit: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Change a comment's text (the diff merges with others' edits); without TEXT, opens your editor.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Comment id prefix.") var comment: String
        @Argument(help: "The new text; omit it to edit in your editor.") var text: String?
        @Option(help: "Read the new text from this file (- for standard input).") var file: String?

        func validate() throws {
            if text != nil, file != nil { throw ValidationError("give the new text as TEXT or with --file, not both") }
        }

        func run() throws {
            let session = try Session(global)
            let plan = try session.read()
            let id = try EntityResolver(plan: plan).entity(comment, kinds: [.comment, .internalComment])
            let current = plan.document[id]?.textField(Field.text) ?? ""
            let body = try text ?? TextInput.trimmed(try file.map(TextInput.read(file:)) ?? TextInput.edit(current + "\n", what: "comment"))
            let changed = try session.write { plan, _ in try plan.editComment(id, text: body) }
            Out.line(changed ? "updated comment \(id.short())" : "no change")
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List comments on an entity.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var format: JSONFlag
        @Argument var subject: String

        func run() throws {
            let plan = try Session(global).read()
            let comments = plan.comments(on: try EntityResolver(plan: plan).entity(subject))
            if format.json {
                return Out.json(.array(comments.map { c in
                    .object(["id": JSONViews.id(c.id), "author": JSONViews.id(c.author), "time": .string(c.time.description),
                             "text": .string(c.text), "internal": .bool(c.isInternal)])
                }))
            }
            var table = Table("WHEN", "WHO", "COMMENT")
            for c in comments {
                table.add([Table.Cell(String(c.time.description.prefix(16)), .dim), Table.Cell(plan.memberName(c.author)),
                           Table.Cell((c.isInternal ? "[internal] " : "") + c.text, c.isInternal ? .yellow : .plain)])
            }
            Out.table(table)
        }
    }
}
