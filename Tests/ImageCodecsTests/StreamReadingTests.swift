import FileAccess
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Standard input as `retouch show -` reads it: to its end, bounded, and patient with a
/// non-blocking pipe.
@Suite struct StreamReadingTests {
    /// Why `read` failed; nil when it did not.
    static func failure(_ read: () throws -> [UInt8]) -> FileAccessError.Kind? {
        do {
            _ = try read()
            return nil
        } catch {
            return (error as? FileAccessError)?.kind
        }
    }

    @Test func aPipeIsReadToItsEndAndRefusedPastTheLimit() throws {
        let small = Pipe()
        try small.fileHandleForWriting.write(contentsOf: Data(repeating: 7, count: 300))
        try small.fileHandleForWriting.close()
        #expect(try FileReader.readStream(small.fileHandleForReading.fileDescriptor, named: "standard input", maxBytes: 300) == [UInt8](repeating: 7, count: 300))

        let large = Pipe()
        try large.fileHandleForWriting.write(contentsOf: Data(repeating: 7, count: 300))
        try large.fileHandleForWriting.close()
        #expect(Self.failure { try FileReader.readStream(large.fileHandleForReading.fileDescriptor, named: "standard input", maxBytes: 299) } == .streamTooLarge(limit: 299))
    }

    /// A file's size is known: one over the limit is refused before any of it is read.
    @Test func aFileOverTheLimitIsRefusedByItsSize() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("retouch-stream-\(UUID().uuidString)").path
        try Data(repeating: 1, count: 5000).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let file = try #require(FileHandle(forReadingAtPath: path))
        #expect(Self.failure { try FileReader.readStream(file.fileDescriptor, named: "standard input", maxBytes: 4096) } == .tooLarge(bytes: 5000, limit: 4096))
    }

    /// A parent that made the pipe non-blocking and writes later: waited for, not failed.
    @Test func aNonBlockingPipeIsWaitedFor() throws {
        let pipe = Pipe()
        let reading = pipe.fileHandleForReading.fileDescriptor
        _ = fcntl(reading, F_SETFL, fcntl(reading, F_GETFL) | O_NONBLOCK)
        let writer = pipe.fileHandleForWriting
        Thread {
            usleep(200_000)
            try? writer.write(contentsOf: Data("late".utf8))
            try? writer.close()
        }.start()
        #expect(try FileReader.readStream(reading, named: "standard input", maxBytes: 100) == Array("late".utf8))
    }
}
