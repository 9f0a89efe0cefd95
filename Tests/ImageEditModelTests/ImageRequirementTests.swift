import Testing
import Raster
import ImageEditModel

@Suite struct ImageRequirementTests {
    func facts(_ format: ImageFormat, _ w: Int, _ h: Int, _ channels: ChannelLayout, bytes: Int = 1000) -> ImageFacts {
        ImageFacts(format: format, width: w, height: h, channels: channels,
                   hasAlpha: [.rgba, .greyAlpha, .paletteAlpha].contains(channels), byteCount: bytes)
    }

    @Test func gptModelsTakePNGJPEGWebPUnder50MB() {
        for format in ImageFormat.allCases {
            #expect(ImageRequirement.gptImageSource.violations(of: facts(format, 1536, 1024, .rgb)).isEmpty)
        }
        let big = ImageRequirement.gptImageSource.violations(of: facts(.jpeg, 10, 10, .rgb, bytes: 50 * 1024 * 1024))
        #expect(big == ["it is 50.0 MB; it must be under 50.0 MB"])
    }

    @Test func dallE2WantsASquarePNGWithAlphaOrGreyUnder4MB() {
        #expect(ImageRequirement.dallE2Source.violations(of: facts(.png, 512, 512, .rgba)).isEmpty)
        #expect(ImageRequirement.dallE2Source.violations(of: facts(.png, 512, 512, .grey)).isEmpty)
        let problems = ImageRequirement.dallE2Source.violations(of: facts(.png, 800, 600, .rgb, bytes: 5 * 1024 * 1024))
        #expect(problems.count == 3)
        #expect(problems[0].contains("5.0 MB"))
        #expect(problems[1] == "it is 800x600; it must be square")
        #expect(problems[2].contains("RGB (no alpha)"))
        #expect(ImageRequirement.dallE2Source.violations(of: facts(.jpeg, 512, 512, .rgb))
                == ["it is JPEG; only PNG is accepted"])
    }

    @Test func maskNeedsPNGWithAlpha() {
        #expect(ImageRequirement.mask.violations(of: facts(.png, 30, 20, .rgba)).isEmpty)
        #expect(ImageRequirement.mask.violations(of: facts(.png, 30, 20, .greyAlpha)).isEmpty)
        #expect(ImageRequirement.mask.violations(of: facts(.png, 30, 20, .rgb)).first?.contains("alpha channel") == true)
        #expect(ImageRequirement.mask.violations(of: facts(.webp, 30, 20, .rgba)) == ["it is WebP; only PNG is accepted"])
    }
}
