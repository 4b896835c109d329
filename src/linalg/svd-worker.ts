/**
 * The SVD's helper thread: instantiates assembly/svd.ts on the shared memory and, for each kernel
 * call the main thread offers through the control block (wasm-svd.ts), takes pieces of it until
 * none is left — the main thread takes pieces too, and waits only for those the helper has started.
 * An exception is reported through the control block (the main thread cannot listen to events
 * while it waits), never thrown past here.
 */
import { workerData } from 'node:worker_threads';
import { ChunkRunner, claimChunk, CONTROL, HELPER_SPIN_CHECKS, Op, tag, type SvdExports, type SvdWorkerInput } from './wasm-svd.js';

const input = workerData as SvdWorkerInput | null;
if (input) {
  const control = new Int32Array(input.memory.buffer, input.control, CONTROL.words);
  let seen = 0;
  let runner: ChunkRunner | undefined;
  try {
    const kernel = new WebAssembly.Instance(input.module, { env: { memory: input.memory, abort: () => {} } }).exports as unknown as SvdExports;
    runner = new ChunkRunner(kernel, input.memory, control);
  } catch {
    Atomics.store(control, CONTROL.done, CONTROL.failed);
    Atomics.notify(control, CONTROL.done);
  }
  for (;;) {
    if (!runner) break;
    for (let spin = 0; spin < HELPER_SPIN_CHECKS && Atomics.load(control, CONTROL.request) === seen; spin++);
    if (Atomics.load(control, CONTROL.request) === seen) {
      // Say so first: the main thread notifies only a sleeping helper (it stores the request, then
      // reads this word; Atomics.wait re-reads the request before it sleeps, so no request is missed).
      Atomics.store(control, CONTROL.sleeping, 1);
      Atomics.wait(control, CONTROL.request, seen);
      Atomics.store(control, CONTROL.sleeping, 0);
    }
    const request = Atomics.load(control, CONTROL.request);
    if (request === seen) continue;
    seen = request;
    if (control[CONTROL.op] === Op.Exit) break;
    let ran = 0;
    try {
      for (let c = claimChunk(control, request); c >= 0; c = claimChunk(control, request)) {
        runner.run(c, 1);
        Atomics.store(control, CONTROL.done, tag(request, ++ran));
        Atomics.notify(control, CONTROL.done);
      }
    } catch {
      Atomics.store(control, CONTROL.done, CONTROL.failed);
      Atomics.notify(control, CONTROL.done);
      break;
    }
  }
}
