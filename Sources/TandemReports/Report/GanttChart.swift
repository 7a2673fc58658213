import TandemModel

/// The timeline as an inline SVG Gantt chart: one bar per task from its
/// projected start to finish (done: green, critical: red, other: blue), a
/// diamond at each due date, and lines for today and the target go-live.
/// Plain SVG with no script or external reference, so it survives email.
struct GanttChart {
    let rows: [PlanReport.TimelineRow]
    let today: CalendarDate
    let target: CalendarDate?
    /// Rows beyond this are left to the table (a chart of thousands of rows helps nobody).
    static let maximumRows = 300

    func svg() -> String {
        let shown = Array(rows.prefix(Self.maximumRows))
        guard !shown.isEmpty else { return "<p class=\"muted\">No tasks to chart.</p>" }
        var first = today, last = today
        for r in shown {
            first = min(first, r.start)
            last = max(last, r.finish)
            if let due = r.due { first = min(first, due); last = max(last, due) }
        }
        if let target { last = max(last, target) }
        let days = max(1, first.days(to: last) + 1)
        let label = 260.0, rowHeight = 20.0, top = 28.0, chartWidth = 680.0
        let scale = chartWidth / Double(days)
        let width = label + chartWidth + 20
        let height = top + rowHeight * Double(shown.count) + 10
        func x(_ date: CalendarDate) -> Double { label + Double(first.days(to: date)) * scale }
        var out = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"gantt\" role=\"img\" aria-label=\"Timeline\" width=\"\(f(width))\" height=\"\(f(height))\" viewBox=\"0 0 \(f(width)) \(f(height))\">"
        out += "<rect x=\"0\" y=\"0\" width=\"\(f(width))\" height=\"\(f(height))\" fill=\"#ffffff\"/>"
        // Week grid with dates.
        var tick = first
        while tick <= last {
            let tx = x(tick)
            out += "<line x1=\"\(f(tx))\" y1=\"\(f(top - 6))\" x2=\"\(f(tx))\" y2=\"\(f(height))\" stroke=\"#eeeeee\"/>"
            out += "<text x=\"\(f(tx + 2))\" y=\"14\" font-size=\"10\" fill=\"#777777\">\(escapeHTML(String(tick.description.dropFirst(5))))</text>"
            tick = tick.adding(days: 7)
        }
        for (i, r) in shown.enumerated() {
            let y = top + Double(i) * rowHeight
            if i % 2 == 1 { out += "<rect x=\"0\" y=\"\(f(y))\" width=\"\(f(width))\" height=\"\(f(rowHeight))\" fill=\"#f7f7f9\"/>" }
            let name = (r.isSubtask ? "  ↳ " : "") + r.title
            let clipped = name.count > 38 ? String(name.prefix(37)) + "…" : name
            out += "<text x=\"6\" y=\"\(f(y + 14))\" font-size=\"11\" fill=\"#222222\">\(escapeHTML(clipped))<title>\(escapeHTML(r.title))</title></text>"
            let colour = r.status == .done ? "#3a9d5d" : r.critical ? "#d64545" : "#4a7bd0"
            let barX = x(r.start)
            let barWidth = max(2.0, Double(r.start.days(to: r.finish)) * scale)
            out += "<rect x=\"\(f(barX))\" y=\"\(f(y + 4))\" width=\"\(f(barWidth))\" height=\"\(f(rowHeight - 8))\" rx=\"2\" fill=\"\(colour)\"><title>\(escapeHTML("\(r.title): \(r.start) → \(r.finish)\(r.critical ? " (critical)" : "")"))</title></rect>"
            if let due = r.due {
                let dx = x(due), cy = y + rowHeight / 2
                let late = r.finish > due && r.status != .done
                out += "<path d=\"M \(f(dx)) \(f(cy - 5)) L \(f(dx + 5)) \(f(cy)) L \(f(dx)) \(f(cy + 5)) L \(f(dx - 5)) \(f(cy)) Z\" fill=\"\(late ? "#f0a020" : "#333333")\"><title>due \(due)</title></path>"
            }
        }
        func marker(_ date: CalendarDate, _ colour: String, _ text: String, dashed: Bool) {
            let mx = x(date)
            out += "<line x1=\"\(f(mx))\" y1=\"\(f(top - 8))\" x2=\"\(f(mx))\" y2=\"\(f(height))\" stroke=\"\(colour)\" stroke-width=\"1.5\"\(dashed ? " stroke-dasharray=\"4 3\"" : "")/>"
            out += "<text x=\"\(f(mx + 3))\" y=\"\(f(top - 10))\" font-size=\"10\" fill=\"\(colour)\">\(escapeHTML(text))</text>"
        }
        marker(today, "#555555", "today", dashed: false)
        if let target { marker(target, "#8a2be2", "target", dashed: true) }
        out += "</svg>"
        if rows.count > shown.count { out += "<p class=\"muted\">The chart shows the first \(shown.count) of \(rows.count) tasks; all are in the timeline table.</p>" }
        return out
    }

    private func f(_ value: Double) -> String { formatFixed(value, 1) }
}

/// Escapes text for HTML (and XML) content and attribute values.
func escapeHTML(_ text: String) -> String {
    guard text.utf8.contains(where: { $0 == UInt8(ascii: "&") || $0 == UInt8(ascii: "<") || $0 == UInt8(ascii: ">") || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "'") || $0 < 0x20 }) else {
        return text
    }
    var out = ""
    out.reserveCapacity(text.utf8.count)
    for scalar in text.unicodeScalars {
        switch scalar {
        case "&": out += "&amp;"
        case "<": out += "&lt;"
        case ">": out += "&gt;"
        case "\"": out += "&quot;"
        case "'": out += "&#39;"
        case _ where scalar.value < 0x20 && scalar != "\n" && scalar != "\t": out += " "
        default: out.unicodeScalars.append(scalar)
        }
    }
    return out
}
