// Benchmarks that print figures; run with `make bench` (release build).
import Foundation
import ImageCodecs
import ImageEditAPI
import ImageEditModel
import LocalEngine
import LocalServer
import LocalServerHTTP
import Raster
import ScriptedServer
import TerminalGraphics

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

enum Paths {
    /// The 1024x1024 sample photo.
    static let sample = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../assets/lakeside.png").standardized.path
    /// The benchmark photographs, fetched by `assets/photos/fetch.sh`.
    static let photos = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../.build/photos").standardized.path
    /// The `retouch` executable built beside this one.
    static let retouch = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        .appendingPathComponent("retouch").path
}

/// A fresh folder for one benchmark's files; the caller removes it.
func benchFolder(_ name: String) throws -> URL {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("retouch-bench-\(name)\(getpid())")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    return folder
}

/// A file of `bytes` bytes that starts as a `side` x `side` RGB PNG and continues with zeros:
/// pre-flight and the server read only its header.
func writeFillerPNG(_ url: URL, side: UInt8, bytes: Int) throws {
    let header: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52,
                           0, 0, side, 0, 0, 0, side, 0, 8, 2, 0, 0, 0, 0, 0, 0, 0]
    var data = Data(header)
    data.append(Data(count: bytes - header.count))
    try data.write(to: url)
}

func sseThroughput() throws {
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
                events += try parser.feed(stream[offset..<end]).count
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
    let folder = try benchFolder("")
    defer { try? FileManager.default.removeItem(at: folder) }
    var paths: [String] = []
    for index in 0..<16 {
        let url = folder.appendingPathComponent("big-\(index).png")
        try writeFillerPNG(url, side: 4, bytes: 20 * 1024 * 1024)  // 1024x1024
        paths.append(url.path)
    }
    let result = #"{"created":1,"data":[{"b64_json":"iVBORw0KGgo="}]}"#
    let server = try await ScriptedServer(replies: [.json(200, result)], keepBodies: false)
    let arguments = ["edit"] + paths.flatMap { ["--image", $0] } + ["--prompt", "bench", "--base-url", server.baseURL,
                                                                    "--out", folder.path, "--no-preflight"]
    let start = ContinuousClock.now
    let (status, peakKB) = try await Task.detached { try runMeasuringPeak(Paths.retouch, arguments) }.value
    let elapsed = seconds(ContinuousClock.now - start)
    let sent = server.requests.first?.bodyLength ?? 0
    await server.stop()
    print("Upload of 16 x 20 MB images with retouch edit")
    print(String(format: "  exit %d, sent %.1f MB in %.2f s, peak RSS %.1f MB (goal: under 100 MB)",
                 status, Double(sent) / 1_048_576, elapsed, Double(peakKB) / 1024))
}

/// Runs a child process and returns its exit status and peak resident set size in KB.
/// The peak is read by GNU time: a child spawned straight from this (large) process would be
/// charged this process's own peak, which Linux carries over into the child at exec.
func runMeasuringPeak(_ path: String, _ arguments: [String], output: String = "/dev/null") throws -> (Int32, Int) {
    let timeTool = "/usr/bin/time"
    let report = FileManager.default.temporaryDirectory.appendingPathComponent("retouch-bench-rss-\(getpid())").path
    let measured = FileManager.default.isExecutableFile(atPath: timeTool)
    let command = measured ? [timeTool, "-f", "%M", "-o", report, path] + arguments : [path] + arguments
    var pid: pid_t = 0
    let argv = command.map { strdup($0) } + [nil]
    defer { argv.forEach { free($0) } }
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
    defer { posix_spawn_file_actions_destroy(&actions) }
    let spawned = posix_spawn(&pid, command[0], &actions, nil, argv, environ)
    guard spawned == 0 else {
        throw BenchError(message: "cannot start \(command[0]): \(String(cString: strerror(spawned)))")
    }
    var status: Int32 = 0
    waitpid(pid, &status, 0)
    let text = (try? String(contentsOfFile: report, encoding: .utf8)) ?? ""
    try? FileManager.default.removeItem(atPath: report)
    let peak = measured ? Int(text.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: "\n").last ?? "") ?? 0 : 0
    return ((status >> 8) & 0xFF, peak)
}

/// The sample photo with a rectangle masked, as PNG bytes of image and mask.
func maskedSample(_ rect: PixelRect) throws -> (image: [UInt8], mask: [UInt8], decoded: RGBAImage) {
    let (bytes, decoded) = try ImageFile.load(path: Paths.sample)
    let mask = Mask(width: decoded.image.width, height: decoded.image.height, rects: [rect]).image()
    return (bytes, try ImageEncoder.png(mask, alpha: .always), decoded.image)
}

