/// The replicated state of one plan: every entity, its fields, sets and place
/// in the tree, built from operations.
///
/// `apply(_:)` is idempotent and commutative: any causally consistent order of
/// the same operations, with any duplicates, yields an equal document. An
/// operation naming an entity this replica has not seen created yet is held
/// until that entity arrives, never applied half-way and never a crash.
///
/// The document keeps state, not the operation log: history and conflict
/// queries run over the log, which the store (or a test) keeps beside it.
public struct PlanDocument: Hashable, Sendable {
    public internal(set) var entities: [EntityID: EntityState] = [:]
    var tree = MoveTree()
    /// Operations applied, per origin replica.
    public internal(set) var version = VersionVector()
    /// The greatest clock reading applied, so a replica's clock can resume past it.
    public internal(set) var latestTime = HybridTimestamp.zero
    /// Operations waiting for the entity they name to be created.
    var waiting: [EntityID: [Operation]] = [:]
    var waitingIDs: Set<OperationID> = []
    /// Text insertions waiting for an origin character of their text field.
    var waitingText: [TextFieldKey: [Operation]] = [:]

    public init() {}

    /// What `apply(_:)` did with an operation.
    public enum ApplyOutcome: Hashable, Sendable {
        case applied
        /// Already applied or already waiting; nothing changed.
        case duplicate
        /// Held until `missing` is created; applied automatically then.
        case waiting(missing: EntityID)
        /// A text insertion held until the characters it was typed next to arrive.
        case waitingForText(entity: EntityID, field: String)
    }

    @discardableResult
    public mutating func apply(_ operation: Operation) -> ApplyOutcome {
        if version.contains(operation.id) || (!waitingIDs.isEmpty && waitingIDs.contains(operation.id)) { return .duplicate }
        if let missing = missingDependency(of: operation) {
            waiting[missing, default: []].append(operation)
            waitingIDs.insert(operation.id)
            return .waiting(missing: missing)
        }
        if case .insertText(let entity, let field, let insertion) = operation.action,
           !canApplyText(insertion, to: entity, field) {
            // An origin character has not arrived yet: hold it, like a missing entity.
            waitingText[TextFieldKey(entity: entity, field: field), default: []].append(operation)
            waitingIDs.insert(operation.id)
            return .waitingForText(entity: entity, field: field)
        }
        perform(operation)
        switch operation.action {
        case .create where !waiting.isEmpty: releaseWaiters(of: EntityID(operation.id))
        case .insertText(let entity, let field, _) where !waitingText.isEmpty: releaseTextWaiters(of: TextFieldKey(entity: entity, field: field))
        default: break
        }
        return .applied
    }

    /// Operations held for a missing entity, oldest stamp first.
    public var waitingOperations: [Operation] {
        (Array(waiting.values.joined()) + Array(waitingText.values.joined())).sorted { $0.stamp < $1.stamp }
    }

    /// Whether the entity has been created here; a key lookup, no copy of its state
    /// (`document[id] != nil` copies the whole `EntityState` out to compare it).
    @inline(__always)
    public func holds(_ id: EntityID) -> Bool { entities.index(forKey: id) != nil }

    /// The entity's kind, without copying its state out (nil when not created here).
    public func kind(of id: EntityID) -> EntityKind? {
        entities.index(forKey: id).map { entities.values[$0].kind }
    }

    /// The entity an operation needs before it can apply, if this replica lacks it.
    public func missingDependency(of operation: Operation) -> EntityID? {
        switch operation.action {
        case .create(_, let parent, _):
            if let parent, !holds(parent) { return parent }
            return nil
        case .move(let entity, let parent, _):
            if !holds(entity) { return entity }
            if !holds(parent) { return parent }
            return nil
        case .set(let entity, _, _, _), .delete(let entity), .restore(let entity),
             .addToSet(let entity, _, _), .removeFromSet(let entity, _, _, _),
             .insertText(let entity, _, _), .deleteText(let entity, _, _):
            return holds(entity) ? nil : entity
        }
    }

    private mutating func releaseWaiters(of created: EntityID) {
        var ready = [created]
        while let id = ready.popLast() {
            guard let held = waiting.removeValue(forKey: id) else { continue }
            for operation in held {
                waitingIDs.remove(operation.id)
                if case .waiting = apply(operation) { continue }
                if case .create = operation.action { ready.append(EntityID(operation.id)) }
            }
        }
    }

