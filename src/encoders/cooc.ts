import { InputError } from '../core/errors.js';
import { makeMeta, SparseMatrix, type MatrixMeta } from '../core/matrix.js';
import { choice, number } from '../core/parse.js';
import { parseWindow } from './window.js';
import type { Progress } from '../core/progress.js';
import type { Corpus } from '../corpus/corpus.js';
import { maxPairSlots, mergeReadBlock } from '../corpus/budget.js';
import { SpillingPairCounter, type SpillStats } from '../counts/spill.js';
import { bucketCount, bucketCountApplies, type SortedPairs } from '../counts/bucket-count.js';
import { bucketAllowance } from '../counts/bucket-layout.js';
import { reduceDimensions, SVD_OPTIONS } from './svd-options.js';
import type { CorpusEncoder, EncodeContext, EncoderOptions, OptionSpec } from './types.js';

export const DISTANCE_WEIGHTINGS = ['none', 'harmonic', 'linear'] as const;
export type DistanceWeighting = (typeof DISTANCE_WEIGHTINGS)[number];
export const COOC_WEIGHTS = ['count', 'ppmi'] as const;

/** Defaults of the co-occurrence encoders (the hyperwords / REFERENCE.md settings). */
export const COOC_DEFAULTS = {
  window: 5,
  distanceWeighting: 'none' as DistanceWeighting,
  /** Context-distribution smoothing exponent α (Levy, Goldberg & Dagan 2015). */
  cds: 0.75,
  /** PPMI shift k: log k is subtracted (1 = no shift). */
  shift: 1,
};

export { MAX_WINDOW, parseWindow } from './window.js';

/** Window, weighting and PPMI flags, shared with the autoencoder's `--input cooc`. */
export const WINDOW_OPTIONS: OptionSpec[] = [
  { flags: '--window <n>', description: 'words on each side of the centre word', default: COOC_DEFAULTS.window, parse: parseWindow },
  {
    flags: '--distance-weighting <mode>',
    description: 'weight of a pair at distance d: none = 1, harmonic = 1/d (GloVe), linear = (window−d+1)/window (word2vec\'s dynamic window, in expectation)',
    default: COOC_DEFAULTS.distanceWeighting,
    choices: DISTANCE_WEIGHTINGS,
    parse: choice('--distance-weighting', DISTANCE_WEIGHTINGS),
  },
];

export const PPMI_OPTIONS: OptionSpec[] = [
  { flags: '--cds <alpha>', description: 'context-distribution smoothing: context counts raised to alpha in PPMI', default: COOC_DEFAULTS.cds, parse: number('--cds', 0, 1, true) },
  { flags: '--shift <k>', description: 'shifted PPMI: subtract log k (1 = no shift)', default: COOC_DEFAULTS.shift, parse: number('--shift', 1) },
];

export interface CoocOptions {
  window: number;
  distanceWeighting: DistanceWeighting;
  /** Memory budget in bytes (--memory): beyond its share the pair counts spill to sorted runs on disk (src/counts/spill.ts). */
  memory?: number;
  /** Run files merged at once (default MERGE_FAN_IN; tests lower it to force rounds). */
  fanIn?: number;
  /** Told how much was spilled, when anything was. */
  onSpill?: (stats: SpillStats) => void;
  /**
   * 'wasm' (default): bucket counting in WebAssembly (src/counts/bucket-count.ts) when its memory fits
   * the budget, else the hash table; 'typescript': always the hash table (the reference).
   */
  kernels?: 'wasm' | 'typescript';
}

/** The budget and the spill note of an encode context, for CoocOptions. */
export function spillOptions(context: Pick<EncodeContext, 'memory' | 'note'>): Pick<CoocOptions, 'memory' | 'onSpill'> {
  return {
    memory: context.memory,
    onSpill: (stats) =>
      context.note?.(
        `co-occurrence counts over the memory budget: ${stats.runs} sorted run${stats.runs === 1 ? '' : 's'} spilled to a temporary directory (${(stats.tempBytes / 1e6).toFixed(1)} MB of disk at the most), merged ${stats.rounds > 0 ? `in ${stats.rounds + 1} rounds` : 'in one pass'}`,
      ),
  };
}

/** Weight of a pair d positions apart (1 ≤ d ≤ window). */
function distanceWeight(mode: DistanceWeighting, window: number, d: number): number {
  if (mode === 'harmonic') return 1 / d;
  if (mode === 'linear') return (window - d + 1) / window;
  return 1;
}

