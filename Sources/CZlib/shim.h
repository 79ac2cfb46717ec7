// zlib (Debian: zlib1g-dev). inflateInit is a function-like macro Swift cannot import: wrap it.
#include <zlib.h>

static inline int czlib_inflate_init(z_stream *stream) { return inflateInit(stream); }
