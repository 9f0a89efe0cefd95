#include "CPNG.h"

#include <setjmp.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

typedef struct {
    const uint8_t *data;
    size_t size;
    size_t offset;
    // Where the next chunk starts: libpng reads chunks in order, each header (length and
    // type) in one read.
    size_t next_chunk;
    int truncated;
    char *message;
} memory_source;

static void read_from_memory(png_structp png, png_bytep out, size_t length) {
    memory_source *source = (memory_source *)png_get_io_ptr(png);
    if (length > source->size - source->offset) {
        source->truncated = 1;
        png_error(png, "the data ends before the image does");
    }
    const uint8_t *at = source->data + source->offset;
    if (source->offset == source->next_chunk && length >= 8) {
        // A chunk that claims more bytes than the data holds is cut short: say so now, before
        // libpng allocates a buffer of the claimed size (up to 2 GB for a text chunk). Lengths
        // over 2^31 - 1 are left to libpng, which calls them invalid.
        size_t declared = (size_t)at[0] << 24 | (size_t)at[1] << 16 | (size_t)at[2] << 8 | at[3];
        if (declared <= PNG_UINT_31_MAX && declared + 12 > source->size - source->offset) {
            source->truncated = 1;
            png_error(png, "the data ends before the image does");
        }
        source->next_chunk = source->offset + 12 + declared;
    }
    memcpy(out, at, length);
    source->offset += length;
}

static void on_error(png_structp png, png_const_charp text) {
    memory_source *source = (memory_source *)png_get_io_ptr(png);
    snprintf(source->message, 200, "%s", text);
    png_longjmp(png, 1);
}

// libpng prints warnings to stderr by default, which would garble a full-screen terminal UI.
static void on_warning(png_structp png, png_const_charp text) { (void)png; (void)text; }

static int begin(png_structp *png, png_infop *info_ptr, memory_source *source) {
    *png = png_create_read_struct(PNG_LIBPNG_VER_STRING, source, on_error, on_warning);
    if (!*png) return 0;
    *info_ptr = png_create_info_struct(*png);
    if (!*info_ptr) {
        png_destroy_read_struct(png, NULL, NULL);
        return 0;
    }
    png_set_read_fn(*png, source, read_from_memory);
    return 1;
}

static void fill_info(png_structp png, png_infop info_ptr, retouch_png_info *info) {
    info->width = png_get_image_width(png, info_ptr);
    info->height = png_get_image_height(png, info_ptr);
    info->bit_depth = png_get_bit_depth(png, info_ptr);
    info->color_type = png_get_color_type(png, info_ptr);
    info->interlaced = png_get_interlace_type(png, info_ptr) != PNG_INTERLACE_NONE;
    info->has_transparency_chunk = png_get_valid(png, info_ptr, PNG_INFO_tRNS) != 0;
}

int retouch_png_read_header(const uint8_t *data, size_t size, retouch_png_info *info) {
    if (!data || !info) return RETOUCH_PNG_BAD_ARGUMENT;
    info->message[0] = 0;
    memory_source source = {data, size, 0, 8, 0, info->message};
    png_structp png;
    png_infop info_ptr;
    if (!begin(&png, &info_ptr, &source)) return RETOUCH_PNG_CORRUPT;
    if (setjmp(png_jmpbuf(png))) {
        png_destroy_read_struct(&png, &info_ptr, NULL);
        return source.truncated ? RETOUCH_PNG_TRUNCATED : RETOUCH_PNG_CORRUPT;
    }
    png_read_info(png, info_ptr);
    fill_info(png, info_ptr, info);
    png_destroy_read_struct(&png, &info_ptr, NULL);
    return RETOUCH_PNG_OK;
}

