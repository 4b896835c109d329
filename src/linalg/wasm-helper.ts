/**
 * A second thread for WebAssembly kernels that run on one shared memory, driven synchronously: the
 * main thread writes a kernel's name (its index in `functions`) and integer arguments into a control
 * block in that memory, bumps a request counter, runs its own share of the work, then waits for the
 * helper's answer through `Atomics` — so the caller stays a synchronous function. The protocol of
 * the SVD's helper (wasm-svd.ts, svd-worker.ts), generalised: the helper calls any exported kernel
 * by name (wasm-helper-worker.ts), so a new kernel module needs no worker file of its own.
 *
 * Float arguments travel through the memory (the caller writes them and passes their address); a
 * kernel's numeric return value comes back as a double.
 *
 * A posted call is run by whichever thread claims it first (a compare-and-swap on `claim`): the
 * helper when it wakes up, or the main thread itself in `join()` when the helper has not started it
 * yet — on a loaded machine the helper may not be scheduled for many milliseconds, and waiting for it
 * at every hand-over cost more than the second core gave (measured: docs/autoencoder.md). Which
 * thread runs a share does not change what it computes, so results stay the same bytes.
 */
import { Worker } from 'node:worker_threads';
import { workerExecArgv } from '../core/worker-argv.js';

/**
 * The control block: `CONTROL_BYTES` bytes at a 16-byte aligned offset of the shared memory. Int32
 * words: `request` (bumped by the main thread), `done` (the request the helper finished, or
 * `failed`), `op` (1 + the kernel's index in `functions`; 0 = exit), `claim` (the last request a
 * thread took on: request n is claimed by swapping n − 1 for n), `args` (up to MAX_ARGS words);
 * then the kernel's return value as a double at byte `RESULT_BYTE`.
 */
export const HELPER_CONTROL = { request: 0, done: 1, op: 2, claim: 3, args: 4, maxArgs: 24, failed: -1 } as const;
const RESULT_BYTE = 112;
export const CONTROL_BYTES = 128;

export interface HelperWorkerInput {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  /** Byte offset of the control block. */
  control: number;
  /** The kernels the helper may be asked to run, by export name. */
  functions: readonly string[];
}

/** Polls of the helper's answer before sleeping in Atomics.wait (a share takes milliseconds; a wake-up tens of microseconds). */
const SPIN_CHECKS = 2000;
/** A helper that has not answered in this long is gone (killed, out of memory): fail rather than hang. */
const HELPER_TIMEOUT_MS = 10 * 60 * 1000;

export class WasmHelperThread {
  private worker: Worker | undefined;
  private readonly control: Int32Array;
  private readonly resultView: Float64Array;
  private requests = 0;
  /** The last posted call, for running it here when the helper has not claimed it. */
  private pending: { kernel: (...args: number[]) => unknown; args: readonly number[] } | undefined;
  /** Calls the helper ran and calls this thread took back (for reports and tests). */
  readonly counts = { helper: 0, main: 0 };
  /** The worker reported an error: it will claim nothing more. */
  private dead = false;

  /** `local`: this thread's instance of the same module on the same memory. */
  constructor(
    module: WebAssembly.Module,
    memory: WebAssembly.Memory,
    controlAt: number,
    private readonly functions: readonly string[],
    private readonly label: string,
    private readonly local: WebAssembly.Exports,
  ) {
    if (controlAt % 16 !== 0) throw new Error('internal: the helper control block must be 16-byte aligned');
    this.control = new Int32Array(memory.buffer, controlAt, CONTROL_BYTES / 4);
    this.resultView = new Float64Array(memory.buffer, controlAt + RESULT_BYTE, 1);
    const workerData: HelperWorkerInput = { module, memory, control: controlAt, functions };
    this.worker = new Worker(new URL('./wasm-helper-worker.js', import.meta.url), { workerData, execArgv: workerExecArgv() });
    // A helper that cannot start (or dies) must not take the process down with an unhandled 'error'
    // event: the calls it never claims are run here by join(), and a call it had claimed fails.
    this.worker.on('error', () => {
      this.dead = true;
    });
    this.worker.unref();
  }

  /** Hand the helper a kernel call; it runs while the caller does its own share. Call `join()` before the next. */
  post(name: string, args: readonly number[]): void {
    const index = this.functions.indexOf(name);
    if (index < 0 || args.length > HELPER_CONTROL.maxArgs) throw new Error(`internal: the ${this.label} helper has no kernel ${name}/${args.length}`);
    if (!this.worker) throw new Error(`internal: the ${this.label} helper thread is closed`);
    const control = this.control;
    control[HELPER_CONTROL.op] = index + 1;
    for (let i = 0; i < args.length; i++) control[HELPER_CONTROL.args + i] = args[i]!;
    this.pending = { kernel: this.local[name] as (...args: number[]) => unknown, args };
    Atomics.store(control, HELPER_CONTROL.request, ++this.requests);
    Atomics.notify(control, HELPER_CONTROL.request);
  }

  /**
   * The last call's return value (0 for void kernels): run here if the helper has not claimed it
   * yet, else waited for.
   */
  join(): number {
    const control = this.control;
    const want = this.requests;
    const pending = this.pending!;
    this.pending = undefined;
    if (Atomics.compareExchange(control, HELPER_CONTROL.claim, want - 1, want) === want - 1) {
      this.counts.main++;
      return Number(pending.kernel(...pending.args) ?? 0);
    }
    this.counts.helper++;
    let spin = 0;
    for (; spin < SPIN_CHECKS; spin++) if (Atomics.load(control, HELPER_CONTROL.done) === want) break;
    if (spin === SPIN_CHECKS) {
      const deadline = Date.now() + HELPER_TIMEOUT_MS;
      for (;;) {
        const done = Atomics.load(control, HELPER_CONTROL.done);
        if (done === want) break;
        if (done === HELPER_CONTROL.failed || this.dead || Date.now() > deadline) {
          this.worker = undefined;
          throw new Error(`internal: the ${this.label} helper thread failed`);
        }
        Atomics.wait(control, HELPER_CONTROL.done, done, 1000);
      }
    }
    return this.resultView[0]!;
  }

  /** Stop the helper (after the last join). */
  close(): void {
    if (!this.worker) return;
    const control = this.control;
    control[HELPER_CONTROL.op] = 0;
    // The exit request is the helper's alone: claimed in its name, so it needs no swap.
    Atomics.store(control, HELPER_CONTROL.claim, this.requests + 1);
    Atomics.store(control, HELPER_CONTROL.request, ++this.requests);
    Atomics.notify(control, HELPER_CONTROL.request);
    this.worker = undefined;
  }
}

export const HELPER_RESULT_BYTE = RESULT_BYTE;
