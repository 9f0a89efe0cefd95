import Foundation
import ImageCodecs
import Raster
import TestSupport
import Testing
@testable import TerminalGraphics

func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

func psnr(_ a: RGBAImage, _ b: RGBAImage) -> Double { a.psnr(against: b) }

let assets = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../assets").standardized

@Suite struct SixelTests {
    @Test func goldenBytesForATinyImage() {
        // 3x7: two bands. Red on the left column, blue elsewhere, the 7th row all red (the
        // top bit of its band: "@"). Red and blue share the first band's one pass.
        let palette = Palette(colors: [RGBA(255, 0, 0), RGBA(0, 0, 255)])
        let indices: [UInt8] = (0..<21).map { i in (i % 3 == 0 || i / 3 == 6) ? 0 : 1 }
        let indexed = IndexedImage(width: 3, height: 7, indices: indices, transparent: nil, palette: palette)
        let expected = "\u{1B}P0;1;0q\"1;1;3;7#0;2;100;0;0#1;2;0;0;100#0~#1~~-#0@@@\u{1B}\\"
        #expect(text(SixelEncoder.encode(indexed)) == expected)
    }

    @Test func runsAreLengthCoded() {
        let palette = Palette(colors: [RGBA(0, 255, 0)])
        let indexed = IndexedImage(width: 40, height: 6, indices: [UInt8](repeating: 0, count: 240), transparent: nil, palette: palette)
        #expect(text(SixelEncoder.encode(indexed)).contains("#0!40~"))
    }

    @Test func transparentPixelsAreLeftUnpainted() {
        var image = RGBAImage(width: 8, height: 6, fill: RGBA(10, 200, 10))
        for x in 0..<4 { for y in 0..<6 { image[x, y] = .transparent } }
        let out = text(SixelEncoder.encode(image))
        #expect(out.hasPrefix("\u{1B}P0;1;0q"))
        #expect(out.contains("#0!4?!4~"), "four blank columns, then four full ones: \(out)")
        #expect(Self.painted(out, width: 8, height: 6) == (0..<48).map { $0 % 8 >= 4 }, "only the right half is painted")
        // With a background colour nothing is transparent: every pixel is painted.
        let opaque = text(SixelEncoder.encode(image, options: .init(background: RGBA(0, 0, 0))))
        #expect(Self.painted(opaque, width: 8, height: 6) == [Bool](repeating: true, count: 48), "\(opaque)")
    }

    /// The opaque pixels of `indexed` that `sixel`, decoded by libsixel as a terminal would,
    /// does not draw in their own colour (as sixel registers can hold it).
    static func misdrawn(_ sixel: [UInt8], _ indexed: IndexedImage) throws -> [Int] {
        let back = try Libsixel.decode(sixel), width = indexed.width
        #expect(back.width == width && back.height == indexed.height)
        return indexed.indices.indices.filter { i in
            indexed.transparent?[i] != true
                && SixelEncoder.snap(back[i % width, i / width]) != SixelEncoder.snap(indexed.palette.colors[Int(indexed.indices[i])])
        }
    }