int retouch_png_decode_rgba(const uint8_t *data, size_t size, uint8_t *rgba, size_t rgba_size,
                            retouch_png_info *info) {
    if (!data || !rgba || !info) return RETOUCH_PNG_BAD_ARGUMENT;
    info->message[0] = 0;
    memory_source source = {data, size, 0, 8, 0, info->message};
    png_structp png;
    png_infop info_ptr;
    if (!begin(&png, &info_ptr, &source)) return RETOUCH_PNG_CORRUPT;
    // volatile: allocated after setjmp and freed after a longjmp.
    png_bytepp volatile rows = NULL;
    if (setjmp(png_jmpbuf(png))) {
        png_free(png, rows);
        png_destroy_read_struct(&png, &info_ptr, NULL);
        return source.truncated ? RETOUCH_PNG_TRUNCATED : RETOUCH_PNG_CORRUPT;
    }
    png_read_info(png, info_ptr);
    fill_info(png, info_ptr, info);

    // Everything becomes 8-bit RGBA: palettes and low depths expanded, tRNS turned into alpha,
    // 16-bit samples scaled with rounding, grey copied to RGB, opaque images given alpha 255.
    png_set_expand(png);
    png_set_scale_16(png);
    int color = info->color_type;
    if (color == PNG_COLOR_TYPE_GRAY || color == PNG_COLOR_TYPE_GRAY_ALPHA) png_set_gray_to_rgb(png);
    if (!(color & PNG_COLOR_MASK_ALPHA) && !info->has_transparency_chunk) png_set_add_alpha(png, 0xFF, PNG_FILLER_AFTER);
    png_set_interlace_handling(png);
    png_read_update_info(png, info_ptr);

    size_t row_bytes = (size_t)info->width * 4;
    if (png_get_rowbytes(png, info_ptr) != row_bytes || row_bytes * info->height > rgba_size) {
        snprintf(info->message, 200, "unexpected row layout after conversion");
        png_destroy_read_struct(&png, &info_ptr, NULL);
        return RETOUCH_PNG_BAD_ARGUMENT;
    }
    rows = png_malloc(png, sizeof(png_bytep) * info->height);
    for (uint32_t y = 0; y < info->height; y++) rows[y] = rgba + y * row_bytes;
    png_read_image(png, rows);
    // Chunks after the pixels (text, IEND) are not read: a file whose image data is complete
    // decodes even when its tail is missing.
    png_free(png, rows);
    png_destroy_read_struct(&png, &info_ptr, NULL);
    return RETOUCH_PNG_OK;
}

// Shrinking while reading: each output pixel is the exact area mean of the source pixels it
// covers (fractional coverage included), colours weighted by alpha, as Raster's resize does;
// source rows are read one at a time, so a large PNG never exists in memory whole.

/// Where source cell `i` of `source` falls among `destination` cells (shrinking): its first
/// output cell and the share of the cell that lands there (the rest goes to the next one).
static void coverage(uint32_t i, uint32_t source, uint32_t destination, uint32_t *first, double *share) {
    double scale = (double)destination / (double)source;
    double left = i * scale, right = (i + 1) * scale;
    uint32_t cell = (uint32_t)left;
    if (cell >= destination) cell = destination - 1;
    *first = cell;
    double boundary = (double)cell + 1.0;
    *share = right <= boundary || cell + 1 >= destination ? 1.0 : (boundary - left) / scale;
}

static void emit_row(double *sums, const double *column_weights, double row_weight, uint32_t out_width, uint8_t *out) {
    for (uint32_t x = 0; x < out_width; x++) {
        double *s = sums + (size_t)x * 4;
        double weight = column_weights[x] * row_weight;
        double alpha = weight > 0 ? s[3] / weight : 0;
        uint8_t *o = out + (size_t)x * 4;
        for (int c = 0; c < 3; c++) {
            double value = s[3] > 0 ? s[c] / s[3] : 0;
            o[c] = (uint8_t)(value < 0 ? 0 : value > 255 ? 255 : value + 0.5);
        }
        o[3] = (uint8_t)(alpha < 0 ? 0 : alpha > 255 ? 255 : alpha + 0.5);
        s[0] = s[1] = s[2] = s[3] = 0;
    }
}

