import COpenBLAS

/// C (m, n) = A (m, k) x op(B) + beta * C, row-major. op(B) = B^T when `transposedB` (B stored (n, k)),
/// else B stored (k, n). Goes to OpenBLAS's cblas_sgemm.
@inlinable
public func sgemm(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ c: UnsafeMutablePointer<Float>,
                  m: Int, n: Int, k: Int, transposedB: Bool, beta: Float) {
    cblas_sgemm(CblasRowMajor, CblasNoTrans, transposedB ? CblasTrans : CblasNoTrans,
                Int32(m), Int32(n), Int32(k), 1, a, Int32(k), b, Int32(transposedB ? k : n), beta, c, Int32(n))
}

/// BLAS threads: the engine parallelises across tiles, so it asks OpenBLAS for one thread per call.
public func setBLASThreads(_ count: Int) {
    openblas_set_num_threads(Int32(count))
}
