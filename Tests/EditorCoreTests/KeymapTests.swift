import Foundation
import Testing
@testable import EditorCore

@Suite struct KeymapTests {
    static let readme = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../README.md").standardized
    static let begin = "<!-- keys: made from Sources/EditorCore/Keymap/Bindings.swift -->\n"
    static let end = "<!-- end of keys -->"

    /// The README's key table is the keymap's. After a change of bindings, run the test with
    /// RETOUCH_RECORD_README=1 to write the new table, and commit both.
    @Test func theReadmesKeyTableIsGenerated() throws {
        var text = try String(contentsOf: Self.readme, encoding: .utf8)
        let start = try #require(text.range(of: Self.begin), "README.md has no generated key table")
        let stop = try #require(text.range(of: Self.end, range: start.upperBound..<text.endIndex))
        let shown = String(text[start.upperBound..<stop.lowerBound])
        if ProcessInfo.processInfo.environment["RETOUCH_RECORD_README"] == "1" {
            text.replaceSubrange(start.upperBound..<stop.lowerBound, with: Keymap.markdownTable)
            try text.write(to: Self.readme, atomically: true, encoding: .utf8)
            return
        }
        #expect(shown == Keymap.markdownTable, "README.md's key table differs from the keymap: run with RETOUCH_RECORD_README=1")
    }

    @Test func everyBindingIsInTheHelp() {
        let help = Keymap.helpSections(first: []).flatMap(\.rows).joined(separator: "\n")
        for binding in Keymap.bindings {
            #expect(help.contains("\(binding.keysLabel)  \(binding.description)"), "\(binding.context): \(binding.description)")
        }
        #expect(help.contains("Ctrl-A") && help.contains("Ctrl-E") && help.contains("Ctrl-D") && help.contains("PgUp"))
    }

    /// A key bound twice in one context would do only the first thing.
    @Test func noKeyIsBoundTwiceInAContext() {
        for context in KeyContext.allCases {
            let keys = Keymap.bindings(in: context).flatMap(\.keys)
            for (i, key) in keys.enumerated() {
                #expect(!keys[(i + 1)...].contains(key), "\(key.label) twice in \(context)")
            }
        }
    }

    /// What a layer's chain of contexts finds: the first context that binds the key wins.
    @Test func keysGoToTheTopLayerFirst() {
        #expect(Keymap.action(for: .character("g"), in: [.gallery, .anyResult, .preview]) == .openResult)
        #expect(Keymap.action(for: .character("g"), in: [.result, .anyResult, .preview, .mask]) == .grid)
        #expect(Keymap.action(for: .character("x"), in: [.prompt, .text]) == .insertText)
        #expect(Keymap.action(for: .paste("a"), in: [.export, .text]) == .insertText)
        #expect(Keymap.action(for: .character("x"), in: [.help]) == nil)
        #expect(Keymap.action(for: .control("c"), in: [.always]) == .quit)
    }

    /// A key an overlay does not bind goes nowhere: nothing happens behind it.
    @Test func anOverlayKeepsTheKeysItDoesNotBind() {
        var state = EditorState(sources: [source()], backend: .local)
        run(&state, [.key(.function(1)), .key(.tab), .key(.control("s")), .key(.character("x"))])
        #expect(state.focus == .prompt && !state.isRunning && state.prompt.text.isEmpty)
        #expect(state.top(HelpOverlay.self) != nil)
    }

    /// The status line's hints are the focused layer's, then the main screen's.
    @Test func hintsFollowTheFocus() {
        var state = EditorState(sources: [source()], backend: .local)
        run(&state, [.key(.tab), .key(.tab)])
        #expect(Keymap.hints(for: state.keyContexts).starts(with: ["↑↓ field", "←→ value", "s sweep", "? help", "Ctrl-S send"]))
        run(&state, [.key(.control("o"))])
        #expect(Keymap.hints(for: state.keyContexts).first == "↑↓ choose", "an overlay's own keys")
    }
}
