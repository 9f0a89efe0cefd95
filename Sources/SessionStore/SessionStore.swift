import FileAccess
import Foundation
import GRDB

#if canImport(Glibc)
import Glibc
#endif

/// Why the session store could not do something, with what to do about it.
public enum SessionStoreError: Error, CustomStringConvertible, Equatable {
    case cannotOpen(path: String, reason: String)
    case failed(String)
    case noSuchRun(Int64)
    case noSuchSet(Int64)
    /// A winner chosen among runs that were not sent in its set.
    case notInSet(run: Int64, set: Int64)

    public var description: String {
        switch self {
        case .cannotOpen(let path, let reason):
            "the session store \(path) cannot be opened: \(reason) (move it aside to start a new one)"
        case .failed(let reason): "the session store failed: \(reason)"
        case .noSuchRun(let id): "there is no run \(id) (retouch history lists them)"
        case .noSuchSet(let id): "there is no variant set \(id) (retouch history --json lists them)"
        case .notInSet(let run, let set): "run \(run) was not sent in variant set \(set): its winner is one of its own runs"
        }
    }
}

/// Every run, result and draft of the editor, in SQLite (WAL, so several editors can share it).
public final class SessionStore: Sendable {
    public let path: String
    let pool: DatabasePool

    /// `$XDG_DATA_HOME/retouch/sessions.sqlite` (default `~/.local/share`).
    public static func defaultPath(environment: [String: String]) -> String {
        Folders.dataFolder(environment: environment) + "/sessions.sqlite"
    }

    /// Opens (or creates) the store and brings its schema up to date. `upTo` stops at an older
    /// migration (for tests of migrating).
    public init(path: String, upTo lastMigration: String? = nil) throws(SessionStoreError) {
        self.path = path
        do {
            // Prompts, paths and masks are nobody else's business: the folders made for the store
            // are 0700 and the store (with its -wal and -shm, which SQLite creates with the
            // store's mode) 0600.
            let folder = (path as NSString).deletingLastPathComponent
            try Folders.create(folder.isEmpty ? "." : folder, mode: 0o700)
            Self.makePrivate(path)
            var configuration = Configuration()
            // Another editor may be writing: wait for it rather than fail.
            configuration.busyMode = .timeout(10)
            pool = try DatabasePool(path: path, configuration: configuration)
            if let lastMigration {
                try Self.migrator.migrate(pool, upTo: lastMigration)
            } else {
                try Self.migrator.migrate(pool)
            }
        } catch {
            throw .cannotOpen(path: path, reason: Self.reason(error))
        }
    }

    /// Creates the store's file with mode 0600 (less the umask) before SQLite does (it would
    /// use 0644); a store of an older version that others may read is made private.
    static func makePrivate(_ path: String) {
        let fd = open(path, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0o600)
        if fd >= 0 {
            close(fd)
            return
        }
        for file in [path, path + "-wal", path + "-shm"] {
            var info = stat()
            guard lstat(file, &info) == 0, info.st_mode & S_IFMT == S_IFREG, info.st_mode & 0o077 != 0,
                  info.st_uid == geteuid() else { continue }
            chmod(file, info.st_mode & 0o700)
        }
    }

    static func reason(_ error: any Error) -> String {
        if let error = error as? DatabaseError { return error.message ?? error.description }
        return String(describing: error)
    }

    /// `body` in a write transaction, database errors mapped to ours.
    func write<T>(_ body: (Database) throws -> T) throws(SessionStoreError) -> T {
        try mappingErrors { try pool.write(body) }
    }

    func read<T>(_ body: (Database) throws -> T) throws(SessionStoreError) -> T {
        try mappingErrors { try pool.read(body) }
    }

    private func mappingErrors<T>(_ access: () throws -> T) throws(SessionStoreError) -> T {
        do {
            return try access()
        } catch let error as SessionStoreError {
            throw error
        } catch {
            throw .failed(Self.reason(error))
        }
    }
}

/// JSON text columns.
enum JSON {
    static func text<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    static func value<T: Decodable>(_ text: String) throws -> T {
        try JSONDecoder().decode(T.self, from: Data(text.utf8))
    }
}
