import Raster

/// What a file turned out to be, besides its pixels.
public struct ImageDescription: Equatable, Sendable {
    public var format: ImageFormat
    /// Displayed size: after the EXIF orientation is applied.
    public var width: Int
    public var height: Int
    /// How the file stores colour, e.g. "RGBA 8-bit", "palette 4-bit", "YCbCr", "lossless".
    public var colorType: String
    public var channels: ChannelLayout
    /// True when the file carries transparency (an alpha channel or a tRNS chunk).
    public var hasAlpha: Bool
    /// Storage details worth showing: "interlaced", "progressive", "EXIF orientation 6".
    public var notes: [String]
    /// How the stored pixels were turned to come out upright (a JPEG's EXIF orientation).
    public var orientation: Orientation

    public init(format: ImageFormat, width: Int, height: Int, colorType: String, channels: ChannelLayout, hasAlpha: Bool,
                notes: [String] = [], orientation: Orientation = .up) {
        self.format = format
        self.width = width
        self.height = height
        self.colorType = colorType
        self.channels = channels
        self.hasAlpha = hasAlpha
        self.notes = notes
        self.orientation = orientation
    }
}

public struct DecodedImage: Sendable {
    public var image: RGBAImage
    public var description: ImageDescription
}
