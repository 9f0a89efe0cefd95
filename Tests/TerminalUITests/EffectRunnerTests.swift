import EditorCore
import Foundation
import TestSupport
import ImageCodecs
import ImageEditAPI
import ImageEditModel
import Raster
import ScriptedServer
import SessionModel
import SessionStore
import TerminalGraphics
import Testing
@testable import TerminalUI

#if canImport(Glibc)
import Glibc
#endif

/// The inbox: messages from any thread reach the UI thread, which a pipe byte wakes.
@Suite struct InboxTests {
    static func readable(_ fd: Int32) -> Bool {
        var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        return poll(&poller, 1, 0) == 1 && poller.revents & Int16(POLLIN) != 0
    }

    @Test func postsFromManyThreadsAllArriveInTheirOrder() {
        let inbox = Inbox()
        #expect(!Self.readable(inbox.wakeDescriptor), "nothing to wake for yet")
        let threads = 8, each = 2000
        DispatchQueue.concurrentPerform(iterations: threads) { thread in
            for i in 0..<each { inbox.post(.sourceFailed("\(thread) \(i)")) }
        }
        #expect(Self.readable(inbox.wakeDescriptor))
        let drained = inbox.drain()
        #expect(drained.messages.count == threads * each)
        #expect(!drained.terminated && !drained.windowChanged)
        // Each thread's messages keep the order it posted them in.
        var next = [Int](repeating: 0, count: threads)
        for case .sourceFailed(let text) in drained.messages {
            let parts = text.split(separator: " ").compactMap { Int($0) }
            #expect(parts[1] == next[parts[0]], "thread \(parts[0])")
            next[parts[0]] += 1
        }
        #expect(next == [Int](repeating: each, count: threads))
        // Drained: the pipe is empty and nothing is left.
        #expect(!Self.readable(inbox.wakeDescriptor))
        #expect(inbox.drain().messages.isEmpty)
    }

    /// More posts than the pipe holds bytes: a poster never blocks, however late the drain.
    @Test func postingNeverBlocksWhenNobodyDrains() {
        let inbox = Inbox()
        for i in 0..<100_000 { inbox.post(.exported(path: "\(i)")) }
        #expect(Self.readable(inbox.wakeDescriptor))
        #expect(inbox.drain().messages.count == 100_000)
        #expect(!Self.readable(inbox.wakeDescriptor))
    }

    @Test func terminationAndWindowChangesWakeAndAreReported() {
        let inbox = Inbox()
        inbox.windowChanged()
        #expect(Self.readable(inbox.wakeDescriptor))
        var drained = inbox.drain()
        #expect(drained.windowChanged && !drained.terminated && drained.messages.isEmpty)
        #expect(!inbox.drain().windowChanged, "a window change is reported once")
        inbox.terminate()
        #expect(Self.readable(inbox.wakeDescriptor))
        drained = inbox.drain()
        #expect(drained.terminated)
        #expect(inbox.drain().terminated, "termination stays")
    }
}

/// The effect runner against real servers (ScriptedServer) and files: what it posts.
@Suite(.serialized) struct EffectRunnerTests {
    struct Setting {
        let folder: String
        let source: String
        let start: SessionStart
        let inbox = Inbox()
        let runner: EffectRunner
        let client: ImageEditClient

        init(server: ScriptedServer) throws {
            folder = try TestFolders.fresh("runner").path
            source = folder + "/lake.png"
            let image = RGBAImage(width: 64, height: 64) { x, y in RGBA(UInt8(x * 4), UInt8(y * 4), 90) }
            try Data(try ImageEncoder.png(image)).write(to: URL(fileURLWithPath: source))
            start = SessionStart.begin(storePath: folder + "/store/sessions.sqlite", images: [], fresh: true,
                                       newResultsFolder: folder + "/results")
            client = ImageEditClient(configuration: ClientConfiguration(baseURL: server.baseURL, apiKey: "sk-test", timeout: 60, maxRetries: 0))
            let launch = EditorLaunch(start: start, client: client, backend: .custom(server.baseURL),
                                      graphics: GraphicsChoice(mode: .none, colors: .palette256, tmuxPassthrough: false), cellSize: (10, 20))
            runner = EffectRunner(launch: launch, inbox: inbox)
        }

        var request: EditRequest {
            EditRequest(images: [InputImage(path: source)], prompt: "a heron", model: "gpt-image-1", partialImages: 1, stream: true)
        }

        /// Messages posted until `enough` holds (30 s at most), drained whenever the wake
        /// descriptor says there is something.
        func messages(until enough: ([Message]) -> Bool) async throws -> [Message] {
            var all: [Message] = []
            let deadline = Date().addingTimeInterval(30)
            while !enough(all) && Date() < deadline {
                if InboxTests.readable(inbox.wakeDescriptor) { all += inbox.drain().messages }
                try await Task.sleep(for: .milliseconds(10))
            }
            return all
        }

        func runs() throws -> [PastRun] { try #require(start.keeper.store).runs(session: start.keeper.session) }
    }

