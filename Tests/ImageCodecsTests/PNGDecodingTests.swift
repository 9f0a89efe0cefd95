import CPNG
import Foundation
import Testing
import Raster
import TestSupport
@testable import ImageCodecs

struct PNGCase: CustomTestStringConvertible, Sendable {
    var colorType: PNGWriter.ColorType
    var bitDepth: Int
    var interlaced: Bool
    var testDescription: String { "\(colorType) \(bitDepth)-bit\(interlaced ? " interlaced" : "")" }
}

let pngCases: [PNGCase] = {
    let depths: [(PNGWriter.ColorType, [Int])] = [
        (.grey, [1, 2, 4, 8, 16]), (.rgb, [8, 16]), (.palette, [1, 2, 4, 8]), (.greyAlpha, [8, 16]), (.rgba, [8, 16]),
    ]
    return depths.flatMap { type, bits in
        bits.flatMap { depth in [false, true].map { PNGCase(colorType: type, bitDepth: depth, interlaced: $0) } }
    }
}()

/// Scales a sample of `depth` bits to 8 bits, as the PNG specification describes.
func eightBit(_ sample: UInt16, depth: Int) -> Double {
    Double(sample) * 255 / Double((1 << depth) - 1)
}

@Suite struct PNGDecodingTests {
    @Test(arguments: pngCases)
    func decodesEveryColourTypeAndDepth(_ c: PNGCase) throws {
        let width = 13, height = 11  // odd sizes exercise bit packing and every Adam7 pass
        var random = SeededRandom(seed: UInt64(c.colorType.rawValue) * 100 + UInt64(c.bitDepth))
        let channels = PNGWriter.channels(c.colorType)
        let maxSample = (1 << c.bitDepth) - 1
        let samples = (0..<width * height * channels).map { _ in UInt16(random.next(below: maxSample + 1)) }
        let palette = (0...maxSample).map { _ in
            (UInt8(random.next(below: 256)), UInt8(random.next(below: 256)), UInt8(random.next(below: 256)))
        }
        let bytes = PNGWriter.encode(width: width, height: height, bitDepth: c.bitDepth, colorType: c.colorType,
                                     samples: samples, palette: c.colorType == .palette ? palette : [],
                                     interlaced: c.interlaced)

        let decoded = try ImageDecoder().decode(bytes)
        #expect(decoded.image.width == width && decoded.image.height == height)
        #expect(decoded.description.format == .png)
        #expect(decoded.description.colorType.hasSuffix("\(c.bitDepth)-bit"))
        #expect(decoded.description.notes == (c.interlaced ? ["interlaced"] : []))
        #expect(decoded.description.hasAlpha == (c.colorType == .greyAlpha || c.colorType == .rgba))

        // 16-bit samples may round either way when reduced to 8 bits.
        let tolerance = c.bitDepth == 16 ? 1.0 : 0.5
        for y in 0..<height {
            for x in 0..<width {
                let s = Array(samples[(y * width + x) * channels..<(y * width + x + 1) * channels])
                let expected: [Double]
                switch c.colorType {
                case .grey: expected = Array(repeating: eightBit(s[0], depth: c.bitDepth), count: 3) + [255]
                case .greyAlpha:
                    let g = eightBit(s[0], depth: c.bitDepth)
                    expected = [g, g, g, eightBit(s[1], depth: c.bitDepth)]
                case .rgb: expected = s.map { eightBit($0, depth: c.bitDepth) } + [255]
                case .rgba: expected = s.map { eightBit($0, depth: c.bitDepth) }
                case .palette:
                    let p = palette[Int(s[0])]
                    expected = [Double(p.0), Double(p.1), Double(p.2), 255]
                }
                let px = decoded.image[x, y]
                let actual = [px.r, px.g, px.b, px.a].map(Double.init)
                // Colour hidden under full transparency carries no information.
                let compared = expected[3] == 0 ? 3..<4 : 0..<4
                for i in compared {
                    #expect(abs(actual[i] - expected[i].rounded()) <= tolerance, "pixel \(x),\(y) channel \(i)")
                }
            }
        }
    }

    @Test func paletteTransparencyBecomesAlpha() throws {
        let palette: [(UInt8, UInt8, UInt8)] = [(255, 0, 0), (0, 255, 0), (0, 0, 255), (9, 9, 9)]
        let bytes = PNGWriter.encode(width: 4, height: 1, bitDepth: 2, colorType: .palette, samples: [0, 1, 2, 3],
                                     palette: palette, transparency: [0, 128])
        let decoded = try ImageDecoder().decode(bytes)
        #expect(decoded.description.hasAlpha)
        #expect(decoded.description.channels == .paletteAlpha)
        #expect(decoded.image[0, 0].a == 0)
        #expect(decoded.image[1, 0] == RGBA(0, 255, 0, 128))
        #expect(decoded.image[2, 0] == RGBA(0, 0, 255, 255))  // entries past tRNS are opaque
        #expect(decoded.image[3, 0] == RGBA(9, 9, 9, 255))
    }

    @Test func greyAndRGBTransparencyKeys() throws {
        let grey = PNGWriter.encode(width: 3, height: 1, bitDepth: 8, colorType: .grey, samples: [10, 20, 30],
                                    transparency: [0, 20])
        let g = try ImageDecoder().decode(grey)
        #expect(g.description.channels == .greyAlpha)
        #expect(g.image[0, 0] == RGBA(10, 10, 10, 255))
        #expect(g.image[1, 0].a == 0)

        let rgb = PNGWriter.encode(width: 2, height: 1, bitDepth: 8, colorType: .rgb, samples: [1, 2, 3, 4, 5, 6],
                                   transparency: [0, 4, 0, 5, 0, 6])
        let c = try ImageDecoder().decode(rgb)
        #expect(c.description.hasAlpha)
        #expect(c.image[0, 0] == RGBA(1, 2, 3, 255))
        #expect(c.image[1, 0].a == 0)
    }

