import Foundation
import ScriptedServer
import Testing

/// `retouch edit` with several prompts or a sweep sends a set of variants together.
extension EditCommandTests {
    @Test func threePromptsOfflineGiveThreeDifferentImagesWithTheirSidecars() async throws {
        let folder = try CLI.temporaryFolder()
        let result = try await runAsync(["edit", "--local", "--image", try source(in: folder), "--prompt", "remove", "--prompt", "sepia",
                                         "--prompt", "invert", "--out", folder.path, "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let variants = try #require(summary["variants"] as? [[String: Any]])
        #expect(variants.map { $0["variant"] as? Int } == [1, 2, 3])
        #expect(variants.map { $0["prompt"] as? String } == ["remove", "sepia", "invert"])
        let files = variants.compactMap { ($0["files"] as? [String])?.first }
        #expect(files.count == 3 && files.enumerated().allSatisfy { $0.element.hasSuffix("-v\($0.offset + 1).png") }, "\(files)")
        let images = try files.map { try Data(contentsOf: URL(fileURLWithPath: $0)) }
        #expect(Set(images).count == 3, "three different images")
        for (i, file) in files.enumerated() {
            let sidecar = try String(contentsOfFile: String(file.dropLast(4)) + ".json", encoding: .utf8)
            #expect(sidecar.contains("\"variant\" : \(i + 1)"), "\(sidecar)")
        }
    }

    @Test func aSweepGivesOneVariantPerValue() async throws {
        let folder = try CLI.temporaryFolder()
        let result = try await runAsync(["edit", "--local", "--image", try source(in: folder), "--prompt", "sepia",
                                         "--sweep", "quality=low,high", "--out", folder.path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("v1 (quality=low): saved") && result.stderr.contains("v2 (quality=high): saved"), "\(result.stderr)")
        let sidecars = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".json") }.sorted()
        let qualities = try sidecars.map { try String(contentsOfFile: folder.path + "/" + $0, encoding: .utf8) }
            .map { $0.contains("\"quality\" : \"low\"") ? "low" : $0.contains("\"quality\" : \"high\"") ? "high" : "?" }
        #expect(qualities == ["low", "high"])
    }

    /// Five variants against a server that answers each after a pause: four are in flight at
    /// once, the fifth waits for a free slot.
    @Test func variantsRunFourAtATime() async throws {
        let folder = try CLI.temporaryFolder()
        let b64 = Data(Self.resultPNG).base64EncodedString()
        let body = Array(#"{"created":1,"data":[{"b64_json":"\#(b64)"}]}"#.utf8)
        let slow = ScriptedServer.Reply(status: 200, headers: [("Content-Type", "application/json"), ("Content-Length", "\(body.count)")],
                                        steps: [.pause(milliseconds: 1500), .bytes(body)])
        let server = try await ScriptedServer(replies: [slow])
        let result = try await runAsync(["edit", "--image", try source(in: folder), "--model", "gpt-image-1", "--out", folder.path,
                                         "--base-url", server.baseURL] + ["a", "b", "c", "d", "e"].flatMap { ["--prompt", $0] })
        await server.stop()
        #expect(result.status == 0, "\(result.stderr)")
        #expect(server.requests.count == 5)
        #expect(server.peakConcurrency == 4, "four at once, then the fifth")
    }

    /// gpt-image-1 publishes $0.011 for one low-quality 1024x1024 image and $0.167 for a high one.
    @Test func aSetIsEstimatedBeforeSending() async throws {
        let folder = try CLI.temporaryFolder()
        let server = try await serverAnswering(usage: Self.usage)
        let result = try await runAsync(["edit", "--image", try source(in: folder), "--model", "gpt-image-1", "--size", "1024x1024",
                                         "--prompt", "a", "--prompt", "b", "--sweep", "quality=low,high", "--out", folder.path,
                                         "--base-url", server.baseURL])
        await server.stop()
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("sending 4 variants, 4 at a time; estimate: $0.3560 for the output images"), "\(result.stderr)")
    }

    @Test func theOfflineEngineSaysWhatItUnderstood() async throws {
        let folder = try CLI.temporaryFolder()
        let result = try await runAsync(["edit", "--local", "--image", try source(in: folder), "--prompt", "sepia and a boat",
                                         "--out", folder.path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("engine: local; understood: sepia"), "\(result.stderr)")
    }

    /// A swept value the model refuses is found before anything is sent.
    @Test func aSetIsCheckedWholeBeforeAnyIsSent() async throws {
        let folder = try CLI.temporaryFolder()
        let result = try await runAsync(["edit", "--local", "--image", try source(in: folder), "--prompt", "sepia", "--sweep", "n=0,1",
                                         "--out", folder.path])
        #expect(result.status == 2)
        #expect(result.stderr.contains("nothing sent") && result.stderr.contains("v1 (n=0): n = 0"), "\(result.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasPrefix("edit-") }.isEmpty)
        // One problem a line, each variant named, an empty prompt too.
        let empty = try await runAsync(["edit", "--local", "--image", try source(in: folder), "--prompt", "sepia", "--prompt", " ",
                                        "--sweep", "n=0,1", "--out", folder.path])
        #expect(empty.status == 2)
        #expect(empty.stderr.split(separator: "\n").first == "retouch: nothing sent; the request breaks the model's rules:")
        #expect(empty.stderr.split(separator: "\n").contains { $0.hasPrefix("retouch: v3 (n=0 · empty prompt): prompt = ") }, "\(empty.stderr)")
        #expect(!empty.stderr.contains("\\n"))
    }

    @Test func anOutThatCannotTakeResultsIsReportedBeforeSending() async throws {
        let folder = try CLI.temporaryFolder()
        let file = folder.appendingPathComponent("notes.png").path
        try Data("not a folder".utf8).write(to: URL(fileURLWithPath: file))
        let server = try await ScriptedServer(replies: [.json(200, #"{"created":1,"data":[]}"#)])
        let result = try await runAsync(["edit", "--image", try source(in: folder), "--prompt", "x", "--out", file, "--base-url", server.baseURL])
        await server.stop()
        #expect(result.status == 1)
        #expect(result.stderr == "retouch: cannot write \(file): it is not a folder\n")
        #expect(server.requests.isEmpty, "nothing is sent (nor paid for) when the results could not be kept")
    }

    @Test func aPromptFileThatCannotBeReadSaysWhy() async throws {
        let folder = try CLI.temporaryFolder()
        let missing = folder.appendingPathComponent("nope.txt").path
        let result = try await runAsync(["edit", "--local", "--image", try source(in: folder), "--prompt-file", missing, "--out", folder.path])
        #expect(result.status == 2)
        #expect(result.stderr == "retouch: cannot read the prompt file \(missing): no such file or directory\n")
        let asFolder = try await runAsync(["edit", "--local", "--image", try source(in: folder), "--prompt-file", folder.path, "--out", folder.path])
        #expect(asFolder.stderr == "retouch: cannot read the prompt file \(folder.path): it is a folder\n")
        let notText = try await runAsync(["edit", "--local", "--image", try source(in: folder), "--prompt-file", "-", "--out", folder.path],
                                         stdin: "caf\u{E9}")
        #expect(notText.status == 0, "valid UTF-8 from standard input is a prompt: \(notText.stderr)")
    }

    @Test func aBaseURLNoRequestCouldGoToIsAUsageError() async throws {
        let folder = try CLI.temporaryFolder()
        let result = try await runAsync(["edit", "--image", try source(in: folder), "--prompt", "x", "--out", folder.path, "--base-url", "notaurl"])
        #expect(result.status == 2)
        #expect(result.stderr == "retouch: --base-url is \"notaurl\": give an http:// or https:// URL with a host (and a port up to 65535), such as https://api.openai.com/v1\n")
        // --local uses its own engine: a base URL set elsewhere is neither used nor checked.
        var environment = CLI.cleanEnvironment
        environment["OPENAI_BASE_URL"] = "localhost:8080"
        let local = try await runAsync(["edit", "--local", "--image", try source(in: folder), "--prompt", "x", "--out", folder.path],
                                       environment: environment)
        #expect(local.status == 0, "\(local.stderr)")
    }

    @Test func oneSweepAtATime() async throws {
        let folder = try CLI.temporaryFolder()
        let result = try await runAsync(["edit", "--local", "--image", try source(in: folder), "--prompt", "x",
                                         "--sweep", "quality=low,high", "--sweep", "size=auto,1024x1024"])
        #expect(result.status == 2 && result.stderr.contains("one --sweep at a time"), "\(result.stderr)")
    }

    @Test func aBadSweepIsAUsageError() async throws {
        let folder = try CLI.temporaryFolder()
        let result = try await runAsync(["edit", "--local", "--image", try source(in: folder), "--prompt", "x", "--sweep", "prompt=a,b"])
        #expect(result.status == 2, "a usage error: \(result.status)")
        #expect(result.stderr.contains("prompt cannot be swept"), "\(result.stderr)")
    }
}
