import Testing
import ImageEditModel
import Raster
@testable import EditorCore

func source(_ name: String = "/photos/lake.png", width: Int = 1024, height: Int = 768) -> SourceImage {
    SourceImage(path: name, facts: InputFacts(name: name, byteCount: 1000,
                                              header: .success(ImageHeader(format: .png, width: width, height: height, channels: .rgb))),
                width: width, height: height, preview: RGBAImage(width: width / 8, height: height / 8, fill: RGBA(40, 90, 160)))
}

let small = Size(columns: 80, rows: 24)
let large = Size(columns: 160, rows: 48)

/// Feeds messages through `update`, collecting the effects.
@discardableResult
func run(_ state: inout EditorState, _ messages: [Message], size: Size = small) -> [Effect] {
    messages.flatMap { Editor.update(&state, $0, size: size) }
}

func type(_ text: String) -> [Message] { text.map { .key(.character($0)) } }

@Suite struct EditorTests {
    @Test func opensReadyToTypeAndSends() {
        var state = EditorState(sources: [source()], backend: .local)
        #expect(state.focus == .prompt)
        run(&state, type("add a red boat"))
        let effects = run(&state, [.key(.control("s"))])
        guard case .send(let order)? = effects.first, let request = order.variants.first?.request else {
            Issue.record("Ctrl-S should send: \(effects)")
            return
        }
        #expect(request.prompt == "add a red boat")
        #expect(request.images.map(\.displayName) == ["/photos/lake.png"])
        #expect(request.stream == true && request.partialImages == 2)
        #expect(order.mask == nil)
        #expect(state.isRunning)
        #expect(run(&state, [.key(.control("s"))]).isEmpty, "one run at a time")
    }

    @Test func promptEditingWithWideCharactersAndCombiningMarks() {
        var state = EditorState(sources: [source()], backend: .local)
        run(&state, type("海の絵") + [.key(.left)] + type("e\u{301}"))
        #expect(state.prompt.text == "海のé絵")
        run(&state, [.key(.backspace), .key(.home)] + type(">"))
        #expect(state.prompt.text == ">海の絵")
        #expect(state.prompt.apiLength == 4)
        run(&state, [.key(.end), .key(.enter)] + type("line two") + [.key(.control("w"))])
        #expect(state.prompt.text == ">海の絵\nline ")
        run(&state, [.key(.paste("pasted\r\ntext\u{7}\u{9B}31m\u{85}"))])
        #expect(state.prompt.text == ">海の絵\nline pasted\ntext31m", "C0 and C1 controls are dropped")
        let screen = Editor.view(state, size: small)
        #expect(screen.text.contains { $0.contains("│line pasted") }, "the box scrolls to the cursor")
        #expect(screen.cursor != nil)
    }

    @Test func aPastedTabIsKeptAndDrawnAsASpace() {
        var state = EditorState(sources: [source()], backend: .local)
        run(&state, [.key(.paste("warm\tlight"))] + type("s"))
        #expect(state.prompt.text == "warm\tlights", "sent as written")
        let screen = Editor.view(state, size: small), lines = screen.text
        guard let row = lines.firstIndex(where: { $0.contains("│warm lights") }), let drawn = lines[row].firstRange(of: "warm lights") else {
            Issue.record("the prompt is not drawn with a space for its tab: \(lines)")
            return
        }
        // One cell for the tab: the cursor stands just past what was typed.
        #expect(screen.cursor == Point(x: lines[row].distance(from: lines[row].startIndex, to: drawn.upperBound), y: row))
    }

