import { makeMeta, SparseMatrix } from '../core/matrix.js';
import { SENTENCE_END } from '../corpus/stream.js';
import type { CorpusEncoder } from './types.js';

/**
 * One-hot: each token a |V|-dimensional vector with a single 1 at its word's column.
 * Default: the token × vocabulary matrix of the input, rows in text order (the article's 12 × 9
 * example); `--unique`: one row per vocabulary word (the identity). Always sparse inside; a dense
 * output format densifies it, under the size guard of the encode command.
 */
export const onehot: CorpusEncoder = {
  name: 'onehot',
  summary: 'one-hot vectors: the token × vocabulary matrix of the input (or one row per word with --unique)',
  input: 'corpus',
  defaultMinCount: 1,
  options: [{ flags: '--unique', description: 'one row per vocabulary word (the identity matrix) instead of one row per token', default: false }],
  async encode(corpus, options) {
    const { vocab, stream } = corpus;
    const unique = options.unique === true;
    const n = unique ? vocab.size : stream.tokens;
    const indptr = new Float64Array(n + 1);
    const indices = new Int32Array(n);
    for (let i = 0; i < n; i++) indptr[i + 1] = i + 1;
    if (unique) for (let i = 0; i < n; i++) indices[i] = i;
    else {
      let at = 0;
      for (const piece of stream.pieces()) for (const id of piece) if (id !== SENTENCE_END) indices[at++] = id;
    }
    const rows = Array.from(indices, (id) => vocab.words[id]!);
    const meta = makeMeta('onehot', { unique }, { vocabularySize: vocab.size, rowsAre: unique ? 'vocabulary words' : 'tokens in text order' });
    return new SparseMatrix(rows, vocab.words.slice(), vocab.size, indptr, indices, new Float32Array(n).fill(1), meta);
  },
};
