import ImageEditModel

/// An intermediate image of a streamed edit.
public struct PartialImage: Equatable, Sendable {
    public var index: Int
    public var bytes: [UInt8]
    public var createdAt: Int?
    public var settings: OutputSettings
}

/// A finished image.
public struct EditedImage: Equatable, Sendable {
    /// Position among the images of this edit, from 0.
    public var index: Int
    public var bytes: [UInt8]
    public var revisedPrompt: String?
    public var createdAt: Int?
    public var settings: OutputSettings
    /// Per-image usage when streamed; the response's usage otherwise.
    public var usage: Usage?
}

/// Progress of one edit, reported while it runs.
public enum EditProgress: Sendable {
    /// An attempt is starting (1 for the first, more after retries).
    case attempt(Int, of: Int)
    /// The server answered 2xx; `requestID` is its x-request-id, `engine` what Retouch's local
    /// engine says it understood of the prompt (its X-Retouch-Engine header), when it is one.
    case responseStarted(status: Int, requestID: String?, engine: String?)
    /// Bytes of the answer received so far.
    case received(bytes: Int)
    case partialImage(PartialImage)
    case image(EditedImage)
    /// Waiting before the next attempt, and why.
    case retrying(after: Double, reason: String)
}

/// Everything an edit produced.
public struct EditResult: Equatable, Sendable {
    public var images: [EditedImage]
    public var partialImageCount: Int
    public var created: Int?
    public var usage: Usage?
    public var settings: OutputSettings
    public var requestID: String?
}
