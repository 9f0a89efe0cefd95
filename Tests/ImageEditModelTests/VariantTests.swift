import ImageEditModel
import Testing

@Suite struct VariantTests {
    let base = EditRequest(images: [InputImage(path: "/a.png")], prompt: "", model: "gpt-image-1", quality: "medium")

    @Test func promptsTimesSweptValuesNumberedInOrder() throws {
        let sweep = try Sweep.parse("quality = low, high")
        let variants = try Variant.expand(base, prompts: ["remove the sun", "sepia"], sweep: sweep)
        #expect(variants.map(\.number) == [1, 2, 3, 4])
        #expect(variants.map(\.request.prompt) == ["remove the sun", "remove the sun", "sepia", "sepia"])
        #expect(variants.map(\.request.quality) == ["low", "high", "low", "high"])
        #expect(variants.map(\.label) == ["quality=low · remove the sun", "quality=high · remove the sun", "quality=low · sepia", "quality=high · sepia"])
        #expect(variants.allSatisfy { $0.request.images == base.images && $0.request.model == "gpt-image-1" })
    }

    @Test func labelsAreThePromptsStart() throws {
        let long = "a small red boat in the morning mist on the lake, drawn in ink, with its oars"
        let variants = try Variant.expand(base, prompts: ["a small red boat in the morning mist on the lake\nsecond line", "b", long], sweep: nil)
        #expect(variants.map(\.label) == ["a small red boat in the morning mist on the lake", "b", String(long.prefix(59)) + "…"])
        #expect(variants.allSatisfy { $0.swept == nil })
        // The first line with words; none: said so.
        let blankFirst = try Variant.expand(base, prompts: ["  \nmake it blue", " \n\t"], sweep: nil)
        #expect(blankFirst.map(\.label) == ["make it blue", "empty prompt"])
    }

    @Test func everySweepableFieldIsSet() throws {
        let cases: [(String, (EditRequest) -> String?)] = [
            ("model=gpt-image-1,gpt-image-1-mini", { $0.model }), ("size=1024x1024,1536x1024", { $0.size }),
            ("background=opaque,transparent", { $0.background }), ("input_fidelity=low,high", { $0.inputFidelity }),
            ("n=1,3", { $0.n.map(String.init) }), ("output_format=png,webp", { $0.outputFormat }),
            ("output_compression=50,90", { $0.outputCompression.map(String.init) }),
        ]
        for (text, read) in cases {
            let sweep = try Sweep.parse(text)
            let variants = try Variant.expand(base, prompts: ["x"], sweep: sweep)
            #expect(variants.map { read($0.request) } == sweep.values, "\(text)")
        }
    }

    @Test func badSweepsSayWhatIsWrong() {
        func problem(_ text: String) -> String {
            do {
                _ = try Sweep.parse(text)
                return "accepted"
            } catch {
                return error.description
            }
        }
        #expect(problem("quality").contains("write FIELD=VALUE1,VALUE2"))
        #expect(problem("colour=red,blue").contains("write FIELD=VALUE1,VALUE2"))
        #expect(problem("prompt=a,b").contains("prompt cannot be swept"))
        #expect(problem("quality=low").contains("two values or more"))
        #expect(problem("quality=low,low").contains("a value twice"))
        #expect(problem("n=1,two").contains("whole numbers"))
    }

    @Test func atMostNineAndAtLeastOnePrompt() throws {
        #expect(throws: VariantError.tooMany(10)) { try Variant.expand(base, prompts: Array(repeating: "x", count: 5), sweep: Sweep(field: .n, values: ["1", "2"])) }
        #expect(throws: VariantError.noPrompt) { try Variant.expand(base, prompts: [], sweep: nil) }
        #expect(try Variant.expand(base, prompts: Array(repeating: "x", count: 9), sweep: nil).count == 9)
    }
}
