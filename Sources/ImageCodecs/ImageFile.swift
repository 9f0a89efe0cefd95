import FileAccess
import Raster

#if canImport(Glibc)
import Glibc
#endif

/// A file that could not be read or decoded, named so the user knows which one.
public struct ImageFileError: Error, Equatable, Sendable, CustomStringConvertible {
    public enum Reason: Equatable, Sendable {
        case cannotRead(String)
        case fileTooLarge(bytes: Int, limit: Int)
        /// A stream (standard input) that went on past the limit: how much more is not known.
        case streamTooLarge(limit: Int)
        case decoding(ImageDecodingError)
    }

    public var path: String
    public var reason: Reason

    public var description: String {
        switch reason {
        case .cannotRead(let why): "\(path): cannot read: \(why)"
        case .streamTooLarge(let limit): "\(path): more than the \(ByteCount.format(limit)) Retouch reads"
        case .fileTooLarge(let bytes, let limit):
            "\(path): the file is \(ByteCount.format(bytes)), more than the \(ByteCount.format(limit)) Retouch reads"
        case .decoding(let error): "\(path): \(error)"
        }
    }
}

extension ImageFileError {
    init(_ error: FileAccessError, name: String) {
        switch error.kind {
        case .cannotRead(let why): self.init(path: name, reason: .cannotRead(why))
        case .tooLarge(let bytes, let limit): self.init(path: name, reason: .fileTooLarge(bytes: bytes, limit: limit))
        case .streamTooLarge(let limit): self.init(path: name, reason: .streamTooLarge(limit: limit))
        }
    }
}

public enum ImageFile {
    /// Larger than any image the API takes (50 MB) by a wide margin; guards against reading
    /// a disk image or a device by mistake.
    public static let defaultMaxBytes = 256 * 1024 * 1024

    /// The whole file, with errno's reason when it cannot be read.
    public static func readBytes(path: String, maxBytes: Int = defaultMaxBytes) throws(ImageFileError) -> [UInt8] {
        do {
            return try FileReader.readAll(path: path, maxBytes: maxBytes)
        } catch {
            throw ImageFileError(error, name: path)
        }
    }

    /// What standard input is called where a file's name would be.
    public static let standardInput = "standard input"

    /// All of standard input (`retouch show -`), refusing more than `maxBytes`.
    public static func readStandardInput(maxBytes: Int = defaultMaxBytes) throws(ImageFileError) -> [UInt8] {
        do {
            return try FileReader.readStream(STDIN_FILENO, named: standardInput, maxBytes: maxBytes)
        } catch {
            throw ImageFileError(error, name: standardInput)
        }
    }

    /// Reads and decodes a whole file. With `fitting`, a picture to be shown within that box
    /// (aspect kept, upright) may be reduced while it is decoded, never below the size it is
    /// shown at (`RGBAImage.shownSize`): a large JPEG shown small is decoded at 1/2, 1/4 or 1/8
    /// in its DCT, a PNG to exactly that size.
    public static func load(path: String, decoder: ImageDecoder = ImageDecoder(),
                            fitting box: (width: Int, height: Int)? = nil) throws(ImageFileError) -> (bytes: [UInt8], decoded: DecodedImage) {
        let bytes = try readBytes(path: path)
        return (bytes, try decode(bytes, named: path, decoder: decoder, fitting: box))
    }

    /// Decodes bytes read from `name` (a file, or standard input), as `load` does.
    public static func decode(_ bytes: [UInt8], named name: String, decoder: ImageDecoder = ImageDecoder(),
                              fitting box: (width: Int, height: Int)? = nil) throws(ImageFileError) -> DecodedImage {
        var minimum: (width: Int, height: Int)?
        if let box, case .success(let header) = ImageHeader.read(bytes) {
            // The box is upright; a JPEG's header gives its size as stored.
            let turned = header.format == .jpeg && EXIFOrientation.read(fromJPEG: bytes).swapsAxes
            let upright = turned ? (width: header.height, height: header.width) : (width: header.width, height: header.height)
            let shown = RGBAImage.shownSize(width: upright.width, height: upright.height, maxWidth: box.width, maxHeight: box.height)
            if shown != upright { minimum = shown }
        }
        do {
            return try decoder.decode(bytes, atLeast: minimum)
        } catch {
            throw ImageFileError(path: name, reason: .decoding(error))
        }
    }
}
