@testable import ImageEditModel
import Testing

@Suite struct URLRedactionTests {
    @Test func userinfoQueryAndFragmentAreDropped() {
        #expect(URLRedaction.redact("http://u:secret@127.0.0.1:1/v1") == "http://127.0.0.1:1/v1")
        #expect(URLRedaction.redact("https://user@proxy.example/v1") == "https://proxy.example/v1")
        #expect(URLRedaction.redact("https://files.example/img.png?sig=abc&se=2026#frag") == "https://files.example/img.png")
        #expect(URLRedaction.redact("http://u:p%40ss@[::1]:8080/v1/images/edits") == "http://[::1]:8080/v1/images/edits")
    }

    @Test func whatHasNothingToHideIsUnchanged() {
        for text in ["https://api.openai.com/v1", "http://127.0.0.1:8080/v1", "OpenAI", "local engine (offline)", "", "the server"] {
            #expect(URLRedaction.redact(text) == text)
        }
    }

    @Test func textThatURLComponentsRefusesIsRedactedByHand() {
        #expect(URLRedaction.redact("http://u:se cret@host:1/v1?k=v") == "http://host:1/v1")
        #expect(URLRedaction.byHand("http://u:se cret@host:1/v 1?k=v#f") == "http://host:1/v 1")
        #expect(URLRedaction.redact("http://a@b@host/v1") == "http://host/v1")
    }

    @Test func urlsInsideTextAreRedacted() {
        let text = "cannot connect to http://u:secret@127.0.0.1:1/v1/images/edits: connection refused; see https://x.example/a?token=t."
        #expect(URLRedaction.redactURLs(in: text) == "cannot connect to http://127.0.0.1:1/v1/images/edits: connection refused; see https://x.example/a.")
        #expect(URLRedaction.redactURLs(in: "no url here") == "no url here")
    }
}
