import EditorCore
import Foundation
import ImageCodecs
import ImageEditAPI
import ImageEditModel
import Raster
import ResultFiles
import SessionModel
import SessionStore

/// Sends what the editor asks for: an edit alone, or a set of variants at most `inFlight` at a
/// time (the rest wait for a slot), each saved, recorded and cancellable on its own.
final class RunSender: @unchecked Sendable {
    let launch: EditorLaunch
    let inbox: Inbox
    private let slots = Slots(RunSet.inFlight)
    /// Each variant's task, by variant number, of what was sent last.
    private let tasks = Shared<[Int: Task<Void, Never>]>([:])
    /// The editor's set numbers → the store's set and its runs, by variant.
    private let recorded = Shared<[Int: RecordedSet]>([:])
    /// The terminal went away: runs stop and are recorded as interrupted, not cancelled.
    let hungUp = Shared(false)

    struct RecordedSet {
        var id: Int64?
        var runs: [Int: Int64] = [:]
    }

    struct RunFailure: Error {
        var title: String
        var reason: String
    }

    init(launch: EditorLaunch, inbox: Inbox) {
        self.launch = launch
        self.inbox = inbox
        // The last set of a reopened session is in the grid again: its winner can still be chosen.
        if let last = launch.start.editor.lastSet {
            let runs = last.runs.compactMap { run in run.variant.map { ($0.number, run.id) } }
            recorded.value[launch.start.editor.setsSent] = RecordedSet(id: last.id, runs: Dictionary(runs) { first, _ in first })
        }
    }

    /// Cancels one variant's run, or every one.
    func cancel(variant: Int?) {
        for (number, task) in tasks.value where variant == nil || number == variant { task.cancel() }
    }

    /// Waits, a few seconds at most, until the cancelled runs have been recorded: the process
    /// ends next, and a run it leaves `running` would wait for the next editor to notice.
    func hangUp() {
        hungUp.value = true
        cancel(variant: nil)
        let running = Array(tasks.value.values)
        let recorded = DispatchSemaphore(value: 0)
        Task.detached {
            for task in running { await task.value }
            recorded.signal()
        }
        _ = recorded.wait(timeout: .now() + 3)
    }

    func send(_ order: SendOrder) {
        let mask = EncodedOnce(order.mask)
        start(set: order.set, variants: order.variants, sweptField: order.sweptField) { variant in
            var request = variant.request
            request.mask = try mask.value().map { InputImage(bytes: $0, filename: "mask.png") }
            // Recorded as this variant was sent: its prompt and its swept value.
            var draft = order.draft
            draft.prompt = request.prompt
            draft.parameters = Parameters(request: request).apiValues
            return (request, draft)
        }
    }

    /// Sends a past run again as it was: its sources, prompt, parameters and the mask it sent.
    func rerun(_ id: Int64) {
        let keeper = launch.keeper
        start(set: 0, variants: [Variant(number: 1, request: EditRequest(images: [], prompt: ""))], sweptField: nil) { _ in
            guard let store = keeper.store else { throw RunFailure(title: "Not sent", reason: "there is no session store to read the run from") }
            return try Self.pastRequest(id, store: store)
        }
    }

    /// Sends every variant of a past set again, as the editor's set `number`.
    func rerunSet(_ id: Int64, number: Int) {
        let past: PastSet
        do {
            guard let store = launch.keeper.store else { throw RunFailure(title: "Not sent", reason: "there is no session store to read the set from") }
            past = try store.set(id)
        } catch {
            inbox.post(.resendFailed(set: number, reason: (error as? RunFailure)?.reason ?? String(describing: error)))
            return
        }
        let field = past.sweptEditField
        let variants = past.variants
        inbox.post(.resending(set: number, variants: variants, sweptField: field))
        let runIDs = Dictionary(zip(variants.map(\.number), past.runs.map(\.id))) { first, _ in first }
        let store = launch.keeper.store
        start(set: number, variants: variants, sweptField: field) { variant in
            guard let store, let run = runIDs[variant.number] else { throw RunFailure(title: "Not sent", reason: "the set's run is gone") }
            return try Self.pastRequest(run, store: store)
        }
    }

