#if canImport(Glibc)
import Glibc
#endif

public enum FileWriter {
    /// Writes all of `bytes` to `descriptor`, retrying short writes and EINTR, and waiting
    /// (not spinning) while a non-blocking descriptor is full. Returns nil when everything was
    /// written, or errno of the write that failed.
    @discardableResult
    public static func writeAll(_ bytes: [UInt8], to descriptor: Int32) -> Int32? {
        bytes.withUnsafeBytes { buffer -> Int32? in
            guard let base = buffer.baseAddress else { return nil }
            var written = 0
            while written < buffer.count {
                let n = Glibc.write(descriptor, base + written, buffer.count - written)
                if n < 0 {
                    let error = errno
                    if error == EAGAIN {
                        var ready = pollfd(fd: descriptor, events: Int16(POLLOUT), revents: 0)
                        _ = poll(&ready, 1, -1)
                    }
                    if error == EINTR || error == EAGAIN { continue }
                    return error
                }
                written += n
            }
            return nil
        }
    }
}
