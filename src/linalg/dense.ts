/**
 * Small dense kernels of the truncated SVD, all Float64: vector operations on flat arrays, the
 * symmetric eigen-decomposition of the small projected matrix, and "basis × small matrix" products.
 * Matrices are flat row-major arrays; a basis of vectors is stored one vector after another.
 */

/** x·y over the first n entries. */
export function dot(x: Float64Array, y: Float64Array, n: number): number {
  let s0 = 0;
  let s1 = 0;
  let i = 0;
  for (; i + 1 < n; i += 2) {
    s0 += x[i]! * y[i]!;
    s1 += x[i + 1]! * y[i + 1]!;
  }
  if (i < n) s0 += x[i]! * y[i]!;
  return s0 + s1;
}

/** Euclidean norm. */
export function norm(x: Float64Array): number {
  return Math.sqrt(dot(x, x, x.length));
}

/** x *= a. */
export function scale(x: Float64Array, a: number): void {
  for (let i = 0; i < x.length; i++) x[i]! *= a;
}

/**
 * Project w off the first `count` vectors of `basis` (vector j at basis[j·n .. (j+1)·n)) by one
 * classical Gram–Schmidt pass: coefficients c = Vᵀw first, then w −= V·c. The coefficients are added
 * into `coefficients[0 .. count)` so repeated passes accumulate; `scratch` (≥ count) holds this pass's.
 * Four basis vectors per sweep over w.
 */
export function projectOut(basis: Float64Array, n: number, count: number, w: Float64Array, coefficients: Float64Array, scratch: Float64Array): void {
  let j = 0;
  for (; j + 3 < count; j += 4) {
    const b0 = j * n;
    const b1 = b0 + n;
    const b2 = b1 + n;
    const b3 = b2 + n;
    let c0 = 0;
    let c1 = 0;
    let c2 = 0;
    let c3 = 0;
    for (let i = 0; i < n; i++) {
      const wi = w[i]!;
      c0 += basis[b0 + i]! * wi;
      c1 += basis[b1 + i]! * wi;
      c2 += basis[b2 + i]! * wi;
      c3 += basis[b3 + i]! * wi;
    }
    coefficients[j]! += c0;
    coefficients[j + 1]! += c1;
    coefficients[j + 2]! += c2;
    coefficients[j + 3]! += c3;
    scratch[j] = c0;
    scratch[j + 1] = c1;
    scratch[j + 2] = c2;
    scratch[j + 3] = c3;
  }
  for (; j < count; j++) {
    const c = dot(basis.subarray(j * n, (j + 1) * n), w, n);
    coefficients[j]! += c;
    scratch[j] = c;
  }
  // w −= V·c, four vectors per sweep.
  j = 0;
  for (; j + 3 < count; j += 4) {
    const b0 = j * n;
    const b1 = b0 + n;
    const b2 = b1 + n;
    const b3 = b2 + n;
    const c0 = scratch[j]!;
    const c1 = scratch[j + 1]!;
    const c2 = scratch[j + 2]!;
    const c3 = scratch[j + 3]!;
    for (let i = 0; i < n; i++) {
      w[i]! -= c0 * basis[b0 + i]! + c1 * basis[b1 + i]! + c2 * basis[b2 + i]! + c3 * basis[b3 + i]!;
    }
  }
  for (; j < count; j++) {
    const c = scratch[j]!;
    const b = j * n;
    for (let i = 0; i < n; i++) w[i]! -= c * basis[b + i]!;
  }
}

/**
 * projectOut for b vectors at once (W: b vectors of n, one after another): C = VᵀW (count × b,
 * row-major) is added into `coefficients[0 .. count·b)`, then W −= V·C — each vector by its own
 * projectOut (the reference the block kernels are tested against).
 */
export function projectOutBlock(basis: Float64Array, n: number, count: number, w: Float64Array, b: number, coefficients: Float64Array): void {
  const found = new Float64Array(count);
  const scratch = new Float64Array(count);
  for (let c = 0; c < b; c++) {
    found.fill(0);
    projectOut(basis, n, count, w.subarray(c * n, (c + 1) * n), found, scratch);
    for (let j = 0; j < count; j++) coefficients[j * b + c]! += found[j]!;
  }
}

/**
 * Replace the first `width` basis vectors by V·Y (V: `count` vectors of length n, vector j at
 * basis[j·n ..); Y: count × width row-major, width ≤ count), in place. Rows are done in blocks of
 * ROW_BLOCK: a block's combinations are summed in `scratch` (ROW_BLOCK × width, row-major) while the
 * basis streams past once, then written back, so no row is overwritten before it has been read.
 * Four basis vectors per sweep over the block: 2–3× faster in V8 than one (fewer loads/stores of
 * `scratch` per multiply-add).
 */
