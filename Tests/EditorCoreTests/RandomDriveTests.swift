import Testing
import ImageEditModel
import Raster
import SessionModel
import TestSupport
@testable import EditorCore

/// The editor driven by random keys, mouse events, resizes and clock ticks, with the runtime's
/// answers to its effects arriving late, out of order or failed, as they can over a slow disk
/// or a broken server: no sequence may trap, and every frame must fit its screen. One round at
/// a time: the rounds are CPU-bound, and side by side they would starve the timers of other
/// suites running meanwhile (RETOUCH_TEST_SEED explores other sequences).
@Suite(.serialized) struct RandomDriveTests {
    static let keys: [Key] = [
        .enter, .backspace, .delete, .tab, .backTab, .escape, .left, .right, .up, .down, .home, .end,
        .pageUp, .pageDown, .shiftLeft, .shiftRight, .shiftUp, .shiftDown, .wordLeft, .wordRight,
        .function(1), .function(2), .function(3), .function(5), .paste("a\nb\u{7}c"), .paste(""),
    ] + "abdefhjklmnpqrux19-+ ?HJKL海é".map { .character($0) } + "abcdefklnoqrstuwxz".map { .control($0) }

    @Test(arguments: 0..<10)
    func randomSessionsNeverTrap(round: Int) {
        var drive = Drive(random: SeededRandom(default: 0x5EED_0000 + UInt64(round)))
        for _ in 0..<250 { drive.step() }
        #expect(drive.frames > 0, "\(drive.random)")
    }

    /// One editor and the answers the runtime still owes it.
    struct Drive {
        var random: SeededRandom
        var state: EditorState
        var size = Size(columns: 100, rows: 30)
        var owed: [Message] = []
        var frames = 0
        var now = 1_000.0

        init(random seeded: SeededRandom) {
            var random = seeded
            let sources = random.next(below: 4) == 0 ? [] : [Self.source(&random), Self.source(&random)]
            self.random = random
            state = EditorState(sources: sources, backend: .local)
            state.startFolder = "/photos"
        }

        mutating func step() {
            let message: Message
            switch random.next(below: 20) {
            case 0..<11: message = .key(RandomDriveTests.keys[random.next(below: RandomDriveTests.keys.count)])
            case 11: message = .mouse(mouseEvent())
            case 12:
                size = random.next(below: 6) == 0
                    ? Size(columns: random.next(below: 45), rows: random.next(below: 14))
                    : Size(columns: 40 + random.next(below: 180), rows: 12 + random.next(below: 60))
                message = .resize(size)
            case 13:
                now += Double(random.next(below: 3_000)) / 1_000
                message = .tick(now: now)
            default:
                guard !owed.isEmpty else { return }
                message = owed.remove(at: random.next(below: owed.count))
            }
            for effect in Editor.update(&state, message, size: size) { owed += answers(to: effect) }
            let screen = Editor.view(state, size: size)
            #expect(screen.text.count == size.rows || size.columns < 40 || size.rows < 12, "\(random)")
            if let cursor = screen.cursor {
                #expect(cursor.x >= 0 && cursor.x < size.columns && cursor.y >= 0 && cursor.y < size.rows, "\(random)")
            }
            frames += 1
        }

        mutating func mouseEvent() -> MouseEvent {
            let x = random.next(below: size.columns + 6) - 3, y = random.next(below: size.rows + 6) - 3
            switch random.next(below: 3) {
            case 0: return .press(x: x, y: y)
            case 1: return .drag(x: x, y: y)
            default: return .release(x: x, y: y)
            }
        }

