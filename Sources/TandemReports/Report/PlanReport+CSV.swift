import TandemModel

extension PlanReport {
    /// The report as one CSV table in long form, `section,subject,id,metric,value`
    /// (RFC 4180 quoting), so every figure is a row a spreadsheet can pivot.
    public var csv: String {
        var out = "section,subject,id,metric,value\r\n"
        out.reserveCapacity(64 * (timeline.count * 7 + raci.count * 2 + 64))
        var idText: [EntityID: String] = [:]
        func add(_ section: String, _ subject: String, _ id: EntityID?, _ metric: String, _ value: String) {
            var idString = ""
            if let id {
                if let cached = idText[id] { idString = cached } else { idString = id.description; idText[id] = idString }
            }
            out += csvField(section); out += ","
            out += csvField(subject); out += ","
            out += idString; out += ","
            out += csvField(metric); out += ","
            out += csvField(value); out += "\r\n"
        }
        func percent(_ x: Double?) -> String { x.map { formatFixed($0, 4) } ?? "" }
        add("plan", title, nil, "customer", customer)
        add("plan", title, nil, "today", today.description)
        add("plan", title, nil, "target", target?.description ?? "")
        add("schedule", title, nil, "go-live", goLive?.description ?? "")
        add("schedule", title, nil, "slip-days", slipDays.map(String.init) ?? "")
        for (i, step) in criticalPath.enumerated() { add("critical-path", step, nil, "step", String(i + 1)) }
        for b in blockers { add("blocker", b.title, b.phase, "waits-for-approval-by", b.approver) }
        for p in [overall] + phases {
            add("progress-phase", p.label, p.id, "done", String(p.done))
            add("progress-phase", p.label, p.id, "total", String(p.total))
        }
        for p in sides {
            add("progress-side", p.label, nil, "done", String(p.done))
            add("progress-side", p.label, nil, "total", String(p.total))
        }
        for (section, list) in [("on-time-member", onTimeByMember), ("on-time-side", onTimeBySide)] {
            for o in list {
                add(section, o.label, o.member, "on-time", String(o.onTime))
                add(section, o.label, o.member, "late", String(o.late))
                add(section, o.label, o.member, "overdue", String(o.overdue))
                add(section, o.label, o.member, "rate", percent(o.rate))
            }
        }
        for l in lateCompletions {
            add("late-completion", l.title, l.task, "days-late", String(l.daysLate))
            add("late-completion", l.title, l.task, "reason", l.reason?.rawValue ?? "unexplained")
            if let note = l.note { add("late-completion", l.title, l.task, "note", note) }
        }
        if let health {
            add("health", title, nil, "overdue", String(health.overdue))
            add("health", title, nil, "due-so-far", String(health.dueSoFar))
            add("health", title, nil, "share", percent(health.share))
            add("health", title, nil, "status", health.status.rawValue)
        }
        for e in engagement {
            add("engagement", e.side.rawValue, nil, "last-activity", e.lastActivity?.description ?? "")
            add("engagement", e.side.rawValue, nil, "days-since", e.daysSince.map(String.init) ?? "")
        }
        for r in raci {
            for (member, letters) in zip(members, r.letters) where !letters.isEmpty {
                add("raci", r.title, r.task, member.name, letters)
            }
        }
        for t in timeline {
            add("timeline", t.title, t.task, "status", t.status.rawValue)
            add("timeline", t.title, t.task, "start", t.start.description)
            add("timeline", t.title, t.task, "finish", t.finish.description)
            add("timeline", t.title, t.task, "due", t.due?.description ?? "")
            add("timeline", t.title, t.task, "float-days", String(t.floatDays))
            add("timeline", t.title, t.task, "critical", t.critical ? "yes" : "no")
            if let d = t.baselineFinishDelta { add("timeline", t.title, t.task, "baseline-finish-delta", String(d)) }
        }
        for f in feedback {
            for (rating, count) in zip(1..., f.counts) { add("feedback", f.title, f.phase, "rating-\(rating)", String(count)) }
            add("feedback", f.title, f.phase, "mean", f.mean.map { formatFixed($0, 2) } ?? "")
        }
        return out
    }
}

/// RFC 4180: quote a field holding a comma, quote or line break; double inner quotes.
func csvField(_ text: String) -> String {
    guard text.utf8.contains(where: { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == 10 || $0 == 13 }) else { return text }
    return "\"" + text.replacingAll("\"", with: "\"\"") + "\""
}

/// `x` with exactly `digits` decimals, without Foundation.
func formatFixed(_ x: Double, _ digits: Int) -> String {
    var scale = 1.0
    for _ in 0..<digits { scale *= 10 }
    let scaled = (abs(x) * scale).rounded()
    let whole = Int(scaled / scale)
    let fraction = Int(scaled) - whole * Int(scale)
    var text = String(fraction)
    while text.count < digits { text = "0" + text }
    return (x < 0 && scaled != 0 ? "-" : "") + String(whole) + (digits > 0 ? "." + text : "")
}

extension String {
    func replacingAll(_ target: Character, with replacement: String) -> String {
        var out = ""
        out.reserveCapacity(count)
        for c in self { if c == target { out += replacement } else { out.append(c) } }
        return out
    }
}
