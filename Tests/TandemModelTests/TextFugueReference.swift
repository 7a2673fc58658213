@testable import TandemModel

/// FugueMax as the paper states it: a tree where each character is a left
/// or right child, left siblings ordered by id, right siblings in reverse
/// order of their right origins, then by id. Slow and direct, it is the
/// oracle the list-based TextSequence is checked against.
struct TextFugueTree {
    enum Side { case left, right }

    struct Node {
        var id: CharacterID?
        var parent: Int
        var side: Side
        var rightOrigin: CharacterID?
        var leftChildren: [Int] = []
        var rightChildren: [Int] = []
    }

    private(set) var nodes: [Node] = [Node(id: nil, parent: -1, side: .right, rightOrigin: nil)]
    private var byID: [CharacterID: Int] = [:]

    /// Adds one character inserted between `left` and `right`, the origins
    /// TextSequence records. As in Fugue's generator: when `right` lies in
    /// `left`'s subtree the character is `right`'s left child, otherwise
    /// `left`'s right child.
    mutating func insert(_ id: CharacterID, left: CharacterID?, right: CharacterID?) {
        guard byID[id] == nil else { return }
        let leftNode = left.map { byID[$0]! } ?? 0
        let node: Node
        if let right, isDescendant(byID[right]!, of: leftNode) {
            node = Node(id: id, parent: byID[right]!, side: .left, rightOrigin: nil)
        } else {
            node = Node(id: id, parent: leftNode, side: .right, rightOrigin: right)
        }
        let index = nodes.count
        nodes.append(node)
        byID[id] = index
        let parent = node.parent
        if node.side == .left {
            var position = 0
            let siblings = nodes[parent].leftChildren
            while position < siblings.count && id > nodes[siblings[position]].id! { position += 1 }
            nodes[parent].leftChildren.insert(index, at: position)
        } else {
            let order = positions()
            func rank(_ id: CharacterID?) -> Int { id.map { order[$0]! } ?? Int.max }
            var position = 0
            let siblings = nodes[parent].rightChildren
            while position < siblings.count {
                let sibling = nodes[siblings[position]]
                let mine = rank(right), theirs = rank(sibling.rightOrigin)
                if mine < theirs || (mine == theirs && id > sibling.id!) { position += 1 } else { break }
            }
            nodes[parent].rightChildren.insert(index, at: position)
        }
    }

    private func isDescendant(_ node: Int, of ancestor: Int) -> Bool {
        var current = node
        while current != -1 {
            if current == ancestor { return true }
            current = nodes[current].parent
        }
        return false
    }

    /// All characters in list order (tree walk: left children, node, right children).
    func order() -> [CharacterID] {
        var result: [CharacterID] = []
        // Iterative, since typing makes long chains of right children.
        var stack: [(node: Int, expanded: Bool)] = [(0, false)]
        while let (node, expanded) = stack.popLast() {
            if expanded {
                if let id = nodes[node].id { result.append(id) }
                continue
            }
            for child in nodes[node].rightChildren.reversed() { stack.append((child, false)) }
            stack.append((node, true))
            for child in nodes[node].leftChildren.reversed() { stack.append((child, false)) }
        }
        return result
    }

    private func positions() -> [CharacterID: Int] {
        var result: [CharacterID: Int] = [:]
        for (position, id) in order().enumerated() { result[id] = position }
        return result
    }

    /// Adds every character of an insertion, in order.
    mutating func insert(_ insertion: TextInsertion) {
        for (offset, _) in insertion.text.unicodeScalars.enumerated() {
            let id = CharacterID(replica: insertion.id.replica, sequence: insertion.id.sequence + UInt64(offset))
            let left = offset == 0
                ? insertion.leftOrigin : CharacterID(replica: id.replica, sequence: id.sequence - 1)
            insert(id, left: left, right: insertion.rightOrigin)
        }
    }
}

extension TextSequence {
    /// Every character, tombstones included, in document order (tests only).
    func allCharacterIDs() -> [CharacterID] {
        var ids: [CharacterID] = []
        forEachRun { run in
            let replica = logs[Int(run.replica)].id
            for sequence in run.sequence..<run.end { ids.append(CharacterID(replica: replica, sequence: sequence)) }
        }
        return ids
    }
}
