/**
 * Truncated SVD of a sparse matrix, A ≈ U·diag(S)·Vᵀ with the k largest singular values, and the
 * embedding U·Σ^p that `encode doc --dim` (LSA) and `encode cooc --dim` (PPMI-SVD) output.
 *
 * Default algorithm: thick-restart Lanczos on AᵀA (or AAᵀ, whichever is smaller) — what scipy's
 * `svds` does through ARPACK. The randomized range finder of Halko, Martinsson & Tropp (2011) is the
 * alternative (`algorithm: 'randomized'`): faster per product but, on spectra as flat as PPMI's,
 * far from converged at any practical number of power iterations (docs/svd.md has the figures).
 * Only sparse × dense products touch A; no n × n matrix is ever formed.
 */
import { InputError } from '../core/errors.js';
import { DenseMatrix, type SparseMatrix } from '../core/matrix.js';
import { silentProgress, type Progress } from '../core/progress.js';
import { Random } from '../core/random.js';
import { basisToRows } from './dense.js';
import { blockOperator, largestEigenpairs, largestEigenpairsBlock, TYPESCRIPT_KERNELS, type BlockOperator, type LanczosResult } from './lanczos.js';
import { randomizedSvd } from './randomized.js';
import { multiplyVector, toCsr, transposeCsr, type Csr } from './sparse.js';
import { KERNEL_BLOCK, PARALLEL_MIN_NONZEROS, WasmSvdKernels } from './wasm-svd.js';
import { availableParallelism } from 'node:os';

export const SVD_ALGORITHMS = ['lanczos', 'randomized'] as const;
/** The kernels Lanczos runs on: WebAssembly SIMD (wasm-svd.ts) or the pure-TypeScript reference. */
export const SVD_KERNELS = ['wasm', 'typescript'] as const;
export type SvdKernels = (typeof SVD_KERNELS)[number];
export type SvdAlgorithm = (typeof SVD_ALGORITHMS)[number];

export interface SvdOptions {
  /** k, the number of singular triplets. */
  dim: number;
  /** p in U·Σ^p (svdEmbedding only). */
  eig: number;
  seed: number;
  /**
   * Lanczos: basis vectors beyond k (default max(32, 1.5·k), i.e. a basis of 2.5·k like ARPACK's
   * 2k+1). Randomized: extra test vectors (default 10).
   */
  oversample?: number;
  /** Randomized only: power iterations (default 7, or 4 when k ≥ 10% of the smaller side, as scikit-learn). */
  powerIterations?: number;
  progress?: Progress;
  /** Default 'lanczos'. */
  algorithm?: SvdAlgorithm;
  /** Lanczos: relative residual at which a singular pair has converged (default 1e-5). */
  tolerance?: number;
  /** Also return V (default true; svdEmbedding does not need it). */
  computeV?: boolean;
  /** Lanczos: the kernels (default 'wasm'; 'typescript' is the reference they are tested against). */
  kernels?: SvdKernels;
  /**
   * Lanczos with the wasm kernels: threads sharing each product (1 or 2; default 2 when the machine
   * has two cores and the matrix has PARALLEL_MIN_NONZEROS or more, else 1). Every call is cut into
   * the same pieces whatever the thread count, so 1 and 2 threads give the same bytes, run to run.
   */
  threads?: number;
  /**
   * Lanczos: vectors per step, 1 (single-vector Lanczos) or 4 (block Lanczos: one pass over the
   * matrix multiplies four vectors). Default LANCZOS_BLOCK_SIZE; matrices too small for a block basis
   * (basis + 2 blocks > the smaller side) always run single-vector.
   */
  blockSize?: number;
}

export interface SvdInfo {
  algorithm: SvdAlgorithm;
  /** Products with A plus products with Aᵀ (a block product of width b counts b). */
  matrixVectorProducts: number;
  /** Lanczos: basis size; randomized: k + oversample. */
  basisSize: number;
  /** Lanczos: restarts and converged triplets (dim unless the restart limit was hit). */
  restarts?: number;
  converged?: number;
  /** Lanczos: vectors per step (1 single-vector, 4 block). */
  blockSize?: number;
  oversample: number;
  powerIterations?: number;
  tolerance?: number;
}

