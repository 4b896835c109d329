import { availableParallelism } from 'node:os';
import { UsageError } from '../../core/errors.js';
import { DenseMatrix, makeMeta } from '../../core/matrix.js';
import { integer } from '../../core/parse.js';
import { DEFAULT_SEED } from '../../core/random.js';
import type { Corpus } from '../../corpus/corpus.js';
import type { CorpusEncoder, EncodeContext, EncoderOptions, OptionSpec } from '../types.js';
import { WORD2VEC_DEFAULTS, word2vecOptions } from '../word2vec/index.js';
import { NEGATIVE_POWER } from '../word2vec/tables.js';
import type { InitVocabulary } from '../word2vec/init.js';
import { applyFastTextInit, checkModelFlags, modelSettings, readFastTextInit } from './init.js';
import { attachFastTextModel } from './model.js';
import { trainFastText, type FastTextParams } from './train.js';

/**
 * `encode fasttext`: fastText's subword skip-gram and CBOW (src/encoders/fasttext/train.ts,
 * assembly/fasttext.ts). Training options and defaults are `sgns`/`cbow`'s (word2vec's, which the
 * bench gives fastText too); the n-gram options are fastText's.
 */
export const FASTTEXT_DEFAULTS = {
  mode: 'skipgram',
  /** fastText's -minn 3 -maxn 6 -bucket 2000000. */
  minn: 3,
  maxn: 6,
  bucket: 2_000_000,
} as const;

export const FASTTEXT_MODES = ['skipgram', 'cbow'] as const;

/** fastText's n-grams are at most this many characters long (and a longer `maxn` only costs time). */
const MAX_NGRAM = 32;
/** Buckets beyond this would not fit a WebAssembly memory at any useful dimension. */
const MAX_BUCKET = 100_000_000;

function fastTextOptions(): OptionSpec[] {
  const shared = word2vecOptions(WORD2VEC_DEFAULTS.lrSkipgram).map((spec) =>
    spec.flags.startsWith('--init ')
      ? { ...spec, description: 'continue training: start from this fastText .bin model (ours or fastText\'s); --dim, --minn, --maxn and --bucket come from it' }
      : spec).map((spec) =>
    spec.flags.startsWith('--lr ')
      ? { flags: spec.flags, description: `${spec.description} (default: ${WORD2VEC_DEFAULTS.lrSkipgram} for skipgram, ${WORD2VEC_DEFAULTS.lrCbow} for cbow)`, parse: spec.parse, aliases: spec.aliases }
      : spec,
  );
  return [
    { flags: '--mode <mode>', description: "skipgram: a word's subwords predict its neighbours; cbow: the neighbours' subwords predict the word", default: FASTTEXT_DEFAULTS.mode, choices: FASTTEXT_MODES },
    ...shared,
    { flags: '--minn <n>', description: 'shortest character n-gram (counted in characters, with < and > around the word)', default: FASTTEXT_DEFAULTS.minn, parse: integer('--minn', 1, MAX_NGRAM) },
    { flags: '--maxn <n>', description: 'longest character n-gram; 0: no n-grams (word vectors only)', default: FASTTEXT_DEFAULTS.maxn, parse: integer('--maxn', 0, MAX_NGRAM) },
    { flags: '--bucket <n>', description: "rows the n-grams are hashed into (fastText's FNV-1a hash, so ids match fastText's); 0 only with --maxn 0", default: FASTTEXT_DEFAULTS.bucket, parse: integer('--bucket', 0, MAX_BUCKET) },
  ];
}

