/**
 * `encode docvec`: dense document vectors from word vectors (docs/docvec.md).
 *
 * - sif (default): smooth inverse frequency, Arora, Liang & Ma (ICLR 2017), as their reference code
 *   computes it: each document's average of a/(a + p(w))·v(w) over its tokens that have a vector,
 *   then the projection on the first right singular vector(s) of the uncentred document matrix
 *   removed from every row;
 * - mean: the plain average of the same vectors;
 * - pv-dbow: doc2vec's distributed bag of words, trained here (pv-dbow.ts).
 *
 * `--save-model FILE` keeps what it takes to embed new documents the same way (model.ts), and
 * `--infer FILE` embeds the input's documents with such a model instead of training.
 *
 * Word vectors come from `--vectors FILE` (any format readMatrix reads, or a Matrix given through
 * the library) or are trained here on the same corpus with sgns. Rows are the documents, labelled
 * by their id.
 */
import { availableParallelism } from 'node:os';
import { InputError, UsageError } from '../../core/errors.js';
import { DenseMatrix, makeMeta, type Matrix } from '../../core/matrix.js';
import { choice, integer, number } from '../../core/parse.js';
import { DEFAULT_SEED } from '../../core/random.js';
import type { Corpus } from '../../corpus/corpus.js';
import { readMatrix } from '../../io/formats/index.js';
import type { CorpusEncoder, EncodeContext, EncoderOptions, OptionSpec } from '../types.js';
import { sgns } from '../word2vec/index.js';
import { NEGATIVE_POWER } from '../word2vec/tables.js';
import { corpusDocuments, embedDocuments, loadModel, saveModel, type DocvecModel } from './model.js';
import { PV_DBOW_DEFAULTS, trainPvDbow } from './pv-dbow.js';
import { DEFAULT_SIF_A, DEFAULT_SIF_COMPONENTS, principalComponents, removeComponents, sifWeights, weightedAverages, type VocabularyVectors } from './sif.js';

export const DOCVEC_METHODS = ['sif', 'mean', 'pv-dbow'] as const;
export type DocvecMethod = (typeof DOCVEC_METHODS)[number];

