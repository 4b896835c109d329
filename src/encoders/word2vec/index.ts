import { availableParallelism } from 'node:os';
import { UsageError } from '../../core/errors.js';
import { DenseMatrix, makeMeta } from '../../core/matrix.js';
import { integer, number } from '../../core/parse.js';
import { DEFAULT_SEED } from '../../core/random.js';
import type { Corpus } from '../../corpus/corpus.js';
import { parseWindow } from '../window.js';
import type { CorpusEncoder, EncodeContext, EncoderOptions, OptionSpec } from '../types.js';
import { applyInit, INIT_VOCABULARIES, readInitVectors, type InitVocabulary } from './init.js';
import { CBOW_MIN_ALPHA_DIVISOR, MIN_ALPHA_FRACTION } from './schedule.js';
import { NEGATIVE_POWER } from './tables.js';
import { trainWord2Vec, type Word2VecParams } from './train.js';

/** word2vec.c's defaults (and gensim's), except the window, dimension and epochs noted. */
export const WORD2VEC_DEFAULTS = {
  dim: 100,
  window: 5,
  negative: 5,
  /** Subsampling threshold s (word2vec.c -sample 1e-3). */
  sample: 1e-3,
  /** Starting learning rate (word2vec.c -alpha): 0.025 for skip-gram, 0.05 for CBOW. */
  lrSkipgram: 0.025,
  lrCbow: 0.05,
  epochs: 5,
  /** word2vec.c -min-count 5. */
  minCount: 5,
};

/** How skip-gram draws its negatives: per (centre, context) pair as word2vec.c, or once per window (Ji et al. 2016). */
export const NEGATIVE_SHARING = ['pair', 'window'] as const;
export type NegativeSharing = (typeof NEGATIVE_SHARING)[number];

const DEFAULT_NEGATIVE_SHARING: NegativeSharing = 'window';

/** Upper bound on --threads (far above any machine this runs on; guards typos like 1000). */
const MAX_THREADS = 256;

export function word2vecOptions(lr: number, skipgram = false): OptionSpec[] {
  // No default value (it follows --lr): the help says what it is.
  const minLr = skipgram ? 'lr·1e-4, word2vec.c\'s' : `lr/${CBOW_MIN_ALPHA_DIVISOR}: ${lr / CBOW_MIN_ALPHA_DIVISOR} for the default --lr`;
  return [
    { flags: '--dim <n>', description: 'vector dimension', default: WORD2VEC_DEFAULTS.dim, parse: integer('--dim', 1), aliases: ['--size'] },
    { flags: '--window <n>', description: 'maximum words on each side; each centre word uses a window drawn from 1..n (word2vec\'s dynamic window)', default: WORD2VEC_DEFAULTS.window, parse: parseWindow, aliases: ['--ws'] },
    { flags: '--negative <n>', description: 'negative samples per positive pair, drawn from unigram counts^0.75', default: WORD2VEC_DEFAULTS.negative, parse: integer('--negative', 1), aliases: ['--neg'] },
    { flags: '--sample <s>', description: 'subsampling threshold for frequent words (0 = off)', default: WORD2VEC_DEFAULTS.sample, parse: number('--sample', 0, 1) },
    { flags: '--lr <rate>', description: 'starting learning rate, decaying linearly to --min-lr', default: lr, parse: number('--lr', 0, 10, true), aliases: ['--alpha'] },
    { flags: '--min-lr <rate>', description: `learning rate at the end of training (default: ${minLr})`, parse: number('--min-lr', 0, 10), aliases: ['--min-alpha'] },
    { flags: '--epochs <n>', description: 'passes over the corpus', default: WORD2VEC_DEFAULTS.epochs, parse: integer('--epochs', 1), aliases: ['--iter', '--epoch'] },
    { flags: '--threads <n>', description: 'training threads; only --threads 1 is reproducible run to run', default: availableParallelism(), defaultDescription: `all cores, ${availableParallelism()} here`, parse: integer('--threads', 1, MAX_THREADS), aliases: ['--thread'] },
    { flags: '--seed <n>', description: 'random seed (initial vectors, subsampling, windows, negative samples)', default: DEFAULT_SEED, parse: integer('--seed', 0) },
    { flags: '--init <file>', description: 'continue training: start from these word vectors (any format wordspace reads); --dim comes from them' },
    { flags: '--init-vocab <which>', description: 'with --init: the vocabulary is the corpus\'s plus every word of the file (union) or the corpus\'s alone', default: 'union', choices: INIT_VOCABULARIES },
    ...(skipgram
      ? [{ flags: '--negative-sharing <how>', description: 'pair: new negatives for every (centre, context) pair (word2vec.c); window: one set per centre word, shared by its window (Ji et al. 2016)', default: DEFAULT_NEGATIVE_SHARING, choices: NEGATIVE_SHARING }]
      : []),
  ];
}