    /// Which pixels of a `width` x `height` sixel image some colour paints, row by row: a small
    /// reader of the data (`#n` colour, `!count` repeat, `$` back to the band's start, `-` next
    /// band, `?`…`~` six pixels).
    static func painted(_ sixel: String, width: Int, height: Int) -> [Bool] {
        var painted = [Bool](repeating: false, count: width * height)
        guard let q = sixel.firstIndex(of: "q") else { return painted }
        let bytes = Array(sixel[sixel.index(after: q)...].utf8)
        var i = 0, x = 0, band = 0
        func number() -> Int {
            var n = 0
            while i < bytes.count, bytes[i] >= 0x30, bytes[i] <= 0x39 { n = n * 10 + Int(bytes[i] - 0x30); i += 1 }
            return n
        }
        while i < bytes.count {
            let byte = bytes[i]
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "#"):  // raster attributes, colour: numbers and ';'
                i += 1
                while i < bytes.count, (bytes[i] >= 0x30 && bytes[i] <= 0x39) || bytes[i] == UInt8(ascii: ";") { i += 1 }
            case UInt8(ascii: "$"): x = 0; i += 1
            case UInt8(ascii: "-"): x = 0; band += 1; i += 1
            case 0x1B: return painted  // the string terminator
            case UInt8(ascii: "!"), 0x3F...0x7E:
                var count = 1
                if byte == UInt8(ascii: "!") { i += 1; count = number() }
                guard i < bytes.count, bytes[i] >= 0x3F, bytes[i] <= 0x7E else { return painted }
                let bits = Int(bytes[i] - 0x3F)
                for _ in 0..<count {
                    for bit in 0..<6 where bits & (1 << bit) != 0 {
                        let y = band * 6 + bit
                        if x < width, y < height { painted[y * width + x] = true }
                    }
                    x += 1
                }
                i += 1
            default: i += 1
            }
        }
        return painted
    }

    /// Colours scattered over a band (noise) share passes: no colour costs a pass of its own
    /// across the width, and the picture still decodes to exactly its pixels.
    @Test func scatteredColoursSharePasses() throws {
        var random = SeededRandom(seed: 7)
        let palette = Palette(colors: (0..<40).map { (k: Int) -> RGBA in
            let level = UInt8(k * 6)
            return RGBA(level, 255 - level, level / 2)
        })
        let width = 300, height = 12
        let indices = (0..<(width * height)).map { _ in UInt8(random.next() % 40) }
        let indexed = IndexedImage(width: width, height: height, indices: indices, transparent: nil, palette: palette)
        let sixel = SixelEncoder.encode(indexed)
        // The first band's passes, after the header: fewer than its colours (a pass per colour
        // would make 40), most of them carrying several colours.
        let firstBand = text(sixel).split(separator: "-")[0].split(separator: "\"")[1]
        let passes = firstBand.split(separator: "$")
        let shared = passes.filter { pass in pass.filter { (c: Character) in c == "#" }.count > 1 }
        #expect(passes.count < 30 && shared.count * 2 > passes.count, "\(passes.count) passes for 40 colours, \(shared.count) shared")
        let wrong = try Self.misdrawn(sixel, indexed)
        #expect(wrong.isEmpty, "\(wrong.count) pixels differ, the first at \(wrong.first ?? 0)")
        // Holes stay unpainted when segments of other colours pass over them.
        var holed = indexed
        holed.transparent = (0..<(width * height)).map { i in i % 37 == 0 }
        let painted = Self.painted(text(SixelEncoder.encode(holed)), width: width, height: height)
        #expect(painted == holed.transparent!.map { !$0 })
    }

    /// Whatever way each band goes (packed, most common or darkest first; gaps bridged, the
    /// colour selected kept), the picture decodes to exactly its pixels and leaves its
    /// transparent ones unpainted: random pictures of 1 to 200 colours, in runs and noise, with
    /// and without holes, 1 to 70 pixels wide.
    @Test func everyWayDecodesToItsPixels() throws {
        var random = SeededRandom(default: 20_261_203)
        for round in 0..<60 {
            let width = Int.random(in: 1...70, using: &random), height = Int.random(in: 1...20, using: &random)
            let colors = Int.random(in: 1...200, using: &random)
            let palette = Palette(colors: (0..<colors).map { _ in
                RGBA(UInt8.random(in: 0...255, using: &random), UInt8.random(in: 0...255, using: &random), UInt8.random(in: 0...255, using: &random))
            })
            // Runs of up to `longest` pixels of one colour: noise at 1, fields and blocks above.
            let longest = [1, 3, 12, 40][round % 4]
            var indices: [UInt8] = []
            while indices.count < width * height {
                let k = UInt8(Int.random(in: 0..<colors, using: &random))
                indices += Array(repeating: k, count: Int.random(in: 1...longest, using: &random))
            }
            indices = Array(indices.prefix(width * height))
            let holes: [Bool]? = round % 3 == 0 ? (0..<(width * height)).map { _ in Int.random(in: 0..<5, using: &random) == 0 } : nil
            let indexed = IndexedImage(width: width, height: height, indices: indices, transparent: holes, palette: palette)
            for registers in [SixelEncoder.Registers.mostSelectedFirst, .paletteOrder] {
                let sixel = SixelEncoder.encode(indexed, registers: registers)
                let wrong = try Self.misdrawn(sixel, indexed)
                #expect(wrong.isEmpty, "round \(round) (\(random)), \(width)x\(height), \(colors) colours: \(wrong.count) pixels differ")
                if let holes {
                    let painted = Self.painted(text(sixel), width: width, height: height)
                    let misdrawn = (0..<(width * height)).filter { painted[$0] == holes[$0] }.count
                    #expect(misdrawn == 0, "round \(round): \(misdrawn) pixels painted over a hole or left unpainted")
                }
            }
        }
    }

    /// A colour written first may paint pixels a later colour paints over: a field with one
    /// pixel of another colour in every column costs a run for the field, not a character per
    /// column, and still decodes to exactly its pixels.
    @Test func laterColoursPaintOverEarlierRuns() throws {
        let palette = Palette(colors: [RGBA(20, 40, 200), RGBA(240, 220, 0)])
        let width = 240, height = 12
        // The field (colour 0) everywhere but one pixel per column, on a different row each time.
        let indices = (0..<(width * height)).map { i -> UInt8 in (i / width) % 6 == (i % width) % 6 ? 1 : 0 }
        let indexed = IndexedImage(width: width, height: height, indices: indices, transparent: nil, palette: palette)
        let sixel = SixelEncoder.encode(indexed)
        #expect(text(sixel).contains("#0!\(width)~"), "the field is one run: \(text(sixel).prefix(200))")
        // Two bands: a character per column for each colour would be about 4 x 240 bytes; one
        // per column for the scattered colour and a run for the field is about 2 x 240.
        #expect(sixel.count < width * 2 + 100, "\(sixel.count) bytes")
        let wrong = try Self.misdrawn(sixel, indexed)
        #expect(wrong.isEmpty, "\(wrong.count) pixels differ, the first at \(wrong.first ?? 0)")
    }

    /// A band goes the shortest of three ways: packed (fine texture), or a pass per colour, the
    /// most common first (a field with small blocks of two colours far apart: the field is one
    /// run) or the darkest first (a ramp of greys whose darker bands nest inside wider lighter
    /// ones: each level's pass runs on over the lighter pixels).
    @Test(arguments: [BandKind.scattered, .blocks, .ramp])
    func eachBandGoesTheShortestWay(kind: BandKind) {
        var random = SeededRandom(seed: 9)
        let width = 300, colors = kind == .scattered ? 40 : 4
        let rows: [[Int]] = (0..<6).map { y in
            (0..<width).map { x in
                switch kind {
                case .scattered: Int(random.next() % UInt64(colors))
                // A field (1) with 2x3 blocks of the darkest colour (0) above, then of the
                // lightest (3) below, every 24 columns.
                case .blocks: x % 24 < 2 && y < 3 ? 0 : (12..<14).contains(x % 24) && y >= 3 ? 3 : 1
                // Colour k is k levels dark: a triangle wave 3 levels deep, a row's phase apart.
                case .ramp: min(3, abs((x + y) % 24 - 12) / 3)
                }
            }
        }
        var bits = [UInt8](repeating: 0, count: colors * width), pixels = [Int](repeating: 0, count: colors)
        var first = [Int](repeating: Int.max, count: colors), last = [Int](repeating: -1, count: colors)
        for (y, row) in rows.enumerated() {
            for (x, k) in row.enumerated() {
                bits[k * width + x] |= UInt8(1 << y)
                pixels[k] += 1
                first[k] = min(first[k], x)
                last[k] = max(last[k], x)
            }
        }
        // Lighter as the number grows.
        let palette = (0..<colors).map { RGBA(UInt8($0 * 255 / (colors - 1)), UInt8($0 * 255 / (colors - 1)), UInt8($0 * 255 / (colors - 1))) }
        let present = (0..<colors).filter { pixels[$0] > 0 }
        func written(_ way: BandWay) -> Int {
            Self.band(palette, bits: &bits, first: &first, last: &last, pixels: &pixels, way).bytes.count
        }
        var log: [Int] = []
        let chosen = written { $0.write(present, bits: $1, width: width, transparent: nil, first: $2, last: $3, pixels: $4, into: $5) }
        let packed = written { $0.writePacked(present, bits: $1, width: width, transparent: nil, first: $2, last: $3, into: $5, selecting: &log) }
        func plain(_ order: [Int]) -> Int {
            written { packer, bits, first, last, _, out in
                packer.writePlain(order, bits: bits, width: width, transparent: nil, first: first, last: last, into: out, selecting: &log)
            }
        }
        let common = plain(present.sorted { pixels[$0] > pixels[$1] }), darkest = plain(present)
        let shortest = [packed, common, darkest].min()!
        #expect(chosen == shortest, "\(chosen) bytes; packed \(packed), most common first \(common), darkest first \(darkest)")
        let winner = switch kind {
        case .scattered: packed
        case .blocks: common
        case .ramp: darkest
        }
        #expect(winner == shortest && [packed, common, darkest].filter { $0 == shortest }.count == 1,
                "\(kind): packed \(packed), most common first \(common), darkest first \(darkest)")
    }

    enum BandKind: CaseIterable, Sendable { case scattered, blocks, ramp }

    /// One way of writing a band, given a packer and the band's column patterns, first and last
    /// columns and pixel counts per colour.
    typealias BandWay = (inout BandPacker, UnsafeMutableBufferPointer<UInt8>, UnsafeMutableBufferPointer<Int>,
                         UnsafeMutableBufferPointer<Int>, UnsafeMutableBufferPointer<Int>, SixelWriter) -> Void

    /// What `way` writes for a band of colours `palette`.
    static func band(_ palette: [RGBA], bits: inout [UInt8], first: inout [Int], last: inout [Int], pixels: inout [Int],
                     _ way: BandWay) -> SixelWriter {
        var packer = BandPacker(colors: palette)
        let out = SixelWriter(capacity: 1024)
        bits.withUnsafeMutableBufferPointer { bits in
            first.withUnsafeMutableBufferPointer { first in
                last.withUnsafeMutableBufferPointer { last in
                    pixels.withUnsafeMutableBufferPointer { pixels in way(&packer, bits, first, last, pixels, out) }
                }
            }
        }
        return out
    }

    /// A packed pass goes on with the colour selected when its next segment starts a few
    /// columns after another colour's: colour 0 in columns 0-9 and 22-31 (top rows; a gap too
    /// wide to bridge) and colour 1 in 14-20 (bottom rows) take one selection each, not three
    /// (0, 1, 0). (The 40-colour test above decodes packed bands back exactly.)
    @Test func aPackedPassKeepsTheSelectedColourForAFewBlanks() {
        let width = 40
        var bits = [UInt8](repeating: 0, count: 2 * width)
        for x in 0..<10 { bits[x] = 0b111111 }
        for x in 22...31 { bits[x] = 0b000111 }
        for x in 14...20 { bits[width + x] = 0b111000 }
        var first = [0, 14], last = [31, 20], pixels = [90, 21]
        var log: [Int] = []
        let out = Self.band([RGBA(200, 0, 0), RGBA(0, 0, 200)], bits: &bits, first: &first, last: &last, pixels: &pixels) {
            $0.writePacked([0, 1], bits: $1, width: width, transparent: nil, first: $2, last: $3, into: $5, selecting: &log)
        }
        #expect(log == [0, 1], "\(text(out.bytes))")
    }

    /// Transparent pixels hold colours nobody sees: diffusion takes no error from them and
    /// passes none to them, so an opaque edge next to them keeps its colour.
    @Test func diffusionIgnoresTransparentPixels() {
        // Red on the left; on the right transparent pixels of a colour far from every entry.
        let image = RGBAImage(width: 16, height: 12) { x, _ in x < 8 ? RGBA(255, 0, 0) : RGBA(40, 160, 255, 0) }
        // A pink that red with some of their blue error would be nearer to.
        let palette = Palette(colors: [RGBA(255, 0, 0), RGBA(0, 255, 0), RGBA(0, 0, 0), RGBA(255, 0, 160)], rate: 20, costs: [1, 1, 1, 1])
        for dither in [Dither.errorDiffusion(strength: 1), .none] {
            for context in [RateContext.adjacent, .band] {
                let indexed = IndexedImage(image, palette: palette, dither: dither, context: context)
                let opaque = (0..<(16 * 12)).filter { $0 % 16 < 8 }
                #expect(opaque.allSatisfy { indexed.indices[$0] == 0 }, "\(dither), \(context): \(opaque.filter { indexed.indices[$0] != 0 })")
            }
        }
    }

    /// A picture no larger than the palette's sample is sampled whole: one red pixel among
    /// transparent ones still gets its colour.
    @Test func aSmallPictureIsSampledWhole() {
        var image = RGBAImage(width: 10, height: 10, fill: .transparent)
        image[4, 3] = RGBA(255, 0, 0)
        #expect(Palette.quantize(image, maxColors: 4).colors == [RGBA(255, 0, 0)])
        let stripes = RGBAImage(width: 7, height: 64) { _, y in RGBA(UInt8(y * 4), UInt8(255 - y * 4), 7) }
        #expect(Set(Palette.sample(stripes, count: 12_288).map { $0.0 }).count == 64, "every row's colour is sampled")
    }

    /// A larger picture's sample covers it evenly, whatever its width: each of a 4x4 grid of
    /// regions gives its share of the sample, within a tenth. A stride through the rows, at a
    /// width of three strides and a pixel (1024 wide, a sample of 4096), came back to the same
    /// three columns on every row and never saw the right quarter.
    @Test(arguments: [(1024, 1364, 4096), (1920, 1080, 4096), (333, 517, 12_288), (4096, 64, 1000), (40, 3000, 512)])
    func aLargerPictureIsSampledEvenly(width: Int, height: Int, count: Int) {
        let image = RGBAImage(width: width, height: height) { x, y in RGBA(UInt8(x * 4 / width), UInt8(y * 4 / height), 0) }
        let points = Palette.sample(image, count: count)
        #expect(points.count == count, "\(points.count) points for \(count)")
        var regions = [Int](repeating: 0, count: 16)
        for (column, row, _) in points { regions[Int(row) * 4 + Int(column)] += 1 }
        let columns = (0..<4).map { c in (0..<width).filter { $0 * 4 / width == c }.count }
        let rows = (0..<4).map { r in (0..<height).filter { $0 * 4 / height == r }.count }
        for row in 0..<4 {
            for column in 0..<4 {
                let expected = Double(points.count * columns[column] * rows[row]) / Double(width * height)
                #expect(abs(Double(regions[row * 4 + column]) - expected) <= expected / 10,
                        "region \(column),\(row) of \(width)x\(height): \(regions[row * 4 + column]) of about \(Int(expected))")
            }
        }
    }

    /// A picture taller than one group of bands is written group by group, side by side; the
    /// groups join into one picture that decodes to exactly its pixels, whatever the order the
    /// groups were written in.
    @Test func groupsOfBandsJoinIntoOnePicture() throws {
        var random = SeededRandom(seed: 11)
        let palette = Palette(colors: (0..<24).map { (k: Int) -> RGBA in RGBA(UInt8(k * 10), UInt8(255 - k * 10), 90) })
        let width = 37, height = SixelEncoder.bandsPerGroup * 6 * 3 + 5
        let indices = (0..<(width * height)).map { i in UInt8((i / width / 7 + Int(random.next() % 3)) % 24) }
        let indexed = IndexedImage(width: width, height: height, indices: indices, transparent: nil, palette: palette)
        let sixel = SixelEncoder.encode(indexed, registers: .mostSelectedFirst)
        #expect(text(sixel).filter { $0 == "-" }.count == (height + 5) / 6 - 1, "one band separator between bands")
        let wrong = try Self.misdrawn(sixel, indexed)
        #expect(wrong.isEmpty, "\(wrong.count) pixels differ, the first at \(wrong.first ?? 0)")
    }

    /// Registers numbered by use: the two colours selected most often (two that alternate with
    /// runs of others) are `#0` and `#1`, and the picture is the same as with the palette's
    /// own numbers, in fewer bytes.
    @Test func theMostSelectedColoursGetTheShortestNumbers() throws {
        let palette = Palette(colors: (0..<120).map { (k: Int) -> RGBA in RGBA(UInt8(k * 2), UInt8(k), UInt8(255 - k * 2)) })
        let width = 200, height = 24
        let indices = (0..<(width * height)).map { i -> UInt8 in
            let x = i % width, y = i / width
            // Over 32 colours a band, so that it is packed: 117 and 64 between runs of others.
            return y % 6 != 2 ? 3 : x % 10 == 0 ? 117 : x % 10 == 5 ? 64 : UInt8((x / 5) % 40)
        }
        let indexed = IndexedImage(width: width, height: height, indices: indices, transparent: nil, palette: palette)
        let numbered = SixelEncoder.encode(indexed, registers: .mostSelectedFirst)
        let plain = SixelEncoder.encode(indexed, registers: .paletteOrder)
        // How often each register is selected (`#n` not followed by its definition): #0 and #1
        // the most, both more than any other.
        var selections = [Int: Int]()
        for piece in text(numbered).split(separator: "q", maxSplits: 1)[1].split(separator: "#") where !piece.contains(";") {
            if let n = Int(piece.prefix { $0.isNumber }) { selections[n, default: 0] += 1 }
        }
        let others = selections.filter { $0.key > 1 }.values.max() ?? 0
        #expect(min(selections[0] ?? 0, selections[1] ?? 0) > max(2, others), "\(selections.sorted { $0.key < $1.key })")
        #expect(numbered.count < plain.count, "\(numbered.count) bytes, \(plain.count) in palette order")
        let a = try Libsixel.decode(numbered), b = try Libsixel.decode(plain)
        #expect(a.pixels == b.pixels)
    }

    /// With a rate, a noisy picture's pixels settle on fewer colours per band: far fewer bytes
    /// for a little error. Without one, the palette and mapping are as before.
    @Test func aRateTradesALittleErrorForFewerBytes() {
        var random = SeededRandom(seed: 3)
        // A dark gradient under strong noise (a starfield's sky), 240x120.
        let image = RGBAImage(width: 240, height: 120) { x, y in
            let noise = Int(random.next() % 21) - 10
            func level(_ base: Int) -> UInt8 { UInt8(max(0, min(255, base + noise))) }
            return RGBA(level(30 + x / 8), level(35 + y / 6), level(60))
        }
        func encoded(rate: Float) -> (bytes: Int, psnr: Double) {
            let palette = SixelEncoder.palette(for: image, maxColors: 120, rate: rate)
            let indexed = IndexedImage(image, palette: palette, dither: .none)
            var shown = image
            for i in 0..<(image.width * image.height) { shown[i % image.width, i / image.width] = palette.colors[Int(indexed.indices[i])] }
            return (SixelEncoder.encode(indexed).count, psnr(shown, image))
        }
        let exact = encoded(rate: 0), weighed = encoded(rate: 20)
        #expect(Double(weighed.bytes) < Double(exact.bytes) * 0.7, "\(weighed.bytes) bytes, \(exact.bytes) without a rate")
        // The noise itself is about 33 dB: the picture stays well within it.
        #expect(weighed.psnr > 36, "\(weighed.psnr) dB, \(exact.psnr) without a rate")
        #expect(SixelEncoder.palette(for: image, maxColors: 120).costs.isEmpty)
    }

    /// With a rate, a colour already drawn near a pixel costs less than another, so a pixel a
    /// little nearer another colour takes it. `.adjacent` looks at the pixel above in the band
    /// and the one before; `.band` at every colour the band has so far in the pixel's column
    /// (its sixel there is written already) and in the columns beside it (its segment goes on).
    /// Neither looks into the band before, or at pixels not yet mapped.
    @Test func aRateFavoursColoursAlreadyNearby() {
        let a = RGBA(100, 100, 100), b = RGBA(110, 100, 100), far = RGBA(0, 0, 250)
        let palette = Palette(colors: [a, b, far], rate: 20, costs: [100, 100, 100])
        // Nearer a (16 squared levels) than b (36): with equal costs, a.
        let between = RGBA(104, 100, 100)
        /// The colour given to `between` at column 1 of `row` (mapped right to left: odd), with
        /// `b` at `place`.
        func chosen(row: Int, b place: (x: Int, y: Int)?, _ context: RateContext) -> RGBA {
            let image = RGBAImage(width: 3, height: 12) { x, y in
                if x == 1 && y == row { return between }
                if let place, place == (x, y) { return b }
                return far
            }
            let indexed = IndexedImage(image, palette: palette, dither: .none, context: context)
            return palette.colors[Int(indexed.indices[row * 3 + 1])]
        }
        for context in [RateContext.adjacent, .band] {
            #expect(chosen(row: 3, b: nil, context) == a)
            #expect(chosen(row: 3, b: (1, 2), context) == b, "\(context): just above")
            #expect(chosen(row: 3, b: (2, 3), context) == b, "\(context): just before")
            #expect(chosen(row: 6, b: (1, 5), context) == a, "\(context): just above, but in the band before")
            #expect(chosen(row: 3, b: (1, 4), context) == a, "\(context): below, not yet mapped")
            #expect(chosen(row: 3, b: (0, 3), context) == a, "\(context): after it on the row, not yet mapped")
        }
        #expect(chosen(row: 3, b: (1, 1), .band) == b, "two rows up in its column")
        #expect(chosen(row: 3, b: (0, 2), .band) == b, "in the column beside it, a row up")
        #expect(chosen(row: 3, b: (2, 0), .band) == b, "in the other column beside it, three rows up")
        #expect(chosen(row: 3, b: (1, 1), .adjacent) == a)
        #expect(chosen(row: 3, b: (0, 2), .adjacent) == a)
    }

    /// A still picture's style: a grey one gets a few levels (more at higher contrast), lightly
    /// diffused, a colour one a larger palette, diffused (less at low contrast), a flat-coloured
    /// one (a diagram) costly colours and no dither; a terminal with few registers gets no more
    /// colours.
    @Test func aStillsStyleFollowsThePicture() throws {
        func greyRamp(_ level: (Int) -> Int) -> RGBAImage {
            RGBAImage(width: 64, height: 64) { x, _ in let v = UInt8(level(x)); return RGBA(v, v, v) }
        }
        let grey = greyRamp { $0 * 4 }
        let colour = RGBAImage(width: 64, height: 64) { x, y in RGBA(UInt8(x * 4), UInt8(y * 4), 128) }
        // A ramp over the whole range gets the most grey levels; a faint one the fewest.
        #expect(SixelStyle.still(for: grey) == SixelStyle(maxColors: 24, rate: 80, dither: SixelStyle.lightDiffusion))
        let faintGrey = greyRamp { 100 + $0 / 2 }
        #expect(SixelStyle.still(for: faintGrey) == SixelStyle(maxColors: 14, rate: 80, dither: SixelStyle.lightDiffusion))
        let midGrey = greyRamp { $0 * 3 }
        #expect(SixelStyle.still(for: midGrey).maxColors == 18, "a ramp over three quarters of the range: 55 levels' deviation")
        // One level for every three of deviation, between the bounds (a spread is over three channels).
        for (deviation, levels) in [(0, 14), (43, 14), (45, 15), (60, 20), (70, 23), (71, 24), (127, 24)] {
            #expect(SixelStyle.greyLevels(Float(deviation) * Float(3).squareRoot()) == levels, "a deviation of \(deviation)")
        }
        #expect(SixelStyle.still(for: colour) == SixelStyle(maxColors: 176, rate: 20, dither: SixelStyle.diffusion))
        #expect(SixelStyle.still(for: colour, registers: 16) == SixelStyle(maxColors: 16, rate: 20, dither: SixelStyle.diffusion))
        #expect(SixelStyle.still(for: grey, registers: 8) == SixelStyle(maxColors: 8, rate: 80, dither: SixelStyle.lightDiffusion))
        // A silhouette (a black disc on white, its edge antialiased) is two-tone: 8 levels.
        let silhouette = RGBAImage(width: 64, height: 64) { x, y in
            let d = (x - 32) * (x - 32) + (y - 32) * (y - 32)
            let v = d < 300 ? 0 : d < 360 ? UInt8((d - 300) * 4) : 255
            return RGBA(v, v, v)
        }
        #expect(SixelStyle.still(for: silhouette) == SixelStyle(maxColors: 8, rate: 80, dither: SixelStyle.lightDiffusion))
        // Boxes on white, with a noisy photo pasted in a corner: more than half is flat colour.
        var random = SeededRandom(seed: 7)
        let diagram = RGBAImage(width: 64, height: 64) { x, y in
            if x < 24 && y < 24 { return RGBA(UInt8(random.next(below: 256)), UInt8(random.next(below: 256)), 90) }
            return (x / 16 + y / 16) % 3 == 0 ? RGBA(40, 90, 200) : (x + y) % 17 == 0 ? RGBA(200, 30, 30) : .white
        }
        #expect(SixelStyle.still(for: diagram) == SixelStyle(maxColors: 176, rate: 100, dither: .none))
        // The same boxes in faint colours: their differences are small, and so is a colour's worth.
        let faintDiagram = RGBAImage(width: 64, height: 64) { x, y in
            (x / 16 + y / 16) % 3 == 0 ? RGBA(20, 24, 60) : (x + y) % 17 == 0 ? RGBA(30, 24, 52) : RGBA(16, 18, 50)
        }
        let faintStyle = SixelStyle.still(for: faintDiagram)
        #expect(faintStyle.dither == .none && faintStyle.rate > 5 && faintStyle.rate < 30, "\(faintStyle)")
        // The same photo over most of the picture is not flat.
        let photo = RGBAImage(width: 64, height: 64) { x, y in
            x < 40 ? RGBA(UInt8(random.next(below: 256)), UInt8(random.next(below: 256)), 90) : .white
        }
        #expect(SixelStyle.still(for: photo) == SixelStyle(maxColors: 176, rate: 20, dither: SixelStyle.diffusion))
        // Nor is a photo framed by a wide black border: the border is one colour, the rest is not flat.
        let framed = RGBAImage(width: 64, height: 64) { x, y in
            (16..<48).contains(x) && (16..<48).contains(y) ? RGBA(UInt8(random.next(below: 256)), UInt8(random.next(below: 256)), 90) : .black
        }
        #expect(SixelStyle.still(for: framed) == SixelStyle(maxColors: 176, rate: 20, dither: SixelStyle.diffusion))
        // Colourful and textured all over (a painting, foliage): more colours, and the band
        // around each pixel weighed.
        let painting = RGBAImage(width: 64, height: 64) { _, _ in
            RGBA(UInt8(random.next(below: 256)), UInt8(random.next(below: 256)), UInt8(random.next(below: 256)))
        }
        #expect(SixelStyle.still(for: painting) == SixelStyle(maxColors: 220, rate: 20, dither: SixelStyle.diffusion, context: .band))
        // Low contrast: weaker diffusion, in proportion to the colours' spread.
        func strength(_ image: RGBAImage) -> Float? {
            if case .errorDiffusion(let strength) = SixelStyle.still(for: image).dither { strength } else { nil }
        }
        let faint = RGBAImage(width: 64, height: 64) { x, y in RGBA(UInt8(120 + x / 4), UInt8(120 + y / 4), 128) }
        let fainter = RGBAImage(width: 64, height: 64) { x, y in RGBA(UInt8(124 + x / 8), UInt8(124 + y / 8), 128) }
        let (one, half) = (try #require(strength(faint)), try #require(strength(fainter)))
        #expect(one > 0.01 && one < 0.3, "\(one)")
        #expect(abs(half / one - 0.5) < 0.1, "\(half) against \(one)")
        // Few colours, far apart (a dark lake under a pale sky): a palette colour lies within
        // a few levels of every pixel, so the diffusion is light and a colour worth more; with
        // grain over it, the photographs' style.
        let dusk = RGBAImage(width: 128, height: 64) { x, y in
            x < 64 ? RGBA(UInt8(30 + x / 4), UInt8(40 + y / 4), 60) : RGBA(UInt8(200 + (x - 64) / 4), UInt8(210 + y / 4), 230)
        }
        let grainy = RGBAImage(width: 128, height: 64) { x, y in
            let c = dusk[x, y], noise = UInt8(random.next(below: 40))
            return RGBA(c.r &+ noise, c.g &+ UInt8(random.next(below: 40)), c.b - noise)
        }
        let light = strength(dusk) ?? 0
        #expect(abs(light - 0.3) < 1e-6, "\(light)")
        #expect(SixelStyle.still(for: dusk).rate == 30)
        #expect(SixelStyle.still(for: grainy) == SixelStyle(maxColors: 176, rate: 20, dither: SixelStyle.diffusion))
    }

    /// Few colours, by the sample's 5-bit cells: all the way at 1/20 of its pixels or fewer,
    /// not at all from 1/17, in proportion between.
    @Test func fewnessRampsBetweenATwentiethAndASeventeenth() {
        #expect(SixelStyle.fewness(cells: 100, of: 4080) == 1)
        #expect(SixelStyle.fewness(cells: 204, of: 4080) == 1)
        #expect(SixelStyle.fewness(cells: 222, of: 4080) == 0.5)
        #expect(SixelStyle.fewness(cells: 240, of: 4080) == 0)
        #expect(SixelStyle.fewness(cells: 1000, of: 4080) == 0)
        #expect(SixelStyle.fewness(cells: 0, of: 0) == 0)
    }

    /// Texture is how much neighbouring pixels differ (more than 6 levels, the channels
    /// summed); colourfulness how many 5-bit colour cells the sample fills.
    @Test func textureAndColourfulnessAreMeasured() {
        var random = SeededRandom(seed: 5)
        let sky = RGBAImage(width: 300, height: 200) { x, y in RGBA(UInt8(40 + x / 3), UInt8(90 + y / 4), 200) }
        let grain = RGBAImage(width: 300, height: 200) { x, y in
            let noise = UInt8(random.next(below: 9))
            return RGBA(UInt8(40 + x / 3) + noise, UInt8(90 + y / 4) + noise, 200 - noise)
        }
        #expect(!SixelStyle.isTextured(sky))
        #expect(SixelStyle.isTextured(grain))
        // Transparent pixels are no one's neighbours.
        var holes = grain
        for y in 0..<holes.height { for x in 0..<holes.width where x % 2 == 1 { holes[x, y] = .transparent } }
        #expect(!SixelStyle.isTextured(holes))
        #expect(!SixelStyle.isTextured(RGBAImage(width: 1, height: 50, fill: .white)))
        let few = (0..<4096).map { i -> Palette.Point in (Int32(i % 8) * 32, 100, 100) }
        let many = (0..<4096).map { _ -> Palette.Point in
            (Int32(random.next(below: 256)), Int32(random.next(below: 256)), Int32(random.next(below: 256)))
        }
        #expect(SixelStyle.colourCells(few) == 8)
        #expect(SixelStyle.colourCells(many) * 4 >= many.count)
    }

    /// A dark picture's colours sit close together; each palette entry must still be its own
    /// colour once snapped to percentages, and pixels must reach all of them.
    @Test func aTightClusterGetsTheWholePalette() {
        // 60 % black border (more than half the pixels on one value), the rest a dark gradient.
        let image = RGBAImage(width: 200, height: 100) { x, y in
            x < 120 ? RGBA(0, 0, 0) : RGBA(UInt8(20 + (x - 120) / 2), UInt8(8 + y / 8), UInt8(4 + (x + y) % 9))
        }
        let palette = SixelEncoder.palette(for: image, maxColors: 64)
        #expect(Set(palette.colors.map { "\($0)" }).count == palette.colors.count, "no duplicates")
        #expect(palette.colors.count >= 60, "\(palette.colors.count) colours of 64")
        let indexed = IndexedImage(image, palette: palette, dither: .none)
        #expect(Set(indexed.indices).count >= 55, "pixels use \(Set(indexed.indices).count) of \(palette.colors.count)")
        let shown = RGBAImage(width: 200, height: 100) { x, y in palette.colors[Int(indexed.indices[y * 200 + x])] }
        #expect(psnr(shown, image) > 42)
    }

    @Test func paletteIsSnappedToWhatSixelCanSay() {
        let palette = SixelEncoder.palette(for: RGBAImage(width: 4, height: 4, fill: RGBA(200, 100, 7)))
        func expressible(_ v: UInt8) -> Bool {
            let percent = (Int(v) * 100 + 127) / 255
            return (percent * 255 + 50) / 100 == Int(v)
        }
        #expect(palette.colors.allSatisfy { expressible($0.r) && expressible($0.g) && expressible($0.b) })
    }

    @Test func orderedDitherIsStableAcrossPartials() {
        let first = RGBAImage(width: 64, height: 32) { x, y in RGBA(UInt8(x * 4), UInt8(y * 8), 100) }
        var second = first
        for y in 20..<32 { for x in 0..<64 { second[x, y] = RGBA(200, 30, UInt8(x)) } }  // only the bottom changes
        let palette = SixelEncoder.palette(for: first, maxColors: 64)
        let a = IndexedImage(first, palette: palette, dither: .ordered)
        let b = IndexedImage(second, palette: palette, dither: .ordered)
        #expect(a.indices[0..<(20 * 64)] == b.indices[0..<(20 * 64)], "unchanged pixels keep their colours")
    }

    /// The sample images through libsixel's own decoder, as a terminal would show them.
    @Test(arguments: ["lakeside.png", "dusk.jpg", "bricks.webp"])
    func decodesBackWithLibsixel(_ name: String) throws {
        let (_, decoded) = try ImageFile.load(path: assets.appendingPathComponent(name).path)
        let image = decoded.image.width > 512 ? decoded.image.resized(width: 512, height: decoded.image.height * 512 / decoded.image.width) : decoded.image
        let sixel = SixelEncoder.encode(image)
        let back = try Libsixel.decode(sixel)
        #expect(back.width == image.width && back.height == image.height)
        let quality = psnr(back, image)
        #expect(quality > 30, "\(name): \(quality) dB")
        // img2sixel writes 1.1–1.4 bytes a pixel on photographs.
        #expect(sixel.count < image.width * image.height * 3 / 2, "\(name): \(sixel.count) bytes for \(image.width * image.height) pixels")
    }
}

