import EditorCore
import Foundation
import Raster
import SessionModel
import SessionStore
import Testing

@Suite struct HistoryCommandTests {
    /// A data home with a store holding two runs of one session, the first with two results on disk.
    func dataHomeWithRuns() throws -> (home: URL, environment: [String: String], firstRun: Int64) {
        let home = try CLI.temporaryFolder()
        var environment = CLI.cleanEnvironment
        environment["XDG_DATA_HOME"] = home.path
        let store = try SessionStore(path: SessionStore.defaultPath(environment: environment))
        let results = home.appendingPathComponent("retouch/results/session-1")
        try FileManager.default.createDirectory(at: results, withIntermediateDirectories: true)
        for name in ["edit-1", "edit-1-2"] {
            try Data([0x89, 0x50, 0x4E, 0x47, 1, 2, 3]).write(to: results.appendingPathComponent("\(name).png"))
            try Data("{\"file\":\"\(name).png\"}\n".utf8).write(to: results.appendingPathComponent("\(name).json"))
        }
        let session = try store.startSession(resultsFolder: results.path, now: 1_700_000_000)
        let run = SessionStore.NewRun(session: session, prompt: "a red boat\non the lake", parameters: ["model": "gpt-image-1", "n": "2"],
                                      sources: [SourceReference(path: "/photos/lake.png", sha256: "abc")],
                                      maskRects: [PixelRect(x: 1, y: 2, width: 3, height: 4)], maskInverted: false, maskPNG: nil,
                                      loadedMaskPNG: nil, backend: "OpenAI", started: 1_700_000_100, pid: 1)
        let first = try store.runStarted(run)
        for (i, name) in ["edit-1", "edit-1-2"].enumerated() {
            try store.resultSaved(run: first, path: results.appendingPathComponent("\(name).png").path, index: i, now: 1_700_000_101)
        }
        try store.runFinished(run: first, status: .completed, error: nil, usage: .init(input: 50, output: 150, total: 200), now: 1_700_000_102)
        var second = run
        second.prompt = "fog"
        second.started = 1_700_000_200
        let failed = try store.runStarted(second)
        try store.runFinished(run: failed, status: .failed, error: "The API refused the edit (HTTP 400)", usage: nil, now: 1_700_000_201)
        return (home, environment, first)
    }

