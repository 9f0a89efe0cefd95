#if canImport(Glibc)
import Glibc
#endif
import FileAccess
import Foundation
import ImageEditModel
import Raster

/// A result or sidecar that could not be written, with the path and the reason.
public struct ResultWriteError: Error, Equatable, Sendable, CustomStringConvertible {
    public var path: String
    public var reason: String
    public var description: String { "cannot write \(path): \(reason)" }
}

/// What is recorded beside each result image. Never holds the API key.
public struct Sidecar: Codable, Equatable, Sendable {
    public var file: String
    public var kind: String
    public var index: Int
    public var prompt: String
    public var model: String
    public var parameters: [String: String]
    public var images: [String]
    public var mask: String?
    public var server: String
    public var requestID: String?
    public var created: Int?
    public var savedAt: String
    public var usage: Usage?
    /// What `usage` cost, in US dollars; nil when no price is known for the model.
    public var costUSD: Money?
    public var output: OutputSettings?
    public var revisedPrompt: String?
    /// Which variant of a set sent together made this result (1, 2, …), and its label.
    public var variant: Int?
    public var variantLabel: String?

    enum CodingKeys: String, CodingKey {
        case file, kind, index, prompt, model, parameters, images, mask, server, created, usage, output, variant
        case requestID = "request_id", savedAt = "saved_at", revisedPrompt = "revised_prompt", costUSD = "cost_usd"
        case variantLabel = "variant_label"
    }

    public init(file: String, kind: String, index: Int, request: EditRequest, server: String, requestID: String?,
                created: Int?, usage: Usage?, output: OutputSettings?, revisedPrompt: String?, savedAt: Date = Date(),
                costUSD: Money? = nil, variant: Variant? = nil) {
        self.file = file
        self.kind = kind
        self.index = index
        prompt = request.prompt
        model = request.effectiveModel
        var parameters = Dictionary(request.textFields.map { ($0.name, $0.value) }, uniquingKeysWith: { a, _ in a })
        parameters["prompt"] = nil
        parameters["model"] = nil
        self.parameters = parameters
        images = request.images.map(\.displayName)
        mask = request.mask?.displayName
        self.server = URLRedaction.redact(server)
        self.requestID = requestID
        self.created = created
        self.usage = usage
        self.costUSD = costUSD
        self.output = output
        self.revisedPrompt = revisedPrompt
        self.variant = variant?.number
        variantLabel = variant?.label
        self.savedAt = ISO8601DateFormatter().string(from: savedAt)
    }
}

/// Writes results into a folder without ever replacing a file: each file is written under a
/// temporary name and then hard-linked to a free final name (link fails rather than
/// overwrite), so a reader never sees half a file and an existing file is never touched.
/// Files are created with mode 0666 less the umask, as any program's files are.
public struct ResultWriter: Sendable {
    public var folder: String
    /// Name stem shared by one edit's files, e.g. `edit-20261125-130108`.
    public var stem: String
    /// The mode (less the umask) of folders the writer makes: 0o700 inside Retouch's own data
    /// folder, which holds prompts; 0o777 for a folder the user named.
    public var folderMode: mode_t

    public init(folder: String, stem: String, folderMode: mode_t = 0o777) {
        // `out/` names files `out/edit-….png`, not `out//edit-….png`.
        var folder = folder
        while folder.count > 1 && folder.hasSuffix("/") { folder.removeLast() }
        self.folder = folder
        self.stem = stem
        self.folderMode = folderMode
    }

    public static func stem(for date: Date = Date()) -> String {
        "edit-" + timestamp(date)
    }

