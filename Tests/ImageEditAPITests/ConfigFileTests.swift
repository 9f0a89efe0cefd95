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
}
