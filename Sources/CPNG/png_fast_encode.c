// PNG encoding with libdeflate: each row filtered (one filter for every row, or per row the
// filter libpng's own heuristic picks: the smallest sum of the bytes read as signed), the rows
// deflated in one call, written as one IDAT after an sRGB chunk, as libpng's simplified API
// writes 8-bit images. libdeflate deflates several times faster than zlib, and at the same
// level smaller.

#include "CPNG.h"
#include "png_shared.h"

#include <libdeflate.h>
#include <stdlib.h>
#include <string.h>

static void put32(uint8_t *p, uint32_t v) {
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

// A chunk of `length` data bytes whose data already sits at `at + 8`: its length, type and CRC.
static size_t close_chunk(uint8_t *at, const char *type, size_t length) {
    put32(at, (uint32_t)length);
    memcpy(at + 4, type, 4);
    put32(at + 8 + length, libdeflate_crc32(0, at + 4, length + 4));
    return length + 12;
}

// Row `raw` filtered with `filter` into `out` (without the filter byte); `prior` is the row
// above (zeros for the first), `bpp` the bytes of a pixel. One plain loop per filter, so that
// each vectorizes.
static void filter_row(int filter, const uint8_t *restrict raw, const uint8_t *restrict prior, size_t length,
                       size_t bpp, uint8_t *restrict out) {
    switch (filter) {
    case 1:
        for (size_t i = 0; i < bpp; i++) out[i] = raw[i];
        for (size_t i = bpp; i < length; i++) out[i] = (uint8_t)(raw[i] - raw[i - bpp]);
        break;
    case 2:
        for (size_t i = 0; i < length; i++) out[i] = (uint8_t)(raw[i] - prior[i]);
        break;
    case 3:
        for (size_t i = 0; i < bpp; i++) out[i] = (uint8_t)(raw[i] - (prior[i] >> 1));
        for (size_t i = bpp; i < length; i++) out[i] = (uint8_t)(raw[i] - ((raw[i - bpp] + prior[i]) >> 1));
        break;
    case 4:
        for (size_t i = 0; i < bpp; i++) out[i] = (uint8_t)(raw[i] - prior[i]);
        for (size_t i = bpp; i < length; i++) out[i] = (uint8_t)(raw[i] - paeth(raw[i - bpp], prior[i], prior[i - bpp]));
        break;
    default:
        memcpy(out, raw, length);
        break;
    }
}

// libpng's heuristic for choosing a row's filter: the sum of its bytes read as signed.
static uint64_t signed_sum(const uint8_t *row, size_t length) {
    uint64_t sum = 0;
    for (size_t i = 0; i < length; i++) {
        int value = (int8_t)row[i];
        sum += (uint64_t)(value < 0 ? -value : value);
    }
    return sum;
}

size_t retouch_png_encode_bound(uint32_t width, uint32_t height, int channels) {
    size_t raw = ((size_t)width * (size_t)channels + 1) * height;
    // Signature, IHDR, sRGB, IDAT and IEND around the deflated rows.
    return libdeflate_zlib_compress_bound(NULL, raw) + 8 + 25 + 13 + 12 + 12;
}

size_t retouch_png_encode(const uint8_t *rgba, uint32_t width, uint32_t height, int channels, int level, int filter,
                          uint8_t *out, size_t out_size) {
    if (!rgba || !out || width == 0 || height == 0 || (channels != 3 && channels != 4) || level < 0 || level > 12
        || filter < -1 || filter > 4 || (size_t)width * channels + 1 > UINT32_MAX / height
        || out_size < retouch_png_encode_bound(width, height, channels)) {
        return 0;
    }
    size_t row_bytes = (size_t)width * (size_t)channels, stride = row_bytes + 1;
    uint8_t *filtered = malloc(stride * height);
    // The row as it is (alpha dropped for RGB), the row above, and one candidate per filter.
    uint8_t *scratch = calloc(row_bytes, 7);
    struct libdeflate_compressor *deflater = libdeflate_alloc_compressor(level);
    size_t written = 0;
    if (filtered && scratch && deflater) {
        uint8_t *raw = scratch, *prior = scratch + row_bytes, *candidates = scratch + 2 * row_bytes;
        for (uint32_t y = 0; y < height; y++) {
            const uint8_t *source = rgba + (size_t)y * width * 4;
            if (channels == 4) {
                memcpy(raw, source, row_bytes);
            } else {
                for (uint32_t x = 0; x < width; x++) memcpy(raw + (size_t)x * 3, source + (size_t)x * 4, 3);
            }
            uint8_t *row = filtered + (size_t)y * stride;
            if (filter >= 0) {
                row[0] = (uint8_t)filter;
                filter_row(filter, raw, prior, row_bytes, (size_t)channels, row + 1);
            } else {
                int best = 0;
                uint64_t lowest = UINT64_MAX;
                for (int f = 0; f < 5; f++) {
                    filter_row(f, raw, prior, row_bytes, (size_t)channels, candidates + (size_t)f * row_bytes);
                    uint64_t cost = signed_sum(candidates + (size_t)f * row_bytes, row_bytes);
                    if (cost < lowest) {
                        lowest = cost;
                        best = f;
                    }
                }
                row[0] = (uint8_t)best;
                memcpy(row + 1, candidates + (size_t)best * row_bytes, row_bytes);
            }
            uint8_t *swap = prior;
            prior = raw;
            raw = swap;
        }
        memcpy(out, "\x89PNG\r\n\x1a\n", 8);
        size_t at = 8;
        put32(out + at + 8, width);
        put32(out + at + 12, height);
        out[at + 16] = 8;                           // bit depth
        out[at + 17] = channels == 4 ? 6 : 2;       // colour type: RGBA or RGB
        out[at + 18] = out[at + 19] = out[at + 20] = 0;  // deflate, adaptive filtering, no interlace
        at += close_chunk(out + at, "IHDR", 13);
        out[at + 8] = 0;                            // sRGB, perceptual intent
        at += close_chunk(out + at, "sRGB", 1);
        // Room for the data, less the IDAT chunk's header (8) and CRC (4) and the IEND chunk (12).
        size_t deflated = libdeflate_zlib_compress(deflater, filtered, stride * height, out + at + 8, out_size - at - 24);
        // A chunk's length is at most 2^31 - 1.
        if (deflated > 0 && deflated <= 0x7FFFFFFF) {
            at += close_chunk(out + at, "IDAT", deflated);
            at += close_chunk(out + at, "IEND", 0);
            written = at;
        }
    }
    libdeflate_free_compressor(deflater);
    free(scratch);
    free(filtered);
    return written;
}
