/**
 * A GloVe training thread: instantiates the kernel on the shared memory and, each time the main
 * thread asks, runs one epoch over its own slice of the co-occurrence records (a fresh shuffle of
 * the slice fused with the updates), like a glove.c pthread. It posts progress after every chunk
 * and the epoch's summed cost at the end; an exception ends the thread with an 'error' event.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { GloveKernel, type MemoryLayout, type UpdateRule } from './kernel.js';

export interface WorkerInput {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  layout: MemoryLayout;
  rule: UpdateRule;
  /** This thread's records are [sliceStart, sliceEnd). */
  sliceStart: number;
  sliceEnd: number;
  /** Two 32-bit halves of this thread's generator seed. */
  seed: [number, number];
}

export type WorkerCommand = { type: 'epoch' };
export type WorkerMessage = { type: 'progress'; records: number } | { type: 'epoch'; cost: number; skipped: number };

if (parentPort) {
  const port = parentPort;
  const input = workerData as WorkerInput;
  const kernel = new GloveKernel(input.module, input.memory, input.layout, input.rule);
  kernel.seed(input.seed[0], input.seed[1]);
  port.on('message', (command: WorkerCommand) => {
    if (command.type !== 'epoch') return;
    const cost = kernel.trainSlice(input.sliceStart, input.sliceEnd, (records) => port.postMessage({ type: 'progress', records } satisfies WorkerMessage));
    port.postMessage({ type: 'epoch', cost, skipped: kernel.skipped() } satisfies WorkerMessage);
  });
}
