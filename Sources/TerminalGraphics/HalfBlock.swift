import Raster

/// Text-cell pictures with the upper half block `▀`: the foreground paints a cell's upper
/// pixel, the background its lower one. Works in any colour terminal, also inside tmux and
/// screen, and over the slowest SSH link.
public enum HalfBlock {
    public enum Colors: Sendable, Equatable {
        /// 24-bit `38;2` / `48;2`.
        case trueColor
        /// The xterm 256-colour cube and grey ramp, ordered-dithered.
        case palette256
    }

    /// One pixel of a cell: a colour, or nothing (the terminal's background shows).
    public enum Pixel: Equatable, Sendable {
        case clear
        case rgb(UInt8, UInt8, UInt8)
        case indexed(UInt8)
    }

    public struct Cell: Equatable, Sendable {
        public var top: Pixel
        public var bottom: Pixel
    }

    /// The image fitted exactly into `columns` x `rows` cells (2 pixels a cell, vertically) by an
    /// exact area-average downscale. The caller keeps the aspect ratio.
    public static func cells(_ image: RGBAImage, columns: Int, rows: Int, colors: Colors) -> [[Cell]] {
        let small = image.resized(width: max(1, columns), height: max(1, rows * 2))
        func pixel(_ x: Int, _ y: Int) -> Pixel {
            let p = small[x, y]
            if p.a < 128 { return .clear }
            switch colors {
            case .trueColor: return .rgb(p.r, p.g, p.b)
            case .palette256: return .indexed(XTerm256.index(p, x: x, y: y))
            }
        }
        return (0..<rows).map { row in
            (0..<columns).map { x in Cell(top: pixel(x, row * 2), bottom: pixel(x, row * 2 + 1)) }
        }
    }

    /// The cells as terminal text: each row ends with a reset and a newline. A colour is
    /// re-sent only when it changes, and a colour within `tolerance` levels (per channel) of the
    /// one in effect is treated as unchanged; where it saves a change the lower half block `▄`
    /// is used with the roles swapped.
    /// For truecolor previews: colours within 6 levels (2 %) count as unchanged, which takes
    /// the text of a photo from about 400 KB to 140 KB at 200x60 cells.
    public static let previewTolerance = 6

    /// `origin` (0-based column and row): each row starts with a cursor move there instead of
    /// following a newline, for drawing into a full-screen program's screen. With `origin`,
    /// `previous` (the cells drawn there last, the same size) leaves out the cells that have
    /// not changed: each run of changed cells starts with a cursor move of its own.
    public static func text(_ cells: [[Cell]], tolerance: Int = 0, origin: (column: Int, row: Int)? = nil,
                            previous: [[Cell]]? = nil) -> [UInt8] {
        let previous = origin == nil ? nil : previous.flatMap { old in
            old.count == cells.count && zip(old, cells).allSatisfy { $0.count == $1.count } ? old : nil
        }
        var out: [UInt8] = []
        out.reserveCapacity(cells.count * (cells.first?.count ?? 0) * 12)
        for (index, row) in cells.enumerated() {
            for run in previous.map({ changedRuns(row, was: $0[index]) }) ?? [0..<row.count] {
                if let origin { out += Array("\u{1B}[\(origin.row + index + 1);\(origin.column + run.lowerBound + 1)H".utf8) }
                out += text(row[run], tolerance: tolerance)
                out += Array("\u{1B}[0m".utf8)
            }
            if origin == nil { out += Array("\n".utf8) }
        }
        return out
    }

    /// The stretches of `row` that differ from `old`; stretches a few cells apart are joined, as
    /// the cursor move between them would cost more than the cells.
    static func changedRuns(_ row: [Cell], was old: [Cell]) -> [Range<Int>] {
        var runs: [Range<Int>] = []
        for i in row.indices where row[i] != old[i] {
            if let last = runs.last, i - last.upperBound <= 3 {
                runs[runs.count - 1] = last.lowerBound..<(i + 1)
            } else {
                runs.append(i..<(i + 1))
            }
        }
        return runs
    }

    /// One stretch of cells, colours set as they change from none in effect.
    static func text(_ cells: ArraySlice<Cell>, tolerance: Int) -> [UInt8] {
        var out: [UInt8] = []
        var fg: Pixel?, bg: Pixel?
        for cell in cells {
            var glyph: [UInt8]
            var wantFg: Pixel?, wantBg: Pixel?
            switch (cell.top, cell.bottom) {
            case (.clear, .clear):
                glyph = [0x20]
                wantBg = .clear
            case (.clear, let lower):
                glyph = lowerHalf
                wantFg = lower
                wantBg = .clear
            case (let upper, .clear):
                glyph = upperHalf
                wantFg = upper
                wantBg = .clear
            case (let upper, let lower):
                // Swap roles when that matches what is already in effect.
                let straight = cost(upper, fg, tolerance) + cost(lower, bg, tolerance)
                let swapped = cost(lower, fg, tolerance) + cost(upper, bg, tolerance)
                if swapped < straight {
                    (glyph, wantFg, wantBg) = (lowerHalf, lower, upper)
                } else {
                    (glyph, wantFg, wantBg) = (upperHalf, upper, lower)
                }
            }
            var parameters: [UInt8] = []
            if let wantFg, cost(wantFg, fg, tolerance) > 0 {
                parameters += sgr(wantFg, foreground: true)
                fg = wantFg
            }
            if let wantBg, cost(wantBg, bg, tolerance) > 0 {
                if !parameters.isEmpty { parameters.append(0x3B) }
                parameters += sgr(wantBg, foreground: false)
                bg = wantBg
            }
            if !parameters.isEmpty {
                out += [0x1B, 0x5B] + parameters + [0x6D]
            }
            out += glyph
        }
        return out
    }

