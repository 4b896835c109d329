import { Worker } from 'node:worker_threads';
import { InputError } from '../../core/errors.js';
import type { Progress } from '../../core/progress.js';
import { Random } from '../../core/random.js';
import type { Corpus } from '../../corpus/corpus.js';
import { SENTENCE_END, TokenStream, type StreamPart } from '../../corpus/stream.js';
import {
  createSharedMemory, kernelConstants, loadKernelModule, planLayout, readVectors, writeTables, PIECE_ENTRIES,
  type MemoryLayout,
} from './kernel.js';
import { learningRate } from './schedule.js';
import { aliasTable, keepProbabilities, negativeWeights, sigmoidTable } from './tables.js';
import type { InitialVectors } from './init.js';
import type { ThreadInput } from './epochs.js';
import type { WorkerInput, WorkerMessage } from './worker.js';
import { workerExecArgv } from '../../core/worker-argv.js';

/** A thread gets at least one piece of work; smaller corpora use fewer threads. */
const MIN_ENTRIES_PER_THREAD = PIECE_ENTRIES;

export interface Word2VecParams {
  cbow: boolean;
  dim: number;
  window: number;
  negative: number;
  sample: number;
  alpha: number;
  /** The rate at the end of the decay (`--min-lr`); undefined: word2vec.c's alpha · 1e-4. */
  minAlpha?: number;
  epochs: number;
  threads: number;
  seed: number;
  /** Skip-gram: one set of negatives per window instead of per pair (--negative-sharing window). */
  sharedNegatives?: boolean;
  /** Starting input vectors for some words (`--init`, src/encoders/word2vec/init.ts); the rest start at random. */
  init?: InitialVectors;
}

export interface Word2VecResult {
  /** Input vectors, vocabulary × dim, row-major. */
  vectors: Float32Array;
  /** Threads actually used (≤ the requested number on a small corpus). */
  threads: number;
  /** Words processed: tokens × epochs. */
  wordsTrained: number;
  seconds: number;
}

/**
 * Train word2vec (skip-gram or CBOW, negative sampling) on a corpus with `params.threads` worker
 * threads sharing the weights (Hogwild). Returns the input vectors, as word2vec.c saves them.
 */
export async function trainWord2Vec(corpus: Corpus, params: Word2VecParams, progress: Progress): Promise<Word2VecResult> {
  const tokens = corpus.stream.tokens;
  if (tokens === 0) throw new InputError('no in-vocabulary tokens to train on', 'lower --min-count or check the input');
  const vocabSize = corpus.vocab.size;
  const module = await loadKernelModule();
  const constants = kernelConstants(module);

  const stream = corpus.stream;
  const threads = Math.max(1, Math.min(params.threads, Math.floor((tokens + stream.sentences) / MIN_ENTRIES_PER_THREAD)));
  const layout = planLayout(vocabSize, params.dim, threads, constants, 0, { window: params.window, negative: params.negative });
  const memory = createSharedMemory(layout);
  const weights = aliasTable(negativeWeights(corpus.vocab.counts));
  writeTables(memory, layout, {
    sigmoid: sigmoidTable(constants.sigmoidTableSize, constants.sigmoidBound),
    keep: keepProbabilities(corpus.vocab.counts, tokens, params.sample),
    aliasProbability: weights.probability,
    aliasIndex: weights.alias,
  });
  const random = new Random(params.seed);
  initialiseInputVectors(memory, layout, random);
  if (params.init) setInputVectors(memory, layout, params.init);

  const work = threadWork(stream, threads);
  const counter = new SharedArrayBuffer(BigInt64Array.BYTES_PER_ELEMENT);
  const totalWords = params.epochs * tokens;
  const inputs: WorkerInput[] = [];
  for (let w = 0; w < threads; w++) {
    inputs.push({
      module, memory, layout, slot: w,
      shape: { window: params.window, negative: params.negative, cbow: params.cbow, sharedNegatives: params.sharedNegatives === true },
      ...work,
      seed: [random.nextInt32(), random.nextInt32()],
      counter, epochs: params.epochs, alpha: params.alpha, minAlpha: params.minAlpha, totalWords,
    });
  }

  const seconds = await trainOnWorkers(inputs, progress, counter, params.alpha, totalWords, undefined, 'word2vec', params.minAlpha);
  // The memory is this run's alone and the threads are done: rows without padding are the result as
  // they lie (no copy of vocabulary × dim floats into fresh memory).
  const vectors = layout.stride === layout.dim ? new Float32Array(memory.buffer, layout.inputVectors, layout.vocabSize * layout.dim) : readVectors(memory, layout, 'input');
  return { vectors, threads, wordsTrained: totalWords, seconds };
}

