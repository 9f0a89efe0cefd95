#!/usr/bin/env python3
"""Writes the fuzzers' seed corpora (a few KB each). Needs cjpeg and cwebp
(apt: libjpeg-turbo-progs, webp); everything else is the standard library.
Run from anywhere: python3 Fuzz/corpus/make-seeds.py"""
import base64, os, shutil, struct, subprocess, tempfile, zlib

HERE = os.path.dirname(os.path.abspath(__file__))


def out(target, name, data):
    folder = os.path.join(HERE, target)
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, name), "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())


def clear(target):
    shutil.rmtree(os.path.join(HERE, target), ignore_errors=True)


# ---- PNG -----------------------------------------------------------------------------------

def chunk(kind, body):
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)


def pixel(x, y, channels, depth):
    top = (1 << depth) - 1
    values = [(x * 37 + y * 11) % (top + 1), (y * 53 + 7) % (top + 1), ((x ^ y) * 29) % (top + 1), (x * y * 5 + 3) % (top + 1)]
    return values[:channels]


def pack_row(samples, depth):
    if depth == 8:
        return bytes(samples)
    if depth == 16:
        return b"".join(struct.pack(">H", s) for s in samples)
    bits, out = 0, bytearray()
    count = 0
    for s in samples:
        bits = bits << depth | s
        count += depth
        if count == 8:
            out.append(bits)
            bits, count = 0, 0
    if count:
        out.append(bits << (8 - count))
    return bytes(out)


def filtered(rows, bpp, filters):
    raw, prev = bytearray(), bytes(len(rows[0]))
    for i, row in enumerate(rows):
        kind = filters[i % len(filters)]
        line = bytearray(row)
        for j in range(len(row)):
            a = row[j - bpp] if j >= bpp else 0
            b = prev[j]
            c = prev[j - bpp] if j >= bpp else 0
            if kind == 1: line[j] = (row[j] - a) & 255
            elif kind == 2: line[j] = (row[j] - b) & 255
            elif kind == 3: line[j] = (row[j] - (a + b) // 2) & 255
            elif kind == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pred = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                line[j] = (row[j] - pred) & 255
        raw += bytes([kind]) + line
        prev = row
    return bytes(raw)


CHANNELS = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}
ADAM7 = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]


def png(width, height, color, depth, interlace=False, filters=(0,), extra=b"", idat_split=0):
    channels = CHANNELS[color]
    bpp = max(1, channels * depth // 8)

    def sample(x, y):
        if color == 3:
            return [(x + y) % (1 << depth)]
        return pixel(x, y, channels, depth)

    if interlace:
        raw = b""
        for x0, y0, dx, dy in ADAM7:
            xs, ys = range(x0, width, dx), range(y0, height, dy)
            if not xs or not ys:
                continue
            rows = [pack_row([s for x in xs for s in sample(x, y)], depth) for y in ys]
            raw += filtered(rows, bpp, filters)
    else:
        rows = [pack_row([s for x in range(width) for s in sample(x, y)], depth) for y in range(height)]
        raw = filtered(rows, bpp, filters)
    data = zlib.compress(raw, 9)
    ihdr = struct.pack(">IIBBBBB", width, height, depth, color, 0, 0, 1 if interlace else 0)
    idats = [data] if not idat_split else [data[:idat_split], data[idat_split:]]
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + extra + b"".join(chunk(b"IDAT", d) for d in idats)
            + chunk(b"IEND", b""))


def palette(entries):
    return chunk(b"PLTE", bytes(v for i in range(entries) for v in ((i * 80) % 256, (i * 40) % 256, 255 - i * 60 % 256)))


def make_png():
    clear("png")
    out("png", "rgba8-filters", png(16, 12, 6, 8, filters=(0, 1, 2, 3, 4)))
    out("png", "rgb8-paeth", png(13, 9, 2, 8, filters=(4, 3, 1)))
    out("png", "rgb8-two-idats", png(8, 8, 2, 8, filters=(1,), idat_split=20))
    out("png", "rgb8-trns", png(8, 8, 2, 8, extra=chunk(b"tRNS", b"\x00\x05\x00\x07\x00\x09")))
    out("png", "grey1", png(17, 5, 0, 1))
    out("png", "grey4-trns", png(9, 9, 0, 4, extra=chunk(b"tRNS", b"\x00\x03")))
    out("png", "grey16", png(6, 6, 0, 16, filters=(2,)))
    out("png", "greyalpha8", png(7, 7, 4, 8, filters=(3,)))
    out("png", "palette2-trns", png(10, 6, 3, 2, extra=palette(4) + chunk(b"tRNS", b"\x00\x80\xff")))
    out("png", "palette8", png(5, 5, 3, 8, extra=palette(3)))
    out("png", "rgb16-adam7", png(11, 10, 2, 16, interlace=True, filters=(1, 4)))
    out("png", "rgba8-adam7", png(9, 9, 6, 8, interlace=True))
    out("png", "with-text", png(4, 4, 6, 8, extra=chunk(b"tEXt", b"Comment\x00seed") + chunk(b"gAMA", struct.pack(">I", 45455))))
    full = png(12, 12, 6, 8, filters=(1,))
    out("png", "truncated", full[: len(full) - 30])