    static let upperHalf: [UInt8] = Array("▀".utf8)
    static let lowerHalf: [UInt8] = Array("▄".utf8)

    /// 0 when `want` can reuse `current`.
    static func cost(_ want: Pixel, _ current: Pixel?, _ tolerance: Int) -> Int {
        guard let current else { return 1 }
        switch (want, current) {
        case (.rgb(let r, let g, let b), .rgb(let cr, let cg, let cb)):
            return abs(Int(r) - Int(cr)) <= tolerance && abs(Int(g) - Int(cg)) <= tolerance && abs(Int(b) - Int(cb)) <= tolerance ? 0 : 1
        default:
            return want == current ? 0 : 1
        }
    }

    static func sgr(_ pixel: Pixel, foreground: Bool) -> [UInt8] {
        switch pixel {
        case .clear: return Array((foreground ? "39" : "49").utf8)
        case .rgb(let r, let g, let b): return Array("\(foreground ? 38 : 48);2;\(r);\(g);\(b)".utf8)
        case .indexed(let n): return Array("\(foreground ? 38 : 48);5;\(n)".utf8)
        }
    }
}

/// The xterm 256-colour palette: 16 system colours (not used: terminals redefine them), a
/// 6x6x6 cube and 24 greys.
public enum XTerm256 {
    static let cubeLevels: [Int] = [0, 95, 135, 175, 215, 255]
    static let ditherAmplitude = 11

    public static func color(_ index: UInt8) -> RGBA {
        let i = Int(index)
        if i >= 232 {
            let v = UInt8(8 + (i - 232) * 10)
            return RGBA(v, v, v)
        }
        if i >= 16 {
            let c = i - 16
            return RGBA(UInt8(cubeLevels[c / 36]), UInt8(cubeLevels[(c / 6) % 6]), UInt8(cubeLevels[c % 6]))
        }
        let system: [RGBA] = [RGBA(0, 0, 0), RGBA(205, 0, 0), RGBA(0, 205, 0), RGBA(205, 205, 0), RGBA(0, 0, 238),
                              RGBA(205, 0, 205), RGBA(0, 205, 205), RGBA(229, 229, 229), RGBA(127, 127, 127),
                              RGBA(255, 0, 0), RGBA(0, 255, 0), RGBA(255, 255, 0), RGBA(92, 92, 255),
                              RGBA(255, 0, 255), RGBA(0, 255, 255), RGBA(255, 255, 255)]
        return system[i]
    }

    /// The cube or grey entry for `pixel` after a position-stable ordered dither.
    public static func index(_ pixel: RGBA, x: Int, y: Int) -> UInt8 {
        // Cube steps are 40–95 levels; a pattern over ±11 breaks up banding (it gains about
        // 3 dB once neighbouring cells blend) while costing little plain error.
        let offset = (Int(IndexedImage.bayer8[(y & 7) * 8 + (x & 7)]) * 2 - 63) * ditherAmplitude / 64
        let r = min(255, max(0, Int(pixel.r) + offset))
        let g = min(255, max(0, Int(pixel.g) + offset))
        let b = min(255, max(0, Int(pixel.b) + offset))
        let cube = 16 + 36 * level(r) + 6 * level(g) + level(b)
        let grey = min(23, max(0, ((r + g + b) / 3 - 3) / 10))
        // The grey ramp is finer than the cube, but picking it for a tinted pixel (a dusk sky,
        // muted foliage) drains the picture's colour: greys only for near-neutral pixels.
        let chroma = max(r, g, b) - min(r, g, b)
        if chroma > 36 { return UInt8(cube) }
        let cubeColor = color(UInt8(cube)), greyColor = color(UInt8(232 + grey))
        return distance(cubeColor, r, g, b) <= distance(greyColor, r, g, b) ? UInt8(cube) : UInt8(232 + grey)
    }

    static func level(_ v: Int) -> Int {
        v < 48 ? 0 : v < 115 ? 1 : (v - 35) / 40
    }

    static func distance(_ c: RGBA, _ r: Int, _ g: Int, _ b: Int) -> Int {
        let dr = Int(c.r) - r, dg = Int(c.g) - g, db = Int(c.b) - b
        return dr * dr + dg * dg + db * db
    }
}
