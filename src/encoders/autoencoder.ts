import { InputError, UsageError } from '../core/errors.js';
import { DenseMatrix, makeMeta, type SparseMatrix } from '../core/matrix.js';
import { choice, integer, number } from '../core/parse.js';
import { DEFAULT_SEED } from '../core/random.js';
import type { Progress } from '../core/progress.js';
import type { Corpus } from '../corpus/corpus.js';
import { availableParallelism } from 'node:os';
import { ACTIVATIONS, type Activation } from './autoencoder/model.js';
import { roundLoss, trainAutoencoder } from './autoencoder/train.js';
import { AUTOENCODER_PARALLEL_MIN_NONZEROS } from './autoencoder/wasm.js';
import { coocFromOptions, PPMI_OPTIONS, spillOptions, WINDOW_OPTIONS } from './cooc.js';
import { documentTermMatrix } from './doc.js';
import type { CorpusEncoder, EncoderOptions } from './types.js';

export const AUTOENCODER_INPUTS = ['cooc', 'doc'] as const;
export type AutoencoderInput = (typeof AUTOENCODER_INPUTS)[number];
export const ROW_SCALINGS = ['global', 'l2'] as const;
export type RowScaling = (typeof ROW_SCALINGS)[number];

/**
 * Defaults, measured on the English mix (docs/autoencoder.md): Adam at 3e-3 on minibatches of 256
 * rows gives good raw and whitened codes (1e-2 scrambles the raw code basis, 1e-3 learns slower);
 * WordSim-353 is flat after 3 epochs and the loss still falls at 5.
 */
export const AUTOENCODER_DEFAULTS = {
  input: 'cooc' as AutoencoderInput,
  dim: 100,
  epochs: 5,
  learningRate: 3e-3,
  batchSize: 256,
  activation: 'linear' as Activation,
  /**
   * PPMI rows keep their relative sizes: the loss then weighs words as PPMI+SVD does, and the
   * optimum's whitened codes score WordSim-353 ρ 0.51 on the English mix, against 0.38 with every
   * row L2-normalised (docs/autoencoder.md).
   */
  rowScaling: 'global' as RowScaling,
  whiten: true,
  /** The vocabulary cut of the neural encoders (word2vec's -min-count 5): the model has 2·|V|·dim weights. */
  minCount: 5,
};

export const WHITENED = 'whitened (centred, decorrelated, unit variance)';