    /// A past run's request with the mask it sent, and the draft to record it with.
    static func pastRequest(_ id: Int64, store: SessionStore) throws -> (EditRequest, Draft) {
        do {
            let past = try store.run(id)
            let masks = try store.masks(of: id)
            var request = past.request
            request.mask = masks.sent.map { InputImage(bytes: $0, filename: "mask.png") }
            let loaded = masks.loaded.flatMap { try? ImageDecoder().decode($0).image }
            return (request, Draft(prompt: past.prompt, sources: past.sources.map(\.path), maskRects: past.maskRects,
                                   maskInverted: past.maskInverted, loadedMask: loaded, parameters: past.parameters))
        } catch {
            throw RunFailure(title: "Not sent", reason: String(describing: error))
        }
    }

    /// Records the set, then one task per variant: each waits for a slot, prepares its request
    /// (`prepare` throws `RunFailure` when it cannot be made), and runs it.
    private func start(set number: Int, variants: [Variant], sweptField: EditField?,
                       prepare: @escaping @Sendable (Variant) throws -> (EditRequest, Draft)) {
        let isSet = variants.count > 1
        let setID = isSet ? launch.keeper.setStarted(sweptField: sweptField?.rawValue) : nil
        recorded.update { $0[number] = RecordedSet(id: setID) }
        // One name for the whole set; its files differ by `-vN`.
        let stem = ResultWriter.stem()
        var started: [Int: Task<Void, Never>] = [:]
        for variant in variants {
            let tag = setID.map { VariantTag(set: $0, number: variant.number, label: variant.label) }
            let stem = isSet ? stem + "-v\(variant.number)" : stem
            started[variant.number] = Task.detached { [self] in
                guard await slots.acquire() else {
                    // Never sent, but part of the set: recorded as cancelled.
                    if isSet, let (request, draft) = try? prepare(variant) {
                        let record = launch.keeper.runStarted(request, draft: draft, backend: launch.backend.label, variant: tag)
                        launch.keeper.runFinished(run: record, outcome: .cancelled, usage: nil, interrupted: hungUp.value)
                    }
                    inbox.post(.finished(variant: variant.number, .cancelled))
                    return
                }
                inbox.post(.run(variant: variant.number, .started))
                let outcome: RunOutcome
                do {
                    let (request, draft) = try prepare(variant)
                    outcome = await run(request, draft: draft, variant: variant, tag: tag, setNumber: number, stem: stem)
                } catch {
                    let failure = error as? RunFailure ?? RunFailure(title: "Not sent", reason: String(describing: error))
                    outcome = .failed(title: failure.title, lines: [failure.reason])
                }
                await slots.release()
                inbox.post(.finished(variant: variant.number, outcome))
            }
        }
        tasks.value = started
    }

