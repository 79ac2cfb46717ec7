import COpenBLAS

/// Eigenvalues, ascending, of the symmetric n x n matrix `a` (row-major; only symmetry is assumed).
/// LAPACK dsyev from OpenBLAS.
public func symmetricEigenvalues(_ a: [Double], n: Int) -> [Double] {
    precondition(a.count == n * n)
    var matrix = a, values = [Double](repeating: 0, count: n)
    var size = Int32(n), lda = Int32(n), info: Int32 = 0, lwork: Int32 = -1, query = 0.0
    dsyev_("N", "U", &size, &matrix, &lda, &values, &query, &lwork, &info, 1, 1)
    lwork = Int32(query)
    var work = [Double](repeating: 0, count: Int(lwork))
    dsyev_("N", "U", &size, &matrix, &lda, &values, &work, &lwork, &info, 1, 1)
    precondition(info == 0, "dsyev failed with info \(info)")
    return values
}

extension Reference {
    /// Cyclic Jacobi rotations until the off-diagonal mass vanishes; eigenvalues ascending.
    public static func symmetricEigenvalues(_ a: [Double], n: Int) -> [Double] {
        var m = a
        for _ in 0..<100 {
            var off = 0.0
            for p in 0..<n { for q in 0..<n where p != q { off += m[p * n + q] * m[p * n + q] } }
            if off < 1e-22 { break }
            for p in 0..<(n - 1) {
                for q in (p + 1)..<n where abs(m[p * n + q]) > 1e-300 {
                    let theta = (m[q * n + q] - m[p * n + p]) / (2 * m[p * n + q])
                    let t = (theta >= 0 ? 1.0 : -1.0) / (abs(theta) + (theta * theta + 1).squareRoot())
                    let c = 1 / (t * t + 1).squareRoot(), s = t * c
                    for k in 0..<n {  // columns p, q
                        let (mkp, mkq) = (m[k * n + p], m[k * n + q])
                        m[k * n + p] = c * mkp - s * mkq
                        m[k * n + q] = s * mkp + c * mkq
                    }
                    for k in 0..<n {  // rows p, q
                        let (mpk, mqk) = (m[p * n + k], m[q * n + k])
                        m[p * n + k] = c * mpk - s * mqk
                        m[q * n + k] = s * mpk + c * mqk
                    }
                }
            }
        }
        return (0..<n).map { m[$0 * n + $0] }.sorted()
    }
}
