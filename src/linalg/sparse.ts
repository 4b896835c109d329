/**
 * Sparse kernels of the truncated SVD: a CSR copy in the one layout the hot loops see (int32
 * offsets, float64 values, so every loop stays monomorphic), its transpose, and the two products the
 * solvers need — CSR × vector and CSR × row-major block. Nothing here allocates inside a loop.
 */
import { InputError } from '../core/errors.js';
import type { SparseMatrix } from '../core/matrix.js';

/** Compressed sparse rows, kernel layout: row i holds indices/values[indptr[i] .. indptr[i+1]). */
export interface Csr {
  nRows: number;
  nCols: number;
  indptr: Int32Array;
  indices: Int32Array;
  values: Float64Array;
}

/** Largest offset an Int32Array indptr can hold. */
const MAX_INT32 = 2 ** 31 - 1;

/** Copy a SparseMatrix into kernel layout, refusing non-finite values (they would poison every vector). */
export function toCsr(m: SparseMatrix): Csr {
  const nnz = m.nnz;
  if (nnz > MAX_INT32) throw new InputError(`the matrix has ${nnz} non-zeros, more than the SVD can index (${MAX_INT32})`, 'use a higher --min-count or --max-vocab');
  // Shared, not copied, when the matrix already has the kernel's types (ppmiMatrix's output does).
  const indptr = m.indptr instanceof Int32Array ? m.indptr : Int32Array.from(m.indptr);
  const values = m.values instanceof Float64Array ? m.values.subarray(0, nnz) : Float64Array.from(m.values.subarray(0, nnz));
  for (let p = 0; p < nnz; p++) {
    if (!Number.isFinite(values[p]!)) throw new InputError('the matrix to reduce has a value that is not a finite number', 'check the weighting options');
  }
  return { nRows: m.nRows, nCols: m.nCols, indptr, indices: m.indices.subarray(0, nnz), values };
}

/** The transpose in CSR (a counting sort by column; columns come out in ascending row order). */
export function transposeCsr(a: Csr): Csr {
  const nnz = a.indptr[a.nRows]!;
  const indptr = new Int32Array(a.nCols + 1);
  for (let p = 0; p < nnz; p++) indptr[a.indices[p]! + 1]!++;
  for (let j = 0; j < a.nCols; j++) indptr[j + 1]! += indptr[j]!;
  const fill = indptr.slice(0, a.nCols);
  const indices = new Int32Array(nnz);
  const values = new Float64Array(nnz);
  for (let i = 0; i < a.nRows; i++) {
    const end = a.indptr[i + 1]!;
    for (let p = a.indptr[i]!; p < end; p++) {
      const q = fill[a.indices[p]!]!++;
      indices[q] = i;
      values[q] = a.values[p]!;
    }
  }
  return { nRows: a.nCols, nCols: a.nRows, indptr, indices, values };
}

/** y = A·x (x has a.nCols entries, y a.nRows). Four partial sums so the adds do not form one chain. */
export function multiplyVector(a: Csr, x: Float64Array, y: Float64Array): void {
  const { indptr, indices, values } = a;
  for (let i = 0; i < a.nRows; i++) {
    const end = indptr[i + 1]!;
    let p = indptr[i]!;
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    for (; p + 3 < end; p += 4) {
      s0 += values[p]! * x[indices[p]!]!;
      s1 += values[p + 1]! * x[indices[p + 1]!]!;
      s2 += values[p + 2]! * x[indices[p + 2]!]!;
      s3 += values[p + 3]! * x[indices[p + 3]!]!;
    }
    for (; p < end; p++) s0 += values[p]! * x[indices[p]!]!;
    y[i] = s0 + s1 + s2 + s3;
  }
}

/**
 * Y = A·X for a row-major block X (a.nCols × width) into Y (a.nRows × width). Row i of Y is
 * Σ_p values[p] · X[indices[p], :]; four non-zeros per pass over the row so each load/store of Y's
 * row serves four multiply-adds (measured ~2× faster than one non-zero per pass in V8).
 */
export function multiplyBlock(a: Csr, x: Float64Array, width: number, y: Float64Array): void {
  const { indptr, indices, values } = a;
  for (let i = 0; i < a.nRows; i++) {
    const out = i * width;
    const end = indptr[i + 1]!;
    for (let c = 0; c < width; c++) y[out + c] = 0;
    let p = indptr[i]!;
    for (; p + 3 < end; p += 4) {
      const v0 = values[p]!;
      const v1 = values[p + 1]!;
      const v2 = values[p + 2]!;
      const v3 = values[p + 3]!;
      const x0 = indices[p]! * width;
      const x1 = indices[p + 1]! * width;
      const x2 = indices[p + 2]! * width;
      const x3 = indices[p + 3]! * width;
      for (let c = 0; c < width; c++) {
        y[out + c]! += v0 * x[x0 + c]! + v1 * x[x1 + c]! + v2 * x[x2 + c]! + v3 * x[x3 + c]!;
      }
    }
    for (; p < end; p++) {
      const v = values[p]!;
      const xr = indices[p]! * width;
      for (let c = 0; c < width; c++) y[out + c]! += v * x[xr + c]!;
    }
  }
}
