#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Raster

/// A file that could not be read or decoded, named so the user knows which one.
public struct ImageFileError: Error, Equatable, Sendable, CustomStringConvertible {
    public enum Reason: Equatable, Sendable {
        case cannotRead(String)
        case fileTooLarge(bytes: Int, limit: Int)
        case decoding(ImageDecodingError)
    }

    public var path: String
    public var reason: Reason

    public var description: String {
        switch reason {
        case .cannotRead(let why): "\(path): cannot read: \(why)"
        case .fileTooLarge(let bytes, let limit):
            "\(path): the file is \(ByteCount.format(bytes)), more than the \(ByteCount.format(limit)) Retouch reads"
        case .decoding(let error): "\(path): \(error)"
        }
    }
}

public enum ImageFile {
    /// Larger than any image the API takes (50 MB) by a wide margin; guards against reading
    /// a disk image or a device by mistake.
    public static let defaultMaxBytes = 256 * 1024 * 1024

    /// The whole file, with errno's reason when it cannot be read.
    public static func readBytes(path: String, maxBytes: Int = defaultMaxBytes) throws(ImageFileError) -> [UInt8] {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw ImageFileError(path: path, reason: .cannotRead(errnoText())) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw ImageFileError(path: path, reason: .cannotRead(errnoText())) }
        if info.st_mode & S_IFMT == S_IFDIR { throw ImageFileError(path: path, reason: .cannotRead("it is a folder")) }
        guard info.st_mode & S_IFMT == S_IFREG else {
            throw ImageFileError(path: path, reason: .cannotRead("not a regular file"))
        }
        let size = Int(info.st_size)
        guard size <= maxBytes else { throw ImageFileError(path: path, reason: .fileTooLarge(bytes: size, limit: maxBytes)) }
        var bytes = [UInt8](repeating: 0, count: size)
        var filled = 0
        while filled < size {
            let got = bytes.withUnsafeMutableBytes { read(fd, $0.baseAddress! + filled, size - filled) }
            if got < 0 {
                if errno == EINTR { continue }
                throw ImageFileError(path: path, reason: .cannotRead(errnoText()))
            }
            if got == 0 { break }
            filled += got
        }
        return filled == size ? bytes : Array(bytes.prefix(filled))
    }

    /// Reads and decodes a whole file.
    public static func load(path: String, decoder: ImageDecoder = ImageDecoder()) throws(ImageFileError) -> (bytes: [UInt8], decoded: DecodedImage) {
        let bytes = try readBytes(path: path)
        do {
            return (bytes, try decoder.decode(bytes))
        } catch {
            throw ImageFileError(path: path, reason: .decoding(error))
        }
    }

    private static func errnoText() -> String {
        String(cString: strerror(errno)).lowercased()
    }
}