@Suite struct HalfBlockTests {
    /// Reads `38;2` / `48;2` half-block text back into pixels.
    func parse(_ bytes: [UInt8], columns: Int, rows: Int) -> RGBAImage {
        var image = RGBAImage(width: columns, height: rows * 2)
        var fg = RGBA.transparent, bg = RGBA.transparent
        var x = 0, y = 0
        let s = Array(String(decoding: bytes, as: UTF8.self).unicodeScalars)
        var i = 0
        while i < s.count {
            if s[i] == "\u{1B}" {
                var j = i + 2
                var params = ""
                while s[j] != "m" { params.unicodeScalars.append(s[j]); j += 1 }
                let numbers = params.split(separator: ";").compactMap { Int($0) }
                var k = 0
                while k < numbers.count {
                    switch numbers[k] {
                    case 38: fg = RGBA(UInt8(numbers[k + 2]), UInt8(numbers[k + 3]), UInt8(numbers[k + 4])); k += 5
                    case 48: bg = RGBA(UInt8(numbers[k + 2]), UInt8(numbers[k + 3]), UInt8(numbers[k + 4])); k += 5
                    default: k += 1
                    }
                }
                i = j + 1
            } else if s[i] == "\n" {
                y += 2; x = 0; i += 1
            } else {
                image[x, y] = s[i] == "▀" ? fg : bg
                image[x, y + 1] = s[i] == "▀" ? bg : fg
                x += 1; i += 1
            }
        }
        return image
    }

