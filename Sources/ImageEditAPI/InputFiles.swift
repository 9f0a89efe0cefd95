import FileAccess
import ImageEditModel
import Raster

/// A file that could not be opened or read before or while sending.
public struct InputFileError: Error, Equatable, Sendable, CustomStringConvertible {
    public var path: String
    public var reason: String
    public var description: String { "\(path): \(reason)" }

    init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }

    init(_ error: FileAccessError) {
        path = error.path
        switch error.kind {
        case .cannotRead(let why): reason = why
        case .tooLarge(let bytes, let limit): reason = "it is \(ByteCount.format(bytes)), more than \(ByteCount.format(limit))"
        case .streamTooLarge(let limit): reason = "it is more than \(ByteCount.format(limit))"
        }
    }
}

/// Reading input files: their size and the start of their bytes for the header, and later
/// their content in chunks while the body is sent.
public enum InputFiles {
    /// Enough of a file to find its header behind any metadata (EXIF blocks are at most 64 KB).
    static let headerPrefix = 512 * 1024

    public static func inspect(_ input: InputImage) throws(InputFileError) -> InspectedInput {
        switch input.content {
        case .bytes(let bytes):
            let facts = InputFacts(name: input.displayName, byteCount: bytes.count,
                                   header: ImageHeader.read(Array(bytes.prefix(headerPrefix))))
            return InspectedInput(input: input, facts: facts)
        case .file(let path):
            do {
                let file = try FileReader(path: path)
                defer { file.closeFile() }
                let prefix = try file.read(upTo: headerPrefix)
                let facts = InputFacts(name: path, byteCount: file.size, header: ImageHeader.read(prefix))
                return InspectedInput(input: input, facts: facts)
            } catch {
                throw InputFileError(error)
            }
        }
    }
}
