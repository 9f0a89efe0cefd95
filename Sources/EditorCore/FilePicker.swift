import Foundation

/// Browsing folders for source images: folders first, then PNG, JPEG and WebP files.
public struct FilePicker: Equatable, Sendable {
    public struct Entry: Equatable, Sendable {
        public var name: String
        public var isFolder: Bool
        public var byteCount: Int

        public init(name: String, isFolder: Bool, byteCount: Int) {
            self.name = name
            self.isFolder = isFolder
            self.byteCount = byteCount
        }
    }

    /// What a picked file is for.
    public enum Purpose: Equatable, Sendable {
        case addSources
        /// A mask PNG for the first source: one file, PNGs only.
        case loadMask
    }

    public var purpose: Purpose
    public var folder: String
    public var entries: [Entry] = []
    public var selected = 0
    /// Set while the folder is being read.
    public var loading = true
    /// Files marked with Space, added together with Enter.
    public var marked: [String] = []
    /// What is known of the highlighted file: its picture, format, size and dimensions.
    public var details: Details?

    public enum Details: Equatable, Sendable {
        case reading(path: String)
        case image(SourceImage)
        case unreadable(path: String, reason: String)

        public var path: String {
            switch self {
            case .reading(let path), .unreadable(let path, _): path
            case .image(let source): source.path
            }
        }
    }

    public static let imageExtensions = ["png", "jpg", "jpeg", "webp"]

    public init(folder: String, purpose: Purpose = .addSources) {
        self.folder = folder
        self.purpose = purpose
    }

    /// Keeps folders and the files that can serve (images; PNGs for a mask), sorted, with ".."
    /// first unless at the root.
    public static func visible(_ entries: [Entry], in folder: String, purpose: Purpose = .addSources) -> [Entry] {
        let extensions = purpose == .loadMask ? ["png"] : imageExtensions
        let folders = entries.filter { $0.isFolder && !$0.name.hasPrefix(".") }.sorted { $0.name.lowercased() < $1.name.lowercased() }
        let images = entries.filter { entry in
            !entry.isFolder && extensions.contains(entry.name.split(separator: ".").last.map { $0.lowercased() } ?? "")
        }.sorted { $0.name.lowercased() < $1.name.lowercased() }
        return (folder == "/" ? [] : [Entry(name: "..", isFolder: true, byteCount: 0)]) + folders + images
    }

    public var current: Entry? { entries.indices.contains(selected) ? entries[selected] : nil }

    /// The path of `entry` inside this folder ("..", the parent).
    public func path(of entry: Entry) -> String {
        if entry.name == ".." {
            let parent = (folder as NSString).deletingLastPathComponent
            return parent.isEmpty ? "." : parent
        }
        return folder == "/" ? "/" + entry.name : folder + "/" + entry.name
    }
}
