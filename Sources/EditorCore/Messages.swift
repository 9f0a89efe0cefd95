import ImageEditModel
import Raster
import SessionModel

/// A key as the terminal layer decodes it.
public enum Key: Equatable, Sendable {
    case character(Character)
    case enter, backspace, delete, tab, backTab, escape
    case left, right, up, down, home, end, pageUp, pageDown
    case shiftLeft, shiftRight, shiftUp, shiftDown, wordLeft, wordRight
    case control(Character)
    case function(Int)
    /// Bracketed paste: the text arrives whole.
    case paste(String)
}

public enum MouseEvent: Equatable, Sendable {
    case press(x: Int, y: Int)
    case drag(x: Int, y: Int)
    case release(x: Int, y: Int)
}

/// What happens during a run, reported by the effect runner.
public enum RunEvent: Equatable, Sendable {
    case status(String)
    case received(bytes: Int)
    case partial(RGBAImage)
    case saved(ResultItem)
}

public enum RunOutcome: Equatable, Sendable {
    case completed(totalTokens: Int?)
    case failed(title: String, lines: [String])
    case cancelled
}

public enum Message: Equatable, Sendable {
    case key(Key)
    case mouse(MouseEvent)
    case resize(Size)
    case tick(now: Double)
    case run(RunEvent)
    case finished(RunOutcome)
    /// A result, read back as a source image (iterating on it).
    case sourceLoaded(SourceImage)
    case sourceFailed(String)
    /// A folder's entries for the file picker, or why it could not be read.
    case folderListed(path: String, entries: [FilePicker.Entry])
    case folderFailed(path: String, reason: String)
    /// A picked file, read as an added source.
    case sourceAdded(SourceImage)
    /// The highlighted file in the picker, read with a small preview, or why it cannot be read.
    case fileInspected(SourceImage)
    case fileInspectionFailed(path: String, reason: String)
    /// A mask PNG read for the first source, or why it could not be read.
    case maskRead(path: String, image: RGBAImage, format: ImageFormat, hasAlpha: Bool)
    case maskFailed(String)
    /// Past runs for the history panel, newest first, or why they could not be read.
    case historyLoaded([PastRun])
    case historyFailed(String)
    /// How an export went: the path written, or why not.
    case exported(path: String)
    case exportFailed(String)
}

/// Work for the runtime: the editor itself does no I/O.
public enum Effect: Equatable, Sendable {
    /// Send `request`; `mask`, when set, is to be encoded as the mask PNG.
    case send(EditRequest, mask: RGBAImage?)
    case cancelRun
    /// Read an image file as a new first source.
    case loadSource(path: String)
    /// Read an image file to add it as the last source.
    case addSource(path: String)
    case listFolder(path: String)
    /// Read a mask PNG for the first source.
    case readMask(path: String)
    /// Past runs whose prompt contains `filter`, of this session or of all.
    case loadHistory(filter: String, allSessions: Bool)
    /// Send a past run again exactly as it was (its sources, prompt, parameters and mask).
    case rerun(runID: Int64)
    /// Read the loaded mask a past run used, as a `maskRead` message.
    case readRunMask(runID: Int64)
    /// Read the file highlighted in the picker, for its thumbnail and details.
    case inspectFile(path: String)
    /// Copy a saved result to a path chosen by the user; never replaces a file.
    case export(from: String, to: String)
    case quit
}
