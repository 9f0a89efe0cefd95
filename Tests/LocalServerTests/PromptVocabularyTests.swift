import Foundation
import ImageCodecs
import LocalServerHTTP
import Raster
import Testing
@testable import LocalServer

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

let sampleAssets = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../assets")

/// Posts one edit as multipart, as any client would, and returns the answer's first image and
/// its `X-Retouch-Engine` header.
func postEdit(_ server: RunningLocalServer, prompt: String, image: [UInt8], mask: [UInt8]?) async throws -> (RGBAImage, String?) {
    var request = URLRequest(url: URL(string: server.baseURL + "/images/edits")!)
    request.httpMethod = "POST"
    request.setValue("multipart/form-data; boundary=xyz", forHTTPHeaderField: "Content-Type")
    var body = Data("--xyz\r\nContent-Disposition: form-data; name=\"prompt\"\r\n\r\n\(prompt)\r\n".utf8)
    for (name, bytes) in [("image", image), ("mask", mask)] {
        guard let bytes else { continue }
        body += Data("--xyz\r\nContent-Disposition: form-data; name=\"\(name)\"; filename=\"\(name).png\"\r\nContent-Type: image/png\r\n\r\n".utf8)
        body += Data(bytes) + Data("\r\n".utf8)
    }
    request.httpBody = body + Data("--xyz--\r\n".utf8)
    let (data, response) = try await URLSession.shared.data(for: request)
    let http = try #require(response as? HTTPURLResponse)
    #expect(http.statusCode == 200, "\(String(decoding: data, as: UTF8.self))")
    let answer = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    let first = try #require((answer["data"] as? [[String: Any]])?.first?["b64_json"] as? String)
    let png = try #require(Data(base64Encoded: first))
    return (try ImageDecoder().decode([UInt8](png)).image, http.value(forHTTPHeaderField: LocalServer.engineHeader))
}

@Suite(.serialized) struct PromptVocabularyTests {
    @Test func threePromptsGiveThreeImagesOfTheLakeside() async throws {
        let image = [UInt8](try Data(contentsOf: sampleAssets.appendingPathComponent("lakeside.png")))
        let mask = [UInt8](try Data(contentsOf: sampleAssets.appendingPathComponent("lakeside-mask.png")))
        let original = try ImageDecoder().decode(image).image
        let editable = try ImageDecoder().decode(mask).image
        let server = try await LocalServerHTTP.start(LocalServerConfiguration(port: 0))
        var results: [RGBAImage] = []
        var headers: [String?] = []
        for prompt in ["remove the sun", "make it black and white", "warmer"] {
            let (result, header) = try await postEdit(server, prompt: prompt, image: image, mask: mask)
            results.append(result)
            headers.append(header)
        }
        await server.stop()
        #expect(headers == ["local; understood: remove; ignored: sun", "local; understood: black and white",
                            "local; understood: warmer"])
        #expect(Set(results.map(\.pixels)).count == 3, "three prompts, three images")
        for result in results {
            #expect(result != original)
            let outsideKept = stride(from: 0, to: original.pixels.count, by: 4).allSatisfy { index in
                editable.pixels[index + 3] == 0 || result.pixels[index..<index + 4] == original.pixels[index..<index + 4]
            }
            #expect(outsideKept, "pixels outside the mask are kept exactly")
        }
    }

    @Test func theHeaderSaysWhatWasUnderstoodAndIgnored() async throws {
        let png = try ImageEncoder.png(photo)
        let server = try await LocalServerHTTP.start(LocalServerConfiguration(port: 0))
        let (_, header) = try await postEdit(server, prompt: "Remove the boat, warmer please", image: png,
                                             mask: try ImageEncoder.png(maskImage, alpha: .always))
        let (unmasked, none) = try await postEdit(server, prompt: "un café 日本 hello\r\nX-Injected: 1", image: png, mask: nil)
        await server.stop()
        #expect(header == "local; understood: remove, warmer; ignored: boat")
        #expect(none == "local; understood: none; default: sepia; ignored: un, ?, hello, x, injected, 1")
        #expect(none?.allSatisfy { $0.isASCII && !$0.isNewline } == true)
        #expect(unmasked != photo, "nothing understood without a mask: sepia, as before")
    }
}