function params(options: EncoderOptions, corpus: Corpus): FastTextParams {
  const get = (key: string, fallback: number): number => (typeof options[key] === 'number' ? (options[key] as number) : fallback);
  const cbow = options.mode === 'cbow';
  const minn = get('minn', FASTTEXT_DEFAULTS.minn);
  const maxn = get('maxn', FASTTEXT_DEFAULTS.maxn);
  if (maxn > 0 && maxn < minn) throw new UsageError(`--maxn ${maxn} is shorter than --minn ${minn}`, 'give --maxn ≥ --minn, or --maxn 0 for no n-grams');
  // No rows for n-grams that exist: fastText's readers would divide by the bucket count.
  if (maxn > 0 && get('bucket', FASTTEXT_DEFAULTS.bucket) === 0) throw new UsageError(`--bucket 0 leaves the n-grams of --maxn ${maxn} no rows`, 'give --maxn 0 for word vectors only, or --bucket ≥ 1');
  let minCount = Infinity;
  for (let i = 0; i < corpus.vocab.size; i++) minCount = Math.min(minCount, corpus.vocab.counts[i]!);
  return {
    cbow,
    dim: get('dim', WORD2VEC_DEFAULTS.dim),
    window: get('window', WORD2VEC_DEFAULTS.window),
    negative: get('negative', WORD2VEC_DEFAULTS.negative),
    sample: get('sample', WORD2VEC_DEFAULTS.sample),
    alpha: get('lr', cbow ? WORD2VEC_DEFAULTS.lrCbow : WORD2VEC_DEFAULTS.lrSkipgram),
    epochs: get('epochs', WORD2VEC_DEFAULTS.epochs),
    threads: get('threads', availableParallelism()),
    seed: get('seed', DEFAULT_SEED),
    minn,
    maxn,
    bucket: get('bucket', FASTTEXT_DEFAULTS.bucket),
    // fastText's -minCount, as the smallest count the vocabulary kept (saved in the .bin's args).
    minCount: Number.isFinite(minCount) ? minCount : 1,
  };
}

async function encode(given: Corpus, options: EncoderOptions, context: EncodeContext): Promise<DenseMatrix> {
  let corpus = given;
  const p = params(options, corpus);
  let initMeta: Record<string, unknown> | undefined;
  if (options.init !== undefined) {
    if (typeof options.init !== 'string') throw new UsageError('the init option must be a file name');
    const mode = (options.initVocab ?? 'union') as InitVocabulary;
    const model = await readFastTextInit(options.init, context.warn);
    const settings = modelSettings(model);
    checkModelFlags({ dim: p.dim, minn: p.minn, maxn: p.maxn, bucket: p.bucket }, { dim: WORD2VEC_DEFAULTS.dim, minn: FASTTEXT_DEFAULTS.minn, maxn: FASTTEXT_DEFAULTS.maxn, bucket: FASTTEXT_DEFAULTS.bucket }, settings, options.init);
    Object.assign(p, settings);
    const applied = applyFastTextInit(given, model, mode);
    corpus = applied.corpus;
    p.init = applied.init;
    initMeta = { init: options.init, initVocab: mode, initMatched: applied.init.matched, initAdded: applied.init.added, initFresh: applied.init.fresh };
    context.note?.(`--init ${options.init}: ${applied.init.matched.toLocaleString('en-US')} of the corpus's ${given.vocab.size.toLocaleString('en-US')} words and every n-gram row start from it, ${applied.init.fresh.toLocaleString('en-US')} words at random${mode === 'union' ? `; ${applied.init.added.toLocaleString('en-US')} of its words not in the corpus kept` : ''}`);
  }
  const result = await trainFastText(corpus, p, context.progress);
  const { cbow, alpha: lr, minCount: _minCount, init: _init, ...rest } = p;
  const meta = makeMeta('fasttext', { ...rest, mode: cbow ? 'cbow' : 'skipgram', lr, bucket: result.model.args.bucket, threads: result.threads, negativePower: NEGATIVE_POWER, ...initMeta }, {
    seed: p.seed,
    vocabularySize: corpus.vocab.size,
    tokensTrained: result.wordsTrained,
    seconds: Number(result.seconds.toFixed(3)),
    wordsPerSecond: Math.round(result.wordsTrained / Math.max(result.seconds, 1e-9)),
    notes: "each word's vector is the mean of its word row and its character n-gram rows (fastText); -o X.bin writes fastText's .bin model; reproducible only with --threads 1",
  });
  const matrix = new DenseMatrix(corpus.vocab.words.slice(), null, p.dim, result.vectors, meta);
  attachFastTextModel(matrix, result.model);
  return matrix;
}

export const fasttext: CorpusEncoder = {
  name: 'fasttext',
  input: 'corpus',
  summary: "fastText subword skip-gram / CBOW: words plus character n-grams, vectors for unseen words (-o X.bin writes fastText's model)",
  defaultMinCount: WORD2VEC_DEFAULTS.minCount,
  options: fastTextOptions(),
  encode,
};
