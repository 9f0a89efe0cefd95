import ImageEditModel
import Raster
import SessionModel
@testable import EditorCore

/// What the golden screens are made of: images drawn in code, fixed paths and fixed times, and
/// an editor driven only by messages, as the runtime would send them.
enum GoldenFixtures {
    static let small = Size(columns: 80, rows: 24)
    static let large = Size(columns: 160, rows: 48)

    /// The monotonic clock when the editor opens (`.tick`), in seconds.
    static let opened = 1_000.0
    /// Wall-clock seconds since 1970 of the past runs: 2026-05-14 09:30 UTC.
    static let morning = 1_778_751_000.0

    // MARK: Pictures

    /// A vertical gradient, `top` to `bottom`, with a darker band across its lower third (a
    /// shore), so that every picture differs.
    static func picture(width: Int, height: Int, top: RGBA, bottom: RGBA) -> RGBAImage {
        RGBAImage(width: width, height: height) { x, y in
            func mix(_ a: UInt8, _ b: UInt8) -> UInt8 { UInt8((Int(a) * (height - 1 - y) + Int(b) * y) / max(1, height - 1)) }
            let shore = y > height * 2 / 3 && y < height * 3 / 4 && x % 8 < 6
            let c = RGBA(mix(top.r, bottom.r), mix(top.g, bottom.g), mix(top.b, bottom.b))
            return shore ? RGBA(c.r / 2, c.g / 2, c.b / 2) : c
        }
    }

    static func image(_ path: String, width: Int, height: Int, format: ImageFormat, channels: ChannelLayout = .rgb,
                      bytes: Int, top: RGBA, bottom: RGBA) -> SourceImage {
        let name = path.split(separator: "/").last.map(String.init) ?? path
        // Previews as the runtime makes them, scaled down; a sixteenth of each side here.
        return SourceImage(path: path, facts: InputFacts(name: name, byteCount: bytes,
                                                         header: .success(ImageHeader(format: format, width: width, height: height, channels: channels))),
                           width: width, height: height,
                           preview: picture(width: width / 16, height: height / 16, top: top, bottom: bottom))
    }

    static let lakeside = image("/photos/lakeside.png", width: 1536, height: 1024, format: .png, bytes: 2_412_544,
                                top: RGBA(120, 170, 230), bottom: RGBA(30, 70, 40))
    static let dusk = image("/photos/dusk.jpg", width: 1024, height: 1024, format: .jpeg, bytes: 1_048_576,
                            top: RGBA(250, 150, 80), bottom: RGBA(40, 20, 60))
    static let harbour = image("/photos/harbour.webp", width: 1024, height: 1536, format: .webp, bytes: 655_360,
                               top: RGBA(200, 210, 220), bottom: RGBA(20, 40, 90))
    /// A mask for lakeside.png: its size, with alpha.
    static let skyMask = image("/photos/masks/lakeside-sky.png", width: 1536, height: 1024, format: .png, channels: .rgba,
                               bytes: 18_432, top: RGBA(0, 0, 0), bottom: RGBA(255, 255, 255))

    /// The `n`th result of an edit of lakeside.png (from 1), each a different colour.
    static func result(_ n: Int) -> ResultItem {
        let tints = [RGBA(240, 140, 70), RGBA(200, 90, 120), RGBA(250, 200, 90), RGBA(140, 110, 200)]
        return ResultItem(path: "/photos/edits/lakeside-edit-\(n).png",
                          preview: picture(width: 96, height: 64, top: tints[(n - 1) % tints.count], bottom: RGBA(30, 60, 40)))
    }

    // MARK: Folders and history

