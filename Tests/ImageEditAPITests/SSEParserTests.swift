import TestSupport
import Testing
@testable import ImageEditAPI
import ImageEditModel

@Suite struct SSEParserTests {
    static let recording = """
        : a comment the parser ignores\r
        event: image_edit.partial_image\r
        data: {"type":"image_edit.partial_image","partial_image_index":0}\r
        \r
        event: image_edit.partial_image
        data: {"type":"image_edit.partial_image",
        data: "partial_image_index":1}

        id: 7\rdata:no space after the colon\r\rdata\n\n: keep-alive\n\nevent: image_edit.completed\r\ndata: {"type":"image_edit.completed"}\r\n\r\ndata: [DONE]\n\n
        """

    static let expected: [ServerSentEvent] = [
        ServerSentEvent(event: "image_edit.partial_image",
                        data: Array(#"{"type":"image_edit.partial_image","partial_image_index":0}"#.utf8)),
        ServerSentEvent(event: "image_edit.partial_image",
                        data: Array("{\"type\":\"image_edit.partial_image\",\n\"partial_image_index\":1}".utf8)),
        ServerSentEvent(data: Array("no space after the colon".utf8), id: "7"),
        ServerSentEvent(data: [], id: "7"),
        ServerSentEvent(event: "image_edit.completed", data: Array(#"{"type":"image_edit.completed"}"#.utf8), id: "7"),
        ServerSentEvent(data: Array("[DONE]".utf8), id: "7"),
    ]

    func parse(_ chunks: [[UInt8]]) -> [ServerSentEvent] {
        var parser = SSEParser()
        var events = chunks.flatMap { try! parser.feed($0) }
        events += try! parser.finish()
        return events
    }

    @Test func parsesTheWHATWGRules() {
        #expect(parse([Array(Self.recording.utf8)]) == Self.expected)
    }

    @Test func everySplitPointGivesTheSameEvents() {
        let bytes = Array(Self.recording.utf8)
        for split in 0...bytes.count {
            #expect(parse([Array(bytes[..<split]), Array(bytes[split...])]) == Self.expected, "split at \(split)")
        }
    }

    @Test func byteByByteAndRandomChunks() {
        let bytes = Array(Self.recording.utf8)
        #expect(parse(bytes.map { [$0] }) == Self.expected)
        var generator = SeededRandom(default: 20_260_501)
        for _ in 0..<200 {
            var chunks: [[UInt8]] = []
            var offset = 0
            while offset < bytes.count {
                let size = Int.random(in: 1...17, using: &generator)
                chunks.append(Array(bytes[offset..<min(bytes.count, offset + size)]))
                offset += size
            }
            #expect(parse(chunks) == Self.expected, "chunks of \(chunks.map(\.count)), \(generator)")
        }
    }

    @Test func aTwentyMegabyteLineInSmallChunks() {
        let payload = [UInt8](repeating: UInt8(ascii: "Q"), count: 20 * 1024 * 1024)
        let stream = Array("event: image_edit.completed\ndata: ".utf8) + payload + Array("\n\n".utf8)
        var parser = SSEParser()
        var events: [ServerSentEvent] = []
        var offset = 0
        while offset < stream.count {
            let end = min(stream.count, offset + 65_536)
            events += try! parser.feed(stream[offset..<end])
            offset = end
        }
        #expect(events.count == 1)
        #expect(events.first?.data.count == payload.count)
        #expect(events.first?.event == "image_edit.completed")
    }

    @Test func unfinishedEventIsDroppedAndBOMIgnored() {
        #expect(parse([[0xEF, 0xBB, 0xBF] + Array("data: a\n\ndata: b\n".utf8)]) == [ServerSentEvent(data: Array("a".utf8))])
        // A BOM split across chunks.
        #expect(parse([[0xEF, 0xBB, 0xBF], Array("data: x\n\n".utf8)]) == [ServerSentEvent(data: Array("x".utf8))])
    }

    @Test func aLineOverTheLimitStopsTheParserButKeepsEarlierEvents() throws {
        var parser = SSEParser(maxEventBytes: 1000)
        let first = try parser.feed(Array("data: ok\n\ndata: ".utf8) + [UInt8](repeating: 65, count: 600))
        #expect(first == [ServerSentEvent(data: Array("ok".utf8))])
        // The rest of the same line passes the limit, though no single chunk does.
        #expect(throws: SSEParser.EventTooLarge(limit: 1000)) { try parser.feed([UInt8](repeating: 65, count: 600)) }
        #expect(throws: SSEParser.EventTooLarge(limit: 1000)) { try parser.feed(Array("\n\ndata: x\n\n".utf8)) }
        #expect(throws: SSEParser.EventTooLarge(limit: 1000)) { try parser.finish() }
    }

    @Test func manyDataLinesOverTheLimitStopTheParser() throws {
        var parser = SSEParser(maxEventBytes: 1000)
        let line = Array("data: ".utf8) + [UInt8](repeating: 66, count: 90) + [0x0A]
        var threw = false
        for _ in 0..<20 {
            do { _ = try parser.feed(line) } catch { threw = true; break }
        }
        #expect(threw)
    }

    @Test func anEventAtTheLimitPasses() throws {
        var parser = SSEParser(maxEventBytes: 100)
        let payload = [UInt8](repeating: 67, count: 94)
        let events = try parser.feed(Array("data: ".utf8) + payload + Array("\n\n".utf8))
        #expect(events.first?.data == payload)
    }

    /// Parsing in chunks must match parsing whole (the fuzz target checks it): an empty chunk
    /// between a CR and its LF made the parser forget the CR, so the LF ended a second, blank
    /// line and dispatched the event early.
    @Test func anEmptyChunkBetweenCRAndLF() {
        let expected = [ServerSentEvent(data: Array("a\nb".utf8))]
        #expect(parse([Array("data: a\r".utf8), [], Array("\ndata: b\n\n".utf8)]) == expected)
        #expect(parse([Array("data: a\r".utf8), [], [], Array("\ndata: b\n".utf8), [], Array("\n".utf8)]) == expected)
    }

    /// Found by fuzzing: a BOM split inside itself was kept, which made the first field's name
    /// unknown. Only a whole BOM at the very start is dropped.
    @Test func aBOMSplitInsideItself() {
        let bom: [UInt8] = [0xEF, 0xBB, 0xBF]
        let rest = Array("data: x\n\n".utf8)
        for split in 1...2 {
            #expect(parse([Array(bom[..<split]), Array(bom[split...]) + rest]) == [ServerSentEvent(data: Array("x".utf8))])
        }
        #expect(parse([[0xEF], [], [0xBB], [0xBF], rest]) == [ServerSentEvent(data: Array("x".utf8))])
        // Half a BOM followed by something else is text, in one chunk or several.
        let halfBOM: [UInt8] = [0xEF, 0xBB] + Array("data: y\n\n".utf8) + rest
        #expect(parse([halfBOM]) == [ServerSentEvent(data: Array("x".utf8))])
        #expect(parse([[0xEF], [0xBB], Array(halfBOM.dropFirst(2))]) == [ServerSentEvent(data: Array("x".utf8))])
        #expect(parse([[0xEF, 0xBB] + Array("data".utf8), Array(": z\n\n".utf8)]) == [])
    }
}
