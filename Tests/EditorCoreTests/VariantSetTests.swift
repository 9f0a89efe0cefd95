import Testing
import ImageEditModel
import Raster
import SessionModel
@testable import EditorCore

/// Prompt variants and sweeps: written in the prompt and parameters panels, sent with one
/// Ctrl-S, shown a tile each, one of them kept as the winner.
@Suite struct VariantSetTests {
    /// The editor with three prompt variants typed, the second being edited.
    static func threeVariants() -> EditorState {
        var state = EditorState(sources: [source()], backend: .local)
        run(&state, type("remove the sun") + [.key(.control("t"))] + type("make it black and white") + [.key(.control("t"))] + type("warmer"))
        run(&state, [.key(.shiftLeft)])
        return state
    }

    static func sent(_ effects: [Effect]) -> SendOrder? {
        effects.lazy.compactMap { if case .send(let order) = $0 { order } else { nil } }.first
    }

    @Test func variantsAreAddedSwitchedDuplicatedAndDeleted() {
        var state = Self.threeVariants()
        #expect(state.variants.map(\.text) == ["remove the sun", "make it black and white", "warmer"])
        #expect(state.activeVariant == 1 && state.prompt.text == "make it black and white")
        run(&state, [.key(.shiftRight), .key(.shiftRight)])
        #expect(state.activeVariant == 0, "switching wraps around")
        run(&state, [.key(.control("y"))] + type(", then sepia"))
        #expect(state.variants.map(\.text) == ["remove the sun", "remove the sun, then sepia", "make it black and white", "warmer"])
        // A variant with text goes only when asked twice; its text is kept until then.
        run(&state, [.key(.control("x"))])
        #expect(state.variants.count == 4 && state.notice?.contains("again") == true)
        run(&state, [.key(.control("x"))])
        #expect(state.variants.map(\.text) == ["remove the sun", "make it black and white", "warmer"])
        for _ in 0..<10 { run(&state, [.key(.control("t"))]) }
        #expect(state.variants.count == Variant.limit && state.notice == "At most \(Variant.limit) variants")
    }

    @Test func ctrlSSendsEveryVariantAsOneSet() throws {
        var state = Self.threeVariants()
        let order = try #require(Self.sent(run(&state, [.key(.control("s"))])))
        #expect(order.set == 1 && order.isSet)
        #expect(order.variants.map(\.number) == [1, 2, 3])
        #expect(order.variants.map(\.request.prompt) == ["remove the sun", "make it black and white", "warmer"])
        #expect(order.variants.allSatisfy { $0.request.images.map(\.displayName) == ["/photos/lake.png"] && $0.request.mask == nil })
        #expect(state.isRunning && state.preview == .set(selected: 0))
        #expect(state.sent?.runs.map(\.label) == ["remove the sun", "make it black and white", "warmer"])
        #expect(run(&state, [.key(.control("s"))]).isEmpty, "one send at a time")
        #expect(state.recall.sent.suffix(3) == ["remove the sun", "make it black and white", "warmer"], "every variant can be recalled")
    }

    @Test func anEmptyVariantIsNotSent() {
        var state = Self.threeVariants()
        run(&state, [.key(.control("t"))])
        #expect(Self.sent(run(&state, [.key(.control("s"))])) == nil)
        let error = state.top(ErrorOverlay.self)
        #expect(error?.lines == ["variant 3 has no prompt"], "\(String(describing: error))")
        #expect(state.variants.count == 4, "nothing is lost")
    }

    @Test func aSweepSendsOneVariantPerValue() throws {
        var state = EditorState(sources: [source()], backend: .openAI)
        // A model and size with a published price per image, for the estimate.
        state.parameters.values[.model] = "gpt-image-1"
        state.parameters.values[.size] = "1024x1024"
        run(&state, type("a red boat") + [.key(.tab), .key(.tab), .key(.down), .key(.down)])
        #expect(state.parameters.selected == .quality)
        run(&state, [.key(.right), .key(.character("s"))])
        #expect(state.sweep == Sweep(field: .quality, values: [state.parameters.values[.quality]!]))
        let first = state.parameters.values[.quality]!
        run(&state, [.key(.right), .key(.right), .key(.character("s"))])
        let second = state.parameters.values[.quality]!
        #expect(state.sweep == Sweep(field: .quality, values: [first, second]))
        let screen = Editor.view(state, size: small).text.joined(separator: "\n")
        #expect(screen.contains("⇄ \(first),\(second)") && screen.contains("2 variants ≈ $"), "\(screen)")
        let order = try #require(Self.sent(run(&state, [.key(.control("s"))])))
        #expect(order.variants.map(\.request.quality) == [first, second])
        #expect(order.variants.map(\.label) == ["quality=\(first)", "quality=\(second)"])
        #expect(order.sweptField == .quality && state.sent?.columns == 2, "a sweep is one row of tiles")
    }

