import Testing
import ImageEditModel
import Raster
@testable import EditorCore

/// The variants panel and a variant set's grid, as whole screens (see GoldenScreenTests).
extension GoldenScreenTests {
    /// Three prompt variants, the second being edited.
    func threeVariants(_ size: Size) -> Driver {
        var editor = GoldenFixtures.editor(size: size)
        editor.type("remove the sun")
        editor.press(.control("t"))
        editor.type("make it black and white")
        editor.press(.control("t"))
        editor.type("warmer")
        editor.press(.shiftLeft)
        return editor
    }

    @Test func variantsPanel() {
        assertScreens("variantsPanel") { size in threeVariants(size).screen }
    }

    @Test func sweptParameter() {
        assertScreens("sweptParameter") { size in
            var editor = GoldenFixtures.editor(size: size)
            editor.type("a red rowing boat")
            editor.press(.tab, .tab)
            editor.press(.down, times: 2)
            editor.press(.right)
            editor.press(.character("s"))
            editor.press(.right, times: 2)
            editor.press(.character("s"))
            #expect(editor.state.sweep?.values.count == 2)
            return editor.screen
        }
    }

    /// Five variants sent: two done, two streaming, one waiting for a slot.
    @Test func setGridInFlight() {
        assertScreens("setGridInFlight") { size in
            var editor = threeVariants(size)
            editor.press(.control("t"))
            editor.type("a heron on the pier")
            editor.press(.control("t"))
            editor.type("fill with teal")
            editor.press(.control("s"))
            for variant in 1...4 { editor.send(.run(variant: variant, .started)) }
            editor.send(.run(variant: 1, .saved(GoldenFixtures.result(1))), .run(variant: 1, .cost(.usd(Money(picodollars: 41_000_000_000)))))
            editor.wait(until: 6.2)
            editor.send(.finished(variant: 1, .completed(totalTokens: 4_410)))
            editor.send(.run(variant: 2, .status("receiving")), .run(variant: 2, .received(bytes: 186_400)))
            editor.send(.run(variant: 2, .partial(GoldenFixtures.picture(width: 96, height: 64, top: RGBA(120, 120, 120), bottom: RGBA(40, 40, 40)))))
            editor.send(.run(variant: 3, .status("receiving")))
            editor.send(.finished(variant: 4, .failed(title: "The API refused the edit (HTTP 400)", lines: ["Your prompt was refused."])))
            editor.wait(until: 12.4)
            return editor.screen
        }
    }

    /// Three variants done, the second chosen as the winner.
    @Test func setGridWithAWinner() {
        assertScreens("setGridWithAWinner") { size in
            var editor = threeVariants(size)
            editor.press(.control("s"))
            for variant in 1...3 {
                editor.send(.run(variant: variant, .started), .run(variant: variant, .saved(GoldenFixtures.result(variant))),
                            .run(variant: variant, .cost(.usd(Money(picodollars: Int64(variant) * 21_000_000_000)))))
                editor.wait(until: 4 + Double(variant) * 3)
                editor.send(.finished(variant: variant, .completed(totalTokens: 2_000 + variant * 1_200)))
            }
            editor.press(.backTab, .backTab, .backTab)
            editor.press(.right)
            editor.press(.character("w"))
            #expect(editor.state.sent?.winner == 2)
            return editor.screen
        }
    }
}
