/**
 * The WebAssembly SIMD kernels of the truncated SVD (assembly/svd.ts → dist/wasm/svd.wasm) and the
 * one memory they work on: the CSR matrix B whose Gram matrix BᵀB Lanczos runs on, the Lanczos basis
 * and work vector, and scratch. The JavaScript side plans every byte (MemoryPlanner); the basis and
 * the work vector are handed to lanczos.ts as Float64Array views of that memory, so the products
 * read them in place.
 *
 * The pure-TypeScript kernels (dense.ts, sparse.ts) stay the reference; test/svd.test.ts runs both.
 */
import { Worker } from 'node:worker_threads';
import { loadWasmModuleSync } from '../io/wasm-module.js';
import { createSharedMemory, MemoryPlanner } from '../encoders/wasm/memory.js';
import { ROW_BLOCK } from './dense.js';
import type { LanczosKernels } from './lanczos.js';
import type { Csr } from './sparse.js';

/** f64x2 loads: 16-byte aligned blocks. */
const ALIGN = 16;

export interface SvdExports {
  rotateBlocks(basis: number, n: number, count: number, y: number, width: number, stride: number, scratch: number, r0: number, r1: number, block: number): void;
  addInto(x: number, y: number, n: number): void;
  multiplyBlockRows(indptr: number, indices: number, values: number, rowStart: number, rowEnd: number, x: number, stride: number, y: number): void;
  gramRows(indptr: number, indices: number, values: number, rowStart: number, rowEnd: number, x: number, y: number): void;
  multiplyRows(indptr: number, indices: number, values: number, rowStart: number, rowEnd: number, x: number, y: number): void;
  basisDots(basis: number, n: number, j0: number, j1: number, w: number, out: number): void;
  basisSubtract(basis: number, n: number, count: number, c: number, w: number, r0: number, r1: number): void;
  rotateRows(basis: number, n: number, count: number, y: number, width: number, stride: number, scratch: number, r0: number, r1: number): void;
}

/** Requests to the helper thread (svd-worker.ts). */
export const Op = { Exit: 0, Gram: 1, Multiply: 2, Dots: 3, Subtract: 4, Rotate: 5, Block: 6 } as const;
export type Op = (typeof Op)[keyof typeof Op];

/**
 * The control block, Int32 words in the shared memory: the main thread writes the op and its
 * arguments, then bumps `request`; the helper runs its share and stores that request number in
 * `done` (or `failed`).
 */
export const CONTROL = { request: 0, done: 1, op: 2, args: 4, words: 16, failed: -1 } as const;

export interface SvdWorkerInput {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  /** Byte offset of the control block. */
  control: number;
}

/**
 * The main thread polls the helper's answer this many times before it sleeps in Atomics.wait: a
 * share takes milliseconds, and a sleep/wake-up costs tens of microseconds (more on a loaded machine).
 */
const SPIN_CHECKS = 2000;
/** A helper that has not answered in this long is gone (killed, out of memory): fail rather than hang. */
const HELPER_TIMEOUT_MS = 10 * 60 * 1000;
/** Below this many non-zeros a helper thread costs more (starting it) than it saves. */
export const PARALLEL_MIN_NONZEROS = 200_000;

/** The compiled assembly/svd.ts. */
const svdModule = (): WebAssembly.Module => loadWasmModuleSync('svd', 'SVD');

/**
 * Lanczos kernels on BᵀB in WebAssembly. `basisLength` is the basis's length in doubles
 * ((basis size + 1) · n), `maxWidth` the widest rotation (the basis size).
 */
export class WasmSvdKernels implements LanczosKernels {
  private readonly memory: WebAssembly.Memory;
  private readonly kernel: SvdExports;
  private readonly indptr: number;
  private readonly indices: number;
  private readonly values: number;
  private readonly basisAt: number;
  private readonly workAt: number;
  private readonly coefficientsAt: number;
  private readonly rotationAt: number;
  private readonly rotationScratchAt: number;
  private readonly inputAt: number;
  private readonly outputAt: number;
  private readonly n: number;
  private readonly rows: number;
  /** The helper's Gram accumulator and rotation scratch. */
  private readonly helperSumAt: number;
  private readonly helperScratchAt: number;
  private readonly controlAt: number;
  private readonly control: Int32Array;
  /** Rows [0, splitRow) of B are the main thread's share of a product, the rest the helper's (half the non-zeros each). */
  private readonly splitRow: number;
  private worker: Worker | undefined;
  private requests = 0;
  private basisHandedOut = false;

  private readonly blockInAt: number;
  private readonly blockOutAt: number;
  private readonly blockStride: number;

