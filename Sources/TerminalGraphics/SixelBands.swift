import Raster

/// One band (six pixel rows) of a sixel picture, written in as few passes as its colours allow.
/// Each colour's columns are cut into segments where the colour is absent for long, and each
/// pass (ended by `$`) carries, left to right, the segments of as many colours as fit. A colour
/// scattered over the whole width (noise, fine texture) then costs its own pixels rather than
/// the blanks between them, which a pass per colour would write.
///
/// Later sixels paint over earlier ones, so a segment may also set pixels whose own colour is
/// still to come: those bits are free, and a segment's run of one character goes on for as
/// long as some character covers its own pixels there and spares the pixels already final.
/// On photographs that is 10 to 25 % fewer bytes than writing each colour's exact pattern.
///
/// Each band is also written the plain way, a pass per colour, in two orders: the most common
/// first (whose runs may then go over everything that follows), and the darkest first (each
/// colour's runs may then go over every lighter pixel: in a gradient or a texture the pixels at
/// least so light form blobs, where those of one colour form thin rings). The shortest of the
/// three is kept: with few colours, or smooth ones, the plain way's long runs win (a grey
/// picture's band by about a tenth); in fine texture, packing does. The darkest-first order
/// saves 1 to 7 % of the bytes on grey textures and wallpapers' soft gradients, and costs a
/// grey picture's encoding about a third more time.
struct BandPacker {
    /// Up to 8 blanks inside a segment are written (a byte each up to 3, then a `!n?` run of
    /// 3 bytes), fewer than the two selections (`#n`, out and back) that another colour's
    /// segment in the gap would take; a wider gap ends the segment and leaves its columns to
    /// other colours in the same pass. With `selectedColourReach`, over 162 pictures 1.8 %
    /// fewer bytes than a gap of 3 (0.9 % in the geometric mean; a few drawings up to 4 %
    /// more), and no more from 10 on.
    static let widestGap = 8
    /// A band of more colours is only packed: a pass per colour costs a pass over the band's
    /// width per colour to write, and on photographs wins at most a few percent there.
    static let mostColorsWrittenPlain = 32

    struct Segment {
        var start: Int32
        var end: Int32
        var color: Int32
    }

    private var segments: [Segment] = []
    /// Segments by the column they start at: the first's index per column (-1: none), and
    /// each segment's next in its column.
    private var firstAt: [Int32] = []
    private var nextAt: [Int32] = []
    /// Columns where some segment still starts, 64 to a word, so a pass finds the next one
    /// with a count of trailing zeros.
    private var occupied: [UInt64] = []
    /// The colour register selected last: the selection holds across passes and bands.
    private var selected = -1
    /// How often each colour has been selected so far.
    private(set) var selections: [Int]
    /// Per column, the rows a segment may no longer paint: pixels whose own colour is written,
    /// and transparent ones.
    private var final: [UInt8] = []
    /// Room for two ways of writing a band (the shortest so far, and the one tried next), and
    /// for the colours each selected; `write` trades them as a way wins.
    private let firstWay = SixelWriter(capacity: 4096), secondWay = SixelWriter(capacity: 4096)
    private var firstSelections: [Int] = [], secondSelections: [Int] = []

    /// Each colour's lightness, for the darkest-first order.
    private let lightness: [Int]

    init(colors: [RGBA]) {
        selections = [Int](repeating: 0, count: colors.count)
        lightness = colors.map(\.luma)
    }