    @Test func historyListsRunsNewestFirst() throws {
        let (_, environment, first) = try dataHomeWithRuns()
        let result = try CLI.run(["history"], environment: environment)
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.count == 2)
        #expect(lines[0].contains("failed") && lines[0].hasSuffix("fog"))
        #expect(lines[1].hasPrefix("\(first) ") && lines[1].contains("completed") && lines[1].contains("2 img")
                && lines[1].contains("200 tok") && lines[1].hasSuffix("a red boat on the lake"))
        let filtered = try CLI.run(["history", "--filter", "BOAT"], environment: environment)
        #expect(filtered.stdout.split(separator: "\n").count == 1)
    }

    @Test func historyJSONHasEveryRunAndTheTotals() throws {
        let (_, environment, first) = try dataHomeWithRuns()
        let result = try CLI.run(["history", "--json"], environment: environment)
        #expect(result.status == 0, "\(result.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let totals = try #require(json["totals"] as? [String: Any])
        #expect(totals["runs"] as? Int == 2 && totals["images"] as? Int == 2)
        #expect(totals["total_tokens"] as? Int == 200 && totals["input_tokens"] as? Int == 50 && totals["output_tokens"] as? Int == 150)
        #expect((totals["sessions"] as? [String: Int])?.values.first == 200)
        let runs = try #require(json["runs"] as? [[String: Any]])
        let done = try #require(runs.first { $0["id"] as? Int64 == first })
        #expect(done["prompt"] as? String == "a red boat\non the lake")
        #expect((done["parameters"] as? [String: String])?["n"] == "2")
        #expect(((done["sources"] as? [[String: Any]])?.first?["sha256"]) as? String == "abc")
        #expect((done["results"] as? [String])?.count == 2)
        #expect(((done["mask"] as? [String: Any])?["rects"] as? [[String: Int]])?.first?["width"] == 3)
    }

    /// A prompt (or a backend's URL) reaches the terminal escaped: C1 (U+009B is CSI on many
    /// terminals), DEL and bidirectional overrides never reach it raw, in text or in JSON.
    @Test func hostilePromptsAndURLsAreEscapedAndRedacted() throws {
        let home = try CLI.temporaryFolder()
        var environment = CLI.cleanEnvironment
        environment["XDG_DATA_HOME"] = home.path
        let store = try SessionStore(path: SessionStore.defaultPath(environment: environment))
        let session = try store.startSession(resultsFolder: home.path, now: 1_700_000_000)
        let prompt = "csi\u{9B}31m red rlo\u{202E}gnp.exe del\u{7F} lri\u{2066} nel\u{85}"
        let run = try store.runStarted(SessionStore.NewRun(
            session: session, prompt: prompt, parameters: [:], sources: [], maskRects: [], maskInverted: false, maskPNG: nil,
            loadedMaskPNG: nil, backend: "http://u:secret@127.0.0.1:1/v1?token=secret2", started: 1_700_000_100, pid: 1))
        try store.runFinished(run: run, status: .failed, error: "cannot connect to http://u:secret@127.0.0.1:1/v1/images/edits?sig=secret3: refused",
                              usage: nil, now: 1_700_000_101)
        let raw: [Unicode.Scalar] = ["\u{9B}", "\u{202E}", "\u{7F}", "\u{2066}", "\u{85}"]

        let text = try CLI.run(["history"], environment: environment)
        #expect(text.status == 0, "\(text.stderr)")
        #expect(!text.stdout.unicodeScalars.contains { raw.contains($0) }, "no control reaches the terminal: \(text.stdout.debugDescription)")
        #expect(text.stdout.contains("csi\\x9b31m red rlo\\u{202e}gnp.exe del\\x7f lri\\u{2066} nel\\x85"), "\(text.stdout)")

        let json = try CLI.run(["history", "--json"], environment: environment)
        #expect(json.status == 0, "\(json.stderr)")
        #expect(!json.stdout.unicodeScalars.contains { raw.contains($0) }, "no control reaches the terminal: \(json.stdout.debugDescription)")
        #expect(json.stdout.contains("csi\\u009b31m red rlo\\u202egnp.exe del\\u007f lri\\u2066 nel\\u0085"), "\(json.stdout)")
        #expect(!json.stdout.contains("secret"), "no password or query reaches the output: \(json.stdout)")
        let runs = try #require((try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])?["runs"] as? [[String: Any]])
        #expect(runs.first?["prompt"] as? String == prompt, "the escapes decode to the prompt")
        #expect(runs.first?["backend"] as? String == "http://127.0.0.1:1/v1")
        #expect(runs.first?["error"] as? String == "cannot connect to http://127.0.0.1:1/v1/images/edits: refused")
    }

    @Test func exportCopiesResultsAndSidecarsAndNeverReplaces() throws {
        let (home, environment, first) = try dataHomeWithRuns()
        let target = home.appendingPathComponent("chosen")
        let result = try CLI.run(["export", String(first), target.path], environment: environment)
        #expect(result.status == 0, "\(result.stderr)")
        let copied = try FileManager.default.contentsOfDirectory(atPath: target.path).sorted()
        #expect(copied == ["edit-1-2.json", "edit-1-2.png", "edit-1.json", "edit-1.png"])
        #expect(try Data(contentsOf: target.appendingPathComponent("edit-1.png")) == Data([0x89, 0x50, 0x4E, 0x47, 1, 2, 3]))

        let again = try CLI.run(["export", String(first), target.path], environment: environment)
        #expect(again.status == 1)
        #expect(again.stderr.contains("edit-1.png") && again.stderr.contains("exists"))

        let intoAFile = try CLI.run(["export", String(first), target.appendingPathComponent("edit-1.png").path], environment: environment)
        #expect(intoAFile.status == 1)
        #expect(intoAFile.stderr.split(separator: "\n").count == 1 && intoAFile.stderr.contains("it is not a folder"), "said once")

        let unknown = try CLI.run(["export", "999", target.path], environment: environment)
        #expect(unknown.status == 2 && unknown.stderr.contains("there is no run 999"))
    }

    @Test func withoutAStoreTheCommandsSaySo() throws {
        var environment = CLI.cleanEnvironment
        environment["XDG_DATA_HOME"] = try CLI.temporaryFolder().path
        let result = try CLI.run(["history"], environment: environment)
        #expect(result.status == 1 && result.stderr.contains("no editor session yet"))
    }
}
