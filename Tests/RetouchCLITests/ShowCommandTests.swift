import Foundation
import Testing

@Suite struct ShowCommandTests {
    let lakeside = SampleAssetTests.assets.appendingPathComponent("lakeside.png").path
    let dusk = SampleAssetTests.assets.appendingPathComponent("dusk.jpg").path

    @Test func halfBlocksFitTheRequestedWidthAndKeepTheAspect() throws {
        let result = try CLI.run(["show", "--graphics", "halfblock", "--width", "40", dusk])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n")
        // 1024x768 at 40 columns of square half-block pixels: 30 pixel rows, 15 text rows.
        #expect(lines.count == 15)
        let visible = lines[0].replacingOccurrences(of: "\u{1B}\\[[0-9;]*m", with: "", options: .regularExpression)
        #expect(visible.count == 40)
    }

    @Test func sixelIsOneCompleteSequence() throws {
        let result = try CLI.run(["show", "--graphics", "sixel", "--width", "20", lakeside])
        #expect(result.status == 0)
        #expect(result.stdout.hasPrefix("\u{1B}P0;1;0q\"1;1;200;200"))
        #expect(result.stdout.hasSuffix("\u{1B}\\\n"))
    }

    @Test func aBadFileIsReportedAndTheOthersStillShown() throws {
        let folder = try CLI.temporaryFolder()
        let bad = folder.appendingPathComponent("broken.png").path
        try Data([0x89, 0x50, 0x4E, 0x47]).write(to: URL(fileURLWithPath: bad))
        let result = try CLI.run(["show", "--graphics", "halfblock", "--width", "10", bad, dusk])
        #expect(result.status == 1)
        #expect(result.stderr.contains("broken.png"))
        #expect(result.stdout.contains("▀"))
        let none = try CLI.run(["show", "--graphics", "none", dusk])
        #expect(none.status == 0 && none.stdout.isEmpty)
        let wrong = try CLI.run(["show", "--graphics", "braille", dusk])
        #expect(wrong.status == 2)
    }
}
