/**
 * Co-occurrence counts as mergeable pairs: the a ≤ b entries of the symmetric count matrix that
 * `countCooccurrences` builds, and back. The matrix stores 2·w on the diagonal (a word next to itself
 * counts for both cells), so the pair keeps w and the matrix gets 2·w again — exact in floating point.
 */
import type { SparseMatrix } from '../core/matrix.js';
import { TokenStream } from '../corpus/stream.js';
import type { Corpus } from '../corpus/corpus.js';
import { Vocabulary } from '../vocab/vocabulary.js';

/** Pair counts that stand in for a corpus's token stream (`encode … --counts`). */
export interface StoredPairCounts {
  window: number;
  distanceWeighting: string;
  a: Uint32Array;
  b: Uint32Array;
  weight: Float64Array;
  /** True when the pairs are sorted by (a, b) (count files are). */
  sorted?: boolean;
  /** Where they came from, for messages. */
  source: string;
}

/** The upper triangle (a ≤ b) of a symmetric count matrix with sorted columns, in (a, b) order. */
export function pairsOfSymmetric(matrix: SparseMatrix): { a: Uint32Array; b: Uint32Array; weight: Float64Array } {
  const { indptr, indices, values } = matrix;
  let n = 0;
  for (let i = 0; i < matrix.nRows; i++) for (let p = indptr[i]!; p < indptr[i + 1]!; p++) if (indices[p]! >= i) n++;
  const a = new Uint32Array(n);
  const b = new Uint32Array(n);
  const weight = new Float64Array(n);
  let q = 0;
  for (let i = 0; i < matrix.nRows; i++) {
    for (let p = indptr[i]!; p < indptr[i + 1]!; p++) {
      const j = indices[p]!;
      if (j < i) continue;
      a[q] = i;
      b[q] = j;
      weight[q++] = j === i ? values[p]! / 2 : values[p]!;
    }
  }
  return { a, b, weight };
}

/**
 * A corpus with no tokens whose co-occurrences are given: the encoders that count co-occurrences
 * (cooc, glove, autoencoder --input cooc) take their counts from it instead of sliding a window.
 */
export function corpusFromPairCounts(words: string[], counts: StoredPairCounts): Corpus {
  return {
    vocab: new Vocabulary(words, new Float64Array(words.length)),
    stream: TokenStream.fromArray(new Int32Array(0)),
    docStarts: new Float64Array([0]),
    docLabels: [],
    tokensRead: 0,
    typesSeen: words.length,
    cooccurrences: counts,
  };
}
