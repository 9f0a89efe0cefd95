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

/// Runs the editor's effects: edits through the run sender, files and the store here.
final class EffectRunner: EffectPerformer, @unchecked Sendable {
    let launch: EditorLaunch
    let inbox: Inbox
    let sender: RunSender

    init(launch: EditorLaunch, inbox: Inbox) {
        self.launch = launch
        self.inbox = inbox
        sender = RunSender(launch: launch, inbox: inbox)
    }

    /// Everything but the loop's own effects (quitting, waking, measuring the terminal).
    func perform(_ effect: Effect) {
        switch effect {
        case .send(let order): sender.send(order)
        case .rerun(let id): sender.rerun(id)
        case .rerunSet(let id, let number): sender.rerunSet(id, number: number)
        case .cancelRun(let variant): sender.cancel(variant: variant)
        case .recordWinner(let set, let variant): sender.recordWinner(set: set, variant: variant)
        case .interruptRun: sender.hangUp()
        case .loadHistory(let filter, let allSessions, let id): loadHistory(filter: filter, allSessions: allSessions, replyTo: id)
        case .readRunMask(let id): readRunMask(id)
        case .loadSource(let path): loadSource(path, asFirst: true)
        case .addSource(let path): loadSource(path, asFirst: false)
        case .listFolder(let path, let id): listFolder(path, replyTo: id)
        case .inspectFile(let path, let id): inspect(path, replyTo: id)
        case .readMask(let path): readMask(path)
        case .export(let from, let to): export(from: from, to: to)
        case .readPreview(let path): readPreview(path)
        case .saveDraft(let draft):
            // A quick write on the UI thread: the draft is small and the store answers at once.
            if let problem = launch.keeper.save(draft) { inbox.post(.draftNotSaved(problem: problem)) }
        case .quit, .wake, .measureCells:
            break
        }
    }

    /// Sources are read one after another, so several picked files arrive in the order marked.
    private var lastLoad: Task<Void, Never>?

    func loadSource(_ path: String, asFirst: Bool) {
        let inbox = inbox, previous = lastLoad
        lastLoad = Task.detached {
            await previous?.value
            do {
                let source = try SourceLoader.load(path)
                inbox.post(asFirst ? .sourceLoaded(source) : .sourceAdded(source))
            } catch {
                inbox.post(.sourceFailed(String(describing: error)))
            }
        }
    }

    func loadHistory(filter: String, allSessions: Bool, replyTo id: LayerID) {
        let inbox = inbox, keeper = launch.keeper
        Task.detached {
            guard let store = keeper.store else {
                inbox.post(.reply(id, .historyFailed("the session store could not be opened when the editor started")))
                return
            }
            do {
                inbox.post(.reply(id, .historyLoaded(try store.runs(session: allSessions ? nil : keeper.session, filter: filter))))
            } catch {
                inbox.post(.reply(id, .historyFailed(String(describing: error))))
            }
        }
    }

    /// The loaded mask a past run used, back as a mask for the first source.
    func readRunMask(_ id: Int64) {
        let inbox = inbox, keeper = launch.keeper
        Task.detached {
            do {
                guard let store = keeper.store, let png = try store.masks(of: id).loaded else { return }
                let image = try ImageDecoder().decode(png).image
                inbox.post(.maskRead(path: "run \(id)", image: image, format: .png, hasAlpha: true))
            } catch {
                inbox.post(.maskFailed("the mask of run \(id): \(error)"))
            }
        }
    }

