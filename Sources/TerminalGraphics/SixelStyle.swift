import Raster

/// How a picture shown on its own (`retouch show`) is put into sixel: how many colours, what a
/// colour is worth in bytes (`Palette.rate`) and the dither, chosen from the picture. Measured on
/// the photographs of `make bench`: about two thirds of img2sixel's bytes or fewer, at a higher
/// PSNR, plain and after a 2x2 blur.
public struct SixelStyle: Equatable, Sendable {
    public var maxColors: Int
    public var rate: Float
    public var dither: Dither
    public var context: RateContext

    public init(maxColors: Int, rate: Float, dither: Dither, context: RateContext = .adjacent) {
        self.maxColors = maxColors
        self.rate = rate
        self.dither = dither
        self.context = context
    }

    /// Error diffusion at this strength keeps a little of the plain detail that full diffusion
    /// gives away, and most of its smoothness.
    public static let diffusion = Dither.errorDiffusion(strength: diffusionStrength)
    static let diffusionStrength: Float = 0.8

    /// Diffusion at 0.3: enough to hide the steps between a grey picture's few levels; more is
    /// only noise, which costs bytes and plain PSNR.
    public static let lightDiffusion = Dither.errorDiffusion(strength: 0.3)

    /// A colour picture: a palette of up to 176 colours, a colour worth 20 squared levels per bit,
    /// diffused (the blur of a picture without dither shows its steps); a low-contrast one (its
    /// colours within 40 levels of their mean, root mean square: haze, fog, a close-up of wood)
    /// less, in proportion: its palette's steps are fine, and full diffusion would only flip pixels
    /// between neighbouring colours, breaking every run for little; so does one of few colours (see
    /// `colour`). A colourful, textured one gets 220 colours and weighs the band's colours around
    /// each pixel (`RateContext.band`). A grey one: 14 to 24 levels by its contrast (see
    /// `greyLevels`), worth 80 each, lightly diffused: its levels lie on a line, not in a volume,
    /// so a few placed by k-means come as close as img2sixel's, for far fewer bytes, and
    /// undithered they would show bands in a sky; a two-tone one (see `isTwoTone`) 8. A
    /// flat-coloured one (a diagram, a screenshot, a logo: see `isFlat`): colours worth 100 each
    /// and no dither, which would only sprinkle noise along its edges; on such pictures
    /// img2sixel's bytes buy little, so this stays far above its quality in about 0.6x its bytes.
    /// A low-contrast flat one (a dark wallpaper's soft shapes) has its colours' worth cut
    /// in proportion to its contrast (see `contrast`), as its diffusion would be: at 100, two such
    /// wallpapers lost 1.6 and 3.1 dB to img2sixel. No more colours than the terminal has
    /// `registers`.
    public static func still(for image: RGBAImage, registers: Int = 256) -> SixelStyle {
        let sample = Palette.sample(image, count: 4096)
        let grey = sample.allSatisfy { abs($0.0 - $0.1) <= 3 && abs($0.1 - $0.2) <= 3 }
        var style = grey ? SixelStyle(maxColors: isTwoTone(sample) ? 8 : greyLevels(spread(sample)), rate: 80, dither: lightDiffusion)
            : isFlat(sample) ? flat(sample)
            : colour(sample, of: image)
        style.maxColors = min(style.maxColors, registers)
        return style
    }

    /// How many levels a grey picture gets: one for every three grey levels of its standard
    /// deviation (about one for every ten levels of its range, were its greys spread evenly),
    /// from 14 (a deviation of 43 or less) to 24 (71 or more): a contrasty picture's levels lie
    /// farther apart, and it needs more of them for the same error. A fixed 16 was too few for
    /// contrasty photographs (a chessboard, a building: 0.1 to 0.7 dB short of img2sixel's PSNR,
    /// in half its bytes) and too many for low-contrast textures (gravel, a baboon's fur: 0.76x
    /// and 0.81x its bytes). On 53 grey pictures (photographs,
    /// scans, textures, and photographs turned grey) 10 missed one of the goals against 12; on
    /// 72 others, first measured with this rule, 19 against 25.
    static func greyLevels(_ spread: Float) -> Int {
        // `spread` is over three equal channels: √3 times one channel's deviation.
        let deviation = spread / Float(3).squareRoot()
        return min(24, max(14, Int((deviation / 3).rounded())))
    }

