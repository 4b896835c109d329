import { InputError } from '../core/errors.js';
import { SUPERVISED, type FastTextModel } from '../encoders/fasttext/model.js';
import type { WordVectors } from '../core/vectors.js';
import { resolveWord, type QueryCase } from './fold.js';

/** Where a word's vector came from: its own row, its character n-grams, or nowhere (zeros). */
export type VectorOrigin = 'vocabulary' | 'ngrams' | 'none';

/**
 * A vector for any word, as `fasttext print-word-vectors` gives it: from a fastText model, the mean
 * of the word's row and its n-gram rows (n-grams only for an unseen word, zeros when it has none);
 * from plain vectors, the word's row (folded as queries fold it, see fold.ts) or zeros.
 */
export class AnyWordVectors {
  constructor(
    private readonly vectors: WordVectors,
    private readonly caseMode: QueryCase,
    private readonly model?: FastTextModel,
  ) {}

  get dim(): number {
    return this.vectors.dim;
  }

  /** The vocabulary, in file order (for a fastText model: its words, `</s>` among them). */
  get words(): readonly string[] {
    return this.model ? this.model.words : this.vectors.words;
  }

  /** A word's vector into `out` (length dim), and where it came from. */
  vector(word: string, out: Float32Array): VectorOrigin {
    if (this.model) {
      const known = this.model.idOf(word) >= 0;
      const rows = this.model.wordVector(word, out);
      return known ? 'vocabulary' : rows > 0 ? 'ngrams' : 'none';
    }
    let label: string;
    try {
      label = resolveWord(this.vectors, word, this.caseMode);
    } catch {
      out.fill(0);
      return 'none';
    }
    out.set(this.vectors.row(this.vectors.indexOf(label)));
    return 'vocabulary';
  }

  /**
   * fastText's sentence vector (FastText::getSentenceVector for unsupervised models): the words
   * split on whitespace, each word's vector scaled to unit length, the mean over the words whose
   * vector is not zero (zeros when none is). `onWord` sees each word's origin.
   */
  sentence(line: string, out: Float32Array, onWord?: (word: string, origin: VectorOrigin) => void): number {
    if (this.model?.args.model === SUPERVISED) {
      throw new InputError(
        'sentence vectors of a supervised fastText model average its input rows with word n-grams, which wordspace does not build',
        'use fasttext print-sentence-vectors for classifiers, or a skipgram/cbow model',
      );
    }
    const dim = this.dim;
    const sum = new Float64Array(dim);
    const word = new Float32Array(dim);
    let count = 0;
    for (const token of line.split(/\s+/)) {
      if (token === '') continue;
      const origin = this.vector(token, word);
      onWord?.(token, origin);
      let norm = 0;
      for (let j = 0; j < dim; j++) norm += word[j]! * word[j]!;
      norm = Math.sqrt(norm);
      if (norm > 0) {
        for (let j = 0; j < dim; j++) sum[j]! += word[j]! / norm;
        count++;
      }
    }
    for (let j = 0; j < dim; j++) out[j] = count > 0 ? sum[j]! / count : 0;
    return count;
  }
}
