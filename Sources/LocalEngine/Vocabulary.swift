/// The words and phrases the local engine knows, and what each one does to a reading.
/// The README's vocabulary table lists the same words; keep the two together.
enum Vocabulary {
    enum Meaning: Equatable {
        case operation(EditOperation)
        /// Starts a fill: the next colour name within a few words is the fill's colour. A
        /// strong verb ("fill", "paint") prefers a colour over an operation of the same length
        /// ("fill with grey"); a weak one ("make", "turn") prefers the operation ("make it
        /// grey"). `alone` is what the verb does when no colour follows.
        case fillVerb(strong: Bool, alone: EditOperation?)
        /// "less", "reduce": the next operation turns into its opposite.
        case opposite
        /// "not", "don't": the next operation is understood but not applied.
        case negation
        /// Words that carry nothing for the engine and are not reported as ignored.
        case filler
    }

    static let operations: [(EditOperation, [String])] = [
        (.remove, ["remove", "erase", "delete", "clean up", "cleanup", "clean", "get rid of", "rid", "take out",
                   "take away", "eliminate", "wipe out", "wipe"]),
        (.grey, ["black and white", "black white", "b w", "bw", "grey", "gray", "greyscale", "grayscale", "grey scale",
                 "gray scale", "monochrome", "mono", "noir"]),
        (.sepia, ["sepia", "vintage"]),
        (.warmer, ["warm", "warmer", "warmth", "warm up"]),
        (.cooler, ["cool", "cooler", "cool down", "cold", "colder"]),
        (.brighter, ["bright", "brighter", "brighten", "brightness", "lighten", "lighter", "more light", "exposure"]),
        (.darker, ["dark", "darker", "darken", "dim", "dimmer"]),
        (.contrast(more: true), ["contrast", "contrasty", "punchy", "punchier"]),
        (.saturation(more: true), ["saturate", "saturation", "vivid", "vibrant", "colourful", "colorful"]),
        (.saturation(more: false), ["desaturate", "desaturation", "muted", "washed out", "dull", "duller", "faded"]),
        (.blur, ["blur", "blurry", "blurrier", "defocus", "out of focus", "soften", "softer", "bokeh"]),
        (.sharpen, ["sharpen", "sharp", "sharper", "crisp", "crisper", "in focus"]),
        (.pixelate, ["pixelate", "pixellate", "pixelise", "pixelize", "pixelation", "pixel", "mosaic", "censor"]),
        (.invert, ["invert", "inverse", "negative"]),
        (.night, ["night", "nighttime", "night time", "midnight", "moonlight", "moonlit", "after dark", "nocturnal"]),
    ]

    static let others: [(Meaning, [String])] = [
        (.fillVerb(strong: true, alone: .remove), ["fill", "fill in"]),
        (.fillVerb(strong: true, alone: nil), ["paint", "colour", "color", "recolour", "recolor", "cover", "tint", "dye"]),
        (.fillVerb(strong: false, alone: nil), ["make", "turn", "change"]),
        (.opposite, ["less", "reduce", "lower", "decrease", "lessen", "weaker", "fewer", "tone down"]),
        (.negation, ["not", "no", "dont", "never", "without", "nor", "avoid"]),
        (.filler, ["a", "an", "the", "it", "its", "this", "that", "these", "those", "please", "pls", "and", "then", "also",
                   "with", "to", "into", "of", "in", "on", "at", "by", "for", "from", "up", "down", "as", "so", "just",
                   "more", "much", "very", "really", "quite", "too", "bit", "tad", "little", "lot", "slightly", "somewhat",
                   "add", "increase", "boost", "raise", "higher", "stronger", "extra", "some", "all", "whole", "entire",
                   "everything", "image", "picture", "photo", "photograph", "area", "region", "part", "selection", "mask",
                   "look", "like", "feel", "style", "effect", "tone", "toned", "tones", "colours", "colors", "me", "my",
                   "i", "you", "can", "could", "would", "should", "will", "be", "is", "are", "now", "again", "thanks",
                   "thank", "ok", "okay", "here", "there", "them", "they", "but", "keep", "apply", "give", "get", "have",
                   "do", "let", "lets", "s", "t", "one", "same", "instead", "other", "rest"]),
    ]

    /// Phrases by their first word, longest first, so that "black and white" wins over "black".
    static let phrases: [String: [(words: [String], meaning: Meaning)]] = {
        var table: [String: [(words: [String], meaning: Meaning)]] = [:]
        let all = operations.map { (Meaning.operation($0.0), $0.1) } + others
        for (meaning, spellings) in all {
            for spelling in spellings {
                let words = spelling.split(separator: " ").map(String.init)
                // A word listed twice keeps its first meaning: an operation before a filler.
                guard !(table[words[0]] ?? []).contains(where: { $0.words == words }) else { continue }
                table[words[0], default: []].append((words, meaning))
            }
        }
        return table.mapValues { $0.sorted { $0.words.count > $1.words.count } }
    }()

    static let knownWords: Set<String> = Set(phrases.values.flatMap { $0.flatMap(\.words) })

    /// The longest phrase starting at `tokens[index]` (tokens already in their base form).
    static func longestPhrase(in tokens: [String], at index: Int) -> (meaning: Meaning, length: Int)? {
        guard let candidates = phrases[tokens[index]] else { return nil }
        for phrase in candidates where index + phrase.words.count <= tokens.count {
            if tokens[index..<index + phrase.words.count].elementsEqual(phrase.words) { return (phrase.meaning, phrase.words.count) }
        }
        return nil
    }

    /// The vocabulary word an inflected `token` comes from ("erasing" → "erase", "blurred" →
    /// "blur", "removes" → "remove"), or the token itself.
    static func baseForm(_ token: String) -> String {
        if knownWords.contains(token) { return token }
        for candidate in inflectionStems(token) where knownWords.contains(candidate) { return candidate }
        return token
    }

    private static func inflectionStems(_ token: String) -> [String] {
        var stems: [String] = []
        for suffix in ["s", "es", "d", "ed", "ing", "ly", "ness"] where token.count > suffix.count + 2 && token.hasSuffix(suffix) {
            let stem = String(token.dropLast(suffix.count))
            stems += [stem, stem + "e"]
            // A doubled last consonant: "blurred", "dimming".
            if let last = stem.last, stem.dropLast().last == last { stems.append(String(stem.dropLast())) }
        }
        return stems
    }
}
