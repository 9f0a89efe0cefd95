import EditorCore
import Foundation
import TestSupport
import ImageCodecs
import Raster
import SessionModel
import SessionStore
import Testing
@testable import TerminalUI

@Suite struct SessionStartTests {
    /// A folder with a small PNG source and the path of a store in it.
    func setting() throws -> (folder: String, source: String, store: String) {
        let folder = try TestFolders.fresh("start").path
        let source = folder + "/lake.png"
        let image = RGBAImage(width: 40, height: 30) { x, y in RGBA(UInt8(x * 6), UInt8(y * 8), 90) }
        try Data(try ImageEncoder.png(image)).write(to: URL(fileURLWithPath: source))
        return (folder, source, folder + "/store/sessions.sqlite")
    }

    @Test func theLastSessionReopensWithItsDraftAndResults() throws {
        let (folder, source, storePath) = try setting()
        let first = SessionStart.begin(storePath: storePath, images: [try SourceLoader.load(source)], fresh: false,
                                       newResultsFolder: folder + "/results-1")
        var state = EditorState(sources: first.editor.sources, backend: .local)
        state.prompt.replace(with: "a heron")
        state.mask?.rects = [PixelRect(x: 1, y: 1, width: 10, height: 10)]
        #expect(first.keeper.save(state.draft) == nil)
        // A run that got one image, then the editor vanished (its pid is not alive).
        let store = try #require(first.keeper.store)
        let result = folder + "/results-1/edit-1.png"
        try FileManager.default.createDirectory(atPath: folder + "/results-1", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: source, toPath: result)
        let run = SessionStore.NewRun(session: first.keeper.session, prompt: "a heron", parameters: [:], sources: [], maskRects: [],
                                      maskInverted: false, maskPNG: nil, loadedMaskPNG: nil, backend: "local", started: 5, pid: Int32.max)
        let id = try store.runStarted(run)
        try store.resultSaved(run: id, path: result, index: 0, now: 6)

        let reopened = SessionStart.begin(storePath: storePath, images: [], fresh: false, newResultsFolder: folder + "/results-2")
        #expect(reopened.keeper.session == first.keeper.session && reopened.resultsFolder == folder + "/results-1")
        #expect(reopened.editor.sources.map(\.path) == [source])
        #expect(reopened.editor.draft?.prompt == "a heron" && reopened.editor.draft?.maskRects.count == 1)
        #expect(reopened.editor.results.map(\.path) == [result])
        #expect(reopened.editor.sentPrompts == ["a heron"])
        #expect(reopened.editor.notice == "Run \(id) was interrupted; 1 image had arrived")
        #expect(try store.run(id).status == .interrupted)

        let fresh = SessionStart.begin(storePath: storePath, images: [], fresh: true, newResultsFolder: folder + "/results-3")
        #expect(fresh.keeper.session != first.keeper.session && fresh.editor.sources.isEmpty && fresh.editor.draft == nil)
        #expect(fresh.editor.earlierPrompts == ["a heron"], "earlier sessions' prompts stay reachable")
    }

    @Test func aMissingSourceIsSaidAndTheRestReopens() throws {
        let (folder, source, storePath) = try setting()
        let start = SessionStart.begin(storePath: storePath, images: [try SourceLoader.load(source)], fresh: false, newResultsFolder: folder)
        _ = start.keeper.save(Draft(prompt: "x", sources: [folder + "/gone.png", source]))
        let reopened = SessionStart.begin(storePath: storePath, images: [], fresh: false, newResultsFolder: folder)
        #expect(reopened.editor.sources.map(\.path) == [source])
        #expect(reopened.editor.notice?.contains("gone.png is gone from the draft") == true)
    }

    @Test func anUnreadableStoreLeavesTheEditorWorkingAndSaysSo() throws {
        let (folder, source, storePath) = try setting()
        try FileManager.default.createDirectory(atPath: (storePath as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data("not sqlite".utf8).write(to: URL(fileURLWithPath: storePath))
        let start = SessionStart.begin(storePath: storePath, images: [try SourceLoader.load(source)], fresh: false, newResultsFolder: folder)
        #expect(start.keeper.store == nil && start.editor.sources.count == 1)
        #expect(start.editor.notice?.hasPrefix("History and drafts are off: the session store") == true)
        #expect(start.keeper.save(Draft(prompt: "anything")) == nil, "without a store, nothing is written and nothing fails")
    }
}
