import Testing
import ImageEditAPI

@Suite struct ConfigFileTests {
    @Test func readsTopLevelKeysAndSkipsTablesAndComments() {
        let config = ConfigFile(text: """
            # settings
            base_url = "http://127.0.0.1:8080/v1"  # local
            model = gpt-image-1 # trailing comment
            quoted = "a#b"
            empty =
            no equals sign
            [profile]
            base_url = "ignored"
            """)
        #expect(config.baseURL == "http://127.0.0.1:8080/v1")
        #expect(config.values == ["base_url": "http://127.0.0.1:8080/v1", "model": "gpt-image-1", "quoted": "a#b", "empty": ""])
    }

    @Test func windowsLineEndsAndAnEmptyFile() {
        #expect(ConfigFile(text: "base_url = \"x\"\r\nother=1\r\n").values == ["base_url": "x", "other": "1"])
        #expect(ConfigFile(text: "").baseURL == nil)
    }

    @Test func quotesCommentsAndUnknownKeys() {
        let config = ConfigFile(text: """
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

    /// TOML's basic strings take backslash escapes; the reader stops at the first quote.
    @Test func escapesInQuotedValues() {
        withKnownIssue("ConfigFile does not decode escapes in quoted values yet") {
            #expect(ConfigFile(text: #"base_url = "http://h/\"q\"/v1""#).baseURL == #"http://h/"q"/v1"#)
            #expect(ConfigFile(text: #"name = "a\\b""#).values["name"] == #"a\b"#)
        }
    }
}
