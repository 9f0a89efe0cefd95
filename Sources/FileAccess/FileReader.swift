#if canImport(Glibc)
import Glibc
#endif

/// Why a file could not be read: errno's reason, or a shape Retouch does not read.
public struct FileAccessError: Error, Equatable, Sendable {
    public enum Kind: Equatable, Sendable {
        case cannotRead(String)
        case tooLarge(bytes: Int, limit: Int)
    }

    public var path: String
    public var kind: Kind
}

/// A regular file opened for reading, with errors that say which file and why.
public final class FileReader {
    public let path: String
    public let size: Int
    private var descriptor: Int32

    public init(path: String) throws(FileAccessError) {
        self.path = path
        descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw FileAccessError(path: path, kind: .cannotRead(Self.errnoText())) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else {
            let reason = Self.errnoText()
            close(descriptor)
            throw FileAccessError(path: path, kind: .cannotRead(reason))
        }
        guard info.st_mode & S_IFMT == S_IFREG else {
            close(descriptor)
            throw FileAccessError(path: path, kind: .cannotRead(info.st_mode & S_IFMT == S_IFDIR ? "it is a folder" : "not a regular file"))
        }
        size = Int(info.st_size)
    }

    /// The whole file, refusing files over `maxBytes` before reading them.
    public static func readAll(path: String, maxBytes: Int) throws(FileAccessError) -> [UInt8] {
        let file = try FileReader(path: path)
        defer { file.closeFile() }
        guard file.size <= maxBytes else { throw FileAccessError(path: path, kind: .tooLarge(bytes: file.size, limit: maxBytes)) }
        return try file.read(upTo: file.size)
    }

    /// Up to `count` bytes from the current position; fewer only at the end of the file.
    public func read(upTo count: Int) throws(FileAccessError) -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: count)
        var filled = 0
        while filled < count {
            let got = buffer.withUnsafeMutableBytes { readSome(into: $0.baseAddress! + filled, count - filled) }
            if got < 0 { throw FileAccessError(path: path, kind: .cannotRead(Self.errnoText())) }
            if got == 0 { break }
            filled += got
        }
        if filled < count { buffer.removeLast(count - filled) }
        return buffer
    }

    /// One read(2), retried on EINTR: the count read, 0 at the end, -1 on error (errno set).
    public func readSome(into buffer: UnsafeMutableRawPointer, _ count: Int) -> Int {
        while true {
            let got = Glibc.read(descriptor, buffer, count)
            if got < 0 && errno == EINTR { continue }
            return got
        }
    }

    public func closeFile() {
        if descriptor >= 0 { close(descriptor) }
        descriptor = -1
    }

    deinit { closeFile() }

    public static func errnoText() -> String { String(cString: strerror(errno)).lowercased() }
}