    @Test func trueColorIsTheExactBoxDownscale() throws {
        let (_, decoded) = try ImageFile.load(path: assets.appendingPathComponent("lakeside.png").path)
        let cells = HalfBlock.cells(decoded.image, columns: 100, rows: 50, colors: .trueColor)
        let back = parse(HalfBlock.text(cells), columns: 100, rows: 50)
        #expect(back == decoded.image.resized(width: 100, height: 100))
    }

    @Test func colourChangesAreSentOnlyWhenNeeded() {
        let flat = RGBAImage(width: 20, height: 4, fill: RGBA(1, 2, 3))
        let out = text(HalfBlock.text(HalfBlock.cells(flat, columns: 20, rows: 2, colors: .trueColor)))
        #expect(out.components(separatedBy: "38;2").count - 1 == 2, "one colour setting per row: \(out)")
        #expect(out.hasSuffix("\u{1B}[0m\n"))
    }

    @Test func twoFiftySixColoursKeepTwentySixDecibels() throws {
        let (_, decoded) = try ImageFile.load(path: assets.appendingPathComponent("lakeside.png").path)
        let cells = HalfBlock.cells(decoded.image, columns: 200, rows: 60, colors: .palette256)
        let target = decoded.image.resized(width: 200, height: 120)
        var shown = RGBAImage(width: 200, height: 120)
        for (row, line) in cells.enumerated() {
            for (x, cell) in line.enumerated() {
                if case .indexed(let top) = cell.top { shown[x, row * 2] = XTerm256.color(top) }
                if case .indexed(let bottom) = cell.bottom { shown[x, row * 2 + 1] = XTerm256.color(bottom) }
            }
        }
        // Plain, and once neighbouring cells blend (the 2x2 blur the goals use).
        let plain = psnr(shown, target)
        let blended = psnr(shown.resized(width: 100, height: 60), target.resized(width: 100, height: 60))
        #expect(plain >= 23, "\(plain) dB")
        #expect(blended >= 26, "\(blended) dB")
    }

