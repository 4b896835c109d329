import { availableParallelism } from 'node:os';
import type { Progress } from '../../core/progress.js';
import { Random } from '../../core/random.js';
import { AutoencoderModel, encodeAll, Scratch, solveDecoder, trainBatch, type Activation, type SparseRows } from './model.js';
import { whiten, type Whitened } from './whiten.js';
import { AUTOENCODER_PARALLEL_MIN_NONZEROS, WasmAutoencoder } from './wasm.js';

export const AUTOENCODER_KERNELS = ['wasm', 'typescript'] as const;
export type AutoencoderKernels = (typeof AUTOENCODER_KERNELS)[number];

export interface TrainOptions {
  dim: number;
  epochs: number;
  learningRate: number;
  batchSize: number;
  activation: Activation;
  seed: number;
  /** wasm (default): the SIMD kernels of assembly/autoencoder.ts; typescript: model.ts, the reference. */
  kernels?: AutoencoderKernels;
  /** Also whiten the final codes (whiten.ts): TrainResult.whitened. */
  whiten?: boolean;
  /** Threads of the wasm kernels, 1 or 2 (default: 2 when there are two cores and enough non-zeros). */
  threads?: number;
}

export interface TrainResult {
  model: AutoencoderModel;
  /** Mean exact reconstruction loss per row over each epoch's encoder pass (as the epoch ran). */
  lossPerEpoch: number[];
  /** Wall-clock seconds per epoch (for reports; not part of the result's identity). */
  secondsPerEpoch: number[];
  /** The codes h of every row with the final encoder (rows × dim, row-major). */
  codes: Float32Array;
  /** The codes whitened, when options.whiten. */
  whitened?: Whitened;
  /** Threads the kernels ran on (1 for the TypeScript reference). */
  threads: number;
}

/** Progress is reported about this many times per epoch. */
const PROGRESS_UPDATES_PER_EPOCH = 50;

/**
 * Train an autoencoder on the rows. One seeded generator draws the initial encoder and each
 * epoch's row order, so a seed fixes the result. The decoder is solved for the initial (random
 * projection) codes; then each epoch is a pass of Adam minibatches over the encoder in shuffled row
 * order, followed by the exact decoder solve for the new codes.
 */
export function trainAutoencoder(rows: SparseRows, options: TrainOptions, progress: Progress): TrainResult {
  const random = new Random(options.seed);
  const model = new AutoencoderModel({ inputSize: rows.nCols, dim: options.dim, activation: options.activation });
  model.initialize(random);
  const nnz = rows.indptr[rows.nRows]!;
  const threads = Math.min(2, Math.max(1, options.threads ?? (nnz >= AUTOENCODER_PARALLEL_MIN_NONZEROS ? availableParallelism() : 1)));
  const wasm = (options.kernels ?? 'wasm') === 'wasm' ? new WasmAutoencoder(model, rows, threads, options.batchSize) : undefined;
  try {
    const scratch = new Scratch(options.dim);
    const solve = (): void => (wasm ? wasm.solveDecoder() : solveDecoder(model, rows));
    const batch = (order: Int32Array, start: number, end: number): number =>
      wasm ? wasm.trainBatch(start, end, options.learningRate) : trainBatch(model, rows, order, start, end, options.learningRate, scratch);
    solve();
    const order = new Int32Array(rows.nRows);
    for (let i = 0; i < order.length; i++) order[i] = i;
    const updateEvery = Math.max(options.batchSize, Math.ceil(rows.nRows / PROGRESS_UPDATES_PER_EPOCH));
    const lossPerEpoch: number[] = [];
    const secondsPerEpoch: number[] = [];
    for (let epoch = 0; epoch < options.epochs; epoch++) {
      const started = performance.now();
      random.shuffle(order);
      wasm?.setOrder(order);
      progress.stage(`autoencoder epoch ${epoch + 1}/${options.epochs}`, rows.nRows, 'rows');
      let lossSum = 0;
      let nextUpdate = updateEvery;
      for (let start = 0; start < rows.nRows; start += options.batchSize) {
        const end = Math.min(rows.nRows, start + options.batchSize);
        lossSum += batch(order, start, end);
        if (end >= nextUpdate) {
          progress.update(end, { loss: roundLoss(lossSum / end) });
          nextUpdate += updateEvery;
        }
      }
      const loss = lossSum / Math.max(rows.nRows, 1);
      progress.update(rows.nRows, { loss: roundLoss(loss) });
      solve();
      progress.end();
      const seconds = (performance.now() - started) / 1000;
      progress.log(`autoencoder epoch ${epoch + 1}/${options.epochs}: loss ${roundLoss(loss)} (${seconds.toFixed(1)} s)`);
      lossPerEpoch.push(loss);
      secondsPerEpoch.push(seconds);
    }
    let codes: Float32Array;
    let whitened: Whitened | undefined;
    if (wasm) {
      if (wasm.threads > 1) {
        const { helper, main } = wasm.handOvers;
        progress.log(`autoencoder: the helper thread ran ${helper} of ${helper + main} shares handed to it (the main thread ran the others, the helper not having started them)`);
      }
      wasm.writeBack();
      codes = wasm.codes();
      if (options.whiten) whitened = wasm.whiten();
    } else {
      codes = encodeAll(model, rows);
      if (options.whiten) whitened = whiten(codes, rows.nRows, options.dim);
    }
    return { model, lossPerEpoch, secondsPerEpoch, codes, whitened, threads: wasm ? wasm.threads : 1 };
  } finally {
    wasm?.close();
  }
}

/** Losses are shown and stored with 6 significant digits. */
export function roundLoss(loss: number): number {
  return Number(loss.toPrecision(6));
}
