/// The encoded formats Retouch reads and writes: the ones the image-edit API accepts and returns.
public enum ImageFormat: String, Sendable, CaseIterable, Codable {
    case png, jpeg, webp

    public var mimeType: String {
        switch self {
        case .png: "image/png"
        case .jpeg: "image/jpeg"
        case .webp: "image/webp"
        }
    }

    public var fileExtension: String {
        switch self {
        case .png: "png"
        case .jpeg: "jpg"
        case .webp: "webp"
        }
    }

    /// The format a file name's extension says (any case): `png`, `jpg` or `jpeg`, `webp`.
    public init?(fileExtension: String) {
        switch fileExtension.lowercased() {
        case "png": self = .png
        case "jpg", "jpeg": self = .jpeg
        case "webp": self = .webp
        default: return nil
        }
    }

    public var displayName: String {
        switch self {
        case .png: "PNG"
        case .jpeg: "JPEG"
        case .webp: "WebP"
        }
    }
}

/// What the leading bytes of a file say it is. Decided by content only, never by file name.
public enum SniffedFormat: Equatable, Sendable {
    case supported(ImageFormat)
    /// A recognised image format the API does not take (GIF, BMP, TIFF, HEIC, AVIF …).
    case unsupported(name: String)
    case unknown
}

public enum FormatSniffer {
    /// Not generic: called from other modules, a generic version runs unspecialised, and its
    /// first call builds type metadata at run time, a measurable part of a short command.
    public static func sniff(_ bytes: [UInt8]) -> SniffedFormat {
        func starts(_ magic: [UInt8], at offset: Int = 0) -> Bool {
            bytes.count >= offset + magic.count && bytes[offset..<offset + magic.count].elementsEqual(magic)
        }
        let ascii = { (s: String) in Array(s.utf8) }
        if starts([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return .supported(.png) }
        if starts([0xFF, 0xD8, 0xFF]) { return .supported(.jpeg) }
        if starts(ascii("RIFF")) && starts(ascii("WEBP"), at: 8) { return .supported(.webp) }
        if starts(ascii("GIF87a")) || starts(ascii("GIF89a")) { return .unsupported(name: "GIF") }
        if starts(ascii("BM")) && bytes.count >= 14 { return .unsupported(name: "BMP") }
        if starts([0x49, 0x49, 0x2A, 0x00]) || starts([0x4D, 0x4D, 0x00, 0x2A]) { return .unsupported(name: "TIFF") }
        if starts(ascii("ftyp"), at: 4) {
            let brand = bytes.count >= 12 ? String(decoding: bytes[8..<12], as: UTF8.self) : ""
            if brand.hasPrefix("avi") { return .unsupported(name: "AVIF") }
            if ["heic", "heix", "mif1", "msf1", "hevc"].contains(brand) { return .unsupported(name: "HEIC") }
        }
        if starts([0xFF, 0x0A]) || starts([0x00, 0x00, 0x00, 0x0C, 0x4A, 0x58, 0x4C, 0x20]) {
            return .unsupported(name: "JPEG XL")
        }
        return .unknown
    }
}
