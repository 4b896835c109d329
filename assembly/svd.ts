// Kernels of the truncated SVD (src/linalg/lanczos.ts, src/linalg/svd.ts), WebAssembly with f64x2 SIMD.
//
// One instance per thread, all on one shared WebAssembly.Memory that the JavaScript side planned
// (src/linalg/wasm-kernels.ts): the CSR matrix B, the Lanczos basis, and per-thread scratch. Every
// function works on a range of rows or of basis vectors so that two threads can split one call;
// nothing here allocates. Arrays are given by byte offset; f64 arrays are 16-byte aligned.
//
// The pure-TypeScript kernels (src/linalg/dense.ts, src/linalg/sparse.ts) are the reference: these
// compute the same sums, in another order (rounding differs, nothing else).

/**
 * y += Σ_{i ∈ [rowStart, rowEnd)} B_iᵀ · (B_i · x): the rows' share of BᵀB·x in one pass over the
 * matrix (each row is gathered against x, then scattered into y while it is still in cache), half
 * the memory traffic of B·x followed by Bᵀ·(B·x).
 */
export function gramRows(indptr: usize, indices: usize, values: usize, rowStart: i32, rowEnd: i32, x: usize, y: usize): void {
  let p = <usize>load<i32>(indptr + (<usize>rowStart << 2));
  for (let i = rowStart; i < rowEnd; i++) {
    const end = <usize>load<i32>(indptr + (<usize>(i + 1) << 2));
    const begin = p;
    let s0: f64 = 0;
    let s1: f64 = 0;
    for (; p + 1 < end; p += 2) {
      s0 += load<f64>(values + (p << 3)) * load<f64>(x + (<usize>load<i32>(indices + (p << 2)) << 3));
      s1 += load<f64>(values + (p << 3), 8) * load<f64>(x + (<usize>load<i32>(indices + (p << 2), 4) << 3));
    }
    if (p < end) s0 += load<f64>(values + (p << 3)) * load<f64>(x + (<usize>load<i32>(indices + (p << 2)) << 3));
    const s = s0 + s1;
    if (s == 0) {
      p = end;
      continue;
    }
    for (p = begin; p < end; p++) {
      const at = y + (<usize>load<i32>(indices + (p << 2)) << 3);
      store<f64>(at, load<f64>(at) + s * load<f64>(values + (p << 3)));
    }
  }
}

/** y[i] = B_i · x for the rows [rowStart, rowEnd) (y indexed by row). */
export function multiplyRows(indptr: usize, indices: usize, values: usize, rowStart: i32, rowEnd: i32, x: usize, y: usize): void {
  let p = <usize>load<i32>(indptr + (<usize>rowStart << 2));
  for (let i = rowStart; i < rowEnd; i++) {
    const end = <usize>load<i32>(indptr + (<usize>(i + 1) << 2));
    let s0: f64 = 0;
    let s1: f64 = 0;
    for (; p + 1 < end; p += 2) {
      s0 += load<f64>(values + (p << 3)) * load<f64>(x + (<usize>load<i32>(indices + (p << 2)) << 3));
      s1 += load<f64>(values + (p << 3), 8) * load<f64>(x + (<usize>load<i32>(indices + (p << 2), 4) << 3));
    }
    if (p < end) s0 += load<f64>(values + (p << 3)) * load<f64>(x + (<usize>load<i32>(indices + (p++ << 2)) << 3));
    store<f64>(y + (<usize>i << 3), s0 + s1);
  }
}

/** Sum of the two lanes. */
// @ts-ignore: decorator
@inline
function lanes(v: v128): f64 {
  return f64x2.extract_lane(v, 0) + f64x2.extract_lane(v, 1);
}

/**
 * out[j] = V_j · w for the basis vectors j ∈ [j0, j1) (vector j at basis + j·n·8), four vectors per
 * sweep over w (an odd n leaves one entry to a scalar tail).
 */
