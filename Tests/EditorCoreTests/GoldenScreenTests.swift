import Foundation
import Testing
import ImageEditModel
import Raster
import SessionModel
import SnapshotTesting
@testable import EditorCore

/// Every panel and overlay as a whole screen, text and styles, at 80x24 and 160x48, compared
/// with the files in `__Snapshots__/GoldenScreenTests/` (`<screen>.<size>.txt`). Each state is
/// reached through `Editor.update` with the messages a user and the runtime would send, so the
/// goldens hold however the state is kept inside.
///
/// After a deliberate change to what the editor shows:
/// `SNAPSHOT_TESTING_RECORD=failed swift test --filter GoldenScreen` writes the new files (the
/// run fails once, listing them); review them with `git diff` and commit them with the change.
@Suite struct GoldenScreenTests {
    typealias Driver = GoldenFixtures.Driver

    // MARK: Panels

    @Test func promptFocused() {
        assertScreens("promptFocused") { size in
            var editor = GoldenFixtures.editor(size: size)
            editor.type("replace the sky with a warm sunset\nkeep the boat and its reflection")
            return editor.screen
        }
    }

    @Test func maskPanel() {
        assertScreens("maskPanel") { size in
            var editor = GoldenFixtures.editor(size: size)
            editor.press(.tab)
            editor.press(.up, times: 2)
            editor.press(.left, times: 3)
            editor.press(.enter)
            editor.press(.right, times: 6)
            editor.press(.shiftDown, .enter)
            editor.press(.down, times: 2)
            return editor.screen
        }
    }

    @Test func parametersFocused() {
        assertScreens("parametersFocused") { size in
            var editor = GoldenFixtures.editor(size: size)
            editor.press(.tab, .tab)
            editor.press(.down, times: 2)
            editor.press(.right)
            #expect(editor.state.parameters.selected == .quality)
            return editor.screen
        }
    }

    @Test func sourcesFocused() {
        assertScreens("sourcesFocused") { size in
            var editor = GoldenFixtures.editor(size: size)
            editor.press(.control("o"))
            editor.answer(.folderListed(path: "/photos", entries: GoldenFixtures.photosFolder))
            editor.press(.down, times: 3)
            editor.press(.character(" "), .character(" "))
            editor.press(.enter)
            #expect(editor.effects == [.addSource(path: "/photos/dusk.jpg"), .addSource(path: "/photos/harbour.webp")])
            editor.send(.sourceAdded(GoldenFixtures.dusk), .sourceAdded(GoldenFixtures.harbour))
            editor.press(.tab, .tab, .tab)
            editor.press(.down)
            #expect(editor.state.sources.count == 3)
            return editor.screen
        }
    }

    @Test func zoomedPreview() {
        assertScreens("zoomedPreview") { size in
            var editor = GoldenFixtures.editor(size: size)
            editor.press(.tab, .enter, .character("z"))
            return editor.screen
        }
    }

    // MARK: Runs and results

    @Test func runInFlight() {
        assertScreens("runInFlight") { size in
            inFlight(size).screen
        }
    }

    @Test func quitArmed() {
        assertScreens("quitArmed") { size in
            var editor = inFlight(size)
            editor.press(.control("q"))
            #expect(editor.effects.isEmpty)
            return editor.screen
        }
    }

    @Test func singleResult() {
        assertScreens("singleResult") { size in
            finished(size, results: 1).screen
        }
    }

    @Test func resultsGallery() {
        assertScreens("resultsGallery") { size in
            finished(size, results: 4).screen
        }
    }

    @Test func compareSideBySide() {
        assertScreens("compareSideBySide") { size in
            var editor = finished(size, results: 1)
            editor.press(.tab, .character("v"))
            return editor.screen
        }
    }

    @Test func compareFlipped() {
        assertScreens("compareFlipped") { size in
            var editor = finished(size, results: 1)
            editor.press(.tab, .character("v"), .character("f"))
            return editor.screen
        }
    }

    @Test func exportPrompt() {
        assertScreens("exportPrompt") { size in
            var editor = finished(size, results: 1)
            editor.press(.tab, .character("e"))
            return editor.screen
        }
    }

    // MARK: Overlays

    @Test func help() {
        assertScreens("help") { size in
            var editor = GoldenFixtures.editor(size: size)
            editor.press(.function(1))
            return editor.screen
        }
    }

    @Test func helpScrolled() {
        assertScreens("helpScrolled") { size in
            var editor = GoldenFixtures.editor(size: size)
            editor.press(.function(1), .pageDown, .down, .down)
            return editor.screen
        }
    }

    @Test func errorEmptyPrompt() {
        assertScreens("errorEmptyPrompt") { size in
            var editor = GoldenFixtures.editor(size: size)
            editor.press(.control("s"))
            #expect(editor.effects.isEmpty)
            return editor.screen
        }
    }

    @Test func errorRunFailed() {
        assertScreens("errorRunFailed") { size in
            var editor = GoldenFixtures.editor(size: size)
            editor.type("replace the sky with a warm sunset")
            editor.press(.control("s"))
            editor.send(.run(variant: 1, .status("receiving")))
            editor.wait(until: 3.2)
            editor.send(.finished(variant: 1, .failed(title: "The API refused the edit (HTTP 400)", lines: [
                "Invalid value for 'size': '2048x2048' is not supported by gpt-image-1.5.",
                "param: size · code: invalid_value · type: invalid_request_error",
                "request id: req_7f3a9c21e4",
            ])))
            return editor.screen
        }
    }

