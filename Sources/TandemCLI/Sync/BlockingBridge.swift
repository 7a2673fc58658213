import Dispatch
import NIOConcurrencyHelpers

/// Runs async sync code from the synchronous command tree.
///
/// ArgumentParser runs `tandem`'s commands synchronously (tests and the demo
/// call `TandemCLI.run` in-process), while the sync engine is async. This is
/// the one bridge: the caller's thread waits on a semaphore while a detached
/// task runs the body on Swift's pool. Callers must not be on that pool in
/// numbers (the CLI's own tests call sync commands from a plain thread).
enum BlockingBridge {
    static func run<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) throws -> T {
        let result = NIOLockedValueBox<Result<T, any Error>?>(nil)
        let done = DispatchSemaphore(value: 0)
        Task.detached {
            let outcome: Result<T, any Error>
            do { outcome = .success(try await body()) } catch { outcome = .failure(error) }
            result.withLockedValue { $0 = outcome }
            done.signal()
        }
        done.wait()
        return try result.withLockedValue { $0! }.get()
    }
}