    /// Whether every origin of an insertion is present (a field with no text yet has none).
    private func canApplyText(_ insertion: TextInsertion, to entity: EntityID, _ field: String) -> Bool {
        if let sequence = entities[entity]?.texts[field] { return sequence.canApply(insertion) }
        return insertion.leftOrigin == nil && insertion.rightOrigin == nil
    }

    /// Retries the text insertions held for one field until none can proceed.
    private mutating func releaseTextWaiters(of key: TextFieldKey) {
        var progress = true
        while progress, let held = waitingText[key], !held.isEmpty {
            progress = false
            var still: [Operation] = []
            for operation in held {
                guard case .insertText(_, _, let insertion) = operation.action,
                      canApplyText(insertion, to: key.entity, key.field)
                else { still.append(operation); continue }
                waitingIDs.remove(operation.id)
                perform(operation)
                progress = true
            }
            waitingText[key] = still.isEmpty ? nil : still
        }
    }

    private mutating func perform(_ operation: Operation) {
        version.insert(operation.id)
        if operation.time > latestTime { latestTime = operation.time }
        let stamp = operation.stamp
        switch operation.action {
        case .create(let kind, let parent, let position):
            let id = EntityID(operation.id)
            entities[id] = EntityState(id: id, kind: kind, created: stamp, creator: operation.author)
            // A late create may skip the tree's replay when its parent was created before it.
            let late = tree.lastStamp.map { $0 > stamp } ?? false
            let parentCreated = late ? parent.flatMap { entities.index(forKey: $0).map { entities.values[$0].created } } : nil
            tree.record(stamp: stamp, entity: id, parent: parent, position: position, isCreate: true, parentCreated: parentCreated)

        case .set(let entity, let field, let value, _):
            let register = FieldRegister(value: value, stamp: stamp, operation: operation.id, author: operation.author)
            // Write through the index: no copy of the entity out of the table and back.
            if let index = entities.index(forKey: entity) { entities.values[index].write(field, register) }

        case .delete(let entity), .restore(let entity):
            let deleted: Bool = if case .delete = operation.action { true } else { false }
            let register = FieldRegister(value: .bool(deleted), stamp: stamp, operation: operation.id, author: operation.author)
            entities[entity]?.writeDeletion(register)

        case .move(let entity, let parent, let position):
            tree.record(stamp: stamp, entity: entity, parent: parent, position: position, isCreate: false)

        case .addToSet(let entity, let field, let element):
            entities[entity]?.sets[field, default: AddWinsSet()].add(element, tag: operation.id)

        case .removeFromSet(let entity, let field, let element, let observed):
            entities[entity]?.sets[field, default: AddWinsSet()].remove(element, tags: observed)

        case .insertText(let entity, let field, let insertion):
            // An insertion the sequence refuses (a hostile or corrupt one) changes nothing,
            // on every replica alike; validation at the server keeps them out in the first place.
            try? entities[entity]?.texts[field, default: TextSequence()].apply(insertion)

        case .deleteText(let entity, let field, let deletion):
            entities[entity]?.texts[field, default: TextSequence()].apply(deletion)
        }
    }
}

/// Names one text field of one entity.
struct TextFieldKey: Hashable, Sendable {
    let entity: EntityID
    let field: String
}

extension PlanDocument {
    /// Runs a local edit on a text field's sequence in place (creating the field if needed).
    mutating func editText<R>(_ entity: EntityID, _ field: String, _ body: (inout TextSequence) -> R) -> R? {
        guard entities[entity] != nil else { return nil }
        let existed = entities[entity]!.texts[field] != nil
        let result = body(&entities[entity]!.texts[field, default: TextSequence()])
        // An edit that changed nothing must not leave an empty field behind that
        // other replicas would not have.
        if !existed, entities[entity]!.texts[field] == TextSequence() { entities[entity]!.texts[field] = nil }
        return result
    }
}

extension EntityState {
    @inline(__always)
    mutating func write(_ field: String, _ register: FieldRegister) {
        // One hash of the field name: find the slot once, then compare and write in place.
        if let index = fields.index(forKey: field) {
            if fields.values[index].stamp > register.stamp { return }
            fields.values[index] = register
        } else {
            fields[field] = register
        }
    }

    mutating func writeDeletion(_ register: FieldRegister) {
        if let current = deletion, current.stamp > register.stamp { return }
        deletion = register
    }
}
