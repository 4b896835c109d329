/**
 * The largest eigenpairs of a symmetric positive semi-definite operator H (here AᵀA or AAᵀ) by the
 * thick-restart Lanczos method (Wu & Simon 2000, "Thick-restart Lanczos method for large symmetric
 * eigenvalue problems"), with full reorthogonalization — the Krylov method ARPACK implements, which
 * scipy's `svds` runs on AᵀA.
 *
 * After j steps H·V_j = V_j·T_j + β_j·v_{j+1}·e_jᵀ with V_j orthonormal; the Ritz pairs of T_j
 * approximate H's eigenpairs, and the residual of pair i is β_j·|y_i[j]|. When the basis is full,
 * the `keep` best Ritz vectors and v_{j+1} become the start of the next basis (T becomes diagonal
 * plus one "arrow" row), so the work per cycle stays bounded.
 */
import type { Progress } from '../core/progress.js';
import type { Random } from '../core/random.js';
import { dot, norm, projectOut, projectOutBlock, rotateBasis, ROW_BLOCK, scale, symmetricEigen, symmetricEigenvalues, symmetricEigenvaluesLastRows } from './dense.js';

/** y = H·x. */
export type LinearOperator = (x: Float64Array, y: Float64Array) => void;

/**
 * Where the basis lives and the two dense kernels that sweep it: the pure-TypeScript ones
 * (TYPESCRIPT_KERNELS, the reference) or the WebAssembly ones (wasm-svd.ts), whose basis is a view of
 * the kernel's memory.
 */
export interface LanczosKernels {
  /** A zeroed array for the basis ((basis size + 1) · n doubles). */
  basis(length: number): Float64Array;
  /** A zeroed work vector of n doubles. */
  vector(length: number): Float64Array;
  /** As dense.ts projectOut. */
  projectOut(basis: Float64Array, n: number, count: number, w: Float64Array, coefficients: Float64Array, scratch: Float64Array): void;
  /** As dense.ts rotateBasis (scratch is the kernel's own). */
  rotateBasis(basis: Float64Array, n: number, count: number, y: Float64Array, width: number): void;
}

/** The kernels of block Lanczos: LanczosKernels plus a work block and the block projection. */
export interface BlockLanczosKernels extends LanczosKernels {
  /** A zeroed work block of b vectors of n doubles, one after another (`length` = b·n). */
  block(length: number): Float64Array;
  /** As dense.ts projectOutBlock (coefficients count × b row-major, accumulated; `scratch` ≥ count·b). */
  projectOutBlock(basis: Float64Array, n: number, count: number, w: Float64Array, b: number, coefficients: Float64Array, scratch: Float64Array): void;
}

export const TYPESCRIPT_KERNELS: BlockLanczosKernels = {
  basis: (length) => new Float64Array(length),
  vector: (length) => new Float64Array(length),
  block: (length) => new Float64Array(length),
  projectOut,
  projectOutBlock: (basis, n, count, w, b, coefficients) => projectOutBlock(basis, n, count, w, b, coefficients),
  rotateBasis: (basis, n, count, y, width) => rotateBasis(basis, n, count, y, width, new Float64Array(ROW_BLOCK * width)),
};

/** W = H·V for b vectors (V and W: b vectors of n, one after another; V is a view of the basis). */
export type BlockOperator = (v: Float64Array, w: Float64Array, b: number) => void;

/** H·V one vector at a time (the reference for a block product). */
export function blockOperator(apply: LinearOperator, n: number): BlockOperator {
  return (v, w, b) => {
    for (let c = 0; c < b; c++) apply(v.subarray(c * n, (c + 1) * n), w.subarray(c * n, (c + 1) * n));
  };
}

export interface LanczosOptions {
  /** The dense kernels and the basis storage (default TYPESCRIPT_KERNELS). */
  kernels?: LanczosKernels;
  /** Eigenpairs wanted (k). */
  count: number;
  /** Lanczos vectors in the basis before a restart (ARPACK's ncv). */
  basisSize: number;
  /** Ritz vectors carried over a restart (count ≤ keep < basisSize). */
  keep: number;
  /** A Ritz pair has converged when its residual ‖H·y − θ·y‖ ≤ tolerance · θ. */
  tolerance: number;
  /** Give up after this many restarts (the result then says how many pairs converged). */
  maxRestarts: number;
  random: Random;
  progress: Progress;
}

