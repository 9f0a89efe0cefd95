#if canImport(Glibc)
import Glibc
#endif

/// How many processors a picture's work is split for.
enum Processors {
    /// The processors online, read once: as many as Dispatch itself runs work on at once. Not
    /// Foundation's `activeProcessorCount`: it also reads the cgroup's CPU quota through
    /// Foundation's file and URL machinery, about 0.5 ms at its first call, a tenth of a short
    /// `retouch show`. The count only sets how many parts run side by side, never the output.
    static let available: Int = {
        #if canImport(Glibc)
        return max(1, sysconf(Int32(_SC_NPROCESSORS_ONLN)))
        #else
        return 1
        #endif
    }()
}
