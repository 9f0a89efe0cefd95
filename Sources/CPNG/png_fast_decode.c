// Fast path for the most common PNGs (8- or 16-bit grey, grey+alpha, RGB or RGBA, not interlaced, no tRNS):
// chunk CRCs checked and the zlib stream inflated in one call with libdeflate (several times
// faster than zlib), then unfiltered straight into RGBA (16-bit samples scaled to 8 as libpng's
// png_set_scale_16 does). Anything else, or any failure, returns
// RETOUCH_PNG_NOT_HANDLED and the caller uses libpng, which also words the errors.

#include "CPNG.h"
#include "png_shared.h"

#include <libdeflate.h>
#include <stdlib.h>
#include <string.h>

static uint32_t be32(const uint8_t *p) { return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3]; }

// The zlib stream: every IDAT payload in order, each chunk's CRC checked as libpng does for
// critical ones. NULL for a file the fast path does not take (a palette, tRNS, a bad CRC, no
// IEND); the caller frees it.
static uint8_t *gather_image_data(const uint8_t *data, size_t size, size_t *streamed) {
    uint8_t *stream = malloc(size);
    if (!stream) return NULL;
    size_t offset = 8;
    *streamed = 0;
    while (offset + 12 <= size) {
        uint32_t length = be32(data + offset);
        if (length > size - offset - 12) break;
        const uint8_t *type = data + offset + 4;
        if (libdeflate_crc32(0, type, (size_t)length + 4) != be32(data + offset + 8 + length)) break;
        if (memcmp(type, "tRNS", 4) == 0 || memcmp(type, "PLTE", 4) == 0) break;
        if (memcmp(type, "IDAT", 4) == 0) {
            memcpy(stream + *streamed, type + 4, length);
            *streamed += length;
        }
        if (memcmp(type, "IEND", 4) == 0) {
            if (*streamed > 0) return stream;
            break;
        }
        offset += 12 + (size_t)length;
    }
    free(stream);
    return NULL;
}

// The filtered rows, each behind its filter byte, inflated in one call; NULL on any failure.
static uint8_t *inflate_rows(const uint8_t *stream, size_t streamed, size_t raw_size) {
    uint8_t *raw = malloc(raw_size);
    struct libdeflate_decompressor *inflater = libdeflate_alloc_decompressor();
    size_t produced = 0;
    int ok = raw && inflater
        && libdeflate_zlib_decompress(inflater, stream, streamed, raw, raw_size, &produced) == LIBDEFLATE_SUCCESS
        && produced == raw_size;
    if (inflater) libdeflate_free_decompressor(inflater);
    if (ok) return raw;
    free(raw);
    return NULL;
}

// Undoes one row's filter in place; `up` is the row above, NULL for the first. The first pixel
// of a row (no left neighbour) and the first row (no row above) are handled before the hot
// loops, which then run without tests; a pixel's channels are independent, so the CPU overlaps
// them. 0 for an unknown filter.
static int unfilter(uint8_t *row, const uint8_t *up, int filter, size_t bpp, size_t stride) {
    if (!up && filter == 2) filter = 0;            // above is all zero: "up" adds nothing
    if (!up && filter == 4) filter = 1;            // paeth(left, 0, 0) is left
    switch (filter) {
    case 0: return 1;
    case 1: for (size_t i = bpp; i < stride; i++) row[i] += row[i - bpp]; return 1;
    case 2: for (size_t i = 0; i < stride; i++) row[i] += up[i]; return 1;
    case 3:
        if (!up) {
            for (size_t i = bpp; i < stride; i++) row[i] += row[i - bpp] >> 1;
            return 1;
        }
        for (size_t i = 0; i < bpp; i++) row[i] += up[i] >> 1;
        for (size_t i = bpp; i < stride; i++) row[i] += (uint8_t)((row[i - bpp] + up[i]) >> 1);
        return 1;
    case 4:
        for (size_t i = 0; i < bpp; i++) row[i] += up[i];   // paeth(0, above, 0) is above
        for (size_t i = bpp; i < stride; i++) row[i] += paeth(row[i - bpp], up[i], up[i - bpp]);
        return 1;
    default: return 0;
    }
}

int retouch_png_fast_decode_rgba(const uint8_t *data, size_t size, uint8_t *rgba, size_t rgba_size) {
    if (size < 33 || be32(data + 8) != 13 || memcmp(data + 12, "IHDR", 4) != 0) return RETOUCH_PNG_NOT_HANDLED;
    uint32_t width = be32(data + 16), height = be32(data + 20);
    int depth = data[24], color = data[25], interlace = data[28];
    if ((depth != 8 && depth != 16) || (color != 0 && color != 2 && color != 4 && color != 6) || interlace != 0 || width == 0 || height == 0)
        return RETOUCH_PNG_NOT_HANDLED;
    size_t channels = color == 0 ? 1 : color == 4 ? 2 : color == 2 ? 3 : 4;
    size_t bpp = channels * (size_t)(depth / 8);
    size_t stride = (size_t)width * bpp;
    if ((size_t)width * height * 4 > rgba_size) return RETOUCH_PNG_NOT_HANDLED;

    size_t streamed;
    uint8_t *stream = gather_image_data(data, size, &streamed);
    if (!stream) return RETOUCH_PNG_NOT_HANDLED;
    uint8_t *raw = inflate_rows(stream, streamed, (stride + 1) * height);
    free(stream);
    if (!raw) return RETOUCH_PNG_NOT_HANDLED;
    // 16-bit rows are scaled into this one (the unfiltered row stays whole: the next row's
    // filter reads it).
    uint8_t *narrow = depth == 16 ? malloc((size_t)width * channels) : NULL;
    if (depth == 16 && !narrow) {
        free(raw);
        return RETOUCH_PNG_NOT_HANDLED;
    }

    // Unfilter in place, row by row, then widen to RGBA.
    for (uint32_t y = 0; y < height; y++) {
        uint8_t *row = raw + y * (stride + 1) + 1;
        const uint8_t *up = y > 0 ? raw + (y - 1) * (stride + 1) + 1 : NULL;
        if (!unfilter(row, up, row[-1], bpp, stride)) {
            free(raw);
            free(narrow);
            return RETOUCH_PNG_NOT_HANDLED;
        }
        if (narrow) {
            // libpng's png_do_scale_16_to_8: the nearest 8-bit value, v * 255 / 65535 rounded.
            for (size_t i = 0; i < (size_t)width * channels; i++) {
                int high = row[2 * i], low = row[2 * i + 1];
                narrow[i] = (uint8_t)(high + (((low - high + 128) * 65535) >> 24));
            }
            row = narrow;
        }
        uint8_t *out = rgba + (size_t)y * width * 4;
        switch (channels) {
        case 4: memcpy(out, row, (size_t)width * 4); break;
        case 3:
            for (uint32_t x = 0; x < width; x++) {
                out[x * 4] = row[x * 3]; out[x * 4 + 1] = row[x * 3 + 1]; out[x * 4 + 2] = row[x * 3 + 2]; out[x * 4 + 3] = 255;
            }
            break;
        case 2:
            for (uint32_t x = 0; x < width; x++) {
                out[x * 4] = out[x * 4 + 1] = out[x * 4 + 2] = row[x * 2]; out[x * 4 + 3] = row[x * 2 + 1];
            }
            break;
        default:
            for (uint32_t x = 0; x < width; x++) {
                out[x * 4] = out[x * 4 + 1] = out[x * 4 + 2] = row[x]; out[x * 4 + 3] = 255;
            }
        }
    }
    free(raw);
    free(narrow);
    return RETOUCH_PNG_OK;
}
