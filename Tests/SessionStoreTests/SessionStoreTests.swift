import FileAccess
import ImageEditModel
import Testing
@testable import SessionStore

@Suite struct ContentHashTests {
    /// FIPS 180-2's examples and the padding edges: 55 bytes fit the length in the block, 56 just
    /// do not, 64 take a block of their own.
    static let known: [(bytes: [UInt8], digest: String)] = [
        ([], "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        (Array("abc".utf8), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        (Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8),
         "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
        ([UInt8](repeating: 0x61, count: 55), "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318"),
        ([UInt8](repeating: 0x61, count: 56), "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a"),
        ([UInt8](repeating: 0x61, count: 64), "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb"),
        ([UInt8](repeating: 0x61, count: 1_000_000), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"),
    ]

    @Test func knownDigests() {
        for (bytes, digest) in Self.known { #expect(ContentHash.sha256(bytes) == digest, "\(bytes.count) bytes") }
    }

    @Test func filesAreHashedInChunks() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("retouch-hash-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        for (index, (bytes, digest)) in Self.known.enumerated() {
            let url = folder.appendingPathComponent("\(index)")
            try Data(bytes).write(to: url)
            #expect(try ContentHash.sha256(file: url.path) == digest, "\(bytes.count) bytes")
        }
        // Across chunk boundaries: a chunk and a byte, three chunks exactly, and a mixed pattern.
        for count in [ContentHash.chunkSize + 1, 3 * ContentHash.chunkSize, 2 * ContentHash.chunkSize + 4093] {
            let bytes = (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 9) }
            let url = folder.appendingPathComponent("chunks-\(count)")
            try Data(bytes).write(to: url)
            #expect(try ContentHash.sha256(file: url.path) == ContentHash.sha256(bytes), "\(count) bytes")
        }
        // Three chunks and five bytes of 'a', against a digest made elsewhere.
        let long = folder.appendingPathComponent("long")
        try Data(repeating: 0x61, count: 3 * ContentHash.chunkSize + 5).write(to: long)
        #expect(ContentHash.chunkSize == 1 << 20)
        #expect(try ContentHash.sha256(file: long.path) == "aff2c7498aae939dfb2fb1dc6c0c83fa3708b069428e51338801af7f5dc2bf0f")
        #expect(throws: FileAccessError.self) { try ContentHash.sha256(file: folder.appendingPathComponent("missing").path) }
    }
}

import FileAccess
import Foundation
import TestSupport
import GRDB
import Raster
import SessionModel

func temporaryStorePath() -> String {
    TestFolders.unmade("store").appendingPathComponent("sessions.sqlite").path
}

func newRun(_ session: String, prompt: String, at started: Double, pid: Int32 = 1) -> SessionStore.NewRun {
    SessionStore.NewRun(session: session, prompt: prompt, parameters: ["model": "gpt-image-1.5", "n": "2"],
                        sources: [SourceReference(path: "/photos/lake.png", sha256: "ab12")],
                        maskRects: [PixelRect(x: 1, y: 2, width: 30, height: 40)], maskInverted: true,
                        maskPNG: [1, 2, 3], loadedMaskPNG: nil, backend: "local engine", started: started, pid: pid)
}

@Suite struct SessionStoreTests {
    @Test func theStoreLivesWhereHOMEOrXDGDataHomeSays() {
        #expect(SessionStore.defaultPath(environment: ["HOME": "/tmp/someone"]) == "/tmp/someone/.local/share/retouch/sessions.sqlite")
        #expect(SessionStore.defaultPath(environment: ["HOME": "/tmp/someone", "XDG_DATA_HOME": "/tmp/data"]) == "/tmp/data/retouch/sessions.sqlite")
        // Unset or empty, each falls back: XDG_DATA_HOME to ~/.local/share, HOME to the account's home.
        #expect(SessionStore.defaultPath(environment: ["HOME": "/tmp/someone", "XDG_DATA_HOME": ""]) == "/tmp/someone/.local/share/retouch/sessions.sqlite")
        #expect(SessionStore.defaultPath(environment: ["HOME": ""]) == NSHomeDirectory() + "/.local/share/retouch/sessions.sqlite")
        // The config file's folder by the same rules.
        #expect(Folders.configFolder(environment: ["HOME": "/tmp/someone"]) == "/tmp/someone/.config/retouch")
        #expect(Folders.configFolder(environment: ["HOME": "/tmp/someone", "XDG_CONFIG_HOME": "/tmp/c"]) == "/tmp/c/retouch")
    }