/**
 * Symmetric window co-occurrence counts: for every pair of tokens at distance d ≤ window in the same
 * sentence, X[u][v] and X[v][u] each gain weight(d) (so a word next to itself gains 2 on the
 * diagonal, as in the hyperwords recipe). Rows and columns are the vocabulary; CSR, columns sorted.
 */
export function countCooccurrences(corpus: Corpus, options: CoocOptions, progress?: Progress): SparseMatrix {
  if (corpus.cooccurrences) return storedCooccurrences(corpus, options);
  const { stream, vocab } = corpus;
  const { window, distanceWeighting } = options;
  // No pair is further apart than the longest sentence: the weight table grows with the longest
  // sentence seen (never to a window far wider than any sentence), while the weights themselves
  // use the window asked for (`linear` depends on it).
  let weights = new Float64Array(1);
  const reachFor = (length: number): number => {
    const reach = Math.min(window, length - 1);
    if (reach >= weights.length) weights = Float64Array.from({ length: reach + 1 }, (_, d) => (d === 0 ? 0 : distanceWeight(distanceWeighting, window, d)));
    return reach;
  };
  const heldBytes = stream.memoryBytes + corpus.docStarts.byteLength;
  const maxSlots = options.memory === undefined ? Infinity : maxPairSlots(options.memory, heldBytes);
  if ((options.kernels ?? 'wasm') === 'wasm' && bucketCountApplies(vocab.size, window)) {
    progress?.stage('counting co-occurrences', stream.tokens, 'tokens');
    // The bucket counter may use what the hash table would: its share of the budget (maxPairSlots).
    const pairs = bucketCount(stream, vocab.size, window, (d) => distanceWeight(distanceWeighting, window, d), (bytes) => bytes <= bucketAllowance(maxSlots));
    if (pairs) {
      progress?.update(stream.tokens);
      progress?.end();
      return symmetricCsrOfSorted(pairs, vocab.size, vocab.words);
    }
  }
  const spilling = new SpillingPairCounter(vocab.words, {
    maxSlots,
    fanIn: options.fanIn,
    readBlock: options.memory === undefined ? undefined : mergeReadBlock(options.memory, Infinity),
    header: { window, distanceWeighting },
  });
  const counter = spilling.counter;
  const reportEvery = 1 << 14;
  let sentence = 0;
  let done = 0;
  progress?.stage('counting co-occurrences', stream.tokens, 'tokens');
  try {
    stream.forEachSentence((tokens, begin, end) => {
      const reach = reachFor(end - begin);
      for (let i = begin; i < end; i++) {
        const u = tokens[i]!;
        const last = Math.min(end - 1, i + reach);
        for (let j = i + 1; j <= last; j++) counter.add(u, tokens[j]!, weights[j - i]!);
      }
      done += end - begin;
      if ((++sentence & (reportEvery - 1)) === 0) progress?.update(done);
    });
  } catch (err) {
    spilling.discard();
    throw err;
  }
  progress?.end();
  try {
    const merged = spilling.finish();
    if (!merged) return symmetricCsr(oneBatch(counter.entries()), vocab.size, vocab.words);
    const matrix = symmetricCsr(merged, vocab.size, vocab.words, true);
    options.onSpill?.(spilling.stats);
    return matrix;
  } finally {
    spilling.discard();
  }
}

/** The count matrix of pair counts given with the corpus, when they were counted as asked. */
function storedCooccurrences(corpus: Corpus, options: CoocOptions): SparseMatrix {
  const stored = corpus.cooccurrences!;
  if (stored.window !== options.window || stored.distanceWeighting !== options.distanceWeighting) {
    throw new InputError(
      `${stored.source} holds counts of window ${stored.window} with ${stored.distanceWeighting} distance weighting; this needs window ${options.window} with ${options.distanceWeighting}`,
      `count them with \`encode cooc --window ${options.window} --distance-weighting ${options.distanceWeighting} -f counts\``,
    );
  }
  return symmetricCsr(oneBatch(stored), corpus.vocab.size, corpus.vocab.words, stored.sorted === true);
}

/** Pairs (a ≤ b) with weights, `n` of them. */
interface PairBatch {
  a: ArrayLike<number>;
  b: ArrayLike<number>;
  weight: ArrayLike<number>;
  n: number;
}

/**
 * Expand the a ≤ b pairs of a counter into the full symmetric CSR matrix, in two passes over the
 * pairs (row sizes, then entries), so that spilled runs are streamed twice rather than held. Rows
 * are filled in pair order; unless the pairs are sorted the columns are then unsorted, and the
 * transpose of that matrix has sorted columns (rows are visited in order) and, the matrix being
 * symmetric, is the same matrix. Pairs sorted by (a, b) fill every row in column order already: row
 * v gets the a < v of the pairs (a, v) in order of a, then its own (v, b), b ≥ v, in order of b.
 */