int retouch_png_decode_shrunk_rgba(const uint8_t *data, size_t size, uint32_t out_width, uint32_t out_height,
                                   uint8_t *rgba, size_t rgba_size, retouch_png_info *info) {
    if (!data || !rgba || !info || out_width == 0 || out_height == 0) return RETOUCH_PNG_BAD_ARGUMENT;
    info->message[0] = 0;
    memory_source source = {data, size, 0, 8, 0, info->message};
    png_structp png;
    png_infop info_ptr;
    if (!begin(&png, &info_ptr, &source)) return RETOUCH_PNG_CORRUPT;
    // volatile: allocated after setjmp and freed after a longjmp.
    uint8_t *volatile row = NULL;
    double *volatile sums = NULL;
    if (setjmp(png_jmpbuf(png))) {
        free(row);
        free(sums);
        png_destroy_read_struct(&png, &info_ptr, NULL);
        return source.truncated ? RETOUCH_PNG_TRUNCATED : RETOUCH_PNG_CORRUPT;
    }
    png_read_info(png, info_ptr);
    fill_info(png, info_ptr, info);
    uint32_t width = info->width, height = info->height;
    // Interlaced rows arrive in passes: such a file is decoded whole by the caller.
    if (info->interlaced || out_width > width || out_height > height) {
        png_destroy_read_struct(&png, &info_ptr, NULL);
        return RETOUCH_PNG_NOT_HANDLED;
    }
    png_set_expand(png);
    png_set_scale_16(png);
    int color = info->color_type;
    if (color == PNG_COLOR_TYPE_GRAY || color == PNG_COLOR_TYPE_GRAY_ALPHA) png_set_gray_to_rgb(png);
    if (!(color & PNG_COLOR_MASK_ALPHA) && !info->has_transparency_chunk) png_set_add_alpha(png, 0xFF, PNG_FILLER_AFTER);
    png_read_update_info(png, info_ptr);
    size_t row_bytes = (size_t)width * 4, out_row_bytes = (size_t)out_width * 4;
    if (png_get_rowbytes(png, info_ptr) != row_bytes || out_row_bytes * out_height > rgba_size) {
        snprintf(info->message, 200, "unexpected row layout after conversion");
        png_destroy_read_struct(&png, &info_ptr, NULL);
        return RETOUCH_PNG_BAD_ARGUMENT;
    }
    // Two output rows are open at a time (a source row covers at most two), and the total
    // horizontal weight of each output column.
    row = malloc(row_bytes);
    sums = calloc((size_t)out_width * 8 + out_width, sizeof(double));
    if (!row || !sums) {
        free(row);
        free(sums);
        snprintf(info->message, 200, "out of memory");
        png_destroy_read_struct(&png, &info_ptr, NULL);
        return RETOUCH_PNG_CORRUPT;
    }
    double *open_rows[2] = {sums, sums + (size_t)out_width * 4};
    double *column_weights = sums + (size_t)out_width * 8;
    for (uint32_t x = 0; x < width; x++) {
        uint32_t cell;
        double share;
        coverage(x, width, out_width, &cell, &share);
        column_weights[cell] += share;
        if (share < 1.0) column_weights[cell + 1] += 1.0 - share;
    }
    uint32_t current = 0;     // the output row open_rows[0] collects
    double row_weights[2] = {0, 0};
    for (uint32_t y = 0; y < height; y++) {
        png_read_row(png, row, NULL);
        uint32_t out_row;
        double vertical;
        coverage(y, height, out_height, &out_row, &vertical);
        while (out_row > current) {
            // Row `current` is complete.
            emit_row(open_rows[0], column_weights, row_weights[0], out_width, rgba + (size_t)current * out_row_bytes);
            double *done = open_rows[0];
            open_rows[0] = open_rows[1];
            open_rows[1] = done;
            row_weights[0] = row_weights[1];
            row_weights[1] = 0;
            current++;
        }
        row_weights[0] += vertical;
        if (vertical < 1.0) row_weights[1] += 1.0 - vertical;
        for (uint32_t x = 0; x < width; x++) {
            const uint8_t *p = row + (size_t)x * 4;
            double a = p[3];
            double premultiplied[4] = {p[0] * a, p[1] * a, p[2] * a, a};
            uint32_t cell;
            double share;
            coverage(x, width, out_width, &cell, &share);
            for (int part = 0; part < 2; part++) {
                double v = part == 0 ? vertical : 1.0 - vertical;
                if (v <= 0) continue;
                double *target = open_rows[part] + (size_t)cell * 4;
                for (int c = 0; c < 4; c++) target[c] += premultiplied[c] * share * v;
                if (share < 1.0) {
                    double *next = target + 4;
                    for (int c = 0; c < 4; c++) next[c] += premultiplied[c] * (1.0 - share) * v;
                }
            }
        }
    }
    for (; current < out_height; current++) {
        emit_row(open_rows[0], column_weights, row_weights[0], out_width, rgba + (size_t)current * out_row_bytes);
        double *done = open_rows[0];
        open_rows[0] = open_rows[1];
        open_rows[1] = done;
        row_weights[0] = row_weights[1];
        row_weights[1] = 0;
    }
    free(row);
    free(sums);
    row = NULL;
    sums = NULL;
    png_destroy_read_struct(&png, &info_ptr, NULL);
    return RETOUCH_PNG_OK;
}

// ---------------------------------------------------------------------------------------------
// Fast path for the most common PNGs (8-bit RGB or RGBA, not interlaced, no tRNS): chunk CRCs
// checked and the zlib stream inflated in one call with libdeflate (several times faster than
// zlib), then unfiltered straight into RGBA. Anything else, or any failure, returns
// RETOUCH_PNG_NOT_HANDLED and the caller uses libpng, which also words the errors.

#include <libdeflate.h>
#include <stdlib.h>

static uint32_t be32(const uint8_t *p) { return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3]; }

static inline uint8_t paeth(int a, int b, int c) {
    // p - a = b - c, p - b = a - c, p - c = (b - c) + (a - c): no branches but the selects.
    int pa = abs(b - c), pb = abs(a - c), pc = abs(b - c + a - c);
    int near = pb < pa ? b : a;
    int nearest = pb < pa ? pb : pa;
    return (uint8_t)(pc < nearest ? c : near);
}

