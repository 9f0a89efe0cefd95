import Foundation
import ImageEditModel
import Raster
import SessionModel
import Testing
@testable import EditorCore

private func pastRun(_ id: Int64, prompt: String, results: [String] = [], rects: [PixelRect] = [], loadedMask: Bool = false,
                     tokens: Int? = nil, status: PastRun.Status = .completed) -> PastRun {
    PastRun(id: id, sessionID: "s", started: Double(id), finished: status == .completed ? Double(id) + 12 : nil, status: status, prompt: prompt,
            parameters: ["model": "gpt-image-1", "quality": "high", "n": "2"],
            sources: [SourceReference(path: "/photos/lake.png", sha256: "00")], maskRects: rects, maskInverted: !rects.isEmpty,
            hasLoadedMask: loadedMask, backend: "local engine (offline)", totalTokens: tokens, results: results)
}

@Suite struct SessionTests {
    @Test func aDraftIsTheEditorsInputsAndComesBack() {
        var state = EditorState(sources: [source("/a.png", width: 100, height: 80)], backend: .local)
        run(&state, type("a kite") + [.key(.tab), .key(.enter), .key(.character("i")), .key(.tab), .key(.down), .key(.right)])
        let draft = state.draft
        #expect(draft.prompt == "a kite" && draft.sources == ["/a.png"])
        #expect(draft.maskRects.count == 1 && draft.maskInverted)
        #expect(draft.parameters["size"] != nil && draft.parameters["model"] == "gpt-image-1.5")

        var reopened = EditorState(sources: [source("/a.png", width: 100, height: 80)], backend: .local)
        reopened.restore(draft)
        #expect(reopened.draft == draft)
        // Rectangles that do not fit a different first source are dropped, the rest stays.
        var other = EditorState(sources: [source("/b.png", width: 10, height: 10)], backend: .local)
        other.restore(draft)
        #expect(other.prompt.text == "a kite" && other.mask?.rects.isEmpty == true)
    }

    @Test func historyBrowsesFiltersAndRestores() {
        var state = EditorState(sources: [source("/photos/lake.png", width: 1024, height: 768)], backend: .local)
        run(&state, type("typing this"))
        let effects = run(&state, [.key(.function(2))])
        let browsing = state.topLayer
        #expect(effects == [.loadHistory(filter: "", allSessions: false, replyTo: browsing)])
        #expect(Editor.view(state, size: large).text.contains { $0.contains("Reading…") })
        let runs = [pastRun(2, prompt: "snowy peaks", results: ["/r/2.png", "/r/2-2.png"], rects: [PixelRect(x: 10, y: 10, width: 50, height: 40)],
                            tokens: 900),
                    pastRun(1, prompt: "a red boat", status: .interrupted)]
        #expect(answer(&state, .historyLoaded(runs)) == [.inspectFile(path: "/r/2.png", replyTo: browsing)], "the first result's picture is read")
        var screen = Editor.view(state, size: large)
        #expect(screen.text.contains { $0.contains("History · this session · 2 runs") })
        #expect(screen.text.contains { $0.contains("snowy peaks") && $0.contains("2 img · 12 s") })
        #expect(screen.text.contains { $0.contains("a red boat") && $0.contains("interrupted") })
        #expect(screen.text.contains { $0.contains("mask: 1 rect, inverted") })
        #expect(screen.text.contains { $0.contains("tokens: 900") }, "tokens in the pane")
        #expect(Editor.view(state, size: small).text.contains { $0.contains("model=gpt-image-1 n=2 quality=high · 900 tokens") },
                "at 80x24, the selected run in one line")
        // The next result of the run, then the picture arrives.
        #expect(run(&state, [.key(.right)]) == [.inspectFile(path: "/r/2-2.png", replyTo: browsing)])
        answer(&state, .fileInspected(source("/r/2-2.png", width: 64, height: 48)))
        screen = Editor.view(state, size: large)
        #expect(screen.images.map(\.id) == [3])
        #expect(screen.text.contains { $0.contains("result 2/2: 2-2.png") })

