import ArgumentParser
@testable import retouch
import TerminalGraphics
import Testing

/// `ShowRequest.plain` reads common `retouch show` command lines without ArgumentParser;
/// whatever it accepts must mean exactly what ArgumentParser would read, and the rest is left to it.
@Suite struct ShowArgumentsTests {
    static let vocabulary = [
        "a.png", "--width", "--colors", "--graphics", "--dither", "40", "0", "-3", "+8", "sixel", "ordered", "none",
        "--width=12", "--graphics=halfblock", "--colors=1", "--dither=diffusion", "--", "-h", "--unknown", "=",
    ]

    /// Every command line of up to three words from the vocabulary above.
    @Test func whatTheFastReadingAcceptsArgumentParserReadsTheSame() throws {
        var lines: [[String]] = [], longest: [[String]] = [[]]
        for _ in 1...3 {
            longest = longest.flatMap { line in Self.vocabulary.map { line + [$0] } }
            lines += longest
        }
        var accepted = 0
        for line in lines {
            guard let fast = ShowRequest.plain(["show"] + line) else { continue }
            accepted += 1
            #expect(fast == (try Show.parse(line)).request, "\(line)")
        }
        #expect(accepted > 300, "the vocabulary should reach the fast reading often")
    }

    @Test func commonCommandLinesTakeTheFastReading() throws {
        for line in [
            ["a.png"], ["--graphics", "sixel", "a.png", "b.jpg"], ["a.png", "--width=40", "--height", "12"],
            ["--graphics=kitty", "--colors", "16", "--dither", "ordered", "a.png"], ["-"], ["-", "--width", "9"],
        ] {
            let fast = try #require(ShowRequest.plain(["show"] + line), "\(line)")
            #expect(fast == (try Show.parse(line)).request, "\(line)")
        }
    }

    @Test func everythingElseIsLeftToArgumentParser() {
        for line in [
            ["edit", "a.png"], ["show"], ["show", "--help"], ["show", "-h", "a.png"], ["show", "--", "-a.png"],
            ["show", "--width", "0", "a.png"], ["show", "--colors", "1", "a.png"], ["show", "--width", "4", "--width", "5", "a.png"],
            ["show", "--bogus", "1", "a.png"], ["show", "a.png", "--width"], ["show", "--graphics", "png", "a.png"],
            ["show", "--version"], ["show", "a.png", "--width=x"],
        ] {
            #expect(ShowRequest.plain(line[...]) == nil, "\(line)")
        }
    }
}
