import Foundation
import ScriptedServer
import Testing

/// The cost of a run, from the usage the server reports and the price table: gpt-image-1 is
/// $5 text in, $10 image in, $40 image out per million tokens.
extension EditCommandTests {
    static let usage = #"{"input_tokens":50,"input_tokens_details":{"text_tokens":10,"image_tokens":40},"output_tokens":50,"total_tokens":100}"#

    func serverAnswering(usage: String) async throws -> ScriptedServer {
        let b64 = Data(Self.resultPNG).base64EncodedString()
        return try await ScriptedServer(replies: [.json(200, #"{"created":1,"usage":\#(usage),"data":[{"b64_json":"\#(b64)"}]}"#)])
    }

    @Test func theJSONSummaryAndTheSidecarCarryTheCost() async throws {
        let folder = try CLI.temporaryFolder()
        let server = try await serverAnswering(usage: Self.usage)
        let result = try await runAsync(["edit", "--image", try source(in: folder), "--prompt", "p", "--model", "gpt-image-1",
                                         "--out", folder.path, "--base-url", server.baseURL, "--json"])
        await server.stop()
        #expect(result.status == 0, "\(result.stderr)")
        // 10 × $5 + 40 × $10 + 50 × $40 per million = $0.00245.
        #expect(result.stdout.contains(#""cost_usd" : 0.00245"#), "\(result.stdout)")
        #expect(!result.stdout.contains("cost_unknown"))
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let file = try #require((summary["files"] as? [String])?.first)
        let sidecar = try String(contentsOfFile: String(file.dropLast(4)) + ".json", encoding: .utf8)
        #expect(sidecar.contains(#""cost_usd" : 0.00245"#), "\(sidecar)")
    }

    @Test func theHumanOutputShowsTokensAndCostOrWhyNoCost() async throws {
        let folder = try CLI.temporaryFolder()
        let priced = try await serverAnswering(usage: Self.usage)
        let known = try await runAsync(["edit", "--image", try source(in: folder), "--prompt", "p", "--model", "gpt-image-1",
                                        "--out", folder.path, "--base-url", priced.baseURL])
        await priced.stop()
        #expect(known.stderr.contains("tokens: 50 in (10 text, 40 image), 50 out · $0.0025"), "\(known.stderr)")

        let unpriced = try await serverAnswering(usage: Self.usage)
        let unknown = try await runAsync(["edit", "--image", try source(in: folder), "--prompt", "p", "--model", "gpt-image-2",
                                          "--out", folder.path, "--base-url", unpriced.baseURL, "--json"])
        await unpriced.stop()
        #expect(unknown.status == 0, "\(unknown.stderr)")
        #expect(unknown.stdout.contains(#""cost_unknown" : "no price known for gpt-image-2""#), "\(unknown.stdout)")
        #expect(!unknown.stdout.contains("cost_usd"))
    }

    /// The estimate before sending: two high portrait images at the published $0.25 each.
    @Test func anEstimateIsShownBeforeSending() async throws {
        let folder = try CLI.temporaryFolder()
        let server = try await serverAnswering(usage: Self.usage)
        let result = try await runAsync(["edit", "--image", try source(in: folder), "--prompt", "p", "--model", "gpt-image-1", "-n", "2",
                                         "--quality", "high", "--size", "1024x1536", "--out", folder.path, "--base-url", server.baseURL])
        await server.stop()
        #expect(result.stderr.contains("estimate: $0.5000 for the output images"), "\(result.stderr)")
    }

    @Test func configPricesAModelAndABadPriceStopsTheCommand() async throws {
        let folder = try CLI.temporaryFolder()
        let (configPath, environment) = try configHome(in: folder)
        try Data("[prices.\"gpt-image-2\"]\ntext_input = 1\nimage_input = 2\nimage_output = 3\n".utf8).write(to: URL(fileURLWithPath: configPath))
        let server = try await serverAnswering(usage: Self.usage)
        let result = try await runAsync(["edit", "--image", try source(in: folder), "--prompt", "p", "--model", "gpt-image-2",
                                         "--out", folder.path, "--base-url", server.baseURL, "--json"], environment: environment)
        await server.stop()
        // 10 × $1 + 40 × $2 + 50 × $3 per million = $0.00024.
        #expect(result.stdout.contains(#""cost_usd" : 0.00024"#), "\(result.stdout) \(result.stderr)")

        try Data("[prices.\"gpt-image-2\"]\ntext_input = 1\nimage_input = two\nimage_output = 3\n".utf8).write(to: URL(fileURLWithPath: configPath))
        let bad = try await runAsync(["edit", "--image", try source(in: folder), "--prompt", "p", "--out", folder.path,
                                      "--base-url", "http://127.0.0.1:9/v1"], environment: environment)
        #expect(bad.status == 2)
        #expect(bad.stderr.hasPrefix("retouch: \(configPath):3: image_input = 'two' is not a price"), "\(bad.stderr)")
    }
}
