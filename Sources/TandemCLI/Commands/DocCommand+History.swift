import ArgumentParser
import TandemModel

extension DocCommand {
    struct Diff: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Unified line diff between two versions of a document ('current' is the text now).",
            discussion: "Example: tandem doc diff 7c21 sent-to-customer current"
        )
        @OptionGroup var global: GlobalOptions
        @OptionGroup var format: JSONFlag
        @Argument(help: "Document (title or id prefix).") var document: String
        @Argument(help: "The older version.") var from: String
        @Argument(help: "The newer version (default: current).") var to: String = OnboardingPlan.currentVersionName

        func run() throws {
            let session = try Session(global)
            let plan = try session.read()
            let id = try EntityResolver(plan: plan).document(document)
            let current = OnboardingPlan.currentVersionName
            let past = from == current && to == current ? nil : try DocumentPast(session: session, plan: plan, document: id)
            func text(_ name: String) throws -> String { try past?.text(named: name) ?? plan.requireDocument(id).body }
            let diff = LineDiff(from: try text(from), to: try text(to))
            let unified = diff.unified(oldName: from, newName: to)
            if format.json {
                return Out.json(.object([
                    "document": JSONViews.id(id), "from": .string(from), "to": .string(to), "unified": .string(unified),
                    "hunks": .array(diff.hunks.map { h in
                        .object(["oldStart": .int(Int64(h.oldStart)), "oldCount": .int(Int64(h.oldCount)),
                                 "newStart": .int(Int64(h.newStart)), "newCount": .int(Int64(h.newCount)),
                                 "lines": .array(h.lines.map { .object(["kind": .string($0.kind.rawValue), "text": .string($0.text)]) })])
                    }),
                ]))
            }
            guard !diff.isEmpty else { return CLIContext.current.output.errorLine("no differences between '\(from)' and '\(to)'") }
            CLIContext.current.output.write(unified)
        }
    }

    struct Log: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Who edited a document when: characters inserted and deleted per edit, grouped by sitting, and versions.",
            discussion: "A sitting is one author's edits from one replica with no pause over ten minutes."
        )
        @OptionGroup var global: GlobalOptions
        @OptionGroup var format: JSONFlag
        @Argument(help: "Document (title or id prefix).") var document: String

        func run() throws {
            let session = try Session(global)
            let plan = try session.read()
            let id = try EntityResolver(plan: plan).document(document)
            let doc = try plan.requireDocument(id)
            let past = try DocumentPast(session: session, plan: plan, document: id)
            let sessions = past.travel.sessions()
            let versions = plan.versions(of: id)
            if format.json {
                return Out.json(.object([
                    "document": JSONViews.id(id), "title": .string(doc.title),
                    "sessions": .array(sessions.map { s in
                        .object([
                            "author": JSONViews.id(s.author), "authorName": .string(HistoryCommand.author(s.author, plan)),
                            "replica": .string(s.replica.description), "start": .string(s.start.description), "end": .string(s.end.description),
                            "inserted": .int(Int64(s.inserted)), "deleted": .int(Int64(s.deleted)),
                            "edits": .array(s.edits.map { e in
                                .object(["operation": .string(e.operation.description), "time": .string(e.time.description),
                                         "inserted": .int(Int64(e.inserted)), "deleted": .int(Int64(e.deleted))])
                            }),
                        ])
                    }),
                    "versions": .array(versions.map { DocumentPast.json($0, plan) }),
                ]))
            }
            Out.line("log of document \(id.short())  \(doc.title)")
            if sessions.isEmpty, versions.isEmpty { Out.line("no edits yet; write it with 'tandem doc edit \(id.short())'") }
            let colour = Out.colour
            // Versions go where they were taken, inside a sitting when they fell in one.
            var pending = versions[...]
            func version(_ v: DocumentVersionView, indent: String) {
                Out.line(indent + Table.paint(indent.isEmpty ? Self.clock(v.time) : Self.clock(v.time, sameDayAs: v.time), indent.isEmpty ? .bold : .dim, colour)
                    + "  " + Table.paint("version '\(v.name)'", .cyan, colour) + " by \(HistoryCommand.author(v.creator, plan))")
            }
            for s in sessions {
                while let v = pending.first, v.time < s.start { version(v, indent: ""); pending.removeFirst() }
                let span = Self.clock(s.start) + (s.edits.count > 1 ? " – " + Self.clock(s.end, sameDayAs: s.start) : "")
                let count = s.edits.count == 1 ? "1 edit" : "\(s.edits.count) edits"
                Out.line(Table.paint(span, .bold, colour) + "  \(HistoryCommand.author(s.author, plan))  "
                    + Table.paint("+\(s.inserted)", .green, colour) + " " + Table.paint("−\(s.deleted)", .red, colour)
                    + "  (\(count), replica \(s.replica.description.prefix(8)))")
                for e in s.edits {
                    while let v = pending.first, v.time < e.time { version(v, indent: "    "); pending.removeFirst() }
                    let change = [e.inserted > 0 ? "+\(e.inserted)" : nil, e.deleted > 0 ? "−\(e.deleted)" : nil].compactMap { $0 }.joined(separator: " ")
                    Out.line("    " + Table.paint(Self.clock(e.time, sameDayAs: s.start), .dim, colour) + "  " + change.padding(10) + Table.paint(e.operation.description, .dim, colour))
                }
            }
            for v in pending { version(v, indent: "") }
        }

        /// `2026-03-20 14:02:07` (UTC), or only the clock part on the same day.
        static func clock(_ time: HybridTimestamp, sameDayAs other: HybridTimestamp? = nil) -> String {
            let full = String(time.description.prefix(19)).replacingT
            if let other, String(other.description.prefix(10)) == String(time.description.prefix(10)) { return String(full.dropFirst(11)) }
            return full
        }
    }
}

