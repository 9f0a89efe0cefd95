import ArgumentParser
import EditorCore
import FileAccess
import Foundation
import ImageCodecs
import ImageEditAPI
import ImageEditModel
import LocalServer
import LocalServerHTTP
import Raster
import ResultFiles
import SessionStore
import TerminalGraphics
import TerminalText
import TerminalUI

#if canImport(Glibc)
import Glibc
#endif

/// `retouch [IMAGE…]`: the terminal editor.
struct EditorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "editor",
        abstract: "Open the terminal editor on source images (the default command).",
        discussion: """
            With OPENAI_API_KEY set, edits go to OpenAI (or to --base-url / OPENAI_BASE_URL); \
            without one, to the offline local engine started inside the editor. Results are saved \
            under $XDG_DATA_HOME/retouch/results the moment they arrive. Without IMAGEs (and without \
            --new) the last session reopens: its sources, prompt, mask, parameters and results. \
            Press F1 in the editor for its keys, F2 for past runs.
            """
    )

    @Argument(help: "Source images (PNG, JPEG or WebP), up to \(ModelRules.maxInputImages); the first is the one edited. Without any, the editor opens its file picker.")
    var images: [String] = []

    @Option(help: ArgumentHelp("A mask PNG for the first image: its size, with alpha; transparent pixels mark the area to edit.", valueName: "file"))
    var mask: String?

    @Option(help: ArgumentHelp("API base URL, e.g. http://127.0.0.1:8080/v1.", valueName: "url"))
    var baseURL: String?

    @Option(help: "How pictures are drawn: auto, sixel, kitty, iterm, halfblock or none.")
    var graphics: GraphicsMode = .auto

    @Flag(help: "Start a new session instead of reopening the last one's draft.")
    var new = false

    func validate() throws {
        if images.count > ModelRules.maxInputImages { throw ValidationError("at most \(ModelRules.maxInputImages) source images, not \(images.count)") }
        guard isatty(STDIN_FILENO) == 1, isatty(STDOUT_FILENO) == 1 else {
            throw ValidationError("the editor needs a terminal; for scripts use `retouch edit`")
        }
    }

    func run() async throws {
        var sources: [SourceImage] = []
        for path in images {
            do {
                sources.append(try SourceLoader.load(path))
            } catch {
                printError(error.description)
                throw ExitCode(2)
            }
        }
        var maskImage: RGBAImage?
        if let mask {
            guard let first = sources.first else {
                printError("--mask needs the image it belongs to as the first IMAGE")
                throw ExitCode(2)
            }
            do {
                let (_, decoded) = try ImageFile.load(path: mask)
                let problems = Editor.maskProblems(format: decoded.description.format, hasAlpha: decoded.description.hasAlpha,
                                                   width: decoded.image.width, height: decoded.image.height, for: first)
                if !problems.isEmpty {
                    problems.forEach { printError("\(mask): \($0)") }
                    throw ExitCode(2)
                }
                maskImage = decoded.image
            } catch let error as ImageFileError {
                printError(error.description)
                throw ExitCode(2)
            }
        }
        let environment = ProcessInfo.processInfo.environment
        let configFile = try ConfigFile.loadOrExit()
        let prices = try configFile.priceTableOrExit()
        // Asked before ncurses takes the terminal: the answers arrive on its input.
        let hints = TerminalHints(environment: environment)
        let replies = graphics.wantsProbe ? TerminalProbe.ask(insideTmux: hints.insideTmux) : nil
        let choice = GraphicsChoice.choose(override: graphics, replies: replies, hints: hints)
        var configuration = try ClientConfiguration.resolveOrExit(baseURLFlag: baseURL, environment: environment,
                                                        configBaseURL: configFile.baseURL)
        var backend: Backend = configuration.isOpenAI ? .openAI : .custom(configuration.baseURL)
        var localServer: RunningLocalServer?
        if configuration.isOpenAI && configuration.apiKey == nil {
            localServer = try await LocalServerHTTP.start(.privateToThisProcess())
            configuration.baseURL = localServer!.baseURL
            configuration.apiKey = localServer!.apiKey
            backend = .local
        }
        let client = ImageEditClient(configuration: configuration)
        let dataFolder = Folders.dataFolder(environment: environment)
        // Images on the command line or --new start a session (one results folder each, named by
        // its start); otherwise the last session reopens with its draft.
        let start = SessionStart.begin(storePath: SessionStore.defaultPath(environment: environment), images: sources, fresh: new,
                                       newResultsFolder: "\(dataFolder)/results/session-\(ResultWriter.timestamp())",
                                       backend: backend, prices: prices)
        await EditorApp.run(EditorLaunch(start: start, mask: maskImage, client: client, backend: backend,
                                         graphics: choice, cellSize: TerminalProbe.cellSize(replies: replies), prices: prices))
        await client.shutdown()
        await localServer?.stop()
        if FileManager.default.fileExists(atPath: start.resultsFolder) { printLine("results: " + TerminalText.safe(start.resultsFolder)) }
    }
}
