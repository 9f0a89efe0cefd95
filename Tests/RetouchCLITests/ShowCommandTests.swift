import Foundation
import ImageCodecs
import Raster
import TestSupport
import Testing

@Suite struct ShowCommandTests {
    let lakeside = SampleAssetTests.assets.appendingPathComponent("lakeside.png").path
    let dusk = SampleAssetTests.assets.appendingPathComponent("dusk.jpg").path

    @Test func halfBlocksFitTheRequestedWidthAndKeepTheAspect() throws {
        let result = try CLI.run(["show", "--graphics", "halfblock", "--width", "40", dusk])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n")
        // 1024x768 at 40 columns of square half-block pixels: 30 pixel rows, 15 text rows.
        #expect(lines.count == 15)
        let visible = lines[0].replacingOccurrences(of: "\u{1B}\\[[0-9;]*m", with: "", options: .regularExpression)
        #expect(visible.count == 40)
    }

    @Test func sixelIsOneCompleteSequence() throws {
        let result = try CLI.run(["show", "--graphics", "sixel", "--width", "20", lakeside])
        #expect(result.status == 0)
        #expect(result.stdout.hasPrefix("\u{1B}P0;1;0q\"1;1;200;200"))
        #expect(result.stdout.hasSuffix("\u{1B}\\\n"))
        // --colors caps the palette; out of range, it says what is allowed.
        let few = try CLI.run(["show", "--graphics", "sixel", "--width", "20", "--colors", "8", lakeside])
        #expect(few.status == 0)
        #expect(few.stdout.components(separatedBy: ";2;").count - 1 <= 8)
        let wrong = try CLI.run(["show", "--graphics", "sixel", "--colors", "300", lakeside])
        #expect(wrong.status == 2 && wrong.stderr.contains("--colors must be 2 to 256, not 300"), "\(wrong.stderr)")
    }

    /// kitty would stretch a picture given in cells to fill them, replace an earlier picture of
    /// the same id, and keep the cursor at the picture's top with C=1 (what follows would be
    /// written under it): the picture goes at the pixel size it fits in, without id or cells.
    @Test func kittyPicturesKeepTheirAspectAndStayOnScreen() throws {
        let result = try CLI.run(["show", "--graphics", "kitty", "--width", "15", dusk, lakeside])
        #expect(result.status == 0, "\(result.stderr)")
        let pictures = Self.kittyPictures(result.stdout)
        #expect(pictures.count == 2)
        var shown: [RGBAImage] = []
        for picture in pictures {
            #expect(picture.keys.hasPrefix("f=100,q=2,m="), "\(picture.keys)")
            shown.append(try ImageDecoder().decode(picture.payload).image)
        }
        // 15 columns of 10 pixels (no terminal: the common cell size).
        #expect(shown.map { "\($0.width)x\($0.height)" } == ["150x113", "150x150"])
        // Decoded smaller (the JPEG in its DCT), then fitted: the same picture as the whole
        // decode fitted, but for a level or two of resampling.
        for (index, path) in [dusk, lakeside].enumerated() where index < shown.count {
            let whole = try ImageFile.load(path: path).decoded.image.resized(width: shown[index].width, height: shown[index].height)
            #expect(shown[index].psnr(against: whole) > 35, "\(path)")
        }
        // A PNG that fits goes as it is: the file's own bytes.
        let fits = try CLI.run(["show", "--graphics", "kitty", "--width", "110", "--height", "60", lakeside])
        #expect(Self.kittyPictures(fits.stdout).first?.payload == (try ImageFile.readBytes(path: lakeside)))
    }

    /// iTerm2 scales a picture to the cells it is given: a file much larger than it is shown
    /// goes at twice that size in its own format, one that fits goes as it is.
    @Test func itermPicturesAreSentNoLargerThanTwiceTheirShownSize() throws {
        let result = try CLI.run(["show", "--graphics", "iterm", "--width", "15", dusk, lakeside])
        #expect(result.status == 0, "\(result.stderr)")
        let pictures = Self.itermPictures(result.stdout)
        #expect(pictures.count == 2)
        var sent: [String] = []
        for (picture, path) in zip(pictures, [dusk, lakeside]) {
            // Fifteen columns of 10 pixels: the cells it takes, and a picture twice as wide.
            #expect(picture.cells.hasPrefix("width=15 "), "\(picture.cells)")
            let decoded = try ImageDecoder().decode(picture.payload)
            sent.append("\(decoded.description.format) \(decoded.image.width)x\(decoded.image.height)")
            let whole = try ImageFile.load(path: path).decoded.image.resized(width: decoded.image.width, height: decoded.image.height)
            #expect(decoded.image.psnr(against: whole) > 30, "\(path)")
        }
        #expect(sent == ["jpeg 300x225", "png 300x300"])
        let fits = try CLI.run(["show", "--graphics", "iterm", "--width", "110", "--height", "60", dusk])
        #expect(Self.itermPictures(fits.stdout).first?.payload == (try ImageFile.readBytes(path: dusk)))
    }