    /// Writes the band whose colours `present` have column patterns `bits` (colour `k` at
    /// `k * width`), each within `first[k]...last[k]` and on `pixels[k]` pixels, and whose
    /// transparent pixels are `transparent` (nil: none): packed or plain, whichever is shortest.
    mutating func write(_ present: [Int], bits: UnsafeMutableBufferPointer<UInt8>, width: Int, transparent: [UInt8]?,
                        first: UnsafeMutableBufferPointer<Int>, last: UnsafeMutableBufferPointer<Int>,
                        pixels: UnsafeMutableBufferPointer<Int>, into out: SixelWriter) {
        let before = selected
        // The logs are taken out while the writers fill them (a method of self cannot also
        // hold one of self's properties), and put back for the next band.
        var bestLog: [Int] = [], trialLog: [Int] = []
        swap(&bestLog, &firstSelections)
        swap(&trialLog, &secondSelections)
        defer {
            swap(&bestLog, &firstSelections)
            swap(&trialLog, &secondSelections)
        }
        bestLog.removeAll(keepingCapacity: true)
        var best = firstWay, trial = secondWay
        best.clear()
        writePacked(present, bits: bits, width: width, transparent: transparent, first: first, last: last,
                    into: best, selecting: &bestLog)
        var selectedAfterBest = selected
        if present.count <= Self.mostColorsWrittenPlain {
            let lightness = self.lightness
            for order in [present.sorted { pixels[$0] > pixels[$1] }, present.sorted { lightness[$0] < lightness[$1] }] {
                selected = before
                trial.clear()
                trialLog.removeAll(keepingCapacity: true)
                writePlain(order, bits: bits, width: width, transparent: transparent, first: first, last: last,
                           into: trial, selecting: &trialLog)
                // A tie goes to the way tried later: plain passes are the simpler.
                if trial.count <= best.count {
                    swap(&best, &trial)
                    swap(&bestLog, &trialLog)
                    selectedAfterBest = selected
                }
            }
        }
        selected = selectedAfterBest
        keep(best, selecting: bestLog, into: out)
    }

    /// Appends one way's bytes and counts its selections.
    private mutating func keep(_ way: SixelWriter, selecting log: [Int], into out: SixelWriter) {
        out.append(way)
        for k in log { selections[k] += 1 }
    }

    /// Makes `final` the band's transparent pixels.
    private mutating func startBand(width: Int, transparent: [UInt8]?) {
        if let transparent {
            final = transparent
        } else if final.count != width {
            final = [UInt8](repeating: 0, count: width)
        } else {
            final.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
        }
    }

    /// Selects colour `k` unless it is selected.
    private mutating func select(_ k: Int, into out: SixelWriter, selecting log: inout [Int]) {
        guard k != selected else { return }
        out.byte(35)  // #
        out.number(k)
        selected = k
        log.append(k)
    }

    /// A pass per colour, in the order given.
    mutating func writePlain(_ colors: [Int], bits: UnsafeMutableBufferPointer<UInt8>, width: Int, transparent: [UInt8]?,
                             first: UnsafeMutableBufferPointer<Int>, last: UnsafeMutableBufferPointer<Int>,
                             into out: SixelWriter, selecting log: inout [Int]) {
        startBand(width: width, transparent: transparent)
        for (n, k) in colors.enumerated() {
            if n > 0 { out.byte(36) }  // $: back to the band's start
            select(k, into: out, selecting: &log)
            out.run(63, count: first[k])
            writeColumns(bits, base: k * width, from: first[k], through: last[k], into: out)
        }
    }

    /// Packed: each pass takes, from its current column on, the segment that starts first, or
    /// one of the selected colour's that starts soon after (`selectedColourReach`).
    mutating func writePacked(_ present: [Int], bits: UnsafeMutableBufferPointer<UInt8>, width: Int, transparent: [UInt8]?,
                              first: UnsafeMutableBufferPointer<Int>, last: UnsafeMutableBufferPointer<Int>,
                              into out: SixelWriter, selecting log: inout [Int]) {
        if firstAt.count != width {
            firstAt = [Int32](repeating: -1, count: width)
            occupied = [UInt64](repeating: 0, count: (width + 63) / 64)
        }
        startBand(width: width, transparent: transparent)
        segments.removeAll(keepingCapacity: true)
        nextAt.removeAll(keepingCapacity: true)
        for k in present { cut(k, bits: bits, base: k * width, from: first[k], through: last[k]) }
        var remaining = segments.count
        while remaining > 0 {
            var x = 0
            while let earliest = firstOccupied(from: x, width: width) {
                let (start, index) = nextSegment(from: earliest, width: width)
                let segment = segments[index], color = Int(segment.color)
                select(color, into: out, selecting: &log)
                out.run(63, count: start - x)
                x = Int(segment.end) + 1
                writeColumns(bits, base: color * width, from: start, through: x - 1, into: out)
                remaining -= 1
            }
            if remaining > 0 { out.byte(36) }  // $: back to the band's start
        }
    }

