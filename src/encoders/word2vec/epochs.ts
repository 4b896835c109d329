/**
 * What every training thread of the word2vec-style kernels (word2vec, fastText) does, whatever its
 * kernel: cut its slice of the token stream into pieces and train on them for every epoch, with the
 * learning rate of the global progress, reporting to the main thread. The workers
 * (word2vec/worker.ts, fasttext/worker.ts) only build their kernel and call trainEpochs.
 */
import { readParts, SENTENCE_END, type StreamPart } from '../../corpus/stream.js';
import { PIECE_ENTRIES } from './kernel.js';
import { learningRate } from './schedule.js';

/** What a training thread gets besides its kernel's own layout. */
export interface ThreadInput {
  /** This thread's slice of the token stream (in memory or in a file, read again every epoch). */
  parts: StreamPart[];
  /**
   * Or, with several threads: the whole stream cut into segments (shared memory or file ranges),
   * which the threads claim one at a time from `claims` (one Int32: segments claimed over all epochs),
   * so that none idles while another still has a slice to train.
   */
  segments?: StreamPart[][];
  claims?: SharedArrayBuffer;
  /** Two 32-bit halves of this thread's generator seed. */
  seed: [number, number];
  /** One BigInt64: words processed by all threads so far. */
  counter: SharedArrayBuffer;
  epochs: number;
  alpha: number;
  /** The rate at the end (`--min-lr`); undefined: word2vec.c's alpha · 1e-4 floor. */
  minAlpha?: number;
  /** Words over all epochs and threads (the end of the learning-rate decay). */
  totalWords: number;
}

export type WorkerMessage = { type: 'progress' } | { type: 'done'; words: number };

/** A kernel instance as the epoch loop drives it. */
export interface PieceTrainer {
  seed(low: number, high: number): void;
  trainPiece(entries: Int32Array, alpha: number): void;
}

/** How often a thread tells the main thread to refresh the progress display. */
const PROGRESS_INTERVAL_MS = 250;

/**
 * A training thread's side of the shared word counter (word2vec, fastText, PV-DBOW): `done` is the
 * words all threads have trained (the learning rate's progress), `add` counts this thread's and
 * asks the main thread, at most every PROGRESS_INTERVAL_MS, to refresh its display, `finish` posts
 * this thread's total.
 */
export class ThreadProgress {
  private readonly counter: BigInt64Array;
  private trained = 0;
  private lastReport = performance.now();

  constructor(counter: SharedArrayBuffer, private readonly post: (message: WorkerMessage) => void) {
    this.counter = new BigInt64Array(counter);
  }

  get done(): number {
    return Number(Atomics.load(this.counter, 0));
  }

  add(words: number): void {
    Atomics.add(this.counter, 0, BigInt(words));
    this.trained += words;
    const now = performance.now();
    if (now - this.lastReport >= PROGRESS_INTERVAL_MS) {
      this.lastReport = now;
      this.post({ type: 'progress' });
    }
  }

  finish(): void {
    this.post({ type: 'done', words: this.trained });
  }
}

/** Entries read from the stream at once. */
const READ_ENTRIES = 1 << 16;

/**
 * The pieces the kernel trains on, streamed from `parts`: at most PIECE_ENTRIES entries each,
 * ending after the last sentence end within reach (a sentence longer than a piece is cut), empty
 * sentences left out. `train(piece, words)` gets each piece (valid during the call) and its tokens.
 */
export function forEachPiece(parts: readonly StreamPart[], train: (piece: Int32Array, words: number) => void): void {
  const buf = new Int32Array(PIECE_ENTRIES + 1);
  let len = 0;
  let afterEnd = true;
  // Train on the first piece of buf (cut at its last sentence end when more follows it) and keep the rest.
  const emit = (): void => {
    let end = Math.min(PIECE_ENTRIES, len);
    if (len > PIECE_ENTRIES) {
      let last = end - 1;
      while (last >= 0 && buf[last]! >= 0) last--;
      if (last >= 0) end = last + 1;
    }
    let words = 0;
    for (let i = 0; i < end; i++) if (buf[i]! >= 0) words++;
    train(buf.subarray(0, end), words);
    buf.copyWithin(0, end, len);
    len -= end;
  };
  for (const chunk of readParts(parts, READ_ENTRIES)) {
    for (let i = 0; i < chunk.length; i++) {
      const e = chunk[i]!;
      if (e === SENTENCE_END) {
        if (afterEnd) continue;
        afterEnd = true;
      } else afterEnd = false;
      buf[len++] = e;
      if (len > PIECE_ENTRIES) emit();
    }
  }
  while (len > 0) emit();
}

/** Seed the kernel and train it on the thread's slice for every epoch, posting progress and then 'done'. */
export function trainEpochs(kernel: PieceTrainer, input: ThreadInput, post: (message: WorkerMessage) => void): void {
  kernel.seed(input.seed[0], input.seed[1]);
  const progress = new ThreadProgress(input.counter, post);
  const train = (piece: Int32Array, words: number): void => {
    kernel.trainPiece(piece, learningRate(input.alpha, progress.done, input.totalWords, input.minAlpha));
    progress.add(words);
  };
  const segments = input.segments;
  if (segments && input.claims) {
    // Segment g of the run is segment g mod K of epoch ⌊g / K⌋: every epoch's segments are claimed before the next epoch's.
    const claims = new Int32Array(input.claims);
    const total = segments.length * input.epochs;
    for (let g = Atomics.add(claims, 0, 1); g < total; g = Atomics.add(claims, 0, 1)) forEachPiece(segments[g % segments.length]!, train);
  } else {
    for (let epoch = 0; epoch < input.epochs; epoch++) forEachPiece(input.parts, train);
  }
  progress.finish();
}
