/// An independent PNG writer for tests: every colour type and bit depth, PLTE, tRNS and Adam7,
/// with zlib "stored" blocks so it needs no compressor, rows unfiltered or (8- and 16-bit) in
/// every filter in turn. It shares no code with the decoder
/// under test, and `chunk` lets tests build hostile files with valid or broken CRCs.
enum PNGWriter {
    enum ColorType: UInt8 { case grey = 0, rgb = 2, palette = 3, greyAlpha = 4, rgba = 6 }

    static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    static func channels(_ type: ColorType) -> Int {
        switch type {
        case .grey, .palette: 1
        case .greyAlpha: 2
        case .rgb: 3
        case .rgba: 4
        }
    }

    /// `samples` holds width·height·channels values, each below 2^bitDepth. `filteredFrom`:
    /// the rows take the five filter types in turn, the first row this one (8- and 16-bit only).
    static func encode(width: Int, height: Int, bitDepth: Int, colorType: ColorType, samples: [UInt16],
                       palette: [(UInt8, UInt8, UInt8)] = [], transparency: [UInt8]? = nil,
                       interlaced: Bool = false, filteredFrom firstFilter: Int? = nil) -> [UInt8] {
        precondition(samples.count == width * height * channels(colorType) && (firstFilter == nil || (bitDepth >= 8 && !interlaced)))
        var out = signature
        out += chunk("IHDR", ihdr(width: width, height: height, bitDepth: bitDepth, colorType: colorType.rawValue,
                                  interlaced: interlaced))
        if colorType == .palette { out += chunk("PLTE", palette.flatMap { [$0.0, $0.1, $0.2] }) }
        if let transparency { out += chunk("tRNS", transparency) }
        let raw = interlaced
            ? adam7Passes(width: width, height: height).flatMap { pass in
                scanlines(width: pass.width, height: pass.height, bitDepth: bitDepth, channels: channels(colorType)) { x, y, c in
                    samples[((pass.y0 + y * pass.dy) * width + pass.x0 + x * pass.dx) * channels(colorType) + c]
                }
            }
            : scanlines(width: width, height: height, bitDepth: bitDepth, channels: channels(colorType)) { x, y, c in
                samples[(y * width + x) * channels(colorType) + c]
            }
        let bytesPerPixel = channels(colorType) * max(1, bitDepth / 8)
        let rows = firstFilter.map { everyFilter(raw, stride: width * bytesPerPixel, bytesPerPixel: bytesPerPixel, from: $0) } ?? raw
        out += chunk("IDAT", zlibStored(rows))
        out += chunk("IEND", [])
        return out
    }

    static func ihdr(width: Int, height: Int, bitDepth: Int, colorType: UInt8, interlaced: Bool) -> [UInt8] {
        be32(width) + be32(height) + [UInt8(bitDepth), colorType, 0, 0, interlaced ? 1 : 0]
    }

    static func chunk(_ type: String, _ data: [UInt8], corruptCRC: Bool = false) -> [UInt8] {
        let typeBytes = Array(type.utf8)
        let crc = crc32(typeBytes + data) ^ (corruptCRC ? 0xDEAD_BEEF : 0)
        return be32(data.count) + typeBytes + data + be32(Int(crc))
    }

    static func be32(_ v: Int) -> [UInt8] {
        [UInt8(truncatingIfNeeded: v >> 24), UInt8(truncatingIfNeeded: v >> 16), UInt8(truncatingIfNeeded: v >> 8), UInt8(truncatingIfNeeded: v)]
    }

    struct Pass { var x0: Int, y0: Int, dx: Int, dy: Int, width: Int, height: Int }

    static func adam7Passes(width: Int, height: Int) -> [Pass] {
        let starts = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]
        return starts.compactMap { x0, y0, dx, dy in
            let w = width > x0 ? (width - x0 + dx - 1) / dx : 0
            let h = height > y0 ? (height - y0 + dy - 1) / dy : 0
            return w > 0 && h > 0 ? Pass(x0: x0, y0: y0, dx: dx, dy: dy, width: w, height: h) : nil
        }
    }

    /// Filter type 0 rows, samples packed most significant bit first.
    static func scanlines(width: Int, height: Int, bitDepth: Int, channels: Int,
                          sample: (Int, Int, Int) -> UInt16) -> [UInt8] {
        var out: [UInt8] = []
        for y in 0..<height {
            out.append(0)
            var bits = 0, accumulator = 0
            for x in 0..<width {
                for c in 0..<channels {
                    let v = Int(sample(x, y, c))
                    switch bitDepth {
                    case 16: out += [UInt8(v >> 8), UInt8(v & 0xFF)]
                    case 8: out.append(UInt8(v))
                    default:
                        accumulator = accumulator << bitDepth | v
                        bits += bitDepth
                        if bits == 8 { out.append(UInt8(accumulator)); bits = 0; accumulator = 0 }
                    }
                }
            }
            if bits > 0 { out.append(UInt8(accumulator << (8 - bits))) }
        }
        return out
    }

    /// Filter-0 `rows` of whole bytes a pixel (each row behind its filter byte) re-filtered with every filter type in
    /// turn, row by row (none, sub, up, average, Paeth), the first row with filter `first`.
    static func everyFilter(_ rows: [UInt8], stride: Int, bytesPerPixel bpp: Int, from first: Int) -> [UInt8] {
        let height = rows.count / (stride + 1)
        func original(_ x: Int, _ y: Int) -> Int { x < 0 || y < 0 ? 0 : Int(rows[y * (stride + 1) + 1 + x]) }
        var out: [UInt8] = []
        for y in 0..<height {
            let filter = (y + first) % 5
            out.append(UInt8(filter))
            for x in 0..<stride {
                let (a, b, c) = (original(x - bpp, y), original(x, y - 1), original(x - bpp, y - 1))
                let predicted: Int
                switch filter {
                case 1: predicted = a
                case 2: predicted = b
                case 3: predicted = (a + b) / 2
                case 4:
                    let p = a + b - c, pa = abs(p - a), pb = abs(p - b), pc = abs(p - c)
                    predicted = pa <= pb && pa <= pc ? a : pb <= pc ? b : c
                default: predicted = 0
                }
                out.append(UInt8(truncatingIfNeeded: original(x, y) - predicted))
            }
        }
        return out
    }

    static func zlibStored(_ data: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [0x78, 0x01]
        var offset = 0
        repeat {
            let length = min(65_535, data.count - offset)
            let final: UInt8 = offset + length == data.count ? 1 : 0
            out += [final, UInt8(length & 0xFF), UInt8(length >> 8), UInt8(~length & 0xFF), UInt8((~length >> 8) & 0xFF)]
            out += data[offset..<offset + length]
            offset += length
        } while offset < data.count
        var a: UInt32 = 1, b: UInt32 = 0
        for byte in data { a = (a + UInt32(byte)) % 65_521; b = (b + a) % 65_521 }
        return out + be32(Int(b << 16 | a))
    }

    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 != 0 ? 0xEDB8_8320 ^ (crc >> 1) : crc >> 1 }
        }
        return ~crc
    }
}
