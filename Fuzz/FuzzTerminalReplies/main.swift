// libFuzzer target: the parser of the terminal's answers to the probe's queries, and the
// choice of graphics made from them.
import CFuzzDriver
#if canImport(Glibc)
import Glibc
#endif
import TerminalGraphics

func fuzz(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: start, count: count))
    let replies = TerminalReplies.parse(bytes)
    // Answers are found wherever they sit: typed keys in front change nothing.
    precondition(TerminalReplies.parse(Array("abc".utf8) + bytes) == replies, "leading text changed the answers")
    _ = replies.supportsSixel
    _ = replies.isComplete
    for hint in [TerminalHints(environment: [:]), TerminalHints(environment: ["TERM": "xterm-256color", "COLORTERM": "truecolor"])] {
        for mode in GraphicsMode.allCases {
            _ = GraphicsChoice.choose(override: mode, replies: replies, hints: hint)
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