    static func finished(_ messages: [Message]) -> RunOutcome? {
        messages.lazy.compactMap { if case .finished(_, let outcome) = $0 { outcome } else { nil } }.first
    }

    static let stalled = ScriptedServer.Reply(status: 200, headers: [("Content-Type", "text/event-stream")], steps: [.stall])

    @Test func aCancelledRunPostsCancelledAndIsRecordedSo() async throws {
        let server = try await ScriptedServer(replies: [Self.stalled])
        let setting = try Setting(server: server)
        setting.runner.perform(.send(SendOrder(set: 0, variants: [Variant(number: 1, request: setting.request)], mask: nil, draft: Draft(prompt: "a heron", sources: [setting.source]))))
        let receiving = try await setting.messages { $0.contains(.run(variant: 1, .status("receiving"))) }
        #expect(receiving.contains(.run(variant: 1, .status("sending"))) && receiving.contains(.run(variant: 1, .status("receiving"))))
        setting.runner.perform(.cancelRun(variant: nil))
        let rest = try await setting.messages { Self.finished($0) != nil }
        #expect(Self.finished(rest) == .cancelled)
        #expect(try setting.runs().map(\.status) == [.cancelled])
        await setting.client.shutdown()
        await server.stop()
    }

    /// A hang-up waits until the run is recorded, as interrupted rather than cancelled.
    @Test func aHangUpRecordsTheRunAsInterrupted() async throws {
        let server = try await ScriptedServer(replies: [Self.stalled])
        let setting = try Setting(server: server)
        setting.runner.perform(.send(SendOrder(set: 0, variants: [Variant(number: 1, request: setting.request)], mask: nil, draft: Draft(prompt: "a heron", sources: [setting.source]))))
        _ = try await setting.messages { $0.contains(.run(variant: 1, .status("receiving"))) }
        let runner = setting.runner
        // From a thread of its own, as the editor's UI thread calls it: it blocks while it
        // waits, which must not take one of the few threads the run's tasks need.
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            Thread {
                runner.perform(.interruptRun)
                done.resume()
            }.start()
        }
        #expect(try setting.runs().map(\.status) == [.interrupted])
        await setting.client.shutdown()
        await server.stop()
    }

    @Test func aStreamedRunPostsPartialsSavesImagesAndFinishes() async throws {
        let png = try ImageEncoder.png(RGBAImage(width: 16, height: 16, fill: RGBA(10, 120, 200)))
        let base64 = Data(png).base64EncodedString()
        let events = """
            event: image_edit.partial_image
            data: {"type":"image_edit.partial_image","b64_json":"\(base64)","partial_image_index":0}

            event: image_edit.completed
            data: {"type":"image_edit.completed","b64_json":"\(base64)","usage":{"total_tokens":100,"input_tokens":50,"output_tokens":50,"input_tokens_details":{"text_tokens":10,"image_tokens":40}}}

            data: [DONE]


            """
        let server = try await ScriptedServer(replies: [.events(events, chunkSize: 61)])
        let setting = try Setting(server: server)
        setting.runner.perform(.send(SendOrder(set: 0, variants: [Variant(number: 1, request: setting.request)], mask: RGBAImage(width: 64, height: 64, fill: .transparent), draft: Draft(prompt: "a heron", sources: [setting.source]))))
        let messages = try await setting.messages { Self.finished($0) != nil }
        #expect(Self.finished(messages) == .completed(totalTokens: 100))
        #expect(messages.contains(.run(variant: 1, .cost(.usd(try #require(Money(dollars: "0.00245")))))), "the run's cost, for the status line")
        #expect(messages.contains { if case .run(variant: 1, .partial(let image)) = $0 { image.width == 16 } else { false } })
        let saved = messages.compactMap { if case .run(variant: 1, .saved(let item)) = $0 { item.path } else { nil } }
        #expect(saved.count == 1 && saved.allSatisfy { $0.hasPrefix(setting.folder + "/results/") })
        for path in saved {
            #expect(try [UInt8](Data(contentsOf: URL(fileURLWithPath: path))) == png)
            let sidecar = try String(contentsOfFile: (path as NSString).deletingPathExtension + ".json", encoding: .utf8)
            // gpt-image-1: 10 text and 40 image tokens in at $5 and $10 per million, 50 out at $40.
            #expect(sidecar.contains("\"cost_usd\" : 0.00245"), "its sidecar prices the run:\n\(sidecar)")
        }
        let run = try #require(try setting.runs().first)
        #expect(run.status == .completed && run.results == saved)
        // The mask went out with the request.
        #expect(String(decoding: try #require(server.requests.first).body, as: UTF8.self).contains("filename=\"mask.png\""))
        await setting.client.shutdown()
        await server.stop()
    }

