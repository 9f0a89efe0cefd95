import ArgumentParser
import ImageCodecs
import ImageEditModel
import Raster
import TerminalText

struct Info: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "info",
        abstract: "Describe image files and say whether the API would take them.",
        discussion: """
            Each file is decoded whole, so a truncated or corrupt file is reported as such.
            Exits with 1 when any file cannot be read or decoded.
            """
    )

    @Argument(help: "Image files (PNG, JPEG or WebP).")
    var files: [String]

    func run() throws {
        var failed = false
        var printedReport = false
        for path in files {
            do {
                let (bytes, decoded) = try ImageFile.load(path: path)
                if printedReport { print("") }
                printedReport = true
                print(Self.report(path: path, byteCount: bytes.count, description: decoded.description))
            } catch {
                failed = true
                printError(error.description)
            }
        }
        if failed { throw ExitCode(1) }
    }

    static func report(path: String, byteCount: Int, description d: ImageDescription) -> String {
        let facts = ImageFacts(format: d.format, width: d.width, height: d.height, channels: d.channels,
                               hasAlpha: d.hasAlpha, byteCount: byteCount)
        let storage = ([d.colorType, d.hasAlpha ? "alpha" : "no alpha"] + d.notes).joined(separator: ", ")
        var lines = [
            path,
            "  \(d.format.displayName) \(d.width)x\(d.height), \(storage), \(ByteCount.format(byteCount))",
        ]
        let uses: [(String, ImageRequirement)] = [
            ("GPT image models", .gptImageSource), ("dall-e-2", .dallE2Source), ("as a mask", .mask),
        ]
        for (use, requirement) in uses {
            let problems = requirement.violations(of: facts)
            let verdict = problems.isEmpty ? "accepted" : "refused: " + problems.joined(separator: "; ")
            lines.append("  \(use): \(verdict)")
        }
        // The path and the decoder's notes come from the file: each line is made safe.
        return lines.map(TerminalText.safe).joined(separator: "\n")
    }
}