    /// One request: recorded, streamed, its images saved and recorded as they arrive.
    private func run(_ sent: EditRequest, draft: Draft, variant: Variant, tag: VariantTag?, setNumber: Int, stem: String) async -> RunOutcome {
        let keeper = launch.keeper, inbox = inbox, launch = launch, number = variant.number
        let record = keeper.runStarted(sent, draft: draft, backend: launch.backend.label, variant: tag)
        if let record { recorded.update { $0[setNumber]?.runs[number] = record } }
        // The session's folder is in Retouch's own data folder: private, as the store is.
        let writer = ResultWriter(folder: launch.resultsFolder, stem: stem, folderMode: 0o700)
        let server = launch.client.configuration.baseURL
        let requestID = Shared<String?>(nil)
        let outcome: RunOutcome
        var usage: Usage?
        do {
            let result = try await launch.client.edit(sent) { progress in
                func post(_ event: RunEvent) { inbox.post(.run(variant: number, event)) }
                switch progress {
                case .attempt(let n, let total): post(.status(n == 1 ? "sending" : "sending (attempt \(n)/\(total))"))
                case .responseStarted(_, let id, let engine):
                    requestID.value = id
                    post(.status("receiving"))
                    if let engine { post(.engine(engine)) }
                case .received(let bytes): post(.received(bytes: bytes))
                case .retrying(let after, _): post(.status("retrying in \(Int(after.rounded(.up))) s"))
                case .partialImage(let partial):
                    if let image = EffectRunner.preview(partial.bytes) { post(.partial(image)) }
                case .image(let image):
                    do {
                        let path = try writer.write(image.bytes, suffix: image.index == 0 ? nil : "\(image.index + 1)") { file in
                            Sidecar(file: file, kind: "image", index: image.index, request: sent, server: server,
                                    requestID: requestID.value, created: image.createdAt, usage: image.usage,
                                    output: image.settings, revisedPrompt: image.revisedPrompt,
                                    costUSD: image.usage == nil ? nil : EffectRunner.cost(of: image.usage, request: sent, launch: launch).money,
                                    variant: tag == nil ? nil : variant)
                        }
                        keeper.resultSaved(run: record, path: path, index: image.index)
                        post(.saved(ResultItem(path: path, preview: EffectRunner.preview(image.bytes) ?? RGBAImage(width: 1, height: 1))))
                    } catch {
                        post(.status("could not save: \(error)"))
                    }
                }
            }
            usage = result.usage
            inbox.post(.run(variant: number, .cost(EffectRunner.cost(of: result.usage, request: sent, launch: launch))))
            outcome = .completed(totalTokens: result.usage?.totalTokens)
        } catch {
            outcome = EffectRunner.outcome(error)
        }
        keeper.runFinished(run: record, outcome: outcome, usage: usage, interrupted: hungUp.value)
        return outcome
    }

    /// The winner of the editor's set `number`, recorded once its run is.
    func recordWinner(set number: Int, variant: Int) {
        guard let set = recorded.value[number], let id = set.id, let run = set.runs[variant] else { return }
        if let problem = launch.keeper.chooseWinner(set: id, run: run) { inbox.post(.winnerNotRecorded(problem: problem)) }
    }
}

/// The mask PNG, encoded by the first variant that needs it and shared by the others.
final class EncodedOnce: @unchecked Sendable {
    private let lock = NSLock()
    private let image: RGBAImage?
    private var encoded: Result<[UInt8]?, RunSender.RunFailure>?

    init(_ image: RGBAImage?) { self.image = image }

    func value() throws -> [UInt8]? {
        try lock.withLock {
            if encoded == nil {
                do {
                    encoded = .success(try image.map { try ImageEncoder.png($0, alpha: .always) })
                } catch {
                    encoded = .failure(RunSender.RunFailure(title: "Could not make the mask", reason: String(describing: error)))
                }
            }
            return try encoded!.get()
        }
    }
}

/// A few requests at a time: the others wait in order for a free slot. A task cancelled while
/// it waits gives up its place.
actor Slots {
    private var free: Int
    private var waiting: [(id: UUID, continuation: CheckedContinuation<Bool, Never>)] = []

    init(_ count: Int) { free = count }

    /// True once a slot is this task's; false when the task was cancelled first.
    func acquire() async -> Bool {
        let id = UUID()
        return await withTaskCancellationHandler {
            await wait(id)
        } onCancel: {
            Task { await self.abandon(id) }
        }
    }

    private func wait(_ id: UUID) async -> Bool {
        if Task.isCancelled { return false }
        if free > 0 {
            free -= 1
            return true
        }
        return await withCheckedContinuation { waiting.append((id, $0)) }
    }

    private func abandon(_ id: UUID) {
        guard let i = waiting.firstIndex(where: { $0.id == id }) else { return }
        waiting.remove(at: i).continuation.resume(returning: false)
    }

    func release() {
        if waiting.isEmpty { free += 1 } else { waiting.removeFirst().continuation.resume(returning: true) }
    }
}
