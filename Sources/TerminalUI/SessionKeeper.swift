import EditorCore
import FileAccess
import Foundation
import ImageCodecs
import ImageEditModel
import Raster
import SessionModel
import SessionStore

#if canImport(Glibc)
import Glibc
#endif

/// The editor's link to the session store: which session it is, saving its draft, recording
/// its runs. Without a store (it could not be opened) nothing is kept, and the editor says so.
public final class SessionKeeper: @unchecked Sendable {
    public let store: SessionStore?
    public let session: String

    public init(store: SessionStore?, session: String) {
        self.store = store
        self.session = session
    }

    /// Writes the draft; a failure is returned for the status line.
    func save(_ draft: Draft) -> String? {
        guard let store else { return nil }
        do {
            let maskPNG = try draft.loadedMask.map { try ImageEncoder.png($0, alpha: .always) }
            try store.saveDraft(draft, session: session, loadedMaskPNG: maskPNG, now: Date().timeIntervalSince1970)
            return nil
        } catch {
            return String(describing: error)
        }
    }

    /// Records a run as it starts; nil without a store (or when the store fails: the edit
    /// goes on regardless).
    func runStarted(_ request: EditRequest, draft: Draft, backend: String, variant: VariantTag? = nil) -> Int64? {
        guard let store else { return nil }
        let sources = request.images.map { image -> SourceReference in
            switch image.content {
            case .file(let path): SourceReference(path: path, sha256: try? ContentHash.sha256(file: path))
            case .bytes(let bytes): SourceReference(path: image.filename, sha256: ContentHash.sha256(bytes))
            }
        }
        var maskPNG: [UInt8]?
        if case .bytes(let bytes)? = request.mask?.content { maskPNG = bytes }
        let loaded = try? draft.loadedMask.map { try ImageEncoder.png($0, alpha: .always) }
        var run = SessionStore.NewRun(session: session, prompt: request.prompt, parameters: draft.parameters,
                                      sources: sources, maskRects: draft.maskRects, maskInverted: draft.maskInverted,
                                      maskPNG: maskPNG, loadedMaskPNG: loaded ?? nil, backend: backend,
                                      started: Date().timeIntervalSince1970, pid: getpid())
        run.variant = variant
        return try? store.runStarted(run)
    }

    /// Records a variant set as it starts; nil without a store.
    func setStarted(sweptField: String?) -> Int64? {
        try? store?.setStarted(session: session, started: Date().timeIntervalSince1970, sweptField: sweptField)
    }

    /// Records a set's winner; a failure is returned for the status line.
    func chooseWinner(set: Int64, run: Int64) -> String? {
        do {
            try store?.chooseWinner(set: set, run: run)
            return nil
        } catch {
            return String(describing: error)
        }
    }

    func resultSaved(run: Int64?, path: String, index: Int) {
        guard let store, let run else { return }
        try? store.resultSaved(run: run, path: path, index: index, now: Date().timeIntervalSince1970)
    }

    /// `interrupted`: the run stopped because the terminal went away.
    func runFinished(run: Int64?, outcome: RunOutcome, usage: Usage?, interrupted: Bool) {
        guard let store, let run else { return }
        let status: PastRun.Status, error: String?
        switch outcome {
        case .completed: (status, error) = (.completed, nil)
        case .cancelled: (status, error) = (interrupted ? .interrupted : .cancelled, nil)
        case .failed(let title, let lines): (status, error) = (.failed, ([title] + lines).joined(separator: " · "))
        }
        try? store.runFinished(run: run, status: status, error: error,
                               usage: usage.map(SessionStore.Usage.init),
                               now: Date().timeIntervalSince1970)
    }
}

/// How the editor begins: a new session, or the last one reopened with its draft, results and
/// what happened to a run cut short.
public struct SessionStart: Sendable {
    public var keeper: SessionKeeper
    public var resultsFolder: String
    /// What the editor starts with: the sources, the draft, the results, the prompts of this
    /// session and the others, its tokens and cost, and a notice for the status line.
    public var editor: EditorStart