export interface LanczosResult {
  /** The `count` largest eigenvalues, descending. */
  values: Float64Array;
  /** The unit eigenvectors, one after another: vector c at vectors[c·dimension .. (c+1)·dimension). */
  vectors: Float64Array;
  /** Applications of H. */
  products: number;
  restarts: number;
  /** Pairs that met the tolerance (count unless maxRestarts was hit). */
  converged: number;
}

/**
 * Second Gram–Schmidt pass when a pass removed more than this share of the vector's norm — the
 * "twice is enough" criterion of Daniel, Gragg, Kaufman & Stewart (1976), with their 1/√2.
 */
const REORTHOGONALIZE_RATIO = Math.SQRT1_2;

/**
 * β below this fraction of ‖H‖ (estimated by the largest ‖H·v‖ seen) means the Krylov space is
 * invariant: the recurrence continues from a fresh random direction orthogonal to the basis. Far above
 * rounding (~1e-16) and far below any coupling that matters (it perturbs T by at most this much).
 */
const BREAKDOWN_RATIO = 1e-10;

/**
 * Eigenvalues at or below this fraction of the largest count as zero in the convergence test
 * (their relative residual cannot shrink below rounding; H's eigenvalues are only known to ~1e-16·‖H‖).
 */
const ZERO_EIGENVALUE_RATIO = 1e-12;

/** Convergence is tested every this many steps (and at every restart): each test costs O(basis³) flops. */
const CHECK_INTERVAL = 10;
/** Block Lanczos: convergence is tested every this many block steps (and at every restart). */
const CHECK_BLOCKS = 3;

export function largestEigenpairs(apply: LinearOperator, dimension: number, options: LanczosOptions): LanczosResult {
  const n = dimension;
  const k = options.count;
  const size = Math.min(options.basisSize, n);
  // A basis as large as the space needs no restart: run to the end, where T is H in that basis (exact).
  const exhaustive = size === n;
  const keep = exhaustive ? size : Math.max(k, Math.min(options.keep, size - 1));
  const { tolerance, random, progress } = options;

  const kernels = options.kernels ?? TYPESCRIPT_KERNELS;
  const projectOut = kernels.projectOut.bind(kernels);
  const basis = kernels.basis((size + 1) * n);
  const t = new Float64Array(size * size);
  const w = kernels.vector(n);
  const coefficients = new Float64Array(size + 1);
  const scratch = new Float64Array(size + 1);
  const discard = new Float64Array(size + 1);

  let operatorNorm = 0;
  let products = 0;
  let restarts = 0;
  let converged = 0;
  let start = 0;
  randomUnitVector(basis, 0, n, random, scratch, discard, projectOut);

  progress.stage('truncated SVD (thick-restart Lanczos)');
  for (;;) {
    let steps = start; // size of the basis reached in this cycle
    let beta = 0;
    let done = false; // converged in mid-cycle
    let exact = false; // the basis spans the whole space: T is H in that basis
    for (let j = start; j < size; j++) {
      const v = basis.subarray(j * n, (j + 1) * n);
      apply(v, w);
      products++;
      operatorNorm = Math.max(operatorNorm, norm(w));
      coefficients.fill(0, 0, j + 1);
      if (j > start) {
        // The three-term recurrence first: w −= α·v_j + β_{j−1}·v_{j−1}.
        const previousBeta = t[(j - 1) * size + j]!;
        const previous = basis.subarray((j - 1) * n, j * n);
        const alpha = dot(v, w, n);
        for (let i = 0; i < n; i++) w[i]! -= alpha * v[i]! + previousBeta * previous[i]!;
        coefficients[j] = alpha;
        coefficients[j - 1] = previousBeta;
      }
      // Then full reorthogonalization against the whole basis (twice when needed).
      const before = norm(w);
      projectOut(basis, n, j + 1, w, coefficients, scratch);
      beta = norm(w);
      if (beta < REORTHOGONALIZE_RATIO * before) {
        projectOut(basis, n, j + 1, w, coefficients, scratch);
        beta = norm(w);
      }
      // Column j of T = Vᵀ·H·v_j, everything the projections found (symmetric).
      for (let i = 0; i <= j; i++) {
        t[i * size + j] = coefficients[i]!;
        t[j * size + i] = coefficients[i]!;
      }
      steps = j + 1;
      if (steps === n) {
        exact = true;
        break;
      }
      if (beta <= BREAKDOWN_RATIO * operatorNorm) {
        beta = 0;
        if (!randomUnitVector(basis, steps, n, random, scratch, discard, projectOut)) {
          exact = true;
          break;
        }
      } else {
        const next = basis.subarray(steps * n, (steps + 1) * n);
        next.set(w);
        scale(next, 1 / beta);
      }
      if (steps < size) {
        t[steps * size + j] = beta;
        t[j * size + steps] = beta;
      }
      if (!exhaustive && steps >= k && steps < size && (steps - start) % CHECK_INTERVAL === 0) {
        converged = countConverged(symmetricEigenvalues(leading(t, size, steps), steps), beta, k, tolerance);
        progress.update(products, { converged });
        if (converged >= k) {
          done = true;
          break;
        }
      }
    }

    const eigen = symmetricEigen(leading(t, size, steps), steps);
    if (exact) converged = k;
    else if (!done) {
      const lastComponents = new Float64Array(steps);
      for (let c = 0; c < steps; c++) lastComponents[c] = eigen.vectors[(steps - 1) * steps + c]!;
      converged = countConverged({ values: eigen.values, lastComponents }, beta, k, tolerance);
      progress.update(products, { converged });
    }
    if (converged >= k || restarts >= options.maxRestarts) {
      progress.end();
      // (Fewer than k steps only when the basis spans the whole space early: the rest are zeros.)
      const values = new Float64Array(k);
      values.set(eigen.values.subarray(0, Math.min(k, steps)));
      kernels.rotateBasis(basis, n, steps, columns(eigen.vectors, steps, k), k);
      return { values, vectors: basis.slice(0, k * n), products, restarts, converged: Math.min(converged, k) };
    }

    // Thick restart: V ← [V·Y(:, 0..keep), v_{size}]; T ← diag(θ_0..θ_{keep−1}), its arrow row is
    // recomputed by the first projection of the next cycle.
    kernels.rotateBasis(basis, n, steps, columns(eigen.vectors, steps, keep), keep);
    basis.copyWithin(keep * n, steps * n, (steps + 1) * n);
    t.fill(0);
    for (let i = 0; i < keep; i++) t[i * size + i] = eigen.values[i]!;
    start = keep;
    restarts++;
  }
}

