/**
 * `encode docvec`: dense document vectors from word vectors (docs/docvec.md).
 *
 * - sif (default): smooth inverse frequency, Arora, Liang & Ma (ICLR 2017), as their reference code
 *   computes it: each document's average of a/(a + p(w))·v(w) over its tokens that have a vector,
 *   then the projection on the first right singular vector(s) of the uncentred document matrix
 *   removed from every row;
 * - mean: the plain average of the same vectors.
 *
 * Word vectors come from `--vectors FILE` (any format readMatrix reads, or a Matrix given through
 * the library) or are trained here on the same corpus with sgns. Rows are the documents, labelled
 * by their id.
 */
import { InputError, UsageError } from '../../core/errors.js';
import { DenseMatrix, makeMeta, type Matrix } from '../../core/matrix.js';
import { choice, integer, number } from '../../core/parse.js';
import type { Corpus } from '../../corpus/corpus.js';
import { readMatrix } from '../../io/formats/index.js';
import type { CorpusEncoder, EncodeContext, EncoderOptions, OptionSpec } from '../types.js';
import { sgns } from '../word2vec/index.js';
import { DEFAULT_SIF_A, DEFAULT_SIF_COMPONENTS, principalComponents, removeComponents, sifWeights, weightedAverages, type VocabularyVectors } from './sif.js';

export const DOCVEC_METHODS = ['sif', 'mean'] as const;
export type DocvecMethod = (typeof DOCVEC_METHODS)[number];

/** The sgns options `encode docvec` passes on when it trains the word vectors itself. */
const TRAINING_FLAGS = /^--(dim|window|negative|epochs|threads|seed) /;
const TRAINING_OPTIONS: OptionSpec[] = sgns.options
  .filter((spec) => TRAINING_FLAGS.test(spec.flags))
  .map((spec) => ({ ...spec, description: `${spec.description} (sgns word vectors, trained when --vectors is not given)` }));

/** The word vectors by vocabulary id: rows of `matrix` whose label is a vocabulary word (the first row of a repeated label). */
function vocabularyVectors(corpus: Corpus, matrix: Matrix): { vectors: VocabularyVectors; covered: number } {
  const dim = matrix.nCols;
  const { vocab } = corpus;
  const data = new Float64Array(vocab.size * dim);
  const has = new Uint8Array(vocab.size);
  const scratch = new Float64Array(matrix.kind === 'sparse' ? dim : 0);
  let covered = 0;
  matrix.rows.forEach((word, row) => {
    const id = vocab.id(word);
    if (id < 0 || has[id] === 1) return;
    has[id] = 1;
    covered++;
    data.set(matrix.kind === 'dense' ? matrix.row(row) : matrix.denseRow(row, scratch), id * dim);
  });
  return { vectors: { dim, data, has }, covered };
}

/** The word vectors: `--vectors` (a path or a Matrix), else sgns trained on the corpus. */
async function wordVectors(corpus: Corpus, options: EncoderOptions, context: EncodeContext): Promise<{ matrix: Matrix; source: Record<string, unknown> }> {
  const given = options.vectors;
  if (typeof given === 'string') {
    const matrix = await readMatrix(given, { finite: true, warn: context.warn });
    return { matrix, source: { vectors: given } };
  }
  if (given !== undefined && given !== null && typeof given === 'object' && 'rows' in given && 'nCols' in given) {
    return { matrix: given as Matrix, source: { vectors: `(a ${(given as Matrix).meta.method} matrix)` } };
  }
  if (given !== undefined) throw new UsageError('the vectors option must be a file name or a Matrix');
  const training: EncoderOptions = {};
  for (const key of ['dim', 'window', 'negative', 'epochs', 'threads', 'seed']) if (options[key] !== undefined) training[key] = options[key];
  // Imported here: encode.js reaches the registry, which imports this module.
  const { encode } = await import('../encode.js');
  const matrix = await encode(sgns, corpus, training, context);
  return { matrix, source: { vectors: 'sgns, trained on the corpus', training: matrix.meta.options, seed: matrix.meta.seed } };
}