/// The local engine alone, and a whole streamed edit through the client and the local server.
func engineAndRoundTrip() async throws {
    print("Local engine on the 1024x1024 sample (fill only)")
    for rect in [PixelRect(x: 640, y: 240, width: 160, height: 140), PixelRect(x: 300, y: 600, width: 320, height: 240)] {
        let sample = try maskedSample(rect)
        let hole = Mask(width: 1024, height: 1024, rects: [rect]).image().pixels.enumerated().filter { $0.offset % 4 == 3 }.map { $0.element == 0 }
        let start = ContinuousClock.now
        var levels = 0
        _ = Inpainter(seed: 1).fill(sample.decoded, hole: hole) { _ in levels += 1 }
        print(String(format: "  hole %dx%d: %.0f ms (%d levels)", rect.width, rect.height,
                     seconds(ContinuousClock.now - start) * 1000, levels + 1))
    }
    let server = try await LocalServerHTTP.start(LocalServerConfiguration(port: 0))
    let folder = try benchFolder("rt-")
    defer { try? FileManager.default.removeItem(at: folder) }
    let sample = try maskedSample(PixelRect(x: 640, y: 240, width: 160, height: 140))
    try Data(sample.image).write(to: folder.appendingPathComponent("image.png"))
    try Data(sample.mask).write(to: folder.appendingPathComponent("mask.png"))
    let client = ImageEditClient(configuration: ClientConfiguration(baseURL: server.baseURL))
    var request = EditRequest(images: [InputImage(path: folder.appendingPathComponent("image.png").path)], prompt: "bench",
                              mask: InputImage(path: folder.appendingPathComponent("mask.png").path))
    request.stream = true
    request.partialImages = 3
    print("Streamed 1024x1024 masked edit with 3 partial images, client and local server in one process (goal: under 2 s)")
    for run in 1...3 {
        let start = ContinuousClock.now
        let result = try await client.edit(request)
        print(String(format: "  run %d: %.2f s, %d partial images, %d image", run, seconds(ContinuousClock.now - start),
                     result.partialImageCount, result.images.count))
    }
    await client.shutdown()
    await server.stop()
}

/// Fill quality on synthetic images: smooth gradient, and textures against plain diffusion.
func fillQuality() {
    print("Fill error inside a masked hole, mean absolute error in levels (0-255)")
    let gradient = RGBAImage(width: 256, height: 256) { x, y in RGBA(UInt8(x), UInt8(y), UInt8((x + y) / 2)) }
    let stripes = RGBAImage(width: 192, height: 192) { x, y in ((x + y) / 6) % 2 == 0 ? RGBA(220, 60, 40) : RGBA(30, 40, 160) }
    let checks = RGBAImage(width: 192, height: 192) { x, y in (x / 8 + y / 8) % 2 == 0 ? RGBA(240, 240, 240) : RGBA(20, 20, 20) }
    for (name, image, rect) in [("gradient", gradient, PixelRect(x: 90, y: 100, width: 60, height: 50)),
                                ("stripes", stripes, PixelRect(x: 70, y: 60, width: 40, height: 36)),
                                ("checks", checks, PixelRect(x: 70, y: 60, width: 40, height: 36))] {
        let hole = (0..<(image.width * image.height)).map { rect.contains(x: $0 % image.width, y: $0 / image.width) }
        func error(_ filled: RGBAImage) -> Double {
            var total = 0.0, count = 0.0
            for i in 0..<hole.count where hole[i] {
                for c in 0..<3 { total += abs(Double(filled.pixels[i * 4 + c]) - Double(image.pixels[i * 4 + c])) }
                count += 3
            }
            return total / count
        }
        print(String(format: "  %-8@ patch fill %6.2f   diffusion %6.2f", name as NSString,
                     error(Inpainter(seed: 1).fill(image, hole: hole)), error(Inpainter.diffusionFill(image, hole: hole))))
    }
}

