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
import type { BlockLanczosKernels } from './lanczos.js';
import type { Csr } from './sparse.js';
import { workerExecArgv } from '../core/worker-argv.js';

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
  gramRows4(indptr: number, indices: number, values: number, rowStart: number, rowEnd: number, x: number, y: number): void;
  blockDots4(basis: number, n: number, j0: number, j1: number, w: number, out: number): void;
  blockSubtract4(basis: number, n: number, count: number, c: number, w: number, r0: number, r1: number): void;
  interleave4(v: number, n: number, x: number, r0: number, r1: number): void;
  deinterleave4(x: number, n: number, v: number, r0: number, r1: number): void;
}

/** The block size of the block-Lanczos kernels (gramRows4, blockDots4, blockSubtract4). */
export const KERNEL_BLOCK = 4;

/** Requests to the helper thread (svd-worker.ts). */
export const Op = { Exit: 0, Gram: 1, Multiply: 2, Dots: 3, Subtract: 4, Rotate: 5, Block: 6, Gram4: 7, Dots4: 8, Subtract4: 9 } as const;
export type Op = (typeof Op)[keyof typeof Op];

/**
 * The control block, Int32 words in the shared memory: the main thread writes the op and its
 * arguments, resets `claim` to (request, chunk 0), then bumps `request`. Each call is cut into
 * CHUNKS fixed pieces; both threads take the next piece from `claim` (compare-and-swap) until none
 * is left, and the helper stores (request, pieces it ran) in `done` after each (or `failed`).
 */
export const CONTROL = { request: 0, done: 1, op: 2, claim: 3, args: 4, sleeping: 15, words: 16, failed: -1 } as const;

/**
 * After a call the helper polls for the next one this many times before it sleeps (and sets
 * `sleeping`, so that only then does a request cost the main thread an Atomics.notify): the calls of
 * a Lanczos step come a fraction of a millisecond apart, and a woken thread starts late (much later
 * on a loaded machine) — the main thread would have taken every piece by then. 20,000 checks are
 * ~0.1 ms: more (100,000) cost ~10% more CPU in all, which a loaded machine pays for.
 */
export const HELPER_SPIN_CHECKS = 20_000;

/**
 * Pieces per kernel call, whatever the thread count: which rows (vectors, entries) a piece covers
 * depends only on the call, never on which thread runs it, so 1 and 2 threads compute the same
 * doubles in the same order — the same bytes — and a helper that is slow to wake (a loaded
 * machine) only means the main thread takes more pieces; it never waits for a piece nobody started.
 * A Gram product sums its pieces' partial vectors in piece order.
 */
export const CHUNKS = 8;

/** `claim` and `done` words: the request number (23 bits) and a count of pieces (8 bits). */
export const tag = (request: number, count: number): number => ((request & 0x7fffff) << 8) | count;

/**
 * Take the next piece of `request`: its index, or −1 when all are taken (or the request is no
 * longer the current one).
 */
export function claimChunk(control: Int32Array, request: number): number {
  for (;;) {
    const word = Atomics.load(control, CONTROL.claim);
    const chunk = word & 0xff;
    if (word >>> 8 !== (request & 0x7fffff) || chunk >= CHUNKS) return -1;
    if (Atomics.compareExchange(control, CONTROL.claim, word, word + 1) === word) return chunk;
  }
}

/** Piece `chunk` of `parts` pieces of [0, length), rounded down to a multiple of `multiple`. */
function piece(length: number, chunk: number, parts: number, multiple = 1): [number, number] {
  const at = (c: number): number => (c >= parts ? length : Math.floor((Math.floor((c * length) / parts)) / multiple) * multiple);
  return [at(chunk), at(chunk + 1)];
}

/**
 * Runs one piece of the current call, on either thread: reads the op and its arguments from the
 * control block. `thread` (0 main, 1 helper) picks the thread's own scratch.
 */
export class ChunkRunner {
  constructor(
    private readonly kernel: SvdExports,
    private readonly memory: WebAssembly.Memory,
    private readonly control: Int32Array,
  ) {}

