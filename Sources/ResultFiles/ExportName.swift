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
        let named = dot.flatMap { ImageFormat(fileExtension: String(name[name.index(after: $0)...])) }
        if let named {
            self.name = name
            format = named
        } else {
            // "v2." ends in the dot it would have had: v2.png, not v2..png.
            self.name = (name.hasSuffix(".") ? String(name.dropLast()) : name) + "." + resultFormat.fileExtension
            format = resultFormat
        }
    }

    /// A typed export path as a folder and a file name: a path ending in `/`, or naming a
    /// folder (`isFolder`), keeps the result's own name inside it; a bare name goes in the
    /// current folder.
    public static func place(_ typed: String, resultName: String, isFolder: (String) -> Bool) -> (folder: String, name: String) {
        if typed.hasSuffix("/") || isFolder(typed) { return (typed, resultName) }
        guard let slash = typed.lastIndex(of: "/") else { return (".", typed) }
        let folder = typed[..<slash]
        return (folder.isEmpty ? "/" : String(folder), String(typed[typed.index(after: slash)...]))
    }
}
