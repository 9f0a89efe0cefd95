import EditorCore
import Foundation
import ImageCodecs
import Raster
import TerminalGraphics
import Testing
@testable import TerminalUI

private func picture(_ width: Int, _ height: Int, seed: Int = 0) -> RGBAImage {
    RGBAImage(width: width, height: height) { x, y in
        RGBA(UInt8((x * 255 / max(1, width - 1) + seed) % 256), UInt8(y * 255 / max(1, height - 1)), UInt8((x + y + seed) % 256))
    }
}

private func placement(_ id: Int = 1, x: Int = 2, y: Int = 3, width: Int = 40, height: Int = 10,
                       image: RGBAImage = picture(64, 48), sequence: PlacementKey = PlacementKey(.source, "a"), partial: Bool = false) -> ImagePlacement {
    ImagePlacement(id: id, area: CellRect(x: x, y: y, width: width, height: height), image: image, sequence: sequence, isPartial: partial)
}

private func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

private func screen(_ placements: [ImagePlacement]) -> Screen {
    var screen = Screen(size: Size(columns: 80, rows: 24))
    screen.images = placements
    return screen
}

@Suite struct PlacementTrackerTests {
    @Test func textErasedPicturesAreDrawnOnceAndRedrawnOnlyWhenTheyChange() {
        var tracker = PlacementTracker()
        let first = placement()
        #expect(tracker.plan([first], erasure: .byText, screenRepainted: false).draw == [first])
        #expect(tracker.plan([first], erasure: .byText, screenRepainted: false) == PlacementTracker.Plan())

        // A new picture in the same cells is drawn over the old one, without a repaint.
        let next = placement(image: picture(64, 48, seed: 9))
        let plan = tracker.plan([next], erasure: .byText, screenRepainted: false)
        #expect(plan.draw == [next] && !plan.repaintScreen)

        // A resize rewrites every cell, wiping the picture.
        #expect(tracker.plan([next], erasure: .byText, screenRepainted: true).draw == [next])
    }

    @Test func aMovedOrVanishedTextErasedPictureRepaintsTheScreen() {
        var tracker = PlacementTracker()
        let a = placement(1), b = placement(2, y: 14, height: 5)
        _ = tracker.plan([a, b], erasure: .byText, screenRepainted: false)
        let moved = placement(1, x: 5)
        let plan = tracker.plan([moved, b], erasure: .byText, screenRepainted: false)
        #expect(plan.repaintScreen)
        #expect(plan.draw == [moved, b], "the repaint wipes every picture")

        let gone = tracker.plan([b], erasure: .byText, screenRepainted: false)
        #expect(gone.repaintScreen && gone.draw == [b])
    }

    @Test func kittyPicturesAreDeletedInsteadOfRepainted() {
        var tracker = PlacementTracker()
        let a = placement(1), b = placement(2, y: 14, height: 5)
        _ = tracker.plan([a, b], erasure: .byDelete, screenRepainted: false)
        let moved = placement(1, x: 5)
        let plan = tracker.plan([moved, b], erasure: .byDelete, screenRepainted: false)
        #expect(!plan.repaintScreen)
        #expect(plan.delete == [1] && plan.draw == [moved])
        #expect(tracker.plan([], erasure: .byDelete, screenRepainted: false).delete == [1, 2])
    }
}

@Suite struct GraphicsLayerTests {
    let cell = (width: 10, height: 20)

    @Test func sixelIsPlacedAtItsCellsAndFitsThemWithTheAspectKept() {
        let layer = GraphicsLayer(choice: GraphicsChoice(mode: .sixel, colors: .palette256, tmuxPassthrough: false), cell: cell)
        // 40x10 cells of 10x20 pixels: a 400x200 box; a 64x48 picture fits as 267x200.
        let bytes = text(layer.bytes(for: layer.plan(screen([placement()]), screenRepainted: false)))
        #expect(bytes.hasPrefix("\u{1B}7\u{1B}[4;3H\u{1B}P0;1;0q\"1;1;267;200"))
        #expect(bytes.hasSuffix("\u{1B}\\\0\u{1B}8"), "the cursor goes back where ncurses left it")
        #expect(layer.bytes(for: layer.plan(screen([placement()]), screenRepainted: false)).isEmpty)
    }

