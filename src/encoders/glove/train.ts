import { Worker } from 'node:worker_threads';
import { InputError } from '../../core/errors.js';
import type { SparseMatrix } from '../../core/matrix.js';
import type { Progress } from '../../core/progress.js';
import { Random } from '../../core/random.js';
import {
  copyRecord, createSharedMemory, GloveKernel, initialiseParameters, loadKernelModule, planLayout, recordViews, summedVectors, writeRecord,
  type MemoryLayout, type UpdateRule,
} from './kernel.js';
import type { WorkerCommand, WorkerInput, WorkerMessage } from './worker.js';
import { workerExecArgv } from '../../core/worker-argv.js';

/** Below this many co-occurrence cells per thread another thread costs more than it brings. */
const MIN_RECORDS_PER_THREAD = 1 << 16;

export interface GloveParams {
  dim: number;
  epochs: number;
  /** AdaGrad learning rate (glove.c's eta). */
  eta: number;
  /** Weighting function f(x) = min(1, (x / xMax)^alpha). */
  xMax: number;
  alpha: number;
  /** Gradient components are clipped to ±gradClip (glove.c's grad_clip_value). */
  gradClip: number;
  threads: number;
  seed: number;
}

export interface GloveResult {
  /** W + W̃, vocabulary × dim, row-major. */
  vectors: Float32Array;
  /** The cost after each epoch as glove.c prints it: ½·Σ f(X)·diff² / cells, summed during the pass. */
  lossPerEpoch: number[];
  /** Threads actually used (≤ the requested number on a small matrix). */
  threads: number;
  /** Updates skipped because the residual was not finite (glove.c skips them too). */
  skipped: number;
  seconds: number;
}

/** GloVe's weighting function f(x) = (x / xMax)^alpha below xMax, 1 above (Pennington et al. 2014, eq. 9). */
export function gloveWeight(x: number, xMax: number, alpha: number): number {
  return x > xMax ? 1 : Math.pow(x / xMax, alpha);
}

/** Thread t trains records [starts[t], starts[t+1]); sizes differ by at most one. */
export function sliceStarts(records: number, threads: number): number[] {
  const starts = [0];
  for (let t = 0; t < threads; t++) starts.push(starts[t]! + Math.floor(records / threads) + (t < records % threads ? 1 : 0));
  return starts;
}

/**
 * The non-zero cells of the co-occurrence matrix as kernel records, in a uniformly random order
 * (the "inside-out" Fisher–Yates shuffle, as they are written; glove.c's pipeline runs `shuffle`
 * once the same way). Thread t then trains the contiguous slice t, and every epoch reshuffles
 * within it (GloveKernel.trainSlice).
 */
function writeRecords(counts: SparseMatrix, memory: WebAssembly.Memory, layout: MemoryLayout, params: GloveParams, random: Random): void {
  const views = recordViews(memory, layout);
  const { indptr, indices, values } = counts;
  for (let row = 0; row < counts.nRows; row++) {
    const end = indptr[row + 1]!;
    for (let k = indptr[row]!; k < end; k++) {
      const x = values[k]!;
      if (!(x > 0)) throw new InputError(`co-occurrence count ${x} at row ${row} is not positive`, 'GloVe takes the logarithm of every non-zero cell');
      const j = random.below(k + 1);
      if (j !== k) copyRecord(views, j, k);
      writeRecord(views, j, row, indices[k]!, Math.log(x), gloveWeight(x, params.xMax, params.alpha));
    }
  }
}

interface EpochResult {
  cost: number;
  skipped: number;
}

/** Runs one epoch over all slices, in this thread or in worker threads. */
interface EpochRunner {
  epoch(onRecords: (records: number) => void): Promise<EpochResult>;
  close(): Promise<void>;
}

function inProcessRunner(module: WebAssembly.Module, memory: WebAssembly.Memory, layout: MemoryLayout, rule: UpdateRule, seed: [number, number]): EpochRunner {
  const kernel = new GloveKernel(module, memory, layout, rule);
  kernel.seed(seed[0], seed[1]);
  return {
    epoch: async (onRecords) => ({ cost: kernel.trainSlice(0, layout.recordCount, onRecords), skipped: kernel.skipped() }),
    close: async () => {},
  };
}