    @Test func transparentCellsShowTheBackground() {
        let image = RGBAImage(width: 2, height: 2) { x, y in y == 0 && x == 0 ? RGBA(9, 9, 9) : .transparent }
        let out = text(HalfBlock.text(HalfBlock.cells(image, columns: 2, rows: 1, colors: .trueColor)))
        #expect(out.contains("▀") && out.contains("49") && out.contains(" "))
    }
}

@Suite struct ProtocolTests {
    @Test func kittyChunksStayWithinTheLimit() {
        let png = [UInt8](repeating: 0xAB, count: 20_000)
        let out = text(KittyGraphics.display(png: png, id: 7, columns: 30, rows: 10))
        let chunks = out.components(separatedBy: "\u{1B}_G").dropFirst()
        #expect(chunks.count > 1)
        for (n, chunk) in chunks.enumerated() {
            let payload = chunk.split(separator: ";", maxSplits: 1)[1].replacingOccurrences(of: "\u{1B}\\", with: "")
            #expect(payload.count <= 4096)
            #expect(chunk.hasPrefix(n == 0 ? "a=T,f=100,i=7,p=1,q=2" : "m="))
            #expect(chunk.contains(n == chunks.count - 1 ? "m=0" : "m=1"))
        }
        #expect(Base64.encode([0xAB, 0xAB]) == "q6s=")
    }

