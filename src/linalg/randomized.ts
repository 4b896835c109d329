/**
 * Randomized SVD: the randomized subspace iteration of Halko, Martinsson & Tropp (2011, Algorithm
 * 4.4) followed by the SVD of the small matrix B = QᵀA (their Algorithm 5.1). Blocks are row-major
 * n × b Float64Arrays, so every product with A is one CSR × block pass.
 */
import type { Progress } from '../core/progress.js';
import type { Random } from '../core/random.js';
import { symmetricEigen } from './dense.js';
import { multiplyBlock, type Csr } from './sparse.js';

/**
 * Directions of the block whose Gram eigenvalue is below this fraction of the largest are dropped
 * (set to zero) by the orthonormalization: they are rounding noise (λ ∝ σ², so ~1e-14 ↔ σ ~1e-7·σ₁).
 */
const DROP_RATIO = 1e-14;

/** U (n × k), S (k), V (m × k) of A ≈ U·diag(S)·Vᵀ; `at` is Aᵀ in CSR; width = k + oversampling. */
export function randomizedSvd(
  a: Csr,
  at: Csr,
  k: number,
  width: number,
  powerIterations: number,
  random: Random,
  progress: Progress,
): { U: Float64Array; S: Float64Array; V: Float64Array } {
  const n = a.nRows;
  const m = a.nCols;
  const omega = new Float64Array(m * width);
  for (let i = 0; i < omega.length; i++) omega[i] = random.normal();
  const q = new Float64Array(n * width);
  const z = new Float64Array(m * width);
  progress.stage('truncated SVD (randomized)', powerIterations + 1, 'iterations');
  multiplyBlock(a, omega, width, q);
  orthonormalize(q, n, width, 1);
  for (let it = 0; it < powerIterations; it++) {
    // Q ← orth(A·orth(Aᵀ·Q)): one pass each in between (the basis only needs to stay well conditioned).
    multiplyBlock(at, q, width, z);
    orthonormalize(z, m, width, 1);
    multiplyBlock(a, z, width, q);
    orthonormalize(q, n, width, it === powerIterations - 1 ? 2 : 1);
    progress.update(it + 1);
  }
  if (powerIterations === 0) orthonormalize(q, n, width, 1);
  // Bᵀ = Aᵀ·Q (m × b); B·Bᵀ = W·Λ·Wᵀ gives σ = √λ, U = Q·W, V = Bᵀ·W·Σ⁻¹.
  multiplyBlock(at, q, width, z);
  const gram = gramMatrix(z, m, width);
  const eigen = symmetricEigen(gram, width);
  const S = new Float64Array(k);
  for (let c = 0; c < k; c++) S[c] = Math.sqrt(Math.max(0, eigen.values[c]!));
  const wk = new Float64Array(width * k);
  for (let j = 0; j < width; j++) for (let c = 0; c < k; c++) wk[j * k + c] = eigen.vectors[j * width + c]!;
  const U = timesSmall(q, n, width, wk, k);
  const V = timesSmall(z, m, width, wk, k);
  const zero = DROP_RATIO * (S[0] ?? 0) ** 2;
  for (let c = 0; c < k; c++) {
    const keep = S[c]! ** 2 > zero;
    if (!keep) S[c] = 0;
    const inverse = keep ? 1 / S[c]! : 0;
    for (let r = 0; r < m; r++) V[r * k + c]! *= inverse;
    if (!keep) for (let r = 0; r < n; r++) U[r * k + c] = 0;
  }
  progress.end();
  return { U, S, V };
}

/** G = XᵀX for a row-major rows × b block (upper triangle accumulated row by row, then mirrored). */
function gramMatrix(x: Float64Array, rows: number, b: number): Float64Array {
  const g = new Float64Array(b * b);
  for (let r = 0; r < rows; r++) {
    const base = r * b;
    for (let c1 = 0; c1 < b; c1++) {
      const v = x[base + c1]!;
      if (v === 0) continue;
      const gb = c1 * b;
      for (let c2 = c1; c2 < b; c2++) g[gb + c2]! += v * x[base + c2]!;
    }
  }
  for (let c1 = 0; c1 < b; c1++) for (let c2 = 0; c2 < c1; c2++) g[c1 * b + c2] = g[c2 * b + c1]!;
  return g;
}

/** X·M for row-major X (rows × b) and M (b × width). */
function timesSmall(x: Float64Array, rows: number, b: number, mat: Float64Array, width: number): Float64Array {
  const out = new Float64Array(rows * width);
  for (let r = 0; r < rows; r++) {
    const xb = r * b;
    const ob = r * width;
    for (let j = 0; j < b; j++) {
      const v = x[xb + j]!;
      if (v === 0) continue;
      const mb = j * width;
      for (let c = 0; c < width; c++) out[ob + c]! += v * mat[mb + c]!;
    }
  }
  return out;
}

/**
 * Orthonormalize the columns of a row-major rows × b block in place by SVQB (Stathopoulos & Wu 2002):
 * XᵀX = W·Λ·Wᵀ, X ← X·W·Λ^(−1/2). Rank-deficient directions (λ below DROP_RATIO·λ_max) become zero
 * columns instead of amplified noise. One pass leaves an orthogonality error ~ε·cond(X)²; two passes
 * reach rounding level.
 */
function orthonormalize(x: Float64Array, rows: number, b: number, passes: number): void {
  for (let pass = 0; pass < passes; pass++) {
    const eigen = symmetricEigen(gramMatrix(x, rows, b), b);
    const largest = Math.max(eigen.values[0] ?? 0, 0);
    const transform = new Float64Array(b * b);
    for (let c = 0; c < b; c++) {
      const lambda = eigen.values[c]!;
      const factor = lambda > DROP_RATIO * largest && lambda > 0 ? 1 / Math.sqrt(lambda) : 0;
      for (let j = 0; j < b; j++) transform[j * b + c] = eigen.vectors[j * b + c]! * factor;
    }
    x.set(timesSmall(x, rows, b, transform, b));
  }
}
