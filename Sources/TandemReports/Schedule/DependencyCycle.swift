import TandemModel

/// Tasks whose dependencies form a cycle. Each edit that made one was valid on
/// its own replica; a merge of two concurrent edits can close the loop. The
/// schedule reports it and ignores the dependencies inside it.
public struct DependencyCycle: Hashable, Sendable {
    /// One loop through the cycle, in dependency order: each task depends on the
    /// one before it, and the first on the last.
    public let tasks: [EntityID]
    /// Every task in the strongly connected component (may be more than one loop).
    public let members: [EntityID]
    /// The dependencies that were ignored to schedule the rest.
    public let ignoredDependencies: [EntityID]
}
