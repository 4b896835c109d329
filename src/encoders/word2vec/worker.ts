/**
 * A word2vec training thread: instantiates the kernel on the shared memory and trains on its own
 * contiguous slice of the corpus for every epoch, like a word2vec.c thread. It reports progress by
 * adding to a shared counter of words processed (which also drives the learning rate) and by
 * posting a message every PROGRESS_INTERVAL_MS; an exception ends the thread with an 'error' event.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { Kernel, PIECE_ENTRIES, type MemoryLayout, type ModelShape } from './kernel.js';
import { learningRate } from './schedule.js';

export interface WorkerInput {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  layout: MemoryLayout;
  slot: number;
  shape: ModelShape;
  /** Vocabulary ids of this thread's slice, -1 ending each sentence. */
  slice: Int32Array;
  /** Two 32-bit halves of this thread's generator seed. */
  seed: [number, number];
  /** One BigInt64: words processed by all threads so far. */
  counter: SharedArrayBuffer;
  epochs: number;
  alpha: number;
  /** Words over all epochs and threads (the end of the learning-rate decay). */
  totalWords: number;
}

export type WorkerMessage = { type: 'progress' } | { type: 'done'; words: number };

/** How often a thread tells the main thread to refresh the progress display. */
const PROGRESS_INTERVAL_MS = 250;

/** Cut the slice into pieces of at most PIECE_ENTRIES entries, ending after a sentence end when one is in reach. */
function pieceEnds(slice: Int32Array): number[] {
  const ends: number[] = [];
  let start = 0;
  while (start < slice.length) {
    let end = Math.min(start + PIECE_ENTRIES, slice.length);
    if (end < slice.length) {
      let last = end - 1;
      while (last >= start && slice[last]! >= 0) last--;
      if (last >= start) end = last + 1;
    }
    ends.push(end);
    start = end;
  }
  return ends;
}

function run(input: WorkerInput, post: (message: WorkerMessage) => void): void {
  const kernel = new Kernel(input.module, input.memory, input.layout, input.slot, input.shape);
  kernel.seed(input.seed[0], input.seed[1]);
  const counter = new BigInt64Array(input.counter);
  const { slice } = input;
  const ends = pieceEnds(slice);
  const words: number[] = ends.map((end, p) => {
    let n = 0;
    for (let i = p === 0 ? 0 : ends[p - 1]!; i < end; i++) if (slice[i]! >= 0) n++;
    return n;
  });
  let trained = 0;
  let lastReport = performance.now();
  for (let epoch = 0; epoch < input.epochs; epoch++) {
    let start = 0;
    for (let p = 0; p < ends.length; p++) {
      const end = ends[p]!;
      const done = Number(Atomics.load(counter, 0));
      kernel.trainPiece(slice.subarray(start, end), learningRate(input.alpha, done, input.totalWords));
      Atomics.add(counter, 0, BigInt(words[p]!));
      trained += words[p]!;
      start = end;
      const now = performance.now();
      if (now - lastReport >= PROGRESS_INTERVAL_MS) {
        lastReport = now;
        post({ type: 'progress' });
      }
    }
  }
  post({ type: 'done', words: trained });
}

if (parentPort) {
  const port = parentPort;
  run(workerData as WorkerInput, (message) => port.postMessage(message));
}