        // Filtering asks again with the text typed; a and the scope.
        #expect(run(&state, [.key(.character("/"))] + type("bo")) == [.loadHistory(filter: "b", allSessions: false, replyTo: browsing),
                                                                     .loadHistory(filter: "bo", allSessions: false, replyTo: browsing)])
        #expect(run(&state, [.key(.enter), .key(.character("a"))]) == [.loadHistory(filter: "bo", allSessions: true, replyTo: browsing)])
        answer(&state, .historyLoaded(runs))
        #expect(Editor.view(state, size: large).text.contains { $0.contains("History · all sessions") })

        // Enter restores the run's prompt, parameters and mask; the sources stay.
        run(&state, [.key(.enter)])
        #expect(state.overlays.isEmpty)
        #expect(state.prompt.text == "snowy peaks")
        #expect(state.parameters.values[.quality] == "high" && state.parameters.model == "gpt-image-1")
        #expect(state.mask?.rects == [PixelRect(x: 10, y: 10, width: 50, height: 40)] && state.mask?.inverted == true)
        #expect(state.sources.map(\.path) == ["/photos/lake.png"])
        #expect(state.notice == "Restored run 2: prompt, parameters and mask")

        // A run with a loaded mask asks for it.
        run(&state, [.key(.function(2))])
        answer(&state, .historyLoaded([pastRun(5, prompt: "x", loadedMask: true)]))
        #expect(run(&state, [.key(.enter)]) == [.readRunMask(runID: 5)])
    }

    /// A run's cost is in the history, from the prices and the tokens it recorded.
    @Test func historyShowsWhatARunCost() {
        var state = EditorState(sources: [source()], backend: .openAI)
        let priced = PastRun(id: 3, sessionID: "s", started: 3, finished: 9, status: .completed, prompt: "fog",
                             parameters: ["model": "gpt-image-1"], sources: [], maskRects: [], maskInverted: false,
                             hasLoadedMask: false, backend: "OpenAI", inputTokens: 50, outputTokens: 50, totalTokens: 100,
                             inputTextTokens: 10, inputImageTokens: 40, outputImageTokens: 50)
        run(&state, [.key(.function(2))])
        answer(&state, .historyLoaded([priced]))
        // 10 × $5 + 40 × $10 + 50 × $40 per million.
        #expect(Editor.view(state, size: large).text.contains { $0.contains("tokens: 100 (in 50, out 50) · $0.0025") })
        #expect(Editor.view(state, size: small).text.contains { $0.contains("100 tokens · $0.0025") })
    }

    /// With a model, quality and size that have a published price, the panel estimates the images.
    @Test func parametersEstimateTheOutput() {
        var state = EditorState(sources: [source()], backend: .openAI)
        state.parameters.values[.model] = "gpt-image-1"
        state.parameters.values[.quality] = "high"
        state.parameters.values[.size] = "1024x1024"
        state.parameters.values[.n] = "2"
        #expect(Editor.view(state, size: large).text.contains { $0.contains("estimate: $0.3340 out") })
        state.backend = .local
        #expect(!Editor.view(state, size: large).text.contains { $0.contains("estimate:") }, "the local engine costs nothing")
    }

    @Test func historyRunsAgainAndBranches() {
        var state = EditorState(sources: [source()], backend: .local)
        run(&state, [.key(.function(2))])
        answer(&state, .historyLoaded([pastRun(7, prompt: "fog", results: ["/r/7.png"])]))
        #expect(run(&state, [.key(.character("b"))]) == [.loadSource(path: "/r/7.png")], "branch: the result becomes the first source")
        #expect(state.overlays.isEmpty)
        run(&state, [.key(.function(2))])
        answer(&state, .historyLoaded([pastRun(7, prompt: "fog", results: ["/r/7.png"])]))
        #expect(run(&state, [.key(.character("r"))]) == [.rerun(runID: 7)])
        #expect(state.isRunning && state.overlays.isEmpty)
        // Not while another edit runs.
        run(&state, [.key(.function(2))])
        answer(&state, .historyLoaded([pastRun(7, prompt: "fog")]))
        #expect(run(&state, [.key(.character("r"))]) == [])
        #expect(state.notice?.contains("An edit is running") == true)
        run(&state, [.key(.escape)])
        // The store cannot be read: said plainly.
        run(&state, [.key(.escape), .key(.function(2))])
        answer(&state, .historyFailed("the session store failed: disk I/O error"))
        guard let lines = state.top(ErrorOverlay.self)?.lines else { Issue.record("expected an error panel"); return }
        #expect(lines == ["the session store failed: disk I/O error"])
        run(&state, [.key(.escape)])
        #expect(state.top(HistoryOverlay.self) != nil, "closing the error shows the history again")
    }

    @Test func resultsAreComparedSideBySideOrFlipped() {
        var state = EditorState(sources: [source()], backend: .local)
        let items = [RGBA(200, 0, 0), RGBA(0, 200, 0), RGBA(0, 0, 200)].enumerated().map { i, c in
            ResultItem(path: "/r/e\(i + 1).png", preview: RGBAImage(width: 16, height: 12, fill: c))
        }
        state.results = items
        state.focus = .mask
        state.preview = .result(1)
        run(&state, [.key(.character("v"))], size: large)
        #expect(state.preview == .compare(Comparison(left: .source, right: .result(1))))
        var screen = Editor.view(state, size: large)
        #expect(screen.images.map(\.id) == [20, 21])
        #expect(screen.images[0].image == state.sources[0].preview && screen.images[1].image == items[1].preview)
        #expect(screen.images[0].area.x + screen.images[0].area.width <= screen.images[1].area.x, "side by side")
        #expect(screen.text.contains { $0.contains("A before · lake.png") && $0.contains("B 2 · e2.png") })

        run(&state, [.key(.character("f"))], size: large)
        screen = Editor.view(state, size: large)
        #expect(screen.images.map(\.image) == [items[1].preview], "flip: one picture in place")
        run(&state, [.key(.character(" "))], size: large)
        #expect(Editor.view(state, size: large).images.map(\.image) == [state.sources[0].preview])

        // In the grid: v marks one, v on another compares the two.
        run(&state, [.key(.character("g")), .key(.home), .key(.character("v"))], size: large)
        #expect(state.compareMark == 0 && state.notice?.contains("marked") == true)
        run(&state, [.key(.end), .key(.character("v"))], size: large)
        #expect(state.preview == .compare(Comparison(left: .result(0), right: .result(2))))
        run(&state, [.key(.escape)])
        #expect(state.preview == .source)
    }

    @Test func earlierPromptsComeBackWithUpAndFromEverySessionWithCtrlR() {
        var state = EditorState(sources: [source()], backend: .local)
        state.recall.earlier = ["old one", "old two"]
        run(&state, type("first") + [.key(.control("s")), .finished(variant: 1, .cancelled), .key(.control("w"))])
        run(&state, type("second") + [.key(.control("s")), .finished(variant: 1, .cancelled), .key(.control("w"))])
        run(&state, type("half typed"))
        run(&state, [.key(.up)])
        #expect(state.prompt.text == "second")
        run(&state, [.key(.up), .key(.up)])
        #expect(state.prompt.text == "first", "this session only")
        run(&state, [.key(.down), .key(.down)])
        #expect(state.prompt.text == "half typed", "past the newest, the text being typed comes back")
        run(&state, [.key(.control("r")), .key(.up), .key(.up), .key(.up)])
        #expect(state.prompt.text == "old two")
        run(&state, [.key(.up), .key(.up)])
        #expect(state.prompt.text == "old one")
        // Down inside a multi-line prompt moves between its lines.
        run(&state, [.key(.control("w")), .key(.control("w"))] + type("line one") + [.key(.enter)] + type("line two") + [.key(.up)])
        #expect(state.prompt.text == "line one\nline two" && state.prompt.position.line == 0)
    }

    @Test func wallClockTimes() throws {
        let utc = try #require(TimeZone(identifier: "UTC"))
        #expect(WallClock.text(0, in: utc) == "01-01 00:00")
        #expect(WallClock.text(1_795_622_580, in: utc) == "11-25 16:03")  // 2026-11-25T16:03:00Z
        #expect(WallClock.text(1_709_208_000, in: TimeZone(secondsFromGMT: -5 * 3600)!) == "02-29 07:00", "a leap day, west of UTC")
        #expect(WallClock.text(1_798_761_540, in: TimeZone(secondsFromGMT: 60)!) == "01-01 00:00", "the new year, east of UTC")
        // One zone, two offsets: each date gets the one in force on that day.
        let berlin = try #require(TimeZone(identifier: "Europe/Berlin"))
        #expect(WallClock.text(1_795_622_580, in: berlin) == "11-25 17:03", "winter: UTC+1")
        #expect(WallClock.text(1_784_736_180, in: berlin) == "07-22 18:03", "summer: UTC+2")  // 2026-07-22T16:03:00Z
    }

    @Test func tokensAddUpInTheStatusLine() {
        var state = EditorState(sources: [source()], backend: .local)
        state.sessionTokens = 1000
        run(&state, type("x") + [.key(.control("s")), .finished(variant: 1, .completed(totalTokens: 234))])
        #expect(state.sessionTokens == 1234)
        #expect(Editor.view(state, size: large).text[47].contains("1234 tokens · local engine (offline)"))
    }
}

