import ImageEditAPI
import TestSupport
import Testing

@Suite struct ConfigFileTests {
    @Test func readsTopLevelKeysAndSkipsTablesAndComments() throws {
        let config = try ConfigFile(text: """
            # settings
            base_url = "http://127.0.0.1:8080/v1"  # local
            model = gpt-image-1 # trailing comment
            quoted = "a#b"
            empty =
            [profile]
            base_url = "ignored"
            """)
        #expect(config.baseURL == "http://127.0.0.1:8080/v1")
        #expect(config.values == ["base_url": "http://127.0.0.1:8080/v1", "model": "gpt-image-1", "quoted": "a#b", "empty": ""])
    }

    @Test func windowsLineEndsAndAnEmptyFile() throws {
        #expect(try ConfigFile(text: "base_url = \"x\"\r\nother=1\r\n").values == ["base_url": "x", "other": "1"])
        #expect(try ConfigFile(text: "").baseURL == nil)
        #expect(try ConfigFile(text: "\u{FEFF}base_url = 'x'").baseURL == "x", "a byte order mark is not part of the key")
    }

    @Test func quotesCommentsAndUnknownKeys() throws {
        let config = try ConfigFile(text: """
               # an indented comment
            future_setting = "kept, not used"
            base_url = "http://127.0.0.1:9/v1"
            mirror = "http://127.0.0.1:9/v1?a=b#c"   # '=' and '#' inside quotes are the value's
            model =   gpt-image-1.5   # spaces around an unquoted value go
            base_url = "http://127.0.0.1:8080/v1"
            """)
        #expect(config.baseURL == "http://127.0.0.1:8080/v1", "the last of a repeated key wins")
        #expect(config.values["future_setting"] == "kept, not used")
        #expect(config.values["model"] == "gpt-image-1.5")
        #expect(config.values["mirror"] == "http://127.0.0.1:9/v1?a=b#c")
        #expect(config.values.count == 4)
    }

    /// TOML's basic strings take backslash escapes.
    @Test func escapesInQuotedValues() throws {
        #expect(try ConfigFile(text: #"base_url = "http://h/\"q\"/v1""#).baseURL == #"http://h/"q"/v1"#)
        #expect(try ConfigFile(text: #"name = "a\\b""#).values["name"] == #"a\b"#)
    }

