import Raster

/// What an exported result is written as: a file is what its name says. A name ending in
/// `.png`, `.jpg`, `.jpeg` or `.webp` (any case) gets that format, converted from the result's
/// when they differ; any other name keeps the result's own format and gets its extension
/// added (`final` -> `final.png`), rather than PNG bytes under `.jpg` or a refusal that would
/// have the path typed again.
public struct ExportName: Equatable, Sendable {
    /// The file name to write.
    public var name: String
    /// The format to write it in.
    public var format: ImageFormat

    public init(typed name: String, resultFormat: ImageFormat) {
        let dot = name.lastIndex(of: ".")
        let named = dot.flatMap { Self.format(ofExtension: String(name[name.index(after: $0)...])) }
        if let named {
            self.name = name
            format = named
        } else {
            self.name = name + "." + resultFormat.fileExtension
            format = resultFormat
        }
    }

    static func format(ofExtension text: String) -> ImageFormat? {
        switch text.lowercased() {
        case "png": .png
        case "jpg", "jpeg": .jpeg
        case "webp": .webp
        default: nil
        }
    }
}
