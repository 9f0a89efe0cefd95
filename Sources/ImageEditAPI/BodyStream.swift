import FileAccess
import NIOCore

/// The multipart body as an async sequence of buffers, read from disk as the connection asks
/// for more, so memory stays at one chunk per request however large the files are.
struct BodyChunks: AsyncSequence, Sendable {
    typealias Element = ByteBuffer
    // Small enough to stay under glibc's mmap threshold, so freed chunks are reused rather than
    // piling up in per-thread arenas.
    static let chunkSize = 64 * 1024

    let segments: [MultipartBody.Segment]

    func makeAsyncIterator() -> Iterator { Iterator(segments: segments) }

    struct Iterator: AsyncIteratorProtocol {
        var segments: ArraySlice<MultipartBody.Segment>
        var reader: FileReader?
        var remaining = 0

        init(segments: [MultipartBody.Segment]) { self.segments = segments[...] }

        /// Reads straight into a ByteBuffer: one allocation per chunk, no intermediate array.
        static func readBuffer(_ file: FileReader, upTo count: Int) throws(InputFileError) -> ByteBuffer {
            var buffer = ByteBufferAllocator().buffer(capacity: count)
            var failed = false
            while buffer.readableBytes < count {
                let wanted = count - buffer.readableBytes
                let got = buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: wanted) { space in
                    let n = file.readSome(into: space.baseAddress!, wanted)
                    if n < 0 { failed = true }
                    return Swift.max(0, n)
                }
                if failed { throw InputFileError(path: file.path, reason: FileReader.errnoText()) }
                if got == 0 { break }
            }
            return buffer
        }

        mutating func next() async throws -> ByteBuffer? {
            while true {
                if let file = reader {
                    if remaining > 0 {
                        let buffer = try Self.readBuffer(file, upTo: Swift.min(BodyChunks.chunkSize, remaining))
                        guard buffer.readableBytes > 0 else {
                            throw InputFileError(path: file.path, reason: "the file became shorter while it was being sent")
                        }
                        remaining -= buffer.readableBytes
                        return buffer
                    }
                    file.closeFile()
                    reader = nil
                }
                guard let segment = segments.popFirst() else { return nil }
                switch segment {
                case .bytes(let bytes):
                    return ByteBuffer(bytes: bytes)
                case .file(let path, let length):
                    let file: FileReader
                    do { file = try FileReader(path: path) } catch { throw InputFileError(error) }
                    guard file.size == length else {
                        throw InputFileError(path: path, reason: "the file changed size after it was checked (\(length) → \(file.size) bytes)")
                    }
                    reader = file
                    remaining = length
                }
            }
        }
    }
}