@Suite struct StatusLineTests {
    @Test func hintsGiveWayWholeNotMidWord() {
        let state = EditorState(sources: [source()], backend: .local)
        let line = Editor.view(state, size: small).text[23]
        let hints = Keymap.hints(for: state.keyContexts)
        #expect(hints.starts(with: ["type", "↑ earlier prompts", "Ctrl-S send"]))
        #expect(line.contains("type · ↑ earlier prompts · Ctrl-S send"))
        // Whatever is shown ends with a whole hint.
        let shown = line.components(separatedBy: "local engine")[0].trimmingCharacters(in: .whitespaces)
        #expect(hints.contains { shown.hasSuffix($0) }, "\(shown)")
    }
}

@Suite struct HelpTests {
    @Test func helpListsTheFocusedPanelsKeysFirstAndScrolls() {
        var state = EditorState(sources: [source()], backend: .local)
        run(&state, [.key(.tab), .key(.character("?"))])
        #expect(state.top(HelpOverlay.self)?.offset == 0)
        var text = Editor.view(state, size: small).text
        let firstSection = text.firstIndex { $0.contains("Mask (the preview panel)") }
        let anywhere = text.firstIndex { $0.contains("Anywhere") }
        #expect(firstSection != nil && (anywhere == nil || firstSection! < anywhere!), "the mask's keys first")
        #expect(text.contains { $0.contains("Keys (1–") }, "at 80x24 it says there is more")
        #expect(text.contains { $0.contains("↑↓ scroll · Esc, Enter or q closes") })
        // Scrolled to the end, the last section shows; the offset stops there.
        run(&state, Array(repeating: .key(.pageDown), count: 40))
        text = Editor.view(state, size: small).text
        #expect(text.contains { $0.contains("History filter (/)") })
        #expect(text.contains { $0.contains("done filtering") })
        guard let end = state.top(HelpOverlay.self)?.offset else { Issue.record("help should be open"); return }
        run(&state, [.key(.up)])
        #expect(state.top(HelpOverlay.self)?.offset == end - 1, "the offset stops at the end, so one step back moves")
        run(&state, [.key(.escape)])
        #expect(state.overlays.isEmpty)
        // At 160x48 everything fits.
        run(&state, [.key(.function(1))])
        text = Editor.view(state, size: large).text
        #expect(text.contains { $0.contains("─ Keys (1–") } && text.contains { $0.contains("Prompt") })
    }
}
