import NIOConcurrencyHelpers
import NIOCore
import NIOHTTPTypes

/// What one server gives to the clients it cannot trust: time, connections, concurrent edits and
/// memory. Every figure is documented in the README.
public struct ServerLimits: Sendable {
    /// A request's head (request line and headers) must arrive within this.
    public var headerTimeout: TimeAmount = .seconds(10)
    /// A request's body must arrive within this once its head has.
    public var bodyTimeout: TimeAmount = .seconds(300)
    /// A connection with no request in flight is closed after this.
    public var idleTimeout: TimeAmount = .seconds(60)
    public var maxConnections = 512
    /// Edits running at once; more get 429 with Retry-After.
    public var maxConcurrentEdits = 4
    /// Bodies and decoded images of all requests in flight; a request that would pass it gets
    /// 503 with Retry-After.
    public var memoryBudgetBytes = 2 << 30
    /// Results kept for `response_format=url`; the oldest go first.
    public var maxHostedResults = 64
    public var maxHostedBytes = 256 << 20

    public init() {}
}

/// Counts the edits in flight.
final class EditSlots: Sendable {
    private let inUse = NIOLockedValueBox(0)
    let capacity: Int

    init(capacity: Int) { self.capacity = capacity }

    func take() -> Bool {
        inUse.withLockedValue { count in
            guard count < capacity else { return false }
            count += 1
            return true
        }
    }

    func give() { inUse.withLockedValue { $0 -= 1 } }
}

/// Bytes that requests in flight hold: bodies as they arrive, decoded images before they are made.
final class MemoryBudget: Sendable {
    private let used = NIOLockedValueBox(0)
    let capacity: Int

    init(capacity: Int) { self.capacity = capacity }

    func reserve(_ bytes: Int) -> Bool {
        used.withLockedValue { used in
            let (total, overflow) = used.addingReportingOverflow(bytes)
            guard !overflow, total <= capacity else { return false }
            used = total
            return true
        }
    }

    func release(_ bytes: Int) { used.withLockedValue { $0 -= bytes } }

    var inUse: Int { used.withLockedValue { $0 } }
}

/// What one request holds of the budget; given back when the request ends.
final class Reservation: @unchecked Sendable {
    private let budget: MemoryBudget
    private let lock = NIOLock()
    private var held = 0

    init(budget: MemoryBudget) { self.budget = budget }

    func add(_ bytes: Int) -> Bool {
        guard budget.reserve(bytes) else { return false }
        lock.withLock { held += bytes }
        return true
    }

    func releaseAll() {
        let bytes = lock.withLock { () -> Int in
            defer { held = 0 }
            return held
        }
        budget.release(bytes)
    }
}

/// Closes a connection whose request does not arrive in time: the first head within the header
/// timeout, a body within the body timeout, the next request within the idle timeout. An idle
/// timer alone cannot do it: a client that trickles a byte every few seconds is never idle.
final class RequestDeadlineHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private let limits: ServerLimits
    private var deadline: Scheduled<Void>?

    init(limits: ServerLimits) {
        self.limits = limits
    }

    func handlerAdded(context: ChannelHandlerContext) {
        arm(limits.headerTimeout, context: context)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        deadline?.cancel()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head: arm(limits.bodyTimeout, context: context)
        case .end:
            deadline?.cancel()
            deadline = nil
        case .body: break
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        // The answer is complete: the connection may wait for the next request, not forever.
        if case .end = unwrapOutboundIn(data) { arm(limits.idleTimeout, context: context) }
        context.write(data, promise: promise)
    }

    private func arm(_ timeout: TimeAmount, context: ChannelHandlerContext) {
        deadline?.cancel()
        let channel = context.channel
        deadline = context.eventLoop.scheduleTask(in: timeout) { channel.close(promise: nil) }
    }
}

/// Compares a presented key with the expected one in time that depends only on their lengths.
func keysMatch(_ presented: Substring, _ expected: String) -> Bool {
    let a = Array(presented.utf8), b = Array(expected.utf8)
    var difference = UInt8(truncatingIfNeeded: a.count ^ b.count) | (a.count == b.count ? 0 : 1)
    for index in 0..<max(a.count, b.count) {
        difference |= (index < a.count ? a[index] : 0) ^ (index < b.count ? b[index] : 0)
    }
    return difference == 0
}