    @Test func filePicker() {
        assertScreens("filePicker") { size in
            var editor = GoldenFixtures.editor(size: size)
            editor.press(.control("o"))
            #expect(editor.effects == [.listFolder(path: "/photos", replyTo: editor.top)])
            editor.answer(.folderListed(path: "/photos", entries: GoldenFixtures.photosFolder))
            editor.press(.down, times: 3)
            editor.press(.character(" "))
            #expect(editor.effects == [.inspectFile(path: "/photos/harbour.webp", replyTo: editor.top)])
            editor.answer(.fileInspected(GoldenFixtures.harbour))
            return editor.screen
        }
    }

    @Test func maskPicker() {
        assertScreens("maskPicker") { size in
            var editor = GoldenFixtures.editor(size: size)
            editor.press(.tab, .character("m"))
            #expect(editor.effects == [.listFolder(path: "/photos", replyTo: editor.top)])
            editor.answer(.folderListed(path: "/photos", entries: GoldenFixtures.photosFolder))
            editor.press(.down, .down, .enter)
            #expect(editor.effects == [.listFolder(path: "/photos/masks", replyTo: editor.top)])
            editor.answer(.folderListed(path: "/photos/masks", entries: GoldenFixtures.masksFolder))
            editor.press(.down)
            #expect(editor.effects == [.inspectFile(path: "/photos/masks/lakeside-sky.png", replyTo: editor.top)])
            editor.answer(.fileInspected(GoldenFixtures.skyMask))
            return editor.screen
        }
    }

    @Test func history() {
        assertScreens("history") { size in
            var editor = GoldenFixtures.editor(size: size)
            editor.press(.function(2))
            #expect(editor.effects == [.loadHistory(filter: "", allSessions: false, replyTo: editor.top)])
            editor.answer(.historyLoaded(GoldenFixtures.pastRuns))
            #expect(editor.effects == [.inspectFile(path: "/photos/edits/lakeside-edit-3.png", replyTo: editor.top)])
            editor.answer(.fileInspected(GoldenFixtures.image("/photos/edits/lakeside-edit-3.png", width: 1536, height: 1024,
                                                            format: .png, bytes: 2_201_600,
                                                            top: RGBA(250, 200, 90), bottom: RGBA(30, 60, 40))))
            return editor.screen
        }
    }

    // MARK: Terminal sizes

    @Test func terminalTooSmall() {
        assertScreens("terminalTooSmall", sizes: [Size(columns: 30, rows: 10)]) { size in
            GoldenFixtures.editor(size: size).screen
        }
    }

    /// The smallest terminal the editor draws in, with a typed prompt.
    @Test func smallestTerminal() {
        assertScreens("smallestTerminal", sizes: [Size(columns: 40, rows: 12)]) { size in
            var editor = GoldenFixtures.editor(size: size)
            editor.type("replace the sky with a warm sunset")
            return editor.screen
        }
    }

    // MARK: Shared steps

    /// An edit sent, one partial image in, 12.4 seconds after it started.
    func inFlight(_ size: Size) -> Driver {
        var editor = GoldenFixtures.editor(size: size)
        editor.type("replace the sky with a warm sunset")
        editor.press(.control("s"))
        #expect(editor.state.isRunning)
        editor.send(.run(variant: 1, .status("receiving")), .run(variant: 1, .received(bytes: 186_400)))
        editor.send(.run(variant: 1, .partial(GoldenFixtures.picture(width: 96, height: 64, top: RGBA(180, 150, 140), bottom: RGBA(40, 60, 50)))))
        editor.wait(until: 12.4)
        return editor
    }

    /// An edit that saved `results` images: one shown alone (focus in the prompt), or several in
    /// the gallery (n set in the parameters, focus in the preview).
    func finished(_ size: Size, results: Int) -> Driver {
        var editor = GoldenFixtures.editor(size: size)
        editor.type("replace the sky with a warm sunset")
        if results > 1 {
            // n: from "default", each → steps through 1, 2, 3...
            editor.press(.tab, .tab)
            editor.press(.down, times: 7)
            editor.press(.right, times: results)
            #expect(editor.state.parameters.values[.n] == "\(results)")
            editor.press(.backTab)
        }
        editor.press(.control("s"))
        #expect(editor.state.isRunning)
        editor.send(.run(variant: 1, .status("receiving")), .run(variant: 1, .received(bytes: 912_000)))
        editor.send(.run(variant: 1, .partial(GoldenFixtures.picture(width: 96, height: 64, top: RGBA(180, 150, 140), bottom: RGBA(40, 60, 50)))))
        for n in 1...results {
            editor.send(.run(variant: 1, .saved(GoldenFixtures.result(n))))
        }
        editor.wait(until: 41.5)
        editor.send(.finished(variant: 1, .completed(totalTokens: 5_370)))
        return editor
    }

    // MARK: Comparing

    /// Compares the screen `build` makes at each size with `<name>.<columns>x<rows>.txt`.
    func assertScreens(_ name: String, sizes: [Size] = [GoldenFixtures.small, GoldenFixtures.large],
                       fileID: StaticString = #fileID, filePath: StaticString = #filePath, line: UInt = #line, column: UInt = #column,
                       _ build: (Size) -> Screen) {
        for size in sizes {
            assertSnapshot(of: build(size), as: .screen, named: "\(size.columns)x\(size.rows)", record: Self.record,
                           fileID: fileID, file: filePath, testName: name, line: line, column: column)
        }
    }

    /// `SNAPSHOT_TESTING_RECORD` (all, missing, failed, never) decides when set. Otherwise a
    /// missing golden is written and its test fails; under CI nothing is written, and it fails.
    static var record: SnapshotTestingConfiguration.Record? {
        let environment = ProcessInfo.processInfo.environment
        if environment["SNAPSHOT_TESTING_RECORD"] != nil { return nil }
        return environment["CI"].map { !$0.isEmpty && $0 != "false" && $0 != "0" } == true ? .never : nil
    }
}
