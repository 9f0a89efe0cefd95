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

// Everything becomes 8-bit RGBA: palettes and low depths expanded, tRNS turned into alpha,
// 16-bit samples scaled with rounding, grey copied to RGB, opaque images given alpha 255.
static void convert_to_rgba(png_structp png, const retouch_png_info *info) {
    png_set_expand(png);
    png_set_scale_16(png);
    int color = info->color_type;
    if (color == PNG_COLOR_TYPE_GRAY || color == PNG_COLOR_TYPE_GRAY_ALPHA) png_set_gray_to_rgb(png);
    if (!(color & PNG_COLOR_MASK_ALPHA) && !info->has_transparency_chunk) png_set_add_alpha(png, 0xFF, PNG_FILLER_AFTER);
}

// After the header: the whole image as RGBA rows into `rgba`. Called inside decode_whole's
// setjmp scope; `rows` is decode_whole's, so that a longjmp frees it there.
static int read_image(png_structp png, png_infop info_ptr, uint8_t *rgba, size_t rgba_size, retouch_png_info *info,
                      png_bytepp volatile *rows) {
    convert_to_rgba(png, info);
    png_set_interlace_handling(png);
    png_read_update_info(png, info_ptr);
    size_t row_bytes = (size_t)info->width * 4;
    if (png_get_rowbytes(png, info_ptr) != row_bytes || row_bytes * info->height > rgba_size) {
        snprintf(info->message, 200, "unexpected row layout after conversion");
        return RETOUCH_PNG_BAD_ARGUMENT;
    }
    *rows = png_malloc(png, sizeof(png_bytep) * info->height);
    for (uint32_t y = 0; y < info->height; y++) (*rows)[y] = rgba + y * row_bytes;
    png_read_image(png, *rows);
    // Chunks after the pixels (text, IEND) are not read: a file whose image data is complete
    // decodes even when its tail is missing.
    return RETOUCH_PNG_OK;
}

// The header, and the whole image too when `rgba` is given: one setjmp scope for every libpng
// call that may fail.
static int decode_whole(const uint8_t *data, size_t size, uint8_t *rgba, size_t rgba_size, retouch_png_info *info) {
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
    int status = rgba ? read_image(png, info_ptr, rgba, rgba_size, info, &rows) : RETOUCH_PNG_OK;
    png_free(png, rows);
    png_destroy_read_struct(&png, &info_ptr, NULL);
    return status;
}

int retouch_png_read_header(const uint8_t *data, size_t size, retouch_png_info *info) {
    if (!data || !info) return RETOUCH_PNG_BAD_ARGUMENT;
    return decode_whole(data, size, NULL, 0, info);
}

int retouch_png_decode_rgba(const uint8_t *data, size_t size, uint8_t *rgba, size_t rgba_size,
                            retouch_png_info *info) {
    if (!data || !rgba || !info) return RETOUCH_PNG_BAD_ARGUMENT;
    return decode_whole(data, size, rgba, rgba_size, info);
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

// The output rows being filled while source rows stream in: two are open at a time (a source
// row covers at most two), each with the vertical weight it has collected; and the total
// horizontal weight of each output column.
typedef struct {
    uint32_t width, height, out_width, out_height;
    double *open_rows[2];
    double row_weights[2];
    double *column_weights;
    uint32_t current;       // the output row open_rows[0] collects
    uint8_t *rgba;
} shrinker;

// `sums` holds out_width * 9 zeroed doubles: the two open rows and the column weights.
static shrinker shrinker_start(uint32_t width, uint32_t height, uint32_t out_width, uint32_t out_height, double *sums,
                               uint8_t *rgba) {
    shrinker s = {width, height, out_width, out_height, {sums, sums + (size_t)out_width * 4}, {0, 0},
                  sums + (size_t)out_width * 8, 0, rgba};
    for (uint32_t x = 0; x < width; x++) {
        uint32_t cell;
        double share;
        coverage(x, width, out_width, &cell, &share);
        s.column_weights[cell] += share;
        if (share < 1.0) s.column_weights[cell + 1] += 1.0 - share;
    }
    return s;
}

// Row `current` is complete: written out, and its buffer opened again for the row after next.
static void close_row(shrinker *s) {
    emit_row(s->open_rows[0], s->column_weights, s->row_weights[0], s->out_width,
             s->rgba + (size_t)s->current * s->out_width * 4);
    double *done = s->open_rows[0];
    s->open_rows[0] = s->open_rows[1];
    s->open_rows[1] = done;
    s->row_weights[0] = s->row_weights[1];
    s->row_weights[1] = 0;
    s->current++;
}

// Source row `y` (RGBA), added to the output rows it covers.
static void add_row(shrinker *s, const uint8_t *row, uint32_t y) {
    uint32_t out_row;
    double vertical;
    coverage(y, s->height, s->out_height, &out_row, &vertical);
    while (out_row > s->current) close_row(s);
    s->row_weights[0] += vertical;
    if (vertical < 1.0) s->row_weights[1] += 1.0 - vertical;
    for (uint32_t x = 0; x < s->width; x++) {
        const uint8_t *p = row + (size_t)x * 4;
        double a = p[3];
        double premultiplied[4] = {p[0] * a, p[1] * a, p[2] * a, a};
        uint32_t cell;
        double share;
        coverage(x, s->width, s->out_width, &cell, &share);
        for (int part = 0; part < 2; part++) {
            double v = part == 0 ? vertical : 1.0 - vertical;
            if (v <= 0) continue;
            double *target = s->open_rows[part] + (size_t)cell * 4;
            for (int c = 0; c < 4; c++) target[c] += premultiplied[c] * share * v;
            if (share < 1.0) {
                double *next = target + 4;
                for (int c = 0; c < 4; c++) next[c] += premultiplied[c] * (1.0 - share) * v;
            }
        }
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
    int status = RETOUCH_PNG_OK;
    size_t row_bytes = (size_t)width * 4;
    // Interlaced rows arrive in passes: such a file is decoded whole by the caller.
    if (info->interlaced || out_width > width || out_height > height) {
        status = RETOUCH_PNG_NOT_HANDLED;
    } else {
        convert_to_rgba(png, info);
        png_read_update_info(png, info_ptr);
        if (png_get_rowbytes(png, info_ptr) != row_bytes || (size_t)out_width * 4 * out_height > rgba_size) {
            snprintf(info->message, 200, "unexpected row layout after conversion");
            status = RETOUCH_PNG_BAD_ARGUMENT;
        } else if (!(row = malloc(row_bytes)) || !(sums = calloc((size_t)out_width * 9, sizeof(double)))) {
            snprintf(info->message, 200, "out of memory");
            status = RETOUCH_PNG_CORRUPT;
        }
    }
    if (status == RETOUCH_PNG_OK) {
        shrinker shrink = shrinker_start(width, height, out_width, out_height, sums, rgba);
        for (uint32_t y = 0; y < height; y++) {
            png_read_row(png, row, NULL);
            add_row(&shrink, row, y);
        }
        while (shrink.current < out_height) close_row(&shrink);
    }
    free(row);
    free(sums);
    row = NULL;
    sums = NULL;
    png_destroy_read_struct(&png, &info_ptr, NULL);
    return status;
}
