import Testing
import TandemModel
@testable import TandemReports

@Suite("What-if: slips, float absorption, newly critical tasks")
struct WhatIfTests {
    @Test func criticalSlipMovesGoLiveDayForDay() throws {
        var t = try TestPlan(targetDays: 30)
        let prep = try t.task("Prepare data", estimate: 12)
        let step = try t.task("Ten-day step", estimate: 10, after: [prep])
        let side = try t.task("Side work", estimate: 3)
        try t.plan.addDependency(step, dependsOn: side)
        let w = try WhatIf(task: prep, slipDays: 5, in: t.schedule())
        #expect(w.goLiveMovesDays == 5)
        #expect(w.slipAgainstTarget.before == -8 && w.slipAgainstTarget.after == -3)
        // Slipping past day 20 breaks the target: prepare must finish within 20 days.
        let late = try WhatIf(task: prep, slipDays: 9, in: t.schedule())
        #expect(late.after.slipDays == 1)
    }

    @Test func floatAbsorbsSlipsAndNewlyCriticalTasksAreNamed() throws {
        var t = try TestPlan(targetDays: 30)
        let long = try t.task("Long", estimate: 10)
        let short = try t.task("Short", estimate: 4)
        let shortNext = try t.task("Short next", estimate: 1, after: [short])
        let end = try t.task("End", estimate: 2, after: [long, shortNext])
        let s = t.schedule()
        #expect(s.timing(of: short)?.totalFloat == 5)
        let absorbed = try WhatIf(task: short, slipDays: 3, in: s)
        #expect(absorbed.goLiveMovesDays == 0)
        #expect(absorbed.newlyCritical.isEmpty)
        let over = try WhatIf(task: short, slipDays: 7, in: s)
        #expect(over.goLiveMovesDays == 2)
        #expect(over.newlyCritical == [short, shortNext])
        #expect(over.after.isCritical(long) == false)
        _ = end
    }

    @Test func finishedTasksCannotSlip() throws {
        var t = try TestPlan()
        let a = try t.task("A", estimate: 1)
        try t.plan.complete(a, at: t.noon(0), lateReason: nil, note: nil)
        #expect(throws: WhatIf.Failure.self) { try WhatIf(task: a, slipDays: 2, in: t.schedule()) }
        #expect(throws: WhatIf.Failure.self) { try WhatIf(task: a, slipDays: -1, in: t.schedule()) }
    }
}
