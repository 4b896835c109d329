/**
 * The WebAssembly SIMD kernels of the truncated SVD (assembly/svd.ts → dist/wasm/svd.wasm) and the
 * one memory they work on: the CSR matrix B whose Gram matrix BᵀB Lanczos runs on, the Lanczos basis
 * and work vector, and scratch. The JavaScript side plans every byte (MemoryPlanner); the basis and
 * the work vector are handed to lanczos.ts as Float64Array views of that memory, so the products
 * read them in place.
 *
 * The pure-TypeScript kernels (dense.ts, sparse.ts) stay the reference; test/svd.test.ts runs both.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { InputError } from '../core/errors.js';
import { createSharedMemory, MemoryPlanner } from '../encoders/wasm/memory.js';
import { ROW_BLOCK } from './dense.js';
import type { LanczosKernels } from './lanczos.js';
import type { Csr } from './sparse.js';

/** f64x2 loads: 16-byte aligned blocks. */
const ALIGN = 16;

interface SvdExports {
  gramRows(indptr: number, indices: number, values: number, rowStart: number, rowEnd: number, x: number, y: number): void;
  multiplyRows(indptr: number, indices: number, values: number, rowStart: number, rowEnd: number, x: number, y: number): void;
  basisDots(basis: number, n: number, j0: number, j1: number, w: number, out: number): void;
  basisSubtract(basis: number, n: number, count: number, c: number, w: number, r0: number, r1: number): void;
  rotateRows(basis: number, n: number, count: number, y: number, width: number, stride: number, scratch: number, r0: number, r1: number): void;
}

let compiled: WebAssembly.Module | undefined;

/** Compile dist/wasm/svd.wasm once per process, synchronously (the SVD is a synchronous call). */
function svdModule(): WebAssembly.Module {
  if (!compiled) {
    // From dist/src/linalg/ to dist/wasm/.
    const path = fileURLToPath(new URL('../../wasm/svd.wasm', import.meta.url));
    let bytes: Uint8Array<ArrayBuffer>;
    try {
      bytes = new Uint8Array(readFileSync(path));
    } catch (err) {
      throw new InputError(`cannot load the SVD kernel ${path}: ${(err as Error).message}`, 'build it with npm run build');
    }
    compiled = new WebAssembly.Module(bytes);
  }
  return compiled;
}

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
  private basisHandedOut = false;

  constructor(
    private readonly b: Csr,
    private readonly basisLength: number,
    maxWidth: number,
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
    const pages = planner.pages(`the truncated SVD of a ${b.nRows} × ${b.nCols} matrix with ${nnz} non-zeros`, 'lower --dim, or raise --min-count / set --max-vocab');
    this.memory = createSharedMemory(pages);
    const instance = new WebAssembly.Instance(svdModule(), { env: { memory: this.memory, abort: () => {} } });
    this.kernel = instance.exports as unknown as SvdExports;
    const buffer = this.memory.buffer;
    new Int32Array(buffer, this.indptr, b.nRows + 1).set(b.indptr.subarray(0, b.nRows + 1));
    new Int32Array(buffer, this.indices, nnz).set(b.indices.subarray(0, nnz));
    new Float64Array(buffer, this.values, nnz).set(b.values.subarray(0, nnz));
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

  /** y = BᵀB·x. */
  apply = (x: Float64Array, y: Float64Array): void => {
    y.fill(0);
    this.kernel.gramRows(this.indptr, this.indices, this.values, 0, this.rows, this.address(x), this.address(y));
  };

  projectOut(basis: Float64Array, n: number, count: number, w: Float64Array, coefficients: Float64Array, scratch: Float64Array): void {
    const basisAt = this.address(basis);
    const wAt = this.address(w);
    this.kernel.basisDots(basisAt, n, 0, count, wAt, this.coefficientsAt);
    this.kernel.basisSubtract(basisAt, n, count, this.coefficientsAt, wAt, 0, n);
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
    for (let r0 = 0; r0 < n; r0 += ROW_BLOCK) {
      this.kernel.rotateRows(basisAt, n, count, this.rotationAt, width, stride, this.rotationScratchAt, r0, Math.min(n, r0 + ROW_BLOCK));
    }
  }

  /** out = B·x (x has B.nCols entries, out B.nRows). */
  multiply(x: Float64Array, out: Float64Array): void {
    this.f64(this.inputAt, this.n).set(x);
    this.kernel.multiplyRows(this.indptr, this.indices, this.values, 0, this.rows, this.inputAt, this.outputAt);
    out.set(this.f64(this.outputAt, this.rows));
  }
}