    @Test func aDraftComesBackAsItWasSaved() throws {
        let store = try SessionStore(path: temporaryStorePath())
        let session = try store.startSession(resultsFolder: "/data/results/s1", now: 100)
        #expect(try store.draft(session: session) == nil)
        let draft = Draft(prompt: "a red boat\nat dawn", sources: ["/a.png", "/b.jpg"], maskRects: [PixelRect(x: 0, y: 0, width: 5, height: 6)],
                          maskInverted: true, parameters: ["model": "gpt-image-1", "quality": "high"])
        try store.saveDraft(draft, session: session, loadedMaskPNG: [9, 8, 7], now: 101)
        let back = try #require(try store.draft(session: session))
        #expect(back.draft == draft && back.loadedMaskPNG == [9, 8, 7])
        // Saving again replaces it.
        var edited = draft
        edited.prompt = "a blue boat"
        try store.saveDraft(edited, session: session, loadedMaskPNG: nil, now: 102)
        #expect(try store.draft(session: session)?.draft.prompt == "a blue boat")
        #expect(try store.draft(session: session)?.loadedMaskPNG == nil)

        let other = try store.startSession(resultsFolder: "/data/results/s2", now: 103)
        #expect(try store.lastSession()?.id == other, "a new session with no draft yet is the latest")
        try store.saveDraft(edited, session: session, loadedMaskPNG: nil, now: 104)
        let last = try #require(try store.lastSession())
        #expect(last.id == session && last.resultsFolder == "/data/results/s1" && last.draft?.prompt == "a blue boat")
    }

    @Test func runsAreRecordedAsTheyHappen() throws {
        let store = try SessionStore(path: temporaryStorePath())
        let session = try store.startSession(resultsFolder: "/r", now: 1)
        let first = try store.runStarted(newRun(session, prompt: "Add a Red boat", at: 10))
        try store.resultSaved(run: first, path: "/r/edit-1.png", index: 0, now: 11)
        try store.resultSaved(run: first, path: "/r/edit-1-2.png", index: 1, now: 12)
        try store.runFinished(run: first, status: .completed, error: nil, usage: .init(input: 100, output: 200, total: 300), now: 13)
        let second = try store.runStarted(newRun(session, prompt: "remove the sun", at: 20))
        try store.runFinished(run: second, status: .failed, error: "size: invalid (code: invalid_value)", usage: nil, now: 21)

        let runs = try store.runs(session: session)
        #expect(runs.map(\.id) == [second, first], "newest first")
        let done = runs[1]
        #expect(done.status == .completed && done.results == ["/r/edit-1.png", "/r/edit-1-2.png"])
        #expect(done.totalTokens == 300 && done.inputTokens == 100 && done.outputTokens == 200)
        #expect(done.parameters == ["model": "gpt-image-1.5", "n": "2"])
        #expect(done.maskRects == [PixelRect(x: 1, y: 2, width: 30, height: 40)] && done.maskInverted && !done.hasLoadedMask)
        #expect(done.sources == [SourceReference(path: "/photos/lake.png", sha256: "ab12")])
        #expect(runs[0].status == .failed && runs[0].error == "size: invalid (code: invalid_value)")
        #expect(try store.masks(of: first).sent == [1, 2, 3])
        #expect(try store.tokens(session: session) == 300)

        // The filter matches words of the prompt, in any case; % and _ are plain characters.
        #expect(try store.runs(session: session, filter: "red BOAT").map(\.id) == [first])
        #expect(try store.runs(session: session, filter: "100%").isEmpty)
        let elsewhere = try store.startSession(resultsFolder: "/r2", now: 30)
        _ = try store.runStarted(newRun(elsewhere, prompt: "a red kite", at: 31))
        #expect(try store.runs(session: session, filter: "red").count == 1)
        #expect(try store.runs(session: nil, filter: "red").count == 2)
        #expect(throws: SessionStoreError.noSuchRun(999)) { try store.run(999) }
    }

