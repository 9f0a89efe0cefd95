import Foundation
import Testing
import ImageCodecs
import Raster

@Suite struct InfoCommandTests {
    func write(_ bytes: [UInt8], _ name: String, in folder: URL) throws -> String {
        let url = folder.appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url.path
    }

    /// A PNG whose header declares `width` x `height`, with a valid CRC and no pixel data.
    func pngHeader(width: UInt32, height: UInt32) -> [UInt8] {
        func be32(_ v: UInt32) -> [UInt8] { [UInt8(v >> 24), UInt8(v >> 16 & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)] }
        let body = Array("IHDR".utf8) + be32(width) + be32(height) + [8, 2, 0, 0, 0]
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in body {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 != 0 ? 0xEDB8_8320 ^ (crc >> 1) : crc >> 1 }
        }
        return [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + be32(13) + body + be32(~crc)
    }

    @Test func badFilesGetOneClearLineEachAndAFailingExit() throws {
        let folder = try CLI.temporaryFolder()
        let cases: [(String, [UInt8], String)] = [
            ("notes.txt", Array("just some words\n".utf8), "not a PNG, JPEG or WebP image"),
            ("empty.png", [], "the file is empty"),
            ("huge.png", pngHeader(width: 100_000, height: 100_000),
             "PNG declares 100000x100000 pixels (10000 megapixels), more than the limit of 64 megapixels"),
        ]
        for (name, bytes, expected) in cases {
            let path = try write(bytes, name, in: folder)
            let result = try CLI.run(["info", path])
            #expect(result.status != 0, "\(name)")
            #expect(result.stdout.isEmpty)
            let lines = result.stderr.split(separator: "\n")
            #expect(lines.count == 1, "\(name): \(result.stderr)")
            #expect(lines.first.map { $0.contains(name) && $0.contains(expected) } == true, "\(result.stderr)")
        }
    }

    @Test func describesGoodFilesAndTheAPIVerdicts() throws {
        let folder = try CLI.temporaryFolder()
        let square = RGBAImage(width: 64, height: 64) { x, y in RGBA(UInt8(x * 4), UInt8(y * 4), 0, UInt8(x * 4)) }
        let photo = RGBAImage(width: 96, height: 64, fill: RGBA(200, 100, 50))
        let png = try write(try ImageEncoder.png(square), "square.png", in: folder)
        let jpeg = try write(try ImageEncoder.jpeg(photo), "photo.jpg", in: folder)
        let result = try CLI.run(["info", png, jpeg])
        #expect(result.status == 0, "\(result.stderr)")
        let blocks = result.stdout.components(separatedBy: "\n\n")
        #expect(blocks.count == 2)
        #expect(blocks[0].contains("PNG 64x64, RGBA 8-bit, alpha"))
        #expect(blocks[0].contains("GPT image models: accepted"))
        #expect(blocks[0].contains("dall-e-2: accepted"))
        #expect(blocks[0].contains("as a mask: accepted"))
        #expect(blocks[1].contains("JPEG 96x64, YCbCr, no alpha"))
        #expect(blocks[1].contains("dall-e-2: refused: it is JPEG; only PNG is accepted"))
        #expect(blocks[1].contains("as a mask: refused"))
    }

    @Test func oneBadFileAmongGoodOnesStillFails() throws {
        let folder = try CLI.temporaryFolder()
        let good = try write(try ImageEncoder.png(RGBAImage(width: 2, height: 2, fill: .black)), "ok.png", in: folder)
        let jpeg = try ImageEncoder.jpeg(RGBAImage(width: 64, height: 64, fill: .white))
        let cut = try write(Array(jpeg.prefix(jpeg.count / 2)), "cut.jpg", in: folder)
        let result = try CLI.run(["info", good, cut, folder.appendingPathComponent("missing.webp").path])
        #expect(result.status == 1)
        #expect(result.stdout.contains("ok.png"))
        #expect(result.stderr.contains("cut.jpg: the JPEG data ends early, the file is truncated"))
        #expect(result.stderr.contains("missing.webp: cannot read: no such file or directory"))
    }

    @Test func controlCharactersInNamesNeverReachTheTerminal() throws {
        let folder = try CLI.temporaryFolder()
        let path = try write([1, 2, 3], "evil\u{1b}[2Jname.png", in: folder)
        let result = try CLI.run(["info", path])
        #expect(!result.stderr.contains("\u{1b}"))
        #expect(result.stderr.contains("evil\\x1b[2Jname.png"))
    }

    @Test func versionAndHelp() throws {
        let version = try CLI.run(["--version"])
        #expect(version.status == 0)
        #expect(version.stdout.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: ".").count == 3)
        let help = try CLI.run(["--help"])
        #expect(help.stdout.contains("info"))
    }
}

@Suite struct SampleAssetTests {
    static let assets = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../assets").standardized

    @Test func everySampleDecodesAndTheAPIWouldTakeIt() throws {
        let names = ["lakeside.png", "dusk.jpg", "bricks.webp", "badge.png"]
        var total = 0
        for name in names {
            let path = Self.assets.appendingPathComponent(name).path
            let (bytes, decoded) = try ImageFile.load(path: path)
            total += bytes.count
            #expect(decoded.image.width >= 512, "\(name)")
            let result = try CLI.run(["info", path])
            #expect(result.status == 0)
            #expect(result.stdout.contains("GPT image models: accepted"), "\(name)")
        }
        #expect(total < 2 * 1024 * 1024, "the samples stay under 2 MB")
        let badge = try ImageFile.load(path: Self.assets.appendingPathComponent("badge.png").path).decoded
        #expect(badge.description.hasAlpha && badge.image.hasTransparency)
    }
}
