#if canImport(Glibc)
import Glibc
#endif
import Raster

/// A file that could not be opened or read before or while sending.
public struct InputFileError: Error, Equatable, Sendable, CustomStringConvertible {
    public var path: String
    public var reason: String
    public var description: String { "\(path): \(reason)" }
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
            let file = try FileReader(path: path)
            defer { file.closeFile() }
            let prefix = try file.read(upTo: headerPrefix)
            let facts = InputFacts(name: path, byteCount: file.size, header: ImageHeader.read(prefix))
            return InspectedInput(input: input, facts: facts)
        }
    }
}

/// A regular file opened for reading, with errors that say which file and why.
final class FileReader {
    let path: String
    let size: Int
    private var descriptor: Int32

    init(path: String) throws(InputFileError) {
        self.path = path
        descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw InputFileError(path: path, reason: Self.errnoText()) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else {
            let reason = Self.errnoText()
            closeDescriptor(descriptor)
            throw InputFileError(path: path, reason: reason)
        }
        guard info.st_mode & S_IFMT == S_IFREG else {
            closeDescriptor(descriptor)
            throw InputFileError(path: path, reason: info.st_mode & S_IFMT == S_IFDIR ? "it is a folder" : "not a regular file")
        }
        size = Int(info.st_size)
    }

    /// Up to `count` bytes from the current position; fewer only at the end of the file.
    func read(upTo count: Int) throws(InputFileError) -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: count)
        var filled = 0
        while filled < count {
            let got = buffer.withUnsafeMutableBytes { readDescriptor(descriptor, $0.baseAddress! + filled, count - filled) }
            if got < 0 {
                if errno == EINTR { continue }
                throw InputFileError(path: path, reason: Self.errnoText())
            }
            if got == 0 { break }
            filled += got
        }
        if filled < count { buffer.removeLast(count - filled) }
        return buffer
    }

    /// One read(2), retried on EINTR: the count read, 0 at the end, -1 on error (errno set).
    func readSome(into buffer: UnsafeMutableRawPointer, _ count: Int) -> Int {
        while true {
            let got = readDescriptor(descriptor, buffer, count)
            if got < 0 && errno == EINTR { continue }
            return got
        }
    }

    func closeFile() {
        if descriptor >= 0 { closeDescriptor(descriptor) }
        descriptor = -1
    }

    deinit { closeFile() }

    static func errnoText() -> String { String(cString: strerror(errno)).lowercased() }
}

private func closeDescriptor(_ fd: Int32) { _ = close(fd) }
private func readDescriptor(_ fd: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int { read(fd, buffer, count) }
