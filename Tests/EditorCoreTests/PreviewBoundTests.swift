import Raster
import Testing
@testable import EditorCore

/// A long session keeps the previews of the results shown most recently, not all of them.
@Suite struct PreviewBoundTests {
    static func kept(_ state: EditorState) -> [String] { state.results.filter { $0.preview != nil }.map(\.path) }

    @Test func previewsAreBoundedAndReadAgainWhenShown() {
        var state = EditorState(sources: [source()], backend: .local)
        let picture = RGBAImage(width: 8, height: 6, fill: RGBA(9, 90, 200))
        run(&state, type("x"))
        for i in 1...40 {
            run(&state, [.key(.control("s")), .run(variant: 1, .saved(ResultItem(path: "/r/e\(i).png", preview: picture))), .finished(variant: 1, .completed(totalTokens: nil))])
        }
        #expect(Self.kept(state).count == Previews.limit)
        #expect(!Self.kept(state).contains("/r/e1.png") && Self.kept(state).contains("/r/e40.png"), "the least recently shown go first")

        // Back to the first result: it is read again, and drawn once it arrives.
        run(&state, [.key(.tab)])
        #expect(state.preview == .result(39))
        let effects = run(&state, Array(repeating: .key(.character("[")), count: 39))
        #expect(effects.contains(.readPreview(path: "/r/e1.png")))
        #expect(Editor.view(state, size: small).text.contains { $0.contains("reading…") })
        #expect(run(&state, [.key(.character("z")), .key(.character("z"))]).filter { $0 == .readPreview(path: "/r/e1.png") }.isEmpty,
                "asked for once")
        run(&state, [.previewRead(path: "/r/e1.png", image: picture)])
        #expect(Editor.view(state, size: small).images.first?.image == picture)
        #expect(Self.kept(state).count == Previews.limit && Self.kept(state).contains("/r/e1.png"))

        // A file that cannot be read says so and is not asked for again and again.
        state.results[1].preview = nil
        state.previewsAsked.remove("/r/e2.png")
        run(&state, [.key(.character("]"))])
        run(&state, [.previewRead(path: "/r/e2.png", image: nil)])
        #expect(run(&state, [.key(.character("z"))]).isEmpty)
    }

    @Test func theGridAsksForTheTilesInView() {
        var state = EditorState(sources: [source()], backend: .local)
        state.results = (1...6).map { ResultItem(path: "/r/\($0).png", preview: nil) }
        state.focus = .mask
        let effects = run(&state, [.key(.character("g"))], size: large)
        let asked = effects.compactMap { if case .readPreview(let path) = $0 { path } else { nil } }
        #expect(Set(asked) == Set((1...6).map { "/r/\($0).png" }) && asked.count == 6)
    }
}
