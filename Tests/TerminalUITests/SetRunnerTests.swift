import EditorCore
import Foundation
import ImageCodecs
import ImageEditAPI
import ImageEditModel
import Raster
import ScriptedServer
import SessionModel
import SessionStore
import Testing
@testable import TerminalUI

/// A variant set through the real client against a scripted server: a few at a time, each
/// variant's news apart, each cancellable, the set and its winner recorded.
@Suite struct SetRunnerTests {
    typealias Setting = EffectRunnerTests.Setting

    static let png = try! ImageEncoder.png(RGBAImage(width: 16, height: 16, fill: RGBA(10, 120, 200)))

    /// A JSON answer after `pause` milliseconds.
    static func slow(_ pause: Int64) -> ScriptedServer.Reply {
        let body = Array(#"{"created":1,"data":[{"b64_json":"\#(Data(png).base64EncodedString())"}],"usage":{"total_tokens":7}}"#.utf8)
        return ScriptedServer.Reply(status: 200, headers: [("Content-Type", "application/json"), ("Content-Length", "\(body.count)")],
                                    steps: [.pause(milliseconds: pause), .bytes(body)])
    }

    static func order(_ setting: Setting, prompts: [String]) -> SendOrder {
        var base = setting.request
        base.stream = nil
        base.partialImages = nil
        let variants = try! Variant.expand(base, prompts: prompts, sweep: nil)
        return SendOrder(set: 1, variants: variants, mask: nil, draft: Draft(prompt: prompts[0], sources: [setting.source]))
    }

    static func finished(_ messages: [Message]) -> [Int: RunOutcome] {
        var outcomes: [Int: RunOutcome] = [:]
        for case .finished(let variant, let outcome) in messages { outcomes[variant] = outcome }
        return outcomes
    }

    @Test func fourGoAtOnceTheFifthWaitsForASlot() async throws {
        let server = try await ScriptedServer(replies: [Self.slow(1500)])
        let setting = try Setting(server: server)
        setting.runner.perform(.send(Self.order(setting, prompts: ["a", "b", "c", "d", "e"])))
        let messages = try await setting.messages { Self.finished($0).count == 5 }
        #expect(Self.finished(messages).values.allSatisfy { $0 == .completed(totalTokens: 7) })
        #expect(server.peakConcurrency == RunSet.inFlight)
        // The fifth to start did so only once one had finished.
        let starts = messages.enumerated().compactMap { i, m in if case .run(_, .started) = m { i } else { nil } }
        let firstFinish = try #require(messages.firstIndex { if case .finished = $0 { true } else { false } })
        #expect(starts.count == 5 && starts.filter { $0 < firstFinish }.count == 4)
        // Files per variant, `-vN`, and the set in the store with its five runs.
        let saved = messages.compactMap { if case .run(let v, .saved(let item)) = $0 { (v, item.path) } else { nil } }
        #expect(saved.count == 5 && saved.allSatisfy { $0.1.hasSuffix("-v\($0.0).png") })
        let store = try #require(setting.start.keeper.store)
        let sets = try store.sets(session: setting.start.keeper.session)
        #expect(sets.count == 1 && sets[0].runs.map { $0.variant?.number } == [1, 2, 3, 4, 5])
        #expect(sets[0].runs.map(\.prompt) == ["a", "b", "c", "d", "e"])
        // The winner reaches the store.
        setting.runner.perform(.recordWinner(set: 1, variant: 3))
        #expect(try store.sets(session: setting.start.keeper.session)[0].winner == sets[0].runs[2].id)
        await setting.client.shutdown()
        await server.stop()
    }

    @Test func oneVariantIsCancelledTheOthersFinish() async throws {
        let server = try await ScriptedServer(replies: [Self.slow(1200)])
        let setting = try Setting(server: server)
        setting.runner.perform(.send(Self.order(setting, prompts: ["a", "b", "c"])))
        _ = try await setting.messages { $0.filter { if case .run(_, .status("sending")) = $0 { true } else { false } }.count == 3 }
        setting.runner.perform(.cancelRun(variant: 2))
        let messages = try await setting.messages { Self.finished($0).count == 3 }
        #expect(Self.finished(messages) == [1: .completed(totalTokens: 7), 2: .cancelled, 3: .completed(totalTokens: 7)])
        let runs = try setting.runs().sorted { $0.variant!.number < $1.variant!.number }
        #expect(runs.map(\.status) == [.completed, .cancelled, .completed])
        await setting.client.shutdown()
        await server.stop()
    }

    /// Each run of a sweep is recorded with the value it was sent with, not the editor's.
    @Test func aSweepsRunsAreRecordedWithTheirOwnValues() async throws {
        let server = try await ScriptedServer(replies: [Self.slow(10)])
        let setting = try Setting(server: server)
        var base = setting.request
        base.stream = nil
        base.partialImages = nil
        let variants = try Variant.expand(base, prompts: ["a", "b"], sweep: Sweep(field: .quality, values: ["low", "high"]))
        let draft = Draft(prompt: "a", sources: [setting.source], parameters: ["model": "gpt-image-1", "quality": "high"])
        setting.runner.perform(.send(SendOrder(set: 1, variants: variants, mask: nil, draft: draft, sweptField: .quality)))
        _ = try await setting.messages { Self.finished($0).count == 4 }
        let sets = try #require(setting.start.keeper.store).sets(session: setting.start.keeper.session)
        let runs = try #require(sets.first).runs
        #expect(runs.map { $0.parameters["quality"] } == ["low", "high", "low", "high"])
        #expect(runs.map(\.prompt) == ["a", "a", "b", "b"])
        #expect(runs.map { $0.variant?.label } == ["quality=low · a", "quality=high · a", "quality=low · b", "quality=high · b"])
        #expect(sets.first?.sweptField == "quality")
        await setting.client.shutdown()
        await server.stop()
    }
}
