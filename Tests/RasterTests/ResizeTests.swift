import Testing
import TestSupport
@testable import Raster

func noise(width: Int, height: Int, seed: UInt64, opaque: Bool) -> RGBAImage {
    var random = SeededRandom(seed: seed)
    return RGBAImage(width: width, height: height) { _, _ in
        RGBA(UInt8(random.next(below: 256)), UInt8(random.next(below: 256)), UInt8(random.next(below: 256)),
             opaque ? 255 : UInt8(random.next(below: 256)))
    }
}

/// The exact mean of the source area an output pixel covers, in rational arithmetic: spans are
/// measured in units of 1/destination source pixels, where every edge is an integer.
func exactAreaMean(_ image: RGBAImage, toWidth dw: Int, height dh: Int, x: Int, y: Int) -> [Double] {
    let sw = image.width, sh = image.height
    var sums = [Int](repeating: 0, count: 4)  // premultiplied colour and alpha, times area weights
    for sy in 0..<sh {
        let oy = min((y + 1) * sh, (sy + 1) * dh) - max(y * sh, sy * dh)
        guard oy > 0 else { continue }
        for sx in 0..<sw {
            let ox = min((x + 1) * sw, (sx + 1) * dw) - max(x * sw, sx * dw)
            guard ox > 0 else { continue }
            let p = image[sx, sy]
            let w = ox * oy
            sums[0] += Int(p.r) * Int(p.a) * w
            sums[1] += Int(p.g) * Int(p.a) * w
            sums[2] += Int(p.b) * Int(p.a) * w
            sums[3] += Int(p.a) * w
        }
    }
    let area = Double(sw * sh)
    let alpha = Double(sums[3])
    return [Double(sums[0]) / max(alpha, 1), Double(sums[1]) / max(alpha, 1), Double(sums[2]) / max(alpha, 1), alpha / area]
}

@Suite struct ResizeTests {
    @Test(arguments: [(37, 23, 10, 7), (64, 64, 16, 16), (100, 30, 33, 29), (9, 9, 1, 1), (50, 40, 50, 13)])
    func downscaleIsTheExactAreaMean(sw: Int, sh: Int, dw: Int, dh: Int) {
        for opaque in [true, false] {
            let source = noise(width: sw, height: sh, seed: UInt64(sw * 1000 + dw), opaque: opaque)
            let small = source.resized(width: dw, height: dh)
            #expect(small.width == dw && small.height == dh)
            for y in 0..<dh {
                for x in 0..<dw {
                    let expected = exactAreaMean(source, toWidth: dw, height: dh, x: x, y: y)
                    let p = small[x, y]
                    // Correct rounding of the exact value: off by at most half a level.
                    #expect(abs(Double(p.a) - expected[3]) <= 0.5 + 1e-9)
                    for (channel, value) in zip([p.r, p.g, p.b], expected[0..<3]) where expected[3] > 0 {
                        #expect(abs(Double(channel) - value) <= 0.5 + 1e-9, "(\(x),\(y)) in \(dw)x\(dh)")
                    }
                }
            }
        }
    }

    @Test func integerRatioAveragesBlocks() {
        let image = RGBAImage(width: 4, height: 2) { x, _ in x < 2 ? RGBA(0, 100, 200) : RGBA(50, 50, 50) }
        let small = image.resized(width: 2, height: 1)
        #expect(small[0, 0] == RGBA(0, 100, 200))
        #expect(small[1, 0] == RGBA(50, 50, 50))
        #expect(image.resized(width: 1, height: 1)[0, 0] == RGBA(25, 75, 125))
    }

    @Test func transparentPixelsDoNotBleedTheirColour() {
        let image = RGBAImage(width: 2, height: 1) { x, _ in x == 0 ? RGBA(255, 0, 0, 255) : RGBA(0, 255, 0, 0) }
        #expect(image.resized(width: 1, height: 1)[0, 0] == RGBA(255, 0, 0, 128))
    }

    @Test func upscaleKeepsFlatAreasFlatAndIsSmooth() {
        let flat = RGBAImage(width: 3, height: 2, fill: RGBA(12, 34, 56, 200))
        let big = flat.resized(width: 17, height: 11)
        #expect(big.width == 17 && big.height == 11)
        #expect(Set(stride(from: 0, to: big.pixels.count, by: 4).map { big[($0 / 4) % 17, ($0 / 4) / 17] }) == [RGBA(12, 34, 56, 200)])

        let ramp = RGBAImage(width: 4, height: 1) { x, _ in RGBA(UInt8(x * 60), 0, 0) }
        let wide = ramp.resized(width: 16, height: 1)
        let reds = (0..<16).map { Int(wide[$0, 0].r) }
        #expect(reds == reds.sorted(), "a ramp stays monotone: \(reds)")
        #expect(Set(reds).count > 8, "upscaling interpolates instead of repeating pixels: \(reds)")
    }

    @Test func mixedAxesShrinkOneWayAndGrowTheOther() {
        let image = noise(width: 40, height: 5, seed: 9, opaque: true)
        let out = image.resized(width: 10, height: 20)
        #expect(out.width == 10 && out.height == 20)
    }

    @Test func fittingKeepsAspect() {
        let image = RGBAImage(width: 1536, height: 1024)
        #expect(image.fittingSize(maxWidth: 300, maxHeight: 300) == (300, 200))
        #expect(image.fittingSize(maxWidth: 900, maxHeight: 100) == (150, 100))
    }