function symmetricCsr(batches: () => Iterable<PairBatch>, n: number, labels: string[], sorted = false): SparseMatrix {
  const rowNnz = new Float64Array(n + 1);
  for (const { a, b, n: m } of batches()) {
    for (let k = 0; k < m; k++) {
      rowNnz[a[k]! + 1]!++;
      if (a[k] !== b[k]) rowNnz[b[k]! + 1]!++;
    }
  }
  for (let i = 0; i < n; i++) rowNnz[i + 1]! += rowNnz[i]!;
  const indptr = rowNnz;
  const nnz = indptr[n]!;
  const indices = new Int32Array(nnz);
  const values = new Float64Array(nnz);
  const fill = indptr.slice(0, n);
  for (const { a, b, weight, n: m } of batches()) {
    for (let k = 0; k < m; k++) {
      const u = a[k]!;
      const v = b[k]!;
      const w = weight[k]!;
      if (u === v) {
        const p = fill[u]!++;
        indices[p] = u;
        values[p] = 2 * w;
      } else {
        let p = fill[u]!++;
        indices[p] = v;
        values[p] = w;
        p = fill[v]!++;
        indices[p] = u;
        values[p] = w;
      }
    }
  }
  const filled = new SparseMatrix(labels.slice(), labels.slice(), n, indptr, indices, values, makeMeta('cooc', {}));
  return sorted ? filled : filled.transpose();
}

/** Offsets an Int32Array indptr can hold. */
const MAX_INT32 = 2 ** 31 - 1;

/**
 * symmetricCsr of pairs sorted by (a, b) held in typed arrays (the bucket counter's), with an Int32
 * indptr when the non-zeros allow (the SVD kernels then share it): the same matrix, in loops V8 sees
 * one array type in (the general one takes the spill path's arrays too, and ran ~5× slower here).
 */
function symmetricCsrOfSorted(pairs: SortedPairs, n: number, labels: string[]): SparseMatrix {
  const { a, b, weight } = pairs;
  const m = a.length;
  if (2 * m > MAX_INT32) return symmetricCsr(oneBatch(pairs), n, labels, true);
  const indptr = new Int32Array(n + 1);
  for (let k = 0; k < m; k++) {
    indptr[a[k]! + 1]!++;
    if (a[k] !== b[k]) indptr[b[k]! + 1]!++;
  }
  for (let i = 0; i < n; i++) indptr[i + 1]! += indptr[i]!;
  const nnz = indptr[n]!;
  const indices = new Int32Array(nnz);
  const values = new Float64Array(nnz);
  const fill = indptr.slice(0, n);
  for (let k = 0; k < m; k++) {
    const u = a[k]!;
    const v = b[k]!;
    const w = weight[k]!;
    if (u === v) {
      const p = fill[u]!++;
      indices[p] = u;
      values[p] = 2 * w;
    } else {
      let p = fill[u]!++;
      indices[p] = v;
      values[p] = w;
      p = fill[v]!++;
      indices[p] = u;
      values[p] = w;
    }
  }
  return new SparseMatrix(labels.slice(), labels.slice(), n, indptr, indices, values, makeMeta('cooc', {}));
}

/** One batch of pair arrays, as symmetricCsr takes them. */
const oneBatch = (pairs: { a: ArrayLike<number>; b: ArrayLike<number>; weight: ArrayLike<number> }) => (): PairBatch[] => [{ ...pairs, n: pairs.a.length }];

export interface PpmiOptions {
  cds: number;
  shift: number;
}

/**
 * The marginals PPMI needs from a count matrix: X(w) the row sums, X(c)^α the smoothed column sums
 * and their total, and log k. Computed once; `pmiOf` then weighs any cell, so one row can be
 * weighted (`wordspace explain`) exactly as the whole matrix is.
 */
export interface PpmiMarginals {
  rowSums: Float64Array;
  contextPower: Float64Array;
  contextTotal: number;
  logShift: number;
}

export function ppmiMarginals(counts: SparseMatrix, options: PpmiOptions): PpmiMarginals {
  const { indptr, indices, values, nRows, nCols } = counts;
  const rowSums = new Float64Array(nRows);
  const contextPower = new Float64Array(nCols);
  for (let i = 0; i < nRows; i++) {
    const end = indptr[i + 1]!;
    let sum = 0;
    for (let p = indptr[i]!; p < end; p++) {
      const x = values[p]!;
      sum += x;
      contextPower[indices[p]!]! += x;
    }
    rowSums[i] = sum;
  }
  let contextTotal = 0;
  for (let j = 0; j < nCols; j++) {
    contextPower[j] = Math.pow(contextPower[j]!, options.cds);
    contextTotal += contextPower[j]!;
  }
  return { rowSums, contextPower, contextTotal, logShift: Math.log(options.shift) };
}