    @Test func aSweepOfOneValueIsRefusedAndClearedWithShiftS() {
        var state = EditorState(sources: [source()], backend: .local)
        run(&state, type("x") + [.key(.tab), .key(.tab), .key(.down), .key(.down), .key(.right), .key(.character("s"))])
        #expect(Self.sent(run(&state, [.key(.control("s"))])) == nil)
        #expect(state.top(ErrorOverlay.self)?.lines.first?.contains("has one value") == true)
        run(&state, [.key(.escape), .key(.character("S"))])
        #expect(state.sweep == nil)
    }

    /// Three variants arrive out of order; each tile gets its own partial, image, time and cost.
    @Test func eachVariantsEventsGoToItsTile() throws {
        var state = Self.threeVariants()
        run(&state, [.tick(now: 10), .key(.control("s"))])
        run(&state, [.run(variant: 2, .started), .run(variant: 1, .started), .tick(now: 11)])
        run(&state, [.run(variant: 2, .partial(RGBAImage(width: 4, height: 4, fill: RGBA(1, 2, 3))))])
        #expect(state.sent?.runs[1].partial != nil && state.sent?.runs[0].partial == nil)
        #expect(state.preview == .set(selected: 0), "the grid stays")
        let price = try #require(Money(dollars: "0.02"))
        for variant in [2, 1, 3] {
            run(&state, [.run(variant: variant, .started), .run(variant: variant, .saved(ResultItem(path: "/r/v\(variant).png", preview: nil))),
                         .run(variant: variant, .cost(.usd(price))), .tick(now: 12 + Double(variant)),
                         .finished(variant: variant, .completed(totalTokens: 1000 * variant))])
        }
        let set = try #require(state.sent)
        #expect(set.runs.map { state.results[$0.results[0]].path } == ["/r/v1.png", "/r/v2.png", "/r/v3.png"])
        #expect(!state.isRunning && state.sessionTokens == 6000)
        #expect(state.sessionCost == price + price + price)
        #expect(state.notice == "Set 1: 3 images from 3 of 3 variants · 6000 tokens · \((price + price + price).formatted) · w marks the winner")
        #expect(SetGrid.factsLine(set.runs[1], now: 20).0 == "4.0 s · 2000 tok · \(price.formatted)", "from the send at 10 s to 14 s")
    }

    @Test func theWinnersPromptAndSettingsBecomeTheEditorsAndTheStoreIsTold() throws {
        var state = EditorState(sources: [source()], backend: .local)
        run(&state, type("a red boat") + [.key(.tab), .key(.tab), .key(.down), .key(.down), .key(.right), .key(.character("s")),
                                          .key(.right), .key(.character("s")), .key(.right)])
        let swept = try #require(state.sweep?.values)
        run(&state, [.key(.control("s"))])
        for variant in 1...2 {
            run(&state, [.run(variant: variant, .saved(ResultItem(path: "/r/v\(variant).png", preview: nil))), .finished(variant: variant, .completed(totalTokens: nil))])
        }
        // To the preview, the second tile, w.
        run(&state, [.key(.backTab), .key(.right)])
        #expect(state.focus == .mask && state.preview == .set(selected: 1))
        let effects = run(&state, [.key(.character("w"))])
        #expect(effects == [.recordWinner(set: 1, variant: 2)])
        #expect(state.sent?.winner == 2 && state.sweep == nil)
        #expect(state.variants.map(\.text) == ["a red boat"] && state.parameters.values[.quality] == swept[1])
        // u: its image becomes the first source.
        #expect(run(&state, [.key(.character("u"))]) == [.loadSource(path: "/r/v2.png")])
    }

    @Test func xCancelsOneVariantAndEscAll() {
        var state = Self.threeVariants()
        run(&state, [.key(.control("s")), .key(.tab), .key(.right)])
        #expect(run(&state, [.key(.character("x"))]) == [.cancelRun(variant: 2)])
        #expect(state.sent?.runs.map(\.cancelling) == [false, true, false])
        run(&state, [.finished(variant: 2, .cancelled)])
        #expect(run(&state, [.key(.escape)]) == [.cancelRun(variant: nil)])
        #expect(state.sent?.runs.map(\.status) == ["cancelling", "cancelling", "cancelling"])
    }