    /// A source that could not be read when the run was sent is recorded as unreadable, not
    /// with the digest of nothing.
    @Test func anUnreadableSourceIsRecordedAsSuch() throws {
        let store = try SessionStore(path: temporaryStorePath())
        let session = try store.startSession(resultsFolder: "/data/results/s1", now: 100)
        var run = newRun(session, prompt: "x", at: 101)
        run.sources = [SourceReference(path: "/gone.png", sha256: nil), SourceReference(path: "/here.png", sha256: "ab12")]
        _ = try store.runStarted(run)
        let sources = try #require(try store.runs(session: session).first).sources
        #expect(sources.map(\.isReadable) == [false, true])
        #expect(sources.map(\.sha256) == [nil, "ab12"])
    }

    @Test func runsOfAnEditorThatIsGoneAreInterrupted() throws {
        let store = try SessionStore(path: temporaryStorePath())
        let session = try store.startSession(resultsFolder: "/r", now: 1)
        let gone = try store.runStarted(newRun(session, prompt: "a", at: 2, pid: 4001))
        try store.resultSaved(run: gone, path: "/r/edit-1.png", index: 0, now: 3)
        let alive = try store.runStarted(newRun(session, prompt: "b", at: 4, pid: 4002))
        #expect(try store.markInterrupted { $0 == 4002 } == 1)
        let interrupted = try store.run(gone)
        #expect(interrupted.status == .interrupted && interrupted.results == ["/r/edit-1.png"], "what arrived is kept")
        #expect(try store.run(alive).status == .running, "another editor's run in flight is left alone")
    }

    @Test func earlierPromptsOfOtherSessionsOnceEachOldestFirst() throws {
        let store = try SessionStore(path: temporaryStorePath())
        let old = try store.startSession(resultsFolder: "/r", now: 1)
        for (prompt, time) in [("fog", 2.0), ("rain", 3.0), ("fog", 4.0)] { _ = try store.runStarted(newRun(old, prompt: prompt, at: time)) }
        let current = try store.startSession(resultsFolder: "/r", now: 5)
        _ = try store.runStarted(newRun(current, prompt: "snow", at: 6))
        #expect(try store.prompts(excludingSession: current) == ["rain", "fog"])
        #expect(try store.prompts(excludingSession: nil) == ["rain", "fog", "snow"])
    }

    /// Text and image tokens are priced apart, so the store keeps the split the API reported.
    @Test func theSplitOfTheTokensIsKept() throws {
        let store = try SessionStore(path: temporaryStorePath())
        let session = try store.startSession(resultsFolder: "/r", now: 1)
        let run = try store.runStarted(newRun(session, prompt: "p", at: 2))
        let reported = ImageEditModel.Usage(inputTokens: 50, outputTokens: 481, totalTokens: 531,
                                            inputTokensDetails: .init(textTokens: 10, imageTokens: 40),
                                            outputTokensDetails: .init(textTokens: 209, imageTokens: 272))
        try store.runFinished(run: run, status: .completed, error: nil, usage: SessionStore.Usage(reported), now: 3)
        let kept = try store.run(run)
        #expect(kept.inputTokens == 50 && kept.outputTokens == 481 && kept.totalTokens == 531)
        #expect(kept.inputTextTokens == 10 && kept.inputImageTokens == 40 && kept.outputTextTokens == 209 && kept.outputImageTokens == 272)
    }

