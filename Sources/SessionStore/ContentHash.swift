import Crypto
import FileAccess

/// SHA-256 content hashes of a run's sources, with swift-crypto.
public enum ContentHash {
    /// The bytes read at a time when hashing a file.
    static let chunkSize = 1 << 20

    /// The digest of `bytes` as 64 lowercase hex digits.
    public static func sha256(_ bytes: [UInt8]) -> String {
        hex(SHA256.hash(data: bytes))
    }

    /// The digest of a file's bytes, read in chunks: memory stays at one chunk however large
    /// the file is.
    public static func sha256(file path: String) throws(FileAccessError) -> String {
        let file = try FileReader(path: path)
        defer { file.closeFile() }
        var hasher = SHA256()
        while true {
            let chunk = try file.read(upTo: chunkSize)
            if chunk.isEmpty { break }
            hasher.update(data: chunk)
        }
        return hex(hasher.finalize())
    }

    static func hex(_ digest: SHA256.Digest) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(SHA256.byteCount * 2)
        for byte in digest {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 15)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
