/**
 * The arithmetic of document vectors from word vectors: weighted averages over each document's
 * tokens, and the removal of the common component (Arora, Liang & Ma 2017, "A Simple but
 * Tough-to-Beat Baseline for Sentence Embeddings", and their reference code
 * github.com/PrincetonML/SIF, src/SIF_embedding.py). No I/O; every input is ids and typed arrays.
 */
import { symmetricEigen } from '../../linalg/dense.js';
import type { Corpus } from '../../corpus/corpus.js';

/** SIF's a (`--sif-a`): the paper's experiments and the reference code use 1e-3 (weights flat from about 1e-3 to 1e-4). */
export const DEFAULT_SIF_A = 1e-3;
/** Common components removed (`--sif-components`): the reference code's npc = 1. */
export const DEFAULT_SIF_COMPONENTS = 1;

/**
 * SIF weights per vocabulary id: a / (a + p(w)) with p(w) = count(w) / Σ counts, the counts of
 * the kept vocabulary (after --min-count) of the corpus being encoded.
 */
export function sifWeights(counts: ArrayLike<number>, a: number): Float64Array {
  let total = 0;
  for (let i = 0; i < counts.length; i++) total += counts[i]!;
  const weights = new Float64Array(counts.length);
  for (let i = 0; i < counts.length; i++) weights[i] = total > 0 ? a / (a + counts[i]! / total) : 1;
  return weights;
}

/** Word vectors laid out by vocabulary id: row `id` of `data` when `has[id]` is 1. */
export interface VocabularyVectors {
  dim: number;
  /** vocab.size × dim, row-major. */
  data: Float64Array;
  /** 1 when the vocabulary word has a vector. */
  has: Uint8Array;
}

export interface WeightedAverages {
  /** documents × dim, row-major. */
  data: Float64Array;
  /** Documents none of whose tokens has a vector (their rows are zero). */
  empty: number;
}

/**
 * Each document's weighted average of its tokens' vectors: Σ weight(w)·v(w) over the token
 * occurrences that have a vector, divided by the number of those occurrences (SIF_embedding.py's
 * get_weighted_average: `W[x].T · w / count_nonzero(w)`). `weights` undefined: all 1, the plain mean.
 */
export function weightedAverages(corpus: Pick<Corpus, 'stream' | 'docStarts'>, vectors: VocabularyVectors, weights?: Float64Array): WeightedAverages {
  const { stream, docStarts } = corpus;
  const { dim, data: table, has } = vectors;
  const nDocs = docStarts.length - 1;
  const data = new Float64Array(nDocs * dim);
  let doc = 0;
  let used = 0;
  let empty = 0;
  const closeDoc = (): void => {
    if (used === 0) empty++;
    else for (let j = 0, base = doc * dim; j < dim; j++) data[base + j]! /= used;
    used = 0;
    doc++;
  };
  let sentence = 0;
  stream.forEachSentence((tokens, begin, end) => {
    while (doc < nDocs && sentence >= docStarts[doc + 1]!) closeDoc();
    const base = doc * dim;
    for (let p = begin; p < end; p++) {
      const id = tokens[p]!;
      if (has[id] !== 1) continue;
      const w = weights ? weights[id]! : 1;
      const from = id * dim;
      for (let j = 0; j < dim; j++) data[base + j]! += w * table[from + j]!;
      used++;
    }
    sentence++;
  });
  while (doc < nDocs) closeDoc();
  return { data, empty };
}

/**
 * The first `k` right singular vectors of the (uncentred) rows × dim matrix X — the top
 * eigenvectors of XᵀX, computed exactly (dim is small) — as k × dim rows, and their singular values.
 * The reference code gets the same vectors from scikit-learn's TruncatedSVD (randomized, n_iter=7).
 */
export function principalComponents(data: Float64Array, rows: number, dim: number, k: number): { components: Float64Array; singularValues: Float64Array } {
  const gram = new Float64Array(dim * dim);
  for (let i = 0; i < rows; i++) {
    const base = i * dim;
    for (let a = 0; a < dim; a++) {
      const xa = data[base + a]!;
      if (xa === 0) continue;
      for (let b = a; b < dim; b++) gram[a * dim + b]! += xa * data[base + b]!;
    }
  }
  for (let a = 0; a < dim; a++) for (let b = 0; b < a; b++) gram[a * dim + b] = gram[b * dim + a]!;
  const { values, vectors } = symmetricEigen(gram, dim);
  const components = new Float64Array(k * dim);
  const singularValues = new Float64Array(k);
  for (let c = 0; c < k; c++) {
    singularValues[c] = Math.sqrt(Math.max(0, values[c]!));
    for (let j = 0; j < dim; j++) components[c * dim + j] = vectors[j * dim + c]!;
  }
  return { components, singularValues };
}

/** X ← X − X·Cᵀ·C for the k × dim unit components C (SIF_embedding.py's remove_pc), in place. */
export function removeComponents(data: Float64Array, rows: number, dim: number, components: Float64Array, k: number): void {
  for (let i = 0; i < rows; i++) {
    const base = i * dim;
    for (let c = 0; c < k; c++) {
      const u = c * dim;
      let projection = 0;
      for (let j = 0; j < dim; j++) projection += data[base + j]! * components[u + j]!;
      if (projection === 0) continue;
      for (let j = 0; j < dim; j++) data[base + j]! -= projection * components[u + j]!;
    }
  }
}