/** One worker per slice, kept for the whole training; each epoch is a barrier, as in glove.c. */
function workerRunner(inputs: WorkerInput[]): EpochRunner {
  const workerUrl = new URL('./worker.js', import.meta.url);
  const workers: Worker[] = [];
  let failure: Error | undefined;
  let closing = false;
  let pending: { remaining: number; cost: number; skipped: number; onRecords: (n: number) => void; resolve: (r: EpochResult) => void; reject: (e: Error) => void } | undefined;
  const fail = (error: Error): void => {
    if (closing || failure) return;
    failure = error;
    pending?.reject(error);
    pending = undefined;
  };
  inputs.forEach((input, index) => {
    let worker: Worker;
    try {
      worker = new Worker(workerUrl, { workerData: input, execArgv: workerExecArgv() });
    } catch (err) {
      fail(new InputError(`cannot start GloVe training thread ${index + 1}: ${(err as Error).message}`));
      return;
    }
    workers.push(worker);
    worker.on('message', (message: WorkerMessage) => {
      if (!pending) return;
      if (message.type === 'progress') pending.onRecords(message.records);
      else {
        pending.cost += message.cost;
        pending.skipped += message.skipped;
        if (--pending.remaining === 0) {
          const done = pending;
          pending = undefined;
          done.resolve({ cost: done.cost, skipped: done.skipped });
        }
      }
    });
    worker.on('error', (err) => fail(new InputError(`GloVe training thread ${index + 1} failed: ${err.message}`)));
    worker.on('messageerror', (err) => fail(new InputError(`GloVe training thread ${index + 1}: bad message: ${err.message}`)));
    worker.on('exit', (code) => fail(new InputError(`GloVe training thread ${index + 1} stopped (exit code ${code}) before finishing`)));
  });
  return {
    epoch(onRecords) {
      return new Promise<EpochResult>((resolve, reject) => {
        if (failure) {
          reject(failure);
          return;
        }
        pending = { remaining: workers.length, cost: 0, skipped: 0, onRecords, resolve, reject };
        for (const worker of workers) worker.postMessage({ type: 'epoch' } satisfies WorkerCommand);
      });
    },
    async close() {
      closing = true;
      await Promise.all(workers.map((worker) => worker.terminate()));
    },
  };
}

/**
 * Train GloVe on a co-occurrence matrix (rows: words, columns: context words, values X > 0) with
 * AdaGrad as glove.c does, `params.threads` threads updating shared parameters lock-free (Hogwild).
 * Returns W + W̃ and the cost of every epoch.
 */
export async function trainGlove(counts: SparseMatrix, params: GloveParams, progress: Progress): Promise<GloveResult> {
  const cells = counts.nnz;
  if (cells === 0) throw new InputError('no co-occurrences to train on', 'give a longer corpus, or lower --min-count');
  const module = await loadKernelModule();
  const threads = Math.max(1, Math.min(params.threads, Math.floor(cells / MIN_RECORDS_PER_THREAD)));
  const layout = planLayout(counts.nRows, params.dim, cells);
  const memory = createSharedMemory(layout);
  const starts = sliceStarts(cells, threads);
  const random = new Random(params.seed);
  writeRecords(counts, memory, layout, params, random);
  initialiseParameters(memory, layout, random);
  const seeds: [number, number][] = starts.slice(1).map(() => [random.nextInt32(), random.nextInt32()]);
  const rule: UpdateRule = { eta: params.eta, gradClip: params.gradClip };

  const runner = threads === 1
    ? inProcessRunner(module, memory, layout, rule, seeds[0]!)
    : workerRunner(seeds.map((seed, t) => ({ module, memory, layout, rule, sliceStart: starts[t]!, sliceEnd: starts[t + 1]!, seed })));
  const lossPerEpoch: number[] = [];
  const total = params.epochs * cells;
  let done = 0;
  let skipped = 0;
  const started = performance.now();
  progress.stage('training', total, 'updates');
  try {
    for (let epoch = 0; epoch < params.epochs; epoch++) {
      const info: Record<string, number> = { epoch: epoch + 1 };
      if (lossPerEpoch.length > 0) info.loss = lossPerEpoch[lossPerEpoch.length - 1]!;
      const epochStarted = performance.now();
      const result = await runner.epoch((records) => {
        done += records;
        progress.update(done, info);
      });
      const loss = result.cost / cells;
      lossPerEpoch.push(loss);
      skipped = result.skipped;
      progress.log(`glove: epoch ${epoch + 1}/${params.epochs}, cost ${loss.toFixed(6)} (${((performance.now() - epochStarted) / 1000).toFixed(1)} s)`);
      progress.update(done, { epoch: epoch + 1, loss });
    }
    progress.end();
  } finally {
    await runner.close();
  }
  const seconds = (performance.now() - started) / 1000;
  return { vectors: summedVectors(memory, layout), lossPerEpoch, threads, skipped, seconds };
}
