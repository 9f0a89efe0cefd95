import Foundation

/// Blocking work awaited from a test on a thread of its own. Swift's cooperative pool has as many
/// threads as cores (two on the CI machine): a test that blocked one of them while it waited for
/// a child process or a slow peer would hold back every other test's tasks for that long.
public enum OwnThread {
    public static func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try body() }) }.start()
        }
    }
}
