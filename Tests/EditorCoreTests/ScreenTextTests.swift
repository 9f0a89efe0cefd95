import Testing
import ImageEditModel
import Raster
import SessionModel
import TerminalText
@testable import EditorCore

/// Every text enters the screen through `Screen.put`, which lets no control through: not C0,
/// DEL or C1, and not the bidirectional controls that reorder what a panel shows.
@Suite struct ScreenTextTests {
    static let hostile = "a\u{1B}[2Jb\u{9B}31mc\u{7F}d\u{202E}gnp.exe\u{2066}e\u{200F}f\u{85}g"

    func controls(_ screen: Screen) -> [Unicode.Scalar] {
        screen.cells.flatMap { $0.text.unicodeScalars.filter(TerminalText.isControl) }
    }

    @Test func putShowsEachControlAsOneQuestionMark() {
        var screen = Screen(size: Size(columns: 40, rows: 1))
        let end = screen.put(Self.hostile, x: 0, y: 0)
        #expect(controls(screen).isEmpty)
        #expect(screen.text[0].hasPrefix("a?[2Jb?31mc?d?gnp.exe?e?f?g"))
        #expect(end == 27, "each control takes one cell, as the prompt's cursor counts it")
        #expect(DisplayWidth.of("\u{202E}") == 1 && DisplayWidth.of("\u{9B}") == 1)
    }

    @Test func everyPanelIsCovered() {
        var state = EditorState(sources: [source("/photos/\u{202E}gnp.exe\u{9B}.png")], backend: .custom("http://u:secret@h\u{202E}:1/v1"))
        state.prompt.insert(Self.hostile)
        state.notice = "notice \u{202E}x\u{9B}"
        let overlays: [any OverlayLayer] = [ErrorOverlay(title: "title\u{202E}", lines: [Self.hostile]), HelpOverlay(first: [.prompt]),
                                            ExportOverlay(result: 0, path: Self.hostile)]
        for overlay in overlays {
            state.overlays.closeAll()
            state.overlays.push(overlay)
            state.results = [ResultItem(path: "/r/\u{202E}x.png", preview: RGBAImage(width: 4, height: 4))]
            let screen = Editor.view(state, size: Size(columns: 120, rows: 40))
            #expect(controls(screen).isEmpty, "\(overlay)")
            #expect(!screen.text.joined().contains("secret"), "the status line shows the URL without its password")
        }
        var browser = HistoryBrowser()
        browser.loading = false
        browser.runs = [PastRun(id: 1, sessionID: "s", started: 0, status: .failed, prompt: Self.hostile, parameters: ["model": "m\u{202E}"],
                                sources: [SourceReference(path: "/p/\u{2066}a.png", sha256: "")], maskRects: [], maskInverted: false,
                                hasLoadedMask: false, backend: "b\u{9B}", error: Self.hostile)]
        var history = HistoryOverlay()
        history.browser = browser
        state.overlays.closeAll()
        state.overlays.push(history)
        #expect(controls(Editor.view(state, size: Size(columns: 120, rows: 40))).isEmpty)
        #expect(controls(Editor.view(state, size: Size(columns: 80, rows: 24))).isEmpty)
    }

    /// Names that differ at their end keep it when cut.
    @Test func aNameCutKeepsItsEnd() {
        #expect(Text.end(of: "edit-20261201-015516-v2.png", width: 10) == "…16-v2.png")
        #expect(Text.end(of: "short.png", width: 10) == "short.png")
        #expect(Text.end(of: "猫猫猫猫.png", width: 7) == "…猫.png", "wide characters count two cells")
    }
}
