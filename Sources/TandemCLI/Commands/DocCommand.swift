import ArgumentParser
import TandemModel

struct DocCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doc",
        abstract: "Shared documents: edit in $EDITOR with character-level merge, named versions, time travel, diffs.",
        discussion: """
        A document has a title and a body. Edits made offline by several people merge \
        character by character: two people who change different sentences both keep \
        their change. A named version is a marker (the plan's version vector), not a copy; \
        any version, or any moment, can be read back and diffed.

        Examples:
          tandem doc new "Security questionnaire" --task 3f9a --file answers.md
          tandem doc edit 7c21                      (opens $VISUAL or $EDITOR)
          tandem doc version 7c21 sent-to-customer
          tandem doc diff 7c21 sent-to-customer current
          tandem doc show 7c21 --at 2026-03-20T14:00Z
        """,
        subcommands: [New.self, List.self, Show.self, Edit.self, Rename.self, Version.self, Diff.self, Log.self]
    )

    struct New: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a document to the plan, or to a task with --task.")
        @OptionGroup var global: GlobalOptions
        @Argument var title: String
        @Option(help: "Attach it to this task (id prefix) instead of the plan.") var task: String?
        @Option(help: "Start the body with this file's text (- for standard input).") var file: String?

        func run() throws {
            let body = try file.map(TextInput.read(file:)) ?? ""
            let id = try Session(global).write { plan, resolve in
                try plan.addDocument(title: title, body: body, on: try task.map { try resolve.task($0) })
            }
            Out.line("added document \(id.short())  \(title)" + (body.isEmpty ? "  (empty; write it with 'tandem doc edit \(id.short())')" : ""))
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List documents: the plan's, then each task's.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var format: JSONFlag

        func run() throws {
            let plan = try Session(global).read()
            let documents = plan.documents
            if format.json {
                return Out.json(.array(documents.map { d in
                    .object(["id": JSONViews.id(d.id), "title": .string(d.title), "task": JSONViews.id(d.task),
                             "length": .int(Int64(d.length)), "versions": .array(plan.versions(of: d.id).map { .string($0.name) })])
                }))
            }
            guard !documents.isEmpty else { return Out.line("no documents yet; add one with 'tandem doc new TITLE'") }
            var table = Table("ID", "TITLE", "ON", "CHARS", "VERSIONS")
            for d in documents {
                let on = d.task.map { "task: " + EntityResolver.label(of: $0, in: plan.document) } ?? "plan"
                table.add([Table.Cell(d.id.short(), .dim), Table.Cell(d.title), Table.Cell(on), Table.Cell(String(d.length)),
                           Table.Cell(plan.versions(of: d.id).map(\.name).joined(separator: ", "))])
            }
            Out.table(table)
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print a document's text: now, at a named version, or as it was at a moment.",
            discussion: "TIME is YYYY-MM-DDTHH:MM[:SS[.mmm]]Z in UTC, as 'tandem doc log' prints it, or a date for the end of that day."
        )
        @OptionGroup var global: GlobalOptions
        @OptionGroup var format: JSONFlag
        @Argument(help: "Document (title or id prefix).") var document: String
        @Option(help: "A named version (or 'current').") var version: String?
        @Option(help: "A moment in the past.") var at: String?

        func validate() throws {
            if version != nil, at != nil { throw ValidationError("give at most one of --version NAME and --at TIME") }
        }

        func run() throws {
            let session = try Session(global)
            let plan = try session.read()
            let id = try EntityResolver(plan: plan).document(document)
            let doc = try plan.requireDocument(id)
            let text: String
            if let at {
                let moment = try TextTimeTravel.parseMoment(at)
                text = try DocumentPast(session: session, plan: plan, document: id).text(asOf: moment)
            } else if let version, version != OnboardingPlan.currentVersionName {
                text = try DocumentPast(session: session, plan: plan, document: id).text(named: version)
            } else {
                text = doc.body
            }
            if format.json {
                return Out.json(.object([
                    "id": JSONViews.id(id), "title": .string(doc.title), "task": JSONViews.id(doc.task),
                    "version": JSONViews.string(version ?? (at == nil ? OnboardingPlan.currentVersionName : nil)),
                    "at": JSONViews.string(at), "text": .string(text), "length": .int(Int64(text.unicodeScalars.count)),
                    "versions": .array(plan.versions(of: id).map { DocumentPast.json($0, plan) }),
                ]))
            }
            CLIContext.current.output.write(text.isEmpty || text.hasSuffix("\n") ? text : text + "\n")
        }
    }

    struct Edit: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Edit a document's body in $VISUAL or $EDITOR (or from --file); the diff becomes character edits.",
            discussion: """
            Only the characters you changed are recorded, so edits other people made \
            offline to other parts of the text survive the merge. Edits that arrive \
            while your editor is open (a background sync) are kept too.
            """
        )
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Document (title or id prefix).") var document: String
        @Option(help: "Take the new text from this file instead of an editor (- for standard input).") var file: String?

        func run() throws {
            let session = try Session(global)
            let plan = try session.read()
            let id = try EntityResolver(plan: plan).document(document)
            let doc = try plan.requireDocument(id)
            let base = plan.document[id]?.texts[Field.body] ?? TextSequence()
            let edited = try file.map(TextInput.read(file:))
                ?? TextInput.withoutAddedNewline(try TextInput.edit(doc.body, what: "doc-" + doc.title), original: doc.body)
            guard edited != doc.body else { return Out.line("no change") }
            let (inserted, deleted) = try session.write { plan, _ in
                try plan.editDocument(id, from: base, to: edited)
                return plan.replica.outbox.reduce(into: (0, 0)) { counts, op in
                    if case .insertText(_, _, let insertion) = op.action { counts.0 += insertion.length }
                    if case .deleteText(_, _, let deletion) = op.action { counts.1 += deletion.count }
                }
            }
            guard inserted + deleted > 0 else { return Out.line("no change") }
            Out.line("updated document \(id.short()): +\(inserted) −\(deleted) characters")
        }
    }

    struct Rename: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Change a document's title.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Document (title or id prefix).") var document: String
        @Argument var title: String

        func run() throws {
            let id = try Session(global).write { plan, resolve in
                let id = try resolve.document(document)
                try plan.renameDocument(id, to: title)
                return id
            }
            Out.line("renamed document \(id.short())  \(title)")
        }
    }

    struct Version: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Name the document's current state: a marker (a version vector) every replica can read back, not a copy.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Document (title or id prefix).") var document: String
        @Argument(help: "Version name, e.g. sent-to-customer.") var name: String

        func run() throws {
            let (id, length) = try Session(global).write { plan, resolve in
                let id = try resolve.document(document)
                try plan.addVersion(of: id, named: name)
                return (id, try plan.requireDocument(id).length)
            }
            Out.line("saved version '\(name)' of document \(id.short()) (\(length) characters)")
        }
    }
}
