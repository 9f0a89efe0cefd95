#if canImport(Glibc)
import Glibc
#endif

/// Why a file could not be read: errno's reason, or a shape Retouch does not read.
public struct FileAccessError: Error, Equatable, Sendable {
    public enum Kind: Equatable, Sendable {
        case cannotRead(String)
        case tooLarge(bytes: Int, limit: Int)
        /// A stream read up to the limit and going on: how much more it held is not known.
        case streamTooLarge(limit: Int)
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
            let error = errno
            let reason = error == ENOENT && path.unicodeScalars.contains("\u{FFFD}")
                ? "no such file; if its name is not valid UTF-8 (shown with \u{FFFD}), Retouch cannot open it: rename the file"
                : String(cString: strerror(error)).lowercased()
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

    /// All that `descriptor` (standard input, say) gives until it ends, a pipe or a file; more than
    /// `maxBytes` is refused before it is read when the size is known (a file), else as soon as
    /// it is passed, so an endless stream costs `maxBytes` at most. A non-blocking pipe is
    /// waited on rather than failed.
    public static func readStream(_ descriptor: Int32, named name: String, maxBytes: Int) throws(FileAccessError) -> [UInt8] {
        var info = stat()
        if fstat(descriptor, &info) == 0, info.st_mode & S_IFMT == S_IFREG, Int(info.st_size) > maxBytes {
            throw FileAccessError(path: name, kind: .tooLarge(bytes: Int(info.st_size), limit: maxBytes))
        }
        let chunk = 1 << 16
        var bytes: [UInt8] = []
        while true {
            // Room for the next read, then what it did not fill taken back.
            let start = bytes.count
            bytes.append(contentsOf: repeatElement(0, count: chunk))
            let got = bytes.withUnsafeMutableBytes { readSome(descriptor, into: $0.baseAddress! + start, chunk) }
            let failure = got < 0 ? errno : 0
            bytes.removeLast(chunk - max(0, got))
            if failure == EAGAIN {
                var ready = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
                _ = poll(&ready, 1, -1)
                continue
            }
            if failure != 0 { throw FileAccessError(path: name, kind: .cannotRead(String(cString: strerror(failure)).lowercased())) }
            if got == 0 { return bytes }
            guard bytes.count <= maxBytes else { throw FileAccessError(path: name, kind: .streamTooLarge(limit: maxBytes)) }
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
        Self.readSome(descriptor, into: buffer, count)
    }

    static func readSome(_ descriptor: Int32, into buffer: UnsafeMutableRawPointer, _ count: Int) -> Int {
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