export function basisDots(basis: usize, n: i32, j0: i32, j1: i32, w: usize, out: usize): void {
  const bytes = <usize>n << 3;
  const simd = bytes & ~(<usize>15);
  let j = j0;
  for (; j + 3 < j1; j += 4) {
    const b0 = basis + <usize>j * bytes;
    const b1 = b0 + bytes;
    const b2 = b1 + bytes;
    const b3 = b2 + bytes;
    let c0 = f64x2.splat(0);
    let c1 = f64x2.splat(0);
    let c2 = f64x2.splat(0);
    let c3 = f64x2.splat(0);
    for (let k: usize = 0; k < simd; k += 16) {
      const wk = v128.load(w + k);
      c0 = f64x2.add(c0, f64x2.mul(v128.load(b0 + k), wk));
      c1 = f64x2.add(c1, f64x2.mul(v128.load(b1 + k), wk));
      c2 = f64x2.add(c2, f64x2.mul(v128.load(b2 + k), wk));
      c3 = f64x2.add(c3, f64x2.mul(v128.load(b3 + k), wk));
    }
    let t0 = lanes(c0);
    let t1 = lanes(c1);
    let t2 = lanes(c2);
    let t3 = lanes(c3);
    if (simd < bytes) {
      const wt = load<f64>(w + simd);
      t0 += load<f64>(b0 + simd) * wt;
      t1 += load<f64>(b1 + simd) * wt;
      t2 += load<f64>(b2 + simd) * wt;
      t3 += load<f64>(b3 + simd) * wt;
    }
    store<f64>(out + (<usize>j << 3), t0);
    store<f64>(out + (<usize>(j + 1) << 3), t1);
    store<f64>(out + (<usize>(j + 2) << 3), t2);
    store<f64>(out + (<usize>(j + 3) << 3), t3);
  }
  for (; j < j1; j++) {
    const b = basis + <usize>j * bytes;
    let c = f64x2.splat(0);
    for (let k: usize = 0; k < simd; k += 16) c = f64x2.add(c, f64x2.mul(v128.load(b + k), v128.load(w + k)));
    let t = lanes(c);
    if (simd < bytes) t += load<f64>(b + simd) * load<f64>(w + simd);
    store<f64>(out + (<usize>j << 3), t);
  }
}

/**
 * w[r] −= Σ_{j < count} c[j] · V_j[r] for the entries r ∈ [r0, r1), four vectors per sweep over
 * the range (an odd length leaves one entry to a scalar tail).
 */
export function basisSubtract(basis: usize, n: i32, count: i32, c: usize, w: usize, r0: i32, r1: i32): void {
  const bytes = <usize>n << 3;
  const from = <usize>r0 << 3;
  const end = <usize>r1 << 3;
  const to = from + ((end - from) & ~(<usize>15));
  let j = 0;
  for (; j + 3 < count; j += 4) {
    const b0 = basis + <usize>j * bytes;
    const b1 = b0 + bytes;
    const b2 = b1 + bytes;
    const b3 = b2 + bytes;
    const c0 = v128.load64_splat(c + (<usize>j << 3));
    const c1 = v128.load64_splat(c + (<usize>(j + 1) << 3));
    const c2 = v128.load64_splat(c + (<usize>(j + 2) << 3));
    const c3 = v128.load64_splat(c + (<usize>(j + 3) << 3));
    for (let k = from; k < to; k += 16) {
      const sum = f64x2.add(
        f64x2.add(f64x2.mul(c0, v128.load(b0 + k)), f64x2.mul(c1, v128.load(b1 + k))),
        f64x2.add(f64x2.mul(c2, v128.load(b2 + k)), f64x2.mul(c3, v128.load(b3 + k))),
      );
      v128.store(w + k, f64x2.sub(v128.load(w + k), sum));
    }
    if (to < end) {
      const cs0 = f64x2.extract_lane(c0, 0);
      const cs1 = f64x2.extract_lane(c1, 0);
      const cs2 = f64x2.extract_lane(c2, 0);
      const cs3 = f64x2.extract_lane(c3, 0);
      store<f64>(w + to, load<f64>(w + to) - (cs0 * load<f64>(b0 + to) + cs1 * load<f64>(b1 + to) + (cs2 * load<f64>(b2 + to) + cs3 * load<f64>(b3 + to))));
    }
  }
  for (; j < count; j++) {
    const b = basis + <usize>j * bytes;
    const cj = v128.load64_splat(c + (<usize>j << 3));
    for (let k = from; k < to; k += 16) v128.store(w + k, f64x2.sub(v128.load(w + k), f64x2.mul(cj, v128.load(b + k))));
    if (to < end) store<f64>(w + to, load<f64>(w + to) - f64x2.extract_lane(cj, 0) * load<f64>(b + to));
  }
}

