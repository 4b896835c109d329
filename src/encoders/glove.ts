import { availableParallelism } from 'node:os';
import { DenseMatrix, makeMeta } from '../core/matrix.js';
import { integer, number } from '../core/parse.js';
import { DEFAULT_SEED } from '../core/random.js';
import { countCooccurrences, parseWindow, spillOptions } from './cooc.js';
import { trainGlove, type GloveParams } from './glove/train.js';
import type { CorpusEncoder } from './types.js';

export { gloveWeight } from './glove/train.js';

/**
 * Defaults of the GloVe C tool (stanfordnlp/GloVe: glove -iter 25 -eta 0.05 -x-max 100 -alpha 0.75
 * -grad-clip 100), with two exceptions: the window is the paper's 10 (Pennington et al. 2014, §4.2;
 * cooccur's own default is 15), and the dimension is 100 like every other encoder here (glove.c's
 * default is 50).
 */
export const GLOVE_DEFAULTS = {
  dim: 100,
  window: 10,
  epochs: 25,
  lr: 0.05,
  xMax: 100,
  /** glove.c -alpha: the exponent of the weighting function (not a learning rate). */
  weightExponent: 0.75,
  gradClip: 100,
  /** vocab_count's -min-count default is 1; 5 is what the demo script (demo.sh) and word2vec use. */
  minCount: 5,
};

/** What the saved vectors are (glove.c -model 2, its default). */
const VECTORS_NOTE = 'W + W̃ (word + context)';

/**
 * GloVe (Pennington, Socher & Manning 2014): weighted least squares on the log co-occurrence
 * counts, J = Σ f(X_ij)(w_i·w̃_j + b_i + b̃_j − log X_ij)², f(x) = min(1, (x/x_max)^α), trained
 * with AdaGrad exactly as glove.c updates (see docs/glove.md); counts weighted 1/d within the window
 * (cooccur -symmetric 1). The vectors are W + W̃.
 */
export const glove: CorpusEncoder = {
  name: 'glove',
  summary: 'GloVe word vectors: weighted least squares on log co-occurrence counts, AdaGrad (vectors = W + W̃)',
  input: 'corpus',
  countsInput: true,
  defaultMinCount: GLOVE_DEFAULTS.minCount,
  options: [
    { flags: '--dim <n>', description: 'vector dimension', default: GLOVE_DEFAULTS.dim, parse: integer('--dim', 1), aliases: ['--vector-size', '--size'] },
    { flags: '--window <n>', description: 'words on each side counted as context, weighted 1/distance', default: GLOVE_DEFAULTS.window, parse: parseWindow, aliases: ['--window-size', '--ws'] },
    { flags: '--epochs <n>', description: 'passes over the non-zero co-occurrences', default: GLOVE_DEFAULTS.epochs, parse: integer('--epochs', 1), aliases: ['--iter', '--epoch'] },
    { flags: '--lr <rate>', description: 'AdaGrad learning rate (glove.c -eta)', default: GLOVE_DEFAULTS.lr, parse: number('--lr', 0, Infinity, true), aliases: ['--eta'] },
    { flags: '--x-max <x>', description: 'counts at or above x_max get full weight in f(x) = min(1, (x/x_max)^e), e = --weight-exponent', default: GLOVE_DEFAULTS.xMax, parse: number('--x-max', 0, Infinity, true) },
    { flags: '--weight-exponent <e>', description: 'exponent e of the weighting function f (glove.c -alpha)', default: GLOVE_DEFAULTS.weightExponent, parse: number('--weight-exponent', 0) },
    { flags: '--grad-clip <g>', description: 'clip every gradient component to ±g (glove.c -grad-clip)', default: GLOVE_DEFAULTS.gradClip, parse: number('--grad-clip', 0, Infinity, true) },
    { flags: '--threads <n>', description: 'training threads (Hogwild); 1 gives the same vectors on every run', default: availableParallelism(), defaultDescription: `all cores, ${availableParallelism()} here`, parse: integer('--threads', 1), aliases: ['--thread'] },
    { flags: '--seed <n>', description: 'random seed (initial vectors, update order)', default: DEFAULT_SEED, parse: integer('--seed', 0, 2 ** 32 - 1) },
  ],
  refusedFlags: {
    '--alpha': 'in sgns and cbow --alpha is the learning rate; here the learning rate is --lr and glove.c\'s -alpha, the weighting exponent, is --weight-exponent',
  },
  async encode(corpus, options, context) {
    const params: GloveParams & { window: number } = {
      dim: (options.dim as number | undefined) ?? GLOVE_DEFAULTS.dim,
      window: (options.window as number | undefined) ?? GLOVE_DEFAULTS.window,
      epochs: (options.epochs as number | undefined) ?? GLOVE_DEFAULTS.epochs,
      eta: (options.lr as number | undefined) ?? GLOVE_DEFAULTS.lr,
      xMax: (options.xMax as number | undefined) ?? GLOVE_DEFAULTS.xMax,
      alpha: (options.weightExponent as number | undefined) ?? GLOVE_DEFAULTS.weightExponent,
      gradClip: (options.gradClip as number | undefined) ?? GLOVE_DEFAULTS.gradClip,
      threads: (options.threads as number | undefined) ?? availableParallelism(),
      seed: (options.seed as number | undefined) ?? DEFAULT_SEED,
    };
    const counts = countCooccurrences(corpus, { window: params.window, distanceWeighting: 'harmonic', ...spillOptions(context) }, context.progress);
    const nonZeros = counts.nnz;
    const result = await trainGlove(counts, params, context.progress);
    if (result.skipped > 0) context.warn(`glove: ${result.skipped} updates skipped because the residual was not finite (try a lower --lr)`);
    const effective = {
      dim: params.dim, window: params.window, epochs: params.epochs, lr: params.eta, xMax: params.xMax,
      weightExponent: params.alpha, gradClip: params.gradClip, threads: params.threads, seed: params.seed,
    };
    const meta = makeMeta('glove', effective, {
      seed: params.seed,
      vocabularySize: corpus.vocab.size,
      nonZeros,
      lossPerEpoch: result.lossPerEpoch,
      vectors: VECTORS_NOTE,
      threadsUsed: result.threads,
      trainingSeconds: Number(result.seconds.toFixed(2)),
    });
    return new DenseMatrix(corpus.vocab.words.slice(), null, params.dim, result.vectors, meta);
  },
};
