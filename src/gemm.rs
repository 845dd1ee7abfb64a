//! The matrix products every path uses.
//!
//! One register-blocked micro-kernel computes an `MR × NR` (4 × 8) block of `C = A · B` from a
//! packed panel of `A` (`MR` rows, `k`-major) and `k` rows of `NR` consecutive values of `B`.
//! On `wasm32` with `+simd128` (see `.cargo/config.toml`) it is written with SIMD128
//! intrinsics — eight `f32x4` accumulators, two vector loads and four broadcasts per `k` — a
//! shape that keeps every accumulator in a register under V8 (x64 has 16 vector registers;
//! `matrixmultiply`'s 8 × 8 kernel needs 16 accumulators and spills). Built with
//! `+relaxed-simd` as well (`make build`'s second module, `convviz_relaxed_bg.wasm`), each
//! multiply-add is one `f32x4.relaxed_madd` (fused where the CPU has FMA). Elsewhere a portable
//! version that the compiler vectorises runs the same arithmetic.
//!
//! ```text
//!            B rows: NR = 8 consecutive values each ─────────►
//!  A panel   ┌──────────┐ kk = 0                  C block (MR × NR)
//!  (MR × k,  │ b b b b b b b b │ ...              ┌─────────────────┐
//!  k-major)  └──────────┘                         │ c += a[r,kk]·b  │ r = 0..MR
//!  a[0..MR, kk] broadcast against row kk  ──────► └─────────────────┘
//! ```
//!
//! `B`'s rows come from one of two places:
//! * a packed panel (`k × NR`, contiguous) — [`matmul_into`] packs any strided `B` this way;
//! * straight out of a buffer at `base + offsets[kk]` — an *implicit* product: for a stride-1
//!   convolution, row `kk = (c, i, j)` of the im2col matrix at output columns `ow..ow + NR` is
//!   `padded[c, oh·sh + i·dh, ow + j·dw ..]`, consecutive in the padded input, so the columns
//!   matrix is never built ([`gather_product`]).
//!
//! [`matmul_ordered_into`] sums each dot product strictly in `k` order, so that the animation's
//! running sums (see [`crate::steps`]) reproduce its entries bit for bit; the traces, which
//! are for teaching sizes, use it.

use ndarray::{ArrayView2, ArrayViewMut2};

/// Rows of the micro-kernel's block (rows of `A` and `C` per panel).
pub const MR: usize = 4;
/// Columns of the micro-kernel's block (consecutive columns of `B` and `C`).
pub const NR: usize = 8;
/// Depth of one packed block of `A` / panel of `B` in [`matmul_into`].
const KC: usize = 256;
/// From this many panels of `A` on, [`gather_row`] copies each block of `B` into a packed
/// panel first.
const PACK_MIN_PANELS: usize = 3;

/// A matrix `A` (`m × k`) packed for the micro-kernel: `⌈m / MR⌉` panels of `MR` rows, each
/// stored `k`-major (`panel[kk·MR + r] = A[p·MR + r, kk]`), missing rows zero.
#[derive(Debug, Clone)]
pub struct PackedA {
    rows: usize,
    depth: usize,
    data: Vec<f32>,
}

impl PackedA {
    /// Pack all of `a` (`m × k`, any strides).
    pub fn new(a: ArrayView2<f32>) -> Self {
        let (m, k) = a.dim();
        let mut p = PackedA {
            rows: m,
            depth: k,
            data: Vec::new(),
        };
        p.pack(a, 0, k);
        p
    }

    /// Pack a row-major `m × k` matrix given as a slice of `m·k` values.
    ///
    /// **Panics** if `k` is 0 or does not divide `a.len()`.
    pub fn from_rows(a: &[f32], k: usize) -> Self {
        assert!(
            k > 0 && a.len().is_multiple_of(k),
            "a row-major matrix of k columns"
        );
        let m = a.len() / k;
        let mut data = vec![0.0; m.div_ceil(MR) * MR * k];
        for (p, panel) in data.chunks_exact_mut(MR * k).enumerate() {
            for (r, row) in a[p * MR * k..].chunks_exact(k).take(MR).enumerate() {
                for (kk, &v) in row.iter().enumerate() {
                    panel[kk * MR + r] = v;
                }
            }
        }
        PackedA {
            rows: m,
            depth: k,
            data,
        }
    }

