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
        guard descriptor >= 0 else {
            // A name that is not UTF-8 reaches Swift with its bad bytes replaced by U+FFFD, so
            // the file it names cannot be opened; say so rather than "no such file".
            let reason = errno == ENOENT && path.unicodeScalars.contains("\u{FFFD}")
                ? "its name is not valid UTF-8 (shown with \u{FFFD}), which Retouch cannot open; rename the file" : Self.errnoText()
            throw FileAccessError(path: path, kind: .cannotRead(reason))
        }
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

    /// All of standard input, whatever it is (a pipe, a file), read until it ends; more than
    /// `maxBytes` is refused as soon as it is seen, so an endless stream costs `maxBytes` at most.
    public static func readStandardInput(maxBytes: Int) throws(FileAccessError) -> [UInt8] {
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let got = chunk.withUnsafeMutableBytes { space in
                while true {
                    let n = Glibc.read(STDIN_FILENO, space.baseAddress!, space.count)
                    if n < 0 && errno == EINTR { continue }
                    return n
                }
            }
            if got < 0 { throw FileAccessError(path: "standard input", kind: .cannotRead(errnoText())) }
            if got == 0 { return bytes }
            guard bytes.count + got <= maxBytes else {
                throw FileAccessError(path: "standard input", kind: .tooLarge(bytes: bytes.count + got, limit: maxBytes))
            }
            bytes += chunk[..<got]
        }
    }

    /// Up to `count` bytes from the current position; fewer only at the end of the file. The
    /// buffer is not zeroed first: read(2) fills it, and zeroing it too would write a large
    /// file's every byte twice.
    public func read(upTo count: Int) throws(FileAccessError) -> [UInt8] {
        guard count > 0 else { return [] }
        var failure: String?
        let buffer = [UInt8](unsafeUninitializedCapacity: count) { space, initialized in
            while initialized < count {
                let got = readSome(into: space.baseAddress! + initialized, count - initialized)
                if got < 0 { failure = Self.errnoText() }
                if got <= 0 { break }
                initialized += got
            }
        }
        if let failure { throw FileAccessError(path: path, kind: .cannotRead(failure)) }
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
