/**
 * A fastText training thread: the fastText kernel on the shared memory, trained on this thread's
 * slice of the corpus for every epoch by the same loop as word2vec's threads (word2vec/epochs.ts).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { trainEpochs, type ThreadInput } from '../word2vec/epochs.js';
import { FastTextKernel, type FastTextLayout, type FastTextShape } from './kernel.js';

export interface FastTextWorkerInput extends ThreadInput {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  layout: FastTextLayout;
  slot: number;
  shape: FastTextShape;
}

if (parentPort) {
  const port = parentPort;
  const input = workerData as FastTextWorkerInput;
  trainEpochs(new FastTextKernel(input.module, input.memory, input.layout, input.slot, input.shape), input, (message) => port.postMessage(message));
}
