import GRDB

/// The store's tables, and the migrations that bring an older store up to date.
extension SessionStore {
    /// Migration names, oldest first. A store made by an older Retouch migrates on open.
    public static let migrations = ["sessions, drafts, runs and results", "usage per run", "text and image tokens per run",
                                    "variant sets"]

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
        // Text and image tokens are priced apart.
        migrator.registerMigration(migrations[2]) { db in
            try db.execute(sql: """
                ALTER TABLE run ADD COLUMN inputTextTokens INTEGER;
                ALTER TABLE run ADD COLUMN inputImageTokens INTEGER;
                ALTER TABLE run ADD COLUMN outputTextTokens INTEGER;
                ALTER TABLE run ADD COLUMN outputImageTokens INTEGER;
                """)
        }
        // Several variants sent together, one run each, and the one chosen; the draft keeps
        // its prompt variants and the parameter it sweeps.
        migrator.registerMigration(migrations[3]) { db in
            try db.execute(sql: """
                CREATE TABLE variantSet (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    sessionID TEXT NOT NULL REFERENCES session(id) ON DELETE CASCADE,
                    started REAL NOT NULL,
                    sweptField TEXT,
                    winnerRunID INTEGER REFERENCES run(id) ON DELETE SET NULL);
                CREATE INDEX variantSet_session ON variantSet(sessionID, started);
                ALTER TABLE run ADD COLUMN setID INTEGER REFERENCES variantSet(id) ON DELETE SET NULL;
                ALTER TABLE run ADD COLUMN variantNumber INTEGER;
                ALTER TABLE run ADD COLUMN variantLabel TEXT;
                CREATE INDEX run_set ON run(setID, variantNumber);
                ALTER TABLE draft ADD COLUMN variants TEXT;
                ALTER TABLE draft ADD COLUMN activeVariant INTEGER;
                ALTER TABLE draft ADD COLUMN sweep TEXT;
                """)
        }
        return migrator
    }

    /// The migrations applied to the store, oldest first.
    public func appliedMigrations() throws(SessionStoreError) -> [String] {
        try read { db in try Self.migrator.appliedMigrations(db) }
    }
}