/// Where the time of a sixel goes, in this process.
func sixelPhases() throws {
    guard CommandLine.arguments.count <= 2 else { return try showPhases() }
    let bytes = try ImageFile.readBytes(path: Paths.sample)
    var start = ContinuousClock.now
    func lap(_ name: String) {
        print(String(format: "  %-12@ %6.1f ms", name as NSString, seconds(ContinuousClock.now - start) * 1000))
        start = ContinuousClock.now
    }
    print("Sixel of the 1024x1024 sample, by phase")
    let image = try ImageDecoder().decode(bytes).image
    lap("decode PNG")
    _ = Palette.quantize(image, maxColors: 128, refinements: 0)
    lap("median cut")
    _ = Palette.quantize(image, maxColors: 128, refinements: 3)
    lap("+ 3 k-means")
    for colors in [256, 128] {
        let palette = SixelEncoder.palette(for: image, maxColors: colors)
        for dither in [Dither.none, .errorDiffusion(strength: 0.25), .errorDiffusion(strength: 0.75), .ordered] {
            start = ContinuousClock.now
            let indexed = IndexedImage(image, palette: palette, dither: dither)
            let mapTime = seconds(ContinuousClock.now - start)
            let out = SixelEncoder.encode(indexed)
            let shown = RGBAImage(width: image.width, height: image.height) { x, y in palette.colors[Int(indexed.indices[y * image.width + x])] }
            print(String(format: "  %3d colours %@: map %.1f ms, %d bytes, PSNR %.2f dB, blurred %.2f dB", colors,
                         "\(dither)" as NSString, mapTime * 1000, out.count, psnr(shown, image), psnr(blur2(shown), blur2(image))))
        }
    }
    try showPhases()
}

/// Where `retouch show --graphics sixel` spends its time on each photograph (or on the files
/// given: `RetouchBench phases FILE...`), phase by phase in this process: the median of 15 runs,
/// and the first, which pays for fresh memory and cold caches as a `retouch show` process does
/// (fully so only for the first file of a `phases FILE` run).
func showPhases() throws {
    let given = Array(CommandLine.arguments.dropFirst(2))
    let paths = given.isEmpty ? photographs(in: Paths.photos) : given
    guard !paths.isEmpty else { return }
    print("retouch show --graphics sixel by phase, ms: the median of 15 runs in one process, and the first run")
    print("  photo           decode  style palette     map  encode   total  first: decode style palette map encode")
    for path in paths {
        var laps: [[Double]] = Array(repeating: [], count: 5)
        for _ in 0..<15 {
            var start = ContinuousClock.now
            func lap(_ phase: Int) {
                laps[phase].append(seconds(ContinuousClock.now - start) * 1000)
                start = ContinuousClock.now
            }
            guard let image = try? ImageFile.load(path: path).decoded.image else { break }
            lap(0)
            let style = SixelStyle.still(for: image)
            lap(1)
            let palette = SixelEncoder.palette(for: image, maxColors: style.maxColors, rate: style.rate)
            lap(2)
            let indexed = IndexedImage(image, palette: palette, dither: style.dither, context: style.context)
            lap(3)
            _ = SixelEncoder.encode(indexed, registers: .mostSelectedFirst)
            lap(4)
        }
        guard laps[0].count == 15 else { continue }
        let medians = laps.map { $0.sorted()[7] }
        let label = ((path as NSString).lastPathComponent).padding(toLength: 15, withPad: " ", startingAt: 0)
        print(String(format: "  %@ %7.1f %6.1f %7.1f %7.1f %7.1f %7.1f  %@", label as NSString, medians[0], medians[1], medians[2],
                     medians[3], medians[4], medians.reduce(0, +), laps.map { String(format: "%.1f", $0[0]) }.joined(separator: " ")))
    }
}

func psnr(_ a: RGBAImage, _ b: RGBAImage) -> Double { a.psnr(against: b) }

/// The 2x2 box blur the graphics goals credit dithering with.
func blur2(_ image: RGBAImage) -> RGBAImage { image.resized(width: image.width / 2, height: image.height / 2) }

/// `retouch show`, img2sixel and chafa on the same image, in one run.
func graphicsComparison() throws {
    let original = try ImageFile.load(path: Paths.sample).decoded.image
    let folder = try benchFolder("gfx-")
    defer { try? FileManager.default.removeItem(at: folder) }
    try sixelTools(original: original, folder: folder)
    halfBlocks(original: original)
    try chafaHalfBlocks(folder: folder)
}

/// An executable from the usual places, when installed.
func which(_ name: String) -> String? {
    ["/usr/bin/", "/usr/local/bin/"].map { $0 + name }.first { FileManager.default.isExecutableFile(atPath: $0) }
}

