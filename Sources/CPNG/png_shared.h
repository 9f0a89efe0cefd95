// What the fast PNG decoder and encoder share: the Paeth predictor.
#ifndef RETOUCH_PNG_SHARED_H
#define RETOUCH_PNG_SHARED_H

#include <stdint.h>
#include <stdlib.h>

static inline uint8_t paeth(int a, int b, int c) {
    // p - a = b - c, p - b = a - c, p - c = (b - c) + (a - c): no branches but the selects.
    int pa = abs(b - c), pb = abs(a - c), pc = abs(b - c + a - c);
    int near = pb < pa ? b : a;
    int nearest = pb < pa ? pb : pa;
    return (uint8_t)(pc < nearest ? c : near);
}

#endif