  /**
   * `threads`: 1, or 2 (the main thread and one helper sharing the memory). `blockWidth`: the most
   * vectors multiplyBlock takes at once.
   */
  constructor(
    b: Csr,
    private readonly basisLength: number,
    maxWidth: number,
    threads = 1,
    private readonly blockWidth = 0,
  ) {
    const n = b.nCols;
    this.n = n;
    this.rows = b.nRows;
    const nnz = b.indptr[b.nRows]!;
    const stride = maxWidth + (maxWidth & 1);
    const planner = new MemoryPlanner(ALIGN);
    this.indptr = planner.take((b.nRows + 1) * 4);
    this.indices = planner.take(nnz * 4);
    this.values = planner.take(nnz * 8);
    this.basisAt = planner.take(basisLength * 8);
    this.workAt = planner.take(n * 8);
    this.coefficientsAt = planner.take((maxWidth + 2) * 8);
    this.rotationAt = planner.take((maxWidth + 1) * stride * 8);
    this.rotationScratchAt = planner.take(ROW_BLOCK * stride * 8);
    this.inputAt = planner.take(Math.max(n, b.nRows) * 8);
    this.outputAt = planner.take(Math.max(n, b.nRows) * 8);
    this.helperSumAt = planner.take(n * 8);
    this.helperScratchAt = planner.take(ROW_BLOCK * stride * 8);
    this.controlAt = planner.take(CONTROL.words * 4);
    this.blockStride = blockWidth + (blockWidth & 1);
    this.blockInAt = planner.take(n * this.blockStride * 8);
    this.blockOutAt = planner.take(b.nRows * this.blockStride * 8);
    const pages = planner.pages(`the truncated SVD of a ${b.nRows} × ${b.nCols} matrix with ${nnz} non-zeros`, 'lower --dim, or raise --min-count / set --max-vocab');
    this.memory = createSharedMemory(pages);
    const instance = new WebAssembly.Instance(svdModule(), { env: { memory: this.memory, abort: () => {} } });
    this.kernel = instance.exports as unknown as SvdExports;
    const buffer = this.memory.buffer;
    new Int32Array(buffer, this.indptr, b.nRows + 1).set(b.indptr.subarray(0, b.nRows + 1));
    new Int32Array(buffer, this.indices, nnz).set(b.indices.subarray(0, nnz));
    new Float64Array(buffer, this.values, nnz).set(b.values.subarray(0, nnz));
    this.control = new Int32Array(buffer, this.controlAt, CONTROL.words);
    let split = 0;
    while (split < b.nRows && b.indptr[split]! < nnz / 2) split++;
    this.splitRow = split;
    if (threads > 1) {
      const workerData: SvdWorkerInput = { module: svdModule(), memory: this.memory, control: this.controlAt };
      this.worker = new Worker(new URL('./svd-worker.js', import.meta.url), { workerData });
      this.worker.unref();
    }
  }

  /** Stop the helper thread (the kernels then run on the main thread only). */
  close(): void {
    if (!this.worker) return;
    this.post(Op.Exit, []);
    this.worker = undefined;
  }

  /** Hand the helper a request. */
  private post(op: Op, args: number[]): void {
    const control = this.control;
    control[CONTROL.op] = op;
    for (let i = 0; i < args.length; i++) control[CONTROL.args + i] = args[i]!;
    Atomics.store(control, CONTROL.request, ++this.requests);
    Atomics.notify(control, CONTROL.request);
  }

  /** Wait until the helper has finished the last request. */
  private join(): void {
    const control = this.control;
    const want = this.requests;
    for (let spin = 0; spin < SPIN_CHECKS; spin++) if (Atomics.load(control, CONTROL.done) === want) return;
    const deadline = Date.now() + HELPER_TIMEOUT_MS;
    for (;;) {
      const done = Atomics.load(control, CONTROL.done);
      if (done === want) return;
      if (done === CONTROL.failed || Date.now() > deadline) {
        this.worker = undefined;
        throw new Error('internal: the SVD helper thread failed');
      }
      Atomics.wait(control, CONTROL.done, done, 1000);
    }
  }

  private f64(at: number, length: number): Float64Array {
    return new Float64Array(this.memory.buffer, at, length);
  }

  /** The address of a view of this memory. */
  private address(view: Float64Array): number {
    if (view.buffer !== this.memory.buffer) throw new Error('internal: a Lanczos vector outside the kernel memory');
    return view.byteOffset;
  }

  basis(length: number): Float64Array {
    if (length !== this.basisLength || this.basisHandedOut) throw new Error('internal: the Lanczos basis was planned for another size');
    this.basisHandedOut = true;
    return this.f64(this.basisAt, length);
  }

  vector(length: number): Float64Array {
    if (length !== this.n) throw new Error('internal: the Lanczos work vector was planned for another size');
    return this.f64(this.workAt, length);
  }

