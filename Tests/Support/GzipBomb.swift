import Foundation

/// Bodies that a hostile server sends.
public enum HostileBodies {
    /// `prefix`, then `megabytes` MB of the letter A, compressed by gzip: a body of a few hundred
    /// KB that inflates without end.
    public static func gzipBomb(prefix: String, megabytes: Int) throws -> [UInt8] {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("retouch-bomb-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let head = folder.appendingPathComponent("head")
        try Data(prefix.utf8).write(to: head)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", "{ cat \"$0\"; head -c \(megabytes << 20) /dev/zero | tr '\\0' A; } | gzip -1 -c", head.path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return [UInt8](data)
    }
}