    /// Sizes and cells follow the file's upright size, whatever it was decoded at: a photograph
    /// stored on its side (EXIF orientation 6), and a picture one pixel wide fitted by its height.
    @Test func picturesAreFittedByTheirUprightSize() throws {
        let folder = try CLI.temporaryFolder()
        let turned = folder.appendingPathComponent("turned.jpg").path
        let stored = RGBAImage(width: 800, height: 600) { x, y in RGBA(UInt8(x * 255 / 799), UInt8(y * 255 / 599), 60) }
        try Data(try jpegWithOrientation(6, littleEndian: true, of: stored)).write(to: URL(fileURLWithPath: turned))
        let thin = folder.appendingPathComponent("thin.png").path
        try Data(try ImageEncoder.png(RGBAImage(width: 1, height: 700) { _, y in RGBA(UInt8(y % 256), 80, 160) }))
            .write(to: URL(fileURLWithPath: thin))
        func kitty(_ path: String, _ size: [String]) throws -> String {
            let out = try CLI.run(["show", "--graphics", "kitty"] + size + [path])
            let image = try ImageDecoder().decode(Self.kittyPictures(out.stdout).first?.payload ?? []).image
            return "\(image.width)x\(image.height)"
        }
        func iterm(_ path: String, _ size: [String]) throws -> String {
            let picture = Self.itermPictures(try CLI.run(["show", "--graphics", "iterm"] + size + [path]).stdout).first
            let decoded = try ImageDecoder().decode(picture?.payload ?? [])
            return (picture?.cells ?? "") + " \(decoded.image.width)x\(decoded.image.height)"
                + (decoded.description.format == .jpeg ? " \(decoded.description.orientation)" : "")
        }
        // Upright 600x800 in 40x60 cells of 10x20: 400x533, 27 rows.
        #expect(try kitty(turned, ["--width", "40", "--height", "60"]) == "400x533")
        // iTerm2 gets it upright (no orientation left for it to honour or not), as its cells were counted.
        #expect(try iterm(turned, ["--width", "40", "--height", "60"]) == "width=40 height=27 600x800 up")
        // 1x700 in 80x13 cells: 1x260; iTerm2 gets it at twice that, 1x520.
        #expect(try kitty(thin, ["--width", "80", "--height", "13"]) == "1x260")
        #expect(try iterm(thin, ["--width", "80", "--height", "13"]) == "width=1 height=13 1x520")
    }