    @Test func aStoreOfTheOlderSchemaMigrates() throws {
        let path = temporaryStorePath()
        do {
            let old = try SessionStore(path: path, upTo: SessionStore.migrations[0])
            #expect(try old.appliedMigrations() == [SessionStore.migrations[0]])
            // Written as the first schema had it: no usage columns.
            try old.pool.write { db in
                try db.execute(sql: "INSERT INTO session (id, started, resultsFolder) VALUES ('s', 1, '/r')")
                try db.execute(sql: """
                    INSERT INTO run (sessionID, started, status, prompt, parameters, sources, maskRects, maskInverted, backend, pid)
                    VALUES ('s', 2, 'completed', 'old prompt', '{"model":"gpt-image-1"}', '[]', '[]', 0, 'OpenAI', 1)
                    """)
            }
        }
        let store = try SessionStore(path: path)
        #expect(try store.appliedMigrations() == SessionStore.migrations)
        let run = try #require(try store.runs(session: "s").first)
        #expect(run.prompt == "old prompt" && run.totalTokens == nil && run.parameters == ["model": "gpt-image-1"])
        try store.runFinished(run: run.id, status: .completed, error: nil, usage: .init(input: 1, output: 2, total: 3), now: 9)
        #expect(try store.run(run.id).totalTokens == 3)
    }

