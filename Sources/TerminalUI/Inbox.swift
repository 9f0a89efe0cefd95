import Foundation
import EditorCore

#if canImport(Glibc)
import Glibc
#endif

/// Messages from tasks to the UI thread, and a pipe byte to wake it.
final class Inbox: @unchecked Sendable {
    private let lock = NSLock()
    private var messages: [Message] = []
    private var terminated = false
    private var windowChangedSinceDrain = false
    private var pipeEnds: [Int32] = [-1, -1]

    init() {
        pipe(&pipeEnds)
        for fd in pipeEnds { _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) }
    }

    deinit { pipeEnds.forEach { close($0) } }

    var wakeDescriptor: Int32 { pipeEnds[0] }

    func post(_ message: Message) {
        lock.withLock { messages.append(message) }
        wake()
    }

    func terminate() {
        lock.withLock { terminated = true }
        wake()
    }

    func windowChanged() {
        lock.withLock { windowChangedSinceDrain = true }
        wake()
    }

    func drain() -> (messages: [Message], terminated: Bool, windowChanged: Bool) {
        var byte: UInt8 = 0
        while read(pipeEnds[0], &byte, 1) > 0 {}
        return lock.withLock {
            defer {
                messages = []
                windowChangedSinceDrain = false
            }
            return (messages, terminated, windowChangedSinceDrain)
        }
    }

    private func wake() {
        var byte: UInt8 = 1
        _ = write(pipeEnds[1], &byte, 1)
    }
}