export const autoencoder: CorpusEncoder = {
  name: 'autoencoder',
  summary: 'autoencoder embeddings: the bottleneck codes of a network that reconstructs each word\'s PPMI row (or each document\'s tf-idf row)',
  input: 'corpus',
  countsInput: true,
  defaultMinCount: AUTOENCODER_DEFAULTS.minCount,
  options: [
    {
      flags: '--input <rows>',
      description: 'cooc: one row per word, its PPMI co-occurrence row (see --row-scaling); doc: one row per document, its tf-idf bag of words (L2-normalised)',
      default: AUTOENCODER_DEFAULTS.input,
      choices: AUTOENCODER_INPUTS,
      parse: choice('--input', AUTOENCODER_INPUTS),
    },
    { flags: '--dim <n>', description: 'size of the bottleneck code (the embedding)', default: AUTOENCODER_DEFAULTS.dim, parse: integer('--dim', 1) },
    { flags: '--epochs <n>', description: 'passes over the rows', default: AUTOENCODER_DEFAULTS.epochs, parse: integer('--epochs', 1) },
    { flags: '--lr <rate>', description: 'Adam learning rate', default: AUTOENCODER_DEFAULTS.learningRate, parse: number('--lr', 0, 1, true) },
    { flags: '--batch-size <n>', description: 'rows per Adam step', default: AUTOENCODER_DEFAULTS.batchSize, parse: integer('--batch-size', 1) },
    {
      flags: '--activation <fn>',
      description: 'encoder non-linearity (the decoder is linear)',
      default: AUTOENCODER_DEFAULTS.activation,
      choices: ACTIVATIONS,
      parse: choice('--activation', ACTIVATIONS),
    },
    { flags: '--whiten', description: 'whiten the codes: centre, decorrelate, unit variance per direction', default: AUTOENCODER_DEFAULTS.whiten },
    { flags: '--no-whiten', description: 'output the raw bottleneck codes' },
    ...WINDOW_OPTIONS,
    ...PPMI_OPTIONS,
    {
      flags: '--row-scaling <mode>',
      description: 'with --input cooc: global = the PPMI rows as they are, all divided by one factor (mean squared row norm 1); l2 = every row scaled to unit length',
      default: AUTOENCODER_DEFAULTS.rowScaling,
      choices: ROW_SCALINGS,
      parse: choice('--row-scaling', ROW_SCALINGS),
    },
    { flags: '--seed <n>', description: 'random seed (initial encoder weights, row order)', default: DEFAULT_SEED, parse: integer('--seed', 0) },
    {
      flags: '--threads <n>',
      description: 'threads of the training kernels, 1 or 2 (each count gives the same vectors on every run; 1 and 2 differ by float32 rounding)',
      defaultDescription: `2 when there are two cores and ≥ ${AUTOENCODER_PARALLEL_MIN_NONZEROS.toLocaleString('en-US')} input non-zeros, else 1 (${Math.min(2, availableParallelism())} cores here)`,
      parse: integer('--threads', 1, 2),
      aliases: ['--thread'],
    },
  ],
  async encode(corpus, options, context) {
    const input = options.input as AutoencoderInput;
    if (corpus.cooccurrences && input === 'doc') throw new UsageError('--counts gives word co-occurrences; the autoencoder needs a corpus for --input doc', 'use --input cooc, or give the corpus');
    const rows = input === 'doc' ? documentTermMatrix(corpus, 'tfidf') : scaledPpmiRows(corpus, options, context.progress, spillOptions(context));
    if (rows.nnz === 0) throw new InputError('the autoencoder has nothing to reconstruct: every input row is empty', input === 'cooc' ? 'use a larger corpus or --window, or lower --min-count' : 'use a larger corpus or lower --min-count');
    const train = {
      dim: options.dim as number,
      epochs: options.epochs as number,
      learningRate: options.lr as number,
      batchSize: options.batchSize as number,
      activation: options.activation as Activation,
      seed: options.seed as number,
      threads: options.threads as number | undefined,
      whiten: options.whiten !== false,
    };
    const { lossPerEpoch, codes, whitened: white, threads } = trainAutoencoder(rows, train, context.progress);

    const whitened = options.whiten !== false;
    const data = white ? white.data : codes;
    const effective = {
      input,
      dim: train.dim,
      epochs: train.epochs,
      lr: train.learningRate,
      batchSize: train.batchSize,
      activation: train.activation,
      whiten: whitened,
      ...(input === 'cooc' ? { window: options.window, distanceWeighting: options.distanceWeighting, cds: options.cds, shift: options.shift, rowScaling: options.rowScaling } : {}),
    };
    const meta = makeMeta('autoencoder', effective, {
      seed: train.seed,
      vocabularySize: corpus.vocab.size,
      lossPerEpoch: lossPerEpoch.map(roundLoss),
      postprocess: whitened ? WHITENED : 'none (raw bottleneck codes)',
      inputNonZeros: rows.nnz,
      threadsUsed: threads,
    });
    return new DenseMatrix(rows.rows.slice(), null, train.dim, data, meta);
  },
};

/** Each word's PPMI co-occurrence row, scaled as --row-scaling says. */
export function scaledPpmiRows(corpus: Corpus, options: EncoderOptions, progress?: Progress, spill?: Parameters<typeof coocFromOptions>[3]): SparseMatrix {
  const ppmi = coocFromOptions(corpus, { ...options, weight: 'ppmi' }, progress, spill);
  scaleRows(ppmi, (options.rowScaling as RowScaling | undefined) ?? AUTOENCODER_DEFAULTS.rowScaling);
  return ppmi;
}

/**
 * In place: `l2` scales every row to unit length (all-zero rows stay zero); `global` divides every
 * value by one factor so that the mean squared row norm is 1 — the loss per row then starts near 1
 * and reads as the fraction of the matrix's energy not reconstructed, whatever the PPMI magnitudes.
 */
export function scaleRows(rows: SparseMatrix, scaling: RowScaling): void {
  const { indptr, values } = rows;
  if (scaling === 'global') {
    let energy = 0;
    for (let p = 0; p < rows.nnz; p++) energy += values[p]! * values[p]!;
    if (energy === 0) return;
    const factor = 1 / Math.sqrt(energy / rows.nRows);
    for (let p = 0; p < rows.nnz; p++) values[p]! *= factor;
    return;
  }
  for (let i = 0; i < rows.nRows; i++) {
    let norm = 0;
    for (let p = indptr[i]!; p < indptr[i + 1]!; p++) norm += values[p]! * values[p]!;
    if (norm === 0) continue;
    const inverse = 1 / Math.sqrt(norm);
    for (let p = indptr[i]!; p < indptr[i + 1]!; p++) values[p]! *= inverse;
  }
}
