import Foundation
import Testing
import TerminalText

@Suite struct TerminalTextTests {
    static let bidi: [UInt32] = [0x061C, 0x200E, 0x200F, 0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2066, 0x2067, 0x2068, 0x2069]

    @Test func everyControlIsEscaped() {
        #expect(TerminalText.safe("a\tb\nc\rd\u{1B}[2J") == "a\\tb\\nc\\rd\\x1b[2J")
        #expect(TerminalText.safe("del\u{7F} csi\u{9B}31m nel\u{85}") == "del\\x7f csi\\x9b31m nel\\x85")
        #expect(TerminalText.safe("invoice_\u{202E}gnp.exe") == "invoice_\\u{202e}gnp.exe")
        for value in Self.bidi + Array(0x00...0x1F) + [0x7F] + Array(0x80...0x9F) {
            let text = TerminalText.safe("x" + String(UnicodeScalar(value)!) + "y")
            #expect(!text.unicodeScalars.contains { $0.value == value }, "U+\(String(value, radix: 16)) is escaped")
            #expect(text.unicodeScalars.allSatisfy { $0.value >= 0x20 && $0.value < 0x7F })
        }
    }

    @Test func ordinaryTextIsUntouched() {
        let text = "海の絵 · é (e\u{301}) 👍🏽 \u{200D}\u{200B} ünïcödé \u{A0}"
        #expect(TerminalText.safe(text) == text)
        #expect(TerminalText.isPrintable("é") && TerminalText.isPrintable("👍🏽"))
        #expect(!TerminalText.isPrintable("\u{202E}") && !TerminalText.isPrintable("\u{9B}") && !TerminalText.isPrintable("\r\n"))
    }

    @Test func jsonEscapesWhatTheEncoderLeavesRaw() throws {
        let prompt = "csi\u{9B}2J del\u{7F} rlo\u{202E} lri\u{2066} tab\t"
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let raw = String(decoding: try encoder.encode(["prompt": prompt]), as: UTF8.self)
        let safe = TerminalText.json(raw)
        #expect(safe.contains("csi\\u009b2J del\\u007f rlo\\u202e lri\\u2066"))
        #expect(!safe.unicodeScalars.contains { TerminalText.isControl($0) && $0 != "\n" })
        let decoded = try JSONDecoder().decode([String: String].self, from: Data(safe.utf8))
        #expect(decoded["prompt"] == prompt, "the escapes decode to the same text")
    }
}