    /// Off a terminal, a side given alone bounds that side only: a tall picture at 15 columns is
    /// as tall as its aspect makes it, not cut to the 24 rows of a default window.
    @Test func aSideGivenAloneBoundsThatSideOnly() throws {
        let folder = try CLI.temporaryFolder()
        let tall = folder.appendingPathComponent("tall.png").path
        try Data(try ImageEncoder.png(RGBAImage(width: 200, height: 2000) { x, y in RGBA(UInt8(x), UInt8(y % 256), 40) }))
            .write(to: URL(fileURLWithPath: tall))
        let result = try CLI.run(["show", "--graphics", "sixel", "--width", "15", tall])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("\"1;1;150;1500"), "\(result.stdout.prefix(40))")
    }

    /// Sizes a terminal could not have are refused, whichever reader takes the command line,
    /// before any multiplication by the cell size could overflow.
    @Test func sizesOutOfRangeAreRefused() throws {
        for arguments in [["--width", "0"], ["--width=1000000000000000000"], ["--height", "10001"], ["--width", "922337203685477581"]] {
            let result = try CLI.run(["show", "--graphics", "kitty"] + arguments + [lakeside])
            #expect(result.status == 2, "\(arguments): \(result.stderr)")
            #expect(result.stderr.contains("must be 1 to 10000"), "\(arguments): \(result.stderr)")
        }
    }

    /// A write that fails (a full disk, a closed standard output) ends the command with a
    /// message and status 1: `show`'s own writes, what `info` prints, `edit --json`'s summary.
    @Test(.enabled(if: FileManager.default.fileExists(atPath: "/dev/full")))
    func aFailedWriteIsReported() throws {
        let folder = try CLI.temporaryFolder()
        let small = folder.appendingPathComponent("small.png").path
        try Data(try ImageEncoder.png(RGBAImage(width: 32, height: 32, fill: RGBA(20, 90, 200)))).write(to: URL(fileURLWithPath: small))
        func run(_ arguments: String, _ redirect: String) throws -> CLIResult {
            try CLI.run(executable: URL(fileURLWithPath: "/bin/sh"), ["-c", "exec \"$0\" \(arguments) \(redirect)", CLI.executable.path])
        }
        for (arguments, redirect, reason) in [
            ("show --graphics sixel --width 10 \(small)", "> /dev/full", "no space left on device"),
            ("show --graphics sixel --width 10 \(small)", ">&-", "bad file descriptor"),
            ("info \(small)", "> /dev/full", "no space left on device"),
            ("edit --local --image \(small) --prompt invert --out \(folder.path) --json", "> /dev/full", "no space left on device"),
        ] {
            let result = try run(arguments, redirect)
            #expect(result.status == 1, "\(arguments) \(redirect): \(result.stderr)")
            #expect(result.stderr.contains("cannot write to standard output: \(reason)"), "\(arguments) \(redirect): \(result.stderr)")
        }
    }

    /// `-` reads a picture from standard input (`ssh host cat photo.jpg | retouch show -`);
    /// what is not a picture is named as standard input.
    @Test func aPictureCanComeFromStandardInput() throws {
        func show(_ input: String) throws -> CLIResult {
            try CLI.run(executable: URL(fileURLWithPath: "/bin/sh"),
                        ["-c", "exec \"$0\" show --graphics kitty --width 15 - < \"$1\"", CLI.executable.path, input])
        }
        let piped = try show(dusk)
        #expect(piped.status == 0, "\(piped.stderr)")
        let image = try ImageDecoder().decode(Self.kittyPictures(piped.stdout).first?.payload ?? []).image
        #expect((image.width, image.height) == (150, 113))
        let text = try CLI.temporaryFolder().appendingPathComponent("notes.txt")
        try Data("not a picture\n".utf8).write(to: text)
        let notAPicture = try show(text.path)
        #expect(notAPicture.status == 1)
        #expect(notAPicture.stderr.hasPrefix("retouch: standard input: "), "\(notAPicture.stderr)")
        let twice = try CLI.run(["show", "-", "-"])
        #expect(twice.status == 2 && twice.stderr.contains("- (standard input) can be given once"), "\(twice.stderr)")
    }

    /// Each kitty picture in `output`: its first chunk's keys after `a=T,`, and its chunks'
    /// payloads joined and decoded from base64.
    static func kittyPictures(_ output: String) -> [(keys: Substring, payload: [UInt8])] {
        output.components(separatedBy: "\u{1B}_Ga=T,").dropFirst().map { picture in
            let chunks = picture.components(separatedBy: "\u{1B}\\").filter { $0.contains(";") }.map { $0.split(separator: ";", maxSplits: 1)[1] }
            return (picture.prefix { $0 != ";" }, [UInt8](Data(base64Encoded: chunks.joined()) ?? Data()))
        }
    }

    /// Each iTerm2 inline picture in `output`: the cells it asks for ("width=W height=H") and its
    /// file decoded from base64.
    static func itermPictures(_ output: String) -> [(cells: String, payload: [UInt8])] {
        output.components(separatedBy: "\u{1B}]1337;File=").dropFirst().map { picture in
            let parts = picture.split(separator: ":", maxSplits: 1)
            let cells = (parts.first ?? "").split(separator: ";").filter { $0.hasPrefix("width=") || $0.hasPrefix("height=") }
            let payload = parts.count == 2 ? parts[1].prefix { $0 != "\u{07}" } : ""
            return (cells.joined(separator: " "), [UInt8](Data(base64Encoded: String(payload)) ?? Data()))
        }
    }

    @Test func aBadFileIsReportedAndTheOthersStillShown() throws {
        let folder = try CLI.temporaryFolder()
        let bad = folder.appendingPathComponent("broken.png").path
        try Data([0x89, 0x50, 0x4E, 0x47]).write(to: URL(fileURLWithPath: bad))
        let result = try CLI.run(["show", "--graphics", "halfblock", "--width", "10", bad, dusk])
        #expect(result.status == 1)
        #expect(result.stderr.contains("broken.png"))
        #expect(result.stdout.contains("▀"))
        let none = try CLI.run(["show", "--graphics", "none", dusk])
        #expect(none.status == 0 && none.stdout.isEmpty)
        let wrong = try CLI.run(["show", "--graphics", "braille", dusk])
        #expect(wrong.status == 2)
    }
}