/** Shifted PMI of the cell (i, j) holding count x; PPMI is this when positive, else 0. */
export function pmiOf(marginals: PpmiMarginals, i: number, j: number, x: number): number {
  return Math.log((x * marginals.contextTotal) / (marginals.rowSums[i]! * marginals.contextPower[j]!)) - marginals.logShift;
}

/**
 * PPMI(w, c) = max(0, log(X_wc · Σ_c' X(c')^α / (X(w) · X(c)^α)) − log k) with X(w) the row sums
 * and X(c) the column sums (Levy, Goldberg & Dagan 2015; DESIGN.md). Zeros are dropped.
 * `reuse`: write the result over the count matrix's own indices and values (a row's output never
 * runs ahead of its input), for a caller that drops the counts — half the peak memory of this step.
 */
export function ppmiMatrix(counts: SparseMatrix, options: PpmiOptions, reuse = false): SparseMatrix {
  const { indptr, indices, values, nRows, nCols } = counts;
  const marginals = ppmiMarginals(counts, options);
  const nnz = counts.nnz;
  const outIdx = reuse ? indices : new Int32Array(nnz);
  const outVal = reuse && values instanceof Float64Array ? values : new Float64Array(nnz);
  const outPtr = nnz <= MAX_INT32 ? new Int32Array(nRows + 1) : new Float64Array(nRows + 1);
  const { rowSums, contextPower, contextTotal, logShift } = marginals;
  let q = 0;
  for (let i = 0; i < nRows; i++) {
    const end = indptr[i + 1]!;
    const rowSum = rowSums[i]!;
    for (let p = indptr[i]!; p < end; p++) {
      const j = indices[p]!;
      // pmiOf(marginals, i, j, x), inlined: the same expression, the same doubles.
      const pmi = Math.log((values[p]! * contextTotal) / (rowSum * contextPower[j]!)) - logShift;
      if (pmi > 0) {
        outIdx[q] = j;
        outVal[q++] = pmi;
      }
    }
    outPtr[i + 1] = q;
  }
  return new SparseMatrix(counts.rows, counts.columns, nCols, outPtr, outIdx.slice(0, q), outVal.slice(0, q), counts.meta);
}

/** Count (and optionally PPMI-weight) co-occurrences with the flags of WINDOW_OPTIONS/PPMI_OPTIONS. */
export function coocFromOptions(corpus: Corpus, options: EncoderOptions, progress?: Progress, spill: Pick<CoocOptions, 'memory' | 'onSpill'> = {}): SparseMatrix {
  const counts = countCooccurrences(
    corpus,
    { window: options.window as number, distanceWeighting: options.distanceWeighting as DistanceWeighting, ...spill },
    progress,
  );
  if (options.weight === 'count') return counts;
  // The counts (a matrix of their own, built above) are dropped here: PPMI is written over them.
  return ppmiMatrix(counts, { cds: options.cds as number, shift: options.shift as number }, true);
}

export const cooc: CorpusEncoder = {
  name: 'cooc',
  summary: 'window co-occurrence vectors: counts or PPMI, optionally reduced by truncated SVD (--dim)',
  input: 'corpus',
  countsInput: true,
  countsOutput: true,
  defaultMinCount: 1,
  options: [
    ...WINDOW_OPTIONS,
    { flags: '--weight <weight>', description: 'cell values: raw (weighted) counts or positive PMI', default: 'count', choices: COOC_WEIGHTS, parse: choice('--weight', COOC_WEIGHTS) },
    ...PPMI_OPTIONS,
    ...SVD_OPTIONS,
  ],
  async encode(corpus, options, context) {
    const matrix = coocFromOptions(corpus, options, context.progress, spillOptions(context));
    const effective: Record<string, unknown> = {
      window: options.window,
      distanceWeighting: options.distanceWeighting,
      weight: options.weight,
      ...(options.weight === 'ppmi' ? { cds: options.cds, shift: options.shift } : {}),
    };
    const meta: MatrixMeta = makeMeta('cooc', effective, { vocabularySize: corpus.vocab.size, nonZeros: matrix.nnz });
    matrix.meta = meta;
    return reduceDimensions(matrix, options, context);
  },
};