export const docvec: CorpusEncoder = {
  name: 'docvec',
  summary: 'dense document vectors from word vectors: SIF (smooth inverse frequency, common component removed) or the plain mean',
  input: 'corpus',
  defaultMinCount: 1,
  options: [
    { flags: '--method <method>', description: 'sif: a/(a + p(w))-weighted average, first common component removed (Arora et al. 2017); mean: plain average', default: 'sif', choices: DOCVEC_METHODS, parse: choice('--method', DOCVEC_METHODS) },
    { flags: '--vectors <file>', description: 'word vectors to average (any format wordspace reads); default: train sgns on the corpus' },
    { flags: '--sif-a <a>', description: 'SIF smoothing a in a/(a + p(w)), p(w) = count / total count of the kept vocabulary', default: DEFAULT_SIF_A, parse: number('--sif-a', 0, Infinity, true) },
    { flags: '--sif-components <n>', description: 'common components (right singular vectors of the uncentred document matrix) removed by sif; 0 keeps the weighted average', default: DEFAULT_SIF_COMPONENTS, parse: integer('--sif-components', 0) },
    ...TRAINING_OPTIONS,
  ],
  async encode(corpus, options, context) {
    const method = options.method as DocvecMethod;
    const a = options.sifA as number;
    const k = method === 'sif' ? (options.sifComponents as number) : 0;
    const { matrix: words, source } = await wordVectors(corpus, options, context);
    const { vectors, covered } = vocabularyVectors(corpus, words);
    const dim = vectors.dim;
    if (covered === 0 && corpus.vocab.size > 0) {
      throw new InputError(`none of the ${corpus.vocab.size.toLocaleString('en-US')} corpus words has a vector${typeof options.vectors === 'string' ? ` in ${options.vectors}` : ''}`, 'check that the vectors are for this language and case (the corpus is lowercased unless --keep-case)');
    }
    if (k > dim) throw new UsageError(`--sif-components ${k} is more than the ${dim} dimensions of the word vectors`, 'remove at most one component per dimension');
    const weights = method === 'sif' ? sifWeights(corpus.vocab.counts, a) : undefined;
    const { data, empty } = weightedAverages(corpus, vectors, weights);
    const nDocs = corpus.docStarts.length - 1;
    let singularValues: number[] = [];
    if (k > 0) {
      const pc = principalComponents(data, nDocs, dim, k);
      removeComponents(data, nDocs, dim, pc.components, k);
      singularValues = Array.from(pc.singularValues, (s) => Number(s.toPrecision(6)));
    }
    if (empty > 0) {
      context.warn(`${empty.toLocaleString('en-US')} of ${nDocs.toLocaleString('en-US')} document${nDocs === 1 ? '' : 's'} ${empty === 1 ? 'has' : 'have'} no word with a vector: ${empty === 1 ? 'its row is' : 'their rows are'} zero`);
    }
    const { seed, ...sourceRest } = source;
    const meta = makeMeta(
      'docvec',
      { method, ...(method === 'sif' ? { sifA: a, sifComponents: k } : {}), ...sourceRest },
      {
        ...(seed !== undefined ? { seed: seed as number } : {}),
        rowKind: 'document',
        documents: nDocs,
        emptyDocuments: empty,
        vocabularyWithVectors: covered,
        ...(k > 0 ? { removedSingularValues: singularValues } : {}),
        notes: method === 'sif' ? 'SIF as Arora, Liang & Ma (2017) reference code: weighted average over tokens with a vector, uncentred common component removed' : 'mean of the word vectors of the tokens that have one',
      },
    );
    return new DenseMatrix(corpus.docLabels.slice(), null, dim, Float32Array.from(data), meta);
  },
};
