// When the first partial image of a streamed edit arrives, as a share of the whole run.
import Foundation
import ImageCodecs
import ImageEditAPI
import ImageEditModel
import LocalServer
import LocalServerHTTP
import Raster

/// The time of the first partial image, set once from the client's progress callback.
private final class FirstArrival: @unchecked Sendable {
    private let lock = NSLock()
    private var arrival: Double?
    private let start = ContinuousClock.now

    func mark() {
        let now = ContinuousClock.now
        lock.withLock { if arrival == nil { arrival = seconds(now - start) } }
    }

    var value: Double? { lock.withLock { arrival } }
}

/// Streamed 1024x1024 edits of the sample with 3 partial images, through the client and the
/// local server in one process: the first partial image's arrival as a share of the run, for
/// each kind of edit (a fill from the surroundings, operations reading neighbours, per-pixel
/// operations, the default without a mask).
func partialTiming() async throws {
    let server = try await LocalServerHTTP.start(LocalServerConfiguration(port: 0))
    let folder = try benchFolder("partials-")
    defer { try? FileManager.default.removeItem(at: folder) }
    let sample = try maskedSample(PixelRect(x: 640, y: 240, width: 160, height: 140))
    let image = folder.appendingPathComponent("image.png"), mask = folder.appendingPathComponent("mask.png")
    try Data(sample.image).write(to: image)
    try Data(sample.mask).write(to: mask)
    let client = ImageEditClient(configuration: ClientConfiguration(baseURL: server.baseURL))
    let edits: [(prompt: String, masked: Bool)] = [
        ("remove the boat", true), ("blur", true), ("sharpen", true), ("black and white", true), ("fill with red", true),
        ("invert and warmer", true), ("a cat in a hat", false), ("blur", false),
    ]
    print("First of 3 partial images in a streamed 1024x1024 edit, share of the run (client and local server in one process;")
    print("median of 5 runs; goal: at most 30 %)")
    for edit in edits {
        var request = EditRequest(images: [InputImage(path: image.path)], prompt: edit.prompt,
                                  mask: edit.masked ? InputImage(path: mask.path) : nil)
        request.stream = true
        request.partialImages = 3
        var runs: [(first: Double, total: Double)] = []
        var resultBytes = 0
        for _ in 1...5 {
            let first = FirstArrival()
            let start = ContinuousClock.now
            let result = try await client.edit(request) { progress in
                if case .partialImage = progress { first.mark() }
            }
            let total = seconds(ContinuousClock.now - start)
            guard result.partialImageCount == 3, let arrival = first.value else {
                throw BenchError(message: "'\(edit.prompt)' sent \(result.partialImageCount) partial images, not 3")
            }
            runs.append((arrival, total))
            resultBytes = result.images.first?.bytes.count ?? 0
        }
        let median = runs.sorted { $0.first / $0.total < $1.first / $1.total }[runs.count / 2]
        let name = ("'\(edit.prompt)'" + (edit.masked ? "" : " without a mask")).padding(toLength: 34, withPad: " ", startingAt: 0)
        print("  " + name + String(format: "first %.2f s of %.2f s: %4.1f %%, result %4d KB", median.first, median.total,
                                   100 * median.first / median.total, resultBytes / 1024))
    }
    await client.shutdown()
    await server.stop()
}
