import Foundation
import SessionModel
import SessionStore
import Testing

/// Costs in `retouch history`, worked out by hand from the published table: gpt-image-1 is
/// $5 text in, $10 image in, $40 image out per million tokens; gpt-image-1-mini $2, $2.50, $8.
extension HistoryCommandTests {
    /// Two sessions: 0.00245 + 0.004876 in the first; 0.2972 and a run of an unpriced model in
    /// the second; a run of the local engine, which costs nothing.
    func dataHomeWithPricedRuns() throws -> [String: String] {
        let home = try CLI.temporaryFolder()
        var environment = CLI.cleanEnvironment
        environment["XDG_DATA_HOME"] = home.path
        let store = try SessionStore(path: SessionStore.defaultPath(environment: environment))
        let first = try store.startSession(resultsFolder: home.path, now: 1_700_000_000)
        let second = try store.startSession(resultsFolder: home.path, now: 1_700_001_000)
        let runs: [(String, String, String, SessionStore.Usage)] = [
            (first, "gpt-image-1", "OpenAI", .init(input: 50, output: 50, total: 100, inputText: 10, inputImage: 40)),
            (first, "gpt-image-1-mini", "OpenAI", .init(input: 1100, output: 272, total: 1372, inputText: 100, inputImage: 1000)),
            (second, "gpt-image-1", "OpenAI", .init(input: 5360, output: 6240, total: 11_600, inputText: 1200, inputImage: 4160)),
            (second, "gpt-image-2", "OpenAI", .init(input: 50, output: 50, total: 100, inputText: 10, inputImage: 40)),
            (second, "gpt-image-1", "local engine (offline)", .init(input: 50, output: 50, total: 100, inputText: 10, inputImage: 40)),
        ]
        for (index, (session, model, backend, usage)) in runs.enumerated() {
            let run = try store.runStarted(SessionStore.NewRun(
                session: session, prompt: "run \(index)", parameters: ["model": model], sources: [], maskRects: [], maskInverted: false,
                maskPNG: nil, loadedMaskPNG: nil, backend: backend, started: 1_700_000_100 + Double(index), pid: 1))
            try store.runFinished(run: run, status: .completed, error: nil, usage: usage, now: 1_700_000_200 + Double(index))
        }
        return environment
    }

    @Test func historyJSONHasTheCostOfEachRunAndTheTotals() throws {
        let environment = try dataHomeWithPricedRuns()
        let result = try CLI.run(["history", "--json"], environment: environment)
        #expect(result.status == 0, "\(result.stderr)")
        let text = result.stdout
        for cost in ["0.00245", "0.004876", "0.2972", "0"] {
            #expect(text.contains(#""cost_usd" : \#(cost),"#) || text.contains(#""cost_usd" : \#(cost)\#n"#), "\(cost)")
        }
        #expect(text.contains(#""cost_unknown" : "no price known for gpt-image-2""#))
        let json = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        let totals = try #require(json["totals"] as? [String: Any])
        #expect(totals["unpriced_runs"] as? Int == 1)
        let sessions = try #require(totals["session_costs"] as? [String: [String: Any]])
        #expect(sessions.count == 2)
        #expect(sessions.values.map { $0["unpriced_runs"] as? Int }.sorted { ($0 ?? 0) < ($1 ?? 0) } == [0, 1])
        // 0.00245 + 0.004876 = 0.007326 and 0.2972; 0.304526 in all.
        #expect(text.contains(#""cost_usd" : 0.007326"#) && text.contains(#""cost_usd" : 0.304526"#), "\(text)")
    }

    @Test func historyShowsEachRunsCost() throws {
        let environment = try dataHomeWithPricedRuns()
        let result = try CLI.run(["history"], environment: environment)
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        func line(_ prompt: String) -> String { lines.first { $0.hasSuffix(prompt) } ?? "" }
        #expect(line("run 0").contains(" $0.0025 "))
        #expect(line("run 2").contains(" $0.2972 "))
        #expect(line("run 3").contains(" - "), "no price known")
        #expect(line("run 4").contains(" $0 "), "the local engine")
    }
}
