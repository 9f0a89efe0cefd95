import Foundation
import ImageCodecs
import Raster

/// libsixel's own decoder, `sixel2png`: sixel output read back as a terminal would show it.
public enum Libsixel {
    public static let decoder = "/usr/bin/sixel2png"

    public static var isInstalled: Bool { FileManager.default.isExecutableFile(atPath: decoder) }

    public struct DecodingFailed: Error, CustomStringConvertible {
        public var status: Int32
        public var description: String { "sixel2png exited with \(status)" }
    }

    public static func decode(_ sixel: [UInt8]) throws -> RGBAImage {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("retouch-sixel-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let input = folder.appendingPathComponent("in.six"), output = folder.appendingPathComponent("out.png")
        try Data(sixel).write(to: input)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: decoder)
        process.arguments = ["-i", input.path, "-o", output.path]
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw DecodingFailed(status: process.terminationStatus) }
        return try ImageFile.load(path: output.path).decoded.image
    }
}
