// libFuzzer target: PNG decoding, through the libdeflate fast path and through libpng, and
// shrunk while it is read.
import CFuzzDriver
#if canImport(Glibc)
import Glibc
#endif
@testable import ImageCodecs
import Raster

func fuzz(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: start, count: count))
    // Low enough that a legitimate large image stays far below libFuzzer's RSS limit.
    let pixelLimit = 4_000_000
    _ = ImageHeader.read(bytes)
    let fast = try? PNGCodec.decode(bytes, pixelLimit: pixelLimit, fastPath: true)
    let full = try? PNGCodec.decode(bytes, pixelLimit: pixelLimit, fastPath: false)
    // The fast path falls back to libpng for what it does not handle; when both decode, they
    // must agree pixel for pixel.
    if let fast, let full {
        precondition(fast.image.width == full.image.width && fast.image.height == full.image.height,
                     "the fast path and libpng disagree on the size")
        precondition(fast.image.pixels == full.image.pixels, "the fast path and libpng disagree on the pixels")
    }
    // Shrinking while reading gives the requested size, and what the resize of the whole gives.
    if let full, full.image.width > 1 || full.image.height > 1 {
        let target = (max(1, full.image.width * 2 / 3), max(1, full.image.height / 2))
        if let shrunk = try? PNGCodec.decode(bytes, pixelLimit: pixelLimit, atLeast: target),
           shrunk.image.width != full.image.width || shrunk.image.height != full.image.height {
            precondition(shrunk.image.width == target.0 && shrunk.image.height == target.1, "shrunk to the wrong size")
            let expected = full.image.resized(width: target.0, height: target.1)
            let worst = zip(shrunk.image.pixels, expected.pixels).map { abs(Int($0) - Int($1)) }.max() ?? 0
            precondition(worst <= 2, "shrinking while reading differs from the resize by \(worst)")
        }
    }
    return 0
}

/// libFuzzer's own name for the test function, for its main() should the linker pick that one.
@_cdecl("LLVMFuzzerTestOneInput")
public func testOneInput(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt { fuzz(start, count) }

var argc = CommandLine.argc
var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&argc, &argv) { fuzz($0, $1) })