export function rotateBasis(basis: Float64Array, n: number, count: number, y: Float64Array, width: number, scratch: Float64Array): void {
  const block = ROW_BLOCK;
  for (let r0 = 0; r0 < n; r0 += block) {
    const rows = Math.min(n, r0 + block) - r0;
    scratch.fill(0, 0, rows * width);
    let j = 0;
    for (; j + 3 < count; j += 4) {
      const v0 = j * n + r0;
      const v1 = v0 + n;
      const v2 = v1 + n;
      const v3 = v2 + n;
      const y0 = j * width;
      const y1 = y0 + width;
      const y2 = y1 + width;
      const y3 = y2 + width;
      for (let r = 0; r < rows; r++) {
        const a0 = basis[v0 + r]!;
        const a1 = basis[v1 + r]!;
        const a2 = basis[v2 + r]!;
        const a3 = basis[v3 + r]!;
        const sb = r * width;
        for (let c = 0; c < width; c++) scratch[sb + c]! += a0 * y[y0 + c]! + a1 * y[y1 + c]! + a2 * y[y2 + c]! + a3 * y[y3 + c]!;
      }
    }
    for (; j < count; j++) {
      const vb = j * n + r0;
      const yb = j * width;
      for (let r = 0; r < rows; r++) {
        const a = basis[vb + r]!;
        const sb = r * width;
        for (let c = 0; c < width; c++) scratch[sb + c]! += a * y[yb + c]!;
      }
    }
    for (let c = 0; c < width; c++) {
      const vb = c * n + r0;
      for (let r = 0; r < rows; r++) basis[vb + r] = scratch[r * width + c]!;
    }
  }
}

/** out (n × count, row-major) = the first `count` vectors of a basis (vector j at basis[j·n ..)) as columns. */
export function basisToRows(basis: Float64Array, n: number, count: number): Float64Array {
  const out = new Float64Array(n * count);
  for (let j = 0; j < count; j++) {
    const vb = j * n;
    for (let r = 0; r < n; r++) out[r * count + j] = basis[vb + r]!;
  }
  return out;
}

/** Rows per block in the basis combinations: 64 rows × ~300 columns × 8 bytes ≈ 150 KB, about L2. */
export const ROW_BLOCK = 64;

export interface SymmetricEigen {
  /** Eigenvalues, descending. */
  values: Float64Array;
  /** n × n row-major; column j is the unit eigenvector of values[j]. */
  vectors: Float64Array;
}

/** Safety net for the QL iteration: EISPACK's tql2 needs ~2 iterations per eigenvalue; 30 is its own limit. */
const MAX_QL_ITERATIONS_PER_VALUE = 30;

/**
 * Eigen-decomposition of a symmetric n × n matrix (row-major, only read): Householder reduction to
 * tridiagonal form and the implicit QL algorithm, EISPACK's tred2 + tql2 as published in JAMA
 * (public domain). O(n³); used on the small projected matrices (n in the hundreds).
 */
export function symmetricEigen(a: Float64Array, n: number): SymmetricEigen {
  // The transformation is accumulated in `v`, row-major; tql2 rotates columns, so it is transposed
  // first and rotates contiguous rows of `w` instead (w = vᵀ: row j of w is eigenvector j).
  const v = Float64Array.from(a.subarray(0, n * n));
  const d = new Float64Array(n);
  const e = new Float64Array(n);
  if (n === 0) return { values: d, vectors: v };
  tridiagonalize(v, d, e, n, true);
  const w = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) w[j * n + i] = v[i * n + j]!;
  qlImplicit(w, d, e, n, n);
  // Sort descending; write vectors as columns.
  const order = Array.from({ length: n }, (_, i) => i).sort((x, y) => d[y]! - d[x]! || x - y);
  const values = new Float64Array(n);
  const vectors = new Float64Array(n * n);
  for (let c = 0; c < n; c++) {
    const src = order[c]!;
    values[c] = d[src]!;
    for (let r = 0; r < n; r++) vectors[r * n + c] = w[src * n + r]!;
  }
  return { values, vectors };
}

export interface SymmetricEigenvalues {
  /** Eigenvalues, descending. */
  values: Float64Array;
  /** Last component of each (unit) eigenvector, in the same order. */
  lastComponents: Float64Array;
}

/**
 * Eigenvalues of a symmetric n × n matrix and the last component of each eigenvector — all a
 * Lanczos convergence test needs (the residual of Ritz pair i is β·|y_i[n−1]|). The Householder
 * reduction leaves coordinate n−1 fixed (the accumulated transformation's last row is e_{n−1}), so
 * only that one row is carried through the QL rotations: O(n³) with a small constant and no n × n
 * accumulation.
 */