    /// Copies a result without ever replacing a file (link(2) fails when the name exists), in
    /// the format its name says (see `ExportName`).
    func export(from: String, to: String) {
        let inbox = inbox
        Task.detached {
            do {
                var bytes = try FileReader.readAll(path: from, maxBytes: 1 << 30)
                let (folder, typedName) = ExportName.place(to, resultName: FileName.last(of: from)) { path in
                    var isFolder: ObjCBool = false
                    return FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) && isFolder.boolValue
                }
                var name = typedName
                // A result in a format Retouch does not read (a server's surprise) is copied as it is.
                if case .supported(let own) = FormatSniffer.sniff(bytes) {
                    let target = ExportName(typed: typedName, resultFormat: own)
                    if target.format != own {
                        var image = try ImageFile.decode(bytes, named: from).image
                        // JPEG has no alpha: transparent pixels would show whatever colour they hold.
                        if target.format == .jpeg && image.hasTransparency { image = image.flattened(over: RGBA(255, 255, 255)) }
                        bytes = try ImageEncoder.encode(image, as: target.format)
                    }
                    name = target.name
                }
                let written = try ResultWriter(folder: folder, stem: "").copy(bytes, to: name)
                inbox.post(.exported(path: written))
            } catch let error as ResultWriteError {
                inbox.post(.exportFailed(error.description))
            } catch {
                inbox.post(.exportFailed("\(from): \(error)"))
            }
        }
    }

    /// A result's preview, let go to bound memory and shown again.
    func readPreview(_ path: String) {
        let inbox = inbox
        Task.detached {
            let bytes = try? FileReader.readAll(path: path, maxBytes: 1 << 30)
            inbox.post(.previewRead(path: path, image: bytes.flatMap(Self.preview)))
        }
    }

    func readMask(_ path: String) {
        let inbox = inbox
        Task.detached {
            do {
                let (_, decoded) = try ImageFile.load(path: path)
                inbox.post(.maskRead(path: path, image: decoded.image, format: decoded.description.format, hasAlpha: decoded.description.hasAlpha))
            } catch {
                inbox.post(.maskFailed(String(describing: error)))
            }
        }
    }

    /// Only the latest highlighted file matters: an earlier reading is cancelled.
    private var inspection: Task<Void, Never>?

    func inspect(_ path: String, replyTo id: LayerID) {
        let inbox = inbox
        inspection?.cancel()
        inspection = Task.detached {
            do {
                let source = try SourceLoader.load(path, previewSide: 384)
                if !Task.isCancelled { inbox.post(.reply(id, .fileInspected(source))) }
            } catch {
                if !Task.isCancelled { inbox.post(.reply(id, .fileInspectionFailed(path: path, reason: String(describing: error)))) }
            }
        }
    }

    func listFolder(_ path: String, replyTo id: LayerID) {
        let inbox = inbox
        Task.detached {
            do {
                let names = try FileManager.default.contentsOfDirectory(atPath: path)
                let entries = names.map { name -> FilePicker.Entry in
                    var isFolder: ObjCBool = false
                    let full = path == "/" ? "/" + name : path + "/" + name
                    _ = FileManager.default.fileExists(atPath: full, isDirectory: &isFolder)
                    let attributes = try? FileManager.default.attributesOfItem(atPath: full)
                    return FilePicker.Entry(name: name, isFolder: isFolder.boolValue, byteCount: attributes?[.size] as? Int ?? 0)
                }
                inbox.post(.reply(id, .folderListed(path: path, entries: entries)))
            } catch {
                inbox.post(.reply(id, .folderFailed(path: path, reason: "it cannot be listed")))
            }
        }
    }

    /// The local engine costs nothing; elsewhere, the price table's figure, when it has one.
    static func cost(of usage: Usage?, request: EditRequest, launch: EditorLaunch) -> Cost {
        launch.prices.cost(of: usage, model: request.effectiveModel, local: launch.backend == .local)
    }

    static func outcome(_ error: ImageEditError) -> RunOutcome {
        switch error {
        case .cancelled: return .cancelled
        case .api(let api):
            var lines = [api.message]
            let facts = [api.param.map { "param: \($0)" }, api.code.map { "code: \($0)" }, api.type.map { "type: \($0)" }].compactMap { $0 }
            if !facts.isEmpty { lines.append(facts.joined(separator: " · ")) }
            if let id = api.requestID { lines.append("request id: \(id)") }
            return .failed(title: "The API refused the edit (HTTP \(api.status))", lines: lines)
        case .preflight(let violations):
            return .failed(title: "Not sent: the request breaks the model's rules", lines: violations.map(\.description))
        default:
            return .failed(title: "The edit failed", lines: [error.description])
        }
    }

    /// A decoded copy small enough to draw quickly.
    static func preview(_ bytes: [UInt8]) -> RGBAImage? {
        guard let image = try? ImageDecoder().decode(bytes).image else { return nil }
        let fit = image.fittingSize(maxWidth: 1024, maxHeight: 1024)
        return fit.width < image.width ? image.resized(width: fit.width, height: fit.height) : image
    }
}

/// A value shared between the UI thread and a run's task.
final class Shared<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: Value

    init(_ value: Value) { stored = value }

    var value: Value {
        get { lock.withLock { stored } }
        set { lock.withLock { stored = newValue } }
    }

    /// Changes the value in place, with no other change in between.
    func update(_ change: (inout Value) -> Void) {
        lock.withLock { change(&stored) }
    }
}
