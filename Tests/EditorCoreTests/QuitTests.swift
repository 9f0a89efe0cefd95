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
            if case .picker(let picker)? = state.overlay {
                run(&state, [.folderListed(path: picker.folder, entries: [FilePicker.Entry(name: "a.png", isFolder: false, byteCount: 9)])])
            }
        },
        Place(description: "the mask picker (m)") { state in
            run(&state, [.key(.tab), .key(.character("m"))])
        },
        Place(description: "the history (F2)") { run(&$0, [.key(.function(2))]) },
        Place(description: "the history, typing a filter") { run(&$0, [.key(.function(2)), .historyLoaded([]), .key(.character("/"))]) },
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
        func overlay(_ name: String) -> Overlay? { Self.state(at: Self.places.first { $0.description == name }!).overlay }
        if case .help? = overlay("help (F1)") {} else { Issue.record("F1 opens the help") }
        if case .error? = overlay("an error panel (a refused send)") {} else { Issue.record("an empty prompt is refused in a panel") }
        if case .picker? = overlay("the mask picker (m)") {} else { Issue.record("m opens the mask picker") }
        if case .history(let browser)? = overlay("the history, typing a filter") { #expect(browser.typingFilter) } else { Issue.record("/ types a filter") }
        if case .export? = overlay("the export field") {} else { Issue.record("e asks where to export") }
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
        state.run = RunProgress(started: 0)
        #expect(Editor.update(&state, .key(key), size: small).isEmpty, "\(key) asks first from \(place)")
        #expect(state.quitArmed && state.notice?.contains("Ctrl-Q again") == true)
        #expect(Editor.update(&state, .key(key), size: small) == [.cancelRun, .quit], "a second \(key) cancels and quits from \(place)")
    }

    /// After an error panel, the editor still takes every key: the panel closes with Esc,
    /// typing reaches the prompt, and Ctrl-Q quits.
    @Test func keysWorkAfterAnErrorPanel() {
        var state = EditorState(sources: [source()], backend: .local)
        run(&state, [.key(.control("s"))])
        guard case .error? = state.overlay else {
            Issue.record("an empty prompt is refused in a panel")
            return
        }
        run(&state, [.key(.escape)] + type("boat"))
        #expect(state.overlay == nil && state.prompt.text == "boat")
        #expect(run(&state, [.key(.control("c"))]) == [.quit])
    }
}
