import TandemModel

extension PlanReport {
    /// The report as GitHub-flavoured Markdown: a heading per section and pipe tables.
    public var markdown: String {
        var out: [String] = []
        func table(_ headers: [String], _ rows: [[String]]) {
            out.append("| " + headers.map(markdownCell).joined(separator: " | ") + " |")
            out.append("|" + headers.map { _ in "---" }.joined(separator: "|") + "|")
            for row in rows { out.append("| " + row.map(markdownCell).joined(separator: " | ") + " |") }
            out.append("")
        }
        out.append("# \(markdownText(title)) — \(markdownText(customer))")
        out.append("")
        out.append("Report of \(today)\(audience == .customer ? " (customer view)" : "") · " + outlookText)
        out.append("")
        if !criticalPath.isEmpty { out += ["**Critical path:** " + criticalPath.map(markdownText).joined(separator: " → "), ""] }
        for b in blockers { out += ["**Blocker:** phase \(markdownText(b.title)) waits for approval by \(markdownText(b.approver)); its tasks start no earlier than \(b.opens).", ""] }
        for c in cycles { out += ["**Dependency cycle:** " + (c + [c[0]]).map(markdownText).joined(separator: " → "), ""] }

        out += ["## Progress", ""]
        table(["Phase", "Done", "Total", "%"], (phases + [overall]).map { [$0.label, String($0.done), String($0.total), String($0.percent)] })
        table(["Side", "Done", "Total", "%"], sides.map { [$0.label, String($0.done), String($0.total), String($0.percent)] })

        if let health {
            out += ["## Health", "", "**\(health.status.rawValue)**: \(health.overdue) of \(health.dueSoFar) tasks due so far are overdue (\(percentText(health.share))). Thresholds: on track ≤ 10%, at risk ≤ 25%, off track above.", ""]
        }

        out += ["## On-time rate", ""]
        table(["Person", "Side", "On time", "Late", "Overdue", "Rate"], onTimeByMember.map {
            [$0.label, $0.side?.rawValue ?? "", String($0.onTime), String($0.late), String($0.overdue), $0.rate.map(percentText) ?? "—"]
        })
        table(["Side", "On time", "Late", "Overdue", "Rate"], onTimeBySide.map {
            [$0.label, String($0.onTime), String($0.late), String($0.overdue), $0.rate.map(percentText) ?? "—"]
        })

        out += ["## Late completions", "", "Excusable: \(excusableCount) · preventable: \(preventableCount) · unexplained: \(lateCompletions.count - excusableCount - preventableCount)", ""]
        if !lateCompletions.isEmpty {
            table(["Task", "Due", "Done", "Days late", "Reason", "Note"], lateCompletions.map {
                [$0.title, $0.due.description, $0.completed.description, String($0.daysLate), $0.reason?.rawValue ?? "unexplained", $0.note ?? ""]
            })
        }

        out += ["## Engagement", ""]
        table(["Side", "Last activity", "Days since", "Changes in 14 days"], engagement.map {
            [$0.side.rawValue, $0.lastActivity?.description ?? "never", $0.daysSince.map(String.init) ?? "—", String($0.recentOperations)]
        })

        out += ["## RACI matrix", ""]
        table(["Task"] + members.map(\.name), raci.map { [$0.title + ($0.hasAccountable ? "" : " ⚠ no accountable")] + $0.letters })

        out += ["## Timeline", ""]
        var headers = ["Task", "Phase", "Status", "Start", "Finish", "Due", "Float", "Critical", "Owners"]
        if baselineName != nil { headers.append("Δ finish vs \(baselineName!)") }
        table(headers, timeline.map { t in
            var row = [(t.isSubtask ? "↳ " : "") + t.title, t.phase, t.status.rawValue, t.start.description, t.finish.description,
                       t.due?.description ?? "—", "\(t.floatDays)d", t.critical ? "yes" : "", t.owners.joined(separator: ", ")]
            if baselineName != nil { row.append(t.baselineFinishDelta.map { $0 > 0 ? "+\($0)" : String($0) } ?? "new") }
            return row
        })

        out += ["## Feedback per phase", ""]
        table(["Phase", "1", "2", "3", "4", "5", "Responses", "Mean", "4–5"], feedback.map { f in
            [f.title] + f.counts.map(String.init) + [String(f.responses), f.mean.map { formatFixed($0, 2) } ?? "—", f.satisfied.map(percentText) ?? "—"]
        })
        let comments = feedback.flatMap { f in f.comments.map { "- **\(markdownText(f.title))** \(markdownText($0))" } }
        if !comments.isEmpty { out += comments + [""] }
        return out.joined(separator: "\n")
    }

    /// "projected go-live D — N days after the T target".
    var outlookText: String {
        guard let goLive else { return "no tasks scheduled yet" }
        var text = "projected go-live \(goLive)"
        if let target, let slip = slipDays {
            text += slip > 0 ? " — \(slip) day\(slip == 1 ? "" : "s") after the \(target) target"
                : slip == 0 ? " — on the \(target) target" : " — \(-slip) day\(slip == -1 ? "" : "s") ahead of the \(target) target"
        }
        if let delta = baselineGoLiveDelta, let name = baselineName {
            text += " (\(delta == 0 ? "unchanged" : delta > 0 ? "+\(delta) days" : "\(delta) days") since baseline \(name))"
        }
        return text
    }
}

func percentText(_ share: Double) -> String { String(Int((share * 100).rounded())) + "%" }

private let markdownSpecial: Set<UInt8> = Set("\\`*_[]<>#|\n\r".utf8)

/// Escapes Markdown's inline syntax so titles render as typed.
func markdownText(_ text: String) -> String {
    // Most titles need no escaping: check the bytes first.
    guard text.utf8.contains(where: markdownSpecial.contains) else { return text }
    var out = ""
    for c in text {
        switch c {
        case "\\", "`", "*", "_", "[", "]", "<", ">", "#", "|": out += "\\" + String(c)
        case "\n", "\r": out += " "
        default: out.append(c)
        }
    }
    return out
}

func markdownCell(_ text: String) -> String { markdownText(text) }