    /// Pack columns `k0 .. k0 + kc` of `a`, reusing the allocation.
    fn pack(&mut self, a: ArrayView2<f32>, k0: usize, kc: usize) {
        let m = a.nrows();
        let panels = m.div_ceil(MR);
        self.rows = m;
        self.depth = kc;
        self.data.clear();
        self.data.resize(panels * MR * kc, 0.0);
        for (p, panel) in self.data.chunks_exact_mut(MR * kc).enumerate() {
            for r in 0..MR.min(m - p * MR) {
                let row = a.row(p * MR + r);
                for (kk, &v) in row.iter().skip(k0).take(kc).enumerate() {
                    panel[kk * MR + r] = v;
                }
            }
        }
    }

    /// The number of rows of `A`.
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// The depth `k` (columns of `A`).
    pub fn depth(&self) -> usize {
        self.depth
    }

    fn panel(&self, p: usize) -> &[f32] {
        &self.data[p * MR * self.depth..(p + 1) * MR * self.depth]
    }
}

/// Where the micro-kernel reads row `kk` of its `B` block (`NR` consecutive floats).
trait BRows {
    /// # Safety
    /// `kk < k` of the current kernel call; the caller checked that every row is in bounds.
    unsafe fn row(&self, kk: usize) -> *const f32;
}

/// A packed `k × NR` panel.
struct Packed(*const f32);

impl BRows for Packed {
    #[inline(always)]
    unsafe fn row(&self, kk: usize) -> *const f32 {
        self.0.add(kk * NR)
    }
}

/// Rows at `base + offsets[kk]` of a buffer.
struct Gather {
    base: *const f32,
    offsets: *const usize,
}

impl BRows for Gather {
    #[inline(always)]
    unsafe fn row(&self, kk: usize) -> *const f32 {
        self.base.add(*self.offsets.add(kk))
    }
}

/// Where the kernel writes: `rows × cols` of `C` at `c` with row stride `ldc` (unit column
/// stride); `init[r]` starts row `r`'s sums (zero or a bias); `acc` adds to what `C` holds.
struct Out {
    c: *mut f32,
    ldc: usize,
    rows: usize,
    cols: usize,
    init: [f32; MR],
    acc: bool,
}

#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
mod kernel {
    use super::{BRows, Out, MR, NR};
    use core::arch::wasm32::*;

    #[cfg(target_feature = "relaxed-simd")]
    #[inline(always)]
    fn madd(a: v128, b: v128, c: v128) -> v128 {
        f32x4_relaxed_madd(a, b, c)
    }
    #[cfg(not(target_feature = "relaxed-simd"))]
    #[inline(always)]
    fn madd(a: v128, b: v128, c: v128) -> v128 {
        f32x4_add(c, f32x4_mul(a, b))
    }

