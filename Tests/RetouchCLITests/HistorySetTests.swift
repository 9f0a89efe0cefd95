import Foundation
import SessionModel
import SessionStore
import Testing

/// Variant sets in `retouch history`: each run's place, and the sets with their winner and cost.
@Suite struct HistorySetTests {
    struct Seeded {
        var environment: [String: String]
        /// A sweep of gpt-image-1's quality over three runs, the second the winner.
        var sweep: Int64
        var sweepRuns: [Int64]
        /// Two prompt variants, one of a model without a price; no winner.
        var prompts: Int64
        var promptRuns: [Int64]
        var alone: Int64
    }

    func run(_ store: SessionStore, _ session: String, prompt: String, model: String, at started: Double,
             variant: VariantTag?, usage: SessionStore.Usage) throws -> Int64 {
        let id = try store.runStarted(SessionStore.NewRun(
            session: session, prompt: prompt, parameters: ["model": model], sources: [], maskRects: [], maskInverted: false,
            maskPNG: nil, loadedMaskPNG: nil, backend: "OpenAI", started: started, pid: 1, variant: variant))
        try store.runFinished(run: id, status: .completed, error: nil, usage: usage, now: started + 5)
        return id
    }

    func seeded() throws -> Seeded {
        var environment = CLI.cleanEnvironment
        environment["XDG_DATA_HOME"] = try CLI.temporaryFolder().path
        let store = try SessionStore(path: SessionStore.defaultPath(environment: environment))
        let session = try store.startSession(resultsFolder: "/r", now: 1_700_000_000)
        let sweep = try store.setStarted(session: session, started: 1_700_000_100, sweptField: "quality")
        var sweepRuns: [Int64] = []
        // Recorded in another order than their numbers.
        for (number, quality, tokens) in [(2, "medium", 200), (1, "low", 100), (3, "high", 400)] {
            let usage = SessionStore.Usage(input: 50, output: tokens, total: 50 + tokens, inputText: 10, inputImage: 40)
            sweepRuns.append(try run(store, session, prompt: "a boat", model: "gpt-image-1", at: 1_700_000_100 + Double(number),
                                     variant: VariantTag(set: sweep, number: number, label: "quality=\(quality)"), usage: usage))
        }
        sweepRuns = [sweepRuns[1], sweepRuns[0], sweepRuns[2]]
        try store.chooseWinner(set: sweep, run: sweepRuns[1])
        let alone = try run(store, session, prompt: "fog", model: "gpt-image-1", at: 1_700_000_200, variant: nil,
                            usage: .init(input: 50, output: 50, total: 100, inputText: 10, inputImage: 40))
        let prompts = try store.setStarted(session: session, started: 1_700_000_300, sweptField: nil)
        var promptRuns: [Int64] = []
        for (number, (prompt, model)) in [("a red kite\u{9B}31m", "gpt-image-1"), ("a green kite", "gpt-image-2")].enumerated() {
            promptRuns.append(try run(store, session, prompt: prompt, model: model, at: 1_700_000_300 + Double(number),
                                      variant: VariantTag(set: prompts, number: number + 1, label: prompt),
                                      usage: .init(input: 50, output: 50, total: 100, inputText: 10, inputImage: 40)))
        }
        return Seeded(environment: environment, sweep: sweep, sweepRuns: sweepRuns, prompts: prompts, promptRuns: promptRuns, alone: alone)
    }

    func history(_ arguments: [String], _ seeded: Seeded) throws -> [String: Any] {
        let result = try CLI.run(["history", "--json"] + arguments, environment: seeded.environment)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(!result.stdout.unicodeScalars.contains("\u{9B}"), "a label reaches the terminal escaped")
        return try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
    }