    @Test func iTermCarriesTheFileItself() {
        let out = text(ITermInlineImage.display(encoded: [1, 2, 3], columns: 10, rows: 4))
        #expect(out.hasPrefix("\u{1B}]1337;File=") && out.contains("inline=1;size=3;width=10;height=4;preserveAspectRatio=1:AQID"))
        #expect(out.hasSuffix("\u{07}"))
    }

    @Test func tmuxWrappingDoublesEveryEscape() {
        let wrapped = TmuxPassthrough.wrap(Array("\u{1B}Pq#0\u{1B}\\".utf8))
        #expect(text(wrapped) == "\u{1B}Ptmux;\u{1B}\u{1B}Pq#0\u{1B}\u{1B}\\\u{1B}\\")
    }
}

@Suite struct CapabilityTests {
    @Test func parsesEveryReplyInAnyOrder() {
        let bytes = Array(("x\u{1B}[6;20;10t" + "\u{1B}_Gi=31;OK\u{1B}\\" + "junk\u{1B}[?1;0;256S\u{1B}[?2;0;1920;1080S"
            + "\u{1B}[4;1080;1920t\u{1B}[?62;4;22c").utf8)
        let replies = TerminalReplies.parse(bytes)
        #expect(replies.cellSize?.width == 10 && replies.cellSize?.height == 20)
        #expect(replies.textAreaSize?.width == 1920)
        #expect(replies.sixelColorRegisters == 256 && replies.sixelMaxSize?.height == 1080)
        #expect(replies.kittyGraphics && replies.supportsSixel && replies.isComplete)
    }

