import EditorCore
import ImageEditModel
import Raster
import SessionModel
import Testing
@testable import TerminalUI

/// A terminal that types what a script says, one batch a wait, and keeps what it was shown.
final class FakeTerminal: TerminalDevice {
    var size = Size(columns: 80, rows: 24)
    var script: [[TerminalInput]]
    private var pending: [TerminalInput] = []
    private(set) var shown: [Screen] = []
    private(set) var repaints = 0
    private(set) var cellMeasurements = 0
    private(set) var timeouts: [Int32] = []
    /// Called before each wait: a test posts messages or ends the terminal here.
    var beforeWait: (Int) -> Void = { _ in }
    private var waits = 0

    init(script: [[TerminalInput]]) { self.script = script }

    func wait(wake: Int32, timeout: Int32) -> Bool {
        timeouts.append(timeout)
        beforeWait(waits)
        waits += 1
        // Past the script, the user quits.
        pending = script.isEmpty ? [.key(.control("q"))] : script.removeFirst()
        return false
    }

    func readInput() -> [TerminalInput] {
        defer { pending = [] }
        return pending
    }

    func followWindowSize() -> Size? { nil }

    func present(_ screen: Screen, repaint: Bool) {
        shown.append(screen)
        if repaint { repaints += 1 }
    }

    func measureCells() { cellMeasurements += 1 }

    /// Set by a test: pictures are held back, as on a busy link.
    var picturesWaiting = false
}

final class EffectRecorder: EffectPerformer {
    private(set) var effects: [Effect] = []
    func perform(_ effect: Effect) { effects.append(effect) }
}

@Suite struct EditorLoopTests {
    static func typing(_ text: String) -> [TerminalInput] { text.map { .key(.character($0)) } }

    static func loop(_ terminal: FakeTerminal, _ recorder: EffectRecorder, inbox: Inbox = Inbox()) -> EditorLoop {
        var now = 100.0
        return EditorLoop(terminal: terminal, performer: recorder, inbox: inbox, clock: {
            now += 0.5
            return now
        })
    }

    static func editor(keepsDrafts: Bool = false) -> (EditorState, [Effect]) {
        let preview = RGBAImage(width: 32, height: 24, fill: RGBA(40, 90, 160))
        let source = SourceImage(path: "/photos/lake.png", facts: InputFacts(name: "lake.png", byteCount: 1000,
                                 header: .success(ImageHeader(format: .png, width: 256, height: 192, channels: .rgb))),
                                 width: 256, height: 192, preview: preview)
        var start = EditorStart(sources: [source], backend: .local)
        start.keepsDrafts = keepsDrafts
        return Editor.start(start)
    }

    @Test func keysBecomeEffectsAndTheScreenFollows() {
        let terminal = FakeTerminal(script: [Self.typing("a heron"), [.key(.control("s"))], [], []])
        let recorder = EffectRecorder()
        let inbox = Inbox()
        terminal.beforeWait = { wait in
            // The run's news arrives from a task, as the effect runner posts it.
            if wait == 2 { inbox.post(.finished(variant: 1, .completed(totalTokens: 42))) }
        }
        let (state, effects) = Self.editor()
        let last = Self.loop(terminal, recorder, inbox: inbox).run(state, effects: effects)
        guard case .send(let order)? = recorder.effects.first(where: { if case .send = $0 { true } else { false } }),
              let request = order.variants.first?.request else {
            Issue.record("Ctrl-S should send: \(recorder.effects)")
            return
        }
        #expect(request.prompt == "a heron" && order.draft.prompt == "a heron")
        #expect(terminal.shown.contains { $0.text.contains { $0.contains("│a heron") } }, "the prompt is drawn as typed")
        #expect(terminal.shown.contains { $0.text.last?.contains("Done: 0 images saved") == true })
        #expect(last.sessionTokens == 42, "the loop changes the state only through update")
        #expect(terminal.repaints == 1, "the first frame paints everything, the rest only what changed")
    }

    @Test func aRunWakesTheLoopForItsClockAndIdleWaitsForever() {
        let terminal = FakeTerminal(script: [Self.typing("x"), [.key(.control("s"))], [], []])
        let (state, effects) = Self.editor()
        Self.loop(terminal, EffectRecorder()).run(state, effects: effects)
        #expect(terminal.timeouts.first == -1, "an idle editor sleeps until something happens")
        #expect(terminal.timeouts.dropFirst(2).contains { $0 >= 0 && $0 <= 200 }, "a running edit ticks")
    }

    @Test func aHangUpKeepsTheDraftAndEnds() {
        let terminal = FakeTerminal(script: [Self.typing("a kite"), [], [], []])
        let recorder = EffectRecorder()
        let inbox = Inbox()
        terminal.beforeWait = { wait in if wait == 1 { inbox.terminate() } }
        let (state, effects) = Self.editor(keepsDrafts: true)
        Self.loop(terminal, recorder, inbox: inbox).run(state, effects: effects)
        let saved = recorder.effects.compactMap { if case .saveDraft(let draft) = $0 { draft.prompt } else { nil } }
        #expect(saved == ["a kite"])
        #expect(recorder.effects.last == .interruptRun)
        #expect(terminal.shown.count == 2, "the loop ends at once")
    }

    @Test func aResizeRepaintsAndMeasuresTheCells() {
        let terminal = FakeTerminal(script: [[.resize(Size(columns: 100, rows: 30))]])
        let (state, effects) = Self.editor()
        Self.loop(terminal, EffectRecorder()).run(state, effects: effects)
        #expect(terminal.repaints == 2 && terminal.cellMeasurements == 1)
    }

    /// While pictures are held back for a busy link, the loop looks again within 50 ms even
    /// with nothing else to wake it; otherwise it waits for input.
    @Test func heldBackPicturesAreTriedAgainSoon() {
        let terminal = FakeTerminal(script: [[], []])
        terminal.picturesWaiting = true
        let (state, effects) = Self.editor()
        Self.loop(terminal, EffectRecorder()).run(state, effects: effects)
        #expect(terminal.timeouts.first == 50)
        let idle = FakeTerminal(script: [[]])
        Self.loop(idle, EffectRecorder()).run(state, effects: effects)
        #expect(idle.timeouts.first == -1)
    }
}
