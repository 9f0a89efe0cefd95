import Testing
import SessionModel
@testable import EditorCore

/// The draft is written by an effect: once typing pauses, and at once before the editor goes.
@Suite struct DraftSavingTests {
    static func editor(keepsDrafts: Bool = true) -> EditorState {
        var start = EditorStart(sources: [source()], backend: .local)
        start.keepsDrafts = keepsDrafts
        start.draft = EditorState(sources: [source()], backend: .local).draft
        return Editor.start(start).0
    }

    static func saves(_ effects: [Effect]) -> [Draft] {
        effects.compactMap { if case .saveDraft(let draft) = $0 { draft } else { nil } }
    }

    @Test func aChangedDraftIsWrittenOnceTypingPauses() {
        var state = Self.editor()
        #expect(run(&state, [.tick(now: 10)]).isEmpty, "nothing changed, nothing to write")
        let typed = run(&state, type("a b"))
        #expect(Self.saves(typed).isEmpty && typed.contains(.wake(at: 10.4)), "a wake-up is asked for when the pause would end")
        #expect(Self.saves(run(&state, [.tick(now: 10.3)])).isEmpty)
        #expect(Self.saves(run(&state, [.tick(now: 10.45)])).map(\.prompt) == ["a b"])
        #expect(run(&state, [.tick(now: 11)]).isEmpty, "written once")
    }

    @Test func leavingWritesAtOnce() {
        var state = Self.editor()
        run(&state, [.tick(now: 1)] + type("kite"))
        #expect(run(&state, [.key(.control("q"))]) == [.saveDraft(state.draft), .quit])
        var hungUp = Self.editor()
        run(&hungUp, [.tick(now: 1)] + type("heron"))
        #expect(run(&hungUp, [.hangUp]) == [.saveDraft(hungUp.draft), .interruptRun, .quit])
    }

    @Test func withoutAStoreNothingIsWritten() {
        var state = Self.editor(keepsDrafts: false)
        #expect(Self.saves(run(&state, [.tick(now: 1)] + type("x") + [.tick(now: 5), .key(.control("q"))])).isEmpty)
    }

    @Test func aFailedWriteIsSaidAndTriedAgainAfterTheNextChange() {
        var state = Self.editor()
        run(&state, [.tick(now: 1)] + type("x") + [.tick(now: 2)])
        run(&state, [.draftNotSaved(problem: "disk I/O error")])
        #expect(state.notice == "The draft could not be saved: disk I/O error")
        #expect(Self.saves(run(&state, [.tick(now: 3)])).isEmpty, "not retried in a loop")
        #expect(Self.saves(run(&state, type("y") + [.tick(now: 4)])).map(\.prompt) == ["xy"])
    }

    @Test func aRunningEditAsksForTicks() {
        var state = Self.editor(keepsDrafts: false)
        run(&state, [.tick(now: 2)] + type("x"))
        run(&state, [.key(.control("s"))])
        #expect(run(&state, [.tick(now: 3)]) == [.wake(at: 3.2)])
        run(&state, [.finished(variant: 1, .cancelled)])
        #expect(run(&state, [.tick(now: 3)]).isEmpty, "no run, no ticks")
    }

    @Test func startingWithoutSourcesOpensThePicker() {
        var start = EditorStart(sources: [], backend: .local)
        start.startFolder = "/photos"
        let (state, effects) = Editor.start(start)
        #expect(effects == [.listFolder(path: "/photos", replyTo: state.topLayer)])
        #expect(state.top(PickerOverlay.self) != nil)
    }
}