    /// Whether a grey picture is two-tone, as a silhouette, a scanned page or black-and-white
    /// line art is: 90 % or more of the sampled pixels in two 16-level bands at least 64 levels
    /// apart (two near ones are a low-contrast picture: the moon's face). Its other greys are only
    /// its edges' antialiasing, which 8 levels draw as well as 16; a silhouette took 0.80x
    /// img2sixel's bytes with 16, 0.66x with 8, far above its PSNR.
    static func isTwoTone(_ sample: [Palette.Point]) -> Bool {
        var bands = [Int](repeating: 0, count: 16)
        for (r, _, _) in sample { bands[Int(r >> 4)] += 1 }
        let commonest = bands.indices.sorted { bands[$0] > bands[$1] }
        return abs(commonest[0] - commonest[1]) >= 4 && (bands[commonest[0]] + bands[commonest[1]]) * 10 >= sample.count * 9
    }

    /// A flat-coloured picture's style (see `still`).
    static func flat(_ sample: [Palette.Point]) -> SixelStyle {
        SixelStyle(maxColors: 176, rate: 100 * contrast(spread(sample)), dither: .none)
    }

    /// Whether the picture is drawn in flat colours, as a diagram or a screenshot is: set aside
    /// its commonest colour (a background, which a photograph may have too, as a border or a
    /// studio wall), and at least 40 % of the other sampled pixels are in the next 15 commonest.
    /// A photograph's own pixels (noise, gradients) spread over hundreds of colours.
    static func isFlat(_ sample: [Palette.Point]) -> Bool {
        var counts: [Int32: Int] = [:]
        for (r, g, b) in sample { counts[r << 16 | g << 8 | b, default: 0] += 1 }
        let commonest = counts.values.sorted(by: >).prefix(16)
        guard let background = commonest.first else { return false }
        let others = sample.count - background
        return others == 0 || (commonest.reduce(0, +) - background) * 5 >= others * 2
    }

    /// A colour picture's style. A rich one, colourful (a quarter of the sampled pixels or
    /// more each in a 5-bit colour cell of its own) and textured (a painting, a garden in
    /// flower), gets more colours and weighs the band around each pixel, as 176 colours and the
    /// adjacent pixels left its blur below img2sixel's and its bytes above 0.7x. The band costs
    /// the mapping a third more time, which other pictures need not spend (on other
    /// photographs it saved 3-12 % of the bytes, at the same PSNR). One of few colours (see
    /// `fewness`: a dusk over fog, a drawing's or a wallpaper's gradients) has a palette colour
    /// within a few levels of nearly every pixel: fully diffused, its pixels only flip between
    /// near-equal colours, and each change of colour buys less. On twelve such pictures the
    /// photographs' style cost 0.35-3.6x img2sixel's bytes (eight over 0.7x); diffused at 0.3,
    /// with colours worth 30, 0.21-0.66x but for one (1.11x), still 0.9 dB or more above its
    /// blur. Undithered, a sky would show its steps.
    static func colour(_ sample: [Palette.Point], of image: RGBAImage) -> SixelStyle {
        let cells = colourCells(sample)
        let rich = cells * 4 >= sample.count && isTextured(image)
        let few = fewness(cells: cells, of: sample.count)
        let strength = (diffusionStrength - few * 0.5) * contrast(spread(sample))
        return SixelStyle(maxColors: rich ? 220 : 176, rate: 20 + few * 10, dither: .errorDiffusion(strength: strength),
                          context: rich ? .band : .adjacent)
    }