    /// tmux takes a bare APC (the kitty query) for a pane title: inside it, the query goes
    /// through to the outer terminal; the other queries are plain CSI either way.
    @Test func theKittyQueryPassesThroughTmux() {
        let plain = String(decoding: TerminalReplies.queries(), as: UTF8.self)
        let inTmux = String(decoding: TerminalReplies.queries(insideTmux: true), as: UTF8.self)
        #expect(plain.hasPrefix("\u{1B}_G") && !plain.contains("Ptmux"))
        #expect(inTmux.hasPrefix("\u{1B}Ptmux;\u{1B}\u{1B}_G") && inTmux.hasSuffix("\u{1B}[c"))
    }

    @Test func partialAndGarbageRepliesAreHarmless() {
        #expect(TerminalReplies.parse(Array("\u{1B}[?62;4".utf8)) == TerminalReplies())
        #expect(!TerminalReplies.parse(Array("\u{1B}[6;20".utf8)).isComplete)
        #expect(TerminalReplies.parse([0x1B, 0x1B, 0x5B, 0xFF, 0x00, 0x1B]) == TerminalReplies())
        var random = SeededRandom(default: 20_260_502)
        for _ in 0..<500 {
            _ = TerminalReplies.parse((0..<64).map { _ in UInt8.random(in: 0...255, using: &random) })
        }
        let noSixel = TerminalReplies.parse(Array("\u{1B}[?64;1;2;6;9;15;18;21;22c".utf8))
        #expect(noSixel.isComplete && !noSixel.supportsSixel)
    }

