import Testing
import ImageEditModel
import Raster
@testable import EditorCore

/// Ctrl-Q and Ctrl-C must reach the editor from every panel, overlay and preview: an overlay
/// that swallowed them left a person no way out but a signal.
@Suite struct QuitTests {
    /// A state showing one place of the editor, reached with keys as a person would.
    struct Place: CustomStringConvertible, Sendable {
        var description: String
        var reach: @Sendable (inout EditorState) -> Void
    }

    static func withResults(_ state: inout EditorState) {
        state.results = [ResultItem(path: "/r/edit-1.png", preview: RGBAImage(width: 8, height: 8)),
                         ResultItem(path: "/r/edit-2.png", preview: RGBAImage(width: 8, height: 8))]
    }

    static let places: [Place] = [
        Place(description: "the prompt") { _ in },
        Place(description: "help (F1)") { run(&$0, [.key(.function(1))]) },
        Place(description: "help (?) scrolled") { state in
            run(&state, [.key(.tab), .key(.character("?")), .key(.down)])
        },
        Place(description: "an error panel (a refused send)") { state in
            run(&state, [.key(.control("w")), .key(.control("s"))])
        },
        Place(description: "an error panel (an unreadable image)") { run(&$0, [.sourceFailed("x.png: not an image")]) },
        Place(description: "the file picker (Ctrl-O)") { run(&$0, [.key(.control("o"))]) },
        Place(description: "the file picker, listed") { state in
            run(&state, [.key(.control("o"))])
            if let picker = state.top(PickerOverlay.self)?.picker {
                answer(&state, .folderListed(path: picker.folder, entries: [FilePicker.Entry(name: "a.png", isFolder: false, byteCount: 9)]))
            }
        },
        Place(description: "the mask picker (m)") { state in
            run(&state, [.key(.tab), .key(.character("m"))])
        },
        Place(description: "the history (F2)") { run(&$0, [.key(.function(2))]) },
        Place(description: "the history, typing a filter") { state in
            run(&state, [.key(.function(2))])
            answer(&state, .historyLoaded([]))
            run(&state, [.key(.character("/"))])
        },
        Place(description: "an error over the picker") { state in
            run(&state, [.key(.control("o")), .sourceFailed("x.png: not an image")])
        },
        Place(description: "the export field") { state in
            withResults(&state)
            run(&state, [.key(.tab), .key(.control("b")), .key(.character("e"))])
        },
        Place(description: "the results grid") { state in
            withResults(&state)
            run(&state, [.key(.tab), .key(.character("g"))])
        },
        Place(description: "a comparison") { state in
            withResults(&state)
            run(&state, [.key(.tab), .key(.control("b")), .key(.character("v")), .key(.character("f"))])
        },
        Place(description: "the mask panel") { run(&$0, [.key(.tab)]) },
        Place(description: "the parameters") { run(&$0, [.key(.tab), .key(.tab)]) },
        Place(description: "the sources") { run(&$0, [.key(.tab), .key(.tab), .key(.tab)]) },
    ]

    static func state(at place: Place) -> EditorState {
        var state = EditorState(sources: [source()], backend: .local)
        state.prompt.insert("x")
        place.reach(&state)
        return state
    }

    @Test func theOverlaysAreReached() {
        func overlay(_ name: String) -> (any OverlayLayer)? { Self.state(at: Self.places.first { $0.description == name }!).overlays.top }
        #expect(overlay("help (F1)") is HelpOverlay, "F1 opens the help")
        #expect(overlay("an error panel (a refused send)") is ErrorOverlay, "an empty prompt is refused in a panel")
        #expect((overlay("the mask picker (m)") as? PickerOverlay)?.picker.purpose == .loadMask, "m opens the mask picker")
        #expect((overlay("the history, typing a filter") as? HistoryOverlay)?.browser.typingFilter == true, "/ types a filter")
        #expect(overlay("the export field") is ExportOverlay, "e asks where to export")
        let stacked = Self.state(at: Self.places.first { $0.description == "an error over the picker" }!).overlays
        #expect(stacked.top is ErrorOverlay && stacked.entries.count == 2, "the error goes over the picker, which stays")
        #expect(Self.state(at: Self.places.first { $0.description == "the results grid" }!).preview == .gallery(selected: 1))
        if case .compare = Self.state(at: Self.places.first { $0.description == "a comparison" }!).preview {} else { Issue.record("v compares") }
    }

    @Test(arguments: places, [Key.control("q"), Key.control("c")])
    func quitsFromEverywhere(place: Place, key: Key) {
        var state = Self.state(at: place)
        #expect(Editor.update(&state, .key(key), size: small) == [.quit], "\(key) quits from \(place)")
    }

    @Test(arguments: places, [Key.control("q"), Key.control("c")])
    func asksFirstWhileAnEditRuns(place: Place, key: Key) {
        var state = Self.state(at: place)
        state.sent = RunSet(number: 0, runs: [RunProgress(Variant(number: 1, request: EditRequest(images: [], prompt: "x")))])
        #expect(Editor.update(&state, .key(key), size: small).isEmpty, "\(key) asks first from \(place)")
        #expect(state.top(ConfirmQuitOverlay.self) != nil, "it asks")
        #expect(Editor.view(state, size: small).text.contains { $0.contains("Ctrl-Q or Ctrl-C again: cancel and quit") }, "both keys that asked")
        #expect(Editor.update(&state, .key(key), size: small) == [.cancelRun(variant: nil), .quit], "a second \(key) cancels and quits from \(place)")
    }

    @Test func theQuestionCanBeAnsweredOrDismissed() {
        var state = Self.state(at: Self.places[0])
        state.sent = RunSet(number: 0, runs: [RunProgress(Variant(number: 1, request: EditRequest(images: [], prompt: "x")))])
        run(&state, [.key(.control("q")), .key(.character("n"))])
        #expect(state.overlays.isEmpty, "n keeps editing")
        #expect(run(&state, [.key(.control("q")), .key(.character("y"))]) == [.cancelRun(variant: nil), .quit])
        // The run ends while it asks: the question stays, so the answer meant for it is not typed.
        run(&state, [.key(.escape), .key(.control("q")), .finished(variant: 1, .completed(totalTokens: nil)), .key(.character("n"))])
        #expect(state.overlays.isEmpty && state.prompt.text == "x", "n answered the question")
        #expect(run(&state, [.key(.control("q"))]) == [.quit], "no run: Ctrl-Q quits")
    }

    /// After an error panel, the editor still takes every key: the panel closes with Esc,
    /// typing reaches the prompt, and Ctrl-Q quits.
    @Test func keysWorkAfterAnErrorPanel() {
        var state = EditorState(sources: [source()], backend: .local)
        run(&state, [.key(.control("s"))])
        guard state.top(ErrorOverlay.self) != nil else {
            Issue.record("an empty prompt is refused in a panel")
            return
        }
        run(&state, [.key(.escape)] + type("boat"))
        #expect(state.overlays.isEmpty && state.prompt.text == "boat")
        #expect(run(&state, [.key(.control("c"))]) == [.quit])
    }
}
