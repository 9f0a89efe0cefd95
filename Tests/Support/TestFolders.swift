import Foundation

/// Folders for a test's files, all inside one folder of this test process that is removed when
/// the process exits: a test may hand its files to a process it starts, so they outlive the
/// test's own scope, but not the run.
public enum TestFolders {
    private static let root: URL = {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("retouch-tests-\(getpid())-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        atexit { try? FileManager.default.removeItem(at: TestFolders.root) }
        return url
    }()

    /// A new, empty folder whose name starts with `prefix`.
    public static func fresh(_ prefix: String) throws -> URL {
        let url = unmade(prefix)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// A path for a folder that does not exist yet (the code under test makes it).
    public static func unmade(_ prefix: String) -> URL {
        root.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
    }
}
