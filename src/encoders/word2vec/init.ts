/**
 * Continue training (`encode sgns|cbow --init FILE`): start from existing word vectors instead of
 * random ones. Words of the file that the training vocabulary has keep their vectors as the starting
 * point; the others start as word2vec starts every word. The vocabulary is the new corpus's
 * (`--init-vocab corpus`) or that and every word of the file (`union`, the default: nothing the file
 * had is lost; a word the new corpus lacks is never updated and comes out as it went in).
 *
 * A vectors file holds only the input vectors (word2vec's syn0): the output weights start from zero,
 * as in a fresh run, so the first updates move the output side before the input side moves much
 * (docs/continue-training.md).
 */
import { InputError, UsageError } from '../../core/errors.js';
import type { Matrix } from '../../core/matrix.js';
import type { Corpus } from '../../corpus/corpus.js';
import { Vocabulary } from '../../vocab/vocabulary.js';

export const INIT_VOCABULARIES = ['union', 'corpus'] as const;
export type InitVocabulary = (typeof INIT_VOCABULARIES)[number];

/** Starting vectors by vocabulary id: row i of `data` (dim floats) when `has[i]` is 1. */
export interface InitialVectors {
  dim: number;
  data: Float32Array;
  has: Uint8Array;
  /** Words of the training vocabulary that start from the file. */
  matched: number;
  /** Words of the file added to the vocabulary (union). */
  added: number;
  /** Words of the training vocabulary that start at random. */
  fresh: number;
}

/** Read the vectors of `--init` (any format readMatrix reads; a fastText .bin gives its word vectors). */
export async function readInitVectors(path: string, warn?: (message: string) => void, keepOutput = false): Promise<Matrix> {
  // Loaded here, not with the encoder: `encode sgns --help` must not load the readers (start-up).
  const { readMatrix } = await import('../../io/formats/index.js');
  const matrix = await readMatrix(path, { finite: true, warn, keepOutput });
  if (matrix.nRows === 0) throw new InputError(`--init ${path} has no vectors`);
  return matrix;
}

/**
 * The training corpus with the vocabulary `mode` says (union: the file's words missing from the
 * corpus appended with count 0, ids of the corpus's words unchanged), and the starting vectors.
 * `dim`: the dimension asked for (undefined: the file's).
 */
export function applyInit(corpus: Corpus, init: Matrix, mode: InitVocabulary, dim: number | undefined, source: string): { corpus: Corpus; vectors: InitialVectors } {
  if (dim !== undefined && dim !== init.nCols) {
    throw new UsageError(`--dim ${dim} differs from the ${init.nCols} dimensions of --init ${source}`, `drop --dim (the vectors of --init set it) or give --dim ${init.nCols}`);
  }
  const { corpus: training, added } = initVocabulary(corpus, init.rows, mode);
  const vocab = training.vocab;
  const d = init.nCols;
  const data = new Float32Array(vocab.size * d);
  const has = new Uint8Array(vocab.size);
  const scratch = new Float64Array(init.kind === 'sparse' ? d : 0);
  let matched = 0;
  init.rows.forEach((word, row) => {
    const id = vocab.id(word);
    if (id < 0 || has[id] === 1) return;
    has[id] = 1;
    if (id < corpus.vocab.size) matched++;
    data.set(init.kind === 'dense' ? init.row(row) : init.denseRow(row, scratch), id * d);
  });
  const fresh = corpus.vocab.size - matched;
  return { corpus: training, vectors: { dim: d, data, has, matched, added, fresh } };
}

/**
 * The training corpus for `--init-vocab`: `corpus` as it is, or (union) with the given words it lacks
 * appended with count 0 — the corpus's own words keep their ids, so its token stream is unchanged.
 */
export function initVocabulary(corpus: Corpus, words: readonly string[], mode: InitVocabulary): { corpus: Corpus; added: number } {
  if (mode !== 'union') return { corpus, added: 0 };
  const vocab = corpus.vocab;
  const extra: string[] = [];
  const seen = new Set<string>();
  for (const word of words) {
    if (!vocab.has(word) && !seen.has(word)) {
      seen.add(word);
      extra.push(word);
    }
  }
  if (extra.length === 0) return { corpus, added: 0 };
  const counts = new Float64Array(vocab.size + extra.length);
  counts.set(vocab.counts);
  return { corpus: { ...corpus, vocab: new Vocabulary([...vocab.words, ...extra], counts) }, added: extra.length };
}
