/// One server-sent event: its `event:` name (nil when absent) and its joined `data:` lines.
public struct ServerSentEvent: Equatable, Sendable {
    public var event: String?
    public var data: [UInt8]
    public var id: String?

    public init(event: String? = nil, data: [UInt8], id: String? = nil) {
        self.event = event
        self.data = data
        self.id = id
    }

    public var dataText: String { String(decoding: data, as: UTF8.self) }
}

/// An incremental `text/event-stream` parser following the WHATWG rules: `\r\n`, `\n` or `\r`
/// line ends (also split across chunks), `:` comments, several `data:` lines joined with `\n`,
/// a blank line dispatching the event. Each byte is looked at a bounded number of times, so a
/// several-megabyte base64 line parses in linear time; a line or an event's data longer than
/// `maxEventBytes` stops the parser, so a hostile stream cannot make it allocate without bound.
public struct SSEParser: Sendable {
    /// A line or an event's data went over `maxEventBytes`.
    public struct EventTooLarge: Error, Equatable, Sendable {
        public var limit: Int
    }

    public let maxEventBytes: Int
    private var line: [UInt8] = []
    private var lastWasCR = false
    private var eventName: String?
    private var data: [UInt8] = []
    private var hasData = false
    private var lastID: String?
    private var overLimit = false
    /// How many bytes of a byte order mark the stream has begun with, while that is still open
    /// (a BOM may be split across chunks); nil once decided.
    private var bomMatched: Int? = 0
    private static let bom: [UInt8] = [0xEF, 0xBB, 0xBF]

    public init(maxEventBytes: Int = ClientLimits().maxEventBytes) {
        self.maxEventBytes = maxEventBytes
    }

    /// Feeds the next chunk; returns the events it completed. A chunk that passes a limit still
    /// returns the events completed before it; from then on every call throws.
    public mutating func feed<Bytes: Collection>(_ chunk: Bytes) throws(EventTooLarge) -> [ServerSentEvent]
    where Bytes.Element == UInt8 {
        guard !overLimit else { throw EventTooLarge(limit: maxEventBytes) }
        var events: [ServerSentEvent] = []
        let contiguous: Bool? = chunk.withContiguousStorageIfAvailable { buffer in
            feed(buffer: UnsafeRawBufferPointer(buffer), into: &events)
        }
        let withinLimit = contiguous ?? Array(chunk).withUnsafeBytes { feed(buffer: $0, into: &events) }
        if !withinLimit {
            overLimit = true
            line = []
            data = []
            if events.isEmpty { throw EventTooLarge(limit: maxEventBytes) }
        }
        return events
    }

    /// Ends the stream: a last line without its line end is processed, but an event without
    /// its blank line is discarded, as WHATWG says.
    public mutating func finish() throws(EventTooLarge) -> [ServerSentEvent] {
        guard !overLimit else { throw EventTooLarge(limit: maxEventBytes) }
        var events: [ServerSentEvent] = []
        if let matched = bomMatched, matched > 0 { line = Array(Self.bom[..<matched]) }
        bomMatched = nil
        if !line.isEmpty { _ = processLine(into: &events) }
        return events
    }

    /// False when a line or an event grew past the limit.
    private mutating func feed(buffer: UnsafeRawBufferPointer, into events: inout [ServerSentEvent]) -> Bool {
        let bytes = buffer.bindMemory(to: UInt8.self)
        var start = 0
        var index = 0
        let count = bytes.count
        // An empty chunk changes nothing (a CR that ended the last one still waits for its LF).
        guard count > 0 else { return true }
        if let before = bomMatched {
            // A UTF-8 byte order mark at the very start is ignored, also when split across chunks.
            var matched = before
            while matched < 3 && index < count && bytes[index] == Self.bom[matched] {
                matched += 1
                index += 1
            }
            if matched == 3 {
                bomMatched = nil
            } else if index < count {
                // Not a BOM after all: what earlier chunks gave is text, and this chunk is read
                // from its start.
                line.append(contentsOf: Self.bom[..<before])
                index = 0
                bomMatched = nil
            } else {
                bomMatched = matched
                return true
            }
            start = index
        }
        if lastWasCR && index < count && bytes[index] == 0x0A {
            index += 1
            start = index
        }
        lastWasCR = false
        while index < count {
            let byte = bytes[index]
            if byte == 0x0A || byte == 0x0D {
                guard line.count + index - start <= maxEventBytes else { return false }
                line.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<index]))
                guard processLine(into: &events) else { return false }
                if byte == 0x0D {
                    if index + 1 < count {
                        if bytes[index + 1] == 0x0A { index += 1 }
                    } else {
                        lastWasCR = true
                    }
                }
                index += 1
                start = index
            } else {
                index += 1
            }
        }
        guard line.count + count - start <= maxEventBytes else { return false }
        if start < count { line.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<count])) }
        return true
    }

    /// False when the event's data would grow past the limit.
    private mutating func processLine(into events: inout [ServerSentEvent]) -> Bool {
        defer { line.removeAll(keepingCapacity: line.count < 1 << 16) }
        if line.isEmpty {
            if hasData {
                events.append(ServerSentEvent(event: eventName, data: data, id: lastID))
            }
            eventName = nil
            data = []
            hasData = false
            return true
        }
        if line[0] == 0x3A { return true }  // comment
        let colon = line.firstIndex(of: 0x3A)
        let nameEnd = colon ?? line.count
        var valueStart = colon.map { $0 + 1 } ?? line.count
        if valueStart < line.count && line[valueStart] == 0x20 { valueStart += 1 }
        let name = line[0..<nameEnd]
        if name.elementsEqual("data".utf8) {
            guard data.count + 1 + line.count - valueStart <= maxEventBytes else { return false }
            if hasData { data.append(0x0A) }
            if data.isEmpty && !hasData {
                data = Array(line[valueStart...])
            } else {
                data.append(contentsOf: line[valueStart...])
            }
            hasData = true
        } else if name.elementsEqual("event".utf8) {
            eventName = String(decoding: line[valueStart...], as: UTF8.self)
        } else if name.elementsEqual("id".utf8) {
            if !line[valueStart...].contains(0) { lastID = String(decoding: line[valueStart...], as: UTF8.self) }
        }
        // "retry" and unknown fields are ignored.
        return true
    }
}
