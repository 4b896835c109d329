/**
 * `wordspace explain`: why two words are similar in PPMI space, and what a word's strongest contexts
 * are. Pure functions over the symmetric window co-occurrence count matrix (`countCooccurrences`),
 * weighted with the very functions `encode cooc --weight ppmi` uses (`ppmiMarginals`, `pmiOf`), so
 * the values shown are the cells of that matrix.
 *
 * The cosine of two PPMI rows a and b splits over the contexts c:
 *
 *   cos = Σ_c â_c · b̂_c                  with â = a/‖a‖, b̂ = b/‖b‖   (the shared contexts' shares)
 *   1 − cos = Σ_c (â_c − b̂_c)² / 2                                   (what pulls them apart)
 *
 * since Σ_c â_c² = Σ_c b̂_c² = 1. A context only one word has adds nothing to the dot product but
 * a_c²/‖a‖² to that word's norm, and all of it to the second sum.
 */
import type { SparseMatrix } from '../core/matrix.js';
import { DEFAULT_TOP, type WordVectors } from '../core/vectors.js';
import { COOC_DEFAULTS, pmiOf, ppmiMarginals, type PpmiMarginals, type PpmiOptions } from '../encoders/cooc.js';
import { unknownWordError } from '../query/suggest.js';

/** Defaults of `explain`: the contexts listed per table, and how deep the shared-neighbour search goes. */
export const EXPLAIN_DEFAULTS = {
  top: DEFAULT_TOP,
  /** A neighbour is shared when it is among this many nearest neighbours of both words. */
  neighbourhood: 50,
};

export interface ExplainOptions extends Partial<PpmiOptions> {
  /** Contexts (or neighbours) listed per table (default 10). */
  top?: number;
}

/** One context of a word: its PPMI, the pair count X(w, c) and the context's total count X(c). */
export interface ContextStrength {
  context: string;
  ppmi: number;
  count: number;
  contextTotal: number;
}

/** `explain CORPUS WORD`. */
export interface WordExplanation {
  word: string;
  /** X(w): the word's co-occurrence total (its row sum). */
  total: number;
  /** Contexts the word co-occurs with at all. */
  contexts: number;
  /** Of those, the contexts with positive PPMI (the non-zeros of its PPMI row). */
  positive: number;
  /** Euclidean norm of its PPMI row. */
  norm: number;
  /** The `top` contexts by PPMI. */
  strongest: ContextStrength[];
}

/** A context seen from both words; pairs of values are in the order of `words`. */
export interface PairContext {
  context: string;
  ppmi: [number, number];
  /** Pair counts X(w1, c), X(w2, c). */
  counts: [number, number];
  /** PPMI² / ‖row‖²: the context's part of each word's squared norm (each word's parts sum to 1). */
  normShare: [number, number];
  /**
   * Shared contexts: â_c · b̂_c, the context's part of the cosine (all of them sum to the cosine).
   * Separating contexts: (â_c − b̂_c)² / 2, its part of 1 − cosine (all of them sum to 1 − cosine).
   */
  share: number;
}

/** `explain CORPUS WORD1 WORD2`. */
export interface PairExplanation {
  words: [string, string];
  /** Cosine of the two PPMI rows (0 when a row is all zeros). */
  cosine: number;
  norms: [number, number];
  /** Contexts with positive PPMI, per word. */
  contexts: [number, number];
  /** Contexts with positive PPMI for both. */
  sharedCount: number;
  /** The `top` shared contexts by share of the cosine. */
  shared: PairContext[];
  /** The shares of the shared contexts not listed: listed shares + this = cosine. */
  sharedRest: number;
  /** The `top` contexts by share of 1 − cosine: large PPMI for one word, zero or small for the other. */
  apart: PairContext[];
  /** The shares of the separating contexts not listed: listed shares + this = 1 − cosine. */
  apartRest: number;
}

/** A word near both words in the vectors. */
export interface SharedNeighbour {
  word: string;
  /** Cosine to each word. */
  similarity: [number, number];
  /** 1-based rank among each word's nearest neighbours. */
  rank: [number, number];
}

