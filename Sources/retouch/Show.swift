import ArgumentParser
import FileAccess
import Foundation
import ImageCodecs
import Raster
import TerminalGraphics
import TerminalUI

#if canImport(Glibc)
import Glibc
#endif

extension GraphicsMode: ExpressibleByArgument {}

struct Show: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Print images in the terminal: sixel, kitty, iTerm2 or half-blocks.",
        discussion: """
            The picture keeps its aspect ratio and fits the terminal (or --width/--height cells). \
            With --graphics auto the terminal is asked what it supports (sixel, kitty), with the \
            environment as a hint (TERM_PROGRAM, COLORTERM, KITTY_WINDOW_ID); inside tmux or screen \
            half-blocks are used unless another mode is chosen, which tmux then passes through. \
            When standard output is not a terminal and no size is given, images keep their own size.
            """
    )

    @Argument(help: "Image files (PNG, JPEG or WebP); - reads one from standard input.")
    var files: [String]

    @Option(help: "Width in terminal columns.")
    var width: Int?

    @Option(help: "Height in terminal rows.")
    var height: Int?

    @Option(help: "auto, sixel, kitty, iterm, halfblock or none.")
    var graphics: GraphicsMode = .auto

    @Option(help: "Sixel colours, 2 to 256 (at most the terminal's colour registers), all kept; by default up to 176 for a colour picture (220 for a colourful, textured one), 14 to 24 for a grey one (more at higher contrast; 8 for a two-tone one), fewer where a colour is not worth its bytes.")
    var colors: Int?

    /// The `--dither` choices, each an encoder setting.
    enum DitherChoice: String, CaseIterable, ExpressibleByArgument {
        case none, diffusion, ordered

        var dither: Dither {
            switch self {
            case .none: .none
            case .diffusion: SixelStyle.diffusion
            case .ordered: .ordered
            }
        }
    }

    @Option(help: "Sixel dithering: none, diffusion (Floyd–Steinberg) or ordered; by default diffusion (lighter for a grey picture).")
    var dither: DitherChoice?

    /// What was asked, as the plain request that `run` carries out.
    var request: ShowRequest {
        ShowRequest(files: files, width: width, height: height, graphics: graphics, colors: colors, dither: dither?.dither)
    }

    func validate() throws { try request.validate() }

    func run() throws { try request.run() }
}

/// A `retouch show` command line as read: by ArgumentParser (`Show`), or, for plain lines,
/// by `plain`, which reaches it without building ArgumentParser's command at all.
struct ShowRequest: Equatable {
    /// Columns or rows asked for at most: more than any terminal has, few enough that a size
    /// in pixels never overflows.
    static let maxCells = 10_000

    var files: [String]
    var width: Int?
    var height: Int?
    var graphics: GraphicsMode = .auto
    var colors: Int?
    var dither: Dither?

    func validate() throws(ValidationError) {
        if let width, !(1...Self.maxCells).contains(width) { throw ValidationError("--width must be 1 to \(Self.maxCells) columns, not \(width)") }
        if let height, !(1...Self.maxCells).contains(height) { throw ValidationError("--height must be 1 to \(Self.maxCells) rows, not \(height)") }
        if let colors, !(2...256).contains(colors) { throw ValidationError("--colors must be 2 to 256, not \(colors)") }
        if files.filter({ $0 == "-" }).count > 1 { throw ValidationError("- (standard input) can be given once") }
    }

