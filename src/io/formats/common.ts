import { InputError } from '../../core/errors.js';
import { DENSE_CELL_LIMIT, makeMeta, type Matrix, type MatrixMeta } from '../../core/matrix.js';
import type { Sink } from '../output.js';

export const FORMATS = ['json', 'jsonl', 'csv', 'tsv', 'text', 'binary', 'mtx', 'npy', 'projector'] as const;
export type Format = (typeof FORMATS)[number];

const EXTENSIONS: Record<string, Format> = {
  json: 'json',
  jsonl: 'jsonl',
  ndjson: 'jsonl',
  csv: 'csv',
  tsv: 'tsv',
  txt: 'text',
  vec: 'text',
  bin: 'binary',
  mtx: 'mtx',
  npy: 'npy',
};

/** The format a file name implies (`.json .jsonl .csv .tsv .txt/.vec .bin .mtx .npy`, a trailing `.gz` ignored; a projector directory has no extension). */
export function inferFormat(path: string): Format | undefined {
  const m = /\.([a-z0-9]+)(\.gz)?$/i.exec(path);
  if (!m) return undefined;
  const ext = m[1]!.toLowerCase();
  return Object.prototype.hasOwnProperty.call(EXTENSIONS, ext) ? EXTENSIONS[ext] : undefined;
}

/** Formats whose metadata goes to `<output>.meta.json` (the others carry it inline; projector has none). */
export const SIDE_META_FORMATS: readonly Format[] = ['text', 'binary', 'csv', 'tsv', 'npy'];

/** Formats that need a file (or, for projector, a directory) of their own: side files go beside it, so never standard output, a pipe or a device. */
export const FILE_ONLY_FORMATS: readonly Format[] = ['npy', 'projector'];

/** The side file holding the metadata of a text/binary/csv/tsv output. */
export function metaPath(path: string): string {
  return `${path}.meta.json`;
}

export interface WriteOptions {
  /**
   * Decimal places of the text formats (default DEFAULT_PRECISION = 6, like word2vec's `%lf`);
   * trailing zeros are trimmed and integers written whole. The binary format always stores float32.
   */
  precision?: number;
  /** Non-fatal problems (labels the word2vec formats cannot hold). */
  warn?: (message: string) => void;
  /**
   * writeMatrixFile only: write `<output>.meta.json` beside a text/binary/csv/tsv output file
   * (default true). json, jsonl and mtx carry the metadata inline.
   */
  metaFile?: boolean;
}

export interface ReadOptions {
  /** Where `-` reads from. */
  stdin?: NodeJS.ReadableStream;
  /** Skip detection. */
  format?: Format;
  /** Non-fatal problems (invalid UTF-8, an unreadable side file). */
  warn?: (message: string) => void;
  /**
   * Refuse NaN and ±Infinity, naming the line (or the vector) that holds one: queries need this, a
   * cosine with NaN in it means nothing. `convert` leaves it off so such files still round-trip.
   */
  finite?: boolean;
  /** Keep a fastText model's output matrix (continuing training needs it; queries do not). */
  keepOutput?: boolean;
}

/** What a format reader gets. */
export interface ReadContext {
  name: string;
  warn: (message: string) => void;
  /** See ReadOptions.finite. */
  finite?: boolean;
  /** See ReadOptions.keepOutput. */
  keepOutput?: boolean;
}

/** Index of the first NaN or ±Infinity among `count` values from `start`, or -1. */
export function firstNonFinite(values: ArrayLike<number>, start: number, count: number): number {
  for (let k = 0; k < count; k++) if (!Number.isFinite(values[start + k]!)) return k;
  return -1;
}

/** The error for a NaN or ±Infinity at `where` (e.g. "line 3"), value `index` (0-based) there. */
export function nonFiniteError(ctx: ReadContext, where: string, value: number, index: number): InputError {
  return new InputError(
    `${ctx.name} ${where}: value ${index + 1} is ${String(value)}, which makes every similarity with this vector meaningless`,
    'fix or drop that vector; NaN usually means the training diverged, so try a lower learning rate',
  );
}

