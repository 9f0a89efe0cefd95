// libFuzzer target: the config file reader (config.toml).
import CFuzzDriver
#if canImport(Glibc)
import Glibc
#endif
import ImageEditAPI

func fuzz(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: start, count: count), as: UTF8.self)
    let config = ConfigFile(text: text)
    for (key, value) in config.values {
        precondition(!key.contains(where: \.isNewline) && !value.contains(where: \.isNewline), "a value spans lines")
    }
    _ = config.baseURL
    return 0
}

/// libFuzzer's own name for the test function, for its main() should the linker pick that one.
@_cdecl("LLVMFuzzerTestOneInput")
public func testOneInput(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt { fuzz(start, count) }

var argc = CommandLine.argc
var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&argc, &argv) { fuzz($0, $1) })
