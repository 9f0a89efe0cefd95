import Testing
@testable import ImageEditAPI
import ImageEditModel

@Suite struct RetryPolicyTests {
    @Test func retryableStatuses() {
        for status in [408, 409, 429, 500, 502, 503] { #expect(RetryPolicy.shouldRetry(status: status, headers: [])) }
        for status in [400, 401, 403, 404, 413, 422] { #expect(!RetryPolicy.shouldRetry(status: status, headers: [])) }
        #expect(!RetryPolicy.shouldRetry(status: 500, headers: [("X-Should-Retry", "false")]))
        #expect(RetryPolicy.shouldRetry(status: 400, headers: [("x-should-retry", "true")]))
    }

    @Test func serverSuggestedDelays() {
        let now = 1_000_000.0
        #expect(RetryPolicy.delay(retry: 0, headers: [("retry-after-ms", "1500")], now: now, jitter: 0) == 1.5)
        #expect(RetryPolicy.delay(retry: 0, headers: [("Retry-After", "7")], now: now, jitter: 0) == 7)
        // 784111777 is Sun, 06 Nov 1994 08:49:37 GMT.
        #expect(RetryPolicy.delay(retry: 0, headers: [("Retry-After", "Sun, 06 Nov 1994 08:49:37 GMT")],
                                  now: 784_111_777 - 30, jitter: 0) == 30)
        // Out of range: fall back to exponential backoff.
        #expect(RetryPolicy.delay(retry: 0, headers: [("Retry-After", "600")], now: now, jitter: 0) == 0.5)
        #expect(RetryPolicy.delay(retry: 0, headers: [("Retry-After", "-3")], now: now, jitter: 0) == 0.5)
    }

    @Test func exponentialBackoffWithJitter() {
        #expect((0..<6).map { RetryPolicy.delay(retry: $0, headers: [], now: 0, jitter: 0) } == [0.5, 1, 2, 4, 8, 8])
        #expect(RetryPolicy.delay(retry: 2, headers: [], now: 0, jitter: 1) == 1.5)
    }
}

@Suite struct ConfigurationTests {
    @Test func baseURLPrecedence() throws {
        let env = ["OPENAI_BASE_URL": "http://env.example/v1/", "OPENAI_API_KEY": "sk-env", "OPENAI_ORG_ID": "org",
                   "OPENAI_PROJECT_ID": "proj"]
        #expect(try ClientConfiguration.resolve(baseURLFlag: "http://flag/v1", environment: env, configBaseURL: "http://cfg/v1").baseURL == "http://flag/v1")
        let fromEnv = try ClientConfiguration.resolve(baseURLFlag: nil, environment: env, configBaseURL: "http://cfg/v1")
        #expect(fromEnv.baseURL == "http://env.example/v1")
        #expect(fromEnv.apiKey == "sk-env" && fromEnv.organization == "org" && fromEnv.project == "proj")
        #expect(try ClientConfiguration.resolve(baseURLFlag: nil, environment: [:], configBaseURL: "http://cfg/v1").baseURL == "http://cfg/v1")
        let defaults = try ClientConfiguration.resolve(baseURLFlag: nil, environment: [:], configBaseURL: nil)
        #expect(defaults.baseURL == "https://api.openai.com/v1" && defaults.isOpenAI && defaults.apiKey == nil)
        #expect(defaults.timeout == 600 && defaults.connectTimeout == 5 && defaults.maxRetries == 2)
    }

    @Test func whatArrivedBeforeAFailureIsCountedInWords() {
        #expect(ImageEditError.received(images: 0, partials: 0) == "")
        #expect(ImageEditError.received(images: 0, partials: 1) == "; received 1 partial image before that")
        #expect(ImageEditError.received(images: 2, partials: 1) == "; received 2 images and 1 partial image before that")
        #expect(ImageEditError.received(images: 1, partials: 3) == "; received 1 image and 3 partial images before that")
    }

    @Test func aBaseURLNoRequestCouldGoToIsRefusedNamingWhereItWasSet() {
        func problem(flag: String? = nil, environment: [String: String] = [:], config: String? = nil) -> String? {
            do {
                _ = try ClientConfiguration.resolve(baseURLFlag: flag, environment: environment, configBaseURL: config)
                return nil
            } catch {
                return error.description
            }
        }
        let advice = "give an http:// or https:// URL with a host (and a port up to 65535), such as https://api.openai.com/v1"
        #expect(problem(flag: "notaurl") == "--base-url is \"notaurl\": " + advice)
        #expect(problem(flag: "ftp://host/v1") == "--base-url is \"ftp://host/v1\": " + advice)
        #expect(problem(environment: ["OPENAI_BASE_URL": "localhost:8080"]) == "OPENAI_BASE_URL is \"localhost:8080\": " + advice)
        #expect(problem(config: "") == "base_url in config.toml is empty: " + advice)
        #expect(problem(flag: "http://127.0.0.1:99999/v1") == "--base-url is \"http://127.0.0.1:99999/v1\": " + advice)
        #expect(problem(flag: "http://127.0.0.1:0/v1") != nil)
        // Credentials in a URL are never repeated.
        #expect(problem(flag: "http://user:secret@/v1?key=k").map { !$0.contains("secret") && !$0.contains("key=") } == true)
        #expect(problem(flag: "HTTPS://Example.com:8443/v1/") == nil)
        #expect(problem(flag: "http://[::1]:9/v1") == nil)
    }

    @Test func proxyFromEnvironmentUnlessNoProxyCoversTheHost() throws {
        let env = ["HTTPS_PROXY": "http://user:pw@proxy.corp:3128", "NO_PROXY": "localhost, .internal.example"]
        let viaProxy = try ClientConfiguration.resolve(baseURLFlag: nil, environment: env, configBaseURL: nil)
        #expect(viaProxy.proxy == ClientConfiguration.Proxy(host: "proxy.corp", port: 3128, authorization: "user:pw"))
        #expect(try ClientConfiguration.resolve(baseURLFlag: "http://localhost:8080/v1", environment: env, configBaseURL: nil).proxy == nil)
        #expect(try ClientConfiguration.resolve(baseURLFlag: "https://api.internal.example/v1", environment: env, configBaseURL: nil).proxy == nil)
        #expect(try ClientConfiguration.resolve(baseURLFlag: nil, environment: ["https_proxy": "proxy:8080"], configBaseURL: nil).proxy?.host == "proxy")
    }

    @Test func originsAreReadAsTheHTTPClientReadsThem() {
        #expect(APIOrigin("https://API.openai.com/v1") == APIOrigin("https://api.openai.com:443/other"))
        #expect(APIOrigin("http://127.0.0.1:8080/v1")?.port == 8080)
        #expect(APIOrigin("http://127.0.0.1/v1")?.port == 80)
        #expect(APIOrigin("http://user@host.example:1/x?y")?.host == "host.example")
        // A fragment or userinfo trick names the host the connection really goes to.
        #expect(APIOrigin("https://evil.example#@api.openai.com/x")?.host == "evil.example")
        #expect(APIOrigin("http://localhost:9#@127.0.0.1/x")?.host == "localhost")
        #expect(APIOrigin("http://127.0.0.1:1/v1") != APIOrigin("http://127.0.0.1:2/v1"))
        #expect(APIOrigin("http://api.openai.com/v1") != APIOrigin("https://api.openai.com/v1"))
        #expect(APIOrigin("not a url") == nil)
    }
}
