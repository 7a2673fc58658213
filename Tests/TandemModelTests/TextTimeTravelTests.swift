import Foundation
import Testing
@testable import TandemModel
import TandemTesting

/// A wall clock a test moves by hand.
///
/// `@unchecked Sendable`: the reading is guarded by `lock`; replicas call the
/// clock from whatever thread runs the test.
final class SteppedClock: @unchecked Sendable {
    private let lock = NSLock()
    private var now: UInt64

    init(_ start: UInt64 = 1_767_225_600_000) { now = start }

    var milliseconds: UInt64 { lock.withLock { now } }
    func advance(_ milliseconds: UInt64) { lock.withLock { now += milliseconds } }
    var wallClock: HybridLogicalClock.WallClock { { [self] in milliseconds } }
}

/// Named versions and `--at`: replaying a text field's operations from the log.
@Suite("Text time travel: versions and moments replayed from the log")
struct TextTimeTravelTests {
    /// A document on replica 1, forked to replica 2 with everything so far.
    struct Pair {
        var a: OnboardingPlan
        var b: OnboardingPlan
        /// Every operation either side made, in the order made (the "log").
        var log: [TandemModel.Operation] = []
        let doc: EntityID

        init(body: String) throws {
            var f = try PlanFixture()
            doc = try f.plan.addDocument(title: "Runbook", body: body)
            a = f.plan
            b = f.fork(replica: 2, clock: 1_767_225_600_000)
            log = a.replica.takeOutbox()
        }

        /// Delivers what each side made since the last exchange to the other.
        mutating func exchange() {
            let fromA = a.replica.takeOutbox(), fromB = b.replica.takeOutbox()
            for op in fromA { b.replica.receive(op) }
            for op in fromB { a.replica.receive(op) }
            log += fromA + fromB
        }

        func travel(_ log: [TandemModel.Operation]? = nil) -> TextTimeTravel {
            TextTimeTravel(entity: doc, field: Field.body, operations: log ?? self.log)
        }
    }

    @Test func aVersionTakenOnOneReplicaReadsTheSameOnAnotherWithLaterEditsExcluded() throws {
        var p = try Pair(body: "Kick-off agenda. Goals. Owners. Dates.")
        p.a.replica.replaceText(in: Field.body, of: p.doc, with: "Kick-off agenda. Goals and measures. Owners. Dates.")
        p.exchange()
        let taken = try p.a.addVersion(of: p.doc, named: "sent")
        let atVersion = p.a.document[p.doc]!.text(Field.body)
        p.exchange()
        // Concurrent offline edits after the version, on both sides.
        try p.a.editDocument(p.doc, body: "Kick-off agenda (60 min). Goals and measures. Owners. Dates.")
        try p.b.editDocument(p.doc, body: "Kick-off agenda. Goals and measures. Owners. Dates and go-live.")
        p.exchange()
        let merged = "Kick-off agenda (60 min). Goals and measures. Owners. Dates and go-live."
        #expect(p.a.document[p.doc]!.text(Field.body) == merged)
        #expect(p.b.document[p.doc]!.text(Field.body) == merged)

        for plan in [p.a, p.b] {
            let version = try plan.version(named: "sent", of: p.doc)
            #expect(version.id == taken)
            #expect(p.travel().replay(at: version.vector!).text == atVersion)
            #expect(p.travel().current.text == merged)
        }
        // B's own log order (its operations first) rebuilds the same text.
        let bOrder = p.log.filter { $0.id.replica == ReplicaID(2) } + p.log.filter { $0.id.replica != ReplicaID(2) }
        #expect(p.travel(bOrder).replay(at: try p.b.version(named: "sent", of: p.doc).vector!).text == atVersion)
    }

