import Foundation
import TestSupport
import Testing
import ImageEditModel
import Raster
@testable import ResultFiles

@Suite struct ResultWriterTests {
    let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 1, 2, 3]
    let jpeg: [UInt8] = [0xFF, 0xD8, 0xFF, 0xE0, 9, 9]

    func folder() -> String {
        TestFolders.unmade("results").path
    }

    func sidecar(_ file: String) -> Sidecar {
        var request = EditRequest(images: [InputImage(path: "/photos/a.png")], prompt: "a hat", mask: InputImage(path: "m.png"))
        request.size = "1024x1024"
        request.n = 2
        return Sidecar(file: file, kind: "image", index: 0, request: request, server: "http://127.0.0.1:8080/v1",
                       requestID: "req_1", created: 5, usage: Usage(inputTokens: 1, outputTokens: 2, totalTokens: 3),
                       output: OutputSettings(size: "1024x1024"), revisedPrompt: nil)
    }

    @Test func neverOverwritesAndNamesByContent() throws {
        let dir = folder()
        let writer = ResultWriter(folder: dir, stem: "edit-20261125-120000")
        let first = try writer.write(png, suffix: nil, sidecar: sidecar)
        let second = try writer.write(jpeg, suffix: nil, sidecar: sidecar)
        let third = try writer.write(png, suffix: nil, sidecar: sidecar)
        #expect(first.hasSuffix("/edit-20261125-120000.png"))
        #expect(second.hasSuffix("/edit-20261125-120000-2.jpg"), "a free name, as the .json of the first is taken")
        #expect(third.hasSuffix("/edit-20261125-120000-3.png"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: first)) == Data(png))
        let listing = try FileManager.default.contentsOfDirectory(atPath: dir).sorted()
        #expect(listing == ["edit-20261125-120000-2.jpg", "edit-20261125-120000-2.json", "edit-20261125-120000-3.json",
                            "edit-20261125-120000-3.png", "edit-20261125-120000.json", "edit-20261125-120000.png"],
                "no temporary files are left behind")
    }

    @Test func aFolderGivenWithASlashNamesFilesWithOne() throws {
        let dir = folder()
        let written = try ResultWriter(folder: dir + "//", stem: "edit-1").write(png, suffix: nil, sidecar: sidecar)
        #expect(written == dir + "/edit-1.png")
        #expect(ResultWriter(folder: "/", stem: "x").folder == "/")
    }

    @Test func anExistingFileIsLeftAlone() throws {
        let dir = folder()
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try Data("precious".utf8).write(to: URL(fileURLWithPath: dir + "/edit-x.png"))
        let path = try ResultWriter(folder: dir, stem: "edit-x").write(png, suffix: nil, sidecar: sidecar)
        #expect(path.hasSuffix("edit-x-2.png"))
        #expect(try String(contentsOfFile: dir + "/edit-x.png", encoding: .utf8) == "precious")
    }

    @Test func sidecarRecordsTheEditButNoKey() throws {
        let dir = folder()
        let path = try ResultWriter(folder: dir, stem: "edit-y").write(png, suffix: "partial-0", sidecar: sidecar)
        #expect(path.hasSuffix("edit-y-partial-0.png"))
        let json = try String(contentsOfFile: dir + "/edit-y-partial-0.json", encoding: .utf8)
        let decoded = try JSONDecoder().decode(Sidecar.self, from: Data(json.utf8))
        #expect(decoded.file == "edit-y-partial-0.png")
        #expect(decoded.prompt == "a hat")
        #expect(decoded.model == "gpt-image-1.5")
        #expect(decoded.parameters == ["size": "1024x1024", "n": "2"])
        #expect(decoded.images == ["/photos/a.png"] && decoded.mask == "m.png")
        #expect(decoded.requestID == "req_1" && decoded.usage?.totalTokens == 3)
        #expect(!json.lowercased().contains("sk-") && !json.contains("Bearer"))
    }

    @Test func copyToAChosenNameNeverReplaces() throws {
        let dir = folder()
        let writer = ResultWriter(folder: dir, stem: "")
        let path = try writer.copy(png, to: "mine.png")
        #expect(path == dir + "/mine.png")
        #expect(throws: ResultWriteError(path: dir + "/mine.png", reason: "a file of that name exists; choose another name")) {
            try writer.copy(jpeg, to: "mine.png")
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == Data(png))
        let permissions = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(permissions == 0o666 & ~Self.umask(), "0666 less the umask, like any program's files")
    }

    @Test func aFileWhereTheFolderShouldBeIsReported() throws {
        let dir = folder()
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try Data().write(to: URL(fileURLWithPath: dir + "/out"))
        #expect(throws: ResultWriteError(path: dir + "/out", reason: "it is not a folder")) {
            try ResultWriter(folder: dir + "/out", stem: "e").write(png, suffix: nil, sidecar: sidecar)
        }
    }

    /// The process's umask, read without setting it (which would race with other tests).
    static func umask() -> Int {
        let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
        let line = status.split(separator: "\n").first { $0.hasPrefix("Umask:") }
        return line.flatMap { Int($0.dropFirst(6).trimmingCharacters(in: .whitespaces), radix: 8) } ?? 0o022
    }

    @Test func resultsAndSidecarsFollowTheUmask() throws {
        let dir = folder()
        let path = try ResultWriter(folder: dir, stem: "edit-m").write(png, suffix: nil, sidecar: sidecar)
        for file in [path, dir + "/edit-m.json"] {
            let permissions = try FileManager.default.attributesOfItem(atPath: file)[.posixPermissions] as? Int
            #expect(permissions == 0o666 & ~Self.umask(), "\(file): \(String(permissions ?? 0, radix: 8))")
        }
    }

    @Test func foldersItMakesTakeTheModeAsked() throws {
        let top = folder()
        let dir = top + "/results/session-1"
        _ = try ResultWriter(folder: dir, stem: "edit-p", folderMode: 0o700).write(png, suffix: nil, sidecar: sidecar)
        for path in [top, top + "/results", dir] {
            let permissions = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
            #expect(permissions == 0o700, "\(path): \(String(permissions ?? 0, radix: 8))")
        }
    }

    /// Another writer takes the sidecar's name between the check and the link: the image is
    /// taken back and both move to the next free name, instead of an image left without its
    /// sidecar and the run reported failed.
    @Test func aSidecarNameTakenMeanwhileMovesBothOn() throws {
        let dir = folder()
        var calls = 0
        let path = try ResultWriter(folder: dir, stem: "edit-r").write(png, suffix: nil) { file in
            calls += 1
            if calls == 1 { _ = FileManager.default.createFile(atPath: dir + "/edit-r.json", contents: Data("theirs".utf8)) }
            return sidecar(file)
        }
        #expect(path == dir + "/edit-r-2.png")
        let listing = try FileManager.default.contentsOfDirectory(atPath: dir).sorted()
        #expect(listing == ["edit-r-2.json", "edit-r-2.png", "edit-r.json"], "no image without its sidecar, nothing left behind")
        #expect(try String(contentsOfFile: dir + "/edit-r.json", encoding: .utf8) == "theirs", "their file is untouched")
        let decoded = try JSONDecoder().decode(Sidecar.self, from: Data(contentsOf: URL(fileURLWithPath: dir + "/edit-r-2.json")))
        #expect(decoded.file == "edit-r-2.png")
    }

    @Test func writersAtOnceEachGetAWholePair() async throws {
        let dir = folder()
        let writer = ResultWriter(folder: dir, stem: "edit-c")
        let paths = try await withThrowingTaskGroup(of: String.self) { group in
            for i in 0..<40 {
                group.addTask { try writer.write(i % 2 == 0 ? self.png : self.jpeg, suffix: nil, sidecar: self.sidecar) }
            }
            return try await group.reduce(into: [String]()) { $0.append($1) }
        }
        #expect(Set(paths).count == 40)
        let listing = try FileManager.default.contentsOfDirectory(atPath: dir)
        #expect(listing.count == 80, "\(listing.sorted())")
        for path in paths {
            let name = (path as NSString).lastPathComponent
            let sidecarPath = dir + "/" + (name as NSString).deletingPathExtension + ".json"
            let decoded = try JSONDecoder().decode(Sidecar.self, from: Data(contentsOf: URL(fileURLWithPath: sidecarPath)))
            #expect(decoded.file == name)
        }
    }

    @Test func theServerIsRecordedWithoutPasswordOrQuery() {
        var record = sidecar("a.png")
        #expect(record.server == "http://127.0.0.1:8080/v1")
        record = Sidecar(file: "a.png", kind: "image", index: 0, request: EditRequest(images: [], prompt: "p"),
                         server: "https://me:secret@proxy.example:8443/v1?api-key=secret2#x", requestID: nil, created: nil,
                         usage: nil, output: nil, revisedPrompt: nil)
        #expect(record.server == "https://proxy.example:8443/v1")
    }

    /// The cost is written as an exact number of dollars and read back to the picodollar.
    @Test func theCostIsRecordedWhenKnown() throws {
        let dir = folder()
        var priced = sidecar("a.png")
        priced.costUSD = Money(picodollars: 297_200_000_000)
        let path = try ResultWriter(folder: dir, stem: "edit").write(png, suffix: nil) { _ in priced }
        let json = try String(contentsOfFile: (path as NSString).deletingPathExtension + ".json", encoding: .utf8)
        #expect(json.contains(#""cost_usd" : 0.2972"#))
        let decoded = try JSONDecoder().decode(Sidecar.self, from: Data(json.utf8))
        #expect(decoded.costUSD == Money(picodollars: 297_200_000_000))
        let unpriced = try ResultWriter(folder: dir, stem: "edit").write(png, suffix: nil, sidecar: sidecar)
        let plain = try String(contentsOfFile: (unpriced as NSString).deletingPathExtension + ".json", encoding: .utf8)
        #expect(!plain.contains("cost_usd"), "no price known: tokens only")
    }
}

