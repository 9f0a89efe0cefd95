import ImageEditModel
import Raster
import SessionModel

public enum MouseEvent: Equatable, Sendable {
    case press(x: Int, y: Int)
    case drag(x: Int, y: Int)
    case release(x: Int, y: Int)
}

/// What happens during a run, reported by the effect runner.
public enum RunEvent: Equatable, Sendable {
    /// A slot came free: the request goes out now (a set sends a few at a time).
    case started
    case status(String)
    case received(bytes: Int)
    case partial(RGBAImage)
    case saved(ResultItem)
    /// What the local engine understood of the prompt (its X-Retouch-Engine header).
    case engine(String)
    /// What the run cost (the runtime knows the prices).
    case cost(Cost)
}

public enum RunOutcome: Equatable, Sendable {
    case completed(totalTokens: Int?)
    case failed(title: String, lines: [String])
    case cancelled
}

public enum Message: Equatable, Sendable {
    case key(Key)
    case mouse(MouseEvent)
    /// The terminal went away (SIGHUP, SIGTERM, the pty closed): keep the draft and go.
    case hangUp
    /// The draft could not be written; it is tried again once it changes.
    case draftNotSaved(problem: String)
    /// The session store could not record a set's winner.
    case winnerNotRecorded(problem: String)
    case resize(Size)
    case tick(now: Double)
    /// What happens to one variant of what was sent (1 for an edit sent alone).
    case run(variant: Int, RunEvent)
    case finished(variant: Int, RunOutcome)
    /// A past set sent again: its variants as the store had them, for set `number`'s tiles.
    case resending(set: Int, variants: [Variant], sweptField: EditField?)
    /// The past set could not be read to send it again.
    case resendFailed(set: Int, reason: String)
    /// A result, read back as a source image (iterating on it).
    case sourceLoaded(SourceImage)
    case sourceFailed(String)
    /// The answer to an effect an overlay asked for, for that overlay.
    case reply(LayerID, Reply)
    /// A picked file, read as an added source.
    case sourceAdded(SourceImage)
    /// A mask PNG read for the first source, or why it could not be read.
    case maskRead(path: String, image: RGBAImage, format: ImageFormat, hasAlpha: Bool)
    case maskFailed(String)
    /// A result's preview, read again (nil: the file cannot be read).
    case previewRead(path: String, image: RGBAImage?)
    /// How an export went: the path written, or why not.
    case exported(path: String)
    case exportFailed(String)
}

/// What an overlay asked for, come back.
public enum Reply: Equatable, Sendable {
    /// A folder's entries, or why it could not be read.
    case folderListed(path: String, entries: [FilePicker.Entry])
    case folderFailed(path: String, reason: String)
    /// A file read with a small preview, or why it cannot be read.
    case fileInspected(SourceImage)
    case fileInspectionFailed(path: String, reason: String)
    /// Past runs, newest first, or why they could not be read.
    case historyLoaded([PastRun])
    case historyFailed(String)
}

/// Work for the runtime: the editor itself does no I/O.
public enum Effect: Equatable, Sendable {
    /// Send an edit, or a set of variants a few at a time.
    case send(SendOrder)
    /// Cancel one variant's run, or (nil) everything in flight.
    case cancelRun(variant: Int?)
    /// The set's winner, for the session store.
    case recordWinner(set: Int, variant: Int)
    /// Read an image file as a new first source.
    case loadSource(path: String)
    /// Read an image file to add it as the last source.
    case addSource(path: String)
    case listFolder(path: String, replyTo: LayerID)
    /// Read a mask PNG for the first source.
    case readMask(path: String)
    /// Past runs whose prompt contains `filter`, of this session or of all.
    case loadHistory(filter: String, allSessions: Bool, replyTo: LayerID)
    /// Send a past run again exactly as it was (its sources, prompt, parameters and mask).
    case rerun(runID: Int64)
    /// Send every variant of a past set again, as this session's set `number`.
    case rerunSet(setID: Int64, number: Int)
    /// Read the loaded mask a past run used, as a `maskRead` message.
    case readRunMask(runID: Int64)
    /// Read the file highlighted in the picker, for its thumbnail and details.
    case inspectFile(path: String, replyTo: LayerID)
    /// Copy a saved result to a path chosen by the user; never replaces a file.
    case export(from: String, to: String)
    /// Read a result's file again for its preview.
    case readPreview(path: String)
    /// Write the draft to the session store (once typing pauses, and before leaving).
    case saveDraft(Draft)
    /// A `.tick` is wanted at this time on the monotonic clock (a run's elapsed time, a draft
    /// to save once typing pauses).
    case wake(at: Double)
    /// Ask the terminal its cell size in pixels (a resize may come with a new font).
    case measureCells
    /// Stop the run as interrupted, not cancelled: the terminal has gone.
    case interruptRun
    case quit
}

/// What one Ctrl-S sends: its variants (one for an edit alone), the mask to encode as a PNG
/// for all of them, and the draft they are recorded with.
public struct SendOrder: Equatable, Sendable {
    /// The set's number in this session.
    public var set: Int
    public var variants: [Variant]
    public var mask: RGBAImage?
    public var draft: Draft
    public var sweptField: EditField?

    public init(set: Int, variants: [Variant], mask: RGBAImage?, draft: Draft, sweptField: EditField? = nil) {
        self.set = set
        self.variants = variants
        self.mask = mask
        self.draft = draft
        self.sweptField = sweptField
    }

    public var isSet: Bool { variants.count > 1 }
}