    @Test(arguments: [ImageEncoder.Alpha.always, .whenNeeded])
    func encodeThenDecodeIsPixelExact(alpha: ImageEncoder.Alpha) throws {
        var random = SeededRandom(seed: 7)
        let image = RGBAImage(width: 57, height: 31) { _, _ in
            RGBA(UInt8(random.next(below: 256)), UInt8(random.next(below: 256)), UInt8(random.next(below: 256)),
                 UInt8(random.next(below: 256)))
        }
        let decoded = try ImageDecoder().decode(try ImageEncoder.png(image, alpha: alpha))
        #expect(decoded.image == image)
        #expect(decoded.description.channels == .rgba)
    }

    @Test func opaqueImagesAreWrittenWithoutAlphaUnlessAsked() throws {
        let image = RGBAImage(width: 8, height: 8) { x, y in RGBA(UInt8(x * 30), UInt8(y * 30), 99) }
        let rgb = try ImageDecoder().decode(try ImageEncoder.png(image))
        #expect(rgb.description.channels == .rgb)
        #expect(rgb.image == image)
        let rgba = try ImageDecoder().decode(try ImageEncoder.png(image, alpha: .always))
        #expect(rgba.description.channels == .rgba)
        #expect(rgba.image == image)
    }

    /// The libdeflate fast path and libpng agree to the byte, on files using every filter type,
    /// in every colour type it takes, at 8 and 16 bits (scaled to 8 the same way).
    @Test func fastPathMatchesLibpng() throws {
        let assets = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../assets")
        var files = try ["lakeside.png", "badge.png", "lakeside-mask.png"].map {
            [UInt8](try Data(contentsOf: assets.appendingPathComponent($0)))
        }
        var random = SeededRandom(seed: 99)
        let noisy = RGBAImage(width: 77, height: 41) { x, y in
            RGBA(UInt8((x * 3 + random.next(below: 9)) & 255), UInt8(y * 5), UInt8(random.next(below: 256)), UInt8(200 + x % 50))
        }
        files.append(try ImageEncoder.png(noisy))
        files.append(try ImageEncoder.png(RGBAImage(width: 5, height: 300, fill: RGBA(1, 2, 3))))
        // Grey and grey with alpha (one or two bytes to a pixel) as well as RGB and RGBA, every
        // filter type, each also on the first row (where there is no row above).
        for (type, depth) in [PNGWriter.ColorType.grey, .greyAlpha, .rgb, .rgba].flatMap({ type in [8, 16].map { (type, $0) } }) {
            for first in 0..<5 {
                let samples = (0..<(37 * 23 * PNGWriter.channels(type))).map { _ in UInt16(random.next(below: 1 << depth)) }
                let png = PNGWriter.encode(width: 37, height: 23, bitDepth: depth, colorType: type, samples: samples, filteredFrom: first)
                var pixels = [UInt8](repeating: 0, count: 37 * 23 * 4)
                let status = retouch_png_fast_decode_rgba(png, png.count, &pixels, pixels.count)
                #expect(status == Int32(RETOUCH_PNG_OK.rawValue), "the fast path takes \(depth)-bit \(type)")
                files.append(png)
            }
        }
        for bytes in files {
            let fast = try PNGCodec.decode(bytes, pixelLimit: 64_000_000)
            let reference = try PNGCodec.decode(bytes, pixelLimit: 64_000_000, fastPath: false)
            #expect(fast.image == reference.image)
            #expect(fast.description == reference.description)
        }
    }
}

@Suite struct PNGShrinkingTests {
    /// Stripes, a gradient and a transparent corner whose hidden colour must not bleed.
    let picture = RGBAImage(width: 301, height: 203) { x, y in
        if x > 250 && y > 150 { return RGBA(255, 0, 255, 0) }
        return RGBA(UInt8((x * 7) % 256), UInt8(y), (x / 3) % 2 == 0 ? 30 : 220, UInt8(255 - (x + y) % 64))
    }

    @Test(arguments: [(100, 67), (300, 203), (290, 20), (1, 1), (150, 101)])
    func shrinksWhileReadingAsTheResizeWould(width: Int, height: Int) throws {
        let png = try ImageEncoder.png(picture, alpha: .always)
        let shrunk = try ImageDecoder().decode(png, atLeast: (width, height))
        #expect(shrunk.image.width == width && shrunk.image.height == height)
        #expect(shrunk.description.width == 301 && shrunk.description.height == 203)
        let expected = picture.resized(width: width, height: height)
        var worst = 0
        for (a, b) in zip(shrunk.image.pixels, expected.pixels) { worst = max(worst, abs(Int(a) - Int(b))) }
        #expect(worst <= 1, "the row-by-row area mean differs from the resize by \(worst)")
    }

    @Test func aTargetAsLargeAsTheImageDecodesItWhole() throws {
        let png = try ImageEncoder.png(picture, alpha: .always)
        #expect(try ImageDecoder().decode(png, atLeast: (301, 203)).image == picture)
        #expect(try ImageDecoder().decode(png, atLeast: (400, 400)).image == picture)
        // The other orientation is read in the image's own.
        #expect(try ImageDecoder().decode(png, atLeast: (67, 100)).image.width == 100)
    }

    @Test func interlacedFilesAreDecodedWhole() throws {
        let png = PNGWriter.encode(width: 20, height: 10, bitDepth: 8, colorType: .rgb,
                                   samples: (0..<600).map { UInt16($0 % 256) }, interlaced: true)
        let decoded = try ImageDecoder().decode(png, atLeast: (10, 5))
        #expect(decoded.image.width == 20)
    }
}