/**
 * The rows [r0, r1) of V·Y into `scratch` (rows × stride, row-major): V holds `count` vectors of
 * length n, Y is count × width with rows `stride` (even, ≥ width; padding zero) apart. Then written back as the first `width` basis
 * vectors' entries r0..r1 (the caller's blocks are disjoint, so no row is overwritten before it is
 * read: each block only reads and writes its own rows).
 */
export function rotateRows(basis: usize, n: i32, count: i32, y: usize, width: i32, stride: i32, scratch: usize, r0: i32, r1: i32): void {
  const bytes = <usize>n << 3;
  const rowBytes = <usize>stride << 3;
  const rows = r1 - r0;
  memory.fill(scratch, 0, <usize>rows * rowBytes);
  let j = 0;
  for (; j + 1 < count; j += 2) {
    const v0 = basis + <usize>j * bytes + (<usize>r0 << 3);
    const v1 = v0 + bytes;
    const y0 = y + <usize>j * rowBytes;
    const y1 = y0 + rowBytes;
    for (let r = 0; r < rows; r++) {
      const a0 = v128.load64_splat(v0 + (<usize>r << 3));
      const a1 = v128.load64_splat(v1 + (<usize>r << 3));
      const s = scratch + <usize>r * rowBytes;
      for (let k: usize = 0; k < rowBytes; k += 16) {
        v128.store(s + k, f64x2.add(v128.load(s + k), f64x2.add(f64x2.mul(a0, v128.load(y0 + k)), f64x2.mul(a1, v128.load(y1 + k)))));
      }
    }
  }
  for (; j < count; j++) {
    const v0 = basis + <usize>j * bytes + (<usize>r0 << 3);
    const y0 = y + <usize>j * rowBytes;
    for (let r = 0; r < rows; r++) {
      const a0 = v128.load64_splat(v0 + (<usize>r << 3));
      const s = scratch + <usize>r * rowBytes;
      for (let k: usize = 0; k < rowBytes; k += 16) v128.store(s + k, f64x2.add(v128.load(s + k), f64x2.mul(a0, v128.load(y0 + k))));
    }
  }
  for (let c = 0; c < width; c++) {
    const vb = basis + <usize>c * bytes + (<usize>r0 << 3);
    const sc = scratch + (<usize>c << 3);
    for (let r = 0; r < rows; r++) store<f64>(vb + (<usize>r << 3), load<f64>(sc + <usize>r * rowBytes));
  }
}

/** rotateRows over the row blocks of `block` rows that start in [r0, r1) (r1 capped at n). */
export function rotateBlocks(basis: usize, n: i32, count: i32, y: usize, width: i32, stride: i32, scratch: usize, r0: i32, r1: i32, block: i32): void {
  for (let r = r0; r < r1; r += block) rotateRows(basis, n, count, y, width, stride, scratch, r, min(n, r + block));
}

