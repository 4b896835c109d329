import { TOOL, VERSION } from '../version.js';

/**
 * What produced a matrix, so a result can be reproduced: the method, every effective option,
 * the seed, the vocabulary size, the tool's version, plus whatever the encoder wants to report
 * (loss per epoch, notes such as "vectors are W + W̃").
 */
export interface MatrixMeta {
  tool: string;
  version: string;
  method: string;
  options: Record<string, unknown>;
  seed?: number;
  vocabularySize?: number;
  [key: string]: unknown;
}

export function makeMeta(method: string, options: Record<string, unknown>, extra: Partial<MatrixMeta> = {}): MatrixMeta {
  return { tool: TOOL, version: VERSION, method, options, ...extra };
}

/** Row-major dense matrix with row labels and optional column labels. */
export class DenseMatrix {
  readonly kind = 'dense' as const;
  constructor(
    readonly rows: string[],
    readonly columns: string[] | null,
    readonly nCols: number,
    readonly data: Float32Array | Float64Array,
    public meta: MatrixMeta,
  ) {
    if (data.length !== rows.length * nCols) {
      throw new Error(`dense matrix: ${data.length} values for ${rows.length}×${nCols}`);
    }
    if (columns && columns.length !== nCols) throw new Error('dense matrix: column labels do not match width');
  }

  get nRows(): number {
    return this.rows.length;
  }

  /** A view (no copy) of row i. */
  row(i: number): Float32Array | Float64Array {
    return this.data.subarray(i * this.nCols, (i + 1) * this.nCols);
  }
}

/** Compressed sparse rows: row i holds indices[indptr[i]..indptr[i+1]) with the matching values. */
export class SparseMatrix {
  readonly kind = 'sparse' as const;
  constructor(
    readonly rows: string[],
    readonly columns: string[] | null,
    readonly nCols: number,
    readonly indptr: Float64Array | Int32Array,
    readonly indices: Int32Array,
    readonly values: Float32Array | Float64Array,
    public meta: MatrixMeta,
  ) {
    if (indptr.length !== rows.length + 1) throw new Error('sparse matrix: indptr length must be rows + 1');
    if (columns && columns.length !== nCols) throw new Error('sparse matrix: column labels do not match width');
  }

  get nRows(): number {
    return this.rows.length;
  }

  get nnz(): number {
    return this.indptr[this.rows.length] ?? 0;
  }

  /** Dense copy of row i into `out` (zero-filled first). */
  denseRow(i: number, out: Float32Array | Float64Array): Float32Array | Float64Array {
    out.fill(0);
    const end = this.indptr[i + 1]!;
    for (let p = this.indptr[i]!; p < end; p++) out[this.indices[p]!] = this.values[p]!;
    return out;
  }

  /** Densify; callers check the size guard first. */
  toDense(): DenseMatrix {
    const out = new Float32Array(this.nRows * this.nCols);
    for (let i = 0; i < this.nRows; i++) {
      const end = this.indptr[i + 1]!;
      const base = i * this.nCols;
      for (let p = this.indptr[i]!; p < end; p++) out[base + this.indices[p]!] = this.values[p]!;
    }
    return new DenseMatrix(this.rows, this.columns, this.nCols, out, this.meta);
  }

  /** Transpose (CSR of the transposed matrix). */
  transpose(): SparseMatrix {
    const nnz = this.nnz;
    const counts = new Int32Array(this.nCols + 1);
    for (let p = 0; p < nnz; p++) counts[this.indices[p]! + 1]!++;
    const indptr = new Float64Array(this.nCols + 1);
    for (let j = 0; j < this.nCols; j++) indptr[j + 1] = indptr[j]! + counts[j + 1]!;
    const fill = Float64Array.from(indptr.subarray(0, this.nCols));
    const indices = new Int32Array(nnz);
    const values = new (this.values.constructor as Float32ArrayConstructor)(nnz);
    for (let i = 0; i < this.nRows; i++) {
      const end = this.indptr[i + 1]!;
      for (let p = this.indptr[i]!; p < end; p++) {
        const j = this.indices[p]!;
        const q = fill[j]!++;
        indices[q] = i;
        values[q] = this.values[p]!;
      }
    }
    return new SparseMatrix(this.columns ?? range(this.nCols), this.rows, this.nRows, indptr, indices, values, this.meta);
  }
}

export type Matrix = DenseMatrix | SparseMatrix;

/** Cells above which a dense output is refused (10^8 float32 = 400 MB, and far more as text). */
export const DENSE_CELL_LIMIT = 1e8;

export function range(n: number): string[] {
  return Array.from({ length: n }, (_, i) => String(i));
}
