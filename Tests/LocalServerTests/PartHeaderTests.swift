import Testing
@testable import LocalServer

/// A part's Content-Disposition parameters (RFC 7578, RFC 2183): quoted strings may hold `;`,
/// `=` and backslash-escaped quotes.
@Suite struct PartHeaderTests {
    @Test func plainAndQuotedValues() {
        let header = #"form-data; name="image[]"; filename="lake.png""#
        #expect(FormReader.parameter("name", in: header) == "image[]")
        #expect(FormReader.parameter("filename", in: header) == "lake.png")
        #expect(FormReader.parameter("name", in: "form-data; name=prompt") == "prompt")
        #expect(FormReader.parameter("size", in: header) == nil)
    }

    @Test func aSemicolonInsideQuotesDoesNotSplit() {
        let header = #"form-data; name="image"; filename="a; name=evil.png""#
        #expect(FormReader.parameter("filename", in: header) == "a; name=evil.png")
        #expect(FormReader.parameter("name", in: header) == "image")
        let first = #"form-data; filename="x;y=z.png"; name="mask""#
        #expect(FormReader.parameter("name", in: first) == "mask")
        #expect(FormReader.parameter("filename", in: first) == "x;y=z.png")
    }

    @Test func backslashEscapesAreUndone() {
        let header = #"form-data; name="image"; filename="say \"hi\"; ok\\.png""#
        #expect(FormReader.parameter("filename", in: header) == #"say "hi"; ok\.png"#)
        #expect(FormReader.parameter("name", in: header) == "image")
    }

    @Test func namesMatchInAnyCaseAndNotByPrefix() {
        let header = #"form-data; Name="prompt"; FILENAME="p.txt""#
        #expect(FormReader.parameter("name", in: header) == "prompt")
        #expect(FormReader.parameter("filename", in: header) == "p.txt")
        #expect(FormReader.parameter("name", in: #"form-data; filename="only.png""#) == nil)
        #expect(FormReader.parameter("name", in: #"form-data; name = "spaced" "#) == "spaced")
    }

    @Test func anUnclosedQuoteKeepsWhatThereIs() {
        #expect(FormReader.parameter("filename", in: #"form-data; name="image"; filename="half"#) == "half")
    }
}