export interface SvdResult {
  /** n × k row-major, orthonormal columns (a column is zero where its singular value is zero; so is V's). */
  U: Float64Array;
  /** k singular values, descending. */
  S: Float64Array;
  /** m × k row-major (when computeV). */
  V?: Float64Array;
  info: SvdInfo;
}

/** Lanczos basis: at least this many vectors beyond k (ARPACK's floor on ncv is 20; small k needs room). */
const LANCZOS_MIN_OVERSAMPLE = 32;
/** Lanczos basis: k + 1.5·k vectors (measured on the English-mix PPMI matrix: 2.5·k needs the fewest products; docs/svd.md). */
const LANCZOS_OVERSAMPLE_FACTOR = 1.5;
/** Share of the extra basis vectors kept as Ritz vectors over a restart (k + 0.2·(basis − k); docs/svd.md). */
const LANCZOS_KEEP_SHARE = 0.2;
/**
 * Relative residual ‖AᵀA·v − σ²·v‖ ≤ tol·σ² of a converged pair. It bounds each σ's relative error by
 * tol/2 whatever the spectrum; on the PPMI matrix the top 100 then agree with ARPACK's to 2e-10.
 */
const LANCZOS_TOLERANCE = 1e-5;
/** Lanczos vectors per step by default (docs/svd.md: block Lanczos). */
const LANCZOS_BLOCK_SIZE = KERNEL_BLOCK;
/** Restart limit; the PPMI matrix converges in 2–3 restarts. */
const LANCZOS_MAX_RESTARTS = 200;
/** Randomized SVD oversampling p (Halko et al. 2011 §4.2 suggest 5–10; scikit-learn uses 10). */
const RANDOMIZED_OVERSAMPLE = 10;
/** scikit-learn's randomized_svd `n_iter='auto'`: 7 power iterations, 4 when k ≥ 10% of min(n, m). */
const RANDOMIZED_POWER_ITERATIONS = 7;
const RANDOMIZED_POWER_ITERATIONS_LARGE_K = 4;
const RANDOMIZED_LARGE_K_SHARE = 0.1;
/**
 * Singular values at or below this fraction of the largest are zero: Lanczos works with σ², known to
 * ~1e-16·σ₁², so below ~1e-8·σ₁ a value is rounding noise; its U column is set to zero rather than
 * to noise (zero columns leave cosine similarities alone).
 */
const ZERO_SINGULAR_RATIO = 1e-7;

/** The k largest singular triplets of m. */
export function truncatedSvd(m: SparseMatrix, options: SvdOptions): SvdResult {
  const k = options.dim;
  const limit = Math.min(m.nRows, m.nCols) - 1;
  if (!Number.isInteger(k) || k < 1) throw new InputError(`--dim must be a positive integer, not ${k}`, 'give --dim a whole number such as 100');
  if (k > limit) {
    throw new InputError(`--dim ${k} is larger than this matrix allows (at most ${Math.max(0, limit)} for a ${m.nRows}×${m.nCols} matrix)`, 'lower --dim');
  }
  const algorithm = options.algorithm ?? 'lanczos';
  const progress = options.progress ?? silentProgress;
  const computeV = options.computeV ?? true;
  const a = toCsr(m);
  const random = new Random(options.seed);
  const result = algorithm === 'randomized' ? randomized(a, k, options, random, progress) : lanczos(a, k, options, random, progress);
  fixSigns(result.U, result.V, m.nRows, m.nCols, k);
  if (!computeV) delete result.V;
  return result;
}

/**
 * Lanczos on the Gram matrix of the smaller side: H = AᵀA (m × m) when m ≤ n, giving V, then
 * U = A·V·Σ⁻¹; otherwise H = AAᵀ giving U, then V = Aᵀ·U·Σ⁻¹.
 */
