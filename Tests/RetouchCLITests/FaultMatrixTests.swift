import Foundation
import ImageCodecs
import Raster
import ScriptedServer
import TestSupport
import Testing

/// `retouch edit` against a scripted server for every fault a server or network can produce:
/// each ends with its documented exit status and a one-line message, never a crash, and what
/// arrived before the fault is on disk.
@Suite(.serialized) struct FaultMatrixTests {
    static let image = Data(try! ImageEncoder.png(RGBAImage(width: 16, height: 16, fill: RGBA(10, 120, 200)))).base64EncodedString()

    struct Fault: Sendable, CustomTestStringConvertible {
        var name: String
        var replies: [ScriptedServer.Reply]
        var arguments: [String] = []
        var status: Int32
        var message: String
        /// Result images (not partials) on disk afterwards.
        var saved = 0
        var testDescription: String { name }
    }

    static func events(partials: Int = 0, completed: Int = 0) -> String {
        (0..<partials).map { EditEvents.partialImage(image, index: $0) }.joined()
            + String(repeating: EditEvents.completed(image), count: completed)
    }

    static let json = #"{"created":1,"data":[{"b64_json":"\#(image)"}]}"#
    static let stream = ["--stream", "-n", "2", "--partial-images", "1"]

    static let faults: [Fault] = [
        Fault(name: "429 with Retry-After, then success",
              replies: [.json(429, #"{"error":{"message":"Rate limit reached","type":"requests","code":"rate_limit_exceeded"}}"#,
                              headers: [("Retry-After", "0")]), .json(200, json)],
              arguments: ["--max-retries", "1"], status: 0, message: "", saved: 1),
        Fault(name: "429 without retries left",
              replies: [.json(429, #"{"error":{"message":"Rate limit reached","type":"requests"}}"#, headers: [("Retry-After", "1")])],
              status: 3, message: "HTTP 429): Rate limit reached"),
        Fault(name: "500", replies: [.json(500, #"{"error":{"message":"The server had an error","type":"server_error"}}"#)],
              status: 3, message: "HTTP 500): The server had an error"),
        Fault(name: "503", replies: [ScriptedServer.Reply(status: 503, steps: [.bytes(Array("upstream down".utf8))])],
              status: 3, message: "HTTP 503): Service Unavailable: upstream down"),
        Fault(name: "reset mid-body",
              replies: [ScriptedServer.Reply(status: 200, headers: [("Content-Type", "application/json"), ("Content-Length", "100000")],
                                             steps: [.bytes(Array(json.utf8.prefix(40))), .dropConnection])],
              status: 4, message: "connection to"),
        Fault(name: "drop mid-stream", replies: [.events(events(partials: 1, completed: 1), thenDrop: true)],
              arguments: stream, status: 5, message: "stream ended early", saved: 1),
        Fault(name: "stall", replies: [ScriptedServer.Reply(status: 200, headers: [("Content-Type", "text/event-stream")],
                                                            steps: [.bytes(Array(events(partials: 1).utf8)), .stall])],
              arguments: stream + ["--timeout", "2"], status: 4, message: "timed out"),
        Fault(name: "garbage body", replies: [.json(200, "<html>502 Bad Gateway</html>")], status: 5, message: "bad JSON"),
        Fault(name: "oversized line",
              replies: [.events(events(partials: 1, completed: 1) + "data: " + String(repeating: "A", count: 65 << 20), chunkSize: 4 << 20)],
              arguments: stream, status: 5, message: "an event is larger than the 64.0 MB limit", saved: 1),
        Fault(name: "gzip bomb",
              replies: [ScriptedServer.Reply(status: 200, headers: [("Content-Type", "text/event-stream"), ("Content-Encoding", "gzip")],
                                             steps: [.bytes(try! HostileBodies.gzipBomb(prefix: "data: ", megabytes: 300))])],
              arguments: stream, status: 5, message: "inflates more than 20 times"),
        Fault(name: "error event",
              replies: [.events(events(partials: 1, completed: 1)
                                + "event: error\ndata: {\"type\":\"error\",\"error\":{\"message\":\"Moderation blocked\",\"code\":\"moderation_blocked\"}}\n\n")],
              arguments: stream, status: 3, message: "the server reported an error during the stream: Moderation blocked", saved: 1),
        Fault(name: "extra events after completion",
              replies: [.events(events(partials: 1, completed: 3) + "data: {broken\n\nevent: error\ndata: {}\n\n")],
              arguments: stream, status: 0, message: "", saved: 2),
    ]

    @Test(arguments: faults)
    func endsWithItsExitStatusAndKeepsWhatArrived(fault: Fault) async throws {
        let folder = try CLI.temporaryFolder()
        let source = folder.appendingPathComponent("source.png").path
        try Data(try ImageEncoder.png(RGBAImage(width: 32, height: 32, fill: RGBA(1, 2, 3)))).write(to: URL(fileURLWithPath: source))
        let out = folder.appendingPathComponent("results").path
        let server = try await ScriptedServer(replies: fault.replies)
        let arguments = ["edit", "--image", source, "--prompt", "x", "--out", out, "--base-url", server.baseURL,
                         "--max-retries", "0"] + fault.arguments
        let result = try await OwnThread.run { try CLI.run(arguments) }
        await server.stop()
        #expect(result.status == fault.status, "\(fault.name): \(result.stderr)")
        if !fault.message.isEmpty { #expect(result.stderr.contains(fault.message), "\(fault.name): \(result.stderr)") }
        #expect(!result.stderr.contains("Fatal error") && !result.stderr.contains("Stack dump"))
        let names = (try? FileManager.default.contentsOfDirectory(atPath: out)) ?? []
        let images = names.filter { $0.hasSuffix(".png") && !$0.contains("partial") }
        #expect(images.count == fault.saved, "\(fault.name): \(names)")
        // Every image has its sidecar.
        for name in images { #expect(names.contains(String(name.dropLast(4)) + ".json")) }
    }

    @Test func connectionRefused() async throws {
        let folder = try CLI.temporaryFolder()
        let source = folder.appendingPathComponent("source.png").path
        try Data(try ImageEncoder.png(RGBAImage(width: 32, height: 32, fill: RGBA(1, 2, 3)))).write(to: URL(fileURLWithPath: source))
        let result = try await OwnThread.run {
            try CLI.run(["edit", "--image", source, "--prompt", "x", "--base-url", "http://127.0.0.1:9/v1", "--max-retries", "0"])
        }
        #expect(result.status == 4)
        #expect(result.stderr.contains("cannot connect to") && result.stderr.contains("connection refused"), "\(result.stderr)")
    }
}
