import Foundation
import GRDB
import ImageEditModel
import Raster
import SessionModel

#if canImport(Glibc)
import Glibc
#endif

/// Runs: recorded when they start, finished with their status and usage, listed by `retouch history`.
extension SessionStore {
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
        /// The run's place in a variant set (`setStarted`), nil for a run sent alone. Its label
        /// is kept as the prompt is; `isWinner` is ignored (`chooseWinner` sets it).
        public var variant: VariantTag?

        public init(session: String, prompt: String, parameters: [String: String], sources: [SourceReference], maskRects: [PixelRect],
                    maskInverted: Bool, maskPNG: [UInt8]?, loadedMaskPNG: [UInt8]?, backend: String, started: Double, pid: Int32,
                    variant: VariantTag? = nil) {
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
            self.variant = variant
        }
    }

    public func runStarted(_ run: NewRun) throws(SessionStoreError) -> Int64 {
        try write { db in
            try db.execute(sql: """
                INSERT INTO run (sessionID, started, status, prompt, parameters, sources, maskRects, maskInverted, maskPNG,
                                 loadedMask, backend, pid, setID, variantNumber, variantLabel)
                VALUES (?, ?, 'running', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [run.session, run.started, run.prompt, try JSON.text(run.parameters), try JSON.text(run.sources),
                                 try JSON.text(run.maskRects), run.maskInverted, run.maskPNG.map { Data($0) },
                                 run.loadedMaskPNG.map { Data($0) }, URLRedaction.redact(run.backend), Int(run.pid),
                                 run.variant?.set, run.variant?.number, run.variant?.label])
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
        /// The split into text and image tokens, which are priced apart.
        public var inputText: Int?
        public var inputImage: Int?
        public var outputText: Int?
        public var outputImage: Int?

        public init(input: Int?, output: Int?, total: Int?, inputText: Int? = nil, inputImage: Int? = nil,
                    outputText: Int? = nil, outputImage: Int? = nil) {
            self.input = input
            self.output = output
            self.total = total
            self.inputText = inputText
            self.inputImage = inputImage
            self.outputText = outputText
            self.outputImage = outputImage
        }

        /// The usage as the API reported it, split included.
        public init(_ usage: ImageEditModel.Usage) {
            self.init(input: usage.inputTokens, output: usage.outputTokens, total: usage.totalTokens,
                      inputText: usage.inputTokensDetails?.textTokens, inputImage: usage.inputTokensDetails?.imageTokens,
                      outputText: usage.outputTokensDetails?.textTokens, outputImage: usage.outputTokensDetails?.imageTokens)
        }
    }

    public func runFinished(run: Int64, status: PastRun.Status, error: String?, usage: Usage?, now: Double) throws(SessionStoreError) {
        try write { db in
            try db.execute(sql: """
                UPDATE run SET status = ?, error = ?, finished = ?, inputTokens = ?, outputTokens = ?, totalTokens = ?,
                    inputTextTokens = ?, inputImageTokens = ?, outputTextTokens = ?, outputImageTokens = ?
                WHERE id = ?
                """, arguments: [status.rawValue, error.map(URLRedaction.redactURLs(in:)), now, usage?.input, usage?.output, usage?.total,
                                 usage?.inputText, usage?.inputImage, usage?.outputText, usage?.outputImage, run])
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

    /// A run's columns without its mask images, with its place in a variant set (of a query
    /// `FROM run`).
    static let runColumns = """
        id, sessionID, started, finished, status, prompt, parameters, sources, maskRects, maskInverted,
        loadedMask IS NOT NULL AS hasLoadedMask, backend, error, inputTokens, outputTokens, totalTokens,
        inputTextTokens, inputImageTokens, outputTextTokens, outputImageTokens, setID, variantNumber, variantLabel,
        EXISTS (SELECT 1 FROM variantSet WHERE variantSet.id = run.setID AND variantSet.winnerRunID = run.id) AS isWinner
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
                       totalTokens: row["totalTokens"], results: results, inputTextTokens: row["inputTextTokens"],
                       inputImageTokens: row["inputImageTokens"], outputTextTokens: row["outputTextTokens"],
                       outputImageTokens: row["outputImageTokens"], variant: variantTag(row))
    }

    static func variantTag(_ row: Row) -> VariantTag? {
        guard let set: Int64 = row["setID"] else { return nil }
        return VariantTag(set: set, number: row["variantNumber"] ?? 0, label: row["variantLabel"] ?? "", isWinner: row["isWinner"])
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