    init(keeper: SessionKeeper, resultsFolder: String, editor: EditorStart) {
        self.keeper = keeper
        self.resultsFolder = resultsFolder
        self.editor = editor
        self.editor.keepsDrafts = keeper.store != nil
    }

    /// `images`: files named on the command line (they start a new session, as `fresh` does).
    public static func begin(storePath: String, images: [SourceImage], fresh: Bool, newResultsFolder: String,
                             backend: Backend = .local, prices: PriceTable = .published) -> SessionStart {
        var editor = EditorStart(sources: images, backend: backend)
        editor.prices = prices
        let store: SessionStore
        do {
            store = try SessionStore(path: storePath)
        } catch {
            editor.notice = "History and drafts are off: \(error)"
            return SessionStart(keeper: SessionKeeper(store: nil, session: ""), resultsFolder: newResultsFolder, editor: editor)
        }
        // Runs left "running" by an editor that is gone were cut short.
        _ = try? store.markInterrupted()
        let now = Date().timeIntervalSince1970
        if images.isEmpty, !fresh, let last = try? store.lastSession() {
            return resume(last, store: store, editor: editor)
        }
        let session = (try? store.startSession(resultsFolder: newResultsFolder, now: now)) ?? UUID().uuidString
        editor.earlierPrompts = (try? store.prompts(excludingSession: session)) ?? []
        return SessionStart(keeper: SessionKeeper(store: store, session: session), resultsFolder: newResultsFolder, editor: editor)
    }

    /// `editor`: the backend and prices to start with; the rest comes from the session.
    static func resume(_ last: SessionRecord, store: SessionStore, editor: EditorStart) -> SessionStart {
        var editor = editor
        var notices: [String] = []
        var sources: [SourceImage] = []
        for path in last.draft?.sources ?? [] {
            do {
                sources.append(try SourceLoader.load(path))
            } catch {
                notices.append("\(FileName.last(of: path)) is gone from the draft: \(error)")
            }
        }
        var draft = last.draft
        if let loaded = try? store.draft(session: last.id)?.loadedMaskPNG, let image = try? ImageDecoder().decode(loaded).image {
            draft?.loadedMask = image
        }
        // Every result of the session whose file is still there, oldest first; the newest with
        // their previews, the others' read when shown.
        let runs = ((try? store.runs(session: last.id)) ?? []).reversed()
        let paths = runs.flatMap(\.results).filter { FileManager.default.fileExists(atPath: $0) }
        let results = paths.enumerated().map { index, path in
            let bytes = index < paths.count - Previews.limit ? nil : try? FileReader.readAll(path: path, maxBytes: 1 << 30)
            return ResultItem(path: path, preview: bytes.flatMap(EffectRunner.preview))
        }
        if let cut = runs.last(where: { $0.status == .interrupted }) {
            notices.insert("Run \(cut.id) was interrupted; \(cut.results.count) image\(cut.results.count == 1 ? "" : "s") had arrived", at: 0)
        }
        let keeper = SessionKeeper(store: store, session: last.id)
        var sent: [String] = []
        for run in runs where sent.last != run.prompt { sent.append(run.prompt) }
        editor.sources = sources
        editor.draft = draft
        editor.results = results
        editor.sentPrompts = sent
        editor.earlierPrompts = (try? store.prompts(excludingSession: last.id)) ?? []
        editor.tokens = (try? store.tokens(session: last.id)) ?? 0
        let sets = (try? store.sets(session: last.id)) ?? []
        editor.lastSet = sets.first
        editor.setsSent = sets.count
        editor.cost = runs.map { editor.prices.cost(of: $0).money ?? .zero }.reduce(.zero, +)
        editor.notice = notices.isEmpty ? "Reopened the last session (retouch --new starts afresh)" : notices.joined(separator: " · ")
        return SessionStart(keeper: keeper, resultsFolder: last.resultsFolder, editor: editor)
    }
}
