import Foundation
import ImageEditModel
import Raster
import SessionModel

/// What the editor starts with, as the runtime found it: the session's sources, draft and
/// results, earlier prompts, and where and when it runs.
public struct EditorStart: Sendable {
    public var sources: [SourceImage]
    public var backend: Backend
    /// The session's saved draft (its prompt, parameters and mask are restored).
    public var draft: Draft?
    /// A mask PNG for the first source (`--mask`), already checked for its size.
    public var mask: RGBAImage?
    public var results: [ResultItem] = []
    public var sentPrompts: [String] = []
    public var earlierPrompts: [String] = []
    public var tokens = 0
    public var cost = Money.zero
    public var prices = PriceTable.published
    public var notice: String?
    /// The session's last variant set, to show again in the grid, and how many sets the
    /// session has sent (the next is numbered after them).
    public var lastSet: PastSet?
    public var setsSent = 0
    /// Drafts are kept (a session store is open).
    public var keepsDrafts = false
    public var startFolder = "."
    public var timeZone = TimeZone(identifier: "UTC")!

    public init(sources: [SourceImage], backend: Backend) {
        self.sources = sources
        self.backend = backend
    }
}

extension Editor {
    /// The first state, and the first effects: without a source, the file picker opens.
    public static func start(_ start: EditorStart) -> (EditorState, [Effect]) {
        var state = EditorState(sources: start.sources, backend: start.backend)
        state.startFolder = start.startFolder
        state.timeZone = start.timeZone
        if let draft = start.draft { state.restore(draft) }
        if let loaded = start.mask, let first = start.sources.first {
            state.mask?.load(loaded, previewWidth: first.preview.width, previewHeight: first.preview.height)
        }
        state.results = start.results
        state.setsSent = start.setsSent
        if let last = start.lastSet {
            state.sent = RunSet(resuming: last, number: start.setsSent, results: start.results, prices: start.prices)
        }
        state.recall.sent = start.sentPrompts
        state.recall.earlier = start.earlierPrompts
        state.sessionTokens = start.tokens
        state.sessionCost = start.cost
        state.prices = start.prices
        state.notice = start.notice
        state.keepsDrafts = start.keepsDrafts
        state.savedDraft = start.draft
        let effects = start.sources.isEmpty ? openPicker(&state) : []
        return (state, effects)
    }
}
