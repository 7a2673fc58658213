import Testing
@testable import TandemModel
import TandemTesting

@Suite("Merge rules of docs/model.md")
struct MergeRuleTests {
    @Test func concurrentOverwritesAreRecordedWithTheWinner() throws {
        let f = try PlanFixture()
        var a = f.plan
        var b = f.fork(replica: 2, clock: 1_767_225_700_000) // b's clock is later: b wins
        a.replica.author = f.internalMember
        b.replica.author = f.customerMember
        _ = a.replica.takeOutbox(); _ = b.replica.takeOutbox()
        try a.editTask(f.integrate, due: CalendarDate(year: 2026, month: 1, day: 22))
        try b.editTask(f.integrate, due: CalendarDate(year: 2026, month: 1, day: 28))
        let all = f.plan.replica.outbox + a.replica.outbox + b.replica.outbox
        exchange(&a, &b)
        #expect(a.task(f.integrate).due == CalendarDate(year: 2026, month: 1, day: 28))
        #expect(a.document.canonicalText() == b.document.canonicalText())
        let conflicts = History.conflicts(in: all)
        #expect(conflicts.count == 1)
        let conflict = try #require(conflicts.first)
        #expect(conflict.field == Field.due)
        #expect(conflict.winner.author == f.customerMember)
        #expect(conflict.loser.author == f.internalMember)
        #expect(conflict.loser.value == .date(CalendarDate(year: 2026, month: 1, day: 22)!))
        // The same operations in another order give the same report.
        #expect(History.conflicts(in: all.reversed()) == conflicts)
    }

    @Test func aMovedTaskKeepsAConcurrentEdit() throws {
        var f = try PlanFixture()
        let later = try f.plan.addPhase(title: "Integration")
        var a = f.plan
        var b = f.fork(replica: 2)
        _ = a.replica.takeOutbox(); _ = b.replica.takeOutbox()
        try a.moveTask(f.integrate, to: later)
        try b.editTask(f.integrate, title: "Connect Salesforce", estimateDays: 8)
        exchange(&a, &b)
        for side in [a, b] {
            #expect(side.tasks(in: later).map(\.title) == ["Connect Salesforce"])
            #expect(side.tasks(in: f.phase).map(\.id) == [f.kickoff])
            #expect(side.allTasks.filter { $0.id == f.integrate }.count == 1)
            #expect(side.task(f.integrate).estimateDays == 8)
        }
    }

    @Test func deleteBeatsAConcurrentEditButKeepsIt() throws {
        let f = try PlanFixture()
        var a = f.plan
        var b = f.fork(replica: 2)
        _ = a.replica.takeOutbox(); _ = b.replica.takeOutbox()
        try a.delete(f.integrate)
        try b.editTask(f.integrate, title: "Connect HubSpot")
        exchange(&a, &b)
        #expect(!a.document.isVisible(f.integrate))
        #expect(a.document.canonicalText() == b.document.canonicalText())
        try a.restore(f.integrate)
        #expect(a.task(f.integrate).title == "Connect HubSpot")
    }

    @Test func concurrentDeleteAndRestoreGoToTheLaterOne() throws {
        var f = try PlanFixture()
        try f.plan.delete(f.integrate)
        var a = f.plan
        var b = f.fork(replica: 2, clock: 1_767_225_900_000)
        _ = a.replica.takeOutbox(); _ = b.replica.takeOutbox()
        try a.restore(f.integrate)             // earlier clock
        try b.editTask(f.kickoff, title: "Kick-off!")
        try b.restore(f.integrate)
        try b.delete(f.integrate)              // latest: stays deleted
        exchange(&a, &b)
        #expect(!a.document.isVisible(f.integrate))
        #expect(a.document == b.document)
    }