export function symmetricEigenvalues(a: Float64Array, n: number): SymmetricEigenvalues {
  const v = Float64Array.from(a.subarray(0, n * n));
  const d = new Float64Array(n);
  const e = new Float64Array(n);
  if (n === 0) return { values: d, lastComponents: e };
  tridiagonalize(v, d, e, n, false);
  const last = new Float64Array(n);
  last[n - 1] = 1;
  qlImplicit(last, d, e, n, 1);
  const order = Array.from({ length: n }, (_, i) => i).sort((x, y) => d[y]! - d[x]! || x - y);
  const values = new Float64Array(n);
  const lastComponents = new Float64Array(n);
  for (let c = 0; c < n; c++) {
    values[c] = d[order[c]!]!;
    lastComponents[c] = last[order[c]!]!;
  }
  return { values, lastComponents };
}

export interface SymmetricEigenvaluesRows {
  /** Eigenvalues, descending. */
  values: Float64Array;
  /** Components n − rows .. n − 1 of each (unit) eigenvector, in the same order: eigenvector c's at [c·rows, (c + 1)·rows). */
  lastRows: Float64Array;
}

/**
 * Eigenvalues of a symmetric n × n matrix and the last `rows` components of each eigenvector — what
 * a block Lanczos convergence test needs (the residual of Ritz pair i is ‖R·y_i[n−rows ..]‖). The
 * Householder reduction is not accumulated: rows n − rows .. n − 1 of its transformation
 * Q = P_{n−1}·…·P_1 are formed one row vector at a time (O(rows·n²)) and carried through the QL
 * rotations.
 */
export function symmetricEigenvaluesLastRows(a: Float64Array, n: number, rows: number): SymmetricEigenvaluesRows {
  const v = Float64Array.from(a.subarray(0, n * n));
  const d = new Float64Array(n);
  const e = new Float64Array(n);
  const h = new Float64Array(n);
  if (n === 0) return { values: d, lastRows: new Float64Array(0) };
  tridiagonalize(v, d, e, n, false, h);
  const w = new Float64Array(n * rows);
  const x = new Float64Array(n);
  for (let r = 0; r < rows; r++) {
    x.fill(0);
    x[n - rows + r] = 1;
    for (let i = n - 1; i > 0; i--) {
      if (h[i] === 0) continue;
      let s = 0;
      for (let k = 0; k < i; k++) s += x[k]! * v[k * n + i]!;
      if (s === 0) continue;
      s /= h[i]!;
      for (let k = 0; k < i; k++) x[k]! -= s * v[k * n + i]!;
    }
    for (let j = 0; j < n; j++) w[j * rows + r] = x[j]!;
  }
  qlImplicit(w, d, e, n, rows);
  const order = Array.from({ length: n }, (_, i) => i).sort((x, y) => d[y]! - d[x]! || x - y);
  const values = new Float64Array(n);
  const lastRows = new Float64Array(n * rows);
  for (let c = 0; c < n; c++) {
    values[c] = d[order[c]!]!;
    lastRows.set(w.subarray(order[c]! * rows, (order[c]! + 1) * rows), c * rows);
  }
  return { values, lastRows };
}

/**
 * tred2: v (symmetric, row-major) → orthogonal transformation (when `accumulate`); d diagonal, e
 * sub-diagonal. Without `accumulate` only d and e are meaningful, and v keeps the Householder vectors:
 * step i (i = n−1 down to 1) reflected coordinates 0..i−1 by P_i = I − u·uᵀ/h_i with u = column i of
 * v above the diagonal (v[k·n + i], k < i) and h_i copied into `reflections[i]` (0: no reflection).
 */