    /// How few colours a picture has, from its sample's 5-bit colour cells: 1 at a twentieth as
    /// many cells as pixels or fewer (a foggy dusk: 1/37; a vector drawing: 1/41; a wallpaper of
    /// soft, wide gradients: 1/19), 0 at a seventeenth or more (a kite over a hazy field, a
    /// blind's slats: 1/17; a stormy sky: 1/14), in proportion between. A ramp, not a step, so
    /// that no picture sits on an edge; a narrow one, as pictures close on either side of it
    /// want opposite styles: of 75 colour pictures, 18 of the 22 at 1/19 or fewer took
    /// 0.77-9.7x img2sixel's bytes fully diffused, and 38 of the 53 at 1/17 or more lost
    /// 0.1-3.3 dB to it after the blur lightly diffused.
    static func fewness(cells: Int, of count: Int) -> Float {
        guard count > 0 else { return 0 }
        // (count/17 - cells) / (count/17 - count/20), both sides times 340 to stay in integers.
        return min(1, max(0, Float(20 * (count - 17 * cells)) / Float(3 * count)))
    }

    /// Whether neighbouring pixels differ, on average, by more than 6 levels (the three
    /// channels' differences summed, along rows spread over the picture, about 32,000 pairs):
    /// a photograph at about its camera's size, a painting, foliage (8 to 50), not a smooth
    /// wallpaper or a sky (1 to 5).
    static func isTextured(_ image: RGBAImage) -> Bool {
        guard image.width > 1 else { return false }
        var total = 0, pairs = 0
        let rows = max(1, min(image.height, 32_768 / (image.width - 1)))
        image.pixels.withUnsafeBufferPointer { px in
            for y in stride(from: 0, to: image.height, by: max(1, image.height / rows)) {
                var i = y * image.width * 4
                for _ in 1..<image.width {
                    if px[i + 3] >= 128 && px[i + 7] >= 128 {
                        total += abs(Int(px[i]) - Int(px[i + 4])) + abs(Int(px[i + 1]) - Int(px[i + 5])) + abs(Int(px[i + 2]) - Int(px[i + 6]))
                        pairs += 1
                    }
                    i += 4
                }
            }
        }
        return total > pairs * 6
    }

    /// How many 5-bit colour cells (8 levels a side) the sampled pixels fall in. A
    /// painting or a landscape in flower fills one for a quarter of its pixels or more; most
    /// photographs for under a tenth (a stormy sky, a retina) to a fifth (a portrait).
    static func colourCells(_ sample: [Palette.Point]) -> Int {
        var cells = [UInt64](repeating: 0, count: 1 << 15 / 64)
        var distinct = 0
        for (r, g, b) in sample {
            let cell = Int((r >> 3) << 10 | (g >> 3) << 5 | (b >> 3))
            let bit = UInt64(1) << UInt64(cell & 63)
            if cells[cell >> 6] & bit == 0 {
                cells[cell >> 6] |= bit
                distinct += 1
            }
        }
        return distinct
    }

    /// A picture's contrast: its colours' spread over 40 levels, at most 1. Below 1, its
    /// palette's steps are fine, and full diffusion would only flip pixels between neighbouring
    /// colours.
    static func contrast(_ spread: Float) -> Float {
        min(1, max(0, spread) / 40)
    }

    /// How far the sampled colours lie from their mean: the root mean square distance, in levels.
    static func spread(_ sample: [Palette.Point]) -> Float {
        guard !sample.isEmpty else { return 0 }
        var sum = SIMD3<Double>.zero, squares = 0.0
        for (r, g, b) in sample {
            let color = SIMD3(Double(r), Double(g), Double(b))
            sum += color
            squares += (color * color).sum()
        }
        let mean = sum / Double(sample.count)
        return Float(max(0, squares / Double(sample.count) - (mean * mean).sum()).squareRoot())
    }
}