/** Segments per thread when several threads share the stream (each claims the next one when done with its last). */
const SEGMENTS_PER_THREAD = 32;
/** A segment holds at least this many pieces (each segment starts a read and a piece buffer). */
const MIN_PIECES_PER_SEGMENT = 4;

/**
 * What each training thread reads. One thread: the whole stream as it is (so that `--threads 1`
 * trains on the same pieces, in the same order, as ever). Several: the stream cut at sentence ends
 * into segments that the threads claim one at a time over all epochs, lane by lane (ThreadInput.segments) — with
 * fixed slices the thread that drew the slower slice (or the busier core) left the other idle at the
 * end of the run. In-memory entries are copied once into memory the threads share; file parts are
 * read by whichever thread claims them.
 */
export function threadWork(stream: TokenStream, threads: number): Pick<ThreadInput, 'parts' | 'segments' | 'claims'> {
  if (threads === 1) {
    // An in-memory part is copied (a view would send its whole buffer to the thread); a file is read by the thread.
    const parts = stream.range(0, stream.storedEntries).map((part) => (part.data ? { ...part, data: part.data.slice() } : part));
    return { parts };
  }
  const shared = new TokenStream(stream.parts.map((part) => ({ ...part, data: part.data && sharedCopy(part.data), map: part.map && sharedCopy(part.map) })), stream.tokens, stream.sentences);
  const count = Math.max(threads, Math.min(threads * SEGMENTS_PER_THREAD, Math.floor(stream.storedEntries / (MIN_PIECES_PER_SEGMENT * PIECE_ENTRIES))));
  const bounds = sliceBounds(shared, count);
  const inOrder: StreamPart[][] = [];
  for (let k = 0; k + 1 < bounds.length; k++) if (bounds[k + 1]! > bounds[k]!) inOrder.push(shared.range(bounds[k]!, bounds[k + 1]!));
  // Claimed lane by lane: the stream in `threads` lanes of consecutive segments, the claims taking
  // the next segment of each lane in turn. So at any time the threads train in different regions of
  // the corpus, as with one fixed slice each (text in one region shares its words and topic: two
  // threads on adjacent segments would train on the same rows at once, and each epoch would see the
  // corpus in its file order rather than in `threads` interleaved streams).
  const segments: StreamPart[][] = [];
  const lanes = Array.from({ length: threads }, (_, l) => inOrder.slice(Math.floor((l * inOrder.length) / threads), Math.floor(((l + 1) * inOrder.length) / threads)));
  for (let i = 0; segments.length < inOrder.length; i++) for (const lane of lanes) if (i < lane.length) segments.push(lane[i]!);
  const claims = new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT);
  return { parts: [], segments, claims };
}

/** An Int32Array's values in memory that worker threads share (a view of it is sent, not copied). */
function sharedCopy(values: Int32Array): Int32Array {
  const copy = new Int32Array(new SharedArrayBuffer(values.byteLength));
  copy.set(values);
  return copy;
}

/**
 * Split the stream's stored positions into `threads` contiguous slices of about equal size, each
 * boundary moved to just after the next sentence end when one is within a piece (else the sentence
 * is cut there).
 */
export function sliceBounds(stream: TokenStream, threads: number): number[] {
  const total = stream.storedEntries;
  const bounds = [0];
  for (let w = 1; w < threads; w++) {
    let at = Math.max(bounds[w - 1]!, Math.round((w * total) / threads));
    const window = stream.stored(at, Math.min(total, at + PIECE_ENTRIES));
    const end = window.indexOf(SENTENCE_END);
    if (end !== -1) at += end + 1;
    bounds.push(at);
  }
  bounds.push(total);
  return bounds;
}