function tridiagonalize(v: Float64Array, d: Float64Array, e: Float64Array, n: number, accumulate: boolean, reflections?: Float64Array): void {
  for (let j = 0; j < n; j++) d[j] = v[(n - 1) * n + j]!;
  for (let i = n - 1; i > 0; i--) {
    let scaleSum = 0;
    let h = 0;
    for (let k = 0; k < i; k++) scaleSum += Math.abs(d[k]!);
    if (scaleSum === 0) {
      e[i] = d[i - 1]!;
      for (let j = 0; j < i; j++) {
        d[j] = v[(i - 1) * n + j]!;
        v[i * n + j] = 0;
        v[j * n + i] = 0;
      }
    } else {
      // Householder vector.
      for (let k = 0; k < i; k++) {
        d[k]! /= scaleSum;
        h += d[k]! * d[k]!;
      }
      let f = d[i - 1]!;
      let g = Math.sqrt(h);
      if (f > 0) g = -g;
      e[i] = scaleSum * g;
      h -= f * g;
      d[i - 1] = f - g;
      for (let j = 0; j < i; j++) e[j] = 0;
      // Similarity transformation of the remaining columns.
      for (let j = 0; j < i; j++) {
        f = d[j]!;
        v[j * n + i] = f;
        g = e[j]! + v[j * n + j]! * f;
        for (let k = j + 1; k <= i - 1; k++) {
          g += v[k * n + j]! * d[k]!;
          e[k]! += v[k * n + j]! * f;
        }
        e[j] = g;
      }
      f = 0;
      for (let j = 0; j < i; j++) {
        e[j]! /= h;
        f += e[j]! * d[j]!;
      }
      const hh = f / (h + h);
      for (let j = 0; j < i; j++) e[j]! -= hh * d[j]!;
      for (let j = 0; j < i; j++) {
        f = d[j]!;
        g = e[j]!;
        for (let k = j; k <= i - 1; k++) v[k * n + j]! -= f * e[k]! + g * d[k]!;
        d[j] = v[(i - 1) * n + j]!;
        v[i * n + j] = 0;
      }
    }
    d[i] = h;
  }
  if (!accumulate) {
    reflections?.set(d);
    // The diagonal of the tridiagonal matrix is left on v's diagonal (the accumulation below moves it).
    for (let j = 0; j < n; j++) d[j] = v[j * n + j]!;
    e[0] = 0;
    return;
  }
  // Accumulate the transformations.
  for (let i = 0; i < n - 1; i++) {
    v[(n - 1) * n + i] = v[i * n + i]!;
    v[i * n + i] = 1;
    const h = d[i + 1]!;
    if (h !== 0) {
      for (let k = 0; k <= i; k++) d[k] = v[k * n + i + 1]! / h;
      for (let j = 0; j <= i; j++) {
        let g = 0;
        for (let k = 0; k <= i; k++) g += v[k * n + i + 1]! * v[k * n + j]!;
        for (let k = 0; k <= i; k++) v[k * n + j]! -= g * d[k]!;
      }
    }
    for (let k = 0; k <= i; k++) v[k * n + i + 1] = 0;
  }
  for (let j = 0; j < n; j++) {
    d[j] = v[(n - 1) * n + j]!;
    v[(n - 1) * n + j] = 0;
  }
  v[(n - 1) * n + n - 1] = 1;
  e[0] = 0;
}

/**
 * tql2 on the tridiagonal (d, e). w holds `width` rows of the transformation, transposed: entry
 * (j, k) at w[j·width + k] is component k of vector j (width n for all components, 1 for the last).
 */
function qlImplicit(w: Float64Array, d: Float64Array, e: Float64Array, n: number, width: number): void {
  for (let i = 1; i < n; i++) e[i - 1] = e[i]!;
  e[n - 1] = 0;
  let f = 0;
  let tst1 = 0;
  const eps = Number.EPSILON;
  for (let l = 0; l < n; l++) {
    tst1 = Math.max(tst1, Math.abs(d[l]!) + Math.abs(e[l]!));
    let m = l;
    while (m < n) {
      if (Math.abs(e[m]!) <= eps * tst1) break;
      m++;
    }
    if (m > l) {
      let iterations = 0;
      do {
        if (++iterations > MAX_QL_ITERATIONS_PER_VALUE) throw new Error('symmetric eigen-decomposition did not converge');
        // Implicit shift.
        let g = d[l]!;
        let p = (d[l + 1]! - g) / (2 * e[l]!);
        let r = Math.hypot(p, 1);
        if (p < 0) r = -r;
        d[l] = e[l]! / (p + r);
        d[l + 1] = e[l]! * (p + r);
        const dl1 = d[l + 1]!;
        let h = g - d[l]!;
        for (let i = l + 2; i < n; i++) d[i]! -= h;
        f += h;
        // Implicit QL transformation.
        p = d[m]!;
        let c = 1;
        let c2 = c;
        let c3 = c;
        const el1 = e[l + 1]!;
        let s = 0;
        let s2 = 0;
        for (let i = m - 1; i >= l; i--) {
          c3 = c2;
          c2 = c;
          s2 = s;
          g = c * e[i]!;
          h = c * p;
          r = Math.hypot(p, e[i]!);
          e[i + 1] = s * r;
          s = e[i]! / r;
          c = p / r;
          p = c * d[i]! - s * g;
          d[i + 1] = h + s * (c * g + s * d[i]!);
          // Rotate vectors i and i+1 (rows of w).
          const wi = i * width;
          const wj = wi + width;
          for (let k = 0; k < width; k++) {
            const t = w[wj + k]!;
            w[wj + k] = s * w[wi + k]! + c * t;
            w[wi + k] = c * w[wi + k]! - s * t;
          }
        }
        p = (-s * s2 * c3 * el1 * e[l]!) / dl1;
        e[l] = s * p;
        d[l] = c * p;
      } while (Math.abs(e[l]!) > eps * tst1);
    }
    d[l]! += f;
    e[l] = 0;
  }
}
