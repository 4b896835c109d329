/**
 * A PV-DBOW training thread (src/encoders/docvec/pv-dbow.ts): the word2vec kernel on the shared
 * memory, trained on this thread's contiguous range of documents for every epoch. It speaks the
 * word2vec worker's messages (src/encoders/word2vec/worker.ts), so word2vec's runWorkers drives it.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { Kernel, PIECE_ENTRIES } from '../word2vec/kernel.js';
import { ThreadProgress } from '../word2vec/epochs.js';
import { learningRate } from '../word2vec/schedule.js';
import type { WorkerInput, WorkerMessage } from '../word2vec/worker.js';

export interface PvWorkerInput extends WorkerInput {
  /** This thread's documents' entries (ids, -1 ending each sentence), end to end. */
  entries: Int32Array;
  /** Its document d is entries[offsets[d] .. offsets[d+1]). */
  offsets: Float64Array;
  /** In-vocabulary tokens per document (what the shared counter counts). */
  words: Float64Array;
  /** The index of its first document among all (its row in layout.documentVectors). */
  firstDocument: number;
  trainWords: boolean;
}


function run(input: PvWorkerInput, post: (message: WorkerMessage) => void): void {
  const { layout } = input;
  const kernel = new Kernel(input.module, input.memory, layout, input.slot, input.shape);
  kernel.seed(input.seed[0], input.seed[1]);
  const progress = new ThreadProgress(input.counter, post);
  const rowBytes = layout.stride * 4;
  const nDocs = input.offsets.length - 1;
  for (let epoch = 0; epoch < input.epochs; epoch++) {
    for (let d = 0; d < nDocs; d++) {
      const begin = input.offsets[d]!;
      const end = input.offsets[d + 1]!;
      const words = input.words[d]!;
      if (words === 0) continue;
      // One rate per document (gensim: per job of documents); a long document goes in pieces.
      const alpha = learningRate(input.alpha, progress.done, input.totalWords);
      const row = layout.documentVectors + (input.firstDocument + d) * rowBytes;
      for (let at = begin; at < end; at += PIECE_ENTRIES) {
        kernel.trainDocument(input.entries.subarray(at, Math.min(end, at + PIECE_ENTRIES)), row, alpha, input.trainWords, true);
      }
      progress.add(words);
    }
  }
  progress.finish();
}

if (parentPort) {
  const port = parentPort;
  run(workerData as PvWorkerInput, (message) => port.postMessage(message));
}