function params(options: EncoderOptions, cbow: boolean): Word2VecParams {
  const get = (key: string, fallback: number): number => (typeof options[key] === 'number' ? (options[key] as number) : fallback);
  const alpha = get('lr', cbow ? WORD2VEC_DEFAULTS.lrCbow : WORD2VEC_DEFAULTS.lrSkipgram);
  const minAlpha = typeof options.minLr === 'number' ? options.minLr : cbow ? alpha / CBOW_MIN_ALPHA_DIVISOR : undefined;
  if (minAlpha !== undefined && minAlpha > alpha) throw new UsageError(`--min-lr ${minAlpha} is above the starting rate --lr ${alpha}`, 'the rate decays from --lr to --min-lr: give a smaller --min-lr');
  return {
    cbow,
    dim: get('dim', WORD2VEC_DEFAULTS.dim),
    window: get('window', WORD2VEC_DEFAULTS.window),
    negative: get('negative', WORD2VEC_DEFAULTS.negative),
    sample: get('sample', WORD2VEC_DEFAULTS.sample),
    alpha,
    minAlpha,
    epochs: get('epochs', WORD2VEC_DEFAULTS.epochs),
    threads: get('threads', availableParallelism()),
    seed: get('seed', DEFAULT_SEED),
    sharedNegatives: !cbow && (options.negativeSharing ?? DEFAULT_NEGATIVE_SHARING) === 'window',
  };
}

async function encode(method: 'sgns' | 'cbow', given: Corpus, options: EncoderOptions, context: EncodeContext): Promise<DenseMatrix> {
  const p = params(options, method === 'cbow');
  let corpus = given;
  let initMeta: Record<string, unknown> | undefined;
  if (options.init !== undefined) {
    if (typeof options.init !== 'string') throw new UsageError('the init option must be a file name');
    const mode = (options.initVocab ?? 'union') as InitVocabulary;
    if (!INIT_VOCABULARIES.includes(mode)) throw new UsageError(`--init-vocab must be one of ${INIT_VOCABULARIES.join(', ')}`);
    const matrix = await readInitVectors(options.init, context.warn);
    // --dim comes from the file; one other than the default that disagrees with it is an error.
    const dimGiven = p.dim !== WORD2VEC_DEFAULTS.dim ? p.dim : undefined;
    const applied = applyInit(given, matrix, mode, dimGiven, options.init);
    corpus = applied.corpus;
    p.dim = applied.vectors.dim;
    p.init = applied.vectors;
    initMeta = { init: options.init, initVocab: mode, initMatched: applied.vectors.matched, initAdded: applied.vectors.added, initFresh: applied.vectors.fresh };
    context.note?.(`--init ${options.init}: ${applied.vectors.matched.toLocaleString('en-US')} of the corpus's ${given.vocab.size.toLocaleString('en-US')} words start from it, ${applied.vectors.fresh.toLocaleString('en-US')} at random${mode === 'union' ? `; ${applied.vectors.added.toLocaleString('en-US')} of its words not in the corpus kept as they are` : ''}`);
  }
  const result = await trainWord2Vec(corpus, p, context.progress);
  const { cbow: _architecture, alpha: lr, minAlpha, init: _init, sharedNegatives, ...rest } = p;
  // meta.options uses the flag names: the learning rate is `lr` (word2vec.c's -alpha), its end `minLr`.
  const effectiveOptions: Record<string, unknown> = { ...rest, lr, minLr: minAlpha ?? lr * MIN_ALPHA_FRACTION, threads: result.threads, negativePower: NEGATIVE_POWER, ...initMeta };
  if (method === 'cbow') effectiveOptions.cbowMean = true;
  else effectiveOptions.negativeSharing = sharedNegatives ? 'window' : 'pair';
  const meta = makeMeta(method, effectiveOptions, {
    seed: p.seed,
    vocabularySize: corpus.vocab.size,
    tokensTrained: result.wordsTrained,
    seconds: Number(result.seconds.toFixed(3)),
    wordsPerSecond: Math.round(result.wordsTrained / Math.max(result.seconds, 1e-9)),
    notes: 'input vectors (word2vec syn0); sentences cut at 1000 words after subsampling (word2vec.c MAX_SENTENCE_LENGTH); reproducible only with --threads 1',
  });
  return new DenseMatrix(corpus.vocab.words.slice(), null, p.dim, result.vectors, meta);
}

export const sgns: CorpusEncoder = {
  name: 'sgns',
  input: 'corpus',
  summary: 'word2vec skip-gram with negative sampling (dense word vectors)',
  defaultMinCount: WORD2VEC_DEFAULTS.minCount,
  options: word2vecOptions(WORD2VEC_DEFAULTS.lrSkipgram, true),
  encode: (corpus, options, context) => encode('sgns', corpus, options, context),
};

export const cbow: CorpusEncoder = {
  name: 'cbow',
  input: 'corpus',
  summary: 'word2vec continuous bag of words with negative sampling (dense word vectors)',
  defaultMinCount: WORD2VEC_DEFAULTS.minCount,
  options: word2vecOptions(WORD2VEC_DEFAULTS.lrCbow),
  encode: (corpus, options, context) => encode('cbow', corpus, options, context),
};