/** Ritz pairs among the first k whose residual β·|y_i[last]| is within tolerance. */
function countConverged(eigen: { values: Float64Array; lastComponents: Float64Array }, beta: number, k: number, tolerance: number): number {
  const floor = ZERO_EIGENVALUE_RATIO * Math.abs(eigen.values[0] ?? 0);
  let converged = 0;
  for (let i = 0; i < k && i < eigen.values.length; i++) {
    if (Math.abs(beta * eigen.lastComponents[i]!) <= tolerance * Math.max(eigen.values[i]!, 0) + floor) converged++;
  }
  return converged;
}

/** The leading s × s block of a row-major matrix with row stride `stride`, contiguous. */
function leading(t: Float64Array, stride: number, s: number): Float64Array {
  const out = new Float64Array(s * s);
  for (let i = 0; i < s; i++) out.set(t.subarray(i * stride, i * stride + s), i * s);
  return out;
}

/** The first `width` columns of a row-major s × s matrix, as s × width row-major (zeros past s). */
function columns(y: Float64Array, s: number, width: number): Float64Array {
  const out = new Float64Array(s * width);
  const copied = Math.min(width, s);
  for (let i = 0; i < s; i++) out.set(y.subarray(i * s, i * s + copied), i * width);
  return out;
}

/**
 * Put a random unit vector orthogonal to the first `index` basis vectors at position `index`.
 * Returns false when nothing is left after the projection (the basis already spans the space).
 */
function randomUnitVector(
  basis: Float64Array, index: number, n: number, random: Random, scratch: Float64Array, discard: Float64Array,
  projectOut: LanczosKernels['projectOut'],
): boolean {
  const v = basis.subarray(index * n, (index + 1) * n);
  for (let i = 0; i < n; i++) v[i] = random.normal();
  const original = norm(v);
  for (let pass = 0; pass < 2 && index > 0; pass++) projectOut(basis, n, index, v, discard, scratch);
  const remaining = norm(v);
  if (remaining <= BREAKDOWN_RATIO * original) return false;
  scale(v, 1 / remaining);
  return true;
}

export interface BlockLanczosOptions extends LanczosOptions {
  kernels?: BlockLanczosKernels;
  /** Vectors per block (b): each step multiplies H by b vectors at once. */
  blockSize: number;
}

