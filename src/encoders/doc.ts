import { makeMeta, SparseMatrix } from '../core/matrix.js';
import { choice } from '../core/parse.js';
import type { Corpus } from '../corpus/corpus.js';
import { reduceDimensions, SVD_OPTIONS } from './svd-options.js';
import type { CorpusEncoder } from './types.js';

export const DOC_WEIGHTS = ['count', 'binary', 'tf', 'tfidf'] as const;
export type DocWeight = (typeof DOC_WEIGHTS)[number];
export const DOC_ORIENTATIONS = ['word', 'doc'] as const;

/**
 * Document × word matrix (rows documents, columns vocabulary ids, sorted), weighted:
 * - count: how often the word occurs in the document;
 * - binary: 1 if it occurs;
 * - tf: count / number of (kept) tokens in the document;
 * - tfidf: scikit-learn's TfidfVectorizer default — count × idf with idf = ln((1+n)/(1+df)) + 1,
 *   then each document's vector L2-normalised — so the numbers can be compared with sklearn.
 */
export function documentTermMatrix(corpus: Corpus, weight: DocWeight): SparseMatrix {
  const { stream, docStarts, vocab } = corpus;
  const nDocs = docStarts.length - 1;
  const V = vocab.size;
  const scratch = new Float64Array(V);
  const touched: number[] = [];
  const indptr = new Float64Array(nDocs + 1);
  const indices: number[] = [];
  const values: number[] = [];
  const docFreq = new Float64Array(V);
  let doc = 0;
  let length = 0;
  // Close document `doc`: its row from the words counted since the last one.
  const closeDoc = (): void => {
    touched.sort((a, b) => a - b);
    for (const id of touched) {
      const count = scratch[id]!;
      indices.push(id);
      values.push(weight === 'binary' ? 1 : weight === 'tf' ? count / length : count);
      docFreq[id]!++;
      scratch[id] = 0;
    }
    touched.length = 0;
    length = 0;
    indptr[++doc] = indices.length;
  };
  let sentence = 0;
  stream.forEachSentence((tokens, begin, end) => {
    while (doc < nDocs && sentence >= docStarts[doc + 1]!) closeDoc();
    for (let p = begin; p < end; p++) {
      const id = tokens[p]!;
      if (scratch[id] === 0) touched.push(id);
      scratch[id]!++;
    }
    length += end - begin;
    sentence++;
  });
  while (doc < nDocs) closeDoc();
  const vals = Float64Array.from(values);
  const idx = Int32Array.from(indices);
  if (weight === 'tfidf') {
    for (let p = 0; p < idx.length; p++) vals[p]! *= Math.log((1 + nDocs) / (1 + docFreq[idx[p]!]!)) + 1;
    for (let d = 0; d < nDocs; d++) {
      let norm = 0;
      for (let p = indptr[d]!; p < indptr[d + 1]!; p++) norm += vals[p]! * vals[p]!;
      norm = Math.sqrt(norm);
      if (norm > 0) for (let p = indptr[d]!; p < indptr[d + 1]!; p++) vals[p]! /= norm;
    }
  }
  return new SparseMatrix(corpus.docLabels.slice(), vocab.words.slice(), V, indptr, idx, vals, makeMeta('doc', { weight }));
}

export const doc: CorpusEncoder = {
  name: 'doc',
  summary: 'term-document vectors: word rows over documents (or document rows over words), counts to tf-idf, optional LSA (--dim)',
  input: 'corpus',
  defaultMinCount: 1,
  options: [
    { flags: '--weight <weight>', description: 'cell values (tfidf as scikit-learn: idf = ln((1+n)/(1+df)) + 1, each document L2-normalised)', default: 'count', choices: DOC_WEIGHTS, parse: choice('--weight', DOC_WEIGHTS) },
    { flags: '--by <rows>', description: 'word: rows are words, columns documents; doc: rows are documents, columns words', default: 'word', choices: DOC_ORIENTATIONS, parse: choice('--by', DOC_ORIENTATIONS) },
    ...SVD_OPTIONS,
  ],
  async encode(corpus, options, context) {
    const weight = options.weight as DocWeight;
    const byDoc = documentTermMatrix(corpus, weight);
    const matrix = options.by === 'doc' ? byDoc : byDoc.transpose();
    // Document rows are looked up as typed by queries (src/query/fold.ts), as docvec's are.
    matrix.meta = makeMeta('doc', { weight, by: options.by }, { vocabularySize: corpus.vocab.size, documents: corpus.docStarts.length - 1, ...(options.by === 'doc' ? { rowKind: 'document' } : {}) });
    return reduceDimensions(matrix, options, context);
  },
};
