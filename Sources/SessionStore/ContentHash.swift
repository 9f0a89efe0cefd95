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

    static func hex(_ digest: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        for byte in digest {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 15)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}

/// An EVP digest context, freed with its owner. libcrypto fails these calls only when it cannot
/// allocate a few hundred bytes.
private struct SHA256Hasher: ~Copyable {
    private let context: OpaquePointer

    init() {
        guard let context = EVP_MD_CTX_new(), EVP_DigestInit_ex(context, EVP_sha256(), nil) == 1 else {
            fatalError("libcrypto could not start a SHA-256 digest: out of memory")
        }
        self.context = context
    }

    deinit { EVP_MD_CTX_free(context) }

    mutating func update(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { buffer in
            guard buffer.count > 0 else { return }
            precondition(EVP_DigestUpdate(context, buffer.baseAddress, buffer.count) == 1, "libcrypto failed a SHA-256 update")
        }
    }

    consuming func finalize() -> String {
        var digest = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        precondition(EVP_DigestFinal_ex(context, &digest, &length) == 1 && length == 32, "libcrypto failed to finish a SHA-256 digest")
        return ContentHash.hex(digest.prefix(Int(length)))
    }
}
