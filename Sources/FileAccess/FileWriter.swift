#if canImport(Glibc)
import Glibc
#endif

public enum FileWriter {
    /// Writes all of `bytes` to `descriptor`, retrying short writes, EINTR and EAGAIN. Returns
    /// nil when everything was written, or errno of the write that failed.
    @discardableResult
    public static func writeAll(_ bytes: [UInt8], to descriptor: Int32) -> Int32? {
        bytes.withUnsafeBytes { buffer -> Int32? in
            guard let base = buffer.baseAddress else { return nil }
            var written = 0
            while written < buffer.count {
                let n = Glibc.write(descriptor, base + written, buffer.count - written)
                if n < 0 {
                    if errno == EINTR || errno == EAGAIN { continue }
                    return errno
                }
                written += n
            }
            return nil
        }
    }
}