function lanczos(a: Csr, k: number, options: SvdOptions, random: Random, progress: Progress): SvdResult {
  const onColumns = a.nCols <= a.nRows;
  const dimension = onColumns ? a.nCols : a.nRows;
  const oversample = options.oversample ?? Math.max(LANCZOS_MIN_OVERSAMPLE, Math.ceil(LANCZOS_OVERSAMPLE_FACTOR * k));
  const basisSize = k + oversample;
  const keep = k + Math.ceil(LANCZOS_KEEP_SHARE * oversample);
  const tolerance = options.tolerance ?? LANCZOS_TOLERANCE;
  const otherSize = onColumns ? a.nRows : a.nCols;
  const wanted = options.blockSize ?? LANCZOS_BLOCK_SIZE;
  if (wanted !== 1 && wanted !== KERNEL_BLOCK) throw new Error(`internal: Lanczos block size ${wanted} (1 or ${KERNEL_BLOCK})`);
  // A block basis needs room for a restart's residual block and a spare one; small matrices run
  // single-vector (which also solves them exactly when the basis spans the space).
  const blockSize = wanted > 1 && keep + wanted <= basisSize && basisSize + 2 * wanted <= dimension ? wanted : 1;
  // H = BᵀB with B = A (on the columns) or Aᵀ; the other side is then B·(eigenvector) / σ.
  let apply: (x: Float64Array, y: Float64Array) => void;
  let applyBlock: BlockOperator;
  let multiplyOther: OtherSide;
  let kernels: WasmSvdKernels | undefined;
  if ((options.kernels ?? 'wasm') === 'wasm') {
    const b = onColumns ? a : transposeCsr(a);
    const size = Math.min(basisSize, dimension);
    const threads = options.threads ?? (b.indptr[b.nRows]! >= PARALLEL_MIN_NONZEROS ? Math.min(2, availableParallelism()) : 1);
    const basisLength = (size + blockSize) * dimension;
    kernels = new WasmSvdKernels(b, basisLength, size, Math.min(2, Math.max(1, threads)), k, blockSize > 1 ? blockSize : 0);
    apply = kernels.apply;
    applyBlock = kernels.applyBlock;
    // One pass over B with the k vectors as rows: 100 passes over B cost ~20× more here.
    multiplyOther = (_, rows) => kernels!.multiplyBlock(rows, k);
  } else {
    // Aᵀ as its own CSR: a gathering product on it is ~25% faster than scattering through A (measured on
    // the PPMI matrix), for one more copy of the matrix.
    const at = transposeCsr(a);
    const first = onColumns ? a : at;
    const second = onColumns ? at : a;
    const middle = new Float64Array(first.nRows);
    apply = (x, y) => {
      multiplyVector(first, x, middle);
      multiplyVector(second, middle, y);
    };
    applyBlock = blockOperator(apply, dimension);
    // One vector at a time: column-wise products beat one CSR × block product in JavaScript (the
    // block's random row reads miss the cache).
    multiplyOther = (vectors) => {
      const others = new Float64Array(otherSize * k);
      for (let c = 0; c < k; c++) multiplyVector(first, vectors.subarray(c * dimension, (c + 1) * dimension), others.subarray(c * otherSize, (c + 1) * otherSize));
      return basisToRows(others, otherSize, k);
    };
  }
  try {
    const eigenOptions = { count: k, basisSize, keep, tolerance, maxRestarts: LANCZOS_MAX_RESTARTS, random, progress, kernels: kernels ?? TYPESCRIPT_KERNELS };
    const eigen =
      blockSize > 1 ? largestEigenpairsBlock(applyBlock, dimension, { ...eigenOptions, blockSize }) : largestEigenpairs(apply, dimension, eigenOptions);
    return otherSide(eigen, multiplyOther, onColumns, dimension, otherSize, k, basisSize, oversample, tolerance, blockSize);
  } finally {
    kernels?.close();
  }
}

/** B·V for the k eigenvectors (given one after another, and as dimension × k rows): otherSize × k row-major. */
type OtherSide = (vectors: Float64Array, rows: Float64Array) => Float64Array;

