import TandemModel

extension PlanReport {
    /// A self-contained HTML page: inline CSS, an inline SVG Gantt chart, no
    /// script and no external asset, so it can be attached to an email. It is
    /// also well-formed XML (XHTML syntax), which the tests check.
    public var html: String {
        var out: [String] = []
        func table(_ headers: [String], _ rows: [[String]], numeric: Set<Int> = []) {
            out.append("<table><thead><tr>" + headers.map { "<th>\(escapeHTML($0))</th>" }.joined() + "</tr></thead><tbody>")
            for row in rows {
                out.append("<tr>" + row.enumerated().map { i, cell in "<td\(numeric.contains(i) ? " class=\"num\"" : "")>\(escapeHTML(cell))</td>" }.joined() + "</tr>")
            }
            out.append("</tbody></table>")
        }
        let heading = "\(title) — \(customer)"
        out.append("<!DOCTYPE html>")
        out.append("<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\"><head><meta charset=\"utf-8\"/>")
        out.append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>")
        out.append("<title>\(escapeHTML(heading))</title>")
        out.append("<style>\(Self.css)</style></head><body>")
        out.append("<h1>\(escapeHTML(heading))</h1>")
        out.append("<p class=\"lead\">Report of \(today)\(audience == .customer ? " · customer view" : "") · \(escapeHTML(outlookText))</p>")
        var cards: [String] = []
        cards.append(card("Progress", "\(overall.percent)%", "\(overall.done) of \(overall.total) tasks done"))
        if let health { cards.append(card("Health", health.status.rawValue, "\(health.overdue) of \(health.dueSoFar) due tasks overdue", style: health.status == .onTrack ? "good" : health.status == .atRisk ? "warn" : "bad")) }
        if let goLive { cards.append(card("Go-live", goLive.description, target.map { "target \($0)" } ?? "no target", style: (slipDays ?? 0) > 0 ? "bad" : "good")) }
        cards.append(card("Late completions", "\(lateCompletions.count)", "\(excusableCount) excusable · \(preventableCount) preventable"))
        out.append("<div class=\"cards\">" + cards.joined() + "</div>")
        if !criticalPath.isEmpty { out.append("<p><strong>Critical path:</strong> \(escapeHTML(criticalPath.joined(separator: " → ")))</p>") }
        for b in blockers { out.append("<p class=\"warn\"><strong>Blocker:</strong> phase \(escapeHTML(b.title)) waits for approval by \(escapeHTML(b.approver)); its tasks start no earlier than \(b.opens).</p>") }
        for c in cycles { out.append("<p class=\"bad\"><strong>Dependency cycle:</strong> \(escapeHTML((c + [c[0]]).joined(separator: " → ")))</p>") }

        out.append("<h2>Timeline</h2>")
        out.append(GanttChart(rows: timeline, today: today, target: target).svg())
        out.append("<p class=\"legend\"><span class=\"swatch done\"></span>done <span class=\"swatch critical\"></span>critical <span class=\"swatch open\"></span>other · ◆ due date</p>")

        out.append("<h2>Progress</h2>")
        table(["Phase", "Done", "Total", "%"], (phases + [overall]).map { [$0.label, String($0.done), String($0.total), "\($0.percent)%"] }, numeric: [1, 2, 3])
        table(["Side", "Done", "Total", "%"], sides.map { [$0.label, String($0.done), String($0.total), "\($0.percent)%"] }, numeric: [1, 2, 3])

        out.append("<h2>Accountability</h2>")
        table(["Person", "Side", "On time", "Late", "Overdue", "On-time rate"], onTimeByMember.map {
            [$0.label, $0.side?.rawValue ?? "", String($0.onTime), String($0.late), String($0.overdue), $0.rate.map(percentText) ?? "—"]
        }, numeric: [2, 3, 4, 5])
        table(["Side", "On time", "Late", "Overdue", "On-time rate"], onTimeBySide.map {
            [$0.label, String($0.onTime), String($0.late), String($0.overdue), $0.rate.map(percentText) ?? "—"]
        }, numeric: [1, 2, 3, 4])
        if !lateCompletions.isEmpty {
            out.append("<h3>Late completions</h3>")
            table(["Task", "Due", "Done", "Days late", "Reason", "Note"], lateCompletions.map {
                [$0.title, $0.due.description, $0.completed.description, String($0.daysLate), $0.reason?.rawValue ?? "unexplained", $0.note ?? ""]
            }, numeric: [3])
        }
        out.append("<h3>Engagement</h3>")
        table(["Side", "Last activity", "Days since", "Changes in 14 days"], engagement.map {
            [$0.side.rawValue, $0.lastActivity?.description ?? "never", $0.daysSince.map(String.init) ?? "—", String($0.recentOperations)]
        }, numeric: [2, 3])

        out.append("<h2>RACI matrix</h2>")
        table(["Task"] + members.map(\.name), raci.map { [$0.title + ($0.hasAccountable ? "" : " (no accountable)")] + $0.letters })

        out.append("<h2>Feedback per phase</h2>")
        out.append("<table><thead><tr><th>Phase</th><th>Distribution (1–5)</th><th>Responses</th><th>Mean</th><th>4–5</th></tr></thead><tbody>")
        for f in feedback {
            out.append("<tr><td>\(escapeHTML(f.title))</td><td>\(distributionBars(f.counts))</td><td class=\"num\">\(f.responses)</td><td class=\"num\">\(f.mean.map { formatFixed($0, 2) } ?? "—")</td><td class=\"num\">\(f.satisfied.map(percentText) ?? "—")</td></tr>")
        }
        out.append("</tbody></table>")

        out.append("<h2>Tasks</h2>")
        var headers = ["Task", "Phase", "Status", "Start", "Finish", "Due", "Float", "Owners"]
        if let name = baselineName { headers.append("Δ finish vs \(name)") }
        table(headers, timeline.map { t in
            var row = [(t.isSubtask ? "↳ " : "") + t.title + (t.critical ? " (critical)" : ""), t.phase, t.status.rawValue, t.start.description,
                       t.finish.description, t.due?.description ?? "—", "\(t.floatDays)d", t.owners.joined(separator: ", ")]
            if baselineName != nil { row.append(t.baselineFinishDelta.map { $0 > 0 ? "+\($0)d" : "\($0)d" } ?? "new") }
            return row
        })
        out.append("<p class=\"muted\">Generated by tandem. Health: on track when at most 10% of the tasks due so far are overdue, at risk up to 25%, off track above. Engagement counts changes in the plan by members of each side.</p>")
        out.append("</body></html>")
        return out.joined(separator: "\n") + "\n"
    }

    private func card(_ label: String, _ value: String, _ detail: String, style: String = "") -> String {
        "<div class=\"card \(style)\"><div class=\"label\">\(escapeHTML(label))</div><div class=\"value\">\(escapeHTML(value))</div><div class=\"detail\">\(escapeHTML(detail))</div></div>"
    }

    /// Five small horizontal bars, one per rating, in inline SVG.
    private func distributionBars(_ counts: [Int]) -> String {
        let maximum = max(1, counts.max() ?? 1)
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"180\" height=\"14\" viewBox=\"0 0 180 14\" role=\"img\" aria-label=\"ratings \(counts.map(String.init).joined(separator: " "))\">"
        for (i, count) in counts.enumerated() {
            let h = 12.0 * Double(count) / Double(maximum)
            svg += "<rect x=\"\(i * 36)\" y=\"\(formatFixed(13 - h, 1))\" width=\"30\" height=\"\(formatFixed(max(h, 0.5), 1))\" fill=\"\(i >= 3 ? "#3a9d5d" : i == 2 ? "#c9a227" : "#d64545")\"><title>\(i + 1): \(count)</title></rect>"
        }
        return svg + "</svg>"
    }

    static let css = """
    body{font-family:-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;color:#222;margin:24px auto;max-width:1000px;padding:0 16px;line-height:1.4}
    h1{font-size:24px;margin:0 0 4px}h2{font-size:18px;margin:28px 0 8px;border-bottom:1px solid #ddd;padding-bottom:4px}h3{font-size:15px;margin:18px 0 6px}
    .lead{color:#555;margin:0 0 16px}.muted{color:#777;font-size:12px}
    .cards{display:flex;gap:12px;flex-wrap:wrap;margin:12px 0}
    .card{border:1px solid #ddd;border-radius:6px;padding:10px 14px;min-width:170px}
    .card .label{font-size:12px;color:#666}.card .value{font-size:22px;font-weight:600}.card .detail{font-size:12px;color:#666}
    .card.good .value{color:#2f7d4a}.card.warn .value{color:#b7791f}.card.bad .value{color:#c53030}
    p.warn{color:#8a5a00}p.bad{color:#c53030}
    table{border-collapse:collapse;margin:8px 0 16px;font-size:13px}th,td{border:1px solid #e2e2e2;padding:4px 8px;text-align:left;vertical-align:top}
    th{background:#f4f4f6}td.num{text-align:right}
    .gantt{max-width:100%;height:auto;border:1px solid #e2e2e2}
    .legend{font-size:12px;color:#555}.swatch{display:inline-block;width:10px;height:10px;margin:0 4px 0 10px;border-radius:2px}
    .swatch.done{background:#3a9d5d}.swatch.critical{background:#d64545}.swatch.open{background:#4a7bd0}
    """
}
