import Foundation
import GRDB
import SessionModel
import Testing
@testable import SessionStore

/// Variant sets: runs sent together, tagged with their set and number, and a winner chosen.
@Suite struct VariantSetTests {
    func tagged(_ session: String, _ prompt: String, at started: Double, set: Int64, number: Int) -> SessionStore.NewRun {
        var run = newRun(session, prompt: prompt, at: started)
        // isWinner is the store's to say, whatever the run claims.
        run.variant = VariantTag(set: set, number: number, label: String(prompt.prefix(12)), isWinner: true)
        return run
    }

    @Test func aSetKeepsItsRunsInVariantOrderAndItsWinner() throws {
        let store = try SessionStore(path: temporaryStorePath())
        let session = try store.startSession(resultsFolder: "/r", now: 1)
        let set = try store.setStarted(session: session, started: 10, sweptField: nil)
        // Recorded out of order: the set lists them by number.
        let second = try store.runStarted(tagged(session, "a green boat at dusk", at: 10.2, set: set, number: 2))
        let first = try store.runStarted(tagged(session, "a red boat at dawn", at: 10.1, set: set, number: 1))
        let third = try store.runStarted(tagged(session, "a blue boat", at: 10.3, set: set, number: 3))
        let alone = try store.runStarted(newRun(session, prompt: "fog", at: 11))

        let past = try store.set(set)
        #expect(past.runs.map(\.id) == [first, second, third])
        #expect(past.winner == nil && past.sessionID == session && past.started == 10 && past.sweptField == nil)
        #expect(past.runs.map { $0.variant?.label } == ["a red boat a", "a green boat", "a blue boat"])
        #expect(past.runs.allSatisfy { $0.variant?.set == set && $0.variant?.isWinner == false }, "no winner yet")
        #expect(try store.run(alone).variant == nil)

        try store.chooseWinner(set: set, run: second)
        #expect(try store.set(set).winner == second)
        #expect(try store.run(second).variant == VariantTag(set: set, number: 2, label: "a green boat", isWinner: true))
        #expect(try store.runs(session: session).compactMap { $0.variant?.isWinner == true ? $0.id : nil } == [second])

        // Choosing again replaces the winner.
        try store.chooseWinner(set: set, run: third)
        #expect(try store.set(set).winner == third)
        #expect(try store.runs(session: session).compactMap { $0.variant?.isWinner == true ? $0.id : nil } == [third])
        #expect(try store.set(set).runs.map { $0.variant?.isWinner } == [false, false, true])
    }

    @Test func aWinnerFromElsewhereIsRefused() throws {
        let store = try SessionStore(path: temporaryStorePath())
        let session = try store.startSession(resultsFolder: "/r", now: 1)
        let set = try store.setStarted(session: session, started: 10, sweptField: "quality")
        let other = try store.setStarted(session: session, started: 20, sweptField: nil)
        let mine = try store.runStarted(tagged(session, "quality=low", at: 10, set: set, number: 1))
        let foreign = try store.runStarted(tagged(session, "x", at: 20, set: other, number: 1))
        let alone = try store.runStarted(newRun(session, prompt: "y", at: 30))
        try store.chooseWinner(set: set, run: mine)

        #expect(throws: SessionStoreError.notInSet(run: foreign, set: set)) { try store.chooseWinner(set: set, run: foreign) }
        #expect(throws: SessionStoreError.notInSet(run: alone, set: set)) { try store.chooseWinner(set: set, run: alone) }
        #expect(throws: SessionStoreError.noSuchRun(999)) { try store.chooseWinner(set: set, run: 999) }
        #expect(throws: SessionStoreError.noSuchSet(999)) { try store.chooseWinner(set: 999, run: mine) }
        #expect(throws: SessionStoreError.noSuchSet(999)) { try store.set(999) }
        #expect(try store.set(set).winner == mine, "a refused choice leaves the winner")
        #expect(SessionStoreError.notInSet(run: foreign, set: set).description.contains("run \(foreign)"))
        #expect(SessionStoreError.noSuchSet(999).description.contains("no variant set 999"))
    }

    @Test func setsAreListedNewestFirst() throws {
        let store = try SessionStore(path: temporaryStorePath())
        let session = try store.startSession(resultsFolder: "/r", now: 1)
        let elsewhere = try store.startSession(resultsFolder: "/r2", now: 1)
        let old = try store.setStarted(session: session, started: 10, sweptField: nil)
        let new = try store.setStarted(session: session, started: 30, sweptField: "quality")
        let middle = try store.setStarted(session: elsewhere, started: 20, sweptField: nil)
        for (set, time) in [(old, 10.0), (new, 30.0), (middle, 20.0)] {
            for number in [2, 1] {
                _ = try store.runStarted(tagged(set == middle ? elsewhere : session, "v\(number)", at: time, set: set, number: number))
            }
        }
        #expect(try store.sets(session: nil).map(\.id) == [new, middle, old])
        #expect(try store.sets(session: session).map(\.id) == [new, old])
        #expect(try store.sets(session: nil, limit: 2).map(\.id) == [new, middle])
        let newest = try #require(try store.sets(session: session).first)
        #expect(newest.sweptField == "quality" && newest.runs.map { $0.variant?.number } == [1, 2])
        #expect(try store.sets(session: "no such session").isEmpty)
    }

