/// One band (six pixel rows) of a sixel picture, written in as few passes as its colours allow.
/// Each colour's columns are cut into segments where the colour is absent for long, and each
/// pass (ended by `$`) carries, left to right, the segments of as many colours as fit. A colour
/// scattered over the whole width (noise, fine texture) then costs its own pixels rather than
/// the blanks between them, which a pass per colour would write.
struct BandPacker {
    /// Up to 3 blanks inside a segment cost a byte each; a wider gap would cost a `!n?` run,
    /// about what a `#n` switch costs, so it ends the segment and leaves its columns to other
    /// colours in the same pass (on noisy photographs 3 to 6 % fewer bytes than a gap of 10).
    static let widestGap = 3

    struct Segment {
        var start: Int32
        var end: Int32
        var color: Int32
    }

    private var segments: [Segment] = []
    private var deferred: [Segment] = []
    /// The colour register selected last: the selection holds across passes and bands.
    private var selected = -1

    /// Writes the band whose colours `present` have column patterns `bits` (colour `k` at
    /// `k * width`), each within `first[k]...last[k]`.
    mutating func write(_ present: [Int], bits: UnsafeMutableBufferPointer<UInt8>, width: Int,
                        first: UnsafeMutableBufferPointer<Int>, last: UnsafeMutableBufferPointer<Int>, into out: SixelWriter) {
        segments.removeAll(keepingCapacity: true)
        for k in present { cut(k, bits: bits, base: k * width, from: first[k], through: last[k]) }
        segments.sort { ($0.start, $0.color) < ($1.start, $1.color) }
        while !segments.isEmpty {
            deferred.removeAll(keepingCapacity: true)
            var x = 0
            for segment in segments {
                let start = Int(segment.start), color = Int(segment.color)
                guard start >= x else {
                    deferred.append(segment)
                    continue
                }
                if color != selected {
                    out.byte(35)  // #
                    out.number(color)
                    selected = color
                }
                out.run(63, count: start - x)
                x = Int(segment.end) + 1
                Self.writeColumns(bits, from: color * width + start, count: x - start, into: out)
            }
            swap(&segments, &deferred)
            if !segments.isEmpty { out.byte(36) }  // $: back to the band's start
        }
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
                var next = probe + 1
                while next <= end && bits[base + next] == 0 { next += 1 }
                if next > end || next - probe > Self.widestGap { break }
                segmentEnd = next
                probe = next + 1
            }
            segments.append(Segment(start: Int32(x), end: Int32(segmentEnd), color: Int32(k)))
            x = segmentEnd + 1
            while x <= end && bits[base + x] == 0 { x += 1 }
        }
    }

    /// `count` column patterns from `offset`, run-length coded.
    private static func writeColumns(_ bits: UnsafeMutableBufferPointer<UInt8>, from offset: Int, count: Int, into out: SixelWriter) {
        var i = offset
        let end = offset + count
        while i < end {
            let value = bits[i]
            var run = 1
            while i + run < end && bits[i + run] == value { run += 1 }
            out.run(63 + value, count: run)
            i += run
        }
    }
}