    @Test func historyJSONListsTheSetsWithTheirWinnerAndCost() throws {
        let seeded = try seeded()
        let json = try history([], seeded)
        let runs = try #require(json["runs"] as? [[String: Any]])
        let sets = try #require(json["sets"] as? [[String: Any]])
        #expect(sets.map { $0["id"] as? Int64 } == [seeded.prompts, seeded.sweep], "newest first")
        let sweep = sets[1], prompts = sets[0]
        #expect(sweep["runs"] as? [Int64] == seeded.sweepRuns, "in variant order")
        #expect(sweep["winner"] as? Int64 == seeded.sweepRuns[1] && sweep["swept_field"] as? String == "quality")
        #expect(prompts["winner"] is NSNull && prompts["swept_field"] is NSNull)
        // Dated as the runs are.
        #expect(sweep["started"] as? String == ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: 1_700_000_100)))
        #expect(runs.first { $0["id"] as? Int64 == seeded.alone }?["started"] as? String == "2023-11-14T22:16:40Z")

        // The set's cost is its runs' costs summed, its tokens theirs.
        func run(_ id: Int64) -> [String: Any] { runs.first { $0["id"] as? Int64 == id } ?? [:] }
        let perRun = seeded.sweepRuns.compactMap { run($0)["cost_usd"] as? Double }
        #expect(perRun.count == 3)
        let cost = try #require(sweep["cost"] as? [String: Any])
        let summed = try #require(cost["cost_usd"] as? Double)
        #expect(abs(summed - perRun.reduce(0, +)) < 1e-12, "\(summed) against \(perRun)")
        // By hand: 3 × (10 text in at $5 + 40 image in at $10 per million) + 700 image out at $40.
        #expect(abs(summed - (3 * 0.00045 + 0.028)) < 1e-12)
        #expect(cost["unpriced_runs"] as? Int == 0 && cost["cost_unknown"] == nil)
        #expect(sweep["tokens"] as? Int == seeded.sweepRuns.reduce(0) { $0 + ((run($1)["usage"] as? [String: Any])?["total_tokens"] as? Int ?? 0) })
        #expect(sweep["tokens"] as? Int == 850)

        // One run without a price: the set's cost is not known.
        let unknown = try #require(prompts["cost"] as? [String: Any])
        #expect(unknown["cost_usd"] == nil && unknown["unpriced_runs"] as? Int == 1)
        #expect((unknown["cost_unknown"] as? String)?.contains("run \(seeded.promptRuns[1]): no price known for gpt-image-2") == true)

        let winner = try #require(run(seeded.sweepRuns[1])["variant"] as? [String: Any])
        #expect(winner["set"] as? Int64 == seeded.sweep && winner["number"] as? Int == 2)
        #expect(winner["label"] as? String == "quality=medium" && winner["winner"] as? Bool == true)
        #expect((run(seeded.sweepRuns[0])["variant"] as? [String: Any])?["winner"] as? Bool == false)
        #expect((run(seeded.promptRuns[0])["variant"] as? [String: Any])?["label"] as? String == "a red kite\u{9B}31m")
        #expect(run(seeded.alone)["variant"] is NSNull)
    }

    @Test func onlyTheSetsOfListedRunsAreListedWhole() throws {
        let seeded = try seeded()
        let filtered = try history(["--filter", "GREEN kite"], seeded)
        #expect((filtered["runs"] as? [[String: Any]])?.count == 1)
        let sets = try #require(filtered["sets"] as? [[String: Any]])
        #expect(sets.map { $0["id"] as? Int64 } == [seeded.prompts])
        #expect(sets.first?["runs"] as? [Int64] == seeded.promptRuns, "the set whole")

        let alone = try history(["--filter", "fog"], seeded)
        #expect((alone["sets"] as? [Any])?.isEmpty == true)
        let newest = try history(["--limit", "3"], seeded)
        #expect((newest["sets"] as? [[String: Any]])?.map { $0["id"] as? Int64 } == [seeded.prompts])
    }

    @Test func historyShowsEachRunsPlaceInItsSet() throws {
        let seeded = try seeded()
        let result = try CLI.run(["history"], environment: seeded.environment)
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        func line(_ id: Int64) -> String { lines.first { $0.hasPrefix("\(id) ") } ?? "" }
        #expect(line(seeded.sweepRuns[0]).hasSuffix(" [set \(seeded.sweep) v1] a boat"))
        #expect(line(seeded.sweepRuns[1]).hasSuffix(" [set \(seeded.sweep) v2 ★] a boat"))
        #expect(line(seeded.sweepRuns[2]).hasSuffix(" [set \(seeded.sweep) v3] a boat"))
        #expect(line(seeded.promptRuns[0]).hasSuffix(" [set \(seeded.prompts) v1] a red kite\\x9b31m"))
        #expect(line(seeded.alone).hasSuffix(" fog") && !line(seeded.alone).contains("[set"))
        #expect(!result.stdout.unicodeScalars.contains("\u{9B}"))
    }
}