    @Test func maskRectanglesWithKeysAreExactPixels() {
        var state = EditorState(sources: [source(width: 1000, height: 500)], backend: .local)
        run(&state, [.key(.tab)])
        #expect(state.focus == .mask)
        // The cursor starts centred at a quarter of each side; move right by a tenth, grow by a tenth.
        run(&state, [.key(.right), .key(.shiftRight), .key(.enter)])
        #expect(state.mask?.rects == [PixelRect(x: 475, y: 187, width: 350, height: 125)])
        run(&state, [.key(.character("f")), .key(.up), .key(.character("a"))])
        #expect(state.mask?.rects.count == 2)
        #expect(state.mask?.rects.last?.y == 182)
        run(&state, [.key(.character("p")), .key(.character("d"))])
        #expect(state.mask?.rects.count == 1)
        let effects = run(&state, [.key(.backTab)] + type("x") + [.key(.control("s"))])
        guard case .send(let order)? = effects.first, let mask = order.mask else {
            Issue.record("expected a masked send")
            return
        }
        #expect(mask.width == 1000 && mask.height == 500)
        #expect(mask[600, 200].a == 0 && mask[0, 0].a == 255)
    }

    @Test func aLoadedMaskCombinesWithRectanglesAndInverts() {
        var state = EditorState(sources: [source(width: 8, height: 4)], backend: .local)
        state.mask?.loaded = RGBAImage(width: 8, height: 4) { x, _ in x < 2 ? .transparent : .white }
        state.mask?.rects = [PixelRect(x: 6, y: 0, width: 2, height: 4)]
        let image = try! #require(state.mask?.image())
        #expect((0..<8).map { image[$0, 1].a } == [0, 0, 255, 255, 255, 255, 0, 0])
        state.mask?.inverted = true
        #expect((0..<8).map { state.mask!.image()![$0, 1].a } == [255, 255, 0, 0, 0, 0, 255, 255])
        #expect(Editor.view(state, size: large).text.contains { $0.contains("mask: from file, 1 rect, inverted") })
        state.mask?.clear()
        #expect(state.mask?.image() == nil)
    }

    /// A click lands in the panel drawn under it: hit-testing and drawing share one layout
    /// (they once split the side column differently, so a click on the bottom of Sources could
    /// focus Parameters).
    @Test func clicksFocusThePanelDrawnUnderThem() {
        for rows in [12, 14, 16, 24, 48] {
            let size = Size(columns: 100, rows: rows)
            let layout = Layout(size: size)
            let screen = Editor.view(EditorState(sources: [source(width: 64, height: 64)], backend: .local), size: size)
            #expect(screen.text[layout.parameters.y].contains("Parameters"), "rows \(rows)")
            for y in layout.sources.y..<(layout.sources.y + layout.sources.height) {
                #expect(layout.panel(at: layout.sources.x + 2, y) == .sources, "rows \(rows), y \(y)")
            }
            for y in layout.parameters.y..<(layout.parameters.y + layout.parameters.height) {
                #expect(layout.panel(at: layout.parameters.x + 2, y) == .parameters, "rows \(rows), y \(y)")
            }
        }
    }

    @Test func mouseDragAddsARectangle() {
        var state = EditorState(sources: [source(width: 1024, height: 768)], backend: .local)
        let layout = Layout(size: small)
        let area = Layout.imageArea(width: 1024, height: 768, in: Layout.inner(layout.preview))
        run(&state, [.mouse(.press(x: area.x + 1, y: area.y + 1)), .mouse(.drag(x: area.x + 10, y: area.y + 5)),
                     .mouse(.release(x: area.x + 10, y: area.y + 5))])
        #expect(state.focus == .mask)
        #expect(state.mask?.rects.count == 1)
        let rect = state.mask!.rects[0]
        #expect(rect.x > 0 && rect.width > 0 && rect.maxX <= 1024 && rect.maxY <= 768)
    }

    @Test func invalidParametersShowTheirReasonAndAreNotSent() {
        var state = EditorState(sources: [source()], backend: .local)
        run(&state, type("x") + [.key(.tab), .key(.tab)])
        #expect(state.focus == .parameters)
        // model → dall-e-2: a 1024x768 RGB PNG breaks its rules.
        for _ in 0..<5 { run(&state, [.key(.right)]) }
        #expect(state.parameters.model == "dall-e-2")
        #expect(!state.pendingRequest.violations.isEmpty)
        let screen = Editor.view(state, size: large)
        #expect(screen.text.contains { $0.contains("! image") })
        #expect(run(&state, [.key(.control("s"))]).isEmpty)
        guard let title = state.top(ErrorOverlay.self)?.title else {
            Issue.record("expected the reasons in an overlay")
            return
        }
        #expect(title.contains("Not sent"))
        run(&state, [.key(.escape)])
        #expect(state.overlays.isEmpty && state.prompt.text == "x", "closing the error keeps everything")
    }