    @Test("delete, restore and re-create races commute", arguments: 0..<200)
    func deleteRestoreRecreateCommute(seed: Int) throws {
        var random = SeededRandom(seed: UInt64(seed) &+ 99)
        let f = try PlanFixture()
        var replicas = [f.plan] + (2...3).map { f.fork(replica: UInt64($0), clock: 1_767_225_600_000 + UInt64.random(in: 0...5, using: &random)) }
        for index in replicas.indices { _ = replicas[index].replica.takeOutbox() }
        var ops: [Operation] = []
        for index in replicas.indices {
            for _ in 0..<Int.random(in: 1...5, using: &random) {
                let target = random.pick([f.kickoff, f.integrate])
                switch Int.random(in: 0..<4, using: &random) {
                case 0: try? replicas[index].delete(target)
                case 1: try? replicas[index].restore(target)
                case 2: try? replicas[index].editTask(target, title: "t\(index)")
                default:
                    // Re-create: a new task with the same title in the same place.
                    _ = try? replicas[index].addTask(.init(title: "Kick-off call"), in: f.phase)
                }
            }
            ops += replicas[index].replica.takeOutbox()
        }
        var orders: [String] = []
        for _ in 0..<3 {
            var copy = f.fork(replica: 9)
            for op in ops.shuffled(using: &random) + ops.shuffled(using: &random).prefix(3) { copy.replica.receive(op) }
            orders.append(copy.document.canonicalText())
        }
        #expect(Set(orders).count == 1, "seed \(seed)")
    }

    @Test func concurrentAddAndRemoveInASetKeepsTheAdd() throws {
        var f = try PlanFixture()
        try f.plan.assign(f.kickoff, .informed, f.customerMember)
        var a = f.plan
        var b = f.fork(replica: 2)
        _ = a.replica.takeOutbox(); _ = b.replica.takeOutbox()
        try a.unassign(f.kickoff, .informed, f.customerMember)
        b.replica.add(.reference(f.customerMember), to: Field.informed, of: f.kickoff) // re-added concurrently
        exchange(&a, &b)
        #expect(a.task(f.kickoff).informed == [f.customerMember])
        #expect(a.document == b.document)
    }

    @Test func operationsForUnknownEntitiesWaitForThem() throws {
        let f = try PlanFixture()
        var other = PlanDocument()
        let ops = f.plan.replica.outbox
        // Deliver everything but the plan's creation first.
        for op in ops.dropFirst() { other.apply(op) }
        #expect(other.entities.isEmpty)
        #expect(other.waitingOperations.count == ops.count - 1)
        if case .waiting(let missing) = other.apply(ops.dropFirst().first!) { Issue.record("duplicate should not wait again: \(missing)") }
        other.apply(ops[0])
        #expect(other.waitingOperations.isEmpty)
        #expect(other.canonicalText() == f.plan.document.canonicalText())
    }

    @Test func aFarFutureClockIsNotAdopted() {
        var clock = HybridLogicalClock(wallClock: { 1_000_000 })
        let farFuture = clock.observe(HybridTimestamp(milliseconds: 1_000_000 + 3_600_000))
        #expect(!farFuture)
        let first = clock.tick()
        #expect(first.milliseconds == 1_000_000)
        let near = clock.observe(HybridTimestamp(milliseconds: 1_000_500))
        #expect(near)
        let second = clock.tick()
        #expect(second > HybridTimestamp(milliseconds: 1_000_500))
    }

    @Test func positionsAlwaysFitBetween() {
        var random = SeededRandom(seed: 42)
        var keys: [Position] = [Position.first]
        for _ in 0..<2_000 {
            let index = Int.random(in: 0...keys.count, using: &random)
            let lower = index > 0 ? keys[index - 1] : nil
            let upper = index < keys.count ? keys[index] : nil
            let key = Position.between(lower, upper)
            if let lower { #expect(lower < key) }
            if let upper { #expect(key < upper) }
            #expect(key.digits.last != 0)
            keys.insert(key, at: index)
        }
        // Appending 10,000 items keeps keys short.
        var last = Position.first
        for _ in 0..<10_000 { last = Position.between(last, nil) }
        #expect(last.digits.count <= 2)
    }

    @Test func entityIDTextRoundTripsAndSpreadsPrefixes() {
        var prefixes: Set<String> = []
        for counter in 1...1_000 as ClosedRange<UInt64> {
            let id = EntityID(OperationID(replica: ReplicaID(0xDEADBEEF), counter: counter))
            #expect(EntityID(id.description) == id)
            prefixes.insert(id.short(4))
        }
        #expect(prefixes.count > 950)
        #expect(EntityID("zz") == nil)
    }
}