    /// `show` followed by files and plain options (`--width 40`, `--graphics=sixel`), read
    /// without ArgumentParser, whose reflection and property wrappers cost about 4 ms a run in
    /// this binary: as much as drawing a small picture. Anything else (help, `--`, an unknown,
    /// repeated or invalid option) gives nil, and ArgumentParser reads it and explains what is wrong.
    static func plain(_ arguments: ArraySlice<String>) -> ShowRequest? {
        guard arguments.first == "show" else { return nil }
        var show = ShowRequest(files: [])
        var given: [Substring] = []  // an array: a Set would cost a runtime conformance lookup, about 0.5 ms
        var rest = arguments.dropFirst()
        while let argument = rest.popFirst() {
            guard argument.hasPrefix("-") && argument != "-" else {
                show.files.append(argument)
                continue
            }
            let parts = argument.dropFirst(2).split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard argument.hasPrefix("--"), let name = parts.first, !given.contains(name),
                  let value = parts.count == 2 ? String(parts[1]) : rest.popFirst() else { return nil }
            given.append(name)
            switch name {
            case "width": guard let number = Int(value) else { return nil }; show.width = number
            case "height": guard let number = Int(value) else { return nil }; show.height = number
            case "colors": guard let number = Int(value) else { return nil }; show.colors = number
            case "graphics": guard let mode = GraphicsMode(rawValue: value) else { return nil }; show.graphics = mode
            case "dither": guard let choice = Show.DitherChoice(rawValue: value) else { return nil }; show.dither = choice.dither
            default: return nil
            }
        }
        guard !show.files.isEmpty, (try? show.validate()) != nil else { return nil }
        return show
    }

    func run() throws {
        if files.contains("-") && isatty(STDIN_FILENO) == 1 {
            // Nothing would come until the user typed a picture: say what `-` is for instead.
            printError("standard input is a terminal: pipe a picture in (retouch show - < photo.png)")
            throw ExitCode(2)
        }
        let onTerminal = isatty(STDOUT_FILENO) == 1
        // The few variables it reads, not the whole environment as a dictionary (0.3 ms).
        let hints = TerminalHints { getenv($0).map { String(cString: $0) } }
        let replies = graphics.wantsProbe && onTerminal ? TerminalProbe.ask(insideTmux: hints.insideTmux) : nil
        let choice = GraphicsChoice.choose(override: graphics, replies: replies, hints: hints)
        let window = onTerminal ? TerminalProbe.windowSize() : nil
        let cell = onTerminal ? TerminalProbe.cellSize(replies: replies) : (width: 10, height: 20)

        // The box to fit in, in cells; nil keeps each image's own size. A side not given is the
        // window's (less a row for the prompt), or off a terminal as large as may be asked:
        // `--width 100` into a file is a hundred columns, whatever the height.
        var box: (columns: Int, rows: Int)?
        if width != nil || height != nil || window != nil {
            box = (width ?? window?.columns ?? Self.maxCells, height ?? window.map { max(1, $0.rows - 1) } ?? Self.maxCells)
        }
        var failed = false
        for path in files {
            let name = path == "-" ? ImageFile.standardInput : path
            let loaded: (bytes: [UInt8], decoded: DecodedImage)
            do {
                // Pictures are decoded no larger than they are shown (one that fits is decoded
                // whole, so kitty and iTerm2 can still be given the file itself); for iTerm2,
                // which scales pictures itself, twice that (see `render`).
                let scale = choice.mode == .iterm ? Self.itermOversize : 1
                let shown = box.map { ($0.columns * cell.width * scale, $0.rows * cell.height * scale) }
                let bytes = path == "-" ? try ImageFile.readStandardInput() : try ImageFile.readBytes(path: path)
                loaded = (bytes, try ImageFile.decode(bytes, named: name, fitting: shown))
            } catch {
                printError(error.description)
                failed = true
                continue
            }
            let output: [UInt8]
            do {
                output = try render(loaded.decoded, file: loaded.bytes, choice: choice, box: box, cell: cell)
            } catch {
                printError("\(name): \(error)")
                failed = true
                continue
            }
            let newline = choice.mode != .halfblock && choice.mode != .none
            // Nothing more once a write failed; `Retouch.main` says why.
            guard StandardOutput.write(choice.tmuxPassthrough && choice.mode != .halfblock ? TmuxPassthrough.wrap(output) : output),
                  !newline || StandardOutput.write([0x0A]) else { throw ExitCode(1) }
        }
        if failed { throw ExitCode(1) }
    }

    /// iTerm2 is given pictures up to twice the size they are shown at in the cell size the
    /// terminal reports: its own scaling then has the pixels of a Retina screen to work with.
    static let itermOversize = 2

