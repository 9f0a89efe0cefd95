import EditorCore

/// Carries out effects: the effect runner, or a test's recorder.
protocol EffectPerformer: AnyObject {
    func perform(_ effect: Effect)
}

/// The editor's loop: draw the state, wait for input, a task's message or a wake-up, turn
/// them into messages, update, perform the effects. It changes the state only through
/// `Editor.update`, and does nothing the effects do not ask for.
struct EditorLoop {
    let terminal: any TerminalDevice
    let performer: any EffectPerformer
    let inbox: Inbox
    /// Seconds on a monotonic clock.
    let clock: () -> Double

    /// Runs until an effect says quit (the user, or the terminal going away); the last state.
    @discardableResult
    func run(_ start: EditorState, effects first: [Effect]) -> EditorState {
        var state = start
        var running = true
        var wakeAt: Double?
        var repaint = true
        func perform(_ effects: [Effect]) {
            for effect in effects {
                switch effect {
                case .quit: running = false
                case .wake(let at): wakeAt = min(wakeAt ?? at, at)
                case .measureCells: terminal.measureCells()
                default: performer.perform(effect)
                }
            }
        }
        perform(first)
        while running {
            terminal.present(Editor.view(state, size: terminal.size), repaint: repaint)
            repaint = false
            var timeout = wakeAt.map { Int32(max(0, min(Double(Int32.max), ($0 - clock()) * 1000).rounded(.up))) } ?? -1
            // Held-back pictures are tried again as the link drains.
            if terminal.picturesWaiting { timeout = timeout < 0 ? 50 : min(timeout, 50) }
            // The terminal is gone: leave as on SIGHUP, which a parent that blocks signals
            // may keep from arriving.
            if terminal.wait(wake: inbox.wakeDescriptor, timeout: timeout) { inbox.terminate() }
            let now = clock()
            if let due = wakeAt, now >= due { wakeAt = nil }
            var messages: [Message] = [.tick(now: now)]
            for input in terminal.readInput() {
                switch input {
                case .key(let key): messages.append(.key(key))
                case .mouse(let event): messages.append(.mouse(event))
                case .resize(let size):
                    repaint = true
                    messages.append(.resize(size))
                }
            }
            let (posted, terminated, windowChanged) = inbox.drain()
            if windowChanged, let size = terminal.followWindowSize() {
                repaint = true
                messages.append(.resize(size))
            }
            // A dropped connection or SIGTERM: the draft is kept and the run interrupted.
            messages += terminated ? [.hangUp] : posted
            for message in messages { perform(Editor.update(&state, message, size: terminal.size)) }
        }
        return state
    }
}