/** y[i] += x[i] for i ∈ [0, n) (a piece's partial sum of a Gram product, added in piece order). */
export function addInto(x: usize, y: usize, n: i32): void {
  const bytes = <usize>n << 3;
  const simd = bytes & ~(<usize>15);
  for (let k: usize = 0; k < simd; k += 16) v128.store(y + k, f64x2.add(v128.load(y + k), v128.load(x + k)));
  if (simd < bytes) store<f64>(y + simd, load<f64>(y + simd) + load<f64>(x + simd));
}

/**
 * Y = B·X for the rows [rowStart, rowEnd): X is nCols × stride row-major, Y rows × stride (stride
 * even; padding lanes stay whatever X's are, zero). Row i of Y is Σ_p values[p] · X[indices[p], :],
 * two non-zeros per sweep over the row.
 */
export function multiplyBlockRows(indptr: usize, indices: usize, values: usize, rowStart: i32, rowEnd: i32, x: usize, stride: i32, y: usize): void {
  const rowBytes = <usize>stride << 3;
  for (let i = rowStart; i < rowEnd; i++) {
    const out = y + <usize>i * rowBytes;
    memory.fill(out, 0, rowBytes);
    let p = <usize>load<i32>(indptr + (<usize>i << 2));
    const end = <usize>load<i32>(indptr + (<usize>(i + 1) << 2));
    for (; p + 1 < end; p += 2) {
      const v0 = v128.load64_splat(values + (p << 3));
      const v1 = v128.load64_splat(values + (p << 3) + 8);
      const x0 = x + <usize>load<i32>(indices + (p << 2)) * rowBytes;
      const x1 = x + <usize>load<i32>(indices + (p << 2), 4) * rowBytes;
      for (let k: usize = 0; k < rowBytes; k += 16) {
        v128.store(out + k, f64x2.add(v128.load(out + k), f64x2.add(f64x2.mul(v0, v128.load(x0 + k)), f64x2.mul(v1, v128.load(x1 + k)))));
      }
    }
    if (p < end) {
      const v0 = v128.load64_splat(values + (p << 3));
      const x0 = x + <usize>load<i32>(indices + (p << 2)) * rowBytes;
      for (let k: usize = 0; k < rowBytes; k += 16) v128.store(out + k, f64x2.add(v128.load(out + k), f64x2.mul(v0, v128.load(x0 + k))));
    }
  }
}

/** Vectors per block in the block-Lanczos kernels below (gramRows4, blockDots4, blockSubtract4). */
const BLOCK: i32 = 4;

/**
 * Y += Σ_{i ∈ [rowStart, rowEnd)} B_iᵀ · (B_i · X) for a block of four vectors, in one pass over the
 * matrix: X and Y are n × 4 row-major (the four vectors interleaved, so the gather and the scatter
 * of a non-zero touch 32 contiguous bytes), each row's four dot products gathered (two non-zeros per
 * sweep, two partial sums each), then scattered while the row is in cache.
 */