    /// `20261125-130108`: sorts by time, safe in file names.
    public static func timestamp(_ date: Date = Date()) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "yyyyMMdd-HHmmss"
        return formatter.string(from: date)
    }

    /// Writes `bytes` as `<stem>[-suffix].<ext>` (ext from the bytes) and its sidecar
    /// as `<same name>.json`. Returns the image's path.
    ///
    /// The two share one name: a name is free when neither file exists; the image claims it
    /// and the sidecar completes it. When the sidecar cannot be placed (another writer took
    /// that name meanwhile, or the disk refused), the image is taken back, so neither file
    /// ever exists without the other.
    @discardableResult
    public func write(_ bytes: [UInt8], suffix: String?, sidecar: (String) -> Sidecar) throws(ResultWriteError) -> String {
        try ensureFolder()
        let ext: String
        if case .supported(let format) = FormatSniffer.sniff(bytes) { ext = format.fileExtension } else { ext = "bin" }
        let base = suffix.map { "\(stem)-\($0)" } ?? stem
        let temporary = try writeTemporary(bytes)
        defer { unlink(temporary) }
        for attempt in 1...10_000 {
            let name = attempt == 1 ? base : "\(base)-\(attempt)"
            let imagePath = inFolder("\(name).\(ext)")
            let sidecarPath = inFolder("\(name).json")
            if Self.exists(imagePath) || Self.exists(sidecarPath) { continue }
            let record = sidecar("\(name).\(ext)")
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            let encoded: Data = (try? encoder.encode(record)) ?? Data()
            let jsonTemporary = try writeTemporary([UInt8](encoded) + [10])
            defer { unlink(jsonTemporary) }
            if link(temporary, imagePath) != 0 {
                if errno == EEXIST { continue }
                throw ResultWriteError(path: imagePath, reason: Self.errnoText())
            }
            if link(jsonTemporary, sidecarPath) != 0 {
                let failure = errno
                // The claim is given back: the image name was free and this link made it.
                unlink(imagePath)
                if failure == EEXIST { continue }
                throw ResultWriteError(path: sidecarPath, reason: Self.errnoText(failure))
            }
            return imagePath
        }
        throw ResultWriteError(path: inFolder("\(base).\(ext)"), reason: "no free name left")
    }

    /// Writes `bytes` as exactly `name` in the folder, failing (never replacing) when it exists.
    public func copy(_ bytes: [UInt8], to name: String) throws(ResultWriteError) -> String {
        try ensureFolder()
        let target = inFolder(name)
        let temporary = try writeTemporary(bytes)
        defer { unlink(temporary) }
        guard link(temporary, target) == 0 else {
            throw ResultWriteError(path: target, reason: errno == EEXIST ? "a file of that name exists; choose another name" : Self.errnoText())
        }
        return target
    }

    /// Makes the folder if it is missing and writes (then removes) a hidden file in it: a
    /// folder that cannot take results is reported before anything is asked of a server.
    public func checkWritable() throws(ResultWriteError) {
        try ensureFolder()
        unlink(try writeTemporary([]))
    }

    /// The path of `name` in the folder (`/name` in the root, not `//name`).
    private func inFolder(_ name: String) -> String {
        folder == "/" ? "/" + name : folder + "/" + name
    }

    private static func exists(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0
    }

    private func ensureFolder() throws(ResultWriteError) {
        do {
            try Folders.create(folder, mode: folderMode)
        } catch {
            throw ResultWriteError(path: error.path, reason: error.reason)
        }
    }

    /// A new file holding `bytes`, under a hidden name in the folder: created exclusively with
    /// mode 0666, so the umask decides who may read it, and synced before it is linked.
    private func writeTemporary(_ bytes: [UInt8]) throws(ResultWriteError) -> String {
        var path = ""
        var fd: Int32 = -1
        for _ in 0..<100 {
            path = inFolder(".retouch-") + String(UInt64.random(in: 0...UInt64.max), radix: 36)
            fd = open(path, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0o666)
            if fd >= 0 || errno != EEXIST { break }
        }
        guard fd >= 0 else { throw ResultWriteError(path: folder, reason: Self.errnoText()) }
        defer { close(fd) }
        if let failure = FileWriter.writeAll(bytes, to: fd) {
            unlink(path)
            throw ResultWriteError(path: path, reason: Self.errnoText(failure))
        }
        guard fsync(fd) == 0 || errno == EINVAL else {
            let reason = Self.errnoText()
            unlink(path)
            throw ResultWriteError(path: path, reason: reason)
        }
        return path
    }

    static func errnoText(_ code: Int32 = errno) -> String { String(cString: strerror(code)).lowercased() }
}