    /// Shown in a box: fitted when either side is too large, never enlarged; a picture one
    /// pixel wide is still fitted by its height.
    @Test func shownSizeFitsButNeverEnlarges() {
        #expect(RGBAImage.shownSize(width: 1536, height: 1024, maxWidth: 300, maxHeight: 300) == (300, 200))
        #expect(RGBAImage.shownSize(width: 100, height: 50, maxWidth: 300, maxHeight: 300) == (100, 50))
        #expect(RGBAImage.shownSize(width: 1, height: 6403, maxWidth: 800, maxHeight: 260) == (1, 260))
        #expect(RGBAImage.shownSize(width: 6403, height: 1, maxWidth: 800, maxHeight: 260) == (800, 1))
    }
}

@Suite struct GeometryTests {
    @Test func cropCopiesTheRectangleAndClips() {
        let image = RGBAImage(width: 5, height: 4) { x, y in RGBA(UInt8(x), UInt8(y), 0) }
        let crop = image.cropped(to: PixelRect(x: 1, y: 2, width: 3, height: 2))
        #expect(crop.width == 3 && crop.height == 2)
        #expect(crop[0, 0] == RGBA(1, 2, 0))
        #expect(crop[2, 1] == RGBA(3, 3, 0))
        let clipped = image.cropped(to: PixelRect(x: 3, y: -1, width: 10, height: 3))
        #expect(clipped.width == 2 && clipped.height == 2)
        #expect(clipped[0, 0] == RGBA(3, 0, 0))
    }

    @Test func orientationsMoveCornersAndSwapAxes() {
        let image = RGBAImage(width: 3, height: 2) { x, y in RGBA(UInt8(x), UInt8(y), 0) }
        let right = image.applying(.right)
        #expect(right.width == 2 && right.height == 3)
        #expect(right[1, 0] == image[0, 0])  // top-left goes to top-right on a clockwise turn
        #expect(right[0, 0] == image[0, 1])
        for orientation in Orientation.allCases {
            let turned = image.applying(orientation)
            #expect(turned.pixels.sorted() == image.pixels.sorted(), "\(orientation) only moves pixels")
        }
        #expect(image.applying(.down).applying(.down) == image)
        #expect(image.applying(.right).applying(.left) == image)
    }

    @Test func maskIsTransparentInsideRectanglesOnly() {
        let mask = Mask(width: 10, height: 6, rects: [
            PixelRect(x: 1, y: 1, width: 3, height: 2),
            PixelRect(x: 2, y: 2, width: 3, height: 3),  // overlaps the first
            PixelRect(x: 8, y: 4, width: 10, height: 10),  // runs off the image
        ])
        let image = mask.image()
        #expect(image.width == 10 && image.height == 6)
        for y in 0..<6 {
            for x in 0..<10 {
                let inside = (1..<4).contains(x) && (1..<3).contains(y)
                    || (2..<5).contains(x) && (2..<5).contains(y)
                    || x >= 8 && y >= 4
                #expect(image[x, y] == (inside ? RGBA.transparent : RGBA.white), "(\(x),\(y))")
                #expect(mask.isEditable(x: x, y: y) == inside)
            }
        }
    }

    @Test func invertedMaskEditsOutsideTheRectangles() {
        let mask = Mask(width: 4, height: 2, rects: [PixelRect(x: 1, y: 0, width: 2, height: 1)], inverted: true)
        let image = mask.image()
        #expect(image[0, 0] == .transparent && image[0, 1] == .transparent)
        #expect(image[1, 0] == .white && image[2, 0] == .white)
        #expect(mask.isEditable(x: 3, y: 1) && !mask.isEditable(x: 2, y: 0))
    }

    @Test func emptyMaskIsFullyOpaque() {
        #expect(!Mask(width: 3, height: 3).image().hasTransparency)
    }
}

@Suite struct SniffTests {
    @Test func recognisesByContent() {
        #expect(FormatSniffer.sniff([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0]) == .supported(.png))
        #expect(FormatSniffer.sniff([0xFF, 0xD8, 0xFF, 0xE0]) == .supported(.jpeg))
        #expect(FormatSniffer.sniff(Array("RIFF\u{0}\u{0}\u{0}\u{0}WEBPVP8 ".utf8)) == .supported(.webp))
        #expect(FormatSniffer.sniff(Array("RIFF\u{0}\u{0}\u{0}\u{0}WAVEfmt ".utf8)) == .unknown)
        #expect(FormatSniffer.sniff(Array("GIF89a".utf8)) == .unsupported(name: "GIF"))
        #expect(FormatSniffer.sniff([0, 0, 0, 0x18] + Array("ftypheic".utf8)) == .unsupported(name: "HEIC"))
        #expect(FormatSniffer.sniff([0, 0, 0, 0x1C] + Array("ftypavif".utf8)) == .unsupported(name: "AVIF"))
        #expect(FormatSniffer.sniff([0x89, 0x50]) == .unknown)
        #expect(FormatSniffer.sniff([UInt8]()) == .unknown)
    }

    @Test func byteCountsReadNaturally() {
        #expect(ByteCount.format(812) == "812 bytes")
        #expect(ByteCount.format(1536) == "1.5 KB")
        #expect(ByteCount.format(50 * 1024 * 1024) == "50.0 MB")
        #expect(ByteCount.format(300 * 1024 * 1024) == "300 MB")
    }
}