export function gramRows4(indptr: usize, indices: usize, values: usize, rowStart: i32, rowEnd: i32, x: usize, y: usize): void {
  let p = <usize>load<i32>(indptr + (<usize>rowStart << 2));
  for (let i = rowStart; i < rowEnd; i++) {
    const end = <usize>load<i32>(indptr + (<usize>(i + 1) << 2));
    const begin = p;
    let a01 = f64x2.splat(0);
    let a23 = f64x2.splat(0);
    let b01 = f64x2.splat(0);
    let b23 = f64x2.splat(0);
    for (; p + 1 < end; p += 2) {
      const v0 = v128.load64_splat(values + (p << 3));
      const v1 = v128.load64_splat(values + (p << 3) + 8);
      const x0 = x + (<usize>load<i32>(indices + (p << 2)) << 5);
      const x1 = x + (<usize>load<i32>(indices + (p << 2), 4) << 5);
      a01 = f64x2.add(a01, f64x2.mul(v0, v128.load(x0)));
      a23 = f64x2.add(a23, f64x2.mul(v0, v128.load(x0, 16)));
      b01 = f64x2.add(b01, f64x2.mul(v1, v128.load(x1)));
      b23 = f64x2.add(b23, f64x2.mul(v1, v128.load(x1, 16)));
    }
    if (p < end) {
      const v0 = v128.load64_splat(values + (p << 3));
      const x0 = x + (<usize>load<i32>(indices + (p << 2)) << 5);
      a01 = f64x2.add(a01, f64x2.mul(v0, v128.load(x0)));
      a23 = f64x2.add(a23, f64x2.mul(v0, v128.load(x0, 16)));
    }
    const s01 = f64x2.add(a01, b01);
    const s23 = f64x2.add(a23, b23);
    for (p = begin; p < end; p++) {
      const v = v128.load64_splat(values + (p << 3));
      const at = y + (<usize>load<i32>(indices + (p << 2)) << 5);
      v128.store(at, f64x2.add(v128.load(at), f64x2.mul(v, s01)));
      v128.store(at, f64x2.add(v128.load(at, 16), f64x2.mul(v, s23)), 16);
    }
  }
}

/**
 * out[4·j + c] = V_j · W_c for the basis vectors j ∈ [j0, j1) and the four vectors W_c (at w + c·n·8):
 * two basis vectors per sweep over the four W (eight sums; an odd range leaves one vector to a sweep of
 * its own, an odd n one entry to a scalar tail). The dots are bound by arithmetic, not by memory (the
 * basis streams at ~35 GB/s here): sharing each W load between two basis vectors is what gains.
 */
export function blockDots4(basis: usize, n: i32, j0: i32, j1: i32, w: usize, out: usize): void {
  const bytes = <usize>n << 3;
  const simd = bytes & ~(<usize>15);
  const w1 = w + bytes;
  const w2 = w1 + bytes;
  const w3 = w2 + bytes;
  let j = j0;
  for (; j + 1 < j1; j += 2) {
    const b = basis + <usize>j * bytes;
    const bb = b + bytes;
    let c0 = f64x2.splat(0);
    let c1 = f64x2.splat(0);
    let c2 = f64x2.splat(0);
    let c3 = f64x2.splat(0);
    let d0 = f64x2.splat(0);
    let d1 = f64x2.splat(0);
    let d2 = f64x2.splat(0);
    let d3 = f64x2.splat(0);
    for (let k: usize = 0; k < simd; k += 16) {
      const v = v128.load(b + k);
      const u = v128.load(bb + k);
      const x0 = v128.load(w + k);
      const x1 = v128.load(w1 + k);
      const x2 = v128.load(w2 + k);
      const x3 = v128.load(w3 + k);
      c0 = f64x2.add(c0, f64x2.mul(v, x0));
      c1 = f64x2.add(c1, f64x2.mul(v, x1));
      c2 = f64x2.add(c2, f64x2.mul(v, x2));
      c3 = f64x2.add(c3, f64x2.mul(v, x3));
      d0 = f64x2.add(d0, f64x2.mul(u, x0));
      d1 = f64x2.add(d1, f64x2.mul(u, x1));
      d2 = f64x2.add(d2, f64x2.mul(u, x2));
      d3 = f64x2.add(d3, f64x2.mul(u, x3));
    }
    let t0 = lanes(c0);
    let t1 = lanes(c1);
    let t2 = lanes(c2);
    let t3 = lanes(c3);
    let u0 = lanes(d0);
    let u1 = lanes(d1);
    let u2 = lanes(d2);
    let u3 = lanes(d3);
    if (simd < bytes) {
      const v = load<f64>(b + simd);
      const u = load<f64>(bb + simd);
      const x0 = load<f64>(w + simd);
      const x1 = load<f64>(w1 + simd);
      const x2 = load<f64>(w2 + simd);
      const x3 = load<f64>(w3 + simd);
      t0 += v * x0;
      t1 += v * x1;
      t2 += v * x2;
      t3 += v * x3;
      u0 += u * x0;
      u1 += u * x1;
      u2 += u * x2;
      u3 += u * x3;
    }
    const o = out + (<usize>(j * BLOCK) << 3);
    store<f64>(o, t0);
    store<f64>(o, t1, 8);
    store<f64>(o, t2, 16);
    store<f64>(o, t3, 24);
    store<f64>(o, u0, 32);
    store<f64>(o, u1, 40);
    store<f64>(o, u2, 48);
    store<f64>(o, u3, 56);
  }
  if (j < j1) {
    const b = basis + <usize>j * bytes;
    let c0 = f64x2.splat(0);
    let c1 = f64x2.splat(0);
    let c2 = f64x2.splat(0);
    let c3 = f64x2.splat(0);
    for (let k: usize = 0; k < simd; k += 16) {
      const v = v128.load(b + k);
      c0 = f64x2.add(c0, f64x2.mul(v, v128.load(w + k)));
      c1 = f64x2.add(c1, f64x2.mul(v, v128.load(w1 + k)));
      c2 = f64x2.add(c2, f64x2.mul(v, v128.load(w2 + k)));
      c3 = f64x2.add(c3, f64x2.mul(v, v128.load(w3 + k)));
    }
    let t0 = lanes(c0);
    let t1 = lanes(c1);
    let t2 = lanes(c2);
    let t3 = lanes(c3);
    if (simd < bytes) {
      const v = load<f64>(b + simd);
      t0 += v * load<f64>(w + simd);
      t1 += v * load<f64>(w1 + simd);
      t2 += v * load<f64>(w2 + simd);
      t3 += v * load<f64>(w3 + simd);
    }
    const o = out + (<usize>(j * BLOCK) << 3);
    store<f64>(o, t0);
    store<f64>(o, t1, 8);
    store<f64>(o, t2, 16);
    store<f64>(o, t3, 24);
  }
}