/** σ = √θ and the other side of the SVD from the eigenpairs of the Gram matrix. */
function otherSide(
  eigen: LanczosResult, multiplyOther: OtherSide, onColumns: boolean, dimension: number, otherSize: number, k: number, basisSize: number,
  oversample: number, tolerance: number, blockSize: number,
): SvdResult {
  const S = new Float64Array(k);
  for (let c = 0; c < k; c++) S[c] = Math.sqrt(Math.max(0, eigen.values[c]!));
  zeroNegligible(S);
  for (let c = 0; c < k; c++) if (S[c] === 0) eigen.vectors.fill(0, c * dimension, (c + 1) * dimension); // a null-space direction: zero, as documented
  const found = basisToRows(eigen.vectors, dimension, k);
  // The other side: u_c = A·v_c / σ_c (or v_c = Aᵀ·u_c / σ_c), otherSize × k row-major.
  const other = multiplyOther(eigen.vectors, found);
  for (let i = 0; i < otherSize; i++) {
    for (let c = 0; c < k; c++) other[i * k + c] = S[c] === 0 ? 0 : other[i * k + c]! / S[c]!;
  }
  const info: SvdInfo = {
    algorithm: 'lanczos',
    matrixVectorProducts: 2 * eigen.products + k,
    basisSize: Math.min(basisSize, dimension),
    restarts: eigen.restarts,
    converged: eigen.converged,
    blockSize,
    oversample,
    tolerance,
  };
  return onColumns ? { U: other, S, V: found, info } : { U: found, S, V: other, info };
}

function randomized(a: Csr, k: number, options: SvdOptions, random: Random, progress: Progress): SvdResult {
  const oversample = options.oversample ?? RANDOMIZED_OVERSAMPLE;
  const largeK = k >= RANDOMIZED_LARGE_K_SHARE * Math.min(a.nRows, a.nCols);
  const powerIterations = options.powerIterations ?? (largeK ? RANDOMIZED_POWER_ITERATIONS_LARGE_K : RANDOMIZED_POWER_ITERATIONS);
  const width = Math.min(k + oversample, Math.min(a.nRows, a.nCols));
  const { U, S, V } = randomizedSvd(a, transposeCsr(a), k, width, powerIterations, random, progress);
  return {
    U,
    S,
    V,
    info: {
      algorithm: 'randomized',
      matrixVectorProducts: width * (2 * powerIterations + 2),
      basisSize: width,
      oversample: width - k,
      powerIterations,
    },
  };
}

/** Singular values at or below ZERO_SINGULAR_RATIO·σ₁ become exactly 0 (their vectors are then zero). */
function zeroNegligible(s: Float64Array): void {
  const zero = ZERO_SINGULAR_RATIO * (s[0] ?? 0);
  for (let c = 0; c < s.length; c++) if (s[c]! <= zero) s[c] = 0;
}

/**
 * Deterministic signs: each column of U is flipped (with the same column of V) so that its entry of
 * largest magnitude — the first such, on ties — is positive. Singular vectors are only defined up to
 * sign, so without this two runs or two algorithms could disagree.
 */
function fixSigns(u: Float64Array, v: Float64Array | undefined, nRows: number, nCols: number, k: number): void {
  for (let c = 0; c < k; c++) {
    let largest = 0;
    let sign = 1;
    for (let r = 0; r < nRows; r++) {
      const x = u[r * k + c]!;
      if (Math.abs(x) > largest) {
        largest = Math.abs(x);
        sign = x < 0 ? -1 : 1;
      }
    }
    if (sign > 0) continue;
    for (let r = 0; r < nRows; r++) u[r * k + c] = -u[r * k + c]!;
    if (v) for (let r = 0; r < nCols; r++) v[r * k + c] = -v[r * k + c]!;
  }
}

/**
 * Word (or document) vectors U·Σ^p: a DenseMatrix with m's row labels, no column labels, and m's
 * metadata extended with `svd: {dim, eig, algorithm, …, singularValues}`.
 */
export function svdEmbedding(m: SparseMatrix, options: SvdOptions): DenseMatrix {
  const { U, S, info } = truncatedSvd(m, { ...options, computeV: false });
  const k = options.dim;
  const weights = new Float64Array(k);
  // Σ^p; a zero singular value weights its (zero) column by 0 even when p = 0.
  for (let c = 0; c < k; c++) weights[c] = S[c]! > 0 ? Math.pow(S[c]!, options.eig) : 0;
  const data = new Float32Array(m.nRows * k);
  for (let r = 0; r < m.nRows; r++) {
    for (let c = 0; c < k; c++) data[r * k + c] = U[r * k + c]! * weights[c]!;
  }
  const meta = {
    ...m.meta,
    svd: {
      dim: k,
      eig: options.eig,
      ...info,
      singularValues: Array.from(S),
    },
  };
  return new DenseMatrix(m.rows, null, k, data, meta);
}