    @Test func runProgressPartialsResultsAndErrors() {
        var state = EditorState(sources: [source()], backend: .local)
        run(&state, type("x") + [.tick(now: 10), .key(.control("s")), .tick(now: 12.5)])
        run(&state, [.run(variant: 1, .status("receiving")), .run(variant: 1, .received(bytes: 2048))])
        let partial = RGBAImage(width: 8, height: 6, fill: RGBA(1, 1, 1))
        run(&state, [.run(variant: 1, .partial(partial))])
        #expect(state.preview == .partial(partial))
        var screen = Editor.view(state, size: small)
        #expect(screen.text[23].contains("receiving 2.5 s · 1 partial · 2.0 KB"))
        #expect(screen.images.first?.image == partial)
        run(&state, [.run(variant: 1, .saved(ResultItem(path: "/data/edit-1.png", preview: partial))), .finished(variant: 1, .completed(totalTokens: 90))])
        #expect(!state.isRunning && state.results.count == 1)
        #expect(state.notice == "Done: 1 image saved, 90 tokens")
        run(&state, [.key(.control("b"))])
        #expect(state.preview == .source)
        run(&state, [.key(.control("s")), .finished(variant: 1, .failed(title: "The API refused the edit", lines: ["size: invalid (code: invalid_value)"]))])
        screen = Editor.view(state, size: small)
        #expect(screen.text.contains { $0.contains("The API refused the edit") })
        #expect(screen.text.contains { $0.contains("code: invalid_value") })
        #expect(state.prompt.text == "x")
    }

