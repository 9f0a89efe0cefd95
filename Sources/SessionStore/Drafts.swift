import Foundation
import GRDB
import SessionModel

/// A session: one editor's work, its draft and its runs.
public struct SessionRecord: Equatable, Sendable {
    public var id: String
    public var started: Double
    public var resultsFolder: String
    public var draft: Draft?
}

/// Sessions, and the draft each one keeps between launches.
extension SessionStore {
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
                INSERT INTO draft (sessionID, prompt, sources, maskRects, maskInverted, loadedMask, parameters, updated,
                                   variants, activeVariant, sweep)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT(sessionID) DO UPDATE SET prompt = excluded.prompt, sources = excluded.sources,
                    maskRects = excluded.maskRects, maskInverted = excluded.maskInverted, loadedMask = excluded.loadedMask,
                    parameters = excluded.parameters, updated = excluded.updated, variants = excluded.variants,
                    activeVariant = excluded.activeVariant, sweep = excluded.sweep
                """, arguments: [session, draft.prompt, try JSON.text(draft.sources), try JSON.text(draft.maskRects),
                                 draft.maskInverted, loadedMaskPNG.map { Data($0) }, try JSON.text(draft.parameters), now,
                                 // No variants (a single prompt) and no sweep are NULL.
                                 draft.variants.isEmpty ? nil : try JSON.text(draft.variants), draft.activeVariant,
                                 try draft.sweep.map { try JSON.text($0) }])
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
        // A draft saved by an older version has no variants and no sweep (NULL).
        let variants: [String] = try (row["variants"] as String?).map { try JSON.value($0) } ?? []
        let sweep: SweptField? = try (row["sweep"] as String?).map { try JSON.value($0) }
        return Draft(prompt: row["prompt"], sources: try JSON.value(row["sources"]), maskRects: try JSON.value(row["maskRects"]),
                     maskInverted: row["maskInverted"], parameters: try JSON.value(row["parameters"]), variants: variants,
                     activeVariant: row["activeVariant"] ?? 0, sweep: sweep)
    }
}
