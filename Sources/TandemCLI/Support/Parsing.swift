import TandemModel

/// Parsers for command-line values, with errors that say what to type instead.
enum Parse {
    static func date(_ text: String, _ what: String = "date") throws -> CalendarDate {
        try OnboardingPlan.parseDate(text, what)
    }

    static func optionalDate(_ text: String?, _ what: String = "date") throws -> CalendarDate? {
        try text.map { try date($0, what) }
    }

    static func instant(_ text: String, _ what: String = "time") throws -> Instant {
        try OnboardingPlan.parseInstant(text, what)
    }

    static func symbol<S: PlanSymbol>(_ text: String?, as type: S.Type, code: PlanError.Code = .invalidValue) throws -> S? {
        try text.map { t throws(PlanError) in try S.parse(t, code: code) }
    }

    /// `Name <email>` or `Name`.
    static func person(_ text: String) -> (name: String, email: String?) {
        guard let open = text.lastIndex(of: "<"), text.hasSuffix(">") else {
            return (text.trimmingSpaces, nil)
        }
        let name = String(text[..<open]).trimmingSpaces
        let email = String(text[text.index(after: open)..<text.index(before: text.endIndex)]).trimmingSpaces
        return (name.isEmpty ? email : name, email)
    }
}

extension String {
    var trimmingSpaces: String {
        String(drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
    }
}

/// Shortcuts for commands.
enum Out {
    static func line(_ text: String = "") { CLIContext.current.output.line(text) }
    static func json(_ value: JSONValue) { CLIContext.current.output.line(value.rendered(pretty: true)) }
    static var colour: Bool { CLIContext.current.useColour }
    static func table(_ table: Table) { CLIContext.current.output.write(table.render(colour: colour)) }
}
