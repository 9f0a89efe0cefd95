import Foundation

/// A streaming multipart/form-data parser: MultipartKit 4.7.1's `MultipartParser` (MIT License,
/// Copyright (c) 2018 Qutheory, LLC), the same state machine, with two changes:
/// - a header-name byte above 127 is a syntax error; MultipartKit indexes its 128-entry table
///   with it and traps, which ended the whole server (found by fuzzing);
/// - it reads plain bytes rather than a `ByteBuffer` one integer at a time, which is several
///   times faster in debug builds.
final class FormDataParser {
    struct SyntaxError: Error, CustomStringConvertible {
        var description: String { "syntax" }  // as MultipartKit words it
    }

    private enum CRLF { case cr, lf }

    private enum HeaderState {
        case preHeaders(CRLF = .cr)
        case headerName([UInt8] = [])
        case headerValue([UInt8] = [], name: [UInt8])
        case postHeaderValue([UInt8], name: [UInt8])
        case postHeaders
    }

    private enum State {
        case preamble(boundaryMatchIndex: Int = 0)
        case headers(state: HeaderState = .preHeaders())
        case body
        case boundary(boundaryMatchIndex: Int = 0)
        case epilogue
    }

    var onHeader: (String, String) -> Void = { _, _ in }
    /// Body bytes, valid only during the call.
    var onBody: (UnsafeRawBufferPointer) -> Void = { _ in }
    var onPartComplete: () -> Void = {}

    private let boundary: [UInt8]
    private var state: State = .preamble()
    private var input = UnsafeRawBufferPointer(start: nil, count: 0)
    private var position = 0

    /// `boundary` must not be empty.
    init(boundary: String) {
        precondition(!boundary.isEmpty)
        self.boundary = Array("\r\n--\(boundary)".utf8)
    }

    func execute(_ bytes: UnsafeRawBufferPointer) throws {
        input = bytes
        position = 0
        defer { input = UnsafeRawBufferPointer(start: nil, count: 0) }
        while position < input.count {
            switch state {
            case .preamble(let boundaryMatchIndex): state = parsePreamble(boundaryMatchIndex: boundaryMatchIndex)
            case .headers(let headerState): state = try parseHeaders(headerState: headerState)
            case .body: state = parseBody()
            case .boundary(let boundaryMatchIndex): state = try parseBoundary(boundaryMatchIndex: boundaryMatchIndex)
            case .epilogue: return  // anything after the closing boundary is ignored
            }
        }
    }

    private func readByte() -> UInt8? {
        guard position < input.count else { return nil }
        defer { position += 1 }
        return input[position]
    }

    private func parsePreamble(boundaryMatchIndex: Int) -> State {
        var index = boundaryMatchIndex
        while index < boundary.count, let byte = readByte() {
            if index == 0, byte == boundary[2] {
                index = 3  // the body may start with the boundary, without the CRLF before it
            } else if byte == boundary[index] {
                index += 1
            } else if index > 0, byte == boundary[0] {
                index = 1
            } else {
                index = 0
            }
        }
        return index >= boundary.count ? .headers() : .preamble(boundaryMatchIndex: index)
    }

    private func parseCRLF(_ crlf: CRLF) throws -> CRLF? {
        var crlf = crlf
        while let byte = readByte() {
            switch (crlf, byte) {
            case (.cr, .cr): crlf = .lf
            case (.lf, .lf): return nil
            default: throw SyntaxError()
            }
        }
        return crlf
    }

    private func parseHeaders(headerState: HeaderState) throws -> State {
        var headerState = headerState
        while position < input.count {
            switch headerState {
            case .preHeaders(let crlf):
                headerState = try parseCRLF(crlf).map(HeaderState.preHeaders) ?? .headerName()
            case .headerName(let name):
                headerState = try parseHeaderName(name: name)
            case .headerValue(let value, let name):
                headerState = parseHeaderValue(value, name: name)
            case .postHeaderValue(let value, let name):
                guard readByte() == .lf else { throw SyntaxError() }
                onHeader(String(bytes: name, encoding: .utf8) ?? "", String(bytes: value, encoding: .utf8) ?? "")
                headerState = .headerName([])
            case .postHeaders:
                guard readByte() == .lf else { throw SyntaxError() }
                return .body
            }
        }
        return .headers(state: headerState)
    }

    private func parseHeaderName(name: [UInt8]) throws -> HeaderState {
        var name = name
        while let byte = readByte() {
            switch byte {
            case .colon where !name.isEmpty: return .headerValue(name: name)
            case .cr where name.isEmpty: return .postHeaders
            case _ where byte.isHeaderNameCharacter: name.append(byte)
            default: throw SyntaxError()
            }
        }
        return .headerName(name)
    }

    private func parseHeaderValue(_ value: [UInt8], name: [UInt8]) -> HeaderState {
        var value = value
        while let byte = readByte() {
            switch byte {
            case .cr: return .postHeaderValue(value, name: name)
            case .space where value.isEmpty, .tab where value.isEmpty: continue  // leading blanks
            default: value.append(byte)
            }
        }
        return .headerValue(value, name: name)
    }

    private func parseBody() -> State {
        var end = position
        while end < input.count && input[end] != boundary[0] { end += 1 }
        if end > position {
            let slice = UnsafeRawBufferPointer(rebasing: input[position..<end])
            position = end
            onBody(slice)
        }
        return position < input.count ? .boundary() : .body
    }

    private func parseBoundary(boundaryMatchIndex: Int) throws -> State {
        var index = boundaryMatchIndex
        while true {
            guard let byte = readByte() else { return .boundary(boundaryMatchIndex: index) }
            guard index < boundary.count else {
                onPartComplete()
                switch byte {
                case .cr: return .headers(state: .preHeaders(.lf))
                case .hyphen: return .epilogue
                default: throw SyntaxError()
                }
            }
            guard byte == boundary[index] else {
                // Not the boundary after all: what matched so far is body.
                var text = Array(boundary[0..<index])
                if byte == boundary[0] {
                    text.withUnsafeBytes { onBody($0) }
                    return .boundary(boundaryMatchIndex: 1)
                }
                text.append(byte)
                text.withUnsafeBytes { onBody($0) }
                return .body
            }
            index += 1
        }
    }
}

private extension UInt8 {
    static let colon: UInt8 = 58
    static let lf: UInt8 = 10
    static let cr: UInt8 = 13
    static let hyphen: UInt8 = 45
    static let space: UInt8 = 32
    static let tab: UInt8 = 9

    /// RFC 822 field names: a token, any US-ASCII character except controls and tspecials.
    var isHeaderNameCharacter: Bool {
        switch self {
        case 0...32, 127...: false
        case UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "@"),
             UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: ":"), UInt8(ascii: "\\"), UInt8(ascii: "\""),
             UInt8(ascii: "/"), UInt8(ascii: "["), UInt8(ascii: "]"), UInt8(ascii: "?"), UInt8(ascii: "="),
             UInt8(ascii: "{"), UInt8(ascii: "}"): false
        default: true
        }
    }
}
