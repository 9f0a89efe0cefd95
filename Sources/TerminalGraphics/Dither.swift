import Dispatch
import Foundation
import Raster

/// An image as palette indices; pixels with alpha below 128 are transparent.
public struct IndexedImage: Sendable {
    public var width: Int
    public var height: Int
    public var indices: [UInt8]
    public var transparent: [Bool]?
    public var palette: Palette
}

/// With a palette `rate`, which colours already drawn near a pixel make choosing one of them
/// cheaper (a sixel band is written colour by colour, each colour as segments of columns: a new
/// segment costs several bytes, going on costs one).
public enum RateContext: Sendable, Equatable {
    /// The pixel above in the band and the one before on the row: enough where neighbouring
    /// pixels mostly share a colour (a sky, a smooth landscape), and cheap.
    case adjacent
    /// Every colour the band has so far in the pixel's column and in the two beside it: on a
    /// textured picture 3-12 % fewer bytes at the same PSNR, for about a third more mapping time.
    case band
}

/// How colours between palette entries are approximated.
public enum Dither: Sendable, Equatable {
    /// No error passed on: the nearest colour (with a palette `rate`, the cheapest in context,
    /// as under diffusion). With a k-means palette the best plain error and the fewest sixel
    /// bytes (dither noise breaks up runs), so the default for previews.
    case none
    /// Floyd–Steinberg, serpentine, passing on `strength` of the error (1 = all): for stills.
    case errorDiffusion(strength: Float)
    /// An 8x8 Bayer pattern fixed to image positions: pictures drawn with the same palette keep
    /// the same pattern where they agree (`retouch show --dither ordered`).
    case ordered
}

extension IndexedImage {
    /// Rows mapped together: error diffusion starts afresh at each strip, so strips can be
    /// mapped side by side and the result does not depend on how many processors there are.
    /// The price: a strip's first row has no error from above, on a smooth gradient a faint
    /// line every 96 rows where the pattern restarts.
    static let stripRows = 96

    /// What the band has around a column (`RateContext.band`): a count, then up to 18 colours
    /// (three columns of six rows), each marked when it is in the column itself rather than
    /// beside it, then the one noted last.
    static let contextSlot = 20
    static let inColumn: UInt16 = 0x100

    public init(_ image: RGBAImage, palette: Palette, dither: Dither, context: RateContext = .adjacent) {
        width = image.width
        height = image.height
        self.palette = palette
        var mapped = [UInt8](repeating: 0, count: image.width * image.height)
        if image.hasTransparency {
            transparent = stride(from: 3, to: image.pixels.count, by: 4).map { image.pixels[$0] < 128 }
        } else {
            transparent = nil
        }
        let strips = (image.height + Self.stripRows - 1) / Self.stripRows
        let workers = max(1, min(strips, Processors.available))
        let nearest = NearestColor(palette, coarse: dither != .none && dither != .ordered)
        mapped.withUnsafeMutableBufferPointer { mapped in
            nonisolated(unsafe) let out = mapped
            // Each worker takes every `workers`-th strip; they share the nearest-colour memory.
            DispatchQueue.concurrentPerform(iterations: workers) { worker in
                for strip in stride(from: worker, to: strips, by: workers) {
                    let rows = (strip * Self.stripRows)..<min(image.height, (strip + 1) * Self.stripRows)
                    switch dither {
                    case .none where palette.rate > 0:
                        Self.floydSteinberg(image, rows: rows, palette: palette, strength: 0, context: context, nearest: nearest, into: out)
                    case .none:
                        image.pixels.withUnsafeBufferPointer { px in
                            for i in (rows.lowerBound * image.width)..<(rows.upperBound * image.width) {
                                out[i] = UInt8(nearest.index(Int32(px[i * 4]), Int32(px[i * 4 + 1]), Int32(px[i * 4 + 2])))
                            }
                        }
                    case .ordered:
                        Self.ordered(image, rows: rows, palette: palette, nearest: nearest, into: out)
                    case .errorDiffusion(let strength):
                        Self.floydSteinberg(image, rows: rows, palette: palette, strength: strength, context: context, nearest: nearest, into: out)
                    }
                }
            }
        }
        indices = mapped
    }

