import CLibcrypto
import FileAccess

/// SHA-256 content hashes of a run's sources, with OpenSSL's libcrypto.
public enum ContentHash {
    /// The bytes read at a time when hashing a file.
    static let chunkSize = 1 << 20

    /// The digest of `bytes` as 64 lowercase hex digits.
    public static func sha256(_ bytes: [UInt8]) -> String {
        var hasher = SHA256Hasher()
        hasher.update(bytes)
        return hasher.finalize()
    }

    /// The digest of a file's bytes, read in chunks: memory stays at one chunk however large
    /// the file is.
    public static func sha256(file path: String) throws(FileAccessError) -> String {
        let file = try FileReader(path: path)
        defer { file.closeFile() }
        var hasher = SHA256Hasher()
        while true {
            let chunk = try file.read(upTo: chunkSize)
            if chunk.isEmpty { break }
            hasher.update(chunk)
        }
        return hasher.finalize()
    }

    static func hex(_ digest: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(digest.count * 2)
        for byte in digest {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 15)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}

/// libcrypto's SHA-256 state, a plain struct: its functions only return 1.
private struct SHA256Hasher {
    private var context = SHA256_CTX()

    init() { SHA256_Init(&context) }

    mutating func update(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { buffer in _ = SHA256_Update(&context, buffer.baseAddress, buffer.count) }
    }

    mutating func finalize() -> String {
        var digest = [UInt8](repeating: 0, count: Int(SHA256_DIGEST_LENGTH))
        SHA256_Final(&digest, &context)
        return ContentHash.hex(digest)
    }
}