/// One sixel tool's figures: its whole-process time and peak memory, its output's size and
/// its fidelity to the original (plain and through the 2x2 blur).
struct SixelFigures {
    var time: Double
    var peak: Int
    var bytes: Int
    var psnr = 0.0
    var blurred = 0.0
}

/// Each sixel tool run five times as a separate process, its output read back with sixel2png.
func sixelTools(original: RGBAImage, folder: URL) throws {
    var tools: [(String, String, [String])] = [("retouch show", Paths.retouch, ["show", "--graphics", "sixel", Paths.sample])]
    if let img2sixel = which("img2sixel") { tools.append(("img2sixel", img2sixel, [Paths.sample])) }
    // chafa sizes in cells of 8x16 pixels when it cannot ask a terminal: 128x64 cells is 1024x1024.
    if let chafa = which("chafa") { tools.append(("chafa", chafa, ["-f", "sixels", "-s", "128x64", Paths.sample])) }
    print("Sixel of the 1024x1024 sample, whole process (median of 5 runs)")
    print("  tool            time    peak RSS    bytes      PSNR   blurred")
    var figures: [String: SixelFigures] = [:]
    for (name, path, arguments) in tools {
        let output = folder.appendingPathComponent("\(name.replacingOccurrences(of: " ", with: "-")).six").path
        let measured = try sixelFigures(path, arguments, output: output, original: original)
        figures[name] = measured
        print(String(format: "  %-14@ %5.0f ms  %6.1f MB  %8d  %6.2f dB  %6.2f dB", name as NSString, measured.time * 1000,
                     Double(measured.peak) / 1024, measured.bytes, measured.psnr, measured.blurred))
    }
    guard let ours = figures["retouch show"] else { return }
    for other in ["img2sixel", "chafa"] {
        guard let theirs = figures[other] else { continue }
        print(String(format: "  retouch / %@: time %.2fx, bytes %.2fx, PSNR %+.2f dB, blurred %+.2f dB", other as NSString,
                     ours.time / theirs.time, Double(ours.bytes) / Double(theirs.bytes), ours.psnr - theirs.psnr,
                     ours.blurred - theirs.blurred))
    }
}

/// A sixel tool run as a separate process `runs` times (the median time, the largest peak), its
/// output read back with sixel2png.
func sixelFigures(_ path: String, _ arguments: [String], output: String, original: RGBAImage, runs: Int = 5) throws -> SixelFigures {
    var times: [Double] = []
    var peak = 0
    for _ in 0..<runs {
        let start = ContinuousClock.now
        let (_, rss) = try runMeasuringPeak(path, arguments, output: output)
        times.append(seconds(ContinuousClock.now - start))
        peak = max(peak, rss)
    }
    let bytes = (try? FileManager.default.attributesOfItem(atPath: output)[.size] as? Int) ?? 0
    var figures = SixelFigures(time: times.sorted()[runs / 2], peak: peak, bytes: bytes)
    let png = output + ".png"
    _ = try runMeasuringPeak("/usr/bin/sixel2png", ["-i", output, "-o", png])
    if var shown = try? ImageFile.load(path: png).decoded.image {
        // A tool that chose another size is compared after resampling to the original's.
        if shown.width != original.width || shown.height != original.height {
            shown = shown.resized(width: original.width, height: original.height)
        }
        figures.psnr = psnr(shown, original)
        figures.blurred = psnr(blur2(shown), blur2(original))
    }
    return figures
}

/// Half-block rendering time and size, and how close 256 colours come.
func halfBlocks(original: RGBAImage) {
    print("Half-blocks, 200x60 cells, rendered in this process from decoded pixels")
    for colors in [HalfBlock.Colors.trueColor, .palette256] {
        var best = Double.infinity
        var text: [UInt8] = []
        for _ in 0..<5 {
            let start = ContinuousClock.now
            text = HalfBlock.text(HalfBlock.cells(original, columns: 200, rows: 60, colors: colors),
                                  tolerance: colors == .trueColor ? HalfBlock.previewTolerance : 0)
            best = min(best, seconds(ContinuousClock.now - start))
        }
        print(String(format: "  %@: %.1f ms, %d bytes", "\(colors)" as NSString, best * 1000, text.count))
    }
    // 256 colours: the cells read back against the box downscale, and the best any per-pixel
    // choice of xterm's 240 fixed colours could do (the 16 system colours vary by terminal).
    let small = original.resized(width: 200, height: 120)
    let cells = HalfBlock.cells(original, columns: 200, rows: 60, colors: .palette256)
    let shown = RGBAImage(width: 200, height: 120) { x, y in
        let cell = cells[y / 2][x]
        guard case .indexed(let index) = y % 2 == 0 ? cell.top : cell.bottom else { return RGBA(0, 0, 0) }
        return XTerm256.color(index)
    }
    let fixed = (16...255).map { XTerm256.color(UInt8($0)) }
    let best = RGBAImage(width: 200, height: 120) { x, y in
        let p = small[x, y]
        func distance(_ c: RGBA) -> Int {
            let dr = Int(p.r) - Int(c.r), dg = Int(p.g) - Int(c.g), db = Int(p.b) - Int(c.b)
            return dr * dr + dg * dg + db * db
        }
        return fixed.min { distance($0) < distance($1) }!
    }
    print(String(format: "  palette256 PSNR: %.1f dB, blurred %.1f dB; nearest fixed colour per pixel (the plain bound): %.1f dB",
                 psnr(shown, small), psnr(blur2(shown), blur2(small)), psnr(best, small)))
}

