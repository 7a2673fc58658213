import Foundation

/// Where a command gets a long text from: the user's editor (`$VISUAL`, else
/// `$EDITOR`, run through `sh` like git does, so `EDITOR="code --wait"` works),
/// a file, or standard input.
enum TextInput {
    /// The contents of `path`, or of standard input for `-`.
    static func read(file path: String) throws -> String {
        let context = CLIContext.current
        let data: Data
        if path == "-" {
            data = context.readStandardInput()
        } else {
            guard let read = FileManager.default.contents(atPath: context.absolute(path)) else {
                throw CLIError("unreadable-file", "cannot read '\(path)'; check the path and permissions", exitCode: ExitStatus.failure)
            }
            data = read
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw CLIError("invalid-text", "'\(path)' is not UTF-8 text")
        }
        return text
    }

    /// The editor command line the user chose, if any.
    static var editor: String? {
        let environment = CLIContext.current.environment
        for name in ["VISUAL", "EDITOR"] {
            if let value = environment[name], value.contains(where: { !$0.isWhitespace }) { return value }
        }
        return nil
    }

    /// Opens the editor on a temporary file holding `initial` and returns what
    /// was saved. Nothing is changed when the editor is missing or fails.
    /// - Parameter what: names the file (`tandem-<what>-….txt`), so the editor's title says what is edited.
    static func edit(_ initial: String, what: String) throws -> String {
        guard let editor else {
            throw CLIError("no-editor", "no editor is set: set $EDITOR (or $VISUAL), e.g. EDITOR=nano, or give the text with --file FILE (--file - reads standard input)")
        }
        let context = CLIContext.current
        let safe = String(what.map { $0.isLetter || $0.isNumber || $0 == "-" ? $0 : "-" }.prefix(40))
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("tandem-\(safe)-\(UUID().uuidString.prefix(8)).txt").path
        guard FileManager.default.createFile(atPath: path, contents: Data(initial.utf8), attributes: [.posixPermissions: 0o600]) else {
            throw CLIError("editor-failed", "cannot create a temporary file for the editor in \(FileManager.default.temporaryDirectory.path)", exitCode: ExitStatus.failure)
        }
        defer { try? FileManager.default.removeItem(atPath: path) }

        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", editor + " \"$@\"", editor, path]
        // The command's own environment (tests set EDITOR there), plus what an
        // editor needs to start when that environment lacks it.
        var environment = context.environment
        let inherited = ProcessInfo.processInfo.environment
        for name in ["PATH", "HOME", "TERM", "LANG"] where environment[name] == nil { environment[name] = inherited[name] }
        process.environment = environment
        process.currentDirectoryURL = URL(fileURLWithPath: context.workingDirectory)
        do {
            try process.run()
        } catch {
            throw CLIError("editor-failed", "cannot start the editor '\(editor)': \(error.localizedDescription)", exitCode: ExitStatus.failure)
        }
        process.waitUntilExit()
        if process.terminationReason == .uncaughtSignal {
            throw CLIError("editor-failed", "the editor '\(editor)' was killed by signal \(process.terminationStatus); nothing was changed", exitCode: ExitStatus.failure)
        }
        switch process.terminationStatus {
        case 0:
            break
        case 126, 127:
            throw CLIError("editor-failed", "the editor '\(editor)' was not found or cannot run; fix $EDITOR (or $VISUAL), or use --file FILE", exitCode: ExitStatus.failure)
        case let status:
            throw CLIError("editor-failed", "the editor '\(editor)' exited with status \(status); nothing was changed", exitCode: ExitStatus.failure)
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CLIError("editor-failed", "the editor removed the file it was editing; nothing was changed", exitCode: ExitStatus.failure)
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw CLIError("invalid-text", "the edited text is not UTF-8; nothing was changed")
        }
        return text
    }

    /// What the editor saved, without the final newline most editors add to a
    /// file that lacked one (vim's 'fixeol', nano): opening and saving a text
    /// must not change it.
    static func withoutAddedNewline(_ saved: String, original: String) -> String {
        guard original.unicodeScalars.last != "\n", saved.unicodeScalars.last == "\n" else { return saved }
        var scalars = Substring(saved).unicodeScalars
        scalars.removeLast()
        if original.unicodeScalars.last != "\r", scalars.last == "\r" { scalars.removeLast() }
        return String(scalars)
    }

    /// A one-line-or-more note (comment) typed in an editor: surrounding blank
    /// space trimmed, as editors add a final newline.
    static func trimmed(_ text: String) -> String {
        var scalars = Substring(text).unicodeScalars
        while let first = scalars.first, first.properties.isWhitespace { scalars = scalars.dropFirst() }
        while let last = scalars.last, last.properties.isWhitespace { scalars = scalars.dropLast() }
        return String(scalars)
    }
}