    @Test func theAPIsRefusalIsPostedWithItsMessage() async throws {
        let refusal = #"{"error":{"message":"Your prompt was refused.","type":"invalid_request_error","param":"prompt","code":"moderation_blocked"}}"#
        let server = try await ScriptedServer(replies: [.json(400, refusal)])
        let setting = try Setting(server: server)
        setting.runner.perform(.send(SendOrder(set: 0, variants: [Variant(number: 1, request: setting.request)], mask: nil, draft: Draft(prompt: "a heron", sources: [setting.source]))))
        let messages = try await setting.messages { Self.finished($0) != nil }
        guard case .failed(let title, let lines)? = Self.finished(messages) else {
            Issue.record("not a failure: \(messages)")
            return
        }
        #expect(title == "The API refused the edit (HTTP 400)")
        #expect(lines.first == "Your prompt was refused." && lines.contains { $0.contains("code: moderation_blocked") })
        await setting.client.shutdown()
        await server.stop()
    }

    @Test func aPickerListingPostsItsEntries() async throws {
        let server = try await ScriptedServer(replies: [Self.stalled])
        let setting = try Setting(server: server)
        try FileManager.default.createDirectory(atPath: setting.folder + "/pictures", withIntermediateDirectories: true)
        try Data("12345".utf8).write(to: URL(fileURLWithPath: setting.folder + "/pictures/notes.txt"))
        try FileManager.default.createDirectory(atPath: setting.folder + "/pictures/older", withIntermediateDirectories: true)
        let picker = LayerID(7)
        setting.runner.listFolder(setting.folder + "/pictures", replyTo: picker)
        let messages = try await setting.messages { !$0.isEmpty }
        guard case .reply(picker, .folderListed(let path, let entries))? = messages.first else {
            Issue.record("not a listing: \(messages)")
            return
        }
        #expect(path == setting.folder + "/pictures")
        #expect(Set(entries.map(\.name)) == ["notes.txt", "older"])
        #expect(entries.contains(FilePicker.Entry(name: "notes.txt", isFolder: false, byteCount: 5)))
        #expect(entries.contains { $0.name == "older" && $0.isFolder })

        setting.runner.listFolder(setting.folder + "/missing", replyTo: picker)
        let failed = try await setting.messages { !$0.isEmpty }
        #expect(failed == [.reply(picker, .folderFailed(path: setting.folder + "/missing", reason: "it cannot be listed"))])
        await setting.client.shutdown()
        await server.stop()
    }

    @Test func anExportIsTheFormatItsNameSaysAndNeverReplacesAFile() async throws {
        let server = try await ScriptedServer(replies: [Self.stalled])
        let setting = try Setting(server: server)
        func exported(as name: String) async throws -> String? {
            setting.runner.perform(.export(from: setting.source, to: setting.folder + "/out/" + name))
            let messages = try await setting.messages { !$0.isEmpty }
            guard case .exported(let path)? = messages.first else { return nil }
            return path
        }
        let same = try #require(try await exported(as: "copy.PNG"))
        #expect(FileManager.default.contents(atPath: same) == FileManager.default.contents(atPath: setting.source), "the bytes as they are")
        let jpeg = try #require(try await exported(as: "photo.jpg"))
        #expect(FormatSniffer.sniff(Array(try Data(contentsOf: URL(fileURLWithPath: jpeg)))) == .supported(.jpeg))
        #expect(try ImageFile.load(path: jpeg).1.image.psnr(against: ImageFile.load(path: setting.source).1.image) > 30)
        let named = try #require(try await exported(as: "final.v2"))
        #expect(named == setting.folder + "/out/final.v2.png")
        #expect(try await exported(as: "photo.jpg") == nil, "an existing file is never replaced")
        // A path ending in "/" keeps the result's name inside that folder.
        #expect(try await exported(as: "inside/") == setting.folder + "/out/inside/lake.png")
        // JPEG has no alpha: transparency goes onto white.
        let clear = setting.folder + "/clear.png"
        try Data(try ImageEncoder.png(RGBAImage(width: 8, height: 8, fill: RGBA(0, 0, 0, 0)))).write(to: URL(fileURLWithPath: clear))
        setting.runner.perform(.export(from: clear, to: setting.folder + "/out/clear.jpg"))
        guard case .exported(let flat)? = try await setting.messages(until: { !$0.isEmpty }).first else {
            Issue.record("the transparent picture was not exported")
            return
        }
        #expect(try ImageFile.load(path: flat).1.image.pixels.prefix(3).allSatisfy { $0 >= 250 })
        await setting.client.shutdown()
        await server.stop()
    }

    @Test func aSourceAndAMaskAreReadOrTheirFaultIsPosted() async throws {
        let server = try await ScriptedServer(replies: [Self.stalled])
        let setting = try Setting(server: server)
        setting.runner.loadSource(setting.source, asFirst: false)
        var messages = try await setting.messages { !$0.isEmpty }
        guard case .sourceAdded(let source)? = messages.first else {
            Issue.record("not a source: \(messages)")
            return
        }
        #expect(source.path == setting.source && source.width == 64)

        try Data("not a picture".utf8).write(to: URL(fileURLWithPath: setting.folder + "/mask.png"))
        setting.runner.readMask(setting.folder + "/mask.png")
        messages = try await setting.messages { !$0.isEmpty }
        guard case .maskFailed? = messages.first else {
            Issue.record("not a mask failure: \(messages)")
            return
        }
        await setting.client.shutdown()
        await server.stop()
    }
}
