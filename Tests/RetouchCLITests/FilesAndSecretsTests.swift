import Foundation
import ImageCodecs
import Raster
import ScriptedServer
import Testing
import TestSupport

/// What `retouch edit` leaves on disk and says: files as private as the umask asks, and a base
/// URL's password nowhere.
@Suite(.serialized) struct FilesAndSecretsTests {
    static let resultPNG: [UInt8] = try! ImageEncoder.png(RGBAImage(width: 16, height: 16, fill: RGBA(10, 120, 200)))

    /// `retouch` run by /bin/sh after `umask 077`.
    func runWithUmask077(_ arguments: [String], environment: [String: String] = CLI.cleanEnvironment) async throws -> CLIResult {
        try await OwnThread.run {
            try CLI.run(executable: URL(fileURLWithPath: "/bin/sh"), ["-c", "umask 077; exec \"$0\" \"$@\"", CLI.executable.path] + arguments,
                        environment: environment)
        }
    }

    func mode(_ path: String) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int) ?? nil) ?? -1
    }

    func source(in folder: URL) throws -> String {
        let path = folder.appendingPathComponent("source.png").path
        try Data(try ImageEncoder.png(RGBAImage(width: 32, height: 32, fill: RGBA(1, 2, 3)))).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test func resultsFollowTheUmaskAndTheServerIsRecordedWithoutItsPassword() async throws {
        let folder = try CLI.temporaryFolder()
        let b64 = Data(Self.resultPNG).base64EncodedString()
        let server = try await ScriptedServer(replies: [.json(200, #"{"created":1,"data":[{"b64_json":"\#(b64)"}]}"#)])
        let out = folder.appendingPathComponent("results").path
        let base = server.baseURL.replacingOccurrences(of: "http://", with: "http://u:secret@") + "?token=secret2"
        var environment = CLI.cleanEnvironment
        environment["OPENAI_BASE_URL"] = base
        let result = try await runWithUmask077(["edit", "--image", try source(in: folder), "--prompt", "x", "--out", out, "--json"],
                                               environment: environment)
        await server.stop()
        #expect(result.status == 0, "\(result.stderr)")
        let files = try FileManager.default.contentsOfDirectory(atPath: out).sorted()
        #expect(files.count == 2 && files.contains { $0.hasSuffix(".png") } && files.contains { $0.hasSuffix(".json") }, "\(files)")
        for file in files {
            #expect(mode(out + "/" + file) == 0o600, "\(file) is \(String(mode(out + "/" + file), radix: 8)) under umask 077")
        }
        #expect(mode(out) == 0o700, "the folder it made follows the umask")
        let sidecar = try String(contentsOfFile: out + "/" + files.first { $0.hasSuffix(".json") }!, encoding: .utf8)
        #expect(sidecar.contains(#""server" : "\#(server.baseURL)""#), "\(sidecar)")
        #expect(!sidecar.contains("secret") && !result.stdout.contains("secret") && !result.stderr.contains("secret"))
    }

    @Test func aPasswordInTheBaseURLIsNeverShownInAnError() async throws {
        let folder = try CLI.temporaryFolder()
        var environment = CLI.cleanEnvironment
        environment["OPENAI_BASE_URL"] = "http://u:secret@127.0.0.1:1/v1"
        environment["OPENAI_API_KEY"] = "sk-test"
        let result = try await OwnThread.run { [environment] in
            try CLI.run(["edit", "--image", try self.source(in: folder), "--prompt", "x", "--out", folder.path, "--max-retries", "0"],
                        environment: environment)
        }
        #expect(result.status == 4, "\(result.stderr)")
        #expect(result.stderr.contains("http://127.0.0.1:1/v1/images/edits"), "\(result.stderr)")
        #expect(!result.stderr.contains("secret") && !result.stdout.contains("secret"))
    }
}