export type MatrixWriter = (matrix: Matrix, sink: Sink, options: Required<Pick<WriteOptions, 'precision'>> & WriteOptions) => Promise<void>;

/**
 * Metadata for a matrix read from a file that carries none: the reader knows only where it came
 * from. `method: "unknown"` says so.
 */
export function unknownMeta(source: string): MatrixMeta {
  return makeMeta('unknown', {}, { source });
}

/** Metadata parsed from a file: kept as it is, with the required fields filled in when missing. */
export function metaFrom(value: unknown, source: string): MatrixMeta {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return unknownMeta(source);
  const fallback = unknownMeta(source);
  const meta = value as Record<string, unknown>;
  const options = meta.options !== null && typeof meta.options === 'object' ? (meta.options as Record<string, unknown>) : {};
  return {
    ...meta,
    tool: typeof meta.tool === 'string' ? meta.tool : fallback.tool,
    version: typeof meta.version === 'string' ? meta.version : fallback.version,
    method: typeof meta.method === 'string' ? meta.method : fallback.method,
    options,
  } as MatrixMeta;
}

/** Formats that store a sparse matrix as it is; the others write every cell. */
export const SPARSE_FORMATS: readonly Format[] = ['jsonl', 'mtx'];

/**
 * Cells a sparse matrix would spill in a dense `format` when that is past DENSE_CELL_LIMIT (the output
 * would be gigabytes of mostly zeros); 0 when the write is fine.
 */
export function excessDenseCells(matrix: Matrix, format: Format): number {
  if (matrix.kind === 'dense' || SPARSE_FORMATS.includes(format)) return 0;
  const cells = matrix.nRows * matrix.nCols;
  return cells > DENSE_CELL_LIMIT ? cells : 0;
}

/** The guard before a sparse matrix is written in a dense format. */
export function checkDenseSize(matrix: Matrix, format: Format): void {
  const cells = excessDenseCells(matrix, format);
  if (cells > 0) {
    throw new InputError(
      `the matrix is sparse and has ${matrix.nRows} × ${matrix.nCols} = ${cells.toExponential(2)} cells, more than the ${DENSE_CELL_LIMIT.toExponential(0)} a dense ${format} file may hold`,
      'write it in a sparse format: mtx or jsonl',
    );
  }
}

/** Each row of a matrix as a dense vector (a view for dense matrices, a reused scratch row for sparse ones). */
export function* denseRows(matrix: Matrix): Generator<Float32Array | Float64Array> {
  if (matrix.kind === 'dense') {
    for (let i = 0; i < matrix.nRows; i++) yield matrix.row(i);
    return;
  }
  const scratch = new Float64Array(matrix.nCols);
  for (let i = 0; i < matrix.nRows; i++) yield matrix.denseRow(i, scratch);
}

/** An append-only Float32Array that doubles as it grows. */
export class GrowableFloat32 {
  data: Float32Array;
  length = 0;
  constructor(capacity = 1024) {
    this.data = new Float32Array(Math.max(1, capacity));
  }
  push(value: number): void {
    if (this.length === this.data.length) this.reserve(this.length + 1);
    this.data[this.length++] = value;
  }
  /** Make room for at least `total` values. */
  reserve(total: number): void {
    if (total <= this.data.length) return;
    const next = new Float32Array(Math.max(total, this.data.length * 2));
    next.set(this.data.subarray(0, this.length));
    this.data = next;
  }
  /** The values (no copy when the capacity is exact). */
  toArray(): Float32Array {
    return this.length === this.data.length ? this.data : this.data.slice(0, this.length);
  }
}

/** Write text to a sink, awaiting only when the sink flushed. */
export async function put(sink: Sink, text: string | Uint8Array): Promise<void> {
  const pending = sink.write(text);
  if (pending) await pending;
}

/** `rows` dense values, checked against the label count (a reader bug otherwise). */
export function checkShape(rows: number, nCols: number, values: number): void {
  if (rows * nCols !== values) throw new Error(`reader produced ${values} values for ${rows}×${nCols}`);
}