  run(chunk: number, thread: number): void {
    const control = this.control;
    const a = (i: number): number => control[CONTROL.args + i]!;
    const kernel = this.kernel;
    switch (control[CONTROL.op]! as Op) {
      case Op.Gram:
      case Op.Gram4: {
        // args: indptr, indices, values, bounds, x, y, partial sums, length of y (n, or 4n for a block
        // interleaved). Piece 0 sums into y, piece c ≥ 1 into partial c − 1.
        const [r0, r1] = this.bounds(a(3), chunk);
        let y = a(5);
        if (chunk > 0) {
          y = a(6) + (chunk - 1) * a(7) * 8;
          new Float64Array(this.memory.buffer, y, a(7)).fill(0);
        }
        if (control[CONTROL.op] === Op.Gram) kernel.gramRows(a(0), a(1), a(2), r0, r1, a(4), y);
        else kernel.gramRows4(a(0), a(1), a(2), r0, r1, a(4), y);
        break;
      }
      case Op.Dots4: {
        // args: basis, n, count, w (four vectors), out (count × 4). Pieces of the basis vectors.
        const [j0, j1] = piece(a(2), chunk, CHUNKS);
        if (j1 > j0) kernel.blockDots4(a(0), a(1), j0, j1, a(3), a(4));
        break;
      }
      case Op.Subtract4: {
        // args: basis, n, count, coefficients (count × 4), w (four vectors). Pieces of entries, even starts.
        const [r0, r1] = piece(a(1), chunk, CHUNKS, 2);
        if (r1 > r0) kernel.blockSubtract4(a(0), a(1), a(2), a(3), a(4), r0, r1);
        break;
      }
      case Op.Multiply: {
        // args: indptr, indices, values, bounds, x, y.
        const [r0, r1] = this.bounds(a(3), chunk);
        kernel.multiplyRows(a(0), a(1), a(2), r0, r1, a(4), a(5));
        break;
      }
      case Op.Block: {
        // args: indptr, indices, values, bounds, x, stride, y.
        const [r0, r1] = this.bounds(a(3), chunk);
        kernel.multiplyBlockRows(a(0), a(1), a(2), r0, r1, a(4), a(5), a(6));
        break;
      }
      case Op.Dots: {
        // args: basis, n, count, w, out.
        const [j0, j1] = piece(a(2), chunk, CHUNKS);
        if (j1 > j0) kernel.basisDots(a(0), a(1), j0, j1, a(3), a(4));
        break;
      }
      case Op.Subtract: {
        // args: basis, n, count, coefficients, w. Pieces of entries start on even entries (16-byte aligned).
        const [r0, r1] = piece(a(1), chunk, CHUNKS, 2);
        if (r1 > r0) kernel.basisSubtract(a(0), a(1), a(2), a(3), a(4), r0, r1);
        break;
      }
      case Op.Rotate: {
        // args: basis, n, count, y, width, stride, scratch of thread 0, of thread 1, block. Pieces of whole row blocks.
        const n = a(1);
        const block = a(8);
        const [b0, b1] = piece(Math.ceil(n / block), chunk, CHUNKS);
        if (b1 > b0) kernel.rotateBlocks(a(0), n, a(2), a(3), a(4), a(5), thread === 0 ? a(6) : a(7), b0 * block, Math.min(n, b1 * block), block);
        break;
      }
    }
  }

  /** Rows [bounds[chunk], bounds[chunk + 1]) (Int32 words at `at`). */
  private bounds(at: number, chunk: number): [number, number] {
    const words = new Int32Array(this.memory.buffer, at, CHUNKS + 1);
    return [words[chunk]!, words[chunk + 1]!];
  }
}

export interface SvdWorkerInput {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  /** Byte offset of the control block. */
  control: number;
}

/**
 * The main thread polls the helper's answer this many times before it sleeps in Atomics.wait: a
 * piece takes a millisecond or so, and a sleep/wake-up costs tens of microseconds (more on a loaded machine).
 */
const SPIN_CHECKS = 2000;
/** A projection on at most this many vectors runs on the calling thread alone. */
const SMALL_PROJECTION = 4;
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
export class WasmSvdKernels implements BlockLanczosKernels {
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
  /** The Gram product's partial sums of pieces 1 .. CHUNKS − 1 (piece 0 sums into y). */
  private readonly partialsAt: number;
  /** The helper's rotation scratch. */
  private readonly helperScratchAt: number;
  /** CHUNKS + 1 row bounds (Int32): the pieces of a product over B's rows, an equal share of non-zeros each. */
  private readonly boundsAt: number;
  private readonly controlAt: number;
  private readonly control: Int32Array;
  private readonly runner: ChunkRunner;
  private worker: Worker | undefined;
  private requests = 0;
  private basisHandedOut = false;

  private readonly blockInAt: number;
  private readonly blockOutAt: number;
  private readonly blockStride: number;
  /** Block Lanczos (lanczosBlock = KERNEL_BLOCK): X and Y interleaved (n × 4), the work block, the block projection's coefficients. */
  private readonly block4InAt: number = 0;
  private readonly block4OutAt: number = 0;
  private readonly workBlockAt: number = 0;
  private readonly blockCoefficientsAt: number = 0;

