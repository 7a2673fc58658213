/// An aligned text table; colour (ANSI) only when the context allows it.
struct Table {
    enum Style { case plain, dim, bold, green, yellow, red, cyan }

    struct Cell {
        var text: String
        var style: Style = .plain
        init(_ text: String, _ style: Style = .plain) {
            self.text = text
            self.style = style
        }
    }

    let headers: [String]
    private(set) var rows: [[Cell]] = []

    init(_ headers: String...) { self.headers = headers }
    init(headers: [String]) { self.headers = headers }

    mutating func add(_ cells: [Cell]) { rows.append(cells) }
    mutating func add(_ texts: String...) { rows.append(texts.map { Cell($0) }) }

    func render(colour: Bool) -> String {
        var widths = headers.map(\.count)
        for row in rows {
            for (index, cell) in row.enumerated() where index < widths.count {
                widths[index] = max(widths[index], cell.text.count)
            }
        }
        func line(_ cells: [Cell]) -> String {
            var parts: [String] = []
            for (index, cell) in cells.enumerated() {
                let isLast = index == cells.count - 1
                let padded = isLast ? cell.text : cell.text + String(repeating: " ", count: max(0, widths[index] - cell.text.count))
                parts.append(Self.paint(padded, cell.style, colour))
            }
            var text = parts.joined(separator: "  ")
            while text.last == " " { text.removeLast() }
            return text
        }
        var out = line(headers.map { Cell($0, .bold) }) + "\n"
        for row in rows { out += line(row) + "\n" }
        return out
    }

    static func paint(_ text: String, _ style: Style, _ colour: Bool) -> String {
        guard colour else { return text }
        let code: String
        switch style {
        case .plain: return text
        case .dim: code = "2"
        case .bold: code = "1"
        case .green: code = "32"
        case .yellow: code = "33"
        case .red: code = "31"
        case .cyan: code = "36"
        }
        return "\u{1B}[\(code)m\(text)\u{1B}[0m"
    }
}
