import Foundation
import Testing
import TandemModel
@testable import TandemReports

/// Headless Chromium, if installed (`apt-get install -y chromium`); CI may not have it.
enum Chromium {
    static let path: String? = {
        if let explicit = ProcessInfo.processInfo.environment["CHROMIUM"], FileManager.default.isExecutableFile(atPath: explicit) { return explicit }
        return ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/local/bin/chromium"].first { FileManager.default.isExecutableFile(atPath: $0) }
    }()

    /// Runs Chromium headless with a time limit; returns (status, stdout, stderr).
    /// Output goes to files, so a chatty browser can never block on a full pipe.
    static func run(_ arguments: [String], in directory: URL, timeout: TimeInterval = 90) throws -> (Int32, String, String) {
        let outURL = directory.appendingPathComponent("chromium.out"), errURL = directory.appendingPathComponent("chromium.err")
        FileManager.default.createFile(atPath: outURL.path, contents: nil)
        FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path!)
        process.arguments = ["--headless", "--no-sandbox", "--disable-gpu", "--enable-logging=stderr", "--v=0"] + arguments
        process.standardOutput = try FileHandle(forWritingTo: outURL)
        process.standardError = try FileHandle(forWritingTo: errURL)
        try process.run()
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning, Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
        return (process.terminationStatus, try String(contentsOf: outURL, encoding: .utf8), try String(contentsOf: errURL, encoding: .utf8))
    }
}

@Suite("HTML report in a real browser")
struct BrowserRenderTests {
    @Test(.enabled(if: Chromium.path != nil, "chromium is not installed (apt-get install -y chromium); skipping the headless browser check"))
    func htmlReportOpensAndRendersInHeadlessChromium() throws {
        let f = try ReportTests.fixture()
        let html = PlanReport(plan: f.t.plan, operations: f.operations, today: f.today).html
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tandem-render-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let page = directory.appendingPathComponent("report.html")
        try html.write(to: page, atomically: true, encoding: .utf8)

        // The DOM as the browser parsed it: the chart and the tables are there.
        let (domStatus, dom, domLog) = try Chromium.run(["--dump-dom", page.absoluteString], in: directory)
        #expect(domStatus == 0, "chromium --dump-dom failed: \(domLog.suffix(2000))")
        #expect(dom.contains("class=\"gantt\"") && dom.contains("RACI matrix"))
        // No script errors or failed loads (the page has no script and no external asset).
        let problems = domLog.split(separator: "\n").filter { $0.contains("CONSOLE") || $0.contains("Uncaught") || $0.contains("ERR_FILE_NOT_FOUND") }
        #expect(problems.isEmpty, "browser reported: \(problems)")

        let png = directory.appendingPathComponent("report.png")
        let (shotStatus, _, shotLog) = try Chromium.run(["--hide-scrollbars", "--window-size=1100,1600", "--screenshot=\(png.path)", page.absoluteString], in: directory)
        #expect(shotStatus == 0, "chromium --screenshot failed: \(shotLog.suffix(2000))")
        let bytes = try Data(contentsOf: png)
        #expect(bytes.starts(with: [0x89, 0x50, 0x4E, 0x47]), "a PNG")
        #expect(bytes.count > 20_000, "a rendered page, not a blank one (\(bytes.count) bytes)")
    }
}