        /// What the runtime could answer, now or much later; sometimes nothing, sometimes a failure.
        mutating func answers(to effect: Effect) -> [Message] {
            let fails = random.next(below: 4) == 0
            switch effect {
            case .send(let order):
                return order.variants.indices.flatMap { index -> [Message] in
                    let variant = index + 1
                    var events: [Message] = [.run(variant: variant, .started), .run(variant: variant, .received(bytes: 1_000))]
                    for _ in 0..<random.next(below: 3) { events.append(.run(variant: variant, .partial(picture()))) }
                    if fails { return events + [.finished(variant: variant, .failed(title: "refused", lines: ["HTTP 400"]))] }
                    events.append(.run(variant: variant, .saved(ResultItem(path: "/out/\(variant).png", preview: random.next(below: 3) == 0 ? nil : picture()))))
                    events.append(.run(variant: variant, .cost(.unknown("no price"))))
                    return events + [.finished(variant: variant, random.next(below: 5) == 0 ? .cancelled : .completed(totalTokens: 100))]
                }
            case .listFolder(let path, let id):
                if fails { return [.reply(id, .folderFailed(path: path, reason: "permission denied"))] }
                let entries = (0..<random.next(below: 40)).map { n in
                    FilePicker.Entry(name: ["pic\(n).png", "photo \(n).JPG", "dir\(n)", ".hidden\(n)", "x\(n).webp", "notes\(n).txt"][n % 6],
                                     isFolder: n % 6 == 2, byteCount: random.next(below: 1 << 30))
                }
                return [.reply(id, .folderListed(path: path, entries: entries))]
            case .inspectFile(let path, let id):
                return [.reply(id, fails ? .fileInspectionFailed(path: path, reason: "not an image") : .fileInspected(Self.source(&random, path: path)))]
            case .loadSource(let path):
                return [fails ? .sourceFailed("\(path): unreadable") : .sourceLoaded(Self.source(&random, path: path))]
            case .addSource(let path):
                return [fails ? .sourceFailed("\(path): unreadable") : .sourceAdded(Self.source(&random, path: path))]
            case .readMask(let path):
                let (width, height) = state.sources.first.map { ($0.width, $0.height) } ?? (64, 64)
                // A mask of the wrong size must be refused, not trusted.
                let mask = random.next(below: 3) == 0 ? picture() : RGBAImage(width: min(width, 2_048), height: min(height, 2_048), fill: .transparent)
                return [fails ? .maskFailed("\(path): not a PNG") : .maskRead(path: path, image: mask, format: .png, hasAlpha: true)]
            case .loadHistory(_, _, let id):
                return [.reply(id, fails ? .historyFailed("locked") : .historyLoaded((0..<random.next(below: 8)).map { pastRun($0) }))]
            case .rerun, .rerunSet, .readRunMask:
                return fails ? [.resendFailed(set: random.next(below: 4), reason: "gone")] : []
            case .readPreview(let path):
                return [.previewRead(path: path, image: fails ? nil : picture())]
            case .export(_, let to):
                return [fails ? .exportFailed("\(to) exists") : .exported(path: to)]
            case .saveDraft:
                return fails ? [.draftNotSaved(problem: "disk full")] : []
            case .recordWinner:
                return fails ? [.winnerNotRecorded(problem: "locked")] : []
            case .wake(let at):
                return [.tick(now: max(now, at))]
            case .measureCells, .cancelRun, .interruptRun, .quit:
                return []
            }
        }

        /// A picture of any shape, down to a single pixel and to long thin strips.
        mutating func picture() -> RGBAImage {
            let width = 1 + random.next(below: random.next(below: 2) == 0 ? 4 : 300)
            let height = 1 + random.next(below: random.next(below: 2) == 0 ? 4 : 300)
            return RGBAImage(width: width, height: height, fill: RGBA(UInt8(random.next(below: 256)), 90, 160))
        }

        static func source(_ random: inout SeededRandom, path: String? = nil) -> SourceImage {
            let width = 1 + random.next(below: random.next(below: 3) == 0 ? 8 : 5_000)
            let height = 1 + random.next(below: random.next(below: 3) == 0 ? 8 : 5_000)
            let preview = RGBAImage.shownSize(width: width, height: height, maxWidth: 256, maxHeight: 256)
            let name = path ?? "/photos/source\(random.next(below: 100)).png"
            return SourceImage(path: name, facts: InputFacts(name: name, byteCount: 1_000,
                                                             header: .success(ImageHeader(format: .png, width: width, height: height, channels: .rgba))),
                               width: width, height: height, preview: RGBAImage(width: preview.width, height: preview.height, fill: RGBA(40, 90, 160)))
        }

        mutating func pastRun(_ n: Int) -> PastRun {
            PastRun(id: Int64(n + 1), sessionID: "s", started: 1_000 + Double(n), status: PastRun.Status.allCases[random.next(below: 5)],
                    prompt: "prompt \(n)", parameters: ["model": "gpt-image-1"], sources: [SourceReference(path: "/photos/a.png", sha256: nil)],
                    maskRects: random.next(below: 2) == 0 ? [] : [PixelRect(x: 0, y: 0, width: 10, height: 10)], maskInverted: false,
                    hasLoadedMask: random.next(below: 4) == 0, backend: "local", results: ["/out/\(n).png"])
        }
    }
}