    @Test func twoEditorsWritingAtOnceLeaveAWholeStore() async throws {
        let path = temporaryStorePath()
        let one = try SessionStore(path: path), two = try SessionStore(path: path)
        let sessionOne = try one.startSession(resultsFolder: "/1", now: 1)
        let sessionTwo = try two.startSession(resultsFolder: "/2", now: 1)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (store, session) in [(one, sessionOne), (two, sessionTwo)] {
                group.addTask {
                    for i in 0..<150 {
                        let run = try store.runStarted(newRun(session, prompt: "p\(i)", at: Double(i)))
                        try store.resultSaved(run: run, path: "/x/\(i).png", index: 0, now: Double(i))
                        try store.saveDraft(Draft(prompt: "d\(i)"), session: session, loadedMaskPNG: nil, now: Double(i))
                        try store.runFinished(run: run, status: .completed, error: nil, usage: nil, now: Double(i))
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(try one.runs(session: nil, limit: 1000).count == 300)
        #expect(try two.runs(session: sessionOne, limit: 1000).allSatisfy { $0.results.count == 1 && $0.status == .completed })
        let check = try await one.pool.read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check") }
        #expect(check == ["ok"])
        let mode = try await one.pool.read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") }
        #expect(mode == "wal")
    }

    @Test func aFileThatIsNotAStoreIsReportedNotCrashedOn() throws {
        let path = temporaryStorePath()
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data("this is not a database, it is a shopping list".utf8).write(to: URL(fileURLWithPath: path))
        do {
            _ = try SessionStore(path: path)
            Issue.record("a broken store should be refused")
        } catch {
            #expect(error.description.contains(path) && error.description.contains("move it aside"))
        }
    }
}

/// The store holds prompts, paths and masks: it is nobody else's to read.
@Suite struct SessionStorePrivacyTests {
    func mode(_ path: String) -> mode_t {
        var info = stat()
        guard stat(path, &info) == 0 else { return 0 }
        return info.st_mode & 0o777
    }

    @Test func theFoldersItMakesAre0700AndTheStore0600() throws {
        let top = TestFolders.unmade("private").path
        let path = top + "/share/retouch/sessions.sqlite"
        let store = try SessionStore(path: path)
        let session = try store.startSession(resultsFolder: "/r", now: 1)
        _ = try store.runStarted(newRun(session, prompt: "a private prompt", at: 2))
        for folder in [top, top + "/share", top + "/share/retouch"] {
            #expect(mode(folder) == 0o700, "\(folder) is \(String(mode(folder), radix: 8))")
        }
        for file in [path, path + "-wal", path + "-shm"] {
            #expect(FileManager.default.fileExists(atPath: file))
            #expect(mode(file) == 0o600, "\(file) is \(String(mode(file), radix: 8))")
        }
    }

    @Test func aStoreOthersCouldReadIsMadePrivate() throws {
        let path = temporaryStorePath()
        let store = try SessionStore(path: path)
        _ = try store.startSession(resultsFolder: "/r", now: 1)
        for file in [path, path + "-wal", path + "-shm"] { chmod(file, 0o644) }
        let folder = (path as NSString).deletingLastPathComponent
        chmod(folder, 0o755)
        _ = try SessionStore(path: path)
        for file in [path, path + "-wal", path + "-shm"] {
            #expect(mode(file) == 0o600, "\(file) is \(String(mode(file), radix: 8))")
        }
        #expect(mode(folder) == 0o755, "a folder that exists is the user's to set")
    }

    @Test func urlsAreRecordedAndReadWithoutPasswordsOrQueries() throws {
        let store = try SessionStore(path: temporaryStorePath())
        let session = try store.startSession(resultsFolder: "/r", now: 1)
        var run = newRun(session, prompt: "p", at: 2)
        run.backend = "https://user:secret@proxy.example/v1?key=secret2"
        let id = try store.runStarted(run)
        try store.runFinished(run: id, status: .failed, error: "timed out talking to https://user:secret@proxy.example/v1/images/edits",
                              usage: nil, now: 3)
        let stored = try store.pool.read { db in try Row.fetchOne(db, sql: "SELECT backend, error FROM run WHERE id = ?", arguments: [id]) }
        #expect(stored?["backend"] as String? == "https://proxy.example/v1")
        #expect(stored?["error"] as String? == "timed out talking to https://proxy.example/v1/images/edits")

        // A store written by an older version: what it holds is redacted as it is read.
        try store.pool.write { db in
            try db.execute(sql: "UPDATE run SET backend = ?, error = ? WHERE id = ?",
                           arguments: ["http://u:pw@10.0.0.1:8080/v1", "cannot connect to http://u:pw@10.0.0.1:8080/v1/images/edits: refused", id])
        }
        let past = try store.run(id)
        #expect(past.backend == "http://10.0.0.1:8080/v1")
        #expect(past.error == "cannot connect to http://10.0.0.1:8080/v1/images/edits: refused")
    }
}

@Suite struct ProcessLivenessTests {
    /// Starts `/bin/sh -c script` without reaping it.
    func spawn(_ script: String) throws -> pid_t {
        var pid: pid_t = 0
        let arguments = ["/bin/sh", "-c", script]
        var argv = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        guard posix_spawn(&pid, "/bin/sh", nil, nil, &argv, environ) == 0 else { throw POSIXError(.EAGAIN) }
        return pid
    }

    @Test func anEndedButUnreapedProcessIsNotAlive() async throws {
        let running = try spawn("sleep 5")
        let ended = try spawn("exit 0")
        defer {
            kill(running, SIGKILL)
            var status: Int32 = 0
            waitpid(running, &status, 0)
            waitpid(ended, &status, 0)
        }
        #expect(SessionStore.processIsAlive(running))
        // Until it is reaped, the ended one is a zombie that kill(pid, 0) still finds.
        var zombie = false
        for _ in 0..<50 where !zombie {
            zombie = ((try? String(contentsOfFile: "/proc/\(ended)/stat", encoding: .utf8)) ?? "").contains(") Z")
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(zombie && kill(ended, 0) == 0)
        #expect(!SessionStore.processIsAlive(ended))
    }
}