  /**
   * `threads`: 1, or 2 (the main thread and one helper sharing the memory; the same bytes either
   * way). `blockWidth`: the most vectors multiplyBlock takes at once. `lanczosBlock`: 0, or
   * KERNEL_BLOCK for the block-Lanczos kernels (applyBlock, projectOutBlock; `maxWidth` then bounds
   * the vectors a block is projected against).
   */
  constructor(
    b: Csr,
    private readonly basisLength: number,
    maxWidth: number,
    threads = 1,
    private readonly blockWidth = 0,
    private readonly lanczosBlock = 0,
  ) {
    if (lanczosBlock !== 0 && lanczosBlock !== KERNEL_BLOCK) throw new Error(`internal: the wasm kernels do blocks of ${KERNEL_BLOCK} vectors`);
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
    this.coefficientsAt = planner.take((maxWidth + Math.max(1, lanczosBlock) + 2) * 8);
    this.rotationAt = planner.take((maxWidth + 1) * stride * 8);
    this.rotationScratchAt = planner.take(ROW_BLOCK * stride * 8);
    this.inputAt = planner.take(Math.max(n, b.nRows) * 8);
    this.outputAt = planner.take(Math.max(n, b.nRows) * 8);
    this.partialsAt = planner.take((CHUNKS - 1) * n * Math.max(1, lanczosBlock) * 8);
    this.helperScratchAt = planner.take(ROW_BLOCK * stride * 8);
    this.boundsAt = planner.take((CHUNKS + 1) * 4);
    this.controlAt = planner.take(CONTROL.words * 4);
    this.blockStride = blockWidth + (blockWidth & 1);
    this.blockInAt = planner.take(n * this.blockStride * 8);
    this.blockOutAt = planner.take(b.nRows * this.blockStride * 8);
    if (lanczosBlock > 0) {
      this.block4InAt = planner.take(n * lanczosBlock * 8);
      this.block4OutAt = planner.take(n * lanczosBlock * 8);
      this.workBlockAt = planner.take(n * lanczosBlock * 8);
      this.blockCoefficientsAt = planner.take((maxWidth + lanczosBlock) * lanczosBlock * 8);
    }
    const pages = planner.pages(`the truncated SVD of a ${b.nRows} × ${b.nCols} matrix with ${nnz} non-zeros`, 'lower --dim, or raise --min-count / set --max-vocab');
    this.memory = createSharedMemory(pages);
    const instance = new WebAssembly.Instance(svdModule(), { env: { memory: this.memory, abort: () => {} } });
    this.kernel = instance.exports as unknown as SvdExports;
    const buffer = this.memory.buffer;
    new Int32Array(buffer, this.indptr, b.nRows + 1).set(b.indptr.subarray(0, b.nRows + 1));
    new Int32Array(buffer, this.indices, nnz).set(b.indices.subarray(0, nnz));
    new Float64Array(buffer, this.values, nnz).set(b.values.subarray(0, nnz));
    const bounds = new Int32Array(buffer, this.boundsAt, CHUNKS + 1);
    let row = 0;
    for (let c = 1; c < CHUNKS; c++) {
      while (row < b.nRows && b.indptr[row]! < (c * nnz) / CHUNKS) row++;
      bounds[c] = row;
    }
    bounds[CHUNKS] = b.nRows;
    this.control = new Int32Array(buffer, this.controlAt, CONTROL.words);
    this.runner = new ChunkRunner(this.kernel, this.memory, this.control);
    if (threads > 1) {
      const workerData: SvdWorkerInput = { module: svdModule(), memory: this.memory, control: this.controlAt };
      this.worker = new Worker(new URL('./svd-worker.js', import.meta.url), { workerData, execArgv: workerExecArgv() });
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
    const request = ++this.requests;
    Atomics.store(control, CONTROL.claim, tag(request, 0));
    Atomics.store(control, CONTROL.request, request);
    if (Atomics.load(control, CONTROL.sleeping) === 1) Atomics.notify(control, CONTROL.request);
  }

  /**
   * One kernel call in CHUNKS pieces: offered to the helper, then taken piece by piece here until
   * none is left; then wait for the pieces the helper took. `alone`: all pieces here (a call too small
   * to be worth waking the helper; the same pieces, so the same bytes).
   */
  private call(op: Op, args: number[], alone = false): void {
    if (!this.worker || alone) {
      const control = this.control;
      control[CONTROL.op] = op;
      for (let i = 0; i < args.length; i++) control[CONTROL.args + i] = args[i]!;
      for (let c = 0; c < CHUNKS; c++) this.runner.run(c, 0);
      return;
    }
    this.post(op, args);
    const request = this.requests;
    let mine = 0;
    for (let c = claimChunk(this.control, request); c >= 0; c = claimChunk(this.control, request)) {
      this.runner.run(c, 0);
      mine++;
    }
    if (mine < CHUNKS) this.join(tag(request, CHUNKS - mine));
  }

  /** Wait until the helper's `done` word says `want`. */
  private join(want: number): void {
    const control = this.control;
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

  /** y = BᵀB·x: CHUNKS pieces of rows (equal non-zeros), each summed on its own, then added up in piece order. */
  apply = (x: Float64Array, y: Float64Array): void => {
    y.fill(0);
    const yAt = this.address(y);
    this.call(Op.Gram, [this.indptr, this.indices, this.values, this.boundsAt, this.address(x), yAt, this.partialsAt, this.n]);
    for (let c = 1; c < CHUNKS; c++) this.kernel.addInto(this.partialsAt + (c - 1) * this.n * 8, yAt, this.n);
  };

  block(length: number): Float64Array {
    if (this.lanczosBlock === 0 || length !== this.n * this.lanczosBlock) throw new Error('internal: the Lanczos work block was planned for another size');
    return this.f64(this.workBlockAt, length);
  }

  /**
   * W = BᵀB·V for a block of four vectors (each n doubles, one after another): interleaved into X
   * (n × 4), one pass over B in CHUNKS pieces as `apply`, the partial sums added in piece order,
   * then written back as four vectors.
   */
  applyBlock = (v: Float64Array, w: Float64Array, b: number): void => {
    if (b !== this.lanczosBlock) throw new Error('internal: a Lanczos block of another size');
    const n = this.n;
    this.kernel.interleave4(this.address(v), n, this.block4InAt, 0, n);
    this.f64(this.block4OutAt, n * b).fill(0);
    this.call(Op.Gram4, [this.indptr, this.indices, this.values, this.boundsAt, this.block4InAt, this.block4OutAt, this.partialsAt, n * b]);
    for (let c = 1; c < CHUNKS; c++) this.kernel.addInto(this.partialsAt + (c - 1) * n * b * 8, this.block4OutAt, n * b);
    this.kernel.deinterleave4(this.block4OutAt, n, this.address(w), 0, n);
  };

  projectOutBlock(basis: Float64Array, n: number, count: number, w: Float64Array, b: number, coefficients: Float64Array): void {
    if (b !== this.lanczosBlock) throw new Error('internal: a Lanczos block of another size');
    const basisAt = this.address(basis);
    const wAt = this.address(w);
    // The block recurrence (this block and the one before: ≤ 8 vectors) is a fraction of a millisecond.
    const alone = count <= 2 * KERNEL_BLOCK;
    this.call(Op.Dots4, [basisAt, n, count, wAt, this.blockCoefficientsAt], alone);
    this.call(Op.Subtract4, [basisAt, n, count, this.blockCoefficientsAt, wAt], alone);
    const found = this.f64(this.blockCoefficientsAt, count * b);
    for (let i = 0; i < count * b; i++) coefficients[i]! += found[i]!;
  }

  projectOut(basis: Float64Array, n: number, count: number, w: Float64Array, coefficients: Float64Array, scratch: Float64Array): void {
    const basisAt = this.address(basis);
    const wAt = this.address(w);
    // Dots: pieces of the vectors; the update: pieces of the entries.
    // A few vectors (block Lanczos orthonormalizing a block within itself) take microseconds: waking the
    // helper (a futex call when it sleeps) would cost more.
    const alone = count <= SMALL_PROJECTION;
    this.call(Op.Dots, [basisAt, n, count, wAt, this.coefficientsAt], alone);
    this.call(Op.Subtract, [basisAt, n, count, this.coefficientsAt, wAt], alone);
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
    // Pieces of whole row blocks (each reads and writes only its own rows).
    this.call(Op.Rotate, [this.address(basis), n, count, this.rotationAt, width, stride, this.rotationScratchAt, this.helperScratchAt, ROW_BLOCK]);
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
    this.call(Op.Block, [this.indptr, this.indices, this.values, this.boundsAt, this.blockInAt, stride, this.blockOutAt]);
    const output = this.f64(this.blockOutAt, this.rows * stride);
    const out = new Float64Array(this.rows * width);
    for (let r = 0; r < this.rows; r++) out.set(output.subarray(r * stride, r * stride + width), r * width);
    return out;
  }

  /** out = B·x (x has B.nCols entries, out B.nRows). */
  multiply(x: Float64Array, out: Float64Array): void {
    this.f64(this.inputAt, this.n).set(x);
    this.call(Op.Multiply, [this.indptr, this.indices, this.values, this.boundsAt, this.inputAt, this.outputAt]);
    out.set(this.f64(this.outputAt, this.rows));
  }
}