    @Test(arguments: [
        (#"\""#, "\""), (#"\\"#, "\\"), (#"\n"#, "\n"), (#"\t"#, "\t"), (#"\r"#, "\r"), (#"\b"#, "\u{08}"), (#"\f"#, "\u{0C}"),
        (#"\u00E9"#, "é"), (#"\u20ac"#, "€"), (#"\U0001F600"#, "😀"), (#"\U00000041"#, "A"),
    ])
    func eachEscape(written: String, meaning: String) throws {
        #expect(try ConfigFile(text: "v = \"<\(written)>\"").values["v"] == "<\(meaning)>")
    }

    @Test func literalStringsTakeNoEscapes() throws {
        let config = try ConfigFile(text: #"""
            path = 'C:\Users\me\n'
            quote = 'say "hi" # not a comment'   # a comment
            empty = ''
            "quoted key" = 'x'
            """#)
        #expect(config.values["path"] == #"C:\Users\me\n"#)
        #expect(config.values["quote"] == #"say "hi" # not a comment"#)
        #expect(config.values["empty"] == "")
        #expect(config.values["quoted key"] == "x")
    }

    @Test func commentsAfterValuesAndHashesInsideQuotes() throws {
        let config = try ConfigFile(text: """
            a = "x#y"# right after the quote
            b = 'x#y'\t# after a tab
            c = 42 # a number is its text
            d = true#
            e = "\\u0023 is #"
            """)
        #expect(config.values == ["a": "x#y", "b": "x#y", "c": "42", "d": "true", "e": "# is #"])
    }

    @Test func whitespaceAroundKeysAndValues() throws {
        #expect(try ConfigFile(text: "\t base_url\t=\t\"x\" \t").baseURL == "x")
        #expect(try ConfigFile(text: "base_url=\"x\"").baseURL == "x")
        #expect(try ConfigFile(text: "   \n\t\n# only comments\n").values.isEmpty)
    }

    @Test func invalidLinesNameTheFileTheLineAndTheProblem() {
        func problem(_ text: String) -> ConfigFileError? {
            do throws(ConfigFileError) {
                _ = try ConfigFile(text: text, path: "/home/me/.config/retouch/config.toml")
                return nil
            } catch {
                return error
            }
        }
        let unterminated = problem("# first\n\nbase_url = \"http://h/v1\n")
        #expect(unterminated == ConfigFileError(path: "/home/me/.config/retouch/config.toml", line: 3,
                                                problem: .unterminatedString(quote: "\"")))
        #expect(unterminated?.description == "/home/me/.config/retouch/config.toml:3: the string has no closing \" on this line")
        #expect(problem("a = 'x")?.problem == .unterminatedString(quote: "'"))
        #expect(problem(#"a = "\x""#)?.problem == .badEscape(#"\x"#))
        #expect(problem(#"a = "\"#)?.problem == .badEscape(#"\"#))
        #expect(problem(#"a = "\u12""#)?.problem == .badUnicodeEscape(#"\u12"#))
        #expect(problem(#"a = "\uD800""#)?.problem == .badUnicodeEscape(#"\uD800"#), "a surrogate is not a character")
        #expect(problem(#"a = "\U00110000""#)?.problem == .badUnicodeEscape(#"\U00110000"#))
        #expect(problem(#"a = "\u+123""#)?.problem == .badUnicodeEscape(#"\u"#))
        #expect(problem("ok = 1\nno equals sign")?.line == 2)
        #expect(problem("no equals sign")?.problem == .missingEquals)
        #expect(problem(" = 1")?.problem == .missingKey)
        #expect(problem("my key = 1")?.problem == .invalidKey("my key"))
        #expect(problem(#"a = "x" y"#)?.problem == .textAfterValue("y"))
        #expect(problem("a = 'x' 'y'")?.problem == .textAfterValue("'y'"))
        #expect(problem(#"a = it's"#)?.problem == .quoteInBareValue)
        #expect(problem(#"a = """x""""#)?.problem == .multilineString)
        #expect(problem("a = '''x'''")?.problem == .multilineString)
        #expect(problem("a = [1, 2]")?.problem == .notAString)
        #expect(problem("a = { b = 1 }")?.problem == .notAString)
        #expect(problem("a = \"x\u{07}\"")?.problem == .controlCharacter(7))
        #expect(problem("a = 1\rb = 2")?.problem == .controlCharacter(13), "a carriage return alone does not end a line")
    }

    @Test func messagesStayOnOneLine() throws {
        let error = try #require(throws: ConfigFileError.self) { try ConfigFile(text: "a = \"x\" \u{1B}[2J\u{2028}tail") }
        #expect(error.problem == .textAfterValue("\u{1B}[2J\u{2028}tail"))
        #expect(error.description == #"config.toml:1: unexpected '\u{001B}[2J\u{2028}tail' after the value; a comment starts with #"#)
        let long = try #require(throws: ConfigFileError.self) { try ConfigFile(text: "a = 'x' " + String(repeating: "y", count: 100)) }
        #expect(long.description.count < 120)
    }

    @Test func pairsOfTablesAreKeptApartAndThoseOfArraysOfTablesSkipped() throws {
        let config = try ConfigFile(text: """
            base_url = "top"
            [[profiles]]
            base_url = "skipped"
            [prices."gpt-image-1.5"]   # a dot inside quotes is part of the name
            text_input = 5
            [ a . 'b c' ]
            base_url = "in a table"
            """)
        #expect(config.values == ["base_url": "top"])
        #expect(config.tables[["prices", "gpt-image-1.5"]] == ConfigTable(line: 4, values: ["text_input": "5"], lines: ["text_input": 5]))
        #expect(config.tables[["a", "b c"]]?.values == ["base_url": "in a table"])
        #expect(config.tables.count == 2)
        let broken = try #require(throws: ConfigFileError.self) { try ConfigFile(text: "[[profiles]]\nbase_url = \"unterminated") }
        #expect(broken.line == 2, "a line after a table is read like any other")
        for header in ["[]", "[a.]", "[.a]", "[a b]", "[a", "[a] x"] {
            #expect(throws: ConfigFileError.self, "\(header)") { try ConfigFile(text: header) }
        }
    }

    /// Any text either reads or names one of its own lines, in a message of one line.
    @Test func anyTextReadsOrNamesALineOfItsOwn() {
        let pieces = ["base_url", " = ", "=", "\"", "'", "\\", "u", "U", "0", "D8", "F", "#", "[", "\n", "\r\n", "\r", " ", "\t",
                      "\u{07}", "é", "\u{2028}", "\u{FEFF}", "x", "n", "\"\"\"", "{"]
        var random = SeededRandom(default: 20_261_130)
        for _ in 0..<5_000 {
            let text = (0..<random.next(below: 24)).map { _ in pieces[random.next(below: pieces.count)] }.joined()
            do throws(ConfigFileError) {
                _ = try ConfigFile(text: text)
            } catch {
                let lines = text.unicodeScalars.count { $0 == "\n" } + 1
                let oneLine = !error.description.contains(where: \.isNewline)
                #expect((1...lines).contains(error.line), "\(random): \(text.debugDescription)")
                #expect(oneLine, "\(random): \(text.debugDescription)")
            }
        }
    }
}
