// Row-block window attention for one head dimension, included by kernels_impl.h once per head dim a build
// has a kernel for. The includer defines SK_HD (the head dim, 8 or 16: one token's head is one vector of
// SK_HD floats, and keys go SK_HD at a time), SK_HROWS (query rows per block, the build's register budget)
// and SK_ATTENTION_ROWS_FN (the function's name); this header undefines them at its end.
#if !defined(SK_HD) || !defined(SK_HROWS) || !defined(SK_ATTENTION_ROWS_FN)
#error "attention_rows_impl.h: define SK_HD, SK_HROWS and SK_ATTENTION_ROWS_FN first"
#endif
#define SK_PASTE_(a, b) a##b
#define SK_PASTE(a, b) SK_PASTE_(a, b)
#define SK_HV SK_PASTE(sk_v, SK_HD)          // sk_v8 or sk_v16
#define SK_HLOAD SK_PASTE(sk_load, SK_HD)    // sk_load8 or sk_load16
#define SK_HSTORE SK_PASTE(sk_store, SK_HD)  // sk_store8 or sk_store16
//
// A block of SK_HROWS query rows at a time: their scores against all n keys, softmax, then their outputs.
// The block's (R, n) scores stay in L1, where the whole-matrix form wrote and re-read an (n, n) matrix
// (256 KB for a 16x16 window) through L2. Both products keep R accumulators of SK_HD floats in registers.
// For 8-dim heads (the fast preset) this replaced two small BLAS calls per window and head, whose packing
// and zeroing of a 64x64 score matrix cost more than the products.
// q: query rows in place (token t's at q + src[t] * row_stride); kt (SK_HD, n): keys, transposed and
// pre-scaled; vg (n, SK_HD): values, gathered; label (n) or NULL; e: (R, n) scratch; n % SK_HD == 0.
// The bias comes either dense, bias (n, n), or, when the window side window_size is a multiple of SK_HD so that
// each block of SK_HD keys is part of one key row, from rev: the relative position table reversed along x
// (relative_bias_reversed), where the biases of query (yi, xi) against keys (yj, xj0 ..< xj0 + SK_HD) are
// contiguous. At window_size 16 rev is ~4 KB and stays in L1, where the dense matrix (256 KB per head) came from L2
// and cost ~15% of the 16-dim kernel.
// When R does not divide n (16-dim heads: 6 rows, n = 16, 64, 256), rows past the end of the last block
// repeat its first row through scores, softmax and values, and are not stored.
static void SK_ATTENTION_ROWS_FN(const float *q, const int *src, long row_stride, const float *kt, const float *vg,
                                 const float *bias, const float *rev, int window_size, const int *label, float *e,
                                 float *out, long out_stride, int n) {
    enum { R = SK_HROWS, D = SK_HD };
    const int side = 2 * window_size - 1;
    for (int i0 = 0; i0 < n; i0 += R) {
        int rows = n - i0 < R ? n - i0 : R;
        // The block's query rows, copied together so the products address them from one register (R row
        // pointers spilled to the stack in the inner loop).
        float qb[R][D];
        const float *br[R];  // dense: bias row of each query; rev: its row for key row 0, column xj = 0
        int lr[R];           // mask region of each query (0 without a mask)
        for (int r = 0; r < R; r++) {
            int i = i0 + (r < rows ? r : 0);
            memcpy(qb[r], q + src[i] * row_stride, sizeof qb[r]);
            br[r] = rev ? rev + (long)(i / window_size + window_size - 1) * side + (window_size - 1 - i % window_size) : bias + (long)i * n;
            lr[r] = label ? label[i] : 0;
        }
        // e[r] = bias + q_r kt, D keys at a time; with rev, key row yj moves the bias up yj table rows.
        for (int j0 = 0; j0 < n; j0 += D) {
            long offset = rev ? (long)(j0 % window_size) - (long)(j0 / window_size) * side : j0;
            SK_HV acc[R];
            for (int r = 0; r < R; r++) acc[r] = SK_HLOAD(br[r] + offset);
            for (int d = 0; d < D; d++) {
                SK_HV kv = SK_HLOAD(kt + (long)d * n + j0);
                for (int r = 0; r < R; r++) acc[r] += qb[r][d] * kv;  // scalar * vector broadcasts
            }
            for (int r = 0; r < R; r++) SK_HSTORE(e + (long)r * n + j0, acc[r]);
        }
        float inv_sum[R];
        for (int r = 0; r < R; r++) inv_sum[r] = SK_NAME(softmax_row)(e + (long)r * n, n, NULL, label, lr[r]);
        // out row = inv_sum * sum_j e[r][j] vg[j]
        SK_HV acc[R];
        for (int r = 0; r < R; r++) acc[r] = (SK_HV){};
        for (int j = 0; j < n; j++) {
            SK_HV vj = SK_HLOAD(vg + (long)j * D);
            for (int r = 0; r < R; r++) acc[r] += e[(long)r * n + j] * vj;
        }
        for (int r = 0; r < rows; r++) SK_HSTORE(out + (long)src[i0 + r] * out_stride, acc[r] * inv_sum[r]);
    }
}

#undef SK_HV
#undef SK_HLOAD
#undef SK_HSTORE
#undef SK_PASTE
#undef SK_PASTE_
#undef SK_HD
#undef SK_HROWS
#undef SK_ATTENTION_ROWS_FN