@Suite struct ExportNameTests {
    func written(_ typed: String, _ result: ImageFormat) -> String {
        let export = ExportName(typed: typed, resultFormat: result)
        return "\(export.name) as \(export.format)"
    }

    @Test func aNameSaysTheFormatOrGetsTheResultsOwn() {
        #expect(written("a.jpg", .png) == "a.jpg as jpeg")
        #expect(written("a.JPEG", .png) == "a.JPEG as jpeg")
        #expect(written("a.WebP", .jpeg) == "a.WebP as webp")
        #expect(written("a.png", .png) == "a.png as png")
        #expect(written("final", .webp) == "final.webp as webp")
        #expect(written("notes.txt", .png) == "notes.txt.png as png")
        #expect(written(".png", .jpeg) == ".png as png")
        #expect(written("v2.", .png) == "v2.png as png")
    }

    @Test func aTypedPathIsAFolderAndAName() {
        let folders: Set<String> = ["/tmp/x", "pictures"]
        func place(_ typed: String) -> String {
            let (folder, name) = ExportName.place(typed, resultName: "edit-1.png") { folders.contains($0) }
            return folder + " | " + name
        }
        #expect(place("/tmp/x/") == "/tmp/x/ | edit-1.png")
        #expect(place("/tmp/x") == "/tmp/x | edit-1.png", "an existing folder")
        #expect(place("pictures") == "pictures | edit-1.png")
        #expect(place("./") == "./ | edit-1.png")
        #expect(place("out/a.jpg") == "out | a.jpg")
        #expect(place("/a.jpg") == "/ | a.jpg")
        #expect(place("a.jpg") == ". | a.jpg")
    }
}