    /// The SIMD128 4 × 8 micro-kernel, written out by hand (no loops over registers) so
    /// that it stays in registers at every `opt-level`.
    ///
    /// # Safety
    /// `a` holds `k·MR` floats; every `b.row(kk)` for `kk < k` points at `NR` readable floats;
    /// `o` describes a writable block of `C`.
    #[inline(always)]
    pub(super) unsafe fn run<B: BRows>(k: usize, a: *const f32, b: &B, o: &Out) {
        let [i0, i1, i2, i3] = o.init;
        let (mut c00, mut c01) = (f32x4_splat(i0), f32x4_splat(i0));
        let (mut c10, mut c11) = (f32x4_splat(i1), f32x4_splat(i1));
        let (mut c20, mut c21) = (f32x4_splat(i2), f32x4_splat(i2));
        let (mut c30, mut c31) = (f32x4_splat(i3), f32x4_splat(i3));
        let mut ap = a;
        for kk in 0..k {
            let bp = b.row(kk);
            let b0 = v128_load(bp as *const v128);
            let b1 = v128_load(bp.add(4) as *const v128);
            let a0 = v128_load32_splat(ap as *const u32);
            c00 = madd(a0, b0, c00);
            c01 = madd(a0, b1, c01);
            let a1 = v128_load32_splat(ap.add(1) as *const u32);
            c10 = madd(a1, b0, c10);
            c11 = madd(a1, b1, c11);
            let a2 = v128_load32_splat(ap.add(2) as *const u32);
            c20 = madd(a2, b0, c20);
            c21 = madd(a2, b1, c21);
            let a3 = v128_load32_splat(ap.add(3) as *const u32);
            c30 = madd(a3, b0, c30);
            c31 = madd(a3, b1, c31);
            ap = ap.add(MR);
        }
        let rows = [(c00, c01), (c10, c11), (c20, c21), (c30, c31)];
        if o.rows == MR && o.cols == NR {
            for (r, &(mut v0, mut v1)) in rows.iter().enumerate() {
                let p = o.c.add(r * o.ldc);
                if o.acc {
                    v0 = f32x4_add(v0, v128_load(p as *const v128));
                    v1 = f32x4_add(v1, v128_load(p.add(4) as *const v128));
                }
                v128_store(p as *mut v128, v0);
                v128_store(p.add(4) as *mut v128, v1);
            }
        } else {
            let mut t = [0.0f32; MR * NR];
            for (r, &(v0, v1)) in rows.iter().enumerate() {
                v128_store(t.as_mut_ptr().add(r * NR) as *mut v128, v0);
                v128_store(t.as_mut_ptr().add(r * NR + 4) as *mut v128, v1);
            }
            super::store_partial(&t, o);
        }
    }
}

#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
mod kernel {
    use super::{BRows, Out, MR, NR};

    /// The portable 4 × 8 micro-kernel (the compiler vectorises the inner loops).
    ///
    /// # Safety
    /// As the SIMD version: `a` holds `k·MR` floats, every `b.row(kk)` has `NR` readable
    /// floats, `o` describes a writable block of `C`.
    #[inline(always)]
    pub(super) unsafe fn run<B: BRows>(k: usize, a: *const f32, b: &B, o: &Out) {
        let mut t = [[0.0f32; NR]; MR];
        for (row, &v) in t.iter_mut().zip(o.init.iter()) {
            *row = [v; NR];
        }
        let a = core::slice::from_raw_parts(a, k * MR);
        for (kk, av) in a.chunks_exact(MR).enumerate() {
            let bv = &*(b.row(kk) as *const [f32; NR]);
            for (row, &ar) in t.iter_mut().zip(av.iter()) {
                for (acc, &bj) in row.iter_mut().zip(bv.iter()) {
                    *acc += ar * bj;
                }
            }
        }
        let flat: [f32; MR * NR] = core::mem::transmute(t);
        super::store_partial(&flat, o);
    }
}

/// Write (or add) the valid `rows × cols` part of a computed block `t` (`MR × NR`, row-major).
///
/// # Safety
/// `o` describes a writable block of `C`.
#[inline(always)]
unsafe fn store_partial(t: &[f32; MR * NR], o: &Out) {
    for r in 0..o.rows {
        let dst = core::slice::from_raw_parts_mut(o.c.add(r * o.ldc), o.cols);
        let src = &t[r * NR..r * NR + o.cols];
        if o.acc {
            dst.iter_mut().zip(src).for_each(|(d, s)| *d += s);
        } else {
            dst.copy_from_slice(src);
        }
    }
}

/// Run the kernel for every panel of `a` against one `B` block, writing rows `0 .. a.rows()`
/// of `C` (at `c`, row stride `ldc`).
///
/// # Safety
/// `b` valid for `a.depth()` rows; `c.add((a.rows() − 1)·ldc + cols − 1)` writable.
#[inline(always)]
unsafe fn all_panels<B: BRows>(
    a: &PackedA,
    b: &B,
    c: *mut f32,
    ldc: usize,
    cols: usize,
    bias: Option<&[f32]>,
    acc: bool,
) {
    let m = a.rows;
    for p in 0..m.div_ceil(MR) {
        let rows = MR.min(m - p * MR);
        let mut init = [0.0; MR];
        if let Some(bias) = bias {
            init[..rows].copy_from_slice(&bias[p * MR..p * MR + rows]);
        }
        let o = Out {
            c: c.add(p * MR * ldc),
            ldc,
            rows,
            cols,
            init,
            acc,
        };
        kernel::run(a.depth, a.panel(p).as_ptr(), b, &o);
    }
}

