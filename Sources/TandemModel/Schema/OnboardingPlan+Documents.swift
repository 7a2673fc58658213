/// A collaborative document: a title (last writer wins) and a body (a text
/// field, merged character by character), on the plan or on a task.
public struct DocumentView: Hashable, Sendable {
    public let id: EntityID
    public let title: String
    /// The task it is attached to; nil when it is on the plan itself.
    public let task: EntityID?
    public let body: String
    public let created: HybridTimestamp
    public let creator: EntityID?

    /// The body's length in Unicode scalars (the unit text positions count).
    public var length: Int { body.unicodeScalars.count }
}

/// A named version of a document: a marker, not a copy. It holds the plan's
/// version vector when it was taken; the body at that moment is the replay
/// of the body's operations the vector contains (``TextTimeTravel``).
public struct DocumentVersionView: Hashable, Sendable {
    public let id: EntityID
    public let document: EntityID
    public let name: String
    /// Nil when the stored marker does not parse (written by a broken client).
    public let vector: VersionVector?
    public let time: HybridTimestamp
    public let creator: EntityID?
}

extension PlanError.Code {
    /// A version name that no version of the document has.
    public static let unknownVersion = PlanError.Code(rawValue: "unknown-version")
    /// A version name the document already uses.
    public static let duplicateVersion = PlanError.Code(rawValue: "duplicate-version")
}

extension OnboardingPlan {
    /// The name that always means the document as it is now.
    public static let currentVersionName = "current"

    // MARK: Editing

    /// Adds a document to the plan, or to a task when `task` is given (it then
    /// moves, and is deleted, with the task).
    @discardableResult
    public mutating func addDocument(title: String, body: String = "", on task: EntityID? = nil) throws(PlanError) -> EntityID {
        let parent: EntityID
        if let task {
            try require(task, kind: .task)
            parent = task
        } else {
            parent = try requirePlan()
        }
        try Self.requireText(title, "document title")
        let id = replica.create(.document, under: parent)
        replica.set(id, Field.title, .string(title))
        if !body.isEmpty { replica.replaceText(in: Field.body, of: id, with: body) }
        return id
    }

    public mutating func renameDocument(_ id: EntityID, to title: String) throws(PlanError) {
        try require(id, kind: .document)
        try Self.requireText(title, "document title")
        replica.set(id, Field.title, .string(title))
    }

    /// Makes the body read `body`, as the minimal character insertions and
    /// deletions; returns whether anything changed. An empty body is allowed.
    @discardableResult
    public mutating func editDocument(_ id: EntityID, body: String) throws(PlanError) -> Bool {
        let entity = try require(id, kind: .document)
        guard entity.text(Field.body) != body else { return false }
        replica.replaceText(in: Field.body, of: id, with: body)
        return true
    }

    /// Like ``editDocument(_:body:)``, for an edit made on `base`, the body as
    /// it was when the editor opened: the diff is taken against `base`, so
    /// edits that arrived in the meantime (a background sync) are merged
    /// with this one instead of being undone by it.
    @discardableResult
    public mutating func editDocument(_ id: EntityID, from base: TextSequence, to body: String) throws(PlanError) -> Bool {
        let entity = try require(id, kind: .document)
        let current = entity.texts[Field.body] ?? TextSequence()
        guard base.text != body else { return false }
        let me = replica.replicaID
        // The edit can be rebased when everything in `base` is still here and
        // nobody made characters as this replica since (they would reuse ids).
        guard base != current, base.nextSequence(for: me) == current.nextSequence(for: me),
              base.characterIDs.allSatisfy(current.contains)
        else { return try editDocument(id, body: body) }
        var edited = base
        let (insertions, deletions) = edited.replaceAll(with: body, by: me)
        for deletion in deletions where !deletion.isEmpty {
            replica.make(.deleteText(entity: id, field: Field.body, deletion: deletion))
        }
        for insertion in insertions {
            replica.make(.insertText(entity: id, field: Field.body, insertion: insertion))
        }
        return true
    }

    /// Names the document's current state: a `version` entity under it holding
    /// `name` and the plan's version vector (``VersionVector/compact``). It
    /// replicates like any entity, so every replica can read the version back.
    @discardableResult
    public mutating func addVersion(of id: EntityID, named name: String) throws(PlanError) -> EntityID {
        try require(id, kind: .document)
        try Self.requireText(name, "version name")
        guard name.first?.isWhitespace == false, name.last?.isWhitespace == false, !name.contains(where: \.isNewline), name.count <= 100 else {
            throw PlanError(.invalidValue, "a version name is one line of at most 100 characters with no leading or trailing spaces")
        }
        guard name != Self.currentVersionName else {
            throw PlanError(.invalidValue, "'\(Self.currentVersionName)' always means the document as it is now; pick another name")
        }
        if let existing = versions(of: id).first(where: { $0.name == name }) {
            throw PlanError(.duplicateVersion, "document \(id.short()) already has a version '\(name)' (\(existing.time)); pick another name")
        }
        let vector = document.version
        let version = replica.create(.version, under: id)
        replica.set(version, Field.name, .string(name))
        replica.set(version, Field.vector, .string(vector.compact))
        return version
    }

    // MARK: Reading

    /// Every visible document: the plan's, then each task's in plan order.
    public var documents: [DocumentView] {
        guard let plan = planID else { return [] }
        return visibleChildren(of: plan, kind: .document).map(documentView)
            + allTasks.flatMap { task in visibleChildren(of: task.id, kind: .document).map(documentView) }
    }

    /// The document `id`, which must exist, be visible and be a document.
    public func requireDocument(_ id: EntityID) throws(PlanError) -> DocumentView {
        try require(id, kind: .document)
        return documentView(id)
    }

    func documentView(_ id: EntityID) -> DocumentView {
        let e = document[id]!
        let parent = document.ancestors(of: id).first
        return DocumentView(id: id, title: e[Field.title].string ?? "",
                            task: parent.flatMap { document[$0]?.kind == .task ? $0 : nil },
                            body: e.text(Field.body), created: e.created.time, creator: e.creator)
    }

    /// The document's named versions, oldest first.
    public func versions(of id: EntityID) -> [DocumentVersionView] {
        visibleChildren(of: id, kind: .version).map { version in
            let e = document[version]!
            return DocumentVersionView(id: version, document: id, name: e[Field.name].string ?? "",
                                       vector: e[Field.vector].string.flatMap { VersionVector(compact: $0) },
                                       time: e.created.time, creator: e.creator)
        }.sorted { ($0.time, $0.id) < ($1.time, $1.id) }
    }

    /// The version called `name`. Two replicas may pick one name offline;
    /// the earlier version then keeps it, on every replica alike.
    public func version(named name: String, of id: EntityID) throws(PlanError) -> DocumentVersionView {
        let all = versions(of: id)
        guard let found = all.first(where: { $0.name == name }) else {
            let names = all.map(\.name)
            let known = names.isEmpty ? "it has none yet; take one with 'tandem doc version \(id.short()) NAME'"
                : "its versions are: " + names.joined(separator: ", ") + " (and '\(Self.currentVersionName)')"
            throw PlanError(.unknownVersion, "document \(id.short()) has no version '\(name)'; \(known)")
        }
        guard found.vector != nil else {
            throw PlanError(.invalidValue, "version '\(name)' of document \(id.short()) holds a damaged marker and cannot be read")
        }
        return found
    }
}
