import Raster

/// Decodes PNG, JPEG and WebP bytes into upright RGBA pixels.
public struct ImageDecoder: Sendable {
    /// Images whose header declares more pixels than this are refused before allocating.
    public var pixelLimit: Int

    public static let defaultPixelLimit = 64_000_000

    public init(pixelLimit: Int = ImageDecoder.defaultPixelLimit) {
        self.pixelLimit = pixelLimit
    }

    /// Decodes `bytes`. With `atLeast`, a format that can reduce while decoding may return a
    /// smaller picture, never smaller than that in either orientation: a JPEG in its DCT (by
    /// 1/2, 1/4 or 1/8), a non-interlaced PNG to exactly that size as its rows are read. The
    /// description still gives the file's own size.
    public func decode(_ bytes: [UInt8], atLeast minimum: (width: Int, height: Int)? = nil) throws(ImageDecodingError) -> DecodedImage {
        guard !bytes.isEmpty else { throw .empty }
        switch FormatSniffer.sniff(bytes) {
        case .supported(.png): return try PNGCodec.decode(bytes, pixelLimit: pixelLimit, atLeast: minimum)
        case .supported(.jpeg): return try JPEGCodec.decode(bytes, pixelLimit: pixelLimit, atLeast: minimum)
        case .supported(.webp): return try WebPCodec.decode(bytes, pixelLimit: pixelLimit)
        case .unsupported(let name): throw .unsupportedFormat(name: name)
        case .unknown:
            let hex = bytes.prefix(8).map { byte in
                let digits = String(byte, radix: 16)
                return digits.count == 1 ? "0" + digits : digits
            }
            throw .notAnImage(leadingBytes: hex.joined(separator: " "))
        }
    }

    /// Checks declared dimensions before any pixel buffer exists.
    static func checkDimensions(_ format: ImageFormat, width: Int, height: Int, limit: Int) throws(ImageDecodingError) {
        guard width > 0, height > 0 else { throw .invalidDimensions(format, width: width, height: height) }
        let (pixels, overflow) = width.multipliedReportingOverflow(by: height)
        guard !overflow, pixels <= limit else {
            throw .tooManyPixels(format, width: width, height: height, limit: limit)
        }
    }
}

/// Encodes RGBA pixels in the formats the API returns.
public enum ImageEncoder {
    public enum Alpha: Sendable { case always, whenNeeded }

    /// PNG. Masks need `.always`: the API reads their alpha channel even when nothing is masked.
    /// `fast` compresses less, for images that are shown once and replaced (partial images).
    public static func png(_ image: RGBAImage, alpha: Alpha = .whenNeeded, fast: Bool = false) throws(ImageEncodingError) -> [UInt8] {
        try PNGCodec.encode(image, withAlpha: alpha == .always || image.hasTransparency, fast: fast)
    }

    /// JPEG at `quality` 1–100; alpha is dropped.
    public static func jpeg(_ image: RGBAImage, quality: Int = 90, progressive: Bool = false) throws(ImageEncodingError) -> [UInt8] {
        try JPEGCodec.encode(image, quality: quality, progressive: progressive)
    }

    /// WebP: lossy at `quality` 0–100, or lossless.
    public static func webp(_ image: RGBAImage, quality: Int = 90, lossless: Bool = false) throws(ImageEncodingError) -> [UInt8] {
        try WebPCodec.encode(image, quality: quality, lossless: lossless)
    }

    /// The encoder for `format`; `quality` applies to JPEG and WebP.
    public static func encode(_ image: RGBAImage, as format: ImageFormat, quality: Int = 90) throws(ImageEncodingError) -> [UInt8] {
        switch format {
        case .png: try png(image)
        case .jpeg: try jpeg(image, quality: quality)
        case .webp: try webp(image, quality: quality)
        }
    }
}

public struct ImageEncodingError: Error, Equatable, Sendable, CustomStringConvertible {
    public var format: ImageFormat
    public var reason: String
    public var description: String { "could not encode \(format.displayName): \(reason)" }
}