export interface NeighbourExplanation {
  words: [string, string];
  /** Cosine of the two words' vectors. */
  cosine: number;
  /** How many nearest neighbours of each word were searched. */
  neighbourhood: number;
  /** Shared neighbours, the closest to both first (by the smaller of the two similarities). */
  neighbours: SharedNeighbour[];
}

function ppmiOptions(options: ExplainOptions): PpmiOptions {
  return { cds: options.cds ?? COOC_DEFAULTS.cds, shift: options.shift ?? COOC_DEFAULTS.shift };
}

/**
 * The row of a word in the count matrix: as typed, else lowercased (the tokenizer lowercases unless
 * --keep-case). An unknown word is an InputError naming it, with close spellings when there are.
 */
export function vocabularyRow(counts: SparseMatrix, word: string): number {
  let i = counts.rows.indexOf(word);
  if (i < 0) i = counts.rows.indexOf(word.toLowerCase());
  if (i < 0) throw unknownWordError(word, counts.rows, 'the vocabulary');
  return i;
}

/** A word's PPMI row, dense over the contexts (zeros where PPMI ≤ 0), with its counts. */
interface DenseRow {
  ppmi: Float64Array;
  counts: Float64Array;
  norm: number;
  contexts: number;
  positive: number;
}

function denseRow(counts: SparseMatrix, marginals: PpmiMarginals, i: number): DenseRow {
  const ppmi = new Float64Array(counts.nCols);
  const pairCounts = new Float64Array(counts.nCols);
  let squares = 0;
  let positive = 0;
  const { indptr, indices, values } = counts;
  for (let p = indptr[i]!; p < indptr[i + 1]!; p++) {
    const j = indices[p]!;
    const x = values[p]!;
    pairCounts[j] = x;
    const pmi = pmiOf(marginals, i, j, x);
    if (pmi > 0) {
      ppmi[j] = pmi;
      squares += pmi * pmi;
      positive++;
    }
  }
  return { ppmi, counts: pairCounts, norm: Math.sqrt(squares), contexts: indptr[i + 1]! - indptr[i]!, positive };
}

/** The `top` indices of `scores` with a score above 0, highest first, ties to the lower index (the more frequent word). */
function topIndices(scores: Float64Array, top: number): number[] {
  const found: number[] = [];
  for (let j = 0; j < scores.length; j++) if (scores[j]! > 0) found.push(j);
  found.sort((x, y) => scores[y]! - scores[x]! || x - y);
  return found.slice(0, top);
}

function label(counts: SparseMatrix, j: number): string {
  return (counts.columns ?? counts.rows)[j]!;
}

/** A word's strongest contexts: the top PPMI cells of its row, with their counts. */
export function explainWord(counts: SparseMatrix, word: string, options: ExplainOptions = {}): WordExplanation {
  const i = vocabularyRow(counts, word);
  const marginals = ppmiMarginals(counts, ppmiOptions(options));
  const row = denseRow(counts, marginals, i);
  // X(c) is a column sum, which ppmiMarginals holds raised to α; the count matrix is symmetric, so its row sum is the same number.
  const contextTotals = marginals.rowSums;
  return {
    word: counts.rows[i]!,
    total: marginals.rowSums[i]!,
    contexts: row.contexts,
    positive: row.positive,
    norm: row.norm,
    strongest: topIndices(row.ppmi, options.top ?? EXPLAIN_DEFAULTS.top).map((j) => ({
      context: label(counts, j),
      ppmi: row.ppmi[j]!,
      count: row.counts[j]!,
      contextTotal: contextTotals[j]!,
    })),
  };
}

/**
 * Why two words are similar: their PPMI cosine split into the shares of the shared contexts, and the
 * contexts that pull them apart (see the top of this file for the two sums).
 */