    /// The colour registers a sixel defines ("#k;2;r;g;b").
    private func registers(_ sixel: String) -> [String] {
        sixel.matches(of: /#\d+;2;\d+;\d+;\d+/).map { String($0.output) }
    }

    @Test func partialImagesOfARunKeepOnePalette() {
        let layer = GraphicsLayer(choice: GraphicsChoice(mode: .sixel, colors: .palette256, tmuxPassthrough: false), cell: cell)
        func frame(_ image: RGBAImage, sequence: PlacementKey, partial: Bool) -> [String] {
            registers(text(layer.bytes(for: layer.plan(screen([placement(image: image, sequence: sequence, partial: partial)]), screenRepainted: false))))
        }
        let first = frame(picture(64, 48), sequence: PlacementKey(.run, "1"), partial: true)
        // The next partial: a region now shows what another showed (colours the run has).
        var next = picture(64, 48)
        for y in 24..<48 { for x in 32..<64 { next[x, y] = next[x - 32, y - 24] } }
        let second = frame(next, sequence: PlacementKey(.run, "1"), partial: true)
        #expect(first.count > 16)
        // The second is sent as the pieces that changed, with the same colour registers.
        #expect(!second.isEmpty && Set(second).isSubset(of: Set(first)), "no shimmer between partial images")
        // A finished result gets a palette of its own.
        #expect(frame(picture(64, 48, seed: 120), sequence: PlacementKey(.result, "x"), partial: false) != first)
    }

    /// A partial image whose colours the run's palette cannot show (the edit has turned a
    /// region to colours the first partial did not have) gets a palette of its own.
    @Test func aPartialWithNewColoursGetsItsOwnPalette() {
        let layer = GraphicsLayer(choice: GraphicsChoice(mode: .sixel, colors: .palette256, tmuxPassthrough: false), cell: cell)
        func frame(_ image: RGBAImage) -> [String] {
            registers(text(layer.bytes(for: layer.plan(screen([placement(image: image, sequence: PlacementKey(.run, "1"), partial: true)]),
                                                       screenRepainted: false))))
        }
        let reds = RGBAImage(width: 64, height: 48) { x, y in RGBA(UInt8(120 + x * 2), UInt8(y), 10) }
        let first = frame(reds)
        var greened = reds
        for y in 0..<48 { for x in 32..<64 { greened[x, y] = RGBA(10, UInt8(100 + x * 2), UInt8(y * 4)) } }
        let second = frame(greened)
        #expect(!Set(second).isSubset(of: Set(first)), "greens the first palette lacks")
    }

    /// A terminal with 16 colour registers gets pictures of at most 16 colours, the mask's
    /// outlines included, no larger than it takes.
    @Test func sixelKeepsToTheTerminalsRegistersAndSize() {
        let limits = SixelLimits(colors: 16, maxWidth: 200, maxHeight: 100)
        let layer = GraphicsLayer(choice: GraphicsChoice(mode: .sixel, colors: .palette256, tmuxPassthrough: false, sixel: limits), cell: cell)
        var masked = placement(image: picture(64, 48, seed: 40))
        masked.overlay = [PixelRect(x: 4, y: 4, width: 20, height: 20)]
        for shown in [placement(), masked] {
            let layer = GraphicsLayer(choice: layer.choice, cell: cell)
            let sixel = text(layer.bytes(for: layer.plan(screen([shown]), screenRepainted: false)))
            #expect(registers(sixel).count <= 16 && registers(sixel).count > 4, "\(registers(sixel).count) registers")
            #expect(sixel.contains("\"1;1;133;100"), "fitted to 200x100: \(sixel.prefix(40))")
        }
    }

    /// A partial image of a textured photo costs no more bytes than the same picture as a result.
    @Test func aPartialImageCostsNoMoreThanTheFinal() {
        let textured = RGBAImage(width: 320, height: 200) { x, y in
            let grain = UInt8((x * 7919 + y * 104_729) % 23)
            return RGBA(UInt8(x * 255 / 319) &+ grain, UInt8(y * 255 / 199), 90 &+ grain * 3)
        }
        func bytes(_ key: PlacementKey, partial: Bool) -> Int {
            let layer = GraphicsLayer(choice: GraphicsChoice(mode: .sixel, colors: .palette256, tmuxPassthrough: false), cell: cell)
            let big = placement(width: 32, height: 10, image: textured, sequence: key, partial: partial)
            return layer.bytes(for: layer.plan(screen([big]), screenRepainted: false)).count
        }
        let partial = bytes(PlacementKey(.run, "1"), partial: true), final = bytes(PlacementKey(.result, "1"), partial: false)
        #expect(Double(partial) <= Double(final) * 1.05, "partial \(partial) bytes, final \(final)")
    }

    /// Over a slow link a whole picture goes first as a draft, a fraction of the bytes, over
    /// the same cells; the full picture follows when asked for, once.
    @Test(arguments: [GraphicsMode.iterm, .kitty])
    func draftsAreSmallAndRefinedOnce(_ mode: GraphicsMode) {
        let layer = GraphicsLayer(choice: GraphicsChoice(mode: mode, colors: .trueColor, tmuxPassthrough: false), cell: cell)
        let sample = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../assets/lakeside.png").standardized
        guard let photo = try? ImageFile.load(path: sample.path).decoded.image.resized(width: 400, height: 400) else {
            Issue.record("the sample photo is missing")
            return
        }
        let shown = placement(width: 40, height: 20, image: photo)
        let draft = layer.bytes(for: layer.plan(screen([shown]), screenRepainted: false), draft: true)
        #expect(layer.hasDrafts)
        let full = layer.refinements()
        #expect(!layer.hasDrafts && layer.refinements().isEmpty, "refined once")
        #expect(draft.count * 4 < full.count, "draft \(draft.count) bytes, full \(full.count)")
        // Both cover the picture's cells: 400x400 fits 40x20 cells of 10x20 pixels as 400x400.
        let size = mode == .iterm ? "width=40;height=20" : ",c=40,r=20"
        #expect(text(draft).contains(size), "\(text(draft).prefix(120))")
        // A draft drawn again in full, or gone, needs no refinement.
        _ = layer.bytes(for: layer.plan(screen([placement(width: 40, height: 20, image: picture(64, 48))]), screenRepainted: false), draft: true)
        _ = layer.plan(screen([]), screenRepainted: false)
        #expect(!layer.hasDrafts)
    }

    @Test func sixelAndHalfBlocksAreNeverDrafted() {
        for mode in [GraphicsMode.sixel, .halfblock] {
            let layer = GraphicsLayer(choice: GraphicsChoice(mode: mode, colors: .trueColor, tmuxPassthrough: false), cell: cell)
            _ = layer.bytes(for: layer.plan(screen([placement()]), screenRepainted: false), draft: true)
            #expect(!layer.hasDrafts, "\(mode) sends only what changed")
        }
    }

    @Test func kittyReplacesAPictureByItsIDAndDeletesAMovedOne() {
        let layer = GraphicsLayer(choice: GraphicsChoice(mode: .kitty, colors: .trueColor, tmuxPassthrough: false), cell: cell)
        let first = text(layer.bytes(for: layer.plan(screen([placement()]), screenRepainted: false)))
        #expect(first.contains("\u{1B}_Ga=T,f=100,i=1,p=1,q=2,C=1,m="))
        #expect(!first.contains("c=") , "sent at its pixel size, so the terminal does not stretch it")
        let moved = text(layer.bytes(for: layer.plan(screen([placement(x: 9)]), screenRepainted: false)))
        #expect(moved.hasPrefix("\u{1B}7\u{1B}_Ga=d,d=I,i=1,q=2\u{1B}\\\u{1B}[4;10H\u{1B}_Ga=T"))
    }

    /// kitty stacks the mask above the picture: a nudge of the rectangle sends the mask alone,
    /// small, and the picture is not sent again; without a mask the mask picture is deleted.
    @Test func kittySendsTheMaskAsItsOwnPictureAbove() {
        let layer = GraphicsLayer(choice: GraphicsChoice(mode: .kitty, colors: .trueColor, tmuxPassthrough: false), cell: cell)
        var masked = placement(image: picture(640, 480))
        masked.overlay = [PixelRect(x: 100, y: 100, width: 200, height: 120)]
        masked.cursor = PixelRect(x: 100, y: 100, width: 200, height: 120)
        let first = text(layer.bytes(for: layer.plan(screen([masked]), screenRepainted: false)))
        #expect(first.contains("i=1,p=1") && first.contains("i=1001,p=1") && first.contains("z=1"))
        masked.overlay[0].x += 10
        masked.cursor?.x += 10
        let nudge = text(layer.bytes(for: layer.plan(screen([masked]), screenRepainted: false)))
        #expect(nudge.contains("i=1001,p=1") && !nudge.contains("i=1,p=1"), "the picture stays")
        #expect(nudge.utf8.count < 8192 && nudge.utf8.count * 4 < first.utf8.count, "\(nudge.utf8.count) bytes")
        let plain = text(layer.bytes(for: layer.plan(screen([placement(image: picture(640, 480))]), screenRepainted: false)))
        #expect(plain.contains("a=d,d=I,i=1001") && !plain.contains("i=1,p=1"))
    }

    /// A sixel picture drawn again in place sends the cells that changed, each piece from its
    /// own cell; a repainted screen gets it whole.
    @Test func sixelSendsOnlyTheCellsThatChanged() throws {
        let layer = GraphicsLayer(choice: GraphicsChoice(mode: .sixel, colors: .palette256, tmuxPassthrough: false), cell: cell)
        var masked = placement(image: picture(640, 480))
        masked.cursor = PixelRect(x: 100, y: 100, width: 200, height: 120)
        let first = layer.bytes(for: layer.plan(screen([masked]), screenRepainted: false))
        masked.cursor?.x += 12
        let nudge = layer.bytes(for: layer.plan(screen([masked]), screenRepainted: false))
        #expect(!nudge.isEmpty && nudge.count * 10 < first.count, "\(nudge.count) bytes for the nudge, \(first.count) for the picture")
        #expect(text(nudge).split(separator: "\u{1B}P0;1;0q", omittingEmptySubsequences: false).count > 2, "several pieces")
        let again = layer.bytes(for: layer.plan(screen([masked]), screenRepainted: true))
        #expect(again.count * 2 > first.count)
    }

    /// A source picture's first sixel frame, then the frame that adds the mask cursor over it.
    private func sixelSourceThenMaskCursor() -> (first: [UInt8], withCursor: [UInt8]) {
        let layer = GraphicsLayer(choice: GraphicsChoice(mode: .sixel, colors: .palette256, tmuxPassthrough: false), cell: cell)
        var source = placement(image: picture(640, 480))
        let first = layer.bytes(for: layer.plan(screen([source]), screenRepainted: false))
        source.cursor = PixelRect(x: 100, y: 100, width: 200, height: 120)
        return (first, layer.bytes(for: layer.plan(screen([source]), screenRepainted: false)))
    }

    /// The source's palette has the mask's tint from the first frame: focusing the mask panel
    /// (its cursor appears) sends pieces, not the picture again.
    @Test func sixelSourceIsReadyForTheMask() {
        let (first, focused) = sixelSourceThenMaskCursor()
        #expect(!focused.isEmpty && focused.count * 5 < first.count, "\(focused.count) bytes for the cursor, \(first.count) for the picture")
    }

    @Test func truecolorHalfBlocksStartEachRowAtTheArea() {
        let layer = GraphicsLayer(choice: GraphicsChoice(mode: .halfblock, colors: .trueColor, tmuxPassthrough: false), cell: cell)
        #expect(!layer.paintsCells)
        let bytes = text(layer.bytes(for: layer.plan(screen([placement(x: 4, y: 2, width: 8, height: 3)]), screenRepainted: false)))
        for row in 3...5 { #expect(bytes.contains("\u{1B}[\(row);5H"), "row \(row)") }
        #expect(!bytes.contains("\n"), "a newline would scroll a full-screen program")
        #expect(bytes.contains("38;2;"))
    }

    /// A mask rectangle over a truecolor half-block picture: only the cells it changed are
    /// sent again; after the screen was repainted, all of them.
    @Test func truecolorHalfBlocksSendOnlyTheCellsThatChanged() {
        let layer = GraphicsLayer(choice: GraphicsChoice(mode: .halfblock, colors: .trueColor, tmuxPassthrough: false), cell: cell)
        let plain = placement(x: 4, y: 2, width: 40, height: 12)
        var masked = plain
        masked.overlay = [PixelRect(x: 20, y: 10, width: 12, height: 8)]
        let first = layer.bytes(for: layer.plan(screen([plain]), screenRepainted: false))
        let nudge = layer.bytes(for: layer.plan(screen([masked]), screenRepainted: false))
        #expect(!nudge.isEmpty && nudge.count * 4 < first.count, "\(nudge.count) bytes for a change, \(first.count) for the picture")
        #expect(!text(nudge).contains("\u{1B}[4;5H"), "the second row, untouched, is not sent")
        let again = layer.bytes(for: layer.plan(screen([masked]), screenRepainted: true))
        #expect(again.count > first.count / 2, "a repainted screen gets the whole picture")
    }

    @Test func palette256HalfBlocksArePaintedAsCells() {
        let layer = GraphicsLayer(choice: GraphicsChoice(mode: .halfblock, colors: .palette256, tmuxPassthrough: false), cell: cell)
        var model = screen([placement(x: 4, y: 2, width: 8, height: 3)])
        layer.prepare(&model)
        #expect(model[4, 2].text == "▀" && model[11, 4].text == "▀")
        #expect(model[12, 4].text == " ")
        #expect(layer.bytes(for: layer.plan(model, screenRepainted: false)).isEmpty)
    }

    /// xterm showed a blank cell at a sixel piece's first cell when it drew the text cursor
    /// there between pieces: pictures go out with the cursor hidden, and it comes back only
    /// where the screen has one.
    @Test func picturesAreWrittenWithTheCursorHidden() {
        let layer = GraphicsLayer(choice: GraphicsChoice(mode: .sixel, colors: .palette256, tmuxPassthrough: false), cell: cell)
        let pictures = layer.bytes(for: layer.plan(screen([placement()]), screenRepainted: false))
        let shown = text(CursesTerminal.cursorHidden(pictures, shownAfter: true))
        #expect(shown.hasPrefix("\u{1B}[?25l\u{1B}7") && shown.hasSuffix("\u{1B}8\u{1B}[?25h"))
        #expect(text(CursesTerminal.cursorHidden(pictures, shownAfter: false)).hasSuffix("\u{1B}8"))
        #expect(CursesTerminal.cursorHidden([], shownAfter: true).isEmpty, "no picture, no cursor change")
    }

    /// mlterm lost the ESC of a sequence right after a sixel's terminator when a pty read ended
    /// inside that sixel's header, and printed the rest into the picture: every terminator is
    /// followed by a NUL, whole pictures and pieces alike.
    @Test func aNulFollowsEverySixel() {
        let (whole, pieces) = sixelSourceThenMaskCursor()
        for bytes in [whole, pieces] {
            let terminators = (0..<(bytes.count - 1)).filter { bytes[$0] == 0x1B && bytes[$0 + 1] == UInt8(ascii: "\\") }
            #expect(!terminators.isEmpty)
            #expect(terminators.allSatisfy { $0 + 2 < bytes.count && bytes[$0 + 2] == 0 }, "a NUL after each of \(terminators.count) terminators")
        }
        #expect(text(pieces).components(separatedBy: "\u{1B}P").count > 3, "several pieces")
    }

    @Test func insideTmuxImagesAreWrappedForPassthrough() {
        let layer = GraphicsLayer(choice: GraphicsChoice(mode: .sixel, colors: .palette256, tmuxPassthrough: true), cell: cell)
        let bytes = text(layer.bytes(for: layer.plan(screen([placement()]), screenRepainted: false)))
        #expect(bytes.contains("\u{1B}[4;3H\u{1B}Ptmux;\u{1B}\u{1B}P0;1;0q"))
    }
}
