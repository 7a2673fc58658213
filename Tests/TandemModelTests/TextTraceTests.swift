import Foundation
import Testing
@testable import TandemModel

/// The automerge-paper editing trace (Joseph Gentle's editing-traces, from
/// automerge-perf, CC BY 4.0): 259,778 single-character edits.
@Suite struct TextTraceTests {
    @Test func replayingTheAutomergePaperTraceGivesItsEndContent() throws {
        let trace: TextTrace
        do {
            trace = try TextTrace.load(named: "automerge-paper.json.gz")
        } catch {
            Issue.record("cannot load the trace: \(error)")
            return
        }
        #expect(trace.patches.count == 259_778)
        let text = trace.replay()
        #expect(text.count == trace.endContent.unicodeScalars.count)
        #expect(textScalars(text.text) == textScalars(trace.endContent))
        #expect(text.invariantViolations().isEmpty)

        // The whole history survives an encoding round trip.
        var writer = ByteWriter()
        text.encode(into: &writer)
        var reader = ByteReader(writer.bytes)
        let decoded = try TextSequence(decoding: &reader)
        #expect(decoded == text)
        #expect(decoded.text == trace.endContent)
        // pycrdt (Yrs) encodes this document in 454,219 bytes keeping deleted
        // text and 376,756 without; ours keeps it and must not be larger.
        #expect(writer.bytes.count < 376_756)
    }
}