    /// /photos as the runtime lists it: hidden folders and other files are the picker's to drop.
    static let photosFolder: [FilePicker.Entry] = [
        .init(name: "lakeside.png", isFolder: false, byteCount: 2_412_544),
        .init(name: "masks", isFolder: true, byteCount: 0),
        .init(name: "dusk.jpg", isFolder: false, byteCount: 1_048_576),
        .init(name: "notes.txt", isFolder: false, byteCount: 1_200),
        .init(name: ".thumbnails", isFolder: true, byteCount: 0),
        .init(name: "harbour.webp", isFolder: false, byteCount: 655_360),
        .init(name: "edits", isFolder: true, byteCount: 0),
    ]
    static let masksFolder: [FilePicker.Entry] = [
        .init(name: "lakeside-sky.png", isFolder: false, byteCount: 18_432),
        .init(name: "lakeside-sky.jpg", isFolder: false, byteCount: 40_960),
    ]

    /// Three past runs, newest first: two completed, one failed between them.
    static let pastRuns: [PastRun] = {
        let lakeside = [SourceReference(path: "/photos/lakeside.png", sha256: String(repeating: "ab", count: 32))]
        return [
            PastRun(id: 12, sessionID: "s-0514", started: morning + 3_600, finished: morning + 3_641, status: .completed,
                    prompt: "warm the light\nkeep the boat", parameters: ["model": "gpt-image-1.5", "quality": "high", "size": "1536x1024"],
                    sources: lakeside, maskRects: [PixelRect(x: 0, y: 0, width: 1536, height: 400)], maskInverted: false,
                    hasLoadedMask: false, backend: "OpenAI", inputTokens: 1_210, outputTokens: 4_160, totalTokens: 5_370,
                    results: ["/photos/edits/lakeside-edit-3.png", "/photos/edits/lakeside-edit-4.png"]),
            PastRun(id: 11, sessionID: "s-0514", started: morning + 1_800, finished: morning + 1_803, status: .failed,
                    prompt: "replace the sky with a storm", parameters: ["model": "gpt-image-1.5", "input_fidelity": "high"],
                    sources: lakeside, maskRects: [], maskInverted: false, hasLoadedMask: true, backend: "OpenAI",
                    error: "The API refused the edit (HTTP 400): the mask must be the image's size"),
            PastRun(id: 10, sessionID: "s-0514", started: morning, finished: morning + 38, status: .completed,
                    prompt: "add a red boat on the lake", parameters: ["model": "gpt-image-1.5"],
                    sources: lakeside, maskRects: [], maskInverted: false, hasLoadedMask: false, backend: "OpenAI",
                    inputTokens: 1_100, outputTokens: 4_160, totalTokens: 5_260, results: ["/photos/edits/lakeside-edit-1.png"]),
        ]
    }()

    // MARK: The editor

    /// The editor on lakeside.png at `size`, its clock at `opened`.
    static func editor(size: Size) -> Driver {
        var driver = Driver(state: EditorState(sources: [lakeside], backend: .openAI), size: size)
        driver.send(.resize(size), .tick(now: opened))
        return driver
    }

    /// Feeds messages to `Editor.update` as the runtime does, keeping the last effects.
    struct Driver {
        var state: EditorState
        let size: Size
        var effects: [Effect] = []

        mutating func send(_ messages: Message...) {
            effects = messages.flatMap { Editor.update(&state, $0, size: size) }
        }

        /// The runtime's answer to what the top overlay asked.
        mutating func answer(_ reply: Reply) {
            send(.reply(top, reply))
        }

        var top: LayerID { state.overlays.entries.last?.id ?? LayerID(0) }

        mutating func press(_ keys: Key...) {
            effects = keys.flatMap { Editor.update(&state, .key($0), size: size) }
        }

        mutating func press(_ key: Key, times: Int) {
            effects = (0..<times).flatMap { _ in Editor.update(&state, .key(key), size: size) }
        }

        mutating func type(_ text: String) {
            effects = text.flatMap { character -> [Effect] in
                Editor.update(&state, .key(character == "\n" ? .enter : .character(character)), size: size)
            }
        }

        /// Seconds after the editor opened.
        mutating func wait(until seconds: Double) {
            send(.tick(now: opened + seconds))
        }

        var screen: Screen { Editor.view(state, size: size) }
    }
}
