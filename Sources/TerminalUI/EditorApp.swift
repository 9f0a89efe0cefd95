import Dispatch
import EditorCore
import FileAccess
import Foundation
import ImageCodecs
import ImageEditAPI
import ImageEditModel
import Raster
import ResultFiles
import SessionModel
import SessionStore
import TerminalGraphics

#if canImport(Glibc)
import Glibc
#endif

/// What the editor starts with.
public struct EditorLaunch: Sendable {
    /// The session: new, or the last one reopened with its draft and results.
    public var start: SessionStart
    /// A mask PNG for the first source (alpha 0 = edit), already checked for its size.
    public var mask: RGBAImage?
    public var client: ImageEditClient
    public var backend: Backend
    /// How pictures are drawn, and one cell's size in pixels.
    public var graphics: GraphicsChoice
    public var cellSize: (width: Int, height: Int)
    /// What tokens cost, for the results' sidecars.
    public var prices: PriceTable

    public init(start: SessionStart, mask: RGBAImage? = nil, client: ImageEditClient, backend: Backend,
                graphics: GraphicsChoice, cellSize: (width: Int, height: Int), prices: PriceTable = .published) {
        self.start = start
        self.mask = mask
        self.client = client
        self.backend = backend
        self.graphics = graphics
        self.cellSize = cellSize
        self.prices = prices
    }

    var resultsFolder: String { start.resultsFolder }
    var keeper: SessionKeeper { start.keeper }
}

/// The editor's runtime: the UI thread (ncurses, keys, painting) waits in poll() on the terminal
/// and on a wake pipe; network work runs as tasks that post messages into a locked inbox.
public enum EditorApp {
    /// Runs until the user quits, or SIGTERM/SIGHUP arrive; the terminal is restored either way.
    public static func run(_ launch: EditorLaunch) async {
        let inbox = Inbox()
        var signals = [SIGTERM, SIGHUP].map { sig -> DispatchSourceSignal in
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler { inbox.terminate() }
            source.resume()
            return source
        }
        // ncurses notices a resize only inside its next read, and the signal may land on any
        // thread: wake the UI thread so an idle editor re-lays out at once.
        let resize = DispatchSource.makeSignalSource(signal: SIGWINCH, queue: .global())
        resize.setEventHandler { inbox.windowChanged() }
        resize.resume()
        signals.append(resize)
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            let thread = Thread {
                uiLoop(launch, inbox: inbox)
                done.resume()
            }
            thread.stackSize = 8 << 20
            thread.start()
        }
        signals.forEach { $0.cancel() }
    }

    static func uiLoop(_ launch: EditorLaunch, inbox: Inbox) {
        let terminal = CursesTerminal(graphics: launch.graphics, cell: launch.cellSize)
        defer { terminal.stop() }
        let runner = EffectRunner(launch: launch, inbox: inbox)
        var first = launch.start.editor
        first.backend = launch.backend
        first.mask = launch.mask
        first.prices = launch.prices
        first.startFolder = FileManager.default.currentDirectoryPath
        first.timeZone = TimeZone.current
        let (state, effects) = Editor.start(first)
        EditorLoop(terminal: terminal, performer: runner, inbox: inbox, clock: Monotonic.seconds).run(state, effects: effects)
    }
}
