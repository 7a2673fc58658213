import Foundation
@testable import TandemModel
import TandemTesting


/// A few scalars, sometimes outside ASCII (accents, combining marks, emoji),
/// so positions are checked to count Unicode scalars.
func textRandomString(length: Int, using random: inout SeededRandom) -> String {
    let alphabet: [Unicode.Scalar] = ["a", "b", "c", "d", "e", " ", "é", "\u{301}", "ß", "😀", "中", "\n"]
    var scalars = String.UnicodeScalarView()
    for _ in 0..<length { scalars.append(alphabet[random.below(alphabet.count)]) }
    return String(scalars)
}

/// Scalar-exact comparison; `String ==` would equate canonically equivalent texts.
func textScalars(_ string: String) -> [UInt32] { string.unicodeScalars.map(\.value) }

/// The plain-`String` model of a text, edited by scalar positions.
struct TextModelString {
    var scalars: [Unicode.Scalar] = []

    mutating func insert(_ string: String, at position: Int) {
        scalars.insert(contentsOf: string.unicodeScalars, at: position)
    }

    mutating func delete(_ range: Range<Int>) { scalars.removeSubrange(range) }

    var string: String {
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars)
        return String(view)
    }
}

/// An editing trace (Joseph Gentle's editing-traces, CC BY 4.0): the format and
/// replay live in TandemTesting; tests add where to find the file.
typealias TextTrace = EditingTrace

extension EditingTrace {
    /// Where the traces live: `TANDEM_TRACES`, else `shared/traces` beside
    /// the repository root (found from this file's path).
    static func url(named name: String, filePath: String = #filePath) -> URL {
        if let directory = ProcessInfo.processInfo.environment["TANDEM_TRACES"], !directory.isEmpty {
            return URL(fileURLWithPath: directory).appendingPathComponent(name)
        }
        return URL(fileURLWithPath: filePath)
            .deletingLastPathComponent()  // TandemModelTests
            .deletingLastPathComponent()  // Tests
            .deletingLastPathComponent()  // repository root
            .deletingLastPathComponent()  // its parent, which holds shared/
            .appendingPathComponent("shared/traces/\(name)")
    }

    enum LoadError: Error, CustomStringConvertible {
        case missing(String)
        case unreadable(String)
        var description: String {
            switch self {
            case .missing(let message), .unreadable(let message): message
            }
        }
    }

    /// Gunzips with `/bin/gzip -dc` (Foundation cannot inflate on Linux)
    /// and parses the JSON.
    static func load(named name: String) throws -> TextTrace {
        let url = url(named: name)
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw LoadError.missing(
                "trace \(name) not found at \(url.path); put the editing traces in shared/traces beside the repository or set TANDEM_TRACES"
            )
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/gzip")
        process.arguments = ["-dc", url.path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw LoadError.unreadable("gzip failed on \(url.path)") }
        do {
            return try EditingTrace(json: data)
        } catch {
            throw LoadError.unreadable("\(url.path) is not an editing trace: \(error)")
        }
    }
}
