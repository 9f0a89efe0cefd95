// libFuzzer target: JPEG decoding (libjpeg behind the CJPEG bridge, EXIF orientation), whole
// and reduced in the DCT.
import CFuzzDriver
#if canImport(Glibc)
import Glibc
#endif
import ImageCodecs
import Raster

func fuzz(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: start, count: count))
    // Low enough that a legitimate large image stays far below libFuzzer's RSS limit.
    let decoder = ImageDecoder(pixelLimit: 4_000_000)
    _ = ImageHeader.read(bytes)
    if let decoded = try? decoder.decode(bytes) {
        precondition(decoded.image.pixels.count == decoded.image.width * decoded.image.height * 4)
        // Reduced in the DCT: never below what was asked for, in either orientation.
        let target = (max(1, decoded.image.width / 3), max(1, decoded.image.height / 5))
        if let reduced = try? decoder.decode(bytes, atLeast: target) {
            precondition(reduced.image.pixels.count == reduced.image.width * reduced.image.height * 4)
            precondition(max(reduced.image.width, reduced.image.height) >= max(target.0, target.1)
                         && min(reduced.image.width, reduced.image.height) >= min(target.0, target.1), "reduced too far")
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