    @Test func severalResultsOpenAsAGallery() {
        var state = EditorState(sources: [source()], backend: .local)
        let colours = [RGBA(200, 0, 0), RGBA(0, 200, 0), RGBA(0, 0, 200)]
        let items = colours.enumerated().map { i, c in ResultItem(path: "/data/edit-\(i + 1).png", preview: RGBAImage(width: 32, height: 32, fill: c)) }
        run(&state, type("x") + [.key(.control("s"))] + items.map { .run(variant: 1, .saved($0)) } + [.finished(variant: 1, .completed(totalTokens: nil))])
        #expect(state.preview == .gallery(selected: 0), "the run's first image is selected")

        var screen = Editor.view(state, size: large)
        #expect(screen.images.map(\.id) == [10, 11, 12])
        #expect(screen.images.map(\.image) == items.map(\.preview))
        #expect(screen.text[0].contains("Results 1/3"))
        #expect(screen.text.contains { $0.contains("2 edit-2.png") && $0.contains("3 edit-3.png") })
        // Tiles do not overlap and stay inside the preview.
        let preview = Layout.inner(Layout(size: large).preview)
        for (a, b) in zip(screen.images, screen.images.dropFirst()) { #expect(a.area.x + a.area.width <= b.area.x || a.area.y + a.area.height <= b.area.y) }
        #expect(screen.images.allSatisfy { $0.area.x >= preview.x && $0.area.x + $0.area.width <= preview.x + preview.width })

        run(&state, [.key(.tab), .key(.right), .key(.right), .key(.right)], size: large)
        #expect(state.focus == .mask && state.preview == .gallery(selected: 2), "stops at the last")
        #expect(run(&state, [.key(.character("u"))], size: large) == [.loadSource(path: "/data/edit-3.png")])
        run(&state, [.key(.left), .key(.enter)], size: large)
        #expect(state.preview == .result(1))
        run(&state, [.key(.character("g"))], size: large)
        #expect(state.preview == .gallery(selected: 1))

        // A click selects a tile; a second click opens it.
        screen = Editor.view(state, size: large)
        let first = screen.images[0].area
        run(&state, [.mouse(.press(x: first.x + 1, y: first.y + 1))], size: large)
        #expect(state.preview == .gallery(selected: 0))
        run(&state, [.mouse(.press(x: first.x + 1, y: first.y + 1))], size: large)
        #expect(state.preview == .result(0))
        // At 80x24 the tiles are smaller but all three show.
        run(&state, [.key(.character("g"))])
        #expect(Editor.view(state, size: small).images.count == 3)
    }

    @Test func aLongGalleryScrollsToTheSelection() {
        var state = EditorState(sources: [source()], backend: .local)
        state.results = (1...40).map { ResultItem(path: "/data/e\($0).png", preview: RGBAImage(width: 4, height: 4)) }
        state.focus = .mask
        run(&state, [.key(.character("g"))])
        #expect(state.preview == .gallery(selected: 39))
        let screen = Editor.view(state, size: small)
        #expect(screen.images.contains { $0.id == 10 + 39 }, "the selected tile is in view")
        #expect(!screen.images.contains { $0.id == 10 }, "the first ones scrolled away")
    }

    @Test func escapeCancelsAndQuitAsksDuringARun() {
        var state = EditorState(sources: [source()], backend: .local)
        run(&state, type("x") + [.key(.control("s"))])
        #expect(run(&state, [.key(.control("q"))]).isEmpty)
        #expect(state.top(ConfirmQuitOverlay.self) != nil, "it asks first")
        #expect(run(&state, [.key(.escape)]).isEmpty && state.overlays.isEmpty, "Esc answers: keep editing")
        #expect(run(&state, [.key(.escape)]) == [.cancelRun(variant: nil)])
        #expect(run(&state, [.key(.control("q"))]).isEmpty, "a new confirmation is needed after another key")
        #expect(run(&state, [.key(.control("q"))]) == [.cancelRun(variant: nil), .quit])
        var idle = EditorState(sources: [source()], backend: .local)
        #expect(run(&idle, [.key(.control("q"))]) == [.quit])
        #expect(run(&idle, [.key(.control("c"))]) == [.quit], "Ctrl-C quits too")
    }

    @Test func theEnginesUnderstandingEndsTheRun() {
        var state = EditorState(sources: [source()], backend: .local)
        run(&state, type("sepia and a boat") + [.key(.control("s")), .run(variant: 1, .engine("local; understood: sepia; ignored: boat")),
                                                .finished(variant: 1, .completed(totalTokens: nil))])
        #expect(state.notice == "Done: 0 images saved · understood: sepia; ignored: boat")
        // At 80 columns the notice is read whole: the backend and model step aside for it.
        let status = Editor.view(state, size: Size(columns: 80, rows: 24)).text[23]
        #expect(status.contains("Done: 0 images saved · understood: sepia; ignored: boat"), "\(status)")
        #expect(!status.contains("gpt-image"))
        #expect(Editor.view(state, size: Size(columns: 200, rows: 60)).text[59].contains("gpt-image-1.5"), "with room, both")
    }

    /// The session's cost adds each priced run; a run without a price adds nothing.
    @Test func theStatusLineCountsWhatTheSessionCost() throws {
        var start = EditorStart(sources: [source()], backend: .openAI)
        start.cost = try #require(Money(dollars: "0.0025"))
        var state = Editor.start(start).0
        run(&state, type("x") + [.key(.control("s")), .run(variant: 1, .cost(.usd(try #require(Money(dollars: "0.00245"))))), .finished(variant: 1, .completed(totalTokens: 100))])
        run(&state, [.key(.control("s")), .run(variant: 1, .cost(.unknown("no price known for gpt-image-2"))), .finished(variant: 1, .completed(totalTokens: 100))])
        #expect(state.sessionCost == Money(dollars: "0.00495"))
        #expect(Editor.view(state, size: large).text[47].contains("200 tokens · $0.0050 · OpenAI"), "\(Editor.view(state, size: large).text[47])")
    }

    @Test func earlierPromptsAreRecalled() {
        var state = EditorState(sources: [source()], backend: .local)
        run(&state, type("first") + [.key(.control("s")), .finished(variant: 1, .cancelled)])
        run(&state, [.key(.control("w"))] + type("second") + [.key(.control("s")), .finished(variant: 1, .cancelled)])
        run(&state, [.key(.control("w")), .key(.control("p"))])
        #expect(state.prompt.text == "second")
        run(&state, [.key(.control("p"))])
        #expect(state.prompt.text == "first")
    }

    @Test func sourcesReorderAndTheMaskFollowsTheFirst() {
        var state = EditorState(sources: [source("/a.png", width: 1024, height: 768), source("/b.png", width: 512, height: 512)], backend: .local)
        run(&state, [.key(.tab), .key(.enter), .key(.tab), .key(.tab)])
        #expect(state.focus == .sources)
        #expect(state.mask?.rects.count == 1)
        run(&state, [.key(.down), .key(.character("K"))])
        #expect(state.sources.map(\.path) == ["/b.png", "/a.png"])
        #expect(state.mask?.imageWidth == 512 && state.mask?.rects.isEmpty == true)
        run(&state, [.key(.character("d"))])
        #expect(state.sources.count == 1)
        run(&state, [.key(.character("d"))])
        #expect(state.sources.count == 1 && state.notice != nil)
    }

    @Test func browseResultsAndIterateOnOne() {
        var state = EditorState(sources: [source("/a.png", width: 1024, height: 768)], backend: .local)
        let image = RGBAImage(width: 4, height: 3, fill: RGBA(9, 9, 9))
        run(&state, type("x") + [.key(.control("s")), .run(variant: 1, .saved(ResultItem(path: "/r/edit-1.png", preview: image))),
                                 .run(variant: 1, .saved(ResultItem(path: "/r/edit-1-2.png", preview: image))), .finished(variant: 1, .completed(totalTokens: nil))])
        #expect(state.preview == .gallery(selected: 0), "two images show side by side")
        run(&state, [.key(.tab), .key(.enter), .key(.character("]")), .key(.character("["))])
        #expect(state.preview == .result(0))
        run(&state, [.key(.character("[")), .key(.character("]"))])
        #expect(state.preview == .result(1))
        #expect(run(&state, [.key(.character("u"))]) == [.loadSource(path: "/r/edit-1-2.png")])
        run(&state, [.sourceLoaded(source("/r/edit-1-2.png", width: 1024, height: 1024))])
        #expect(state.sources.map(\.path) == ["/r/edit-1-2.png", "/a.png"])
        #expect(state.preview == .source)
        #expect(state.mask?.imageWidth == 1024 && state.mask?.imageHeight == 1024, "the mask follows the new first source")
        run(&state, [.sourceFailed("/r/x.png: the file is empty")])
        guard let lines = state.top(ErrorOverlay.self)?.lines else { Issue.record("expected an error panel"); return }
        #expect(lines == ["/r/x.png: the file is empty"])
    }

    @Test func exportAsksForAPath() {
        var state = EditorState(sources: [source()], backend: .local)
        state.startFolder = "/home/me"
        let image = RGBAImage(width: 2, height: 2)
        run(&state, type("x") + [.key(.control("s")), .run(variant: 1, .saved(ResultItem(path: "/data/edit-1.png", preview: image))),
                                 .finished(variant: 1, .completed(totalTokens: nil)), .key(.tab), .key(.character("e"))])
        guard let export = state.top(ExportOverlay.self), export.result == 0 else { Issue.record("expected the export field"); return }
        #expect(export.path.text == "/home/me/edit-1.png")
        #expect(Editor.view(state, size: small).text.contains { $0.contains("/home/me/edit-1.png") })
        run(&state, [.key(.backspace), .key(.backspace), .key(.backspace), .key(.backspace)] + type(".jpg"))
        #expect(run(&state, [.key(.enter)]) == [.export(from: "/data/edit-1.png", to: "/home/me/edit-1.jpg")])
        run(&state, [.exportFailed("/home/me/edit-1.jpg: a file of that name exists; choose another name")])
        #expect(state.top(ErrorOverlay.self) != nil, "the failure is shown")
    }

    @Test func fullSizeView() {
        var state = EditorState(sources: [source()], backend: .local)
        run(&state, [.key(.tab), .key(.character("z"))])
        let zoomed = Editor.view(state, size: large)
        #expect(!zoomed.text.contains { $0.contains("Parameters") })
        let area = try! #require(zoomed.images.first).area
        #expect(area.height == 45, "the picture takes every row but the status line and the frame")
        run(&state, [.key(.tab)])
        #expect(!state.zoomed && Editor.view(state, size: large).text.contains { $0.contains("Parameters") })
    }

    @Test func filePickerBrowsesAndAdds() {
        var state = EditorState(sources: [], backend: .local)
        state.startFolder = "/photos"
        let effects = Editor.openPicker(&state)
        let picking = state.topLayer
        #expect(effects == [.listFolder(path: "/photos", replyTo: picking)])
        answer(&state, .folderListed(path: "/photos", entries: [
            .init(name: "b.JPG", isFolder: false, byteCount: 10), .init(name: "notes.txt", isFolder: false, byteCount: 5),
            .init(name: "trips", isFolder: true, byteCount: 0), .init(name: ".cache", isFolder: true, byteCount: 0),
            .init(name: "a.png", isFolder: false, byteCount: 20),
        ]))
        guard let picker = state.top(PickerOverlay.self)?.picker else { Issue.record("the picker should be open"); return }
        #expect(picker.entries.map(\.name) == ["..", "trips", "a.png", "b.JPG"])
        #expect(Editor.view(state, size: small).text.contains { $0.contains("Add a source: /photos") })
        #expect(run(&state, [.key(.down)]) == [])
        #expect(run(&state, [.key(.enter)]) == [.listFolder(path: "/photos/trips", replyTo: picking)])
        #expect(run(&state, [.key(.backspace)]) == [.listFolder(path: "/photos", replyTo: picking)])
        answer(&state, .folderListed(path: "/photos", entries: [.init(name: "a.png", isFolder: false, byteCount: 20)]))
        #expect(run(&state, [.key(.down), .key(.enter)]) == [.inspectFile(path: "/photos/a.png", replyTo: picking), .addSource(path: "/photos/a.png")])
        run(&state, [.sourceAdded(source("/photos/a.png", width: 800, height: 600))])
        #expect(state.sources.map(\.path) == ["/photos/a.png"])
        #expect(state.mask?.imageWidth == 800, "the first source added gets a mask")
        #expect(state.overlays.isEmpty && state.focus == .prompt, "the picker closes on adding: ready to type")
        run(&state, [.sourceAdded(source("/photos/a.png", width: 800, height: 600))])
        #expect(state.sources.count == 1 && state.notice == "a.png is already a source")
        // Several files at once: mark with Space, add with Enter.
        run(&state, [.key(.control("o"))])
        answer(&state, .folderListed(path: "/photos", entries: [.init(name: "c.webp", isFolder: false, byteCount: 1),
                                                               .init(name: "d.png", isFolder: false, byteCount: 1)]))
        run(&state, [.key(.down), .key(.character(" ")), .key(.character(" "))])
        #expect(Editor.view(state, size: small).text.contains { $0.contains("2 marked") })
        #expect(run(&state, [.key(.enter)]) == [.addSource(path: "/photos/c.webp"), .addSource(path: "/photos/d.png")])
        #expect(state.overlays.isEmpty)
        // A file the API would refuse is not added, and says why.
        run(&state, [.key(.control("o")), .sourceAdded(SourceImage(
            path: "/photos/huge.png", facts: InputFacts(name: "huge.png", byteCount: 60 * 1024 * 1024,
                                                        header: .success(ImageHeader(format: .png, width: 10, height: 10, channels: .rgb))),
            width: 10, height: 10, preview: RGBAImage(width: 1, height: 1)))])
        guard let lines = state.top(ErrorOverlay.self)?.lines else { Issue.record("expected the reason"); return }
        #expect(lines.first?.contains("under 50.0 MB") == true)
        #expect(state.overlays.first(PickerOverlay.self) != nil, "the picker stays open under the error")
        #expect(state.sources.count == 1)
    }

    @Test func filePickerShowsTheHighlightedFile() {
        var state = EditorState(sources: [], backend: .local)
        state.startFolder = "/photos"
        _ = Editor.openPicker(&state)
        let picking = state.topLayer
        // The listing highlights "..": nothing to read. Moving onto a file asks for it, once.
        #expect(answer(&state, .folderListed(path: "/photos", entries: [.init(name: "a.png", isFolder: false, byteCount: 20),
                                                                          .init(name: "big.png", isFolder: false, byteCount: 1)])) == [])
        #expect(run(&state, [.key(.down)]) == [.inspectFile(path: "/photos/a.png", replyTo: picking)])
        #expect(run(&state, [.key(.character("x"))]) == [], "the same file is not read again")
        #expect(Editor.view(state, size: large).text.contains { $0.contains("Reading…") })

        // An answer for a file no longer highlighted is dropped.
        #expect(run(&state, [.key(.down)]) == [.inspectFile(path: "/photos/big.png", replyTo: picking)])
        answer(&state, .fileInspected(source("/photos/a.png", width: 640, height: 480)))
        guard let picker = state.top(PickerOverlay.self)?.picker else { Issue.record("the picker should be open"); return }
        #expect(picker.details == .reading(path: "/photos/big.png"))

        let huge = SourceImage(path: "/photos/big.png", facts: InputFacts(name: "big.png", byteCount: 60 * 1024 * 1024,
                                                                          header: .success(ImageHeader(format: .png, width: 4000, height: 3000, channels: .rgba))),
                               width: 4000, height: 3000, preview: RGBAImage(width: 40, height: 30))
        answer(&state, .fileInspected(huge))
        let screen = Editor.view(state, size: large)
        #expect(screen.text.contains { $0.contains("4000x3000 · 60.0 MB") })
        #expect(screen.text.contains { $0.contains("PNG · RGBA") })
        #expect(screen.text.contains { $0.contains("✗ it is 60.0 MB; it must be under") })
        let thumbnail = try! #require(screen.images.first { $0.id == 2 })
        #expect(thumbnail.image.width == 40 && thumbnail.area.width > 10)
        #expect(!screen.images.contains { $0.id == 1 }, "the preview under the picker is not drawn over it")
        #expect(Editor.view(state, size: small).images.map(\.id) == [2], "80x24 has room for the picture")
        // Narrower, the verdict shows in one line.
        let narrow = Editor.view(state, size: Size(columns: 60, rows: 20))
        #expect(narrow.text.contains { $0.contains("✗ it is 60.0 MB") })
        #expect(narrow.images.isEmpty)

        run(&state, [.key(.up)])
        answer(&state, .fileInspectionFailed(path: "/photos/a.png", reason: "a.png: the file ends early"))
        #expect(Editor.view(state, size: large).text.contains { $0.contains("a.png: the file ends early") })
        // Back on "..": no details.
        run(&state, [.key(.up)])
        guard let back = state.top(PickerOverlay.self)?.picker else { Issue.record("the picker should be open"); return }
        #expect(back.details == nil)
    }

    @Test func aMaskPNGIsLoadedFromThePicker() {
        var state = EditorState(sources: [source("/photos/lake.png", width: 64, height: 48)], backend: .local)
        run(&state, [.key(.tab)])
        #expect(state.focus == .mask)
        let effects = run(&state, [.key(.character("m"))])
        let picking = state.topLayer
        #expect(effects == [.listFolder(path: "/photos", replyTo: picking)])
        answer(&state, .folderListed(path: "/photos", entries: [.init(name: "a.jpg", isFolder: false, byteCount: 9),
                                                               .init(name: "m.png", isFolder: false, byteCount: 9)]))
        guard let picker = state.top(PickerOverlay.self)?.picker else { Issue.record("the picker should be open"); return }
        #expect(picker.entries.map(\.name) == ["..", "m.png"], "a mask is a PNG")
        #expect(Editor.view(state, size: large).text.contains { $0.contains("Load a mask for lake.png: /photos") })
        #expect(run(&state, [.key(.down), .key(.character(" "))]) == [.inspectFile(path: "/photos/m.png", replyTo: picking)])
        guard let unmarked = state.top(PickerOverlay.self)?.picker else { Issue.record("the picker should be open"); return }
        #expect(unmarked.marked.isEmpty, "one mask, nothing to mark")
        // The details judge the file as a mask for this source.
        answer(&state, .fileInspected(SourceImage(path: "/photos/m.png", facts: InputFacts(name: "m.png", byteCount: 9,
                                                   header: .success(ImageHeader(format: .png, width: 64, height: 48, channels: .rgb))),
                                                   width: 64, height: 48, preview: RGBAImage(width: 64, height: 48))))
        #expect(Editor.view(state, size: large).text.contains { $0.contains("✗ a mask must be a PNG with an alpha") })
        #expect(run(&state, [.key(.enter)]) == [.readMask(path: "/photos/m.png")])
        #expect(state.overlays.isEmpty)

        // The wrong size is refused, saying which size is needed; the mask is unchanged.
        run(&state, [.maskRead(path: "/photos/m.png", image: RGBAImage(width: 32, height: 32), format: .png, hasAlpha: true)])
        guard let error = state.top(ErrorOverlay.self) else { Issue.record("expected the reason"); return }
        #expect(error.title == "m.png cannot be the mask")
        #expect(error.lines == ["the mask is 32x32; it must match lake.png, 64x48"])
        #expect(state.mask?.loaded == nil)
        run(&state, [.key(.escape)])

        var image = RGBAImage(width: 64, height: 48, fill: RGBA(0, 0, 0, 255))
        for y in 0..<10 { for x in 0..<20 { image[x, y] = RGBA(0, 0, 0, 0) } }
        run(&state, [.maskRead(path: "/photos/m.png", image: image, format: .png, hasAlpha: true)])
        #expect(state.mask?.loaded == image)
        #expect(state.mask?.loadedPreview?.width == 8, "the overlay copy is the preview's size")
        #expect(Editor.view(state, size: large).text.contains { $0.contains("mask: from file") })
        #expect(state.notice?.contains("Mask loaded from m.png") == true)
    }

    @Test(arguments: [small, large])
    func layoutAtBothSizes(size: Size) {
        var state = EditorState(sources: [source()], backend: .local)
        run(&state, type("a prompt"), size: size)
        let screen = Editor.view(state, size: size)
        let text = screen.text
        #expect(text.count == size.rows)
        #expect(text.allSatisfy { DisplayWidth.of($0) == size.columns })
        #expect(text[0].contains("lake.png 1024x768"))
        #expect(text.contains { $0.contains("Sources 1/16") })
        #expect(text.contains { $0.contains("Parameters") })
        #expect(text.contains { $0.contains("Prompt 8/32000") })
        #expect(text[size.rows - 1].contains("local engine (offline) · gpt-image-1.5"))
        let image = try! #require(screen.images.first)
        #expect(image.area.width <= Layout(size: size).preview.width - 2)
        run(&state, [.key(.function(1))], size: size)
        #expect(Editor.view(state, size: size).text.contains { $0.contains("Keys") })
    }

    @Test func tinyTerminalsGetAClearMessage() {
        let state = EditorState(sources: [source()], backend: .local)
        #expect(Editor.view(state, size: Size(columns: 30, rows: 10)).text[0].contains("needs at least 40x12"))
    }
}

extension EditorState {
    /// The top overlay, when it is a `T`.
    func top<T: OverlayLayer>(_: T.Type) -> T? { overlays.top as? T }
    var topLayer: LayerID { overlays.entries.last?.id ?? LayerID(0) }
}

/// The runtime's answer to what the top overlay asked.
@discardableResult
func answer(_ state: inout EditorState, _ reply: Reply, size: Size = small) -> [Effect] {
    Editor.update(&state, .reply(state.topLayer, reply), size: size)
}