func chafaHalfBlocks(folder: URL) throws {
    guard let chafa = which("chafa") else { return }
    let output = folder.appendingPathComponent("chafa.txt").path
    _ = try runMeasuringPeak(chafa, ["-f", "symbols", "-c", "full", "--symbols", "vhalf", "-s", "200x60", Paths.sample], output: output)
    let bytes = (try? FileManager.default.attributesOfItem(atPath: output)[.size] as? Int) ?? 0
    print("  chafa truecolor half-blocks: \(bytes) bytes")
}

/// Peak memory of `retouch serve` receiving sixteen 50 MB images in one request.
func serverMemory() async throws {
    let folder = try benchFolder("serve-")
    defer { try? FileManager.default.removeItem(at: folder) }
    // The first image is a real picture (the engine edits it); the others are PNG headers with
    // filler, which the server checks but does not decode.
    var images: [String] = []
    let first = folder.appendingPathComponent("first.png")
    var firstData = Data(try ImageEncoder.png(RGBAImage(width: 256, height: 256) { x, y in RGBA(UInt8(x), UInt8(y), 90) }))
    firstData.append(Data(count: 50 * 1024 * 1024 - 1024 - firstData.count))
    try firstData.write(to: first)
    images.append(first.path)
    for index in 1..<16 {
        let url = folder.appendingPathComponent("filler-\(index).png")
        try writeFillerPNG(url, side: 1, bytes: 50 * 1024 * 1024 - 1024)  // 256x256
        images.append(url.path)
    }
    let port = 18_000 + Int(getpid() % 1000)
    let server = Task.detached { try runMeasuringPeak(Paths.retouch, ["serve", "--port", "\(port)"]) }
    try await Task.sleep(for: .seconds(1))
    let client = ImageEditClient(configuration: ClientConfiguration(baseURL: "http://127.0.0.1:\(port)/v1", timeout: 300))
    let start = ContinuousClock.now
    let outcome: String
    do {
        let result = try await client.edit(EditRequest(images: images.map { InputImage(path: $0) }, prompt: "bench"))
        outcome = "\(result.images.count) image back"
    } catch {
        outcome = "failed: \(error)"
    }
    let elapsed = seconds(ContinuousClock.now - start)
    await client.shutdown()
    _ = try? await Task.detached { try runMeasuringPeak("/usr/bin/pkill", ["-TERM", "-f", "retouch serve --port \(port)"]) }.value
    let (_, peak) = try await server.value
    print("retouch serve receiving 16 x 50 MB (800 MB) in one request")
    print(String(format: "  %@ in %.1f s, server peak RSS %.0f MB (goal: about twice the body at most)", outcome as NSString,
                 elapsed, Double(peak) / 1024))
}

/// The benchmarks in the order they run; `RetouchBench NAME` runs one.
let benchmarks: [(name: String, run: () async throws -> Void)] = [
    ("sse", sseThroughput), ("fill", fillQuality), ("phases", sixelPhases), ("graphics", graphicsComparison),
    ("photos", photoComparison), ("serve", serverMemory), ("engine", engineAndRoundTrip), ("partials", partialTiming),
    ("upload", uploadMemory), ("traffic", editorTraffic),
]
let only = CommandLine.arguments.dropFirst().first
for benchmark in benchmarks where only == nil || only == benchmark.name {
    do {
        try await benchmark.run()
    } catch {
        print("\(benchmark.name) benchmark failed: \(error)")
        exit(1)
    }
}