/// A document's past, read from this store's operation log.
struct DocumentPast {
    let plan: OnboardingPlan
    let document: EntityID
    let travel: TextTimeTravel
    /// Set when the document already existed in the server snapshot this store
    /// was caught up from: its past texts need operations only the server has.
    let boundary: HistoryBoundary?

    init(session: Session, plan: OnboardingPlan, document: EntityID) throws {
        self.plan = plan
        self.document = document
        travel = TextTimeTravel(entity: document, field: Field.body, operations: try session.store.operations(touching: document, field: Field.body))
        boundary = try HistoryBoundary.of(session.store).flatMap { $0.base.document[document] == nil ? nil : $0 }
        if let boundary {
            session.output.errorLine(boundary.note)
            return
        }
        // The log should hold every character this store's text has; if not
        // (a log that lost operations), past texts may lack them too: say so.
        let held = plan.document[document]?.texts[Field.body]?.characterIDs.count ?? 0
        if travel.insertedCharacterCount != held {
            session.output.errorLine("warning: this store's log does not hold every edit of the document; past versions may be incomplete")
        }
    }

    /// The text at a named version, or now for `current`.
    func text(named name: String) throws -> String {
        if name == OnboardingPlan.currentVersionName { return plan.document[document]?.text(Field.body) ?? "" }
        let version = try plan.version(named: name, of: document)
        try requireLocalHistory("version '\(name)'")
        return travel.replay(at: version.vector!).text
    }

    func text(asOf time: HybridTimestamp) throws -> String {
        try requireLocalHistory("the text as of \(time)")
        return travel.replay(asOf: time).text
    }

    /// Refuses a replay that would start from an empty text while the document's
    /// earlier characters are only in the snapshot: it would show a wrong text.
    private func requireLocalHistory(_ what: String) throws {
        guard let boundary else { return }
        throw CLIError("history-not-local", "\(what) cannot be rebuilt here: the document existed before the server snapshot this store was caught up from (server sequence \(boundary.base.sequence), installed \(boundary.installed)), and the edits before it are only on the server. 'current' still works; a store joined with --full-history before a compaction keeps every version")
    }

    static func json(_ v: DocumentVersionView, _ plan: OnboardingPlan) -> JSONValue {
        .object(["id": JSONViews.id(v.id), "name": .string(v.name), "time": .string(v.time.description),
                 "author": JSONViews.id(v.creator), "authorName": .string(HistoryCommand.author(v.creator, plan))])
    }
}