/** Input vectors uniform in [−0.5/dim, 0.5/dim] (word2vec.c); output vectors stay zero. */
export function initialiseInputVectors(memory: WebAssembly.Memory, layout: MemoryLayout, random: Random): void {
  const rows = new Float32Array(memory.buffer, layout.inputVectors, layout.vocabSize * layout.stride);
  for (let i = 0; i < layout.vocabSize; i++) {
    const row = i * layout.stride;
    for (let k = 0; k < layout.dim; k++) rows[row + k] = (random.next() - 0.5) / layout.dim;
  }
}

/** Overwrite the input rows of the words that have a starting vector. */
function setInputVectors(memory: WebAssembly.Memory, layout: MemoryLayout, init: InitialVectors): void {
  const rows = new Float32Array(memory.buffer, layout.inputVectors, layout.vocabSize * layout.stride);
  for (let i = 0; i < layout.vocabSize; i++) {
    if (init.has[i] === 1) rows.set(init.data.subarray(i * layout.dim, (i + 1) * layout.dim), i * layout.stride);
  }
}

/**
 * Run the training threads (runWorkers) under a 'training' progress stage that shows words/s and the
 * learning rate of the shared word counter; returns the seconds they took. word2vec, fastText and
 * PV-DBOW train this way.
 */
export async function trainOnWorkers<T extends Pick<WorkerInput, 'parts'>>(
  inputs: readonly T[], progress: Progress, counter: SharedArrayBuffer, alpha: number, totalWords: number, workerUrl?: URL, name = 'word2vec', minAlpha?: number,
): Promise<number> {
  const started = performance.now();
  progress.stage('training', totalWords, 'words');
  const words = new BigInt64Array(counter);
  await runWorkers(inputs, () => {
    const done = Number(Atomics.load(words, 0));
    const seconds = (performance.now() - started) / 1000;
    progress.update(done, {
      'words/s': Math.round(done / Math.max(seconds, 1e-3)),
      lr: Number(learningRate(alpha, done, totalWords, minAlpha).toPrecision(4)),
    });
  }, workerUrl, name);
  const seconds = (performance.now() - started) / 1000;
  progress.update(totalWords);
  progress.end();
  return seconds;
}

/**
 * Start one worker per input and wait for all of them. A worker that throws or exits early rejects
 * the promise with its message, and every worker is terminated. `workerUrl`: another worker script
 * that speaks the same messages (PV-DBOW's, src/encoders/docvec/pv-worker.ts); `name` says whose
 * training thread an error is about.
 */
export function runWorkers<T extends Pick<WorkerInput, 'parts'>>(inputs: readonly T[], onProgress: () => void, workerUrl = new URL('./worker.js', import.meta.url), name = 'word2vec'): Promise<void> {
  const workers: Worker[] = [];
  return new Promise<void>((resolve, reject) => {
    let settled = false;
    let finished = 0;
    const finish = (error?: Error): void => {
      if (settled) return;
      settled = true;
      for (const worker of workers) void worker.terminate();
      if (error) reject(error);
      else resolve();
    };
    inputs.forEach((input, index) => {
      let done = false;
      let worker: Worker;
      try {
        worker = new Worker(workerUrl, { workerData: input, execArgv: workerExecArgv(), transferList: input.parts.flatMap((part) => (part.data ? [part.data.buffer as ArrayBuffer] : [])) });
      } catch (err) {
        finish(new InputError(`cannot start ${name} training thread ${index + 1}: ${(err as Error).message}`));
        return;
      }
      workers.push(worker);
      worker.on('message', (message: WorkerMessage) => {
        if (message.type === 'progress') onProgress();
        else if (message.type === 'done') {
          done = true;
          if (++finished === inputs.length) finish();
        }
      });
      worker.on('error', (err) => finish(new InputError(`${name} training thread ${index + 1} failed: ${err.message}`)));
      worker.on('messageerror', (err) => finish(new InputError(`${name} training thread ${index + 1}: bad message: ${err.message}`)));
      worker.on('exit', (code) => {
        if (!done) finish(new InputError(`${name} training thread ${index + 1} stopped (exit code ${code}) before finishing`));
      });
    });
  });
}