    @Test func failuresOfASetAreListedInOnePanel() {
        var state = Self.threeVariants()
        run(&state, [.key(.control("s"))])
        run(&state, [.finished(variant: 1, .failed(title: "The API refused the edit (HTTP 400)", lines: ["Invalid size"])),
                     .finished(variant: 3, .failed(title: "The edit failed", lines: ["connection reset"]))])
        #expect(state.overlays.isEmpty, "no panel while variants still run")
        run(&state, [.run(variant: 2, .saved(ResultItem(path: "/r/v2.png", preview: nil))), .finished(variant: 2, .completed(totalTokens: nil))])
        let error = state.top(ErrorOverlay.self)
        #expect(error?.title == "2 variants of set 1 failed")
        #expect(error?.lines == ["v1 remove the sun: The API refused the edit (HTTP 400)", "  Invalid size",
                                 "v3 warmer: The edit failed", "  connection reset"])
    }

    @Test func variantsAndTheSweepAreInTheDraft() {
        var state = Self.threeVariants()
        run(&state, [.key(.tab), .key(.tab), .key(.down), .key(.right), .key(.character("s"))])
        let draft = state.draft
        #expect(draft.variants == ["remove the sun", "make it black and white", "warmer"] && draft.activeVariant == 1)
        #expect(draft.sweep?.field == "size" && draft.sweep?.values.count == 1)
        var restored = EditorState(sources: [source()], backend: .local)
        restored.restore(draft)
        #expect(restored.variants == state.variants && restored.activeVariant == 1 && restored.sweep == state.sweep)
    }

    /// A reopened session's last set is back in the grid, with its winner, from its results.
    @Test func theLastSetComesBackWithTheSession() {
        func run(_ id: Int64, _ number: Int, _ prompt: String, winner: Bool = false) -> PastRun {
            PastRun(id: id, sessionID: "s", started: 100, finished: 104, status: .completed, prompt: prompt,
                    parameters: ["model": "gpt-image-1"], sources: [], maskRects: [], maskInverted: false, hasLoadedMask: false,
                    backend: "local", totalTokens: 500, results: ["/r/v\(number).png"],
                    variant: VariantTag(set: 7, number: number, label: prompt, isWinner: winner))
        }
        var start = EditorStart(sources: [source()], backend: .local)
        start.results = ["/r/older.png", "/r/v1.png", "/r/v2.png"].map { ResultItem(path: $0, preview: nil) }
        start.lastSet = PastSet(id: 7, sessionID: "s", started: 100, sweptField: nil, winner: 12,
                                runs: [run(11, 1, "sepia"), run(12, 2, "invert", winner: true)])
        start.setsSent = 3
        var (state, _) = Editor.start(start)
        #expect(state.sent?.number == 3 && state.sent?.winner == 2 && !state.isRunning)
        #expect(state.sent?.runs.map(\.results) == [[1], [2]])
        #expect(SetGrid.factsLine(state.sent!.runs[0], now: 0).0 == "4.0 s · 500 tok · $0")
        // Shown alone, a result of the set leads back to its grid with g.
        state.preview = .result(2)
        VariantSetTests.feed(&state, [.key(.tab), .key(.character("g"))])
        #expect(state.preview == .set(selected: 1))
        // The next set is numbered after the session's.
        VariantSetTests.feed(&state, [.key(.backTab)] + type("a") + [.key(.control("t"))] + type("b") + [.key(.control("s"))])
        #expect(state.sent?.number == 4)
    }

    /// A grid whose selected tile is gone (a set re-sent with fewer variants) takes every key
    /// of the preview without harm.
    @Test func aSelectionPastTheTilesIsHarmless() {
        var state = Self.threeVariants()
        VariantSetTests.feed(&state, [.key(.control("s")), .key(.tab)])
        state.preview = .set(selected: 7)
        for key in "uevwxg\r " { VariantSetTests.feed(&state, [.key(key == "\r" ? .enter : .character(key))]) }
        VariantSetTests.feed(&state, [.key(.right), .key(.escape)])
        #expect(!Editor.view(state, size: small).text.isEmpty)
    }

    static func feed(_ state: inout EditorState, _ messages: [Message]) {
        for message in messages { _ = Editor.update(&state, message, size: small) }
    }
}