    @Test func aMomentIncludesEveryOperationStampedUpToIt() throws {
        let clock = SteppedClock()
        var f = try PlanFixture()
        f.plan = OnboardingPlan(replica: PlanReplica(replicaID: ReplicaID(9), document: f.plan.document, wallClock: clock.wallClock))
        let doc = try f.plan.addDocument(title: "Notes", body: "one")
        var moments: [(HybridTimestamp, String)] = []
        for (step, text) in ["one two", "one 2", "zero one 2", ""].enumerated() {
            clock.advance(60_000)
            moments.append((f.plan.document.latestTime, f.plan.document[doc]!.text(Field.body)))
            try f.plan.editDocument(doc, body: text)
            #expect(f.plan.document.latestTime.milliseconds == clock.milliseconds, "step \(step)")
        }
        moments.append((f.plan.document.latestTime, ""))
        let travel = TextTimeTravel(entity: doc, field: Field.body, operations: f.plan.replica.outbox)
        for (time, text) in moments { #expect(travel.replay(asOf: time).text == text) }
        #expect(travel.replay(asOf: .zero).text == "")
        // A moment as a log prints it (logical part 0, so no "+N").
        let typed = try TextTimeTravel.parseMoment(CivilTime.iso8601(milliseconds: Int64(clock.milliseconds - 60_000)))
        #expect(travel.replay(asOf: typed).text == "zero one 2")
    }

    @Test(arguments: 0..<40)
    func versionsRebuildTheirTextFromAnyLogOrder(seed: Int) throws {
        var random = SeededRandom(seed: UInt64(seed) &* 7_919 &+ 11)
        var f = try PlanFixture()
        let doc = try f.plan.addDocument(title: "Doc", body: "The plan. The people. The dates.")
        var replicas = [f.plan] + (2...Int.random(in: 2...4, using: &random)).map { f.fork(replica: UInt64($0), clock: 1_767_225_600_000 + UInt64($0)) }
        var pool = f.plan.replica.takeOutbox()
        for index in replicas.indices { _ = replicas[index].replica.takeOutbox() }
        var delivered = Array(repeating: Set(pool.map(\.id)), count: replicas.count)
        var taken: [(name: String, text: String)] = []
        let words = ["alpha ", "beta. ", "gamma ", "Δ ", "\n", "SSO first. "]
        for step in 0..<60 {
            let index = Int.random(in: 0..<replicas.count, using: &random)
            let current = replicas[index].document[doc]!.text(Field.body)
            switch Int.random(in: 0..<10, using: &random) {
            case 0..<5:
                var scalars = Array(current.unicodeScalars)
                let at = Int.random(in: 0...scalars.count, using: &random)
                if random.chance(0.4), !scalars.isEmpty {
                    scalars.removeSubrange(at..<min(scalars.count, at + Int.random(in: 1...6, using: &random)))
                } else {
                    scalars.insert(contentsOf: random.pick(words).unicodeScalars, at: at)
                }
                var view = String.UnicodeScalarView()
                view.append(contentsOf: scalars)
                try replicas[index].editDocument(doc, body: String(view))
            case 5..<7:
                let name = "v\(step)"
                try replicas[index].addVersion(of: doc, named: name)
                taken.append((name, current))
            default:
                // Deliver a random subset of the pool, in a random order, to another replica.
                let to = Int.random(in: 0..<replicas.count, using: &random)
                for op in pool.shuffled(using: &random) where random.chance(0.6) && !delivered[to].contains(op.id) {
                    replicas[to].replica.receive(op)
                    delivered[to].insert(op.id)
                }
            }
            let made = replicas[index].replica.takeOutbox()
            pool += made
            delivered[index].formUnion(made.map(\.id))
        }
        for to in replicas.indices { for op in pool where !delivered[to].contains(op.id) { replicas[to].replica.receive(op) } }
        let final = replicas[0].document[doc]!.text(Field.body)
        for plan in replicas {
            #expect(plan.document[doc]!.text(Field.body) == final, "seed \(seed)")
            // Each replica's log is the pool in some order; any order must do.
            let travel = TextTimeTravel(entity: doc, field: Field.body, operations: pool.shuffled(using: &random))
            #expect(travel.current.text == final, "seed \(seed)")
            #expect(travel.current.unapplied.isEmpty)
            for (name, text) in taken {
                let version = try plan.version(named: name, of: doc)
                #expect(travel.replay(at: version.vector!).text == text, "seed \(seed) version \(name)")
            }
        }
    }

    @Test func insertionsWhoseOriginsComeLaterAreHeldThenApplied() throws {
        var p = try Pair(body: "")
        for text in ["a", "ab", "abc", "xabc", "xabcy"] { try p.a.editDocument(p.doc, body: text) }
        p.exchange()
        // Stamps normally follow causality; a log whose clocks run backwards
        // (a broken clock) must still replay: later insertions wait for origins.
        let times = p.log.map(\.time)
        let backwards = p.log.enumerated().map { index, op in
            TandemModel.Operation(id: op.id, time: times[times.count - 1 - index], author: op.author, action: op.action)
        }
        let replay = TextTimeTravel(entity: p.doc, field: Field.body, operations: backwards).current
        #expect(replay.text == "xabcy")
        #expect(replay.unapplied.isEmpty)
        // Without the insertion of "c", "y" (typed after it) can never be placed.
        let gap = p.log.filter { op in
            if case .insertText(_, _, let insertion) = op.action { return insertion.text != "c" }
            return true
        }
        let partial = TextTimeTravel(entity: p.doc, field: Field.body, operations: gap).current
        #expect(partial.unapplied.count == 1)
        #expect(partial.text == "xab")
        // The gap shows without replaying: fewer characters than the live text holds.
        let held = p.a.document[p.doc]!.texts[Field.body]!.characterIDs.count
        #expect(p.travel().insertedCharacterCount == held)
        #expect(TextTimeTravel(entity: p.doc, field: Field.body, operations: gap).insertedCharacterCount == held - 1)
    }

    @Test func editsGroupIntoSittingsByAuthorReplicaAndPause() throws {
        let clock = SteppedClock()
        let f = try PlanFixture()
        var plan = OnboardingPlan(replica: PlanReplica(replicaID: ReplicaID(1), document: f.plan.document, author: f.internalMember, wallClock: clock.wallClock))
        let doc = try plan.addDocument(title: "Doc", body: "Hello")
        clock.advance(60_000)
        try plan.editDocument(doc, body: "Hello world")
        clock.advance(11 * 60_000)
        try plan.editDocument(doc, body: "Hello")
        plan.replica.author = f.customerMember
        try plan.editDocument(doc, body: "Hello!")
        let sessions = TextTimeTravel(entity: doc, field: Field.body, operations: plan.replica.outbox).sessions()
        #expect(sessions.map(\.edits.count) == [2, 1, 1])
        #expect(sessions.map(\.inserted) == [11, 0, 1])
        #expect(sessions.map(\.deleted) == [0, 6, 0])
        #expect(sessions.map(\.author) == [f.internalMember, f.internalMember, f.customerMember])
    }

    @Test func momentsParse() throws {
        let minute = try TextTimeTravel.parseMoment("2026-03-20T14:05Z")
        #expect(minute == HybridTimestamp(milliseconds: UInt64(Instant(iso8601: "2026-03-20T14:05Z")!.milliseconds), logical: 0))
        let exact = try TextTimeTravel.parseMoment("2026-03-20T14:05:07.250Z+3")
        #expect(exact.logical == 3 && exact.milliseconds % 60_000 == 7_250)
        let day = try TextTimeTravel.parseMoment("2026-03-20")
        #expect(day.milliseconds == UInt64(Instant(iso8601: "2026-03-21")!.milliseconds) - 1)
        // What history prints parses back to the same reading.
        let printed = HybridTimestamp(milliseconds: 1_767_225_612_345, logical: 7)
        #expect(try TextTimeTravel.parseMoment(printed.description) == printed)
        for bad in ["yesterday", "2026-03-20T25:00Z", "2026-03-20+1", "2026-03-20T14:05Z+x", ""] {
            #expect(throws: PlanError.self, "\(bad)") { try TextTimeTravel.parseMoment(bad) }
        }
    }
}
