import TandemModel

extension PlanReport {
    /// The report as JSON (keys sorted on rendering; dates `YYYY-MM-DD`; ids full).
    public var json: JSONValue {
        func progress(_ p: Progress) -> JSONValue {
            .object(["label": .string(p.label), "id": .id(p.id), "done": .int(Int64(p.done)), "total": .int(Int64(p.total)), "percent": .int(Int64(p.percent))])
        }
        func onTime(_ o: OnTime) -> JSONValue {
            .object(["label": .string(o.label), "member": .id(o.member), "side": .text(o.side?.rawValue), "onTime": .int(Int64(o.onTime)),
                     "late": .int(Int64(o.late)), "overdue": .int(Int64(o.overdue)), "rate": o.rate.map(JSONValue.double) ?? .null])
        }
        var object: [String: JSONValue] = [
            "audience": .string(audience.rawValue),
            "today": .date(today),
            "plan": .object(["title": .string(title), "customer": .string(customer), "start": .date(start), "target": .date(target), "template": .text(template)]),
            "schedule": .object([
                "goLive": .date(goLive), "target": .date(target), "slipDays": .number(slipDays),
                "criticalPath": .array(criticalPath.map(JSONValue.string)),
                "cycles": .array(cycles.map { .array($0.map(JSONValue.string)) }),
                "blockers": .array(blockers.map { b in
                    .object(["phase": .id(b.phase), "title": .string(b.title), "approver": .string(b.approver), "opens": .date(b.opens), "critical": .bool(b.critical)])
                }),
            ]),
            "progress": .object(["overall": progress(overall), "phases": .array(phases.map(progress)), "sides": .array(sides.map(progress))]),
            "onTime": .object(["members": .array(onTimeByMember.map(onTime)), "sides": .array(onTimeBySide.map(onTime))]),
            "lateCompletions": .object([
                "excusable": .int(Int64(excusableCount)), "preventable": .int(Int64(preventableCount)),
                "unexplained": .int(Int64(lateCompletions.count - excusableCount - preventableCount)),
                "tasks": .array(lateCompletions.map { l in
                    .object(["task": .id(l.task), "title": .string(l.title), "due": .date(l.due), "completed": .date(l.completed),
                             "daysLate": .int(Int64(l.daysLate)), "reason": .text(l.reason?.rawValue), "note": .text(l.note)])
                }),
            ]),
            "engagement": .array(engagement.map { e in
                .object(["side": .string(e.side.rawValue), "lastActivity": .date(e.lastActivity), "daysSince": .number(e.daysSince),
                         "recentOperations": .int(Int64(e.recentOperations))])
            }),
            "raci": .object([
                "members": .array(members.map { m in .object(["id": .id(m.id), "name": .string(m.name), "side": .text(m.side?.rawValue)]) }),
                "rows": .array(raci.map { r in
                    .object(["task": .id(r.task), "title": .string(r.title), "letters": .array(r.letters.map(JSONValue.string)), "hasAccountable": .bool(r.hasAccountable)])
                }),
            ]),
            "timeline": .array(timeline.map { t in
                .object(["task": .id(t.task), "title": .string(t.title), "phase": .string(t.phase), "subtask": .bool(t.isSubtask),
                         "status": .string(t.status.rawValue), "start": .date(t.start), "finish": .date(t.finish), "due": .date(t.due),
                         "completed": .date(t.completed), "floatDays": .int(Int64(t.floatDays)), "critical": .bool(t.critical),
                         "owners": .array(t.owners.map(JSONValue.string)), "side": .text(t.side?.rawValue),
                         "baselineFinishDelta": .number(t.baselineFinishDelta), "baselineDueDelta": .number(t.baselineDueDelta)])
            }),
            "feedback": .array(feedback.map { f in
                .object(["phase": .id(f.phase), "title": .string(f.title), "responses": .int(Int64(f.responses)),
                         "counts": .array(f.counts.map { .int(Int64($0)) }),
                         "internal": .array(f.internalCounts.map { .int(Int64($0)) }), "customer": .array(f.customerCounts.map { .int(Int64($0)) }),
                         "mean": f.mean.map(JSONValue.double) ?? .null, "satisfied": f.satisfied.map(JSONValue.double) ?? .null,
                         "comments": .array(f.comments.map(JSONValue.string))])
            }),
        ]
        if let health {
            object["health"] = .object(["overdue": .int(Int64(health.overdue)), "dueSoFar": .int(Int64(health.dueSoFar)),
                                        "share": .double(health.share), "status": .string(health.status.rawValue)])
        }
        if let baselineName {
            object["baseline"] = .object(["name": .string(baselineName), "goLiveDelta": .number(baselineGoLiveDelta)])
        }
        return .object(object)
    }
}
