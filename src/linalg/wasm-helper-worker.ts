/**
 * The helper thread of wasm-helper.ts: instantiates the kernel module on the shared memory and runs
 * each kernel call the main thread hands it through the control block, by name, synchronously. An
 * exception is reported through the control block (the main thread cannot listen to events while it
 * waits), never thrown past here.
 */
import { workerData } from 'node:worker_threads';
import { CONTROL_BYTES, HELPER_CONTROL, HELPER_RESULT_BYTE, type HelperWorkerInput } from './wasm-helper.js';

/** Polls of the request word before sleeping in Atomics.wait. */
const SPIN_CHECKS = 2000;

type Kernel = (...args: number[]) => number | undefined;

const input = workerData as HelperWorkerInput | null;
if (input) {
  const control = new Int32Array(input.memory.buffer, input.control, CONTROL_BYTES / 4);
  const result = new Float64Array(input.memory.buffer, input.control + HELPER_RESULT_BYTE, 1);
  let kernels: Kernel[] | undefined;
  try {
    const exports = new WebAssembly.Instance(input.module, { env: { memory: input.memory, abort: () => {} } }).exports as Record<string, Kernel>;
    kernels = input.functions.map((name) => {
      const f = exports[name];
      if (typeof f !== 'function') throw new Error(`no kernel ${name}`);
      return f;
    });
  } catch {
    Atomics.store(control, HELPER_CONTROL.done, HELPER_CONTROL.failed);
    Atomics.notify(control, HELPER_CONTROL.done);
  }
  let seen = 0;
  const args: number[] = [];
  for (;;) {
    if (!kernels) break;
    // The next call usually follows within microseconds (the main thread combines the shares and
    // hands over the next): poll a little before sleeping, a wake-up costs tens of microseconds.
    for (let spin = 0; spin < SPIN_CHECKS && Atomics.load(control, HELPER_CONTROL.request) === seen; spin++);
    Atomics.wait(control, HELPER_CONTROL.request, seen);
    const request = Atomics.load(control, HELPER_CONTROL.request);
    if (request === seen) continue;
    seen = request;
    const op = control[HELPER_CONTROL.op]!;
    if (op === 0) break;
    // The main thread may have taken this call back already (it runs it itself then).
    if (Atomics.compareExchange(control, HELPER_CONTROL.claim, request - 1, request) !== request - 1) continue;
    let answer = request;
    try {
      const kernel = kernels[op - 1]!;
      args.length = kernel.length;
      for (let i = 0; i < kernel.length; i++) args[i] = control[HELPER_CONTROL.args + i]!;
      result[0] = Number(kernel(...args) ?? 0);
    } catch {
      answer = HELPER_CONTROL.failed;
    }
    Atomics.store(control, HELPER_CONTROL.done, answer);
    Atomics.notify(control, HELPER_CONTROL.done);
  }
}
