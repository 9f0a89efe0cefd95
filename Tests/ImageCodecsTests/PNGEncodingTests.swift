import Foundation
import Testing
import Raster
import TestSupport
@testable import ImageCodecs

/// The encoder (rows filtered in C, deflated by libdeflate): every file it writes decodes to the
/// same pixels through libpng and through the fast path, in both its settings.
@Suite struct PNGEncodingTests {
    /// Noise, smooth gradients, flat areas, a transparent corner: rows that favour every filter.
    static func picture(width: Int, height: Int, seed: UInt64) -> RGBAImage {
        var random = SeededRandom(seed: seed)
        return RGBAImage(width: width, height: height) { x, y in
            switch (y / 4) % 4 {
            case 0: RGBA(UInt8(random.next(below: 256)), UInt8(random.next(below: 256)), UInt8(random.next(below: 256)),
                         UInt8(random.next(below: 256)))
            case 1: RGBA(UInt8(x & 255), UInt8(y & 255), UInt8((x + y) & 255), x > width / 2 ? 0 : 255)
            case 2: RGBA(40, 80, 120)
            default: RGBA(UInt8((x * 3 + y) & 255), UInt8(random.next(below: 4) + 100), UInt8(x & 255), 200)
            }
        }
    }

    static let sizes = [(1, 1), (2, 3), (57, 31), (300, 17), (5, 300)]

    @Test(arguments: [false, true])
    func everyImageDecodesToItsPixels(fast: Bool) throws {
        for (index, (width, height)) in Self.sizes.enumerated() {
            let image = Self.picture(width: width, height: height, seed: UInt64(index))
            let opaque = RGBAImage(width: width, height: height, pixels: image.pixels.enumerated().map { $0.offset % 4 == 3 ? 255 : $0.element })
            for (picture, alpha) in [(image, ImageEncoder.Alpha.always), (opaque, .whenNeeded), (opaque, .always)] {
                let png = try ImageEncoder.png(picture, alpha: alpha, fast: fast)
                let viaLibpng = try PNGCodec.decode(png, pixelLimit: 1 << 20, fastPath: false)
                let viaFastPath = try PNGCodec.decode(png, pixelLimit: 1 << 20)
                #expect(viaLibpng.image == picture, "\(width)x\(height) fast: \(fast)")
                #expect(viaFastPath.image == picture, "\(width)x\(height) fast: \(fast)")
                #expect(viaLibpng.description.channels == (alpha == .always ? .rgba : .rgb))
            }
        }
    }

    /// The chunks libpng's simplified API wrote: the header, sRGB, the image data, the end.
    @Test func chunksAreTheUsualOnes() throws {
        let png = try ImageEncoder.png(Self.picture(width: 20, height: 10, seed: 3), alpha: .always)
        var chunks: [String] = []
        var offset = 8
        while offset + 12 <= png.count {
            let length = png[offset..<offset + 4].reduce(0) { $0 << 8 | Int($1) }
            chunks.append(String(decoding: png[offset + 4..<offset + 8], as: UTF8.self))
            offset += 12 + length
        }
        #expect(Array(png.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        #expect(chunks == ["IHDR", "sRGB", "IDAT", "IEND"])
        #expect(offset == png.count)
    }

    /// Results are deflated harder than partial images: smaller on a photo-like picture.
    @Test func resultsAreSmallerThanFastImages() throws {
        let assets = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../assets")
        let photo = try ImageDecoder().decode([UInt8](try Data(contentsOf: assets.appendingPathComponent("lakeside.png")))).image
        let small = photo.resized(width: 256, height: 256)
        let result = try ImageEncoder.png(small), fast = try ImageEncoder.png(small, fast: true)
        #expect(result.count < fast.count)
        #expect(try ImageDecoder().decode(result).image == small)
    }
}
