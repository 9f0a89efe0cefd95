import Testing
import Raster
@testable import LocalEngine

/// Prompts as people type them: the engine must find its words in them and nothing else.
@Suite struct PromptReadingTests {
    func operations(_ prompt: String) -> [EditOperation] { PromptReading(prompt).operations }

    @Test(arguments: [
        ("remove the sun", [EditOperation.remove]),
        ("Remove the sun.", [.remove]),
        ("please erase this", [.remove]),
        ("delete the boat!!", [.remove]),
        ("clean up the sky", [.remove]),
        ("get rid of the people", [.remove]),
        ("erasing the wires", [.remove]),
        ("make it black and white", [.grey]),
        ("Black & White", [.grey]),
        ("black-and-white please", [.grey]),
        ("b&w", [.grey]),
        ("grayscale", [.grey]),
        ("greyscale", [.grey]),
        ("make it monochrome", [.grey]),
        ("sepia", [.sepia]),
        ("an old sepia photograph", [.sepia]),
        ("vintage look", [.sepia]),
        ("warmer please", [.warmer]),
        ("WARMER", [.warmer]),
        ("warm it up", [.warmer]),
        ("make it cooler", [.cooler]),
        ("colder", [.cooler]),
        ("brighten", [.brighter]),
        ("make it brighter", [.brighter]),
        ("lighten it a bit", [.brighter]),
        ("darker", [.darker]),
        ("darken the sky", [.darker]),
        ("more contrast", [.contrast(more: true)]),
        ("increase the contrast", [.contrast(more: true)]),
        ("less contrast", [.contrast(more: false)]),
        ("lower contrast", [.contrast(more: false)]),
        ("saturate", [.saturation(more: true)]),
        ("more saturated colours", [.saturation(more: true)]),
        ("make it vivid", [.saturation(more: true)]),
        ("desaturate", [.saturation(more: false)]),
        ("desaturated", [.saturation(more: false)]),
        ("less saturation", [.saturation(more: false)]),
        ("blur", [.blur]),
        ("blur the background", [.blur]),
        ("blurred", [.blur]),
        ("make it blurry", [.blur]),
        ("sharpen", [.sharpen]),
        ("sharper please", [.sharpen]),
        ("pixelate the face", [.pixelate]),
        ("pixelated", [.pixelate]),
        ("pixelize", [.pixelate]),
        ("invert", [.invert]),
        ("invert the colors", [.invert]),
        ("make it a negative", [.invert]),
        ("night", [.night]),
        ("make it night time", [.night]),
        ("turn day into night", [.night]),
        ("at night", [.night]),
        ("fill with red", [.fill(RGBA(255, 0, 0))]),
        ("Fill it with SKY BLUE.", [.fill(RGBA(135, 206, 235))]),
        ("fill with navy", [.fill(RGBA(0, 0, 128))]),
        ("fill with gold", [.fill(RGBA(255, 215, 0))]),
        ("paint it orange", [.fill(RGBA(255, 165, 0))]),
        ("fill with grey", [.fill(RGBA(128, 128, 128))]),
        ("fill with gray", [.fill(RGBA(128, 128, 128))]),
        ("fill the area with light blue", [.fill(RGBA(173, 216, 230))]),
        ("make the sky pink", [.fill(RGBA(255, 192, 203))]),
        ("fill with #ff8800", [.fill(RGBA(255, 136, 0))]),
    ])
    func readsOneOperation(prompt: String, expected: [EditOperation]) {
        #expect(operations(prompt) == expected, "\(prompt)")
    }

