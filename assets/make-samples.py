#!/usr/bin/env python3
"""Renders Retouch's sample images procedurally, so they are free of any licence.

Needs numpy and scipy (pip), cjpeg (libjpeg-turbo-progs) and cwebp (webp).
Run from anywhere: python3 assets/make-samples.py
"""
import os
import struct
import subprocess
import tempfile
import zlib

import numpy as np
from scipy import ndimage

HERE = os.path.dirname(os.path.abspath(__file__))


def fbm(rng, h, w, base, octaves, gain=0.5):
    """Fractal noise in [0, 1]: octaves of smoothly upsampled random grids."""
    total = np.zeros((h, w))
    amplitude, norm = 1.0, 0.0
    cells = base
    for _ in range(octaves):
        gh, gw = max(2, int(h / cells) + 3), max(2, int(w / cells) + 3)
        grid = rng.random((gh, gw))
        layer = ndimage.zoom(grid, (cells, cells), order=3, mode="reflect")[:h, :w]
        total += amplitude * layer
        norm += amplitude
        amplitude *= gain
        cells = max(1, cells // 2)
    total /= norm
    return (total - total.min()) / (total.max() - total.min())


def ridge(rng, w, base, octaves, gain=0.55):
    line = np.zeros(w)
    amplitude, cells = 1.0, base
    for _ in range(octaves):
        grid = rng.random(int(w / cells) + 4)
        line += amplitude * ndimage.zoom(grid, cells, order=3)[:w]
        amplitude *= gain
        cells = max(1, cells // 2)
    return (line - line.min()) / (line.max() - line.min())


def mix(a, b, t):
    t = np.asarray(t)[..., None] if np.ndim(t) else t
    return a * (1 - t) + b * t


def landscape(seed, w, h, dusk=False):
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:h, 0:w] / np.array([h, w])[:, None, None]
    horizon = 0.56
    top = np.array([0.10, 0.22, 0.48]) if not dusk else np.array([0.12, 0.10, 0.30])
    low = np.array([0.80, 0.86, 0.92]) if not dusk else np.array([0.98, 0.62, 0.38])
    sky = mix(top, low, np.clip(y / horizon, 0, 1) ** 1.6)
    sun_x, sun_y = (0.70, 0.30) if not dusk else (0.35, 0.47)
    d = np.hypot((x - sun_x) * w / h, y - sun_y)
    glow = np.exp(-d * (9 if not dusk else 6))
    sky = sky + glow[..., None] * (np.array([1.0, 0.93, 0.75]) * 0.55)
    sky = np.where((d < 0.035)[..., None], np.array([1.0, 0.98, 0.90]), sky)
    clouds = fbm(rng, h, w, 128, 6)
    clouds = np.clip((clouds - 0.52) * 3.2, 0, 1) * np.clip(1.2 - y / horizon, 0, 1)
    shade = fbm(rng, h, w, 32, 3)
    cloud_col = mix(np.array([0.62, 0.64, 0.70]), np.array([1.0, 0.98, 0.95]), shade) if not dusk else \
        mix(np.array([0.45, 0.30, 0.40]), np.array([1.0, 0.70, 0.55]), shade)
    img = mix(sky, cloud_col, clouds * 0.85)

    # Mountain ranges, far (hazy) then near (textured, with snow).
    far = horizon - 0.05 - 0.17 * ridge(rng, w, 256, 7)
    near = horizon - 0.01 - 0.11 * ridge(rng, w, 128, 7)
    rock = fbm(rng, h, w, 16, 4)
    far_col = np.array([0.45, 0.52, 0.64]) if not dusk else np.array([0.42, 0.32, 0.45])
    img = np.where((y > far[None, :])[..., None], mix(far_col, low, 0.35 * (1 - rock)), img)
    near_base = mix(np.array([0.20, 0.26, 0.22]), np.array([0.40, 0.38, 0.33]), rock)
    if dusk:
        near_base *= np.array([0.7, 0.55, 0.6])
    snow = np.clip((near[None, :] + 0.035 - y) * 60, 0, 1) * (rock > 0.45)
    near_col = mix(near_base, np.array([0.95, 0.96, 0.98]) * (0.8 if dusk else 1.0), snow)
    img = np.where((y > near[None, :])[..., None], near_col, img)

    # Trees along the shore: stacked triangles.
    shore = horizon + 0.02
    for _ in range(int(w / 40)):
        tx, th = rng.random(), 0.05 + 0.07 * rng.random()
        tw = th * 0.35 * h / w
        inside = (y < shore) & (y > shore - th)
        rel = (shore - y) / th
        half = tw * (1 - rel) * (0.6 + 0.4 * np.abs(np.sin(rel * 18)))
        tree = inside & (np.abs(x - tx) < half)
        img = np.where(tree[..., None], np.array([0.07, 0.16, 0.10]) * (0.8 + 0.4 * rock[..., None]), img)
    img = np.where((np.abs(y - shore) < 0.003)[..., None], np.array([0.25, 0.22, 0.16]), img)

    # Lake: the scene above mirrored, with ripples, darker and bluer with depth.
    lake_top, lake_bottom = shore + 0.003, 0.82
    rows = np.arange(h)
    ripple = fbm(rng, h, w, 8, 2) - 0.5
    src_y = (2 * lake_top - y + ripple * 0.012 * (y - lake_top) * 12).clip(0, lake_top)
    src_x = (x + 0.004 * np.sin(y * h * 0.35) * (y - lake_top) * 8).clip(0, 0.9999)
    mirror = img[(src_y * (h - 1)).astype(int), (src_x * (w - 1)).astype(int)]
    depth = np.clip((y - lake_top) / (lake_bottom - lake_top), 0, 1)
    water = mix(mirror * 0.82, np.array([0.10, 0.22, 0.30]) if not dusk else np.array([0.18, 0.12, 0.22]), depth * 0.6)
    img = np.where(((y >= lake_top) & (y < lake_bottom))[..., None], water, img)

    # Meadow with grass streaks and flowers.
    grass = fbm(rng, h, w, 4, 3)
    streak = ndimage.zoom(rng.random((h // 8 + 2, w)), (8, 1), order=1)[:h, :w]
    meadow = mix(np.array([0.18, 0.32, 0.10]), np.array([0.45, 0.58, 0.22]), 0.6 * grass + 0.4 * streak)
    if dusk:
        meadow *= np.array([0.65, 0.55, 0.5])
    meadow *= (0.75 + 0.35 * (y - lake_bottom) / (1 - lake_bottom))[..., None]
    img = np.where((y >= lake_bottom)[..., None], meadow, img)
    flowers = (rng.random((h, w)) > 0.9985) & (y > lake_bottom + 0.02)
    flowers = ndimage.binary_dilation(flowers, iterations=2)
    colours = np.array([[0.95, 0.85, 0.2], [0.9, 0.3, 0.4], [0.95, 0.95, 0.95], [0.6, 0.4, 0.9]])
    pick = colours[(ndimage.zoom(rng.random((h // 16 + 1, w // 16 + 1)), 16, order=0)[:h, :w] * 4).astype(int) % 4]
    img = np.where(flowers[..., None], pick, img)

    img += rng.normal(0, 0.008, img.shape)  # a little sensor grain
    img = ndimage.gaussian_filter(img, (0.6, 0.6, 0))  # and a lens's softness
    return (np.clip(img, 0, 1) * 255 + 0.5).astype(np.uint8)


def tiles(seed, size):
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:size, 0:size]
    period = 64
    row = y // (period // 2)
    xs = (x + (row % 2) * period // 2) % period
    ys = y % (period // 2)
    mortar = (xs < 4) | (ys < 4)
    tint = rng.random((size // (period // 2) + 1, size // period + 2))
    brick_id = tint[row, (x + (row % 2) * period // 2) // period]
    grain = fbm(rng, size, size, 8, 3)
    brick = mix(np.array([0.55, 0.22, 0.15]), np.array([0.75, 0.40, 0.28]), 0.6 * brick_id[..., None][..., 0] + 0.4 * grain)
    img = np.where(mortar[..., None], np.array([0.78, 0.76, 0.70]) * (0.9 + 0.1 * grain[..., None]), brick)
    return (np.clip(img, 0, 1) * 255 + 0.5).astype(np.uint8)


def sticker(size):
    y, x = (np.mgrid[0:size, 0:size] + 0.5) / size - 0.5
    r = np.hypot(x, y)
    angle = np.arctan2(y, x)
    star_r = 0.22 + 0.1 * np.cos(5 * (angle + np.pi / 2))
    colour = mix(np.array([1.0, 0.75, 0.2]), np.array([0.95, 0.35, 0.2]), np.clip(r / 0.42, 0, 1))
    colour = np.where((r < star_r)[..., None], np.array([1.0, 0.97, 0.85]), colour)
    ring = np.abs(r - 0.40) < 0.012
    colour = np.where(ring[..., None], np.array([0.5, 0.15, 0.1]), colour)
    alpha = np.clip((0.42 - r) * size, 0, 1)  # one-pixel antialiased edge
    shadow = np.clip((0.46 - np.hypot(x - 0.02, y - 0.03)) * size / 12, 0, 1) * 0.35
    out_alpha = alpha + shadow * (1 - alpha)
    rgb = np.where((out_alpha > 0)[..., None], colour * (alpha / np.maximum(out_alpha, 1e-6))[..., None], 0)
    rgba = np.dstack([rgb, out_alpha])
    return (np.clip(rgba, 0, 1) * 255 + 0.5).astype(np.uint8)


def filtered_rows(rows, bpp):
    """Per row, the PNG filter (none, sub, up, average, Paeth) with the smallest sum of
    absolute residuals: the usual heuristic, and it halves the file."""
    left = np.zeros_like(rows)
    left[:, bpp:] = rows[:, :-bpp]
    up = np.zeros_like(rows)
    up[1:] = rows[:-1]
    up_left = np.zeros_like(rows)
    up_left[:, bpp:] = up[:, :-bpp]
    p = left + up - up_left
    pa, pb, pc = np.abs(p - left), np.abs(p - up), np.abs(p - up_left)
    paeth = np.where((pa <= pb) & (pa <= pc), left, np.where(pb <= pc, up, up_left))
    candidates = [rows, rows - left, rows - up, rows - (left + up) // 2, rows - paeth]
    residuals = [(c % 256).astype(np.uint8) for c in candidates]
    cost = np.stack([np.abs(r.astype(np.int8).astype(np.int16)).sum(axis=1) for r in residuals])
    best = cost.argmin(axis=0)
    return b"".join(bytes([f]) + residuals[f][i].tobytes() for i, f in enumerate(best))


def rectangle_mask(width, height, box):
    """The API's mask: transparent inside `box` (x0, y0, x1, y1), where to edit; opaque white elsewhere."""
    x0, y0, x1, y1 = box
    mask = np.full((height, width, 4), 255, dtype=np.uint8)
    mask[y0:y1, x0:x1] = 0
    return mask


def write_png(path, pixels):
    h, w, channels = pixels.shape
    colour_type = {3: 2, 4: 6}[channels]
    raw = filtered_rows(pixels.reshape(h, w * channels).astype(np.int16), channels)

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n")
        f.write(chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, colour_type, 0, 0, 0)))
        f.write(chunk(b"IDAT", zlib.compress(raw, 9)))
        f.write(chunk(b"IEND", b""))


def write_ppm(path, pixels):
    h, w, _ = pixels.shape
    with open(path, "wb") as f:
        f.write(b"P6\n%d %d\n255\n" % (w, h))
        f.write(pixels.tobytes())


def main():
    write_png(os.path.join(HERE, "lakeside.png"), landscape(1, 1024, 1024))
    with tempfile.TemporaryDirectory() as tmp:
        ppm = os.path.join(tmp, "dusk.ppm")
        write_ppm(ppm, landscape(2, 1024, 768, dusk=True))
        subprocess.run(["cjpeg", "-quality", "85", "-optimize", "-progressive", "-outfile",
                        os.path.join(HERE, "dusk.jpg"), ppm], check=True)
        brick = os.path.join(tmp, "bricks.png")
        write_png(brick, tiles(3, 512))
        subprocess.run(["cwebp", "-quiet", "-q", "80", brick, "-o", os.path.join(HERE, "bricks.webp")], check=True)
    write_png(os.path.join(HERE, "badge.png"), sticker(512))
    write_png(os.path.join(HERE, "lakeside-mask.png"), rectangle_mask(1024, 1024, (640, 240, 800, 380)))


if __name__ == "__main__":
    main()
