import Foundation
import ImageCodecs
import Raster

/// `retouch show --graphics sixel` against img2sixel on real photographs: the ones
/// `assets/photos/fetch.sh` takes from Debian packages (listed with their sources in
/// `assets/photos/photos.tsv`), or any folder given as `RetouchBench photos FOLDER`.
func photoComparison() throws {
    let folder = CommandLine.arguments.count > 2 ? CommandLine.arguments[2] : Paths.photos
    guard let img2sixel = which("img2sixel") else { throw BenchError(message: "img2sixel is not installed (libsixel-bin)") }
    let paths = photographs(in: folder)
    guard !paths.isEmpty else { throw BenchError(message: "no photographs in \(folder): run assets/photos/fetch.sh") }
    let work = try benchFolder("photos-")
    defer { try? FileManager.default.removeItem(at: work) }
    print("Sixel of real photographs at their own size: retouch show / img2sixel (time: median of 9 ratios, the two run in turn)")
    print("  goals: time <= 0.5x, bytes <= 0.7x, PSNR and PSNR after a 2x2 blur at least img2sixel's")
    print("  photo           size         time    bytes    PSNR (retouch)     blurred (retouch)")
    var met = 0
    for path in paths {
        let name = (path as NSString).lastPathComponent
        guard let original = try? ImageFile.load(path: path).decoded.image else {
            print("  \(name): not readable, skipped")
            continue
        }
        let oursCommand = (Paths.retouch, ["show", "--graphics", "sixel", path]), theirsCommand = (img2sixel, [path])
        // Bytes and PSNR from one run each; the time from runs taken in turn.
        let ours = try sixelFigures(oursCommand.0, oursCommand.1, output: work.appendingPathComponent("retouch.six").path,
                                    original: original, runs: 1)
        let theirs = try sixelFigures(theirsCommand.0, theirsCommand.1, output: work.appendingPathComponent("img2sixel.six").path,
                                      original: original, runs: 1)
        let time = try timeRatio(oursCommand, theirsCommand), bytes = Double(ours.bytes) / Double(max(1, theirs.bytes))
        let plain = ours.psnr - theirs.psnr, blurred = ours.blurred - theirs.blurred
        let goals = [time <= 0.5, bytes <= 0.7, plain >= 0, blurred >= 0]
        if goals.allSatisfy({ $0 }) { met += 1 }
        func mark(_ ok: Bool) -> String { ok ? " " : "!" }
        let label = name.padding(toLength: 15, withPad: " ", startingAt: 0)
        let size = "\(original.width)x\(original.height)".padding(toLength: 10, withPad: " ", startingAt: 0)
        print(String(format: "  %@ %@ %5.2fx%@ %5.2fx%@ %+6.2f dB%@(%4.1f)  %+6.2f dB%@(%4.1f)", label as NSString,
                     size as NSString, time, mark(goals[0]), bytes, mark(goals[1]),
                     plain, mark(goals[2]), ours.psnr, blurred, mark(goals[3]), ours.blurred))
    }
    print("  every goal met on \(met) of \(paths.count) photographs (! marks a goal missed)")
}

/// The PNG, JPEG and WebP files in `folder`, by name.
func photographs(in folder: String) -> [String] {
    ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [])
        .filter { ["png", "jpg", "jpeg", "webp"].contains(($0 as NSString).pathExtension.lowercased()) }.sorted()
        .map { (folder as NSString).appendingPathComponent($0) }
}

/// How long `a` takes as a share of `b`: the two run in turn, nine times each after one run
/// of each not counted, and the median of the nine ratios, so that the machine's speed
/// drifting during the runs touches both alike.
func timeRatio(_ a: (String, [String]), _ b: (String, [String])) throws -> Double {
    func timed(_ command: (String, [String])) throws -> Double {
        let start = ContinuousClock.now
        _ = try runMeasuringPeak(command.0, command.1)
        return seconds(ContinuousClock.now - start)
    }
    _ = try timed(a)
    _ = try timed(b)
    var ratios: [Double] = []
    for _ in 0..<9 { ratios.append(try timed(a) / max(1e-6, try timed(b))) }
    return ratios.sorted()[4]
}