    @Test func severalOperationsKeepTheirOrder() {
        #expect(operations("remove the boat, then make it warmer and add more contrast")
            == [.remove, .warmer, .contrast(more: true)])
        #expect(operations("black and white, then blur") == [.grey, .blur])
        #expect(operations("blur then black and white") == [.blur, .grey])
        #expect(operations("Sharpen; brighter; invert.") == [.sharpen, .brighter, .invert])
    }

    @Test func lessTurnsAWordIntoItsOpposite() {
        #expect(operations("less warm") == [.cooler])
        #expect(operations("a little less dark") == [.brighter])
        #expect(operations("less blurry") == [.sharpen])
        #expect(operations("reduce the saturation") == [.saturation(more: false)])
    }

    @Test func negatedWordsAreNotApplied() {
        #expect(operations("don't blur it, just sharpen") == [.sharpen])
        #expect(operations("no sepia") == [])
        #expect(operations("don't make it warmer") == [], "the negation reaches past a verb and an object")
        #expect(operations("do not make the sky darker, invert it") == [.invert])
        #expect(PromptReading("no sepia").understood == ["not sepia"], "understood, so the default is not applied either")
    }

    @Test func aColourDescribingTheObjectIsNotAFill() {
        #expect(operations("remove the red car") == [.remove])
        #expect(PromptReading("remove the red car").ignored == ["red", "car"])
    }

    @Test func fillWithoutAColourFillsFromTheSurroundings() {
        #expect(operations("fill the hole") == [.remove])
        #expect(operations("fill in the gap") == [.remove])
    }

    @Test func saysWhatItUnderstoodAndWhatItIgnored() {
        let reading = PromptReading("Remove the boat, warmer please")
        #expect(reading.understood == ["remove", "warmer"])
        #expect(reading.ignored == ["boat"])
        #expect(PromptReading("fill with sky blue").understood == ["fill sky blue"])
        #expect(PromptReading("less contrast").understood == ["less contrast"])
        #expect(PromptReading("make it b&w").understood == ["black and white"])
    }

    @Test func nothingUnderstood() {
        for prompt in ["", "   ", "hello", "a cat wearing a hat", "ça va? 日本", "🙂🙂", "a photo of a cat", "the"] {
            let reading = PromptReading(prompt)
            #expect(reading.operations.isEmpty, "\(prompt)")
            #expect(reading.understood.isEmpty, "\(prompt)")
        }
        #expect(PromptReading("a cat wearing a hat").ignored == ["cat", "wearing", "hat"])
    }

    @Test func whatIsLeftOutIsSaid() {
        let many = PromptReading(Array(repeating: "warmer", count: 10).joined(separator: ", "))
        #expect(many.operations.count == PromptReading.maxOperations && many.droppedOperations == 2)
        let words = (1...100).map { "w\($0)" }.joined(separator: " ")
        let reading = PromptReading(words)
        #expect(reading.moreIgnored, "more ignored words than are listed")
        #expect(EditPlan(prompt: words, hasMask: false).report.hasSuffix(", ..."))
        #expect(EditPlan(prompt: Array(repeating: "warmer", count: 10).joined(separator: ", "), hasMask: false).report
            .contains("note: the first 8 operations are applied, 2 more are not"))
    }

    @Test func aLongPromptIsBoundedInWork() {
        let reading = PromptReading(String(repeating: "blur ", count: 10_000))
        #expect(reading.operations.count == PromptReading.maxOperations)
        let noisy = PromptReading(String(repeating: "zebra ", count: 10_000) + "warmer")
        #expect(noisy.operations == [.warmer])
        #expect(noisy.ignored == ["zebra"], "each ignored word once")
    }

    @Test func colourTableHasTheBasicSixteenAndCommonNames() {
        let names = ["black", "silver", "gray", "white", "maroon", "red", "purple", "fuchsia", "green", "lime", "olive",
                     "yellow", "navy", "blue", "teal", "aqua", "orange", "pink", "brown", "sky blue", "gold", "beige",
                     "turquoise", "violet", "magenta", "cyan", "dark green", "light grey", "crimson", "indigo"]
        for name in names { #expect(ColourNames.colour(named: name) != nil, "\(name)") }
        #expect(ColourNames.colour(named: "blurple") == nil)
    }
}
