/**
 * The analogy kernel (assembly/query.ts, built to dist/wasm/query.wasm): the dense similarity
 * columns and the 3CosAdd / 3CosMul argmax of analogy evaluation, with exactly the results of the
 * TypeScript reference path in analogies.ts (see the kernel's header for why). Synchronous, one
 * instance per process on a shared memory grown as a job needs; on two cores a large job also runs
 * on a helper thread with its own instance on the same memory (src/linalg/wasm-helper.ts): the
 * rows of the similarity columns and the questions are split between the threads, and since each
 * row's sums and each question's argmax are computed the same way whoever runs them, the answers do
 * not depend on the split. When the compiled kernel is missing, callers use the reference path.
 */
import { availableParallelism } from 'node:os';
import { loadWasmModuleSync, WASM_MAX_PAGES } from '../io/wasm-module.js';
import { CONTROL_BYTES, WasmHelperThread } from '../linalg/wasm-helper.js';
import { RESERVED_BYTES } from './kernel.js';

export interface QueryExports {
  /** The shared memory the instance imports. */
  memory: WebAssembly.Memory;
  cosineColumns(unit: number, rows: number, dim: number, packed: number, groups: number, out: number, block: number, from: number, to: number): void;
  answerBatch(questions: number, from: number, to: number, n: number, mul: number, epsilonAt: number, answers: number): void;
}

/** The kernels a helper thread may be asked to run. */
const HELPER_KERNELS = ['cosineColumns', 'answerBatch'] as const;
/** The helper's control block: the end of the low addresses no layout uses. */
const CONTROL_AT = RESERVED_BYTES - CONTROL_BYTES;
/**
 * Below this many similarity cells (rows × columns) of one analogy job a helper thread costs more
 * (~50 ms to start a worker here) than it saves (the kernel computes ~60M cells a second).
 */
export const ANALOGY_PARALLEL_MIN_CELLS = 4_000_000;

interface Loaded {
  kernel: QueryExports;
  module: WebAssembly.Module;
  exports: WebAssembly.Exports;
}

let loaded: Loaded | null | undefined;

function load(): Loaded | null {
  if (loaded === undefined) {
    try {
      // Compiled optimized from the start (wasm-module.ts): a helper thread runs its whole share in one call.
      const module = loadWasmModuleSync('query', 'analogy');
      const memory = new WebAssembly.Memory({ initial: 1, maximum: WASM_MAX_PAGES, shared: true });
      const exports = new WebAssembly.Instance(module, { env: { memory, abort: () => { throw new Error('query kernel aborted'); } } }).exports;
      loaded = { kernel: { ...(exports as unknown as QueryExports), memory }, module, exports };
    } catch {
      loaded = null;
    }
  }
  return loaded;
}

/** The kernel, or null when dist/wasm/query.wasm cannot be loaded (then the reference path runs). */
export function queryKernel(): QueryExports | null {
  return load()?.kernel ?? null;
}

let helper: WasmHelperThread | undefined;

/**
 * The helper thread for an analogy job of `cells` similarity cells, when there are two cores and
 * the job is large enough (`threads` forces 1 or 2); undefined otherwise. One per process, started
 * by the first job that wants it and kept for the next (its control block sits at a fixed place in
 * the memory every job shares, so a second helper must not take over from a first one that has not
 * exited yet); between jobs it sleeps in Atomics.wait, and as an unreferenced worker it does not
 * keep the process alive.
 */
export function analogyHelper(cells: number, threads?: number): WasmHelperThread | undefined {
  const want = threads ?? (cells >= ANALOGY_PARALLEL_MIN_CELLS ? Math.min(2, availableParallelism()) : 1);
  if (want < 2) return undefined;
  const l = load();
  if (!l) return undefined;
  helper ??= new WasmHelperThread(l.module, l.kernel.memory, CONTROL_AT, HELPER_KERNELS, 'analogy', l.exports);
  return helper;
}
