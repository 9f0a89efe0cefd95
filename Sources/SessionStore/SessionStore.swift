import FileAccess
import Foundation
import GRDB
import ImageEditModel
import Raster
import SessionModel

#if canImport(Glibc)
import Glibc
#endif

/// Why the session store could not do something, with what to do about it.
public enum SessionStoreError: Error, CustomStringConvertible, Equatable {
    case cannotOpen(path: String, reason: String)
    case failed(String)
    case noSuchRun(Int64)

    public var description: String {
        switch self {
        case .cannotOpen(let path, let reason):
            "the session store \(path) cannot be opened: \(reason) (move it aside to start a new one)"
        case .failed(let reason): "the session store failed: \(reason)"
        case .noSuchRun(let id): "there is no run \(id) (retouch history lists them)"
        }
    }
}

/// A session: one editor's work, its draft and its runs.
public struct SessionRecord: Equatable, Sendable {
    public var id: String
    public var started: Double
    public var resultsFolder: String
    public var draft: Draft?
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

    // MARK: - Schema

    /// Migration names, oldest first. A store made by an older Retouch migrates on open.
    public static let migrations = ["sessions, drafts, runs and results", "usage per run"]

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration(migrations[0]) { db in
            try db.execute(sql: """
                CREATE TABLE session (
                    id TEXT PRIMARY KEY,
                    started REAL NOT NULL,
                    resultsFolder TEXT NOT NULL);
                CREATE TABLE draft (
                    sessionID TEXT PRIMARY KEY REFERENCES session(id) ON DELETE CASCADE,
                    prompt TEXT NOT NULL,
                    sources TEXT NOT NULL,
                    maskRects TEXT NOT NULL,
                    maskInverted INTEGER NOT NULL,
                    loadedMask BLOB,
                    parameters TEXT NOT NULL,
                    updated REAL NOT NULL);
                CREATE TABLE run (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    sessionID TEXT NOT NULL REFERENCES session(id) ON DELETE CASCADE,
                    started REAL NOT NULL,
                    finished REAL,
                    status TEXT NOT NULL,
                    prompt TEXT NOT NULL,
                    parameters TEXT NOT NULL,
                    sources TEXT NOT NULL,
                    maskRects TEXT NOT NULL,
                    maskInverted INTEGER NOT NULL,
                    maskPNG BLOB,
                    loadedMask BLOB,
                    backend TEXT NOT NULL,
                    error TEXT,
                    pid INTEGER NOT NULL);
                CREATE INDEX run_session ON run(sessionID, started);
                CREATE TABLE result (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    runID INTEGER NOT NULL REFERENCES run(id) ON DELETE CASCADE,
                    path TEXT NOT NULL,
                    imageIndex INTEGER NOT NULL,
                    created REAL NOT NULL);
                CREATE INDEX result_run ON result(runID);
                """)
        }
        migrator.registerMigration(migrations[1]) { db in
            try db.execute(sql: """
                ALTER TABLE run ADD COLUMN inputTokens INTEGER;
                ALTER TABLE run ADD COLUMN outputTokens INTEGER;
                ALTER TABLE run ADD COLUMN totalTokens INTEGER;
                """)
        }
        return migrator
    }

    /// The migrations applied to the store, oldest first.
    public func appliedMigrations() throws(SessionStoreError) -> [String] {
        try read { db in try Self.migrator.appliedMigrations(db) }
    }

    // MARK: - Sessions and drafts

    public func startSession(resultsFolder: String, now: Double) throws(SessionStoreError) -> String {
        let id = UUID().uuidString.lowercased()
        try write { db in
            try db.execute(sql: "INSERT INTO session (id, started, resultsFolder) VALUES (?, ?, ?)", arguments: [id, now, resultsFolder])
        }
        return id
    }

    /// The session whose draft changed last, to reopen.
    public func lastSession() throws(SessionStoreError) -> SessionRecord? {
        try read { db in
            let row = try Row.fetchOne(db, sql: """
                SELECT session.* FROM session LEFT JOIN draft ON draft.sessionID = session.id
                ORDER BY COALESCE(draft.updated, session.started) DESC LIMIT 1
                """)
            guard let row else { return nil }
            return SessionRecord(id: row["id"], started: row["started"], resultsFolder: row["resultsFolder"],
                                 draft: try Self.draft(db, session: row["id"]))
        }
    }

    public func saveDraft(_ draft: Draft, session: String, loadedMaskPNG: [UInt8]?, now: Double) throws(SessionStoreError) {
        try write { db in
            try db.execute(sql: """
                INSERT INTO draft (sessionID, prompt, sources, maskRects, maskInverted, loadedMask, parameters, updated)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT(sessionID) DO UPDATE SET prompt = excluded.prompt, sources = excluded.sources,
                    maskRects = excluded.maskRects, maskInverted = excluded.maskInverted, loadedMask = excluded.loadedMask,
                    parameters = excluded.parameters, updated = excluded.updated
                """, arguments: [session, draft.prompt, try JSON.text(draft.sources), try JSON.text(draft.maskRects),
                                 draft.maskInverted, loadedMaskPNG.map { Data($0) }, try JSON.text(draft.parameters), now])
        }
    }

    /// A session's draft; its loaded mask comes back as PNG bytes in `loadedMaskPNG`.
    public func draft(session: String) throws(SessionStoreError) -> (draft: Draft, loadedMaskPNG: [UInt8]?)? {
        try read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM draft WHERE sessionID = ?", arguments: [session]) else { return nil }
            return (try Self.draftValue(row), (row["loadedMask"] as Data?).map { [UInt8]($0) })
        }
    }

    static func draft(_ db: Database, session: String) throws -> Draft? {
        try Row.fetchOne(db, sql: "SELECT * FROM draft WHERE sessionID = ?", arguments: [session]).map(draftValue)
    }

    static func draftValue(_ row: Row) throws -> Draft {
        Draft(prompt: row["prompt"], sources: try JSON.value(row["sources"]), maskRects: try JSON.value(row["maskRects"]),
              maskInverted: row["maskInverted"], parameters: try JSON.value(row["parameters"]))
    }

    // MARK: - Runs

    /// What is recorded when a run starts.
    public struct NewRun: Sendable {
        public var session: String
        public var prompt: String
        public var parameters: [String: String]
        public var sources: [SourceReference]
        public var maskRects: [PixelRect]
        public var maskInverted: Bool
        /// The mask PNG as sent, and the loaded mask it was made with.
        public var maskPNG: [UInt8]?
        public var loadedMaskPNG: [UInt8]?
        public var backend: String
        public var started: Double
        public var pid: Int32

        public init(session: String, prompt: String, parameters: [String: String], sources: [SourceReference], maskRects: [PixelRect],
                    maskInverted: Bool, maskPNG: [UInt8]?, loadedMaskPNG: [UInt8]?, backend: String, started: Double, pid: Int32) {
            self.session = session
            self.prompt = prompt
            self.parameters = parameters
            self.sources = sources
            self.maskRects = maskRects
            self.maskInverted = maskInverted
            self.maskPNG = maskPNG
            self.loadedMaskPNG = loadedMaskPNG
            self.backend = backend
            self.started = started
            self.pid = pid
        }
    }

    public func runStarted(_ run: NewRun) throws(SessionStoreError) -> Int64 {
        try write { db in
            try db.execute(sql: """
                INSERT INTO run (sessionID, started, status, prompt, parameters, sources, maskRects, maskInverted, maskPNG,
                                 loadedMask, backend, pid)
                VALUES (?, ?, 'running', ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [run.session, run.started, run.prompt, try JSON.text(run.parameters), try JSON.text(run.sources),
                                 try JSON.text(run.maskRects), run.maskInverted, run.maskPNG.map { Data($0) },
                                 run.loadedMaskPNG.map { Data($0) }, URLRedaction.redact(run.backend), Int(run.pid)])
            return db.lastInsertedRowID
        }
    }

    public func resultSaved(run: Int64, path: String, index: Int, now: Double) throws(SessionStoreError) {
        try write { db in
            try db.execute(sql: "INSERT INTO result (runID, path, imageIndex, created) VALUES (?, ?, ?, ?)",
                           arguments: [run, path, index, now])
        }
    }

    public struct Usage: Equatable, Sendable {
        public var input: Int?
        public var output: Int?
        public var total: Int?

        public init(input: Int?, output: Int?, total: Int?) {
            self.input = input
            self.output = output
            self.total = total
        }
    }

    public func runFinished(run: Int64, status: PastRun.Status, error: String?, usage: Usage?, now: Double) throws(SessionStoreError) {
        try write { db in
            try db.execute(sql: """
                UPDATE run SET status = ?, error = ?, finished = ?, inputTokens = ?, outputTokens = ?, totalTokens = ?
                WHERE id = ?
                """, arguments: [status.rawValue, error.map(URLRedaction.redactURLs(in:)), now, usage?.input, usage?.output, usage?.total, run])
        }
    }

    /// Whether a process of this machine still runs (one of another user's counts too).
    public static func processIsAlive(_ pid: Int32) -> Bool {
        guard kill(pid, 0) == 0 || errno == EPERM else { return false }
        // A process that has ended but is not yet reaped (its parent went first) is a zombie:
        // `kill` still finds it. /proc/PID/stat says `Z` after the command's name.
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return true }
        return stat[stat.index(after: close)...].trimmingCharacters(in: .whitespaces).first != "Z"
    }

    /// Runs left `running` by an editor that is gone (a dropped connection) become
    /// `interrupted`; returns how many.
    @discardableResult
    public func markInterrupted(isAlive: (Int32) -> Bool = processIsAlive) throws(SessionStoreError) -> Int {
        try write { db in
            let running = try Row.fetchAll(db, sql: "SELECT id, pid FROM run WHERE status = 'running'")
            var count = 0
            for row in running where !isAlive(Int32(row["pid"] as Int)) {
                try db.execute(sql: "UPDATE run SET status = 'interrupted' WHERE id = ?", arguments: [row["id"] as Int64])
                count += 1
            }
            return count
        }
    }

    /// Runs newest first: of one session or all, whose prompt contains `filter` (any case).
    public func runs(session: String?, filter: String = "", limit: Int = 500) throws(SessionStoreError) -> [PastRun] {
        try read { db in
            var conditions: [String] = []
            var arguments: StatementArguments = []
            if let session {
                conditions.append("sessionID = ?")
                arguments += [session]
            }
            if !filter.isEmpty {
                conditions.append("prompt LIKE ? ESCAPE '\\'")
                let escaped = filter.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%")
                    .replacingOccurrences(of: "_", with: "\\_")
                arguments += ["%" + escaped + "%"]
            }
            let whereClause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
            let rows = try Row.fetchAll(db, sql: "SELECT \(Self.runColumns) FROM run \(whereClause) ORDER BY started DESC, id DESC LIMIT \(limit)",
                                        arguments: arguments)
            return try rows.map { try Self.pastRun($0, db) }
        }
    }

    public func run(_ id: Int64) throws(SessionStoreError) -> PastRun {
        let found: PastRun? = try read { db in
            try Row.fetchOne(db, sql: "SELECT \(Self.runColumns) FROM run WHERE id = ?", arguments: [id]).map { try Self.pastRun($0, db) }
        }
        guard let found else { throw .noSuchRun(id) }
        return found
    }

    /// The mask PNG a run sent, and the loaded mask it was made with.
    public func masks(of id: Int64) throws(SessionStoreError) -> (sent: [UInt8]?, loaded: [UInt8]?) {
        let row: Row? = try read { db in try Row.fetchOne(db, sql: "SELECT maskPNG, loadedMask FROM run WHERE id = ?", arguments: [id]) }
        guard let row else { throw .noSuchRun(id) }
        return ((row["maskPNG"] as Data?).map { [UInt8]($0) }, (row["loadedMask"] as Data?).map { [UInt8]($0) })
    }

    /// A run's columns without its mask images.
    static let runColumns = """
        id, sessionID, started, finished, status, prompt, parameters, sources, maskRects, maskInverted,
        loadedMask IS NOT NULL AS hasLoadedMask, backend, error, inputTokens, outputTokens, totalTokens
        """

    static func pastRun(_ row: Row, _ db: Database) throws -> PastRun {
        let id: Int64 = row["id"]
        let results = try String.fetchAll(db, sql: "SELECT path FROM result WHERE runID = ? ORDER BY created, id", arguments: [id])
        return PastRun(id: id, sessionID: row["sessionID"], started: row["started"], finished: row["finished"],
                       status: PastRun.Status(rawValue: row["status"]) ?? .interrupted, prompt: row["prompt"],
                       parameters: try JSON.value(row["parameters"]), sources: try JSON.value(row["sources"]),
                       maskRects: try JSON.value(row["maskRects"]), maskInverted: row["maskInverted"],
                       hasLoadedMask: row["hasLoadedMask"],
                       // A store written by an older version may hold a URL with its password.
                       backend: URLRedaction.redact(row["backend"]),
                       error: (row["error"] as String?).map(URLRedaction.redactURLs(in:)), inputTokens: row["inputTokens"], outputTokens: row["outputTokens"],
                       totalTokens: row["totalTokens"], results: results)
    }

    /// Prompts sent in other sessions, oldest first, each once (its latest use).
    public func prompts(excludingSession session: String?, limit: Int = 1000) throws(SessionStoreError) -> [String] {
        try read { db in
            try String.fetchAll(db, sql: """
                SELECT prompt FROM run WHERE sessionID IS NOT ? GROUP BY prompt ORDER BY MAX(started) DESC LIMIT ?
                """, arguments: [session, limit]).reversed()
        }
    }

    /// Tokens the API reported for a session's runs.
    public func tokens(session: String) throws(SessionStoreError) -> Int {
        try read { db in
            try Int.fetchOne(db, sql: "SELECT COALESCE(SUM(totalTokens), 0) FROM run WHERE sessionID = ?", arguments: [session]) ?? 0
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