    @Test func choosesByOverrideRepliesAndEnvironment() {
        var sixel = TerminalReplies()
        sixel.deviceAttributes = [62, 4]
        let plain = TerminalHints(environment: ["TERM": "xterm-256color"])
        #expect(GraphicsChoice.choose(override: .auto, replies: sixel, hints: plain).mode == .sixel)
        #expect(GraphicsChoice.choose(override: .auto, replies: nil, hints: plain) == GraphicsChoice(mode: .halfblock, colors: .palette256, tmuxPassthrough: false))
        #expect(GraphicsChoice.choose(override: .auto, replies: nil, hints: TerminalHints(environment: ["KITTY_WINDOW_ID": "1"])).mode == .kitty)
        #expect(GraphicsChoice.choose(override: .auto, replies: nil, hints: TerminalHints(environment: ["TERM_PROGRAM": "iTerm.app"])).mode == .iterm)
        let tmux = TerminalHints(environment: ["TMUX": "/tmp/tmux", "TERM": "tmux-256color", "COLORTERM": "truecolor"])
        #expect(GraphicsChoice.choose(override: .auto, replies: sixel, hints: tmux) == GraphicsChoice(mode: .halfblock, colors: .trueColor, tmuxPassthrough: false))
        #expect(GraphicsChoice.choose(override: .sixel, replies: nil, hints: tmux).tmuxPassthrough)
        #expect(GraphicsChoice.choose(override: .auto, replies: sixel, hints: TerminalHints(environment: ["STY": "1.pts"])).mode == .halfblock)
    }

    /// Direct-colour terminfo entries say 24-bit colour; names that only contain the letters do not.
    @Test func directColourTermNamesMeanTrueColour() {
        for term in ["xterm-direct", "xterm-direct256", "kitty-direct", "direct"] {
            #expect(TerminalHints(environment: ["TERM": term]).trueColor, "\(term)")
        }
        for term in ["xterm-256color", "indirect-vt100", "xterm", "tmux-256color"] {
            #expect(!TerminalHints(environment: ["TERM": term]).trueColor, "\(term)")
        }
        #expect(TerminalHints { $0 == "COLORTERM" ? "24bit" : nil }.trueColor)
    }

    /// XTSMGRAPHICS answers bound the sixel palette and picture: a VT340's 16 registers, a
    /// terminal's largest image.
    @Test func theTerminalsSixelLimitsAreKept() {
        let replies = TerminalReplies.parse(Array("\u{1B}[?1;0;16S\u{1B}[?2;0;800;480S\u{1B}[?62;4c".utf8))
        let choice = GraphicsChoice.choose(override: .auto, replies: replies, hints: TerminalHints(environment: ["TERM": "xterm"]))
        #expect(choice.mode == .sixel && choice.sixel == SixelLimits(colors: 16, maxWidth: 800, maxHeight: 480))
        #expect(choice.sixel.fitting(width: 1600, height: 960) == (800, 480))
        #expect(choice.sixel.fitting(width: 400, height: 900) == (213, 480))
        #expect(choice.sixel.fitting(width: 300, height: 200) == (300, 200), "never enlarged")
        // No answer: 256 registers, any size; a terminal's 1024 registers are 256 to a palette.
        #expect(GraphicsChoice.choose(override: .sixel, replies: nil, hints: TerminalHints(environment: [:])).sixel == SixelLimits())
        #expect(SixelLimits(colors: 1024).colors == 256)
    }
}
