// gemm's driver: argument checks, plain loops for tiny products, one-row products read in place,
// and the GotoBLAS/BLIS loop nest (pack a KC×NC panel of B → pack an MC×KC block of A → block
// kernel) split over output tiles.
// Letters: C is M×N and K the inner dimension; MR×NR is the kernel's register tile; KC the K block.
// Reproducibility: KC depends on K alone and every thread split falls on MR/NR tile edges, so each
// C element sees the same operations in the same order whatever the thread count.
#include "autograd/kernels/gemm.hpp"

#include <algorithm>
#include <string>

#include "autograd/errors.hpp"
#include "autograd/kernels/gemm_block.hpp"
#include "autograd/kernels/gemm_buffer.hpp"
#include "autograd/kernels/gemm_tiny.hpp"
#include "autograd/kernels/thread_pool.hpp"

namespace potatolemon::kernels {
namespace {

// Below this many multiply-adds packing and tiling cost more than they save (measured crossover
// 8×8×8, ~140 ns either way): plain loops, one thread. The XOR net's 4×3·3×3 takes ~25 ns.
constexpr int64_t tiny_macs = 512;
// Below this many multiply-adds (~3 µs on one core) a second thread saves less than it costs.
constexpr int64_t parallel_macs = 1 << 19;
// Block sizes: KC 384 keeps a KC×NR panel of B in L1 (24-48 KiB), an MC×KC block of A and a KC×NC
// panel of B in L2. Blocking is forgiving (PERFORMANCE.md); KC 256-512 and the L2 budgets halved
// or doubled measured within noise of these on the MLP shapes and 1024³.
constexpr int64_t kc_max = 384;
constexpr int64_t l2_a_bytes = 320 << 10, l2_b_bytes = 512 << 10, l2_bytes = 1 << 20;

// A row stride must cover the row it strides (any stride will do for a matrix without rows).
bool stride_fits(int64_t ld, int64_t rows, int64_t cols) {
    return rows <= 0 || ld >= cols;
}

// Throws ShapeError naming the first bad argument.
void check_arguments(bool trans_a, bool trans_b, int64_t M, int64_t N, int64_t K, int64_t lda,
                     int64_t ldb, int64_t ldc) {
    auto dims = [](int64_t rows, int64_t cols) {
        return std::to_string(rows) + "x" + std::to_string(cols);
    };
    if (M < 0 || N < 0 || K < 0) {
        throw ShapeError("gemm: negative size M=" + std::to_string(M) + " N=" + std::to_string(N) +
                         " K=" + std::to_string(K));
    }
    auto check_stride = [&](const char* name, int64_t ld, int64_t rows, int64_t cols) {
        if (!stride_fits(ld, rows, cols)) {
            throw ShapeError(std::string("gemm: ") + name + " = " + std::to_string(ld) +
                             " is less than the row length of the " + dims(rows, cols) +
                             " matrix it strides");
        }
    };
    check_stride("lda", lda, trans_a ? K : M, trans_a ? M : K);
    check_stride("ldb", ldb, trans_b ? N : K, trans_b ? K : N);
    check_stride("ldc", ldc, M, N);
}

// Cᵀ = op(B)ᵀ · op(A)ᵀ: the same product with the roles of M and N swapped.
template <class T>
Problem<T> transposed(const Problem<T>& p) {
    return {p.N,
            p.M,
            p.K,
            {p.b.p, p.b.cs, p.b.rs},
            {p.a.p, p.a.cs, p.a.rs},
            {p.c.p, p.c.cs, p.c.rs},
            p.accumulate};
}

int64_t round_up(int64_t x, int64_t to) {
    return (x + to - 1) / to * to;
}

// Block sizes for one call. Only kc affects the arithmetic, and it depends on K and the kernel.
struct Blocking {
    int64_t mr, nr, kc, mc, nc;
    bool pack_a;
};

// Equal K blocks of at most kc_max: no short tail block.
int64_t k_block(int64_t K) {
    int64_t k_blocks = (K + kc_max - 1) / kc_max;
    return (K + k_blocks - 1) / k_blocks;
}

template <class T>
Blocking choose_blocking(const Problem<T>& p, const BlockKernel<T>& kernel) {
    Blocking b{kernel.mr, kernel.nr, 0, 0, 0, true};
    b.kc = k_block(p.K);
    b.mc = std::max(b.mr, l2_a_bytes / int64_t(sizeof(T) * b.kc) / b.mr * b.mr);
    b.nc = std::max(b.nr, l2_b_bytes / int64_t(sizeof(T) * b.kc) / b.nr * b.nr);
    // Slivers of A whose k run contiguously are read in place: packing them is a transpose that
    // costs more than it saves (5-25% on the MLP shapes). Column slivers (Aᵀ) pack as plain copies.
    b.pack_a = p.a.cs != 1;
    return b;
}

template <class T>
struct Job {
    Problem<T> p;
    BlockKernel<T> kernel;
    Blocking blk;
};

// C[ic..ic+mc, jc..jc+nc] (+)= A[ic.., pc..pc+kc] · (packed B panel b).
template <class T>
void run_block(const Job<T>& job, int64_t ic, int64_t mc, int64_t jc, int64_t nc, int64_t pc,
               int64_t kc, const T* b) {
    const Problem<T>& p = job.p;
    const int64_t mr = job.blk.mr;
    GemmBlock<T> block{mc,      nc,     kc,
                       nullptr, 1,      mr,
                       mr * kc, b,      p.c.p + ic * p.c.rs + jc * p.c.cs,
                       p.c.rs,  p.c.cs, pc == 0 && !p.accumulate};
    const T* a = p.a.p + ic * p.a.rs + pc * p.a.cs;
    int64_t unpacked = job.blk.pack_a ? 0 : mc / mr * mr;  // whole slivers read in place
    if (unpacked > 0) {
        GemmBlock<T> in_place = block;
        in_place.m = unpacked;
        in_place.a = a;
        in_place.rs_a = p.a.rs;
        in_place.cs_a = p.a.cs;
        in_place.a_sliver = mr * p.a.rs;
        job.kernel.run(in_place);
    }
    if (unpacked == mc) return;
    T* a_packed = thread_buffer<T>(1, round_up(mc - unpacked, mr) * kc);
    job.kernel.pack(a + unpacked * p.a.rs, p.a.rs, p.a.cs, mc - unpacked, kc, mr, a_packed);
    block.m = mc - unpacked;
    block.a = a_packed;
    block.c += unpacked * p.c.rs;
    job.kernel.run(block);
}

// C[i0..i1, j0..j1] in full: every K block, in order.
template <class T>
void run_tile(const Job<T>& job, int64_t i0, int64_t i1, int64_t j0, int64_t j1) {
    const Problem<T>& p = job.p;
    const Blocking& blk = job.blk;
    int64_t n_blocks = (j1 - j0 + blk.nc - 1) / blk.nc;  // of equal width, not NC and a tail
    int64_t nc_step = round_up((j1 - j0 + n_blocks - 1) / n_blocks, blk.nr);
    T* b_packed = thread_buffer<T>(0, round_up(std::min(nc_step, j1 - j0), blk.nr) * blk.kc);
    for (int64_t jc = j0; jc < j1; jc += nc_step) {
        int64_t nc = std::min(nc_step, j1 - jc);
        for (int64_t pc = 0; pc < p.K; pc += blk.kc) {
            int64_t kc = std::min(blk.kc, p.K - pc);
            job.kernel.pack(p.b.p + pc * p.b.rs + jc * p.b.cs, p.b.cs, p.b.rs, nc, kc, blk.nr,
                            b_packed);
            for (int64_t ic = i0; ic < i1; ic += blk.mc)
                run_block(job, ic, std::min(blk.mc, i1 - ic), jc, nc, pc, kc, b_packed);
        }
    }
}

// Splits C into tiles along N panels, which share no packing, or, when C is tall and narrow, along
// M slivers (each tile then packs all of B). Small tiles balance better (parallel_for hands out up
// to four per thread as threads come free), but each tile reads all of A: one tile per thread when
// A is packed (per tile) or too big for L2.
template <class T>
void run_parallel(const Job<T>& job) {
    const Problem<T>& p = job.p;
    const int64_t mr = job.blk.mr, nr = job.blk.nr;
    int64_t threads = p.M * p.N * p.K < parallel_macs ? 1 : num_threads();
    int64_t n_panels = (p.N + nr - 1) / nr, m_slivers = (p.M + mr - 1) / mr;
    bool split_n = n_panels >= threads && (p.M <= p.N || m_slivers < threads);
    bool small_a = !job.blk.pack_a && p.M * p.K * int64_t(sizeof(T)) <= l2_bytes;
    int64_t units = split_n ? n_panels : m_slivers;
    int64_t grain = split_n && small_a ? 1 : std::max<int64_t>(1, units / threads);
    if (threads == 1) grain = units;
    parallel_for(units, grain, [&](int64_t begin, int64_t end) {
        if (split_n) {
            run_tile(job, 0, p.M, begin * nr, std::min(p.N, end * nr));
        } else {
            run_tile(job, begin * mr, std::min(p.M, end * mr), 0, p.N);
        }
    });
}

// Padded tile area: how much of the register tiles an M×N output fills.
int64_t padded_area(int64_t M, int64_t N, int64_t mr, int64_t nr) {
    return round_up(M, mr) * round_up(N, nr);
}

// A narrow C (the N = 10 output layer) wastes most of an NR-wide tile, and Cᵀ may pad less; but Cᵀ
// is stored an element at a time (~2 cycles each, the worth of ~64 multiply-adds).
template <class T>
bool better_transposed(const Problem<T>& p, const BlockKernel<T>& kernel) {
    int64_t saved =
        padded_area(p.M, p.N, kernel.mr, kernel.nr) - padded_area(p.N, p.M, kernel.mr, kernel.nr);
    return saved * p.K > 64 * p.M * p.N;
}

// A one-row product whose B rows are contiguous, or a one-column product whose A columns are (its
// transpose is then such a row). Strided ones would be gathered lane by lane, which costs more than
// the blocked kernel's padding (callgrind, the PINN example).
template <class T>
bool row_in_place(const Problem<T>& p) {
    return (p.M == 1 && p.b.cs == 1) || (p.N == 1 && p.a.rs == 1);
}

// A row_in_place product by the kernel's arithmetic, K block by K block (the blocked path's KC),
// reading A and B in place instead of packing them and padding C to whole tiles.
template <class T>
void run_row(Problem<T> p, const BlockKernel<T>& kernel) {
    if (p.M != 1) p = transposed(p);
    const int64_t kc = k_block(p.K);
    for (int64_t pc = 0; pc < p.K; pc += kc) {
        kernel.run_row({p.N, std::min(kc, p.K - pc), p.a.p + pc * p.a.cs, p.a.cs,
                        p.b.p + pc * p.b.rs, p.b.rs, p.b.cs, p.c.p, p.c.cs,
                        pc == 0 && !p.accumulate});
    }
}

// Out of line: its frame is large, and the tiny products should not pay to set it up.
template <class T>
[[gnu::noinline]] void gemm_blocked(Problem<T> p) {
    BlockKernel<T> kernel = block_kernel<T>(gemm_isa());
    // One thread either way below parallel_macs; above it the blocked split is worth its packing.
    if (row_in_place(p) && p.M * p.N * p.K < parallel_macs) return run_row(p, kernel);
    if (better_transposed(p, kernel)) p = transposed(p);
    run_parallel(Job<T>{p, kernel, choose_blocking(p, kernel)});
}

}  // namespace

template <class T>
GemmCall<T>::GemmCall(bool trans_a, bool trans_b, int64_t M, int64_t N, int64_t K, const T* A,
                      int64_t lda, const T* B, int64_t ldb, T* C, int64_t ldc, bool accumulate)
    : p_{M,
         N,
         K,
         trans_a ? View<const T>{A, 1, lda} : View<const T>{A, lda, 1},
         trans_b ? View<const T>{B, 1, ldb} : View<const T>{B, ldb, 1},
         View<T>{C, ldc, 1},
         accumulate} {
    bool valid = M >= 0 && N >= 0 && K >= 0 && stride_fits(lda, trans_a ? K : M, trans_a ? M : K) &&
                 stride_fits(ldb, trans_b ? N : K, trans_b ? K : N) && stride_fits(ldc, M, N);
    if (!valid) [[unlikely]]
        check_arguments(trans_a, trans_b, M, N, K, lda, ldb, ldc);
}

template <class T>
void GemmCall<T>::run() const {
    const Problem<T>& p = p_;
    if (p.M == 0 || p.N == 0) return;
    if (p.K == 0) {
        if (!p.accumulate)
            for (int64_t i = 0; i < p.M; ++i)
                std::fill(p.c.p + i * p.c.rs, p.c.p + i * p.c.rs + p.N, T(0));
        return;
    }
    if (p.M * p.N * p.K < tiny_macs) return gemm_tiny(p);
    gemm_blocked(p);
}

template <class T>
void gemm(bool trans_a, bool trans_b, int64_t M, int64_t N, int64_t K, const T* A, int64_t lda,
          const T* B, int64_t ldb, T* C, int64_t ldc, bool accumulate) {
    GemmCall<T>(trans_a, trans_b, M, N, K, A, lda, B, ldb, C, ldc, accumulate).run();
}

template class GemmCall<float>;
template class GemmCall<double>;
template void gemm<float>(bool, bool, int64_t, int64_t, int64_t, const float*, int64_t,
                          const float*, int64_t, float*, int64_t, bool);
template void gemm<double>(bool, bool, int64_t, int64_t, int64_t, const double*, int64_t,
                           const double*, int64_t, double*, int64_t, bool);

}  // namespace potatolemon::kernels
