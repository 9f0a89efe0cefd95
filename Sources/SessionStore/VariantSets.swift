import GRDB
import SessionModel

/// Variant sets: several runs sent together to be compared (prompt variants, or one parameter
/// swept over values), and the one chosen as the winner.
extension SessionStore {
    /// Records a set as it is sent, before its runs (`NewRun.variant` names it); returns its id.
    /// `sweptField` is the API field swept, nil for prompt variants.
    public func setStarted(session: String, started: Double, sweptField: String?) throws(SessionStoreError) -> Int64 {
        try write { db in
            try db.execute(sql: "INSERT INTO variantSet (sessionID, started, sweptField) VALUES (?, ?, ?)",
                           arguments: [session, started, sweptField])
            return db.lastInsertedRowID
        }
    }

    /// Makes `run` the set's winner, in place of the one chosen before, if any. The run must be
    /// one of the set's.
    public func chooseWinner(set: Int64, run: Int64) throws(SessionStoreError) {
        try write { db in
            guard try Bool.fetchOne(db, sql: "SELECT 1 FROM variantSet WHERE id = ?", arguments: [set]) != nil else {
                throw SessionStoreError.noSuchSet(set)
            }
            guard let row = try Row.fetchOne(db, sql: "SELECT setID FROM run WHERE id = ?", arguments: [run]) else {
                throw SessionStoreError.noSuchRun(run)
            }
            guard row["setID"] as Int64? == set else { throw SessionStoreError.notInSet(run: run, set: set) }
            try db.execute(sql: "UPDATE variantSet SET winnerRunID = ? WHERE id = ?", arguments: [run, set])
        }
    }

    /// Sets newest first, of one session or all, each with its runs in variant order.
    public func sets(session: String?, limit: Int = 500) throws(SessionStoreError) -> [PastSet] {
        try read { db in
            let rows = try Row.fetchAll(db, sql: """
                SELECT * FROM variantSet WHERE ? IS NULL OR sessionID = ? ORDER BY started DESC, id DESC LIMIT ?
                """, arguments: [session, session, limit])
            return try rows.map { try Self.pastSet($0, db) }
        }
    }

    public func set(_ id: Int64) throws(SessionStoreError) -> PastSet {
        let found: PastSet? = try read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM variantSet WHERE id = ?", arguments: [id]).map { try Self.pastSet($0, db) }
        }
        guard let found else { throw .noSuchSet(id) }
        return found
    }

    static func pastSet(_ row: Row, _ db: Database) throws -> PastSet {
        let id: Int64 = row["id"]
        let runs = try Row.fetchAll(db, sql: "SELECT \(runColumns) FROM run WHERE setID = ? ORDER BY variantNumber, id",
                                    arguments: [id])
        return PastSet(id: id, sessionID: row["sessionID"], started: row["started"], sweptField: row["sweptField"],
                       winner: row["winnerRunID"], runs: try runs.map { try pastRun($0, db) })
    }
}