    /// How many columns after the first segment's start a segment of the colour selected may
    /// start and still be taken first: a selection (`#n`, two to four bytes) saved for a few
    /// blanks (the segments passed over wait for a later pass). As far as `widestGap`: blanks
    /// a segment would bridge are worth crossing to stay on its colour (see `widestGap` for
    /// what the two save together).
    static let selectedColourReach = widestGap

    /// The segment a pass takes next, at `earliest` or later (see `selectedColourReach`),
    /// taken out of the segments waiting: its start and index.
    private mutating func nextSegment(from earliest: Int, width: Int) -> (start: Int, index: Int) {
        var start = earliest, index = Int(firstAt[earliest]), previous = -1
        var column: Int? = earliest
        search: while let c = column, c <= earliest + Self.selectedColourReach {
            var i = Int(firstAt[c]), before = -1
            while i >= 0 {
                if Int(segments[i].color) == selected {
                    (start, index, previous) = (c, i, before)
                    break search
                }
                before = i
                i = Int(nextAt[i])
            }
            column = firstOccupied(from: c + 1, width: width)
        }
        if previous < 0 { firstAt[start] = nextAt[index] } else { nextAt[previous] = nextAt[index] }
        if firstAt[start] < 0 { occupied[start >> 6] &= ~(1 << UInt64(start & 63)) }
        return (start, index)
    }

    /// The first column from `x` on where a segment starts.
    private func firstOccupied(from x: Int, width: Int) -> Int? {
        guard x < width else { return nil }
        var word = x >> 6
        var bits = occupied[word] & (~0 << UInt64(x & 63))
        while bits == 0 {
            word += 1
            guard word < occupied.count else { return nil }
            bits = occupied[word]
        }
        return word << 6 | bits.trailingZeroBitCount
    }

    /// Colour `k`'s segments within `start...end`, where its patterns at both ends are set.
    private mutating func cut(_ k: Int, bits: UnsafeMutableBufferPointer<UInt8>, base: Int, from start: Int, through end: Int) {
        var x = start
        while x <= end {
            var segmentEnd = x
            var probe = x + 1
            while probe <= end {
                if bits[base + probe] != 0 {
                    segmentEnd = probe
                    probe += 1
                    continue
                }
                let next = Self.firstSet(bits, from: base + probe + 1, through: base + end) - base
                if next > end || next - probe > Self.widestGap { break }
                segmentEnd = next
                probe = next + 1
            }
            // Filed under its first column.
            segments.append(Segment(start: Int32(x), end: Int32(segmentEnd), color: Int32(k)))
            nextAt.append(firstAt[x])
            firstAt[x] = Int32(segments.count - 1)
            occupied[x >> 6] |= 1 << UInt64(x & 63)
            x = Self.firstSet(bits, from: base + segmentEnd + 1, through: base + end) - base
        }
    }

    /// The first non-zero pattern in `from...through`, or `through + 1`; blanks are skipped
    /// eight at a time (a sparse colour's span is mostly blank).
    private static func firstSet(_ bits: UnsafeMutableBufferPointer<UInt8>, from: Int, through: Int) -> Int {
        var i = from
        let raw = UnsafeRawPointer(bits.baseAddress!)
        while i + 8 <= through + 1 {
            let word = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            if word != 0 { return i + word.littleEndian.trailingZeroBitCount / 8 }
            i += 8
        }
        while i <= through && bits[i] == 0 { i += 1 }
        return i
    }

    /// A segment's columns `from...through` of the colour whose patterns start at `base`: each
    /// run of one character as long as one character covers the colour's pixels and no final
    /// pixel there (the bits of its own pixels, in any of those columns, do). Its pixels are then
    /// final.
    private mutating func writeColumns(_ bits: UnsafeMutableBufferPointer<UInt8>, base: Int, from: Int, through end: Int,
                                       into out: SixelWriter) {
        final.withUnsafeMutableBufferPointer { final in
            var x = from
            while x <= end {
                var needed = bits[base + x], spared = final[x]
                var runEnd = x
                while runEnd < end {
                    let moreNeeded = needed | bits[base + runEnd + 1], moreSpared = spared | final[runEnd + 1]
                    if moreNeeded & moreSpared != 0 { break }
                    needed = moreNeeded
                    spared = moreSpared
                    runEnd += 1
                }
                out.run(63 + needed, count: runEnd - x + 1)
                x = runEnd + 1
            }
            for column in from...end { final[column] |= bits[base + column] }
        }
    }
}
