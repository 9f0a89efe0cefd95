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
        /// Reuse this palette (successive partial images), instead of choosing one.
        public var palette: Palette?
        /// Paint transparent pixels in this colour instead of leaving the terminal's background.
        public var background: RGBA?

        public init(maxColors: Int = 120, dither: Dither = .none, palette: Palette? = nil, background: RGBA? = nil) {
            self.maxColors = maxColors
            self.dither = dither
            self.palette = palette
            self.background = background
        }
    }

    /// The palette `encode` would choose for `image`, snapped to what sixel can express.
    public static func palette(for image: RGBAImage, maxColors: Int = 120) -> Palette {
        Palette.quantize(image, maxColors: maxColors, snap: snap)
    }

    public static func encode(_ image: RGBAImage, options: Options = Options()) -> [UInt8] {
        var source = image
        if let background = options.background { source = source.flattened(over: background) }
        let palette = options.palette.map { Palette(colors: $0.colors.map(snap)) } ?? Self.palette(for: source, maxColors: options.maxColors)
        return encode(IndexedImage(source, palette: palette, dither: options.dither))
    }

    /// Sixel colour registers take percentages: a colour is only as exact as 0–100 allows.
    static func snap(_ c: RGBA) -> RGBA {
        func s(_ v: UInt8) -> UInt8 {
            let percent = (Int(v) * 100 + 127) / 255
            return UInt8((percent * 255 + 50) / 100)
        }
        return RGBA(s(c.r), s(c.g), s(c.b))
    }

    public static func encode(_ indexed: IndexedImage) -> [UInt8] {
        let w = indexed.width, h = indexed.height
        let out = SixelWriter(capacity: w * h / 2)
        writeHeader(indexed, to: out)
        let colorCount = indexed.palette.colors.count
        // Per band: each colour's six-bit column patterns, and the first and last column it
        // touches (so only that span is looked at).
        var bits = [UInt8](repeating: 0, count: colorCount * w)
        var first = [Int](repeating: Int.max, count: colorCount)
        var last = [Int](repeating: -1, count: colorCount)
        var present: [Int] = []
        present.reserveCapacity(colorCount)
        var bands = BandPacker()
        let transparent = indexed.transparent
        // Per band, the transparent pixels of each column, which no colour may paint.
        var clear: [UInt8]? = transparent == nil ? nil : [UInt8](repeating: 0, count: w)
        indexed.indices.withUnsafeBufferPointer { idx in
            bits.withUnsafeMutableBufferPointer { bits in
                first.withUnsafeMutableBufferPointer { first in
                    last.withUnsafeMutableBufferPointer { last in
                        var top = 0
                        while top < h {
                            present.removeAll(keepingCapacity: true)
                            if clear != nil { clear = [UInt8](repeating: 0, count: w) }
                            for row in 0..<min(6, h - top) {
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
                                        present.append(k)
                                        first[k] = x
                                        last[k] = x
                                    } else if x < first[k] {
                                        first[k] = x
                                    } else if x > last[k] {
                                        last[k] = x
                                    }
                                    bits[k * w + x] |= mask
                                }
                            }
                            bands.write(present, bits: bits, width: w, transparent: clear, first: first, last: last, into: out)
                            for k in present {
                                (bits.baseAddress! + k * w + first[k]).update(repeating: 0, count: last[k] - first[k] + 1)
                                first[k] = Int.max
                                last[k] = -1
                            }
                            top += 6
                            if top < h { out.byte(45) }  // -: next band
                        }
                    }
                }
            }
        }
        out.text("\u{1B}\\")
        return out.bytes
    }

    /// DCS P1=0 (aspect from raster attributes) P2=1 (unset pixels stay transparent) q, raster
    /// attributes (1:1 pixels, width, height), and the colours the image uses, as percentages
    /// (a small piece of a picture defines a few, not the whole palette).
    static func writeHeader(_ indexed: IndexedImage, to out: SixelWriter) {
        out.text("\u{1B}P0;1;0q\"1;1;")
        out.number(indexed.width); out.text(";"); out.number(indexed.height)
        var used = [Bool](repeating: false, count: indexed.palette.colors.count)
        for (i, k) in indexed.indices.enumerated() where indexed.transparent?[i] != true { used[Int(k)] = true }
        for (k, c) in indexed.palette.colors.enumerated() where used[k] {
            out.text("#"); out.number(k); out.text(";2;")
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
    private var count = 0

    init(capacity: Int) {
        self.capacity = max(64, capacity)
        buffer = .allocate(capacity: self.capacity)
    }

    deinit { buffer.deallocate() }

    var bytes: [UInt8] { Array(UnsafeBufferPointer(start: buffer, count: count)) }

    private func reserve(_ extra: Int) {
        guard count + extra > capacity else { return }
        let grown = max(capacity * 2, count + extra)
        let larger = UnsafeMutablePointer<UInt8>.allocate(capacity: grown)
        larger.update(from: buffer, count: count)
        buffer.deallocate()
        buffer = larger
        capacity = grown
    }

    func byte(_ b: UInt8) {
        reserve(1)
        buffer[count] = b
        count += 1
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
