// libFuzzer target: the config file reader (config.toml).
import CFuzzDriver
#if canImport(Glibc)
import Glibc
#endif
import ImageEditAPI

func fuzz(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: start, count: count), as: UTF8.self)
    do throws(ConfigFileError) {
        _ = try ConfigFile(text: text).baseURL
    } catch {
        // A problem is reported on one line, naming a line of the input.
        let lines = text.unicodeScalars.count { $0 == "\n" } + 1
        precondition(!error.description.contains(where: \.isNewline), "an error message spans lines")
        precondition((1...lines).contains(error.line), "an error names line \(error.line) of \(lines)")
    }
    return 0
}

/// libFuzzer's own name for the test function, for its main() should the linker pick that one.
@_cdecl("LLVMFuzzerTestOneInput")
public func testOneInput(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt { fuzz(start, count) }

var argc = CommandLine.argc
var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&argc, &argv) { fuzz($0, $1) })
