import EditorCore
import Testing
@testable import TerminalUI

/// Bracketed paste as ncurses delivers it: character by character, in as many reads as the
/// terminal's buffer cuts it into.
@Suite struct PasteAssemblerTests {
    /// What ncurses gives for `text`: Esc, Enter and Tab as keys, everything else as characters.
    static func keys(_ text: String) -> [Curses.Input] {
        text.map { c -> Curses.Input in
            switch c {
            case "\u{1B}": .key(.escape)
            case "\n", "\r": .key(.enter)
            case "\t": .key(.tab)
            default: .key(.character(c))
            }
        }
    }

    static let pasted = "a heron\n\tstanding «still» 🐦 in the reeds"
    static let stream = keys("x\u{1B}[200~" + pasted + "\u{1B}[201~y")
    static let whole: [Curses.Input] = [.key(.character("x")), .key(.paste(pasted)), .key(.character("y"))]

    @Test func aPasteInOneRead() {
        var assembler = PasteAssembler()
        #expect(assembler.feed(Self.stream) == Self.whole)
        #expect(!assembler.isWaiting)
    }

    /// Every cut into two reads, markers included, gives the same inputs; except right after
    /// the first Esc: ncurses waits ESCDELAY for what follows an Esc, so an Esc that ends a read
    /// came alone, and is the Esc key.
    @Test func aPasteCutAnywhereIntoTwoReads() {
        for cut in 0...Self.stream.count where cut != 2 {
            var assembler = PasteAssembler()
            let inputs = assembler.feed(Array(Self.stream[..<cut])) + assembler.feed(Array(Self.stream[cut...]))
            #expect(inputs == Self.whole, "cut after \(cut) inputs")
            #expect(!assembler.isWaiting)
        }
    }

    /// After "x Esc [", one input a read.
    @Test func aPasteInReadsOfOneInputEach() {
        var assembler = PasteAssembler()
        var inputs = assembler.feed(Array(Self.stream[..<3]))
        #expect(inputs == [.key(.character("x"))] && assembler.isWaiting)
        for input in Self.stream[3...] { inputs += assembler.feed([input]) }
        #expect(inputs == Self.whole)
        #expect(!assembler.isWaiting)
    }

    @Test func aLongPasteOverManyReads() {
        let text = String(repeating: "0123456789 abcdefghij\n", count: 2000)
        let stream = Self.keys("\u{1B}[200~" + text + "\u{1B}[201~")
        var assembler = PasteAssembler()
        var inputs: [Curses.Input] = []
        var offset = 0
        while offset < stream.count {
            let end = min(stream.count, offset + 4093)
            inputs += assembler.feed(Array(stream[offset..<end]))
            offset = end
        }
        #expect(inputs == [.key(.paste(text))])
    }

    /// A lone Esc is a key at once (it closes panels); only "Esc [" waits for what follows.
    @Test func aLoneEscapeIsNeverHeldBack() {
        var assembler = PasteAssembler()
        #expect(assembler.feed([.key(.escape)]) == [.key(.escape)])
        #expect(assembler.feed(Self.keys("a\u{1B}")) == [.key(.character("a")), .key(.escape)])
        #expect(!assembler.isWaiting)
        // Esc [ that turns out not to start a paste comes through with the next read.
        #expect(assembler.feed(Self.keys("\u{1B}[")) == [])
        #expect(assembler.feed(Self.keys("A")) == Self.keys("\u{1B}[A"))
    }

    @Test func aResizeDuringAPasteIsKept() {
        var assembler = PasteAssembler()
        let resize = Curses.Input.resize(Size(columns: 120, rows: 40))
        #expect(assembler.feed(Self.keys("\u{1B}[200~ab")) == [])
        #expect(assembler.feed([resize] + Self.keys("c\u{1B}[201~")) == [resize, .key(.paste("abc"))])
    }

    /// A paste whose end marker never comes (a mangled byte ate it) ends where it is when
    /// flushed; the keys after it are keys again.
    @Test func aPasteWithoutItsEndIsFlushedWhole() {
        var assembler = PasteAssembler()
        #expect(assembler.feed(Self.keys("\u{1B}[200~one two")) == [])
        #expect(assembler.isWaiting)
        #expect(assembler.flush() == [.key(.paste("one two"))])
        #expect(!assembler.isWaiting)
        #expect(assembler.feed([.key(.control("c"))]) == [.key(.control("c"))])
        #expect(assembler.feed(Self.keys("\u{1B}[2")) == [])
        #expect(assembler.flush() == Self.keys("\u{1B}[2"), "a marker cut short comes back as the keys it was")
    }
}