export function explainPair(counts: SparseMatrix, word1: string, word2: string, options: ExplainOptions = {}): PairExplanation {
  const i1 = vocabularyRow(counts, word1);
  const i2 = vocabularyRow(counts, word2);
  const top = options.top ?? EXPLAIN_DEFAULTS.top;
  const marginals = ppmiMarginals(counts, ppmiOptions(options));
  const a = denseRow(counts, marginals, i1);
  const b = denseRow(counts, marginals, i2);
  const n = counts.nCols;
  const unitA = a.norm > 0 ? 1 / a.norm : 0;
  const unitB = b.norm > 0 ? 1 / b.norm : 0;
  const dotShare = new Float64Array(n);
  const apartShare = new Float64Array(n);
  let cosine = 0;
  let sharedCount = 0;
  for (let j = 0; j < n; j++) {
    const x = a.ppmi[j]! * unitA;
    const y = b.ppmi[j]! * unitB;
    if (x === 0 && y === 0) continue;
    dotShare[j] = x * y;
    if (x * y > 0) sharedCount++;
    cosine += x * y;
    apartShare[j] = ((x - y) * (x - y)) / 2;
  }
  const context = (j: number, share: number): PairContext => ({
    context: label(counts, j),
    ppmi: [a.ppmi[j]!, b.ppmi[j]!],
    counts: [a.counts[j]!, b.counts[j]!],
    normShare: [a.ppmi[j]! * a.ppmi[j]! * unitA * unitA, b.ppmi[j]! * b.ppmi[j]! * unitB * unitB],
    share,
  });
  const shared = topIndices(dotShare, top).map((j) => context(j, dotShare[j]!));
  const apart = topIndices(apartShare, top).map((j) => context(j, apartShare[j]!));
  const listed = (list: PairContext[]): number => list.reduce((sum, c) => sum + c.share, 0);
  let apartTotal = 0;
  let apartCount = 0;
  for (let j = 0; j < n; j++) {
    apartTotal += apartShare[j]!;
    if (apartShare[j]! > 0) apartCount++;
  }
  // What the listed rows leave out (exactly 0 when every row is listed, not a rounding residue).
  const rest = (total: number, list: PairContext[], count: number): number => (list.length === count ? 0 : Math.max(0, total - listed(list)));
  return {
    words: [counts.rows[i1]!, counts.rows[i2]!],
    cosine,
    norms: [a.norm, b.norm],
    contexts: [a.positive, b.positive],
    sharedCount,
    shared,
    sharedRest: rest(cosine, shared, sharedCount),
    apart,
    apartRest: rest(apartTotal, apart, apartCount),
  };
}

/**
 * The nearest neighbours two words share in a set of vectors: the words among the `neighbourhood`
 * nearest of both (neither word itself), the closest to both first, at most `top` of them.
 */
export function sharedNeighbours(vectors: WordVectors, word1: string, word2: string, options: { top?: number; neighbourhood?: number } = {}): NeighbourExplanation {
  const depth = options.neighbourhood ?? EXPLAIN_DEFAULTS.neighbourhood;
  if (!vectors.has(word1) || !vectors.has(word2)) {
    const missing = vectors.has(word1) ? word2 : word1;
    throw unknownWordError(missing, vectors.words);
  }
  const exclude = [word1, word2];
  const near1 = vectors.nearest(word1, depth, { exclude });
  const near2 = vectors.nearest(word2, depth, { exclude });
  const second = new Map(near2.map((n, r) => [n.word, { score: n.score, rank: r + 1 }]));
  const neighbours: SharedNeighbour[] = [];
  near1.forEach((n, r) => {
    const other = second.get(n.word);
    if (other) neighbours.push({ word: n.word, similarity: [n.score, other.score], rank: [r + 1, other.rank] });
  });
  neighbours.sort((x, y) => Math.min(...y.similarity) - Math.min(...x.similarity) || x.rank[0] - y.rank[0]);
  return { words: [word1, word2], cosine: vectors.similarity(word1, word2), neighbourhood: depth, neighbours: neighbours.slice(0, options.top ?? EXPLAIN_DEFAULTS.top) };
}