/// The implicit product of a convolution, one output row of `width` positions: for
/// `r < a.rows()`, `t < width`,
///
/// `c[r·ldc + t] = bias[r] + Σ_kk A[r, kk] · src[base + offsets[kk] + t]`
///
/// (bias zero when `None`). `max_offset` is the largest of `offsets`.
///
/// **Panics** if `offsets.len() != a.depth()`, if `base + max_offset + ⌈width/NR⌉·NR`
/// exceeds `src.len()` (the kernel reads whole blocks of `NR` values: give `src` `NR` floats
/// of slack), or if `c` is too short. `scratch` is working space (reused between calls).
#[allow(clippy::too_many_arguments)]
pub fn gather_row(
    a: &PackedA,
    src: &[f32],
    offsets: &[usize],
    max_offset: usize,
    base: usize,
    width: usize,
    c: &mut [f32],
    ldc: usize,
    bias: Option<&[f32]>,
    scratch: &mut Vec<f32>,
) {
    assert!(offsets.len() == a.depth, "one offset per row of B");
    assert!(
        base + max_offset + width.div_ceil(NR) * NR <= src.len(),
        "B rows out of bounds"
    );
    assert!(a.rows == 0 || width == 0 || (a.rows - 1) * ldc + width <= c.len());
    assert!(bias.is_none_or(|b| b.len() >= a.rows));
    debug_assert!(offsets.iter().all(|&o| o <= max_offset));
    let m = a.rows;
    let panels = m.div_ceil(MR);
    if panels >= PACK_MIN_PANELS {
        // Many panels share each block of B: copy it once into a contiguous panel (rows of a
        // convolution's B are far apart in the input and would thrash L1's sets).
        scratch.resize(a.depth * NR, 0.0);
        for t0 in (0..width).step_by(NR) {
            let at = base + t0;
            for (o, dst) in offsets.iter().zip(scratch.chunks_exact_mut(NR)) {
                dst.copy_from_slice(&src[at + o..at + o + NR]);
            }
            // SAFETY: the block of C at column t0 is inside `c` (asserted above).
            unsafe {
                all_panels(
                    a,
                    &Packed(scratch.as_ptr()),
                    c.as_mut_ptr().add(t0),
                    ldc,
                    NR.min(width - t0),
                    bias,
                    false,
                )
            }
        }
        return;
    }
    for p in 0..panels {
        let rows = MR.min(m - p * MR);
        let mut init = [0.0; MR];
        if let Some(bias) = bias {
            init[..rows].copy_from_slice(&bias[p * MR..p * MR + rows]);
        }
        let ap = a.panel(p).as_ptr();
        for t0 in (0..width).step_by(NR) {
            let b = Gather {
                // SAFETY: base + t0 < src.len() by the assertion above.
                base: unsafe { src.as_ptr().add(base + t0) },
                offsets: offsets.as_ptr(),
            };
            let o = Out {
                // SAFETY: (p·MR + r)·ldc + t0 + t < c.len() for r < rows, t < cols (asserted).
                c: unsafe { c.as_mut_ptr().add(p * MR * ldc + t0) },
                ldc,
                rows,
                cols: NR.min(width - t0),
                init,
                acc: false,
            };
            // SAFETY: rows read: base + t0 + offsets[kk] + (0..NR) ≤ src.len() (asserted).
            unsafe { kernel::run(a.depth, ap, &b, &o) }
        }
    }
}

/// The product of packed `A` with one packed `B` panel (`a.depth() × NR`, row-major, the
/// columns past `cols` ignored): `c[r·ldc + t] = bias[r] + Σ_kk A[r, kk] · panel[kk·NR + t]`.
///
/// **Panics** if `panel` is shorter than `a.depth()·NR`, `cols > NR` or `c` is too short.
pub fn panel_product(
    a: &PackedA,
    panel: &[f32],
    c: &mut [f32],
    ldc: usize,
    cols: usize,
    bias: Option<&[f32]>,
) {
    assert!(panel.len() >= a.depth * NR);
    assert!(cols <= NR && cols > 0);
    assert!(a.rows == 0 || (a.rows - 1) * ldc + cols <= c.len());
    assert!(bias.is_none_or(|b| b.len() >= a.rows));
    // SAFETY: the panel holds depth·NR floats; the block of C is inside `c` (asserted).
    unsafe {
        all_panels(
            a,
            &Packed(panel.as_ptr()),
            c.as_mut_ptr(),
            ldc,
            cols,
            bias,
            false,
        )
    }
}

