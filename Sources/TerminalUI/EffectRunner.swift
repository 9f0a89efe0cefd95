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

/// Runs the editor's effects: one edit at a time, its images saved as they arrive.
final class EffectRunner: EffectPerformer, @unchecked Sendable {
    let launch: EditorLaunch
    let inbox: Inbox
    private var task: Task<Void, Never>?

    init(launch: EditorLaunch, inbox: Inbox) {
        self.launch = launch
        self.inbox = inbox
    }

    func cancel() { task?.cancel() }

    /// Everything but the loop's own effects (quitting, waking, measuring the terminal).
    func perform(_ effect: Effect) {
        switch effect {
        case .send(let request, let mask, let draft): send(request, mask: mask, draft: draft)
        case .rerun(let id): rerun(id)
        case .cancelRun: cancel()
        case .interruptRun: hangUp()
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

    /// The terminal went away: the run stops and is recorded as interrupted, not cancelled.
    private let hungUp = Shared(false)

    /// Waits, a few seconds at most, until the cancelled run has been recorded: the process
    /// ends next, and a run it leaves `running` would wait for the next editor to notice.
    func hangUp() {
        hungUp.value = true
        cancel()
        guard let task else { return }
        let recorded = DispatchSemaphore(value: 0)
        Task.detached {
            await task.value
            recorded.signal()
        }
        _ = recorded.wait(timeout: .now() + 3)
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

    /// Sends an edit; `mask`, when set, is encoded as the mask PNG. The run is recorded in the
    /// session store with `draft`'s mask rectangles, its results as they arrive.
    func send(_ request: EditRequest, mask: RGBAImage?, draft: Draft) {
        run { () throws -> (EditRequest, Draft) in
            var request = request
            do {
                if let mask { request.mask = InputImage(bytes: try ImageEncoder.png(mask, alpha: .always), filename: "mask.png") }
            } catch {
                throw RunFailure(title: "Could not make the mask", reason: String(describing: error))
            }
            return (request, draft)
        }
    }

    /// Sends a past run again as it was: its sources, prompt, parameters and the mask it sent.
    func rerun(_ id: Int64) {
        let keeper = launch.keeper
        run { () throws -> (EditRequest, Draft) in
            guard let store = keeper.store else { throw RunFailure(title: "Not sent", reason: "there is no session store to read the run from") }
            do {
                let past = try store.run(id)
                let masks = try store.masks(of: id)
                let mask = masks.sent.map { InputImage(bytes: $0, filename: "mask.png") }
                let request = Parameters(apiValues: past.parameters).request(images: past.sources.map { InputImage(path: $0.path) },
                                                                             mask: mask, prompt: past.prompt)
                let loaded = masks.loaded.flatMap { try? ImageDecoder().decode($0).image }
                return (request, Draft(prompt: past.prompt, sources: past.sources.map(\.path), maskRects: past.maskRects,
                                       maskInverted: past.maskInverted, loadedMask: loaded, parameters: past.parameters))
            } catch {
                throw RunFailure(title: "Not sent", reason: String(describing: error))
            }
        }
    }

    struct RunFailure: Error {
        var title: String
        var reason: String
    }

    /// One edit at a time: prepares the request, records it, streams it, saves what arrives.
    /// `prepare` throws `RunFailure` when the request cannot be made.
    private func run(_ prepare: @escaping @Sendable () throws -> (EditRequest, Draft)) {
        let launch = launch, inbox = inbox, keeper = launch.keeper, hungUp = hungUp
        task = Task.detached {
            let sent: EditRequest, draft: Draft
            do {
                (sent, draft) = try prepare()
            } catch {
                let failure = error as? RunFailure ?? RunFailure(title: "Not sent", reason: String(describing: error))
                inbox.post(.finished(.failed(title: failure.title, lines: [failure.reason])))
                return
            }
            let record = keeper.runStarted(sent, draft: draft, backend: launch.backend.label)
            // The session's folder is in Retouch's own data folder: private, as the store is.
            let writer = ResultWriter(folder: launch.resultsFolder, stem: ResultWriter.stem(), folderMode: 0o700)
            let server = launch.client.configuration.baseURL
            let requestID = Shared<String?>(nil)
            let outcome: RunOutcome
            var usage: Usage?
            do {
                let result = try await launch.client.edit(sent) { progress in
                    switch progress {
                    case .attempt(let n, let total): inbox.post(.run(.status(n == 1 ? "sending" : "sending (attempt \(n)/\(total))")))
                    case .responseStarted(_, let id, let engine):
                        requestID.value = id
                        inbox.post(.run(.status("receiving")))
                        if let engine { inbox.post(.run(.engine(engine))) }
                    case .received(let bytes): inbox.post(.run(.received(bytes: bytes)))
                    case .retrying(let after, _): inbox.post(.run(.status("retrying in \(Int(after.rounded(.up))) s")))
                    case .partialImage(let partial):
                        if let image = Self.preview(partial.bytes) { inbox.post(.run(.partial(image))) }
                    case .image(let image):
                        do {
                            let path = try writer.write(image.bytes, suffix: image.index == 0 ? nil : "\(image.index + 1)") { file in
                                Sidecar(file: file, kind: "image", index: image.index, request: sent, server: server,
                                        requestID: requestID.value, created: image.createdAt, usage: image.usage,
                                        output: image.settings, revisedPrompt: image.revisedPrompt,
                                        costUSD: image.usage == nil ? nil : Self.cost(of: image.usage, request: sent, launch: launch).money)
                            }
                            keeper.resultSaved(run: record, path: path, index: image.index)
                            inbox.post(.run(.saved(ResultItem(path: path, preview: Self.preview(image.bytes) ?? RGBAImage(width: 1, height: 1)))))
                        } catch {
                            inbox.post(.run(.status("could not save: \(error)")))
                        }
                    }
                }
                usage = result.usage
                inbox.post(.run(.cost(Self.cost(of: result.usage, request: sent, launch: launch))))
                outcome = .completed(totalTokens: result.usage?.totalTokens)
            } catch {
                outcome = Self.outcome(error as? ImageEditError ?? .cancelled)
            }
            keeper.runFinished(run: record, outcome: outcome, usage: usage, interrupted: hungUp.value)
            inbox.post(.finished(outcome))
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

    /// Copies a result without ever replacing a file: link(2) fails when the name exists.
    func export(from: String, to: String) {
        let inbox = inbox
        Task.detached {
            do {
                let bytes = try FileReader.readAll(path: from, maxBytes: 1 << 30)
                let folder = (to as NSString).deletingLastPathComponent
                let name = FileName.last(of: to)
                let writer = ResultWriter(folder: folder.isEmpty ? "." : folder, stem: "")
                let written = try writer.copy(bytes, to: name)
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
}