# ---- JPEG and WebP (from PPM/PGM/PNG files through cjpeg and cwebp) ---------------------

def ppm(width, height, grey=False):
    body = bytearray()
    for y in range(height):
        for x in range(width):
            body += bytes([(x * 16 + y * 3) % 256]) if grey else bytes(pixel(x, y, 3, 8))
    return (b"P5" if grey else b"P6") + b"\n%d %d\n255\n" % (width, height) + bytes(body)


def run(tool, args, source, suffix):
    with tempfile.TemporaryDirectory() as tmp:
        src, dst = os.path.join(tmp, "in" + suffix), os.path.join(tmp, "out")
        with open(src, "wb") as f:
            f.write(source)
        subprocess.run([tool, *args, "-o", dst, src] if tool == "cwebp" else [tool, *args, "-outfile", dst, src],
                       check=True, capture_output=True)
        with open(dst, "rb") as f:
            return f.read()


def with_exif(jpeg, orientation):
    tiff = b"MM\x00\x2a\x00\x00\x00\x08" + struct.pack(">H", 1) + struct.pack(">HHIHH", 0x0112, 3, 1, orientation, 0) + b"\x00\x00\x00\x00"
    body = b"Exif\x00\x00" + tiff
    return jpeg[:2] + b"\xff\xe1" + struct.pack(">H", len(body) + 2) + body + jpeg[2:]