/// Pack `B[k0 .. k0 + kc, j0 .. j0 + cols]` into a `kc × NR` panel (columns past `cols` zero).
fn pack_b(b: &ArrayView2<f32>, k0: usize, kc: usize, j0: usize, cols: usize, panel: &mut [f32]) {
    for kk in 0..kc {
        let dst = &mut panel[kk * NR..kk * NR + NR];
        let row = b.row(k0 + kk);
        match row.as_slice() {
            Some(s) => {
                dst[..cols].copy_from_slice(&s[j0..j0 + cols]);
                dst[cols..].fill(0.0);
            }
            None => {
                for (t, d) in dst.iter_mut().enumerate() {
                    *d = if t < cols { row[j0 + t] } else { 0.0 };
                }
            }
        }
    }
}

/// `c = a · b` with the register-blocked SIMD kernel. Shapes: a (m, k), b (k, n), c (m, n);
/// any strides.
///
/// **Panics** if the shapes do not agree (callers build them from validated geometry).
pub fn matmul_into(a: ArrayView2<f32>, b: ArrayView2<f32>, c: &mut ArrayViewMut2<f32>) {
    let (m, k) = a.dim();
    let n = b.ncols();
    assert!(b.nrows() == k, "inner dimensions differ");
    assert!(c.dim() == (m, n), "output shape differs");
    if m == 0 || n == 0 {
        return;
    }
    if k == 0 {
        c.fill(0.0);
        return;
    }
    let strides = c.strides();
    if strides[1] != 1 || strides[0] < 0 || (m > 1 && (strides[0] as usize) < n) {
        // Not row-major with unit column stride: compute into a fresh matrix.
        let mut t = vec![0.0; m * n];
        matmul_into(a, b, &mut crate::tensor::view2_mut(m, n, &mut t));
        for (i, row) in t.chunks_exact(n).enumerate() {
            for (j, &v) in row.iter().enumerate() {
                c[[i, j]] = v;
            }
        }
        return;
    }
    let ldc = if m > 1 { strides[0] as usize } else { n };
    let cptr = c.as_mut_ptr();
    let mut pa = PackedA {
        rows: m,
        depth: 0,
        data: Vec::new(),
    };
    let mut panel = vec![0.0f32; KC.min(k) * NR];
    for k0 in (0..k).step_by(KC) {
        let kc = KC.min(k - k0);
        pa.pack(a, k0, kc);
        for j0 in (0..n).step_by(NR) {
            let cols = NR.min(n - j0);
            pack_b(&b, k0, kc, j0, cols, &mut panel);
            // SAFETY: c is m × n with row stride ldc ≥ n and unit column stride (checked), so
            // the block at (0, j0) of rows < m, columns < j0 + cols ≤ n is inside it; the
            // panel holds kc·NR floats.
            unsafe {
                all_panels(
                    &pa,
                    &Packed(panel.as_ptr()),
                    cptr.add(j0),
                    ldc,
                    cols,
                    None,
                    k0 > 0,
                )
            }
        }
    }
}

/// `c = a · b`, every entry summed in order `k = 0, 1, …` in `f32` (no reassociation):
/// `c[i, j] = ((0 + a[i,0]·b[0,j]) + a[i,1]·b[1,j]) + …`.
///
/// **Panics** if the shapes do not agree.
pub fn matmul_ordered_into(a: ArrayView2<f32>, b: ArrayView2<f32>, c: &mut ArrayViewMut2<f32>) {
    let (m, k) = a.dim();
    let n = b.ncols();
    assert!(b.nrows() == k, "inner dimensions differ");
    assert!(c.dim() == (m, n), "output shape differs");
    let mut t = vec![0.0; m * n];
    matmul_ordered(
        &crate::tensor::flat(&a),
        &crate::tensor::flat(&b),
        &mut t,
        k,
    );
    for (i, row) in t.chunks_exact(n.max(1)).enumerate() {
        for (j, &v) in row.iter().enumerate() {
            c[[i, j]] = v;
        }
    }
}