    static let bayer8: [Int32] = {
        var m = [Int32](repeating: 0, count: 64)
        for y in 0..<8 {
            for x in 0..<8 {
                var v = 0, xc = x ^ y, yc = y
                // Bit-reversed interleave: the lowest coordinate bits decide the highest threshold
                // bits, so neighbouring pixels get the most different thresholds.
                for bit in 0..<3 {
                    v |= ((xc >> bit) & 1) << (5 - 2 * bit)
                    v |= ((yc >> bit) & 1) << (4 - 2 * bit)
                }
                m[y * 8 + x] = Int32(v)
            }
        }
        return m
    }()

    static func ordered(_ image: RGBAImage, rows: Range<Int>, palette: Palette, nearest: NearestColor,
                        into indices: UnsafeMutableBufferPointer<UInt8>) {
        // The pattern spans about one palette step, estimated from the colour count.
        let step = 255.0 / Double(max(2, palette.colors.count)).squareRoot().squareRoot() / 2
        let scale = Int32(step * 256 / 64)
        let w = image.width
        image.pixels.withUnsafeBufferPointer { px in
            for y in rows {
                for x in 0..<w {
                    let i = y * w + x
                    let offset = ((bayer8[(y & 7) * 8 + (x & 7)] * 2 - 63) * scale) >> 9
                    let r = min(255, max(0, Int32(px[i * 4]) + offset))
                    let g = min(255, max(0, Int32(px[i * 4 + 1]) + offset))
                    let b = min(255, max(0, Int32(px[i * 4 + 2]) + offset))
                    indices[i] = UInt8(nearest.index(r, g, b))
                }
            }
        }
    }

