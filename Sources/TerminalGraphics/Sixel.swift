import Dispatch
import Foundation
import Raster

/// DEC sixel output: a palette of up to 256 registers, then bands of six pixel rows, each band
/// in passes that carry several colours' segments (`BandPacker`), with `!n` run-length coding;
/// a segment may paint pixels that a later one paints over, where that makes runs longer.
public enum SixelEncoder {
    public struct Options: Sendable {
        /// 120 by default: with a k-means palette, more detail than img2sixel's 256 in about
        /// two thirds of its bytes on the sample, less of an edge on other photographs (see
        /// `make bench`); up to 256.
        public var maxColors: Int = 120
        public var dither: Dither = .none
        /// What a colour is worth in bytes (`Palette.rate`); 0: colours by distance only.
        public var rate: Float = 0
        /// Which colours near a pixel make choosing them cheaper, with a `rate`.
        public var context: RateContext = .adjacent
        /// Reuse this palette (successive partial images), instead of choosing one.
        public var palette: Palette?
        /// Paint transparent pixels in this colour instead of leaving the terminal's background.
        public var background: RGBA?

        public init(maxColors: Int = 120, dither: Dither = .none, rate: Float = 0, context: RateContext = .adjacent,
                    palette: Palette? = nil, background: RGBA? = nil) {
            self.maxColors = maxColors
            self.dither = dither
            self.rate = rate
            self.context = context
            self.palette = palette
            self.background = background
        }
    }

    /// The palette `encode` would choose for `image`, snapped to what sixel can express.
    public static func palette(for image: RGBAImage, maxColors: Int = 120, rate: Float = 0) -> Palette {
        Palette.quantize(image, maxColors: maxColors, rate: rate, snap: snap)
    }

    public static func encode(_ image: RGBAImage, options: Options = Options()) -> [UInt8] {
        var source = image
        if let background = options.background { source = source.flattened(over: background) }
        let palette = options.palette.map { Palette(colors: $0.colors.map(snap)) } ?? Self.palette(for: source, maxColors: options.maxColors, rate: options.rate)
        // A picture of its own may number its registers as suits it; one that shares its
        // palette with others keeps the palette's numbers (see `Registers`).
        return encode(IndexedImage(source, palette: palette, dither: options.dither, context: options.context),
                      registers: options.palette == nil ? .mostSelectedFirst : .paletteOrder)
    }

    /// How colour registers are numbered.
    public enum Registers: Sendable {
        /// Register n is palette colour n: pieces of pictures drawn with one palette agree, so a
        /// terminal whose registers are shared between pictures (a VT340) keeps earlier ones right.
        case paletteOrder
        /// The colours selected most often get the shortest numbers (`#7` rather than `#117`):
        /// about 4 % fewer bytes on a dithered photograph.
        case mostSelectedFirst
    }

    /// Sixel colour registers take percentages: a colour is only as exact as 0–100 allows.
    static func snap(_ c: RGBA) -> RGBA {
        func s(_ v: UInt8) -> UInt8 {
            let percent = (Int(v) * 100 + 127) / 255
            return UInt8((percent * 255 + 50) / 100)
        }
        return RGBA(s(c.r), s(c.g), s(c.b))
    }

    /// Bands written together: each group of bands is written on its own (side by side), and
    /// the groups are joined in order; the output does not depend on how many processors ran.
    static let bandsPerGroup = 16