def make_jpeg():
    clear("jpeg")
    colour, grey = ppm(16, 16), ppm(16, 8, grey=True)
    out("jpeg", "baseline", run("cjpeg", ["-quality", "60"], colour, ".ppm"))
    out("jpeg", "progressive", run("cjpeg", ["-quality", "50", "-progressive"], colour, ".ppm"))
    out("jpeg", "grey", run("cjpeg", ["-quality", "70", "-grayscale"], grey, ".pgm"))
    out("jpeg", "restarts-444", run("cjpeg", ["-quality", "40", "-restart", "1B", "-sample", "1x1"], colour, ".ppm"))
    out("jpeg", "rgb", run("cjpeg", ["-quality", "50", "-rgb"], ppm(8, 8), ".ppm"))
    out("jpeg", "arithmetic", run("cjpeg", ["-quality", "50", "-arithmetic"], ppm(8, 16), ".ppm"))
    out("jpeg", "exif-rotated", with_exif(run("cjpeg", ["-quality", "30"], ppm(16, 8), ".ppm"), 6))
    full = run("cjpeg", ["-quality", "60"], colour, ".ppm")
    out("jpeg", "truncated", full[: len(full) * 2 // 3])


def make_webp():
    clear("webp")
    rgba = png(16, 16, 6, 8)
    out("webp", "lossy", run("cwebp", ["-quiet", "-q", "40"], ppm(16, 16), ".ppm"))
    out("webp", "lossless", run("cwebp", ["-quiet", "-lossless"], png(12, 12, 2, 8), ".png"))
    out("webp", "lossy-alpha", run("cwebp", ["-quiet", "-q", "40", "-alpha_q", "50"], rgba, ".png"))
    out("webp", "lossless-alpha", run("cwebp", ["-quiet", "-lossless", "-exact"], rgba, ".png"))


# ---- Text formats ---------------------------------------------------------------------------

def make_sse():
    clear("sse")
    out("sse", "openai-stream",
        'event: image_edit.partial_image\ndata: {"type":"image_edit.partial_image","b64_json":"iVBORw0KGgo=","partial_image_index":0}\n\n'
        'event: image_edit.completed\ndata: {"type":"image_edit.completed","b64_json":"iVBORw0KGgo=","usage":{"total_tokens":3}}\n\n')
    out("sse", "line-ends", ": comment\r\nevent: a\r\ndata: one\r\ndata: two\r\n\r\nid: 7\rdata:no space\r\rdata\n\n: keep-alive\n\n")
    out("sse", "bom-and-tail", b"\xef\xbb\xbfdata: first\n\nevent: x\ndata: unfinished")
    out("sse", "fields", "retry: 1000\nid: 3\nevent: error\ndata: {\"error\":{\"message\":\"bad\"}}\nunknown: field\n\ndata: [DONE]\n\n")


BOUNDARY = "fuzzboundary"


def form(fields, files, content_type=None):
    body = b""
    for name, value in fields:
        body += (f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n").encode() + value.encode() + b"\r\n"
    for name, filename, mime, data in files:
        body += (f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{filename}\"\r\n"
                 f"Content-Type: {mime}\r\n\r\n").encode() + data + b"\r\n"
    body += f"--{BOUNDARY}--\r\n".encode()
    return (content_type or f"multipart/form-data; boundary={BOUNDARY}").encode() + b"\n" + body


def make_form():
    clear("form")
    image = png(8, 8, 2, 8, filters=(1,))
    mask = png(8, 8, 6, 8)
    out("form", "image-and-mask", form([("prompt", "a red boat"), ("model", "gpt-image-1"), ("size", "1024x1024"), ("n", "2")],
                                       [("image", "boat.png", "image/png", image), ("mask", "mask.png", "image/png", mask)]))
    out("form", "streaming", form([("prompt", "sky"), ("model", "gpt-image-2"), ("size", "1536x864"), ("stream", "true"),
                                   ("partial_images", "2"), ("output_format", "webp"), ("output_compression", "50")],
                                  [("image[]", "a.png", "image/png", image), ("image[]", "b.png", "image/png", image)]))
    out("form", "dalle2-url", form([("prompt", "x"), ("model", "dall-e-2"), ("response_format", "url"), ("size", "256x256")],
                                   [("image", "i.png", "image/png; charset=binary", image)],
                                   content_type=f'multipart/form-data; charset=utf-8; boundary="{BOUNDARY}"'))
    out("form", "unknown-model", form([("prompt", "y"), ("model", "gpt-image-9"), ("size", "64x48"), ("background", "transparent"),
                                       ("quality", "high")], [("image", "i.png", "image/png", image)]))
    out("form", "jpeg-image", form([("prompt", "z")], [("image", "i.jpg", "image/jpeg", run("cjpeg", ["-quality", "30"], ppm(8, 8), ".ppm"))]))
    out("form", "bad-field", form([("prompt", "p"), ("colour", "red")], [("image", "i.png", "text/plain", image)]))


def make_terminal_replies():
    clear("terminal-replies")
    out("terminal-replies", "da1-sixel", "\x1b[?64;4;22c")
    out("terminal-replies", "xtsmgraphics", "\x1b[?1;0;256S\x1b[?2;0;1000;800S")
    out("terminal-replies", "cell-and-area", "\x1b[6;20;10t\x1b[4;480;800t")
    out("terminal-replies", "kitty", "\x1b_Gi=31;OK\x1b\\\x1b[?62;22c")
    out("terminal-replies", "all-with-keys", "q\x1b_Gi=31;OK\x1b\\x\x1b[?1;0;256S\x1b[?2;0;1000;800S\x1b[6;20;10t\x1b[4;480;800t\x1b[?64;4c")
    out("terminal-replies", "cut-short", "\x1b[?1;3;0S\x1b[6;20")


def make_config():
    clear("config")
    out("config", "base-url", 'base_url = "http://127.0.0.1:8080/v1"\n')
    out("config", "comments-and-tables", '# settings\nbase_url = http://localhost:1/v1 # trailing\nmodel="gpt-image-1"\n\n[profile]\nbase_url = "ignored"\n')
    out("config", "crlf-and-spaces", '  base_url   =   "x"  \r\nkey=\r\n=value\r\n"quoted" = "a#b"\r\n')


if __name__ == "__main__":
    make_png()
    make_jpeg()
    make_webp()
    make_sse()
    make_form()
    make_terminal_replies()
    make_config()
    for target in sorted(os.listdir(HERE)):
        folder = os.path.join(HERE, target)
        if os.path.isdir(folder):
            files = os.listdir(folder)
            print(f"{target}: {len(files)} seeds, {sum(os.path.getsize(os.path.join(folder, f)) for f in files)} bytes")
