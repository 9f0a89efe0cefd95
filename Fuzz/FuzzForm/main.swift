// libFuzzer target: the server's request reading. The input's first line is the Content-Type
// header, the rest the body, fed to the multipart reader in chunks of 0 to 63 bytes; the parts
// are then validated (`EditInput`, the client's `Preflight`) and decoded into an engine job,
// as the handler does before it starts the engine.
import CFuzzDriver
#if canImport(Glibc)
import Glibc
#endif
import ImageCodecs
@testable import LocalServer

func fuzz(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: start, count: count))
    // Low enough that a legitimate large image stays far below libFuzzer's RSS limit.
    let decoder = ImageDecoder(pixelLimit: 4_000_000)
    let newline = bytes.firstIndex(of: 0x0A) ?? bytes.count
    let contentType = String(decoding: bytes[..<newline], as: UTF8.self)
    let body = bytes[min(newline + 1, bytes.count)...]
    do {
        var reader = FormReader(boundary: try FormReader.boundary(contentType: contentType), maxBodyBytes: 1 << 20)
        var state = UInt64(count) &* 0x9E37_79B9_7F4A_7C15 | 1
        var offset = body.startIndex
        while offset < body.endIndex {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let end = min(body.endIndex, offset + Int(state >> 58))
            try reader.feed(Array(body[offset..<end]))
            offset = end
        }
        let edit = try EditInput(parts: try reader.finish())
        let job = try edit.job(lease: .standalone(), decoder: decoder)
        _ = edit.usage(job)
        _ = edit.settings(job)
        _ = edit.outputSize(job)
    } catch {}
    return 0
}

/// libFuzzer's own name for the test function, for its main() should the linker pick that one.
@_cdecl("LLVMFuzzerTestOneInput")
public func testOneInput(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt { fuzz(start, count) }

var argc = CommandLine.argc
var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&argc, &argv) { fuzz($0, $1) })