/**
 * Block thick-restart Lanczos: as largestEigenpairs, but each step applies H to a block of b
 * orthonormal vectors at once (one pass over the matrix for b vectors when H's product is bound by
 * memory), so the basis grows b vectors a step: H·V_j = V·C + V_{j+1}·R_j with R_j the upper-triangular
 * factor of the projected block's QR, T = VᵀHV block tridiagonal (plus the arrow rows of a restart),
 * and the residual of Ritz pair i is ‖R_j·y_i[last b]‖. A restart keeps the `keep` best Ritz vectors
 * and the residual block.
 *
 * Needs keep + b ≤ basisSize and basisSize + 2·b ≤ dimension (the caller falls back to the
 * single-vector method otherwise, e.g. for small matrices that largestEigenpairs solves exactly).
 */
export function largestEigenpairsBlock(apply: BlockOperator, dimension: number, options: BlockLanczosOptions): LanczosResult {
  const n = dimension;
  const k = options.count;
  const b = options.blockSize;
  const size = options.basisSize;
  const keep = Math.max(k, Math.min(options.keep, size - b));
  if (keep + b > size || size + 2 * b > n) throw new Error('internal: block Lanczos needs keep + b ≤ basis size and basis size + 2b ≤ dimension');
  const { tolerance, random, progress } = options;

  const kernels = options.kernels ?? TYPESCRIPT_KERNELS;
  const projectOut = kernels.projectOut.bind(kernels);
  const projectBlock = kernels.projectOutBlock.bind(kernels);
  // Vectors 0 .. size − 1 are the basis proper; the block after the last step (the residual) follows.
  const basis = kernels.basis((size + b) * n);
  const t = new Float64Array(size * size);
  const w = kernels.block(b * n);
  const coefficients = new Float64Array((size + b) * b);
  const blockScratch = new Float64Array((size + b) * b);
  const r = new Float64Array(b * b);
  const before = new Float64Array(b);
  const scratch = new Float64Array(size + b);
  const discard = new Float64Array(size + b);

  let operatorNorm = 0;
  let products = 0;
  let restarts = 0;
  let converged = 0;
  let start = 0;
  for (let c = 0; c < b; c++) randomUnitVector(basis, c, n, random, scratch, discard, projectOut);

  progress.stage('truncated SVD (block thick-restart Lanczos)');
  for (;;) {
    let steps = start;
    let done = false;
    for (let j = start; j + b <= size; j += b) {
      apply(basis.subarray(j * n, (j + b) * n), w, b);
      products += b;
      for (let c = 0; c < b; c++) operatorNorm = Math.max(operatorNorm, norm(w.subarray(c * n, (c + 1) * n)));
      coefficients.fill(0, 0, (j + b) * b);
      // The block recurrence first (one pass against this block and the one before), then full
      // reorthogonalization against the whole basis, twice when a vector lost most of its norm.
      const local = j > start ? j - b : j;
      projectBlock(basis.subarray(local * n), n, j + b - local, w, b, coefficients.subarray(local * b), blockScratch);
      for (let c = 0; c < b; c++) before[c] = norm(w.subarray(c * n, (c + 1) * n));
      projectBlock(basis, n, j + b, w, b, coefficients, blockScratch);
      let again = false;
      for (let c = 0; c < b; c++) if (norm(w.subarray(c * n, (c + 1) * n)) < REORTHOGONALIZE_RATIO * before[c]!) again = true;
      if (again) projectBlock(basis, n, j + b, w, b, coefficients, blockScratch);
      // Columns j .. j + b − 1 of T = Vᵀ·H·V_j; the diagonal block symmetrized.
      for (let i = 0; i < j; i++) {
        for (let c = 0; c < b; c++) {
          t[i * size + j + c] = coefficients[i * b + c]!;
          t[(j + c) * size + i] = coefficients[i * b + c]!;
        }
      }
      for (let c = 0; c < b; c++) {
        for (let d = 0; d < b; d++) t[(j + d) * size + j + c] = 0.5 * (coefficients[(j + d) * b + c]! + coefficients[(j + c) * b + d]!);
      }
      steps = j + b;
      orthonormalizeBlock(basis, steps, n, b, w, r, operatorNorm, random, scratch, discard, projectOut);
      if (steps + b <= size) {
        for (let d = 0; d < b; d++) {
          for (let c = 0; c < b; c++) {
            t[(steps + d) * size + j + c] = r[d * b + c]!;
            t[(j + c) * size + steps + d] = r[d * b + c]!;
          }
        }
        if (steps >= k && ((steps - start) / b) % CHECK_BLOCKS === 0) {
          converged = countConvergedBlock(symmetricEigenvaluesLastRows(leading(t, size, steps), steps, b), r, b, k, tolerance);
          progress.update(products, { converged });
          if (converged >= k) {
            done = true;
            break;
          }
        }
      }
    }

    const eigen = symmetricEigen(leading(t, size, steps), steps);
    if (!done) {
      const lastRows = new Float64Array(steps * b);
      for (let c = 0; c < steps; c++) for (let d = 0; d < b; d++) lastRows[c * b + d] = eigen.vectors[(steps - b + d) * steps + c]!;
      converged = countConvergedBlock({ values: eigen.values, lastRows }, r, b, k, tolerance);
      progress.update(products, { converged });
    }
    if (converged >= k || restarts >= options.maxRestarts) {
      progress.end();
      const values = new Float64Array(k);
      values.set(eigen.values.subarray(0, k));
      kernels.rotateBasis(basis, n, steps, columns(eigen.vectors, steps, k), k);
      return { values, vectors: basis.slice(0, k * n), products, restarts, converged: Math.min(converged, k) };
    }

    // Thick restart: V ← [V·Y(:, 0..keep), the residual block]; T ← diag(θ_0..θ_{keep−1}), its arrow
    // rows recomputed by the first projection of the next cycle.
    kernels.rotateBasis(basis, n, steps, columns(eigen.vectors, steps, keep), keep);
    basis.copyWithin(keep * n, steps * n, (steps + b) * n);
    t.fill(0);
    for (let i = 0; i < keep; i++) t[i * size + i] = eigen.values[i]!;
    start = keep;
    restarts++;
  }
}

