"""Drives `retouch serve` with OpenAI's official Python SDK: the SDK must parse every answer
into its own types. Usage: python openai_sdk_interop.py path/to/retouch path/to/assets"""
import base64
import io
import os
import struct
import subprocess
import sys
import zlib

import openai
from openai import OpenAI

RETOUCH, ASSETS = sys.argv[1], sys.argv[2]


def mask_png(width, height, box):
    """An RGBA PNG, transparent inside `box` (x0, y0, x1, y1), opaque white elsewhere."""
    x0, y0, x1, y1 = box
    rows = []
    for y in range(height):
        row = bytearray([0])
        for x in range(width):
            inside = x0 <= x < x1 and y0 <= y < y1
            row += b"\x00\x00\x00\x00" if inside else b"\xff\xff\xff\xff"
        rows.append(bytes(row))

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"".join(rows))) + chunk(b"IEND", b""))


def png_size(data):
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    return struct.unpack(">II", data[16:24])


results = []


def check(name, condition, detail=""):
    results.append(bool(condition))
    print(("ok   " if condition else "FAIL ") + name + ("" if condition else f": {detail}"))


server = subprocess.Popen([RETOUCH, "serve", "--port", "0", "--api-key", "sk-interop"], stdout=subprocess.PIPE, text=True)
try:
    first = server.stdout.readline()
    base_url = first.split("listening on ")[1].split(" ")[0]
    client = OpenAI(api_key="sk-interop", base_url=base_url, max_retries=0)
    lakeside = open(os.path.join(ASSETS, "lakeside.png"), "rb").read()
    badge = open(os.path.join(ASSETS, "badge.png"), "rb").read()
    mask = mask_png(1024, 1024, (640, 240, 800, 380))

    # Two images and a mask, without streaming: an ImagesResponse.
    response = client.images.edit(
        model="gpt-image-1.5",
        image=[("lakeside.png", io.BytesIO(lakeside), "image/png"), ("badge.png", io.BytesIO(badge), "image/png")],
        mask=("mask.png", io.BytesIO(mask), "image/png"),
        prompt="remove the sun",
        size="1024x1024",
        quality="medium",
        output_format="png",
        n=1,
    )
    check("response is an ImagesResponse", type(response).__name__ == "ImagesResponse", type(response))
    check("one image as b64_json", len(response.data) == 1 and response.data[0].b64_json)
    check("result is a 1024x1024 PNG", png_size(base64.b64decode(response.data[0].b64_json)) == (1024, 1024))
    check("usage parsed", response.usage is not None and response.usage.total_tokens > 0, response.usage)
    check("output settings parsed", response.output_format == "png" and response.size == "1024x1024",
          (response.output_format, response.size))

    # Streaming with partial images: typed events.
    stream = client.images.edit(
        model="gpt-image-1.5",
        image=("lakeside.png", io.BytesIO(lakeside), "image/png"),
        mask=("mask.png", io.BytesIO(mask), "image/png"),
        prompt="remove the sun",
        stream=True,
        partial_images=2,
    )
    events = list(stream)
    kinds = [type(event).__name__ for event in events]
    partials = [e for e in events if e.type == "image_edit.partial_image"]
    completed = [e for e in events if e.type == "image_edit.completed"]
    check("stream events are typed", set(kinds) <= {"ImageEditPartialImageEvent", "ImageEditCompletedEvent"}, kinds)
    check("partial images arrive in order", [p.partial_image_index for p in partials] == list(range(len(partials))) and partials)
    check("one completed event with usage", len(completed) == 1 and completed[0].usage.total_tokens > 0)
    check("partial differs from final", partials[-1].b64_json != completed[0].b64_json)

    # An error: the SDK raises its own BadRequestError with param and code.
    try:
        client.images.edit(model="gpt-image-1.5", image=("lakeside.png", io.BytesIO(lakeside), "image/png"),
                           prompt="x", size="999x999")
        check("bad size is refused", False, "no error")
    except openai.BadRequestError as error:
        body = error.body or {}
        check("bad size is a 400 with param and code", error.status_code == 400 and body.get("param") == "size"
              and body.get("code") == "invalid_value", body)

    try:
        OpenAI(api_key="sk-wrong", base_url=base_url, max_retries=0).images.edit(
            image=("lakeside.png", io.BytesIO(lakeside), "image/png"), prompt="x")
        check("a wrong key is refused", False, "no error")
    except openai.AuthenticationError as error:
        check("a wrong key is a 401", error.status_code == 401)
finally:
    server.terminate()
    server.wait(timeout=10)

passed = sum(results)
print(f"{passed} passed, {len(results) - passed} failed")
sys.exit(0 if passed == len(results) else 1)
