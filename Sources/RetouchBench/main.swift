// Benchmarks that print figures; run with `make bench` (release build).
import Foundation
import ImageEditAPI
import ScriptedServer

#if canImport(Glibc)
import Glibc
#endif

struct BenchError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}

func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
}

func sseThroughput() {
    print("SSE parsing (one event whose data line is the whole payload, fed in 64 KB chunks)")
    for megabytes in [5, 10, 20] {
        let payload = [UInt8](repeating: UInt8(ascii: "A"), count: megabytes * 1024 * 1024)
        let stream = Array("event: image_edit.completed\ndata: ".utf8) + payload + Array("\n\n".utf8)
        var best = Double.infinity
        for _ in 0..<5 {
            var parser = SSEParser()
            var events = 0
            let start = ContinuousClock.now
            var offset = 0
            while offset < stream.count {
                let end = min(stream.count, offset + 65_536)
                events += parser.feed(stream[offset..<end]).count
                offset = end
            }
            best = min(best, seconds(ContinuousClock.now - start))
            precondition(events == 1)
        }
        let rate = Double(stream.count) / best / 1_000_000
        print(String(format: "  %2d MB: %7.2f ms  %7.0f MB/s", megabytes, best * 1000, rate))
    }
}

/// Peak resident memory of `retouch edit` uploading sixteen 20 MB images to a loopback sink.
func uploadMemory() async throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("retouch-bench-\(getpid())")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    // A PNG header (1024x1024 RGB) followed by filler: pre-flight reads only the header.
    let header: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52,
                           0, 0, 4, 0, 0, 0, 4, 0, 8, 2, 0, 0, 0, 0, 0, 0, 0]
    var paths: [String] = []
    for index in 0..<16 {
        let path = folder.appendingPathComponent("big-\(index).png").path
        var data = Data(header)
        data.append(Data(count: 20 * 1024 * 1024 - header.count))
        try data.write(to: URL(fileURLWithPath: path))
        paths.append(path)
    }
    let result = #"{"created":1,"data":[{"b64_json":"iVBORw0KGgo="}]}"#
    let server = try await ScriptedServer(replies: [.json(200, result)], keepBodies: false)
    let executable = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("retouch").path
    let arguments = ["edit"] + paths.flatMap { ["--image", $0] } + ["--prompt", "bench", "--base-url", server.baseURL,
                                                                    "--out", folder.path, "--no-preflight"]
    let start = ContinuousClock.now
    let (status, peakKB) = try await Task.detached { try runMeasuringPeak(executable, arguments) }.value
    let elapsed = seconds(ContinuousClock.now - start)
    let sent = server.requests.first?.bodyLength ?? 0
    await server.stop()
    print("Upload of 16 x 20 MB images with retouch edit")
    print(String(format: "  exit %d, sent %.1f MB in %.2f s, peak RSS %.1f MB (goal: under 100 MB)",
                 status, Double(sent) / 1_048_576, elapsed, Double(peakKB) / 1024))
}

/// Runs a child process and returns its exit status and peak resident set size in KB.
func runMeasuringPeak(_ path: String, _ arguments: [String]) throws -> (Int32, Int) {
    var pid: pid_t = 0
    let argv = ([path] + arguments).map { strdup($0) } + [nil]
    defer { argv.forEach { free($0) } }
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
    defer { posix_spawn_file_actions_destroy(&actions) }
    let spawned = posix_spawn(&pid, path, &actions, nil, argv, environ)
    guard spawned == 0 else {
        throw BenchError(message: "cannot start \(path): \(String(cString: strerror(spawned)))")
    }
    var status: Int32 = 0
    var usage = rusage()
    wait4(pid, &status, 0, &usage)
    return ((status >> 8) & 0xFF, usage.ru_maxrss)
}

let only = CommandLine.arguments.dropFirst().first
if only == nil || only == "sse" { sseThroughput() }
if only == nil || only == "upload" {
    do {
        try await uploadMemory()
    } catch {
        print("upload benchmark failed: \(error)")
        exit(1)
    }
}