    public static func encode(_ indexed: IndexedImage, registers: Registers = .paletteOrder) -> [UInt8] {
        let colorCount = indexed.palette.colors.count
        let groupRows = 6 * bandsPerGroup
        let groups = (indexed.height + groupRows - 1) / groupRows
        let workers = max(1, min(groups, Processors.available))
        var written = [(data: SixelWriter, selections: [Int])?](repeating: nil, count: groups)
        written.withUnsafeMutableBufferPointer { written in
            nonisolated(unsafe) let results = written
            // Each worker takes every `workers`-th group, with its own scratch.
            DispatchQueue.concurrentPerform(iterations: workers) { worker in
                var scratch = BandScratch(colors: colorCount, width: indexed.width)
                for group in stride(from: worker, to: groups, by: workers) {
                    let rows = (group * groupRows)..<min(indexed.height, (group + 1) * groupRows)
                    results[group] = writeBands(indexed, rows: rows, scratch: &scratch)
                }
            }
        }
        var selections = [Int](repeating: 0, count: colorCount)
        for case let (_, counts)? in written { for k in 0..<colorCount { selections[k] += counts[k] } }
        let numbers: [Int]
        switch registers {
        case .paletteOrder:
            numbers = Array(0..<colorCount)
        case .mostSelectedFirst:
            var byUse = [Int](repeating: 0, count: colorCount)
            for (rank, k) in (0..<colorCount).sorted(by: { selections[$0] > selections[$1] }).enumerated() { byUse[k] = rank }
            numbers = byUse
        }
        let picture = SixelWriter(capacity: written.reduce(32 * colorCount) { $0 + ($1?.data.count ?? 0) + 1 })
        // A colour some band selected is a colour the picture uses.
        writeHeader(indexed, registers: numbers, used: selections.map { $0 > 0 }, to: picture)
        for (group, bands) in written.enumerated() {
            if group > 0 { picture.byte(45) }  // -: next band
            guard let data = bands?.data else { continue }
            if registers == .paletteOrder { picture.append(data) } else { data.renumbered(numbers, into: picture) }
        }
        picture.text("\u{1B}\\")
        return picture.bytes
    }

    /// Per worker: each colour's six-bit column patterns in the band, the first and last column
    /// it touches (so only that span is looked at), and its pixels there.
    struct BandScratch {
        var bits: [UInt8]
        var first: [Int]
        var last: [Int]
        var pixels: [Int]
        var present: [Int] = []

        init(colors: Int, width: Int) {
            bits = [UInt8](repeating: 0, count: colors * width)
            first = [Int](repeating: Int.max, count: colors)
            last = [Int](repeating: -1, count: colors)
            pixels = [Int](repeating: 0, count: colors)
            present.reserveCapacity(colors)
        }
    }

    /// The bands of `rows` (a multiple of six from the top), `-` between them, and how often
    /// each colour was selected there.
    static func writeBands(_ indexed: IndexedImage, rows: Range<Int>, scratch: inout BandScratch) -> (SixelWriter, [Int]) {
        let w = indexed.width
        let out = SixelWriter(capacity: w * rows.count / 2)
        var bands = BandPacker(colors: indexed.palette.colors)
        let transparent = indexed.transparent
        // Per band, the transparent pixels of each column, which no colour may paint.
        var clear: [UInt8]? = transparent == nil ? nil : [UInt8](repeating: 0, count: w)
        indexed.indices.withUnsafeBufferPointer { idx in
            scratch.bits.withUnsafeMutableBufferPointer { bits in
                scratch.first.withUnsafeMutableBufferPointer { first in
                    scratch.last.withUnsafeMutableBufferPointer { last in
                      scratch.pixels.withUnsafeMutableBufferPointer { pixels in
                        var top = rows.lowerBound
                        while top < rows.upperBound {
                            scratch.present.removeAll(keepingCapacity: true)
                            clear?.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
                            for row in 0..<min(6, rows.upperBound - top) {
                                let y = top + row
                                let mask = UInt8(1 << row)
                                for x in 0..<w {
                                    let i = y * w + x
                                    if let transparent, transparent[i] {
                                        clear![x] |= mask
                                        continue
                                    }
                                    let k = Int(idx[i])
                                    if last[k] < 0 {
                                        scratch.present.append(k)
                                        first[k] = x
                                        last[k] = x
                                    } else if x < first[k] {
                                        first[k] = x
                                    } else if x > last[k] {
                                        last[k] = x
                                    }
                                    bits[k * w + x] |= mask
                                    pixels[k] += 1
                                }
                            }
                            bands.write(scratch.present, bits: bits, width: w, transparent: clear, first: first, last: last,
                                        pixels: pixels, into: out)
                            for k in scratch.present {
                                (bits.baseAddress! + k * w + first[k]).update(repeating: 0, count: last[k] - first[k] + 1)
                                first[k] = Int.max
                                last[k] = -1
                                pixels[k] = 0
                            }
                            top += 6
                            if top < rows.upperBound { out.byte(45) }  // -: next band
                        }
                      }
                    }
                }
            }
        }
        return (out, bands.selections)
    }

