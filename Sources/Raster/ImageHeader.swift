/// What an encoded file's header says — format, size, channels — read without decoding pixels.
/// Used to check files against the API's rules before they are sent, and by the decoders to
/// refuse oversized images before allocating.
public struct ImageHeader: Equatable, Sendable {
    public var format: ImageFormat
    public var width: Int
    public var height: Int
    public var channels: ChannelLayout
    public var hasAlpha: Bool { [.rgba, .greyAlpha, .paletteAlpha].contains(channels) }
    /// PNG only: bit depth, colour type and Adam7 interlacing from IHDR.
    public var pngBitDepth: Int?
    public var pngColorType: Int?
    public var pngInterlaced: Bool?

    public init(format: ImageFormat, width: Int, height: Int, channels: ChannelLayout,
                pngBitDepth: Int? = nil, pngColorType: Int? = nil, pngInterlaced: Bool? = nil) {
        self.format = format
        self.width = width
        self.height = height
        self.channels = channels
        self.pngBitDepth = pngBitDepth
        self.pngColorType = pngColorType
        self.pngInterlaced = pngInterlaced
    }

    public enum Problem: Error, Equatable, Sendable {
        case notAnImage
        case unsupportedFormat(name: String)
        /// The bytes end before the header does.
        case truncated(ImageFormat)
        case malformed(ImageFormat, String)
    }

    /// Reads the header from the start of a file. A PNG's tRNS chunk and a JPEG's frame header
    /// may sit after other metadata: pass enough of the file (a few hundred KB is plenty; a
    /// JPEG's EXIF block may be up to 64 KB).
    public static func read(_ bytes: [UInt8]) -> Result<ImageHeader, Problem> {
        switch FormatSniffer.sniff(bytes) {
        case .supported(.png): return png(bytes)
        case .supported(.jpeg): return jpeg(bytes)
        case .supported(.webp): return webp(bytes)
        case .unsupported(let name): return .failure(.unsupportedFormat(name: name))
        case .unknown: return .failure(.notAnImage)
        }
    }

    private static func be32(_ b: [UInt8], _ at: Int) -> Int {
        Int(b[at]) << 24 | Int(b[at + 1]) << 16 | Int(b[at + 2]) << 8 | Int(b[at + 3])
    }

    private static func png(_ b: [UInt8]) -> Result<ImageHeader, Problem> {
        guard b.count >= 29 else { return .failure(.truncated(.png)) }
        guard Array(b[12..<16]) == Array("IHDR".utf8) else { return .failure(.malformed(.png, "the first chunk is not IHDR")) }
        let colorType = Int(b[25])
        // tRNS, when present, comes before the first IDAT.
        var hasTransparencyChunk = false
        var offset = 8
        while offset + 8 <= b.count {
            let length = be32(b, offset)
            let type = String(decoding: b[offset + 4..<offset + 8], as: UTF8.self)
            if type == "tRNS" { hasTransparencyChunk = true }
            if type == "IDAT" || type == "IEND" { break }
            offset += 12 + length
        }
        let channels: ChannelLayout = switch colorType {
        case 0: hasTransparencyChunk ? .greyAlpha : .grey
        case 3: hasTransparencyChunk ? .paletteAlpha : .palette
        case 4: .greyAlpha
        case 6: .rgba
        default: hasTransparencyChunk ? .rgba : .rgb
        }
        return .success(ImageHeader(format: .png, width: be32(b, 16), height: be32(b, 20), channels: channels,
                                    pngBitDepth: Int(b[24]), pngColorType: colorType, pngInterlaced: b[28] == 1))
    }

    private static func jpeg(_ b: [UInt8]) -> Result<ImageHeader, Problem> {
        var offset = 2
        while offset + 4 <= b.count {
            guard b[offset] == 0xFF else { return .failure(.malformed(.jpeg, "no marker at byte \(offset)")) }
            let marker = b[offset + 1]
            if marker == 0xFF { offset += 1; continue }  // fill byte
            if marker == 0xD8 || (0xD0...0xD7).contains(marker) || marker == 0x01 { offset += 2; continue }
            let length = Int(b[offset + 2]) << 8 | Int(b[offset + 3])
            // Frame headers (SOF0–SOF15 except DHT, JPG and DAC) carry the size and components.
            if (0xC0...0xCF).contains(marker) && ![0xC4, 0xC8, 0xCC].contains(marker) {
                guard offset + 10 <= b.count else { return .failure(.truncated(.jpeg)) }
                let height = Int(b[offset + 5]) << 8 | Int(b[offset + 6])
                let width = Int(b[offset + 7]) << 8 | Int(b[offset + 8])
                let components = Int(b[offset + 9])
                let channels: ChannelLayout = components == 1 ? .grey : components == 4 ? .cmyk : .rgb
                return .success(ImageHeader(format: .jpeg, width: width, height: height, channels: channels))
            }
            if marker == 0xDA || marker == 0xD9 { return .failure(.malformed(.jpeg, "no frame header before the image data")) }
            offset += 2 + length
        }
        return .failure(.truncated(.jpeg))
    }

    private static func webp(_ b: [UInt8]) -> Result<ImageHeader, Problem> {
        guard b.count >= 30 else { return .failure(.truncated(.webp)) }
        let chunk = String(decoding: b[12..<16], as: UTF8.self)
        func le24(_ at: Int) -> Int { Int(b[at]) | Int(b[at + 1]) << 8 | Int(b[at + 2]) << 16 }
        switch chunk {
        case "VP8 ":
            // Frame tag (3 bytes), start code 9d 01 2a, then 14-bit width and height.
            guard b[23] == 0x9D, b[24] == 0x01, b[25] == 0x2A else { return .failure(.malformed(.webp, "bad VP8 start code")) }
            let width = (Int(b[26]) | Int(b[27]) << 8) & 0x3FFF
            let height = (Int(b[28]) | Int(b[29]) << 8) & 0x3FFF
            return .success(ImageHeader(format: .webp, width: width, height: height, channels: .rgb))
        case "VP8L":
            guard b[20] == 0x2F else { return .failure(.malformed(.webp, "bad VP8L signature")) }
            let bits = Int(b[21]) | Int(b[22]) << 8 | Int(b[23]) << 16 | Int(b[24]) << 24
            let width = (bits & 0x3FFF) + 1, height = ((bits >> 14) & 0x3FFF) + 1
            let alpha = (bits >> 28) & 1 == 1
            return .success(ImageHeader(format: .webp, width: width, height: height, channels: alpha ? .rgba : .rgb))
        case "VP8X":
            let alpha = b[20] & 0x10 != 0
            return .success(ImageHeader(format: .webp, width: le24(24) + 1, height: le24(27) + 1,
                                        channels: alpha ? .rgba : .rgb))
        default:
            return .failure(.malformed(.webp, "unknown first chunk \(chunk)"))
        }
    }
}
