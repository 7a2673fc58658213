import TandemModel

/// What customer replicas receive: everything but the internal-only section
/// (risk notes, health, internal comments). The report uses it for
/// `--as-customer`, and tests replay the filtered log into a fresh replica to
/// check that the customer report shows exactly what a customer's replica would.
public enum CustomerView {
    /// Whether an operation creates or changes an internal-only entity (one of an
    /// internal-only kind or under one). The server classifies by creation with
    /// ``InternalOnlyIndex``; the two agree because nothing moves across the boundary.
    public static func isInternalOnly(_ operation: Operation, in document: PlanDocument) -> Bool {
        switch operation.action {
        case .create(let kind, let parent, _):
            return kind.isInternalOnly || parent.map(document.isInternalOnly) == true
        default:
            return operation.action.target.map(document.isInternalOnly) == true
        }
    }

    /// The operations a customer replica receives, in the given order.
    public static func operations(_ operations: [Operation], in document: PlanDocument) -> [Operation] {
        operations.filter { !isInternalOnly($0, in: document) }
    }
}
