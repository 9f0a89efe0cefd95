import Foundation
import ImageCodecs
import Raster
import TestSupport
import Testing

extension EditorEndToEndTests {
    /// Three prompt variants sent with one Ctrl-S to the offline engine: three different
    /// images in one labelled grid; the second wins and becomes the first source; the history
    /// knows the set and its winner.
    @Test(.enabled(if: tmux != nil, "tmux is installed by make test"))
    func threeVariantsOneGridAWinner() async throws {
        let data = try CLI.temporaryFolder()
        let lakeside = SampleAssetTests.assets.appendingPathComponent("lakeside.png").path
        let session = try Session.editor("--new \(lakeside)", dataHome: data, columns: 120, rows: 40, after: "echo RETOUCH-EXITED-$?; ")
        defer { _ = try? session.tmux(["kill-server"]) }
        _ = try await session.wait(for: "local engine (offline)", seconds: 60)
        try session.keys("-l", "remove the sun")
        try session.keys("C-t")
        try session.keys("-l", "make it black and white")
        try session.keys("C-t")
        try session.keys("-l", "warmer")
        _ = try await session.wait(for: "Prompt 3 of 3", seconds: 30)
        try session.keys("C-s")
        var screen = try await session.wait(for: "Set 1: 3 images from 3 of 3 variants", seconds: 300)
        #expect(screen.contains("v1 remove the sun") && screen.contains("v2 make it black and whi") && screen.contains("v3 warmer"), "\(screen)")

        // The three images differ, pixel for pixel.
        let results = data.appendingPathComponent("retouch/results")
        let folder = results.appendingPathComponent(try #require(try FileManager.default.contentsOfDirectory(atPath: results.path).first))
        let pngs = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".png") }.sorted()
        #expect(pngs.count == 3 && pngs.map { $0.suffix(7) } == ["-v1.png", "-v2.png", "-v3.png"], "\(pngs)")
        let images = try pngs.map { try ImageFile.load(path: folder.appendingPathComponent($0).path).decoded.image }
        for (a, b) in [(0, 1), (0, 2), (1, 2)] { #expect(images[a].pixels != images[b].pixels, "v\(a + 1) and v\(b + 1) differ") }

        // To the grid, the second tile, the winner; its image becomes the first source.
        try session.keys("Tab")
        try session.keys("Right")
        try session.keys("w")
        screen = try await session.wait(for: "v2 won", seconds: 30)
        #expect(screen.contains("Set 1 · 3 variants · ★ v2") && screen.contains("Prompt 23/32000"), "\(screen)")
        try session.keys("u")
        screen = try await session.wait(for: "-v2.png is now the first source", seconds: 30)
        try session.keys("C-q")
        _ = try await session.wait(for: "RETOUCH-EXITED-0", seconds: 30)

        var environment = CLI.cleanEnvironment
        environment["XDG_DATA_HOME"] = data.path
        let history = try CLI.run(["history", "--json"], environment: environment)
        #expect(history.status == 0, "\(history.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(history.stdout.utf8)) as? [String: Any])
        let sets = try #require(json["sets"] as? [[String: Any]])
        #expect(sets.count == 1)
        let runs = try #require(sets.first?["runs"] as? [Int])
        #expect(runs.count == 3)
        #expect(sets.first?["winner"] as? Int == runs[1], "the second variant won: \(sets)")
    }
}
