/**
 * A word2vec training thread: instantiates the kernel on the shared memory and trains on its own
 * contiguous slice of the corpus for every epoch, like a word2vec.c thread (epochs.ts: the loop,
 * progress through a shared counter of words processed, which also drives the learning rate); an
 * exception ends the thread with an 'error' event.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { trainEpochs, type ThreadInput } from './epochs.js';
import { Kernel, type MemoryLayout, type ModelShape } from './kernel.js';

export type { WorkerMessage } from './epochs.js';

export interface WorkerInput extends ThreadInput {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  layout: MemoryLayout;
  slot: number;
  shape: ModelShape;
}

if (parentPort) {
  const port = parentPort;
  const input = workerData as WorkerInput;
  trainEpochs(new Kernel(input.module, input.memory, input.layout, input.slot, input.shape), input, (message) => port.postMessage(message));
}
