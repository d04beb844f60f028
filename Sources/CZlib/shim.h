#ifndef DBADVISOR_CZLIB_SHIM_H
#define DBADVISOR_CZLIB_SHIM_H
#include <zlib.h>

/* inflateInit2 is a macro, invisible to Swift. windowBits 15 + 32: zlib or gzip header, detected. */
static inline int CZlib_inflateInitAuto(z_stream *stream) {
    return inflateInit2(stream, 15 + 32);
}

#endif
