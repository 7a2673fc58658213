import Testing
@testable import TandemModel

@Suite("LineDiff: unified diffs of document versions")
struct LineDiffTests {
    @Test func oneChangedLineWithContext() {
        let old = (1...10).map { "line \($0)\n" }.joined()
        let new = (1...10).map { $0 == 5 ? "line five\n" : "line \($0)\n" }.joined()
        #expect(LineDiff(from: old, to: new).unified(oldName: "v1", newName: "current") == """
            --- v1
            +++ current
            @@ -2,7 +2,7 @@
             line 2
             line 3
             line 4
            -line 5
            +line five
             line 6
             line 7
             line 8

            """)
    }

    @Test func nearbyChangesShareAHunkAndFarOnesDoNot() {
        let old = (1...30).map { "\($0)\n" }.joined()
        var lines = (1...30).map { "\($0)\n" }
        lines[2] = "three\n"; lines[6] = "seven\n"; lines[25] = "twenty-six\n"
        let diff = LineDiff(from: old, to: lines.joined())
        #expect(diff.hunks.map(\.header) == ["@@ -1,10 +1,10 @@", "@@ -23,7 +23,7 @@"])
        #expect(diff.hunks[0].lines.filter { $0.kind != .context }.map(\.text) == ["3", "three", "7", "seven"])
    }

    @Test func edgeCases() {
        #expect(LineDiff(from: "same\n", to: "same\n").isEmpty)
        #expect(LineDiff(from: "", to: "").unified(oldName: "a", newName: "b") == "")
        #expect(LineDiff(from: "", to: "a\nb\n").unified(oldName: "a", newName: "b") == "--- a\n+++ b\n@@ -0,0 +1,2 @@\n+a\n+b\n")
        #expect(LineDiff(from: "a\n", to: "").hunks.map(\.header) == ["@@ -1 +0,0 @@"])
        // A last line gaining its newline is a change, marked as diff marks it.
        #expect(LineDiff(from: "a\nb", to: "a\nb\n").unified(oldName: "x", newName: "y")
            == "--- x\n+++ y\n@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+b\n")
        // Lines split at U+000A only, so CRLF text compares line by line too.
        #expect(LineDiff(from: "a\r\nb\r\n", to: "a\r\nc\r\n").hunks.first?.lines.map(\.text) == ["a\r", "b\r", "c\r"])
        // Canonically equivalent but different scalars are a change.
        #expect(!LineDiff(from: "caf\u{E9}\n", to: "cafe\u{301}\n").isEmpty)
    }
}
