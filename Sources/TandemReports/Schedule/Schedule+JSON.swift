import TandemModel

extension Schedule {
    /// The schedule as JSON (for `tandem schedule --json`): dates `YYYY-MM-DD`, ids full.
    public func json(plan: OnboardingPlan, baseline: BaselineComparison? = nil) -> JSONValue {
        let titles = TitleIndex(plan)
        var deltas: [EntityID: BaselineComparison.Row] = [:]
        for row in baseline?.rows ?? [] { deltas[row.task] = row }
        let taskRows: [JSONValue] = tasks.map { t in
            var object: [String: JSONValue] = [
                "id": .id(t.task), "title": .string(titles[t.task!]),
                "start": .date(t.start), "finish": .date(t.finish), "lateFinish": .date(t.lateFinishDate),
                "latestFinishForTarget": .date(t.latestFinishForTargetDate), "due": .date(t.due.map { CalendarDate(daysSinceEpoch: Int32($0)) }),
                "floatDays": .int(Int64(t.totalFloat)), "critical": .bool(t.isCritical), "done": .bool(t.isFinished),
                "dueTooLate": .bool(t.dueIsTooLate), "inCycle": .bool(t.inCycle),
            ]
            if let row = deltas[t.task!] {
                object["baseline"] = .object(["new": .bool(row.isNew), "dueDelta": .number(row.dueDelta), "startDelta": .number(row.startDelta),
                                              "finishDelta": .number(row.finishDelta)])
            }
            return .object(object)
        }
        let gateRows: [JSONValue] = gates.compactMap { g in
            guard case .gate(let phase) = g.kind, let view = plan.gate(of: phase) else { return nil }
            return .object(["phase": .id(phase), "title": .string(titles[phase]), "approver": .id(view.approver),
                            "approverName": .string(plan.memberName(view.approver)), "approved": .bool(view.isApproved),
                            "expected": .date(view.expected), "opens": .date(g.finish), "critical": .bool(g.isCritical)])
        }
        var object: [String: JSONValue] = [
            "today": .date(today), "start": .date(CalendarDate(daysSinceEpoch: Int32(input.start))), "target": .date(target),
            "goLive": .date(goLiveDate), "slipDays": .number(slipDays),
            "criticalPath": .array(criticalPath.map { .id($0) }),
            "tasks": .array(taskRows), "gates": .array(gateRows),
            "cycles": .array(cycles.map { c in
                .object(["tasks": .array(c.tasks.map { .id($0) }), "titles": .array(c.tasks.map { .string(titles[$0]) }),
                         "members": .array(c.members.map { .id($0) }), "ignoredDependencies": .array(c.ignoredDependencies.map { .id($0) })])
            }),
            "dueTooLate": .array(dueTooLate.map { .id($0) }),
            "withoutEstimate": .array(withoutEstimate.map { .id($0) }),
        ]
        if let baseline {
            object["baseline"] = .object(["name": .string(baseline.name), "goLive": .date(baseline.baselineGoLive),
                                          "goLiveDelta": .number(baseline.goLiveDelta), "removed": .array(baseline.removed.map { .id($0) })])
        }
        return .object(object)
    }
}

/// Titles (or names) of entities, looked up once.
struct TitleIndex {
    let document: PlanDocument
    init(_ plan: OnboardingPlan) { document = plan.document }
    subscript(id: EntityID) -> String {
        guard let e = document[id] else { return id.short() }
        return e[Field.title].string ?? e[Field.name].string ?? id.short()
    }
}

extension JSONValue {
    static func id(_ id: EntityID?) -> JSONValue { id.map { .string($0.description) } ?? .null }
    static func date(_ date: CalendarDate?) -> JSONValue { date.map { .string($0.description) } ?? .null }
    static func number(_ value: Int?) -> JSONValue { value.map { .int(Int64($0)) } ?? .null }
    static func text(_ value: String?) -> JSONValue { value.map { .string($0) } ?? .null }
}