/** The sgns options `encode docvec` passes on when it trains the word vectors itself, and pv-dbow shares. */
const TRAINING_FLAGS = /^--(dim|window|negative|sample|lr|epochs|threads|seed) /;
/** Training keys passed to sgns (sif/mean without --vectors). */
const SGNS_KEYS = ['dim', 'window', 'negative', 'epochs', 'threads', 'seed'];
const TRAINING_OPTIONS: OptionSpec[] = sgns.options
  .filter((spec) => TRAINING_FLAGS.test(spec.flags))
  .map((spec) => {
    if (spec.flags.startsWith('--epochs')) {
      // No commander default: sgns's is 5, gensim Doc2Vec's 10.
      const { default: _default, ...rest } = spec;
      return { ...rest, description: `passes over the corpus (default: ${PV_DBOW_DEFAULTS.epochs} for pv-dbow, as gensim's Doc2Vec; ${sgns.options.find((o) => o.flags.startsWith('--epochs'))?.default} for the sgns word vectors of sif/mean)` };
    }
    return { ...spec, description: `${spec.description} (pv-dbow; for sif/mean: the sgns word vectors trained when --vectors is not given)` };
  });

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
  for (const key of SGNS_KEYS) if (options[key] !== undefined) training[key] = options[key];
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
    { flags: '--method <method>', description: 'sif: a/(a + p(w))-weighted average, first common component removed (Arora et al. 2017); mean: plain average; pv-dbow: doc2vec\'s distributed bag of words (Le & Mikolov 2014, gensim Doc2Vec dm=0)', default: 'sif', choices: DOCVEC_METHODS, parse: choice('--method', DOCVEC_METHODS) },
    { flags: '--vectors <file>', description: 'word vectors to average (any format wordspace reads); default: train sgns on the corpus' },
    { flags: '--sif-a <a>', description: 'SIF smoothing a in a/(a + p(w)), p(w) = count / total count of the kept vocabulary', default: DEFAULT_SIF_A, parse: number('--sif-a', 0, Infinity, true) },
    { flags: '--sif-components <n>', description: 'common components (right singular vectors of the uncentred document matrix) removed by sif; 0 keeps the weighted average', default: DEFAULT_SIF_COMPONENTS, parse: integer('--sif-components', 0) },
    ...TRAINING_OPTIONS,
    { flags: '--train-words', description: 'pv-dbow: train word vectors too, skip-gram interleaved (gensim dbow_words=1)' },
    { flags: '--save-model <file>', description: 'also save the model (vocabulary, weights, settings, tokenizer) for --infer and `similar --text`' },
    { flags: '--infer <model>', description: 'embed the input\'s documents with a saved model (--save-model) instead of training: pv-dbow infers each vector (gensim infer_vector), sif/mean average the model\'s word vectors' },
  ],
  async encode(corpus, options, context) {
    if (typeof options.infer === 'string') return inferDocuments(corpus, options.infer, options, context);
    if (options.method === 'pv-dbow') return encodePvDbow(corpus, options, context);
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
    let components: Float64Array = new Float64Array(0);
    if (k > 0) {
      const pc = principalComponents(data, nDocs, dim, k);
      components = pc.components;
      removeComponents(data, nDocs, dim, pc.components, k);
      singularValues = Array.from(pc.singularValues, (s) => Number(s.toPrecision(6)));
    }
    if (typeof options.saveModel === 'string') {
      await saveModel(options.saveModel, {
        method, dim, words: corpus.vocab.words, counts: Array.from(corpus.vocab.counts), tokenizer: context.tokenizer ?? DEFAULT_TOKENIZER,
        settings: method === 'sif' ? { sifA: a, sifComponents: k } : {},
        wordVectors: Float32Array.from(vectors.data), has: Float32Array.from(vectors.has),
        ...(method === 'sif' ? { components: Float32Array.from(components) } : {}),
      });
    }
    if (empty > 0) {
      context.warn(`${empty.toLocaleString('en-US')} of ${nDocs.toLocaleString('en-US')} document${nDocs === 1 ? '' : 's'} ${empty === 1 ? 'has' : 'have'} no word with a vector: ${empty === 1 ? 'its row is' : 'their rows are'} zero`);
    }
    const { seed, ...sourceRest } = source;
    const meta = makeMeta(
      'docvec',
      { method, ...(method === 'sif' ? { sifA: a, sifComponents: k } : {}), ...sourceRest, ...(typeof options.saveModel === 'string' ? { model: options.saveModel } : {}) },
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

/** The tokenizer recorded in a model saved through the library, where no command line says how the corpus was read. */
const DEFAULT_TOKENIZER = { tokenizer: 'word', keepCase: false } as const;

function noteEmpty(empty: number, nDocs: number, context: EncodeContext): void {
  if (empty === 0) return;
  context.warn(`${empty.toLocaleString('en-US')} of ${nDocs.toLocaleString('en-US')} document${nDocs === 1 ? '' : 's'} ${empty === 1 ? 'has' : 'have'} no word the model knows: ${empty === 1 ? 'its row is' : 'their rows are'} zero`);
}

/** `--method pv-dbow`: train document vectors (and the output weights a saved model keeps). */
async function encodePvDbow(corpus: Corpus, options: EncoderOptions, context: EncodeContext): Promise<DenseMatrix> {
  if (options.vectors !== undefined) throw new UsageError('--vectors is for sif and mean: pv-dbow trains its own weights', 'drop --vectors, or use --method sif|mean');
  const get = (key: string, fallback: number): number => (typeof options[key] === 'number' ? (options[key] as number) : fallback);
  const p = {
    dim: get('dim', PV_DBOW_DEFAULTS.dim),
    window: get('window', PV_DBOW_DEFAULTS.window),
    negative: get('negative', PV_DBOW_DEFAULTS.negative),
    sample: get('sample', PV_DBOW_DEFAULTS.sample),
    alpha: get('lr', PV_DBOW_DEFAULTS.alpha),
    epochs: get('epochs', PV_DBOW_DEFAULTS.epochs),
    threads: get('threads', availableParallelism()),
    seed: get('seed', DEFAULT_SEED),
    trainWords: options.trainWords === true,
  };
  const result = await trainPvDbow(corpus, p, context.progress);
  const nDocs = corpus.docStarts.length - 1;
  if (typeof options.saveModel === 'string') {
    await saveModel(options.saveModel, {
      method: 'pv-dbow', dim: p.dim, words: corpus.vocab.words, counts: Array.from(corpus.vocab.counts), tokenizer: context.tokenizer ?? DEFAULT_TOKENIZER,
      settings: { window: p.window, negative: p.negative, sample: p.sample, alpha: p.alpha, epochs: p.epochs, seed: p.seed, trainWords: p.trainWords },
      output: result.outputVectors,
    });
  }
  const { alpha: lr, seed, ...rest } = p;
  const meta = makeMeta('docvec', { method: 'pv-dbow', ...rest, lr, threads: result.threads, negativePower: NEGATIVE_POWER, ...(typeof options.saveModel === 'string' ? { model: options.saveModel } : {}) }, {
    seed,
    rowKind: 'document',
    documents: nDocs,
    tokensTrained: result.wordsTrained,
    seconds: Number(result.seconds.toFixed(3)),
    wordsPerSecond: Math.round(result.wordsTrained / Math.max(result.seconds, 1e-9)),
    notes: 'PV-DBOW (gensim Doc2Vec dm=0) in the word2vec kernel: doc vectors start uniform in [-1/dim, 1/dim) and predict every subsampled word with negative sampling; word2vec\'s linear rate decay; reproducible only with --threads 1',
  });
  return new DenseMatrix(corpus.docLabels.slice(), null, p.dim, result.documentVectors, meta);
}

/** `--infer MODEL`: vectors for the input's documents from a saved model, no training. */
async function inferDocuments(corpus: Corpus, path: string, options: EncoderOptions, context: EncodeContext): Promise<DenseMatrix> {
  if (options.vectors !== undefined) throw new UsageError('--infer takes the word vectors from the model', 'drop --vectors');
  if (options.saveModel !== undefined) throw new UsageError('--infer uses a saved model; it does not save one', 'drop --save-model');
  const model: DocvecModel = await loadModel(path);
  const { documents, unknownTokens } = corpusDocuments(model, corpus);
  const { data, empty } = await embedDocuments(model, documents);
  noteEmpty(empty, documents.length, context);
  const meta = makeMeta('docvec', { method: model.method, infer: path, ...model.settings }, {
    ...(typeof model.settings.seed === 'number' ? { seed: model.settings.seed } : {}),
    rowKind: 'document',
    documents: documents.length,
    emptyDocuments: empty,
    tokensNotInModel: unknownTokens,
    notes: model.method === 'pv-dbow' ? 'inferred as gensim infer_vector: a fresh vector per document, output weights frozen, epochs with the rate falling from lr to 1e-4' : 'the model\'s word vectors, weights and removed components',
  });
  return new DenseMatrix(corpus.docLabels.slice(), null, model.dim, data, meta);
}