int retouch_png_fast_decode_rgba(const uint8_t *data, size_t size, uint8_t *rgba, size_t rgba_size) {
    if (size < 33 || be32(data + 8) != 13 || memcmp(data + 12, "IHDR", 4) != 0) return RETOUCH_PNG_NOT_HANDLED;
    uint32_t width = be32(data + 16), height = be32(data + 20);
    int depth = data[24], color = data[25], interlace = data[28];
    if (depth != 8 || (color != 2 && color != 6) || interlace != 0 || width == 0 || height == 0) return RETOUCH_PNG_NOT_HANDLED;
    size_t bpp = color == 6 ? 4 : 3;
    size_t stride = (size_t)width * bpp;
    if ((size_t)width * height * 4 > rgba_size) return RETOUCH_PNG_NOT_HANDLED;

    // Gather the IDAT payload, checking every chunk's CRC as libpng does for critical ones.
    uint8_t *stream = malloc(size);
    if (!stream) return RETOUCH_PNG_NOT_HANDLED;
    size_t streamed = 0, offset = 8;
    int ended = 0;
    while (offset + 12 <= size) {
        uint32_t length = be32(data + offset);
        if (length > size - offset - 12) break;
        const uint8_t *type = data + offset + 4;
        if (libdeflate_crc32(0, type, (size_t)length + 4) != be32(data + offset + 8 + length)) break;
        if (memcmp(type, "tRNS", 4) == 0 || memcmp(type, "PLTE", 4) == 0) break;
        if (memcmp(type, "IDAT", 4) == 0) {
            memcpy(stream + streamed, type + 4, length);
            streamed += length;
        }
        if (memcmp(type, "IEND", 4) == 0) { ended = 1; break; }
        offset += 12 + (size_t)length;
    }
    if (!ended || streamed == 0) { free(stream); return RETOUCH_PNG_NOT_HANDLED; }

    size_t raw_size = (stride + 1) * height;
    uint8_t *raw = malloc(raw_size);
    struct libdeflate_decompressor *inflater = libdeflate_alloc_decompressor();
    size_t produced = 0;
    int ok = raw && inflater
        && libdeflate_zlib_decompress(inflater, stream, streamed, raw, raw_size, &produced) == LIBDEFLATE_SUCCESS
        && produced == raw_size;
    if (inflater) libdeflate_free_decompressor(inflater);
    free(stream);
    if (!ok) { free(raw); return RETOUCH_PNG_NOT_HANDLED; }

    // Unfilter in place, row by row, then widen to RGBA. The first pixel of a row (no left
    // neighbour) and the first row (no row above) are handled before the hot loops, which then
    // run without tests; a pixel's channels are independent, so the CPU overlaps them.
    for (uint32_t y = 0; y < height; y++) {
        uint8_t *row = raw + y * (stride + 1) + 1;
        const uint8_t *up = y > 0 ? raw + (y - 1) * (stride + 1) + 1 : NULL;
        int filter = row[-1];
        if (!up && filter == 2) filter = 0;            // above is all zero: "up" adds nothing
        if (!up && filter == 4) filter = 1;            // paeth(left, 0, 0) is left
        switch (filter) {
        case 0: break;
        case 1: for (size_t i = bpp; i < stride; i++) row[i] += row[i - bpp]; break;
        case 2: for (size_t i = 0; i < stride; i++) row[i] += up[i]; break;
        case 3:
            if (!up) {
                for (size_t i = bpp; i < stride; i++) row[i] += row[i - bpp] >> 1;
                break;
            }
            for (size_t i = 0; i < bpp; i++) row[i] += up[i] >> 1;
            for (size_t i = bpp; i < stride; i++) row[i] += (uint8_t)((row[i - bpp] + up[i]) >> 1);
            break;
        case 4:
            for (size_t i = 0; i < bpp; i++) row[i] += up[i];   // paeth(0, above, 0) is above
            for (size_t i = bpp; i < stride; i++) row[i] += paeth(row[i - bpp], up[i], up[i - bpp]);
            break;
        default: free(raw); return RETOUCH_PNG_NOT_HANDLED;
        }
        uint8_t *out = rgba + (size_t)y * width * 4;
        if (bpp == 4) {
            memcpy(out, row, stride);
        } else {
            for (uint32_t x = 0; x < width; x++) {
                out[x * 4] = row[x * 3]; out[x * 4 + 1] = row[x * 3 + 1]; out[x * 4 + 2] = row[x * 3 + 2]; out[x * 4 + 3] = 255;
            }
        }
    }
    free(raw);
    return RETOUCH_PNG_OK;
}
