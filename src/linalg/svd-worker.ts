/**
 * The SVD's helper thread: instantiates assembly/svd.ts on the shared memory and runs the share of
 * each kernel call the main thread hands it through the control block (wasm-svd.ts), synchronously:
 * the main thread bumps the request counter and sleeps on Atomics.wait only when it is done with its
 * own share first. An exception is reported through the control block (the main thread cannot
 * listen to events while it waits), never thrown past here.
 */
import { workerData } from 'node:worker_threads';
import { CONTROL, Op, type SvdExports, type SvdWorkerInput } from './wasm-svd.js';

const input = workerData as SvdWorkerInput | null;
if (input) {
  const control = new Int32Array(input.memory.buffer, input.control, CONTROL.words);
  let seen = 0;
  let kernel: SvdExports | undefined;
  try {
    kernel = new WebAssembly.Instance(input.module, { env: { memory: input.memory, abort: () => {} } }).exports as unknown as SvdExports;
  } catch {
    Atomics.store(control, CONTROL.done, CONTROL.failed);
    Atomics.notify(control, CONTROL.done);
  }
  const a = (i: number): number => control[CONTROL.args + i]!;
  for (;;) {
    if (!kernel) break;
    Atomics.wait(control, CONTROL.request, seen);
    const request = Atomics.load(control, CONTROL.request);
    if (request === seen) continue;
    seen = request;
    const op = control[CONTROL.op]! as Op;
    if (op === Op.Exit) break;
    let result = request;
    try {
      switch (op) {
        case Op.Gram:
          new Float64Array(input.memory.buffer, a(6), a(7)).fill(0);
          kernel.gramRows(a(0), a(1), a(2), a(3), a(4), a(5), a(6));
          break;
        case Op.Multiply:
          kernel.multiplyRows(a(0), a(1), a(2), a(3), a(4), a(5), a(6));
          break;
        case Op.Dots:
          kernel.basisDots(a(0), a(1), a(2), a(3), a(4), a(5));
          break;
        case Op.Subtract:
          kernel.basisSubtract(a(0), a(1), a(2), a(3), a(4), a(5), a(6));
          break;
        case Op.Block:
          kernel.multiplyBlockRows(a(0), a(1), a(2), a(3), a(4), a(5), a(6), a(7));
          break;
        case Op.Rotate:
          kernel.rotateBlocks(a(0), a(1), a(2), a(3), a(4), a(5), a(6), a(7), a(8), a(9));
          break;
      }
    } catch {
      result = CONTROL.failed;
    }
    Atomics.store(control, CONTROL.done, result);
    Atomics.notify(control, CONTROL.done);
  }
}
