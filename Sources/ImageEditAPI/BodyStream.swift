import NIOCore

/// The multipart body as an async sequence of buffers, read from disk as the connection asks
/// for more, so memory stays at one chunk per request however large the files are.
struct BodyChunks: AsyncSequence, Sendable {
    typealias Element = ByteBuffer
    static let chunkSize = 256 * 1024

    let segments: [MultipartBody.Segment]

    func makeAsyncIterator() -> Iterator { Iterator(segments: segments) }

    struct Iterator: AsyncIteratorProtocol {
        var segments: ArraySlice<MultipartBody.Segment>
        var reader: FileReader?
        var remaining = 0

        init(segments: [MultipartBody.Segment]) { self.segments = segments[...] }

        mutating func next() async throws -> ByteBuffer? {
            while true {
                if let file = reader {
                    if remaining > 0 {
                        let bytes = try file.read(upTo: Swift.min(BodyChunks.chunkSize, remaining))
                        guard !bytes.isEmpty else {
                            throw InputFileError(path: file.path, reason: "the file became shorter while it was being sent")
                        }
                        remaining -= bytes.count
                        return ByteBuffer(bytes: bytes)
                    }
                    file.closeFile()
                    reader = nil
                }
                guard let segment = segments.popFirst() else { return nil }
                switch segment {
                case .bytes(let bytes):
                    return ByteBuffer(bytes: bytes)
                case .file(let path, let length):
                    let file = try FileReader(path: path)
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