/**
 * QR of the projected block W (b vectors, orthogonal to the first `at` basis vectors): Q becomes basis
 * vectors at .. at + b − 1, R (b × b, row-major, upper triangular) goes to `r`. Classical Gram–Schmidt
 * within the block (each vector against the block's earlier ones), two passes. A vector with (almost) nothing left is a breakdown: its R diagonal is 0
 * and a random unit vector orthogonal to everything before it takes its place.
 */
function orthonormalizeBlock(
  basis: Float64Array, at: number, n: number, b: number, w: Float64Array, r: Float64Array, operatorNorm: number,
  random: Random, scratch: Float64Array, discard: Float64Array, projectOut: LanczosKernels['projectOut'],
): void {
  r.fill(0);
  const block = basis.subarray(at * n);
  const found = new Float64Array(b);
  for (let c = 0; c < b; c++) {
    const q = basis.subarray((at + c) * n, (at + c + 1) * n);
    q.set(w.subarray(c * n, (c + 1) * n));
    if (c > 0) {
      // Against the block's earlier vectors, by the kernels' projection (two passes).
      found.fill(0);
      projectOut(block, n, c, q, found, discard);
      projectOut(block, n, c, q, found, discard);
      for (let d = 0; d < c; d++) r[d * b + c] = found[d]!;
    }
    const length = norm(q);
    if (length <= BREAKDOWN_RATIO * operatorNorm) {
      // The caller keeps at + b ≤ dimension − b: there is always room for a random direction.
      randomUnitVector(basis, at + c, n, random, scratch, discard, projectOut);
    } else {
      r[c * b + c] = length;
      scale(q, 1 / length);
    }
  }
}

/** Ritz pairs among the first k whose residual ‖R·y_i[last b]‖ is within tolerance. */
function countConvergedBlock(eigen: { values: Float64Array; lastRows: Float64Array }, r: Float64Array, b: number, k: number, tolerance: number): number {
  const floor = ZERO_EIGENVALUE_RATIO * Math.abs(eigen.values[0] ?? 0);
  let converged = 0;
  for (let i = 0; i < k && i < eigen.values.length; i++) {
    let squares = 0;
    for (let d = 0; d < b; d++) {
      let s = 0;
      for (let c = d; c < b; c++) s += r[d * b + c]! * eigen.lastRows[i * b + c]!;
      squares += s * s;
    }
    if (Math.sqrt(squares) <= tolerance * Math.max(eigen.values[i]!, 0) + floor) converged++;
  }
  return converged;
}