    /// A deleted winner leaves a set without one; a session's sets go with it.
    @Test func deletionsKeepTheSetsWhole() throws {
        let store = try SessionStore(path: temporaryStorePath())
        let session = try store.startSession(resultsFolder: "/r", now: 1)
        let set = try store.setStarted(session: session, started: 10, sweptField: nil)
        let winner = try store.runStarted(tagged(session, "a", at: 10, set: set, number: 1))
        let other = try store.runStarted(tagged(session, "b", at: 10, set: set, number: 2))
        try store.chooseWinner(set: set, run: winner)
        try store.pool.write { db in try db.execute(sql: "DELETE FROM run WHERE id = ?", arguments: [winner]) }
        let left = try store.set(set)
        #expect(left.winner == nil && left.runs.map(\.id) == [other])
        try store.pool.write { db in try db.execute(sql: "DELETE FROM session WHERE id = ?", arguments: [session]) }
        #expect(try store.sets(session: nil).isEmpty)
    }

    @Test func aDraftKeepsItsVariantsAndItsSweep() throws {
        let store = try SessionStore(path: temporaryStorePath())
        let session = try store.startSession(resultsFolder: "/r", now: 1)
        let draft = Draft(prompt: "a green boat", sources: ["/a.png"], parameters: ["quality": "high"],
                          variants: ["a red boat", "a green boat", "a blue boat"], activeVariant: 1,
                          sweep: SweptField(field: "quality", values: ["low", "medium", "high"]))
        try store.saveDraft(draft, session: session, loadedMaskPNG: nil, now: 2)
        #expect(try store.draft(session: session)?.draft == draft)
        #expect(try store.lastSession()?.draft == draft)

        // Back to a single prompt and no sweep: nothing is left of them.
        let single = Draft(prompt: "fog", sources: ["/a.png"])
        try store.saveDraft(single, session: session, loadedMaskPNG: nil, now: 3)
        #expect(try store.draft(session: session)?.draft == single)
        let row = try store.pool.read { db in try Row.fetchOne(db, sql: "SELECT variants, sweep FROM draft WHERE sessionID = ?", arguments: [session]) }
        #expect(row?["variants"] as String? == nil && row?["sweep"] as String? == nil)
    }

    /// A store of the version before variant sets: its runs and draft read as they were, and
    /// sets can be added to its sessions.
    @Test func aStoreOfThePreviousVersionMigrates() throws {
        let path = temporaryStorePath()
        let previous = try #require(SessionStore.migrations.firstIndex(of: "variant sets")).advanced(by: -1)
        do {
            let old = try SessionStore(path: path, upTo: SessionStore.migrations[previous])
            #expect(try old.appliedMigrations() == Array(SessionStore.migrations[...previous]))
            try old.pool.write { db in
                try db.execute(sql: "INSERT INTO session (id, started, resultsFolder) VALUES ('s', 1, '/r')")
                try db.execute(sql: """
                    INSERT INTO run (sessionID, started, status, prompt, parameters, sources, maskRects, maskInverted, backend, pid, totalTokens)
                    VALUES ('s', 2, 'completed', 'old prompt', '{}', '[]', '[]', 0, 'OpenAI', 1, 42)
                    """)
                try db.execute(sql: """
                    INSERT INTO draft (sessionID, prompt, sources, maskRects, maskInverted, parameters, updated)
                    VALUES ('s', 'old draft', '["/a.png"]', '[]', 0, '{"n":"2"}', 3)
                    """)
            }
        }
        let store = try SessionStore(path: path)
        #expect(try store.appliedMigrations() == SessionStore.migrations)
        #expect(try store.appliedMigrations().last == "variant sets")
        let run = try #require(try store.runs(session: "s").first)
        #expect(run.prompt == "old prompt" && run.totalTokens == 42 && run.variant == nil)
        #expect(try store.draft(session: "s")?.draft == Draft(prompt: "old draft", sources: ["/a.png"], parameters: ["n": "2"]))
        #expect(try store.sets(session: nil).isEmpty)

        let set = try store.setStarted(session: "s", started: 4, sweptField: "size")
        let variant = try store.runStarted(tagged("s", "size=1024x1024", at: 4, set: set, number: 1))
        try store.chooseWinner(set: set, run: variant)
        #expect(try store.set(set).runs.map(\.id) == [variant])
        #expect(try store.run(variant).variant?.isWinner == true)
    }
}
