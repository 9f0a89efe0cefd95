import Testing
@testable import LocalServer

/// A part's Content-Disposition parameters (RFC 7578, RFC 2183): quoted strings may hold `;`,
/// `=` and backslash-escaped quotes.
@Suite struct PartHeaderTests {
    @Test func plainAndQuotedValues() {
        let header = #"form-data; name="image[]"; filename="lake.png""#
        #expect(EditHandler.parameter("name", in: header) == "image[]")
        #expect(EditHandler.parameter("filename", in: header) == "lake.png")
        #expect(EditHandler.parameter("name", in: "form-data; name=prompt") == "prompt")
        #expect(EditHandler.parameter("size", in: header) == nil)
    }

    @Test func aSemicolonInsideQuotesDoesNotSplit() {
        let header = #"form-data; name="image"; filename="a; name=evil.png""#
        #expect(EditHandler.parameter("filename", in: header) == "a; name=evil.png")
        #expect(EditHandler.parameter("name", in: header) == "image")
        let first = #"form-data; filename="x;y=z.png"; name="mask""#
        #expect(EditHandler.parameter("name", in: first) == "mask")
        #expect(EditHandler.parameter("filename", in: first) == "x;y=z.png")
    }

    @Test func backslashEscapesAreUndone() {
        let header = #"form-data; name="image"; filename="say \"hi\"; ok\\.png""#
        #expect(EditHandler.parameter("filename", in: header) == #"say "hi"; ok\.png"#)
        #expect(EditHandler.parameter("name", in: header) == "image")
    }

    @Test func namesMatchInAnyCaseAndNotByPrefix() {
        let header = #"form-data; Name="prompt"; FILENAME="p.txt""#
        #expect(EditHandler.parameter("name", in: header) == "prompt")
        #expect(EditHandler.parameter("filename", in: header) == "p.txt")
        #expect(EditHandler.parameter("name", in: #"form-data; filename="only.png""#) == nil)
        #expect(EditHandler.parameter("name", in: #"form-data; name = "spaced" "#) == "spaced")
    }

    @Test func anUnclosedQuoteKeepsWhatThereIs() {
        #expect(EditHandler.parameter("filename", in: #"form-data; name="image"; filename="half"#) == "half")
    }
}
