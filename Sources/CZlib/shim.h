#ifndef PRUNE_CZLIB_SHIM_H
#define PRUNE_CZLIB_SHIM_H
#include <zlib.h>

// deflateInit2 / inflateInit2 are macros that Swift cannot import; these call the
// underlying functions with the header's version string and struct size.
static inline int prune_deflateInit2(z_streamp strm, int level, int windowBits, int memLevel, int strategy) {
    return deflateInit2_(strm, level, Z_DEFLATED, windowBits, memLevel, strategy, ZLIB_VERSION, (int)sizeof(z_stream));
}
static inline int prune_inflateInit2(z_streamp strm, int windowBits) {
    return inflateInit2_(strm, windowBits, ZLIB_VERSION, (int)sizeof(z_stream));
}
#endif
