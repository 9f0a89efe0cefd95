import Raster

/// Why bytes could not be turned into pixels. Each case carries what the user needs to act on.
public enum ImageDecodingError: Error, Equatable, Sendable, CustomStringConvertible {
    case empty
    /// Not a format Retouch recognises; `leadingBytes` is a short hex dump for the message.
    case notAnImage(leadingBytes: String)
    /// A recognised image format the API does not take (GIF, HEIC …).
    case unsupportedFormat(name: String)
    /// The header declares more pixels than the limit; refused before any allocation.
    case tooManyPixels(ImageFormat, width: Int, height: Int, limit: Int)
    case invalidDimensions(ImageFormat, width: Int, height: Int)
    case truncated(ImageFormat, detail: String)
    case corrupt(ImageFormat, detail: String)
    case unsupportedFeature(ImageFormat, detail: String)

    public var description: String {
        switch self {
        case .empty:
            return "the file is empty"
        case .notAnImage(let bytes):
            return "not a PNG, JPEG or WebP image (it starts with \(bytes))"
        case .unsupportedFormat(let name):
            return "\(name) images are not supported: convert it to PNG, JPEG or WebP"
        case .tooManyPixels(let format, let width, let height, let limit):
            return "\(format.displayName) declares \(width)x\(height) pixels (\(Self.megapixels(Double(width) * Double(height)))),"
                + " more than the limit of \(Self.megapixels(Double(limit)))"
        case .invalidDimensions(let format, let width, let height):
            return "\(format.displayName) declares impossible dimensions \(width)x\(height)"
        case .truncated(let format, let detail):
            return "the \(format.displayName) data ends early, the file is truncated (\(detail))"
        case .corrupt(let format, let detail):
            return "corrupt \(format.displayName) data (\(detail))"
        case .unsupportedFeature(let format, let detail):
            return "unsupported \(format.displayName): \(detail)"
        }
    }

    /// In floating point: a PNG header may declare 2³² - 1 pixels a side, whose product no
    /// integer holds.
    static func megapixels(_ pixels: Double) -> String {
        let mp = pixels / 1_000_000
        return mp >= 10 ? "\(Int(mp.rounded())) megapixels" : "\((mp * 10).rounded() / 10) megapixels"
    }
}

/// The text in a fixed-size C `char[]` message field (imported as a tuple), up to its NUL.
func cString<Tuple>(_ field: inout Tuple) -> String {
    withUnsafeBytes(of: &field) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
}
