import Foundation
import ImageCodecs
import Raster
import ScriptedServer
import Testing
import TestSupport

/// `retouch edit` runs as a separate process, so the server's requests are read after it exits.
@Suite(.serialized) struct EditCommandTests {
    static let resultPNG: [UInt8] = try! ImageEncoder.png(RGBAImage(width: 16, height: 16, fill: RGBA(10, 120, 200)))
    static let partialPNG: [UInt8] = try! ImageEncoder.png(RGBAImage(width: 8, height: 8, fill: RGBA(90, 90, 90)))

    func source(in folder: URL) throws -> String {
        let path = folder.appendingPathComponent("source.png").path
        try Data(try ImageEncoder.png(RGBAImage(width: 32, height: 32, fill: RGBA(1, 2, 3)))).write(to: URL(fileURLWithPath: path))
        return path
    }

    func runAsync(_ arguments: [String], environment: [String: String] = CLI.cleanEnvironment, stdin: String? = nil) async throws -> CLIResult {
        try await OwnThread.run { try CLI.run(arguments, environment: environment, stdin: stdin) }
    }

    @Test func savesResultAndSidecarAndPrintsAJSONSummary() async throws {
        let folder = try CLI.temporaryFolder()
        let b64 = Data(Self.resultPNG).base64EncodedString()
        let server = try await ScriptedServer(replies: [.json(200,
            #"{"created":1764000000,"size":"1024x1024","quality":"low","usage":{"input_tokens":3,"output_tokens":4,"total_tokens":7},"data":[{"b64_json":"\#(b64)"},{"b64_json":"\#(b64)"}]}"#,
            headers: [("x-request-id", "req_cli")])])
        let out = folder.appendingPathComponent("results").path
        let result = try await runAsync(["edit", "--image", try source(in: folder), "--prompt", "make it blue", "-n", "2",
                                         "--quality", "low", "--out", out, "--base-url", server.baseURL, "--json"])
        await server.stop()
        #expect(result.status == 0, "\(result.stderr)")
        let summary = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        let files = try #require(summary?["files"] as? [String])
        #expect(files.count == 2)
        #expect(summary?["request_id"] as? String == "req_cli")
        #expect((summary?["usage"] as? [String: Any])?["total_tokens"] as? Int == 7)
        for file in files {
            #expect(FileManager.default.contents(atPath: file) == Data(Self.resultPNG))
            let sidecarPath = String(file.dropLast(4)) + ".json"
            let sidecar = try JSONSerialization.jsonObject(with: try Data(contentsOf: URL(fileURLWithPath: sidecarPath))) as? [String: Any]
            #expect(sidecar?["prompt"] as? String == "make it blue")
            #expect(sidecar?["model"] as? String == "gpt-image-1.5")
            #expect(sidecar?["request_id"] as? String == "req_cli")
            #expect((sidecar?["parameters"] as? [String: String])?["quality"] == "low")
        }
        #expect(files[1].hasSuffix("-2.png"))
        // Nothing is ever overwritten: a second run gets new names.
        let again = try await ScriptedServer(replies: [.json(200, #"{"created":1,"data":[{"b64_json":"\#(b64)"}]}"#)])
        let second = try await runAsync(["edit", "--image", try source(in: folder), "--prompt", "x", "--out", out,
                                         "--base-url", again.baseURL, "--json"])
        await again.stop()
        let secondFiles = (try JSONSerialization.jsonObject(with: Data(second.stdout.utf8)) as? [String: Any])?["files"] as? [String]
        #expect(secondFiles?.count == 1)
        #expect(Set(secondFiles ?? []).isDisjoint(with: files))
    }

    @Test func streamsAndSavesPartials() async throws {
        let folder = try CLI.temporaryFolder()
        let partial = Data(Self.partialPNG).base64EncodedString(), final = Data(Self.resultPNG).base64EncodedString()
        let events = """
            event: image_edit.partial_image
            data: {"type":"image_edit.partial_image","b64_json":"\(partial)","partial_image_index":0}

            event: image_edit.completed
            data: {"type":"image_edit.completed","b64_json":"\(final)","usage":{"total_tokens":9}}


            """
        let server = try await ScriptedServer(replies: [.events(events, chunkSize: 50)])
        let result = try await runAsync(["edit", "--image", try source(in: folder), "--prompt", "x", "--stream",
                                         "--partial-images", "1", "--save-partials", "--out", folder.path,
                                         "--base-url", server.baseURL])
        await server.stop()
        #expect(result.status == 0, "\(result.stderr)")
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path)
        #expect(names.contains { $0.hasSuffix("-partial-0.png") })
        #expect(names.contains { $0.hasSuffix("-partial-0.json") })
        #expect(names.filter { $0.hasPrefix("edit-") && $0.hasSuffix(".png") }.count == 2)
        #expect(result.stderr.contains("saved "))
    }

    @Test func exitStatusesByKindOfFailure() async throws {
        let folder = try CLI.temporaryFolder()
        let image = try source(in: folder)

        let badRequest = try await ScriptedServer(replies: [.json(400,
            #"{"error":{"message":"Invalid value for size","type":"invalid_request_error","param":"size","code":"invalid_value"}}"#)])
        let api = try await runAsync(["edit", "--image", image, "--prompt", "x", "--base-url", badRequest.baseURL, "--no-preflight",
                                      "--size", "7x7"])
        await badRequest.stop()
        #expect(api.status == 3)
        #expect(api.stderr.contains("Invalid value for size") && api.stderr.contains("param: size") && api.stderr.contains("code: invalid_value"))

        let garbage = try await ScriptedServer(replies: [.json(200, "<html>")])
        let proto = try await runAsync(["edit", "--image", image, "--prompt", "x", "--base-url", garbage.baseURL])
        await garbage.stop()
        #expect(proto.status == 5)

        let network = try await runAsync(["edit", "--image", image, "--prompt", "x", "--base-url", "http://127.0.0.1:9/v1",
                                          "--max-retries", "0"])
        #expect(network.status == 4)
        #expect(network.stderr.contains("cannot connect"))

        let preflight = try await runAsync(["edit", "--image", image, "--prompt", "x", "-n", "11", "--base-url", "http://127.0.0.1:9/v1"])
        #expect(preflight.status == 2)
        #expect(preflight.stderr.contains("n = 11: must be 1 to 10"))

        let noKey = try await runAsync(["edit", "--image", image, "--prompt", "x"])
        #expect(noKey.status == 2)
        #expect(noKey.stderr.contains("OPENAI_API_KEY"))

        let usage = try await runAsync(["edit", "--prompt", "x"])
        #expect(usage.status == 2)
        #expect(usage.stderr.hasPrefix("retouch: give at least one --image"))

        for result in [api, proto, network, preflight, noKey, usage] {
            #expect(!result.stderr.contains("Fatal error") && !result.stderr.contains("Stack dump"))
        }
    }

    @Test func promptFromStandardInputAndTheKeyStaysSecret() async throws {
        let folder = try CLI.temporaryFolder()
        let b64 = Data(Self.resultPNG).base64EncodedString()
        let server = try await ScriptedServer(replies: [.json(200, #"{"created":1,"data":[{"b64_json":"\#(b64)"}]}"#)])
        var environment = CLI.cleanEnvironment
        environment["OPENAI_API_KEY"] = "sk-secret-value"
        environment["OPENAI_BASE_URL"] = server.baseURL
        let result = try await runAsync(["edit", "--image", try source(in: folder), "--prompt-file", "-", "--out", folder.path],
                                        environment: environment, stdin: "a prompt\nover two lines\n")
        await server.stop()
        #expect(result.status == 0, "\(result.stderr)")
        let sent = try #require(server.requests.first)
        #expect(sent.header("Authorization") == "Bearer sk-secret-value")
        #expect(String(decoding: sent.body, as: UTF8.self).contains("a prompt\nover two lines\r\n"))
        for name in try FileManager.default.contentsOfDirectory(atPath: folder.path) {
            let text = String(decoding: FileManager.default.contents(atPath: folder.appendingPathComponent(name).path) ?? Data(), as: UTF8.self)
            #expect(!text.contains("sk-secret-value"), "\(name) must not hold the key")
        }
        #expect(!result.stderr.contains("sk-secret-value") && !result.stdout.contains("sk-secret-value"))
    }

    /// An environment whose config file is `config.toml` in `folder` (not yet written).
    func configHome(in folder: URL) throws -> (configPath: String, environment: [String: String]) {
        let configFolder = folder.appendingPathComponent("config/retouch")
        try FileManager.default.createDirectory(at: configFolder, withIntermediateDirectories: true)
        var environment = CLI.cleanEnvironment
        environment["XDG_CONFIG_HOME"] = folder.appendingPathComponent("config").path
        return (configFolder.appendingPathComponent("config.toml").path, environment)
    }

    /// base_url from the config file, escapes decoded; a line it cannot read stops the command
    /// with one line naming the file and the line.
    @Test func configFileBaseURLAndItsErrors() async throws {
        let folder = try CLI.temporaryFolder()
        let (configPath, environment) = try configHome(in: folder)

        let b64 = Data(Self.resultPNG).base64EncodedString()
        let server = try await ScriptedServer(replies: [.json(200, #"{"created":1,"data":[{"b64_json":"\#(b64)"}]}"#)])
        let escapedBaseURL = server.baseURL.replacingOccurrences(of: "/v1", with: "/\\u0076\\U00000031")
        try Data("# retouch\nbase_url = \"\(escapedBaseURL)\"  # the scripted server\n".utf8).write(to: URL(fileURLWithPath: configPath))
        let good = try await runAsync(["edit", "--image", try source(in: folder), "--prompt", "x", "--out", folder.path],
                                      environment: environment)
        await server.stop()
        #expect(good.status == 0, "\(good.stderr)")
        #expect(server.requests.count == 1)

        try Data("# retouch\nbase_url = \"http://127.0.0.1:9/v1\n".utf8).write(to: URL(fileURLWithPath: configPath))
        let bad = try await runAsync(["edit", "--image", try source(in: folder), "--prompt", "x", "--out", folder.path],
                                     environment: environment)
        #expect(bad.status == 2)
        #expect(bad.stderr == "retouch: \(configPath):2: the string has no closing \" on this line\n")
    }
}