/// [`matmul_ordered_into`] over row-major data: `a` is m × `k`, `b` is `k` × n and `c` m × n
/// (m and n follow from the lengths).
pub(crate) fn matmul_ordered(a: &[f32], b: &[f32], c: &mut [f32], k: usize) {
    let n = b.len() / k.max(1);
    c.fill(0.0);
    if k == 0 || n == 0 {
        return;
    }
    for (crow, arow) in c.chunks_exact_mut(n).zip(a.chunks_exact(k)) {
        for (&aik, brow) in arow.iter().zip(b.chunks_exact(n)) {
            // Row-wise accumulation keeps k order per entry and vectorises over j.
            for (acc, &bv) in crow.iter_mut().zip(brow) {
                *acc += aik * bv;
            }
        }
    }
}

/// Run natively by `cargo test`, and in wasm — with the SIMD128 kernel — by
/// `CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner cargo test --target
/// wasm32-unknown-unknown --lib`.
#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::{s, Array2};
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    fn naive(a: &ArrayView2<f32>, b: &ArrayView2<f32>) -> Array2<f64> {
        Array2::from_shape_fn((a.nrows(), b.ncols()), |(i, j)| {
            (0..a.ncols())
                .map(|k| a[[i, k]] as f64 * b[[k, j]] as f64)
                .sum()
        })
    }

    fn filled(r: usize, c: usize, seed: usize) -> Array2<f32> {
        Array2::from_shape_fn((r, c), |(i, j)| {
            ((i * 31 + j * 17 + seed * 7) % 23) as f32 / 11.0 - 1.0
        })
    }

    #[test]
    fn fast_and_ordered_agree_with_naive() {
        let a = Array2::from_shape_fn((7, 13), |(i, j)| ((i * 13 + j) % 5) as f32 - 2.0);
        let b = Array2::from_shape_fn((13, 9), |(i, j)| ((i * 3 + j * 7) % 11) as f32 * 0.5);
        let mut fast = Array2::zeros((7, 9));
        let mut ord = Array2::zeros((7, 9));
        matmul_into(a.view(), b.view(), &mut fast.view_mut());
        matmul_ordered_into(a.view(), b.view(), &mut ord.view_mut());
        for i in 0..7 {
            for j in 0..9 {
                let naive: f32 = (0..13).map(|k| a[[i, k]] * b[[k, j]]).sum();
                assert_eq!(fast[[i, j]], naive);
                assert_eq!(ord[[i, j]], naive);
            }
        }
    }

    #[test]
    fn packing_from_rows_matches_packing_a_view() {
        for (m, k) in [(1, 1), (4, 3), (7, 5), (9, 27)] {
            let a = filled(m, k, 5);
            let from_view = PackedA::new(a.view());
            let from_rows = PackedA::from_rows(a.as_slice().unwrap(), k);
            assert_eq!((from_rows.rows(), from_rows.depth()), (m, k));
            assert_eq!(from_view.data, from_rows.data);
        }
    }

    #[test]
    fn every_tail_and_depth_block_matches_naive() {
        // m, n around MR / NR multiples; k across the KC block boundary.
        for &(m, k, n) in &[
            (1, 1, 1),
            (3, 5, 7),
            (4, 8, 8),
            (5, 9, 17),
            (8, 27, 33),
            (13, 255, 9),
            (9, 256, 16),
            (6, 257, 23),
            (17, 600, 15),
        ] {
            let a = filled(m, k, 1);
            let b = filled(k, n, 2);
            let mut c = Array2::from_elem((m, n), f32::NAN);
            matmul_into(a.view(), b.view(), &mut c.view_mut());
            let want = naive(&a.view(), &b.view());
            for (x, y) in c.iter().zip(want.iter()) {
                assert!(
                    (*x as f64 - y).abs() <= 1e-4 * (1.0 + y.abs()),
                    "{m}×{k}×{n}"
                );
            }
        }
    }

    #[test]
    fn transposed_operands_match_naive() {
        // A = Wᵀ and B = Xᵀ of the gradients (column-major views), tails and KC blocks.
        for &(m, k, n) in &[(1, 1, 1), (5, 9, 17), (7, 300, 19), (9, 513, 8)] {
            let (wt, xt) = (filled(k, m, 4), filled(n, k, 6));
            let (a, b) = (wt.t(), xt.t());
            let mut c = Array2::from_elem((m, n), f32::NAN);
            matmul_into(a, b, &mut c.view_mut());
            let want = naive(&a, &b);
            for (x, y) in c.iter().zip(want.iter()) {
                assert!(
                    (*x as f64 - y).abs() <= 1e-4 * (1.0 + y.abs()),
                    "{m}×{k}×{n}"
                );
            }
        }
    }

    #[test]
    fn strided_operands_and_outputs() {
        let big = filled(20, 30, 3);
        let a = big.slice(s![1..8;2, 2..12]); // (4, 10), row stride 60
        let b = big.t(); // (30, 20), column-major
        let b = b.slice(s![..10, 3..14]); // (10, 11)
        let mut c = Array2::from_elem((11, 4), f32::NAN);
        let mut ct = c.view_mut().reversed_axes(); // (4, 11), column stride 4
        matmul_into(a, b, &mut ct);
        let want = naive(&a, &b);
        for (x, y) in ct.iter().zip(want.iter()) {
            assert!((*x as f64 - y).abs() < 1e-4);
        }
        let mut wide = Array2::from_elem((4, 20), f32::NAN);
        matmul_into(a, b, &mut wide.slice_mut(s![.., 3..14]));
        for (x, y) in wide.slice(s![.., 3..14]).iter().zip(want.iter()) {
            assert!((*x as f64 - y).abs() < 1e-4);
        }
        assert!(wide.slice(s![.., ..3]).iter().all(|v| v.is_nan()));
    }

    #[test]
    fn gather_and_panel_products_match_naive() {
        // B row kk = src[base + offsets[kk] ..][..NR]. 6 rows of A: a full and a partial panel
        // read straight from `src`; 13 rows: enough panels to pack B first.
        let src: Vec<f32> = (0..200).map(|i| (i % 13) as f32 - 6.0).collect();
        let offsets = [0usize, 5, 17, 40, 41, 90, 100];
        let bias: Vec<f32> = (0..13).map(|r| r as f32 * 0.5 - 2.0).collect();
        for m in [6, 13] {
            let a = filled(m, offsets.len(), 4);
            let pa = PackedA::new(a.view());
            let (base, ldc) = (3, 29);
            let mut panel = vec![0.0; offsets.len() * NR];
            for (kk, &o) in offsets.iter().enumerate() {
                panel[kk * NR..kk * NR + NR].copy_from_slice(&src[base + o..base + o + NR]);
            }
            for width in 1..=2 * NR + 3 {
                let len = (m - 1) * ldc + width;
                let mut c = vec![f32::NAN; len + 1];
                let mut scratch = Vec::new();
                let (b, o) = (&bias[..m], &offsets);
                gather_row(
                    &pa,
                    &src,
                    o,
                    100,
                    base,
                    width,
                    &mut c,
                    ldc,
                    Some(b),
                    &mut scratch,
                );
                let cols = width.min(NR);
                let mut c2 = vec![f32::NAN; (m - 1) * ldc + cols];
                panel_product(&pa, &panel, &mut c2, ldc, cols, Some(&bias[..m]));
                for r in 0..m {
                    for t in 0..width {
                        let want: f32 = bias[r]
                            + (0..offsets.len())
                                .map(|kk| a[[r, kk]] * src[base + offsets[kk] + t])
                                .sum::<f32>();
                        assert!((c[r * ldc + t] - want).abs() < 1e-4, "m={m} width={width}");
                        if t < cols {
                            assert!((c2[r * ldc + t] - want).abs() < 1e-4);
                        }
                    }
                    for t in width..ldc {
                        if r * ldc + t <= len {
                            assert!(c[r * ldc + t].is_nan(), "wrote outside the row");
                        }
                    }
                }
            }
        }
    }
}
