// libFuzzer target: the text/event-stream parser. The input is parsed whole and again in
// chunks of 0 to 31 bytes chosen from its length; both must give the same events, and a line
// or event over the (small) limit must stop both.
import CFuzzDriver
#if canImport(Glibc)
import Glibc
#endif
import ImageEditAPI

/// A small event limit, so that the limit's paths are fuzzed too.
let limit = 4096

func fuzz(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: start, count: count))
    var expected: [ServerSentEvent] = []
    var expectedStop = false
    var whole = SSEParser(maxEventBytes: limit)
    do {
        expected += try whole.feed(bytes)
        expected += try whole.finish()
    } catch {
        expectedStop = true
    }

    var chunked = SSEParser(maxEventBytes: limit)
    var events: [ServerSentEvent] = []
    var stopped = false
    var state = UInt64(count) &* 0x9E37_79B9_7F4A_7C15 | 1
    var offset = 0
    var step = 0
    do {
        while offset < count {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let end = min(count, offset + Int(state >> 59))
            // Every third chunk goes through the copying path for non-contiguous collections.
            if step % 3 == 2 {
                events += try chunked.feed(bytes[offset..<end].lazy.map { $0 })
            } else {
                events += try chunked.feed(bytes[offset..<end])
            }
            offset = end
            step += 1
        }
        events += try chunked.finish()
    } catch {
        stopped = true
    }
    precondition(stopped == expectedStop, "the limit stopped one parse and not the other")
    // Up to a stop too, chunks give the events whole parsing gives.
    precondition(events == expected,
                 "chunked parsing differs: \(events) against \(expected)")
    return 0
}

/// libFuzzer's own name for the test function, for its main() should the linker pick that one.
@_cdecl("LLVMFuzzerTestOneInput")
public func testOneInput(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt { fuzz(start, count) }

var argc = CommandLine.argc
var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&argc, &argv) { fuzz($0, $1) })