/**
 * W_c[r] −= Σ_{j < count} C[j][c] · V_j[r] for the four vectors W_c (at w + c·n·8), the entries
 * r ∈ [r0, r1) (r0 even), C count × 4 row-major: the basis is read once for the four vectors, two basis
 * vectors per sweep over the range (an odd length leaves one entry to a scalar tail).
 */
export function blockSubtract4(basis: usize, n: i32, count: i32, c: usize, w: usize, r0: i32, r1: i32): void {
  const bytes = <usize>n << 3;
  const from = <usize>r0 << 3;
  const end = <usize>r1 << 3;
  const to = from + ((end - from) & ~(<usize>15));
  const w1 = w + bytes;
  const w2 = w1 + bytes;
  const w3 = w2 + bytes;
  let j = 0;
  for (; j + 1 < count; j += 2) {
    const b0 = basis + <usize>j * bytes;
    const b1 = b0 + bytes;
    const cj = c + (<usize>(j * BLOCK) << 3);
    const p0 = v128.load64_splat(cj);
    const p1 = v128.load64_splat(cj + 8);
    const p2 = v128.load64_splat(cj + 16);
    const p3 = v128.load64_splat(cj + 24);
    const q0 = v128.load64_splat(cj + 32);
    const q1 = v128.load64_splat(cj + 40);
    const q2 = v128.load64_splat(cj + 48);
    const q3 = v128.load64_splat(cj + 56);
    for (let k = from; k < to; k += 16) {
      const v = v128.load(b0 + k);
      const u = v128.load(b1 + k);
      v128.store(w + k, f64x2.sub(v128.load(w + k), f64x2.add(f64x2.mul(p0, v), f64x2.mul(q0, u))));
      v128.store(w1 + k, f64x2.sub(v128.load(w1 + k), f64x2.add(f64x2.mul(p1, v), f64x2.mul(q1, u))));
      v128.store(w2 + k, f64x2.sub(v128.load(w2 + k), f64x2.add(f64x2.mul(p2, v), f64x2.mul(q2, u))));
      v128.store(w3 + k, f64x2.sub(v128.load(w3 + k), f64x2.add(f64x2.mul(p3, v), f64x2.mul(q3, u))));
    }
    if (to < end) {
      const v = load<f64>(b0 + to);
      const u = load<f64>(b1 + to);
      store<f64>(w + to, load<f64>(w + to) - (f64x2.extract_lane(p0, 0) * v + f64x2.extract_lane(q0, 0) * u));
      store<f64>(w1 + to, load<f64>(w1 + to) - (f64x2.extract_lane(p1, 0) * v + f64x2.extract_lane(q1, 0) * u));
      store<f64>(w2 + to, load<f64>(w2 + to) - (f64x2.extract_lane(p2, 0) * v + f64x2.extract_lane(q2, 0) * u));
      store<f64>(w3 + to, load<f64>(w3 + to) - (f64x2.extract_lane(p3, 0) * v + f64x2.extract_lane(q3, 0) * u));
    }
  }
  if (j < count) {
    const b0 = basis + <usize>j * bytes;
    const cj = c + (<usize>(j * BLOCK) << 3);
    const p0 = v128.load64_splat(cj);
    const p1 = v128.load64_splat(cj + 8);
    const p2 = v128.load64_splat(cj + 16);
    const p3 = v128.load64_splat(cj + 24);
    for (let k = from; k < to; k += 16) {
      const v = v128.load(b0 + k);
      v128.store(w + k, f64x2.sub(v128.load(w + k), f64x2.mul(p0, v)));
      v128.store(w1 + k, f64x2.sub(v128.load(w1 + k), f64x2.mul(p1, v)));
      v128.store(w2 + k, f64x2.sub(v128.load(w2 + k), f64x2.mul(p2, v)));
      v128.store(w3 + k, f64x2.sub(v128.load(w3 + k), f64x2.mul(p3, v)));
    }
    if (to < end) {
      const v = load<f64>(b0 + to);
      store<f64>(w + to, load<f64>(w + to) - f64x2.extract_lane(p0, 0) * v);
      store<f64>(w1 + to, load<f64>(w1 + to) - f64x2.extract_lane(p1, 0) * v);
      store<f64>(w2 + to, load<f64>(w2 + to) - f64x2.extract_lane(p2, 0) * v);
      store<f64>(w3 + to, load<f64>(w3 + to) - f64x2.extract_lane(p3, 0) * v);
    }
  }
}

/** The four vectors at v (n apart) → x, n × 4 row-major (interleaved), for the rows [r0, r1). */
export function interleave4(v: usize, n: i32, x: usize, r0: i32, r1: i32): void {
  const bytes = <usize>n << 3;
  for (let r = r0; r < r1; r++) {
    const s = v + (<usize>r << 3);
    const d = x + (<usize>r << 5);
    store<f64>(d, load<f64>(s));
    store<f64>(d, load<f64>(s + bytes), 8);
    store<f64>(d, load<f64>(s + 2 * bytes), 16);
    store<f64>(d, load<f64>(s + 3 * bytes), 24);
  }
}

/** x (n × 4 row-major) → the four vectors at v (n apart), for the rows [r0, r1). */
export function deinterleave4(x: usize, n: i32, v: usize, r0: i32, r1: i32): void {
  const bytes = <usize>n << 3;
  for (let r = r0; r < r1; r++) {
    const s = x + (<usize>r << 5);
    const d = v + (<usize>r << 3);
    store<f64>(d, load<f64>(s));
    store<f64>(d + bytes, load<f64>(s, 8));
    store<f64>(d + 2 * bytes, load<f64>(s, 16));
    store<f64>(d + 3 * bytes, load<f64>(s, 24));
  }
}