    /// DCS P1=0 (aspect from raster attributes) P2=1 (unset pixels stay transparent) q, raster
    /// attributes (1:1 pixels, width, height), and the colours the image uses, as percentages
    /// (a small piece of a picture defines a few, not the whole palette).
    static func writeHeader(_ indexed: IndexedImage, registers: [Int], used: [Bool], to out: SixelWriter) {
        out.text("\u{1B}P0;1;0q\"1;1;")
        out.number(indexed.width); out.text(";"); out.number(indexed.height)
        for (k, c) in indexed.palette.colors.enumerated() where used[k] {
            out.text("#"); out.number(registers[k]); out.text(";2;")
            out.number((Int(c.r) * 100 + 127) / 255); out.text(";")
            out.number((Int(c.g) * 100 + 127) / 255); out.text(";")
            out.number((Int(c.b) * 100 + 127) / 255)
        }
    }
}

/// Bytes of a sixel stream: text, decimal numbers and `!n` runs, written into a buffer that
/// grows by doubling (an array's append checks uniqueness on every byte).
final class SixelWriter {
    private var buffer: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    private var used = 0

    init(capacity: Int) {
        self.capacity = max(64, capacity)
        buffer = .allocate(capacity: self.capacity)
    }

    deinit { buffer.deallocate() }

    var bytes: [UInt8] { Array(UnsafeBufferPointer(start: buffer, count: used)) }
    var count: Int { used }

    func clear() { used = 0 }

    func append(_ other: SixelWriter) {
        reserve(other.used)
        (buffer + used).update(from: other.buffer, count: other.used)
        used += other.used
    }

    /// These bytes, where each `#n` (a colour selection: data has no other `#`) becomes
    /// `#numbers[n]`, appended to `out`.
    func renumbered(_ numbers: [Int], into out: SixelWriter) {
        var i = 0
        while i < used {
            let b = buffer[i]
            i += 1
            out.byte(b)
            guard b == 35 else { continue }  // #
            var n = 0
            while i < used, buffer[i] >= 48, buffer[i] <= 57 {
                n = n * 10 + Int(buffer[i] - 48)
                i += 1
            }
            out.number(numbers[n])
        }
    }

    private func reserve(_ extra: Int) {
        guard used + extra > capacity else { return }
        let grown = max(capacity * 2, used + extra)
        let larger = UnsafeMutablePointer<UInt8>.allocate(capacity: grown)
        larger.update(from: buffer, count: used)
        buffer.deallocate()
        buffer = larger
        capacity = grown
    }

    func byte(_ b: UInt8) {
        reserve(1)
        buffer[used] = b
        used += 1
    }

    func text(_ s: String) {
        for b in s.utf8 { byte(b) }
    }

    func number(_ n: Int) {
        if n < 10 {
            byte(UInt8(48 + n))
        } else if n < 100 {
            byte(UInt8(48 + n / 10)); byte(UInt8(48 + n % 10))
        } else {
            number(n / 10)
            byte(UInt8(48 + n % 10))
        }
    }

    /// `count` copies of a sixel character; from 4 on, `!count` and the character is shorter.
    func run(_ character: UInt8, count: Int) {
        if count <= 0 { return }
        if count < 4 {
            for _ in 0..<count { byte(character) }
        } else {
            byte(33)
            number(count)
            byte(character)
        }
    }
}

extension RGBAImage {
    /// The image composited over an opaque colour.
    public func flattened(over background: RGBA) -> RGBAImage {
        flattened { _, _ in background }
    }

    /// The image composited over an opaque background that may vary by position (a checkerboard).
    public func flattened(over background: (_ x: Int, _ y: Int) -> RGBA) -> RGBAImage {
        var out = self
        for i in stride(from: 0, to: pixels.count, by: 4) where pixels[i + 3] != 255 {
            let a = Int(pixels[i + 3])
            let under = background((i / 4) % width, (i / 4) / width)
            out.pixels[i] = UInt8((Int(pixels[i]) * a + Int(under.r) * (255 - a) + 127) / 255)
            out.pixels[i + 1] = UInt8((Int(pixels[i + 1]) * a + Int(under.g) * (255 - a) + 127) / 255)
            out.pixels[i + 2] = UInt8((Int(pixels[i + 2]) * a + Int(under.b) * (255 - a) + 127) / 255)
            out.pixels[i + 3] = 255
        }
        return out
    }
}
