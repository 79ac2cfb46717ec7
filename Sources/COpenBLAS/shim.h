// OpenBLAS's CBLAS interface (Debian: libopenblas-dev, header under openblas-pthread/).
#include <cblas.h>
// Not part of CBLAS proper: lets the engine keep BLAS single-threaded while it parallelises tiles.
void openblas_set_num_threads(int num_threads);
// LAPACK (bundled in OpenBLAS): eigenvalues/vectors of a symmetric matrix, column-major.
// The trailing lengths are the Fortran ABI's hidden string lengths.
void dsyev_(const char *jobz, const char *uplo, const int *n, double *a, const int *lda, double *w,
            double *work, const int *lwork, int *info, size_t jobz_length, size_t uplo_length);