    /// With a palette `rate`, the colour chosen weighs what it costs in sixel bytes as well: a
    /// colour costs its palette cost, but one already in this column of the band (rows above)
    /// at most 3 bits, and the colour before on the row or one beside this column in the band
    /// at most 2 (its segment goes on); `context` says how much of the band is looked at. On
    /// photographs a third fewer bytes than the nearest colour, for about 1 dB.
    static func floydSteinberg(_ image: RGBAImage, rows yRange: Range<Int>, palette: Palette, strength: Float,
                               context: RateContext, nearest: NearestColor, into indices: UnsafeMutableBufferPointer<UInt8>) {
        let w = image.width
        let colors = palette.colors.flatMap { [Int32($0.r), Int32($0.g), Int32($0.b)] }
        // Errors in 1/16ths, scaled by strength (out of 256), two rows with a column of margin each side.
        let gain = Int32(max(0, min(1, strength)) * 256)
        let weighed = palette.rate > 0
        let run = 2 * palette.rate, stack = 3 * palette.rate
        let costs = weighed ? palette.costs : [Float](repeating: 0, count: palette.colors.count)
        var rows = [Int32](repeating: 0, count: (w + 2) * 3 * 2)
        // Per column, with a margin one each side: the colours the band has so far in it and in
        // the columns beside it.
        let wholeBand = weighed && context == .band
        var around = [UInt16](repeating: 0, count: wholeBand ? (w + 2) * Self.contextSlot : 0)
        image.pixels.withUnsafeBufferPointer { px in
            colors.withUnsafeBufferPointer { pal in
                costs.withUnsafeBufferPointer { costs in
                    rows.withUnsafeMutableBufferPointer { rows in
                        around.withUnsafeMutableBufferPointer { band in
                            var current = rows.baseAddress!, next = current + (w + 2) * 3
                            // The nearest colour of the pixel before, kept: flat areas repeat
                            // one value, whose nearest colour need not be searched again.
                            var last: (r: Int32, g: Int32, b: Int32, nearest: Int) = (-1, -1, -1, 0)
                            for y in yRange {
                                let leftToRight = y % 2 == 0
                                var before = -1
                                if wholeBand && (y % 6 == 0 || y == yRange.lowerBound) {
                                    for column in 0..<(w + 2) {
                                        band[column &* Self.contextSlot] = 0
                                        band[column &* Self.contextSlot &+ Self.contextSlot &- 1] = .max
                                    }
                                }
                                next.update(repeating: 0, count: (w + 2) * 3)
                                for step in 0..<w {
                                    let x = leftToRight ? step : w - 1 - step
                                    let i = y * w + x
                                    let e = (x + 1) * 3
                                    // A transparent pixel is not drawn: its colour takes no
                                    // error, passes none on, and is no one's context.
                                    if px[i &* 4 &+ 3] < 128 {
                                        indices[i] = 0
                                        before = -1
                                        continue
                                    }
                                    // Rounded, so that errors of a level or two are passed on rather than dropped.
                                    let r = min(255, max(0, Int32(px[i &* 4]) &+ ((current[e] &* gain &+ 2048) >> 12)))
                                    let g = min(255, max(0, Int32(px[i &* 4 &+ 1]) &+ ((current[e &+ 1] &* gain &+ 2048) >> 12)))
                                    let b = min(255, max(0, Int32(px[i &* 4 &+ 2]) &+ ((current[e &+ 2] &* gain &+ 2048) >> 12)))
                                    if r != last.r || g != last.g || b != last.b { last = (r, g, b, nearest.index(r, g, b)) }
                                    var k = last.nearest
                                    if weighed {
                                        // The nearest (by distance and palette cost), then each
                                        // colour of the context at its cost there.
                                        @inline(__always) func distance(_ c: Int) -> Float {
                                            let dr = r &- pal[c &* 3], dg = g &- pal[c &* 3 &+ 1], db = b &- pal[c &* 3 &+ 2]
                                            return Float(dr &* dr &+ dg &* dg &+ db &* db)
                                        }
                                        let nearestDistance = distance(k), closest = k
                                        var least = nearestDistance + costs[k]
                                        @inline(__always) func weigh(_ c: Int, named: Float) {
                                            let v = (c == closest ? nearestDistance : distance(c)) + min(costs[c], named)
                                            if v < least { (k, least) = (c, v) }
                                        }
                                        if wholeBand {
                                            let slot = (x &+ 1) &* Self.contextSlot
                                            var entry = slot &+ 1
                                            let end = entry &+ Int(band[slot])
                                            while entry < end {
                                                let noted = band[entry]
                                                weigh(Int(noted & 0xFF), named: noted & Self.inColumn != 0 ? stack : run)
                                                entry &+= 1
                                            }
                                            // The colour chosen, noted in its column and the two beside
                                            // it; beside a column is the cheaper place to have it.
                                            @inline(__always) func note(column: Int, inColumn: Bool) {
                                                let slot = column &* Self.contextSlot
                                                // The colour noted last in this column: most notes repeat it.
                                                let plain = UInt16(truncatingIfNeeded: k), value = inColumn ? plain | Self.inColumn : plain
                                                let recent = band[slot &+ Self.contextSlot &- 1]
                                                if recent == plain || recent == value { return }
                                                var entry = slot &+ 1
                                                let end = entry &+ Int(band[slot])
                                                while entry < end && band[entry] & 0xFF != plain { entry &+= 1 }
                                                if entry == end {
                                                    band[end] = value
                                                    band[slot] &+= 1
                                                    band[slot &+ Self.contextSlot &- 1] = value
                                                } else {
                                                    if !inColumn { band[entry] = plain }
                                                    band[slot &+ Self.contextSlot &- 1] = band[entry]
                                                }
                                            }
                                            note(column: x, inColumn: false)
                                            note(column: x &+ 1, inColumn: true)
                                            note(column: x &+ 2, inColumn: false)
                                        } else {
                                            if before >= 0 { weigh(before, named: run) }
                                            if y % 6 != 0 && y != yRange.lowerBound && px[(i &- w) &* 4 &+ 3] >= 128 {
                                                weigh(Int(indices[i &- w]), named: stack)
                                            }
                                            before = k
                                        }
                                    }
                                    indices[i] = UInt8(truncatingIfNeeded: k)
                                    // Without diffusion (a rate alone) there is no error to pass on.
                                    if gain == 0 { continue }
                                    let ahead = leftToRight ? 3 : -3
                                    func pass(_ error: Int32, channel c: Int) {
                                        current[e &+ ahead &+ c] &+= error &* 7
                                        next[e &- ahead &+ c] &+= error &* 3
                                        next[e &+ c] &+= error &* 5
                                        next[e &+ ahead &+ c] &+= error
                                    }
                                    pass(r &- pal[k &* 3], channel: 0)
                                    pass(g &- pal[k &* 3 &+ 1], channel: 1)
                                    pass(b &- pal[k &* 3 &+ 2], channel: 2)
                                }
                                swap(&current, &next)
                            }
                        }
                    }
                }
            }
        }
    }
}