    func render(_ decoded: DecodedImage, file: [UInt8], choice: GraphicsChoice,
                box: (columns: Int, rows: Int)?, cell: (width: Int, height: Int)) throws(ImageEncodingError) -> [UInt8] {
        let image = decoded.image, format = decoded.description.format
        // Sizes come from the file's own (upright) size, not from the decoded picture, which may
        // have been reduced while read: the same cells and pixels either way.
        let own = (width: decoded.description.width, height: decoded.description.height)
        let whole = (image.width, image.height) == own
        func shown(scale: Int) -> (width: Int, height: Int) {
            guard let box else { return own }
            return RGBAImage.shownSize(width: own.width, height: own.height,
                                       maxWidth: box.columns * cell.width * scale, maxHeight: box.rows * cell.height * scale)
        }
        /// The decoded picture at `size`, which is never larger than it.
        func sized(_ size: (width: Int, height: Int)) -> RGBAImage {
            size == (image.width, image.height) ? image : image.resized(width: size.width, height: size.height)
        }
        // Pixel size that fits the box (never enlarged), and the cells it covers.
        var pixels = shown(scale: 1)
        let columns = max(1, (pixels.width + cell.width - 1) / cell.width)
        let rows = max(1, (pixels.height + cell.height - 1) / cell.height)
        switch choice.mode {
        case .none:
            return []
        case .halfblock, .auto:
            // Half-block pixels are half a cell tall: fit them to the cell grid directly.
            let limit = box ?? (80, 40)
            let aspect = Double(cell.height) / Double(cell.width) / 2
            var cols = min(limit.columns, image.width)
            var halfRows = Int((Double(image.height) / Double(image.width) * Double(cols) / aspect).rounded())
            if halfRows > limit.rows * 2 {
                halfRows = limit.rows * 2
                cols = max(1, Int((Double(image.width) / Double(image.height) * Double(halfRows) * aspect).rounded()))
            }
            let cells = HalfBlock.cells(image, columns: cols, rows: max(1, (halfRows + 1) / 2), colors: choice.colors)
            return HalfBlock.text(cells, tolerance: choice.colors == .trueColor ? HalfBlock.previewTolerance : 0)
        case .sixel:
            pixels = choice.sixel.fitting(width: pixels.width, height: pixels.height)
            let scaled = sized(pixels)
            let style = SixelStyle.still(for: scaled, registers: choice.sixel.colors)
            // Colours asked for are all kept: none gives up its pixels for what it costs.
            let options = SixelEncoder.Options(maxColors: min(colors ?? style.maxColors, choice.sixel.colors),
                                               dither: dither ?? style.dither, rate: colors == nil ? style.rate : 0, context: style.context)
            return SixelEncoder.encode(scaled, options: options)
        case .kitty:
            // At the size it fits in, as sixel: given cells, kitty would stretch the picture to
            // fill them. No id, so that nothing printed later replaces it; the cursor ends
            // below it, so that what follows is not written under it. A PNG decoded whole and
            // shown at its own size goes as it is.
            let png = whole && pixels == own && format == .png ? file : try ImageEncoder.png(sized(pixels))
            return KittyGraphics.display(png: png, id: nil, columns: nil, rows: nil, movesCursor: true)
        case .iterm:
            // iTerm2 scales the picture to its cells itself. The file as it is when it is no
            // more than twice its shown size; a larger one (reduced while decoded, when its
            // format allows) goes at twice that size, as a JPEG or PNG like the file: over a
            // remote link, a tenth of a camera's file for the same picture. WebP goes as PNG,
            // which every iTerm2 shows, and a turned JPEG upright, as its cells were counted.
            let sent = shown(scale: Self.itermOversize)
            let encoded = whole && sent == own && format != .webp && decoded.description.orientation == .up
                ? file : try format == .jpeg ? ImageEncoder.jpeg(sized(sent)) : ImageEncoder.png(sized(sent))
            return ITermInlineImage.display(encoded: encoded, columns: columns, rows: rows)
        }
    }

}
