// OpenBLAS's CBLAS interface (Debian: libopenblas-dev, header under openblas-pthread/).
#include <cblas.h>
// Not part of CBLAS proper: lets the engine keep BLAS single-threaded while it parallelises tiles.
void openblas_set_num_threads(int num_threads);
