/// A line diff between two texts, in the unified format of `diff -u`.
///
/// Lines are compared whole (a line and its newline are one unit, so a last
/// line without a newline differs from the same line with one, as in `diff`),
/// with the same Myers diff that turns editor saves into text operations.
public struct LineDiff: Hashable, Sendable {
    /// One line of a hunk.
    public struct Line: Hashable, Sendable {
        public enum Kind: String, Hashable, Sendable { case context, removed, added }
        public let kind: Kind
        /// The line without its newline.
        public let text: String
        /// False only for a last line that has no newline.
        public let hasNewline: Bool
    }

    /// A run of changes with up to `context` unchanged lines around it.
    public struct Hunk: Hashable, Sendable {
        /// First old line shown (1-based; the line before when `oldCount` is 0).
        public let oldStart: Int
        public let oldCount: Int
        public let newStart: Int
        public let newCount: Int
        public let lines: [Line]

        /// `@@ -1,4 +1,5 @@`
        public var header: String {
            func range(_ start: Int, _ count: Int) -> String { count == 1 ? "\(start)" : "\(start),\(count)" }
            return "@@ -\(range(oldStart, oldCount)) +\(range(newStart, newCount)) @@"
        }
    }

    public let hunks: [Hunk]

    public var isEmpty: Bool { hunks.isEmpty }

    /// Diffs `old` against `new`, with `context` unchanged lines around each change.
    public init(from old: String, to new: String, context: Int = 3) {
        let oldLines = Self.lines(of: old), newLines = Self.lines(of: new)
        // Lines compared byte for byte: String's own == would call canonically
        // equivalent lines equal and hide a change.
        var numbers: [[UInt8]: UInt32] = [:]
        func number(_ line: Line) -> UInt32 {
            let key = Array(line.text.utf8) + (line.hasNewline ? [10] : [])
            if let known = numbers[key] { return known }
            let next = UInt32(numbers.count)
            numbers[key] = next
            return next
        }
        let changes = TextDiff.hunks(from: oldLines.map(number), to: newLines.map(number))
        var hunks: [Hunk] = []
        var group: [TextDiff.Hunk] = []
        func flush() {
            guard let first = group.first, let last = group.last else { return }
            let oldLow = max(0, first.old.lowerBound - context)
            let oldHigh = min(oldLines.count, last.old.upperBound + context)
            let newLow = first.new.lowerBound - (first.old.lowerBound - oldLow)
            let newHigh = last.new.upperBound + (oldHigh - last.old.upperBound)
            var lines: [Line] = []
            var oldIndex = oldLow
            for change in group {
                while oldIndex < change.old.lowerBound { lines.append(Self.line(.context, oldLines[oldIndex])); oldIndex += 1 }
                for index in change.old { lines.append(Self.line(.removed, oldLines[index])) }
                for index in change.new { lines.append(Self.line(.added, newLines[index])) }
                oldIndex = change.old.upperBound
            }
            while oldIndex < oldHigh { lines.append(Self.line(.context, oldLines[oldIndex])); oldIndex += 1 }
            let oldCount = oldHigh - oldLow, newCount = newHigh - newLow
            hunks.append(Hunk(oldStart: oldCount == 0 ? oldLow : oldLow + 1, oldCount: oldCount,
                              newStart: newCount == 0 ? newLow : newLow + 1, newCount: newCount, lines: lines))
            group.removeAll()
        }
        for change in changes {
            // Changes whose contexts would touch or overlap share a hunk.
            if let previous = group.last, change.old.lowerBound - previous.old.upperBound > 2 * context { flush() }
            group.append(change)
        }
        flush()
        self.hunks = hunks
    }

    /// The unified diff, headed `--- oldName` / `+++ newName`; empty when equal.
    public func unified(oldName: String, newName: String) -> String {
        guard !hunks.isEmpty else { return "" }
        var out = "--- \(oldName)\n+++ \(newName)\n"
        for hunk in hunks {
            out += hunk.header + "\n"
            for line in hunk.lines {
                let sign = switch line.kind { case .context: " "; case .removed: "-"; case .added: "+" }
                out += sign + line.text + "\n"
                if !line.hasNewline { out += "\\ No newline at end of file\n" }
            }
        }
        return out
    }

    /// The lines of a text, split at U+000A (so "\r\n" leaves "\r" on the line).
    private static func lines(of text: String) -> [Line] {
        guard !text.isEmpty else { return [] }
        let pieces = text.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false)
        var result = pieces.map { Line(kind: .context, text: String($0), hasNewline: true) }
        // The piece after the last newline: empty when the text ends with one.
        let last = result.removeLast()
        if !last.text.isEmpty { result.append(Line(kind: .context, text: last.text, hasNewline: false)) }
        return result
    }

    private static func line(_ kind: Line.Kind, _ line: Line) -> Line {
        Line(kind: kind, text: line.text, hasNewline: line.hasNewline)
    }
}
