import { availableParallelism } from 'node:os';
import { DenseMatrix, makeMeta } from '../../core/matrix.js';
import { integer, number } from '../../core/parse.js';
import { DEFAULT_SEED } from '../../core/random.js';
import type { Corpus } from '../../corpus/corpus.js';
import { parseWindow } from '../cooc.js';
import type { CorpusEncoder, EncodeContext, EncoderOptions, OptionSpec } from '../types.js';
import { NEGATIVE_POWER } from './tables.js';
import { trainWord2Vec, type Word2VecParams } from './train.js';

/** word2vec.c's defaults (and gensim's), except the window, dimension and epochs noted. */
export const WORD2VEC_DEFAULTS = {
  dim: 100,
  window: 5,
  negative: 5,
  /** Subsampling threshold s (word2vec.c -sample 1e-3). */
  sample: 1e-3,
  /** Starting learning rate: word2vec.c uses 0.025 for skip-gram and 0.05 for CBOW. */
  alphaSkipgram: 0.025,
  alphaCbow: 0.05,
  epochs: 5,
  /** word2vec.c -min-count 5. */
  minCount: 5,
};

/** Upper bound on --threads (far above any machine this runs on; guards typos like 1000). */
const MAX_THREADS = 256;

function word2vecOptions(alpha: number): OptionSpec[] {
  return [
    { flags: '--dim <n>', description: 'vector dimension', default: WORD2VEC_DEFAULTS.dim, parse: integer('--dim', 1) },
    { flags: '--window <n>', description: 'maximum words on each side; each centre word uses a window drawn from 1..n (word2vec\'s dynamic window)', default: WORD2VEC_DEFAULTS.window, parse: parseWindow },
    { flags: '--negative <n>', description: 'negative samples per positive pair, drawn from unigram counts^0.75', default: WORD2VEC_DEFAULTS.negative, parse: integer('--negative', 1) },
    { flags: '--sample <s>', description: 'subsampling threshold for frequent words (0 = off)', default: WORD2VEC_DEFAULTS.sample, parse: number('--sample', 0, 1) },
    { flags: '--alpha <rate>', description: 'starting learning rate, decaying linearly to alpha·1e-4', default: alpha, parse: number('--alpha', 0, 10, true) },
    { flags: '--epochs <n>', description: 'passes over the corpus', default: WORD2VEC_DEFAULTS.epochs, parse: integer('--epochs', 1) },
    { flags: '--threads <n>', description: 'training threads (default: all cores); only --threads 1 is reproducible run to run', default: availableParallelism(), parse: integer('--threads', 1, MAX_THREADS) },
    { flags: '--seed <n>', description: 'random seed (initial vectors, subsampling, windows, negative samples)', default: DEFAULT_SEED, parse: integer('--seed', 0) },
  ];
}

function params(options: EncoderOptions, cbow: boolean): Word2VecParams {
  const get = (key: string, fallback: number): number => (typeof options[key] === 'number' ? (options[key] as number) : fallback);
  return {
    cbow,
    dim: get('dim', WORD2VEC_DEFAULTS.dim),
    window: get('window', WORD2VEC_DEFAULTS.window),
    negative: get('negative', WORD2VEC_DEFAULTS.negative),
    sample: get('sample', WORD2VEC_DEFAULTS.sample),
    alpha: get('alpha', cbow ? WORD2VEC_DEFAULTS.alphaCbow : WORD2VEC_DEFAULTS.alphaSkipgram),
    epochs: get('epochs', WORD2VEC_DEFAULTS.epochs),
    threads: get('threads', availableParallelism()),
    seed: get('seed', DEFAULT_SEED),
  };
}

async function encode(method: 'sgns' | 'cbow', corpus: Corpus, options: EncoderOptions, context: EncodeContext): Promise<DenseMatrix> {
  const p = params(options, method === 'cbow');
  const result = await trainWord2Vec(corpus, p, context.progress);
  const { cbow: _architecture, ...effective } = p;
  const effectiveOptions: Record<string, unknown> = { ...effective, threads: result.threads, negativePower: NEGATIVE_POWER };
  if (method === 'cbow') effectiveOptions.cbowMean = true;
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
  options: word2vecOptions(WORD2VEC_DEFAULTS.alphaSkipgram),
  encode: (corpus, options, context) => encode('sgns', corpus, options, context),
};

export const cbow: CorpusEncoder = {
  name: 'cbow',
  input: 'corpus',
  summary: 'word2vec continuous bag of words with negative sampling (dense word vectors)',
  defaultMinCount: WORD2VEC_DEFAULTS.minCount,
  options: word2vecOptions(WORD2VEC_DEFAULTS.alphaCbow),
  encode: (corpus, options, context) => encode('cbow', corpus, options, context),
};