  /** y = BᵀB·x: with a helper, each thread sums its rows' share, then the helper's is added in. */
  apply = (x: Float64Array, y: Float64Array): void => {
    y.fill(0);
    const xAt = this.address(x);
    const yAt = this.address(y);
    if (!this.worker) {
      this.kernel.gramRows(this.indptr, this.indices, this.values, 0, this.rows, xAt, yAt);
      return;
    }
    this.post(Op.Gram, [this.indptr, this.indices, this.values, this.splitRow, this.rows, xAt, this.helperSumAt, this.n]);
    this.kernel.gramRows(this.indptr, this.indices, this.values, 0, this.splitRow, xAt, yAt);
    this.join();
    this.kernel.addInto(this.helperSumAt, yAt, this.n);
  };

  projectOut(basis: Float64Array, n: number, count: number, w: Float64Array, coefficients: Float64Array, scratch: Float64Array): void {
    const basisAt = this.address(basis);
    const wAt = this.address(w);
    if (this.worker) {
      // Dots: each thread a half of the vectors; the update: each thread a half of the entries.
      const half = count >> 1;
      this.post(Op.Dots, [basisAt, n, half, count, wAt, this.coefficientsAt]);
      this.kernel.basisDots(basisAt, n, 0, half, wAt, this.coefficientsAt);
      this.join();
      const middle = n >> 1;
      this.post(Op.Subtract, [basisAt, n, count, this.coefficientsAt, wAt, middle, n]);
      this.kernel.basisSubtract(basisAt, n, count, this.coefficientsAt, wAt, 0, middle);
      this.join();
    } else {
      this.kernel.basisDots(basisAt, n, 0, count, wAt, this.coefficientsAt);
      this.kernel.basisSubtract(basisAt, n, count, this.coefficientsAt, wAt, 0, n);
    }
    const found = this.f64(this.coefficientsAt, count);
    for (let j = 0; j < count; j++) {
      coefficients[j]! += found[j]!;
      scratch[j] = found[j]!;
    }
  }

  rotateBasis(basis: Float64Array, n: number, count: number, y: Float64Array, width: number): void {
    const stride = width + (width & 1);
    const rotation = this.f64(this.rotationAt, count * stride);
    for (let j = 0; j < count; j++) {
      rotation.set(y.subarray(j * width, (j + 1) * width), j * stride);
      if (stride > width) rotation[j * stride + width] = 0;
    }
    const basisAt = this.address(basis);
    // Whole row blocks to each thread: the first half of the blocks here, the rest on the helper.
    const blocks = Math.ceil(n / ROW_BLOCK);
    const middle = this.worker ? Math.ceil(blocks / 2) * ROW_BLOCK : n;
    if (this.worker && middle < n) {
      this.post(Op.Rotate, [basisAt, n, count, this.rotationAt, width, stride, this.helperScratchAt, middle, n, ROW_BLOCK]);
      this.kernel.rotateBlocks(basisAt, n, count, this.rotationAt, width, stride, this.rotationScratchAt, 0, middle, ROW_BLOCK);
      this.join();
    } else this.kernel.rotateBlocks(basisAt, n, count, this.rotationAt, width, stride, this.rotationScratchAt, 0, n, ROW_BLOCK);
  }

  /** B·X for X = `rows` (B.nCols × width row-major, width ≤ blockWidth): B.nRows × width row-major. */
  multiplyBlock(rows: Float64Array, width: number): Float64Array {
    if (width > this.blockWidth) throw new Error('internal: a block wider than planned');
    const stride = this.blockStride;
    const input = this.f64(this.blockInAt, this.n * stride);
    for (let r = 0; r < this.n; r++) {
      input.set(rows.subarray(r * width, (r + 1) * width), r * stride);
      if (stride > width) input[r * stride + width] = 0;
    }
    const args = [this.indptr, this.indices, this.values];
    if (this.worker) {
      this.post(Op.Block, [...args, this.splitRow, this.rows, this.blockInAt, stride, this.blockOutAt]);
      this.kernel.multiplyBlockRows(this.indptr, this.indices, this.values, 0, this.splitRow, this.blockInAt, stride, this.blockOutAt);
      this.join();
    } else this.kernel.multiplyBlockRows(this.indptr, this.indices, this.values, 0, this.rows, this.blockInAt, stride, this.blockOutAt);
    const output = this.f64(this.blockOutAt, this.rows * stride);
    const out = new Float64Array(this.rows * width);
    for (let r = 0; r < this.rows; r++) out.set(output.subarray(r * stride, r * stride + width), r * width);
    return out;
  }

  /** out = B·x (x has B.nCols entries, out B.nRows). */
  multiply(x: Float64Array, out: Float64Array): void {
    this.f64(this.inputAt, this.n).set(x);
    if (this.worker) {
      this.post(Op.Multiply, [this.indptr, this.indices, this.values, this.splitRow, this.rows, this.inputAt, this.outputAt]);
      this.kernel.multiplyRows(this.indptr, this.indices, this.values, 0, this.splitRow, this.inputAt, this.outputAt);
      this.join();
    } else this.kernel.multiplyRows(this.indptr, this.indices, this.values, 0, this.rows, this.inputAt, this.outputAt);
    out.set(this.f64(this.outputAt, this.rows));
  }
}
