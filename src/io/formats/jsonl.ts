/**
 * jsonl: one JSON object per line.
 *
 * Line 1, the header: `{"dims": D, "meta": {...}, "columns": [...] | null}` — the only line without
 * a "label" key (a `jq 'select(.label)'` skips it).
 * Then one line per row: `{"label": "cat", "vector": [0.1, ...]}` for a dense matrix, or
 * `{"label": "cat", "indices": [0, 7], "values": [2, 1]}` (0-based column indices) for a sparse one.
 * The reader accepts files without the header, and dense and sparse rows mixed (the result is
 * sparse when any row is). NaN and ±Infinity are written `null`.
 */
import { InputError } from '../../core/errors.js';
import { DenseMatrix, SparseMatrix, type Matrix, type MatrixMeta } from '../../core/matrix.js';
import { GrowableFloat64, GrowableInt32 } from '../../corpus/growable.js';
import { GrowableFloat32, metaFrom, put, unknownMeta, type MatrixWriter, type ReadContext } from './common.js';
import { jsonNumberFormatter } from './numbers.js';
import { forEachLine, type ByteSource } from './source.js';

export const writeJsonl: MatrixWriter = async (matrix, sink, options) => {
  const format = jsonNumberFormatter(options.precision);
  const columns = matrix.columns ? `[${matrix.columns.map((c) => JSON.stringify(c)).join(', ')}]` : 'null';
  // "dims" first: a reader sniffing the start of a long header line knows it is jsonl, not json.
  await put(sink, `{"dims": ${matrix.nCols}, "meta": ${JSON.stringify(matrix.meta)}, "columns": ${columns}}\n`);
  for (let i = 0; i < matrix.nRows; i++) {
    let line = `{"label": ${JSON.stringify(matrix.rows[i])}, `;
    if (matrix.kind === 'dense') {
      const row = matrix.row(i);
      line += '"vector": [';
      for (let j = 0; j < row.length; j++) line += (j === 0 ? '' : ',') + format(row[j]!);
    } else {
      const start = matrix.indptr[i]!;
      const end = matrix.indptr[i + 1]!;
      line += '"indices": [';
      for (let p = start; p < end; p++) line += (p === start ? '' : ',') + matrix.indices[p]!;
      line += '], "values": [';
      for (let p = start; p < end; p++) line += (p === start ? '' : ',') + format(matrix.values[p]!);
    }
    await put(sink, `${line}]}\n`);
  }
};

function hasOwn(object: object, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(object, key);
}

/** Read jsonl (see the module comment). */
export async function readJsonl(source: ByteSource, ctx: ReadContext): Promise<Matrix> {
  let dims = -1;
  let columns: string[] | null = null;
  let meta: MatrixMeta | undefined;
  let seenLine = false;
  const labels: string[] = [];
  const dense = new GrowableFloat32();
  // Per row: -1 for a dense row (the next `dims` values of `dense`), else the number of sparse entries.
  const rowKind = new GrowableInt32();
  const sparseIndices = new GrowableInt32();
  const sparseValues = new GrowableFloat64();
  let sparseRows = 0;
  let maxIndex = -1;
  let dimsLine = 0;

  const fail = (lineNo: number, message: string, hint?: string): never => {
    throw new InputError(`${ctx.name} line ${lineNo}: ${message}`, hint);
  };
  const numberAt = (x: unknown, lineNo: number, what: string): number => {
    if (typeof x === 'number') return x;
    if (x === null) return Number.NaN;
    return fail(lineNo, `${JSON.stringify(x)} in "${what}" is not a number`);
  };

  await forEachLine(source, ctx.warn, (line, lineNo) => {
    if (line.trim() === '') return;
    let obj: unknown;
    try {
      obj = JSON.parse(line);
    } catch (err) {
      fail(lineNo, `not valid JSON (${(err as Error).message})`, 'jsonl holds one JSON object per line');
    }
    if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) fail(lineNo, 'expected a JSON object', 'jsonl holds one {"label": ..., "vector": [...]} per line');
    const record = obj as Record<string, unknown>;
    const first = !seenLine;
    seenLine = true;
    if (!hasOwn(record, 'label')) {
      if (!first) fail(lineNo, 'no "label"', 'each row is {"label": ..., "vector": [...]}; only the first line may be a header without a label');
      if (record.columns !== undefined && record.columns !== null) {
        if (!Array.isArray(record.columns)) fail(lineNo, '"columns" must be an array of labels or null');
        columns = (record.columns as unknown[]).map((c) => (typeof c === 'string' ? c : String(c)));
      }
      if (record.dims !== undefined) {
        if (typeof record.dims !== 'number' || !Number.isSafeInteger(record.dims) || record.dims < 0) fail(lineNo, '"dims" must be a whole number');
        dims = record.dims as number;
        dimsLine = lineNo;
      }
      if (columns && dims === -1) dims = columns.length;
      if (columns && columns.length !== dims) fail(lineNo, `"columns" has ${columns.length} labels but "dims" is ${dims}`);
      meta = metaFrom(record.meta, ctx.name);
      return;
    }
    labels.push(typeof record.label === 'string' ? record.label : String(record.label));
    if (hasOwn(record, 'vector')) {
      const vector = record.vector;
      if (!Array.isArray(vector)) fail(lineNo, '"vector" must be an array of numbers');
      const v = vector as unknown[];
      if (dims === -1) {
        dims = v.length;
        dimsLine = lineNo;
      } else if (v.length !== dims) {
        fail(lineNo, `${v.length} values where line ${dimsLine} says ${dims} (vectors whose dimensions disagree between lines)`, 'every vector must have the same length');
      }
      dense.reserve(dense.length + dims);
      for (const x of v) dense.data[dense.length++] = numberAt(x, lineNo, 'vector');
      rowKind.push(-1);
      return;
    }
    if (!hasOwn(record, 'indices') || !hasOwn(record, 'values')) fail(lineNo, 'a row needs "vector", or "indices" and "values"');
    const indices = record.indices;
    const values = record.values;
    if (!Array.isArray(indices) || !Array.isArray(values)) fail(lineNo, '"indices" and "values" must be arrays');
    const ix = indices as unknown[];
    const vs = values as unknown[];
    if (ix.length !== vs.length) fail(lineNo, `${ix.length} indices but ${vs.length} values`);
    for (let k = 0; k < ix.length; k++) {
      const index = ix[k];
      if (typeof index !== 'number' || !Number.isInteger(index) || index < 0) fail(lineNo, `${JSON.stringify(index)} is not a column index (0, 1, 2, …)`);
      const j = index as number;
      if (dims !== -1 && j >= dims) fail(lineNo, `column index ${j} is out of range: there are ${dims} columns (indices are 0-based)`);
      if (j > maxIndex) maxIndex = j;
      sparseIndices.push(j);
      sparseValues.push(numberAt(vs[k], lineNo, 'values'));
    }
    rowKind.push(ix.length);
    sparseRows++;
  });

  if (!seenLine) throw new InputError(`${ctx.name} is empty`, 'expected one {"label": ..., "vector": [...]} per line');
  const matrixMeta = meta ?? unknownMeta(ctx.name);
  const nCols = dims !== -1 ? dims : maxIndex + 1;
  if (maxIndex >= nCols) {
    throw new InputError(`${ctx.name}: a sparse row has column index ${maxIndex}, but the vectors have ${nCols} columns (indices are 0-based)`, 'every row must have the same number of columns');
  }
  if (sparseRows === 0) return new DenseMatrix(labels, columns, nCols, dense.toArray(), matrixMeta);
  // Some rows are sparse: the matrix is sparse; dense rows contribute their non-zeros.
  const indptr = new Float64Array(labels.length + 1);
  const indices = new GrowableInt32();
  const values = new GrowableFloat64();
  let densePos = 0;
  let sparsePos = 0;
  for (let i = 0; i < labels.length; i++) {
    const kind = rowKind.data[i]!;
    if (kind === -1) {
      for (let j = 0; j < nCols; j++) {
        const v = dense.data[densePos + j]!;
        if (v !== 0) {
          indices.push(j);
          values.push(v);
        }
      }
      densePos += nCols;
    } else {
      const order = sortedOrder(sparseIndices.data, sparsePos, kind);
      for (const p of order) {
        indices.push(sparseIndices.data[p]!);
        values.push(sparseValues.data[p]!);
      }
      sparsePos += kind;
    }
    indptr[i + 1] = indices.length;
  }
  return new SparseMatrix(labels, columns, nCols, indptr, indices.toArray(), values.toArray(), matrixMeta);
}

/** Positions start..start+count of `indices`, in increasing index order (CSR keeps columns sorted). */
function sortedOrder(indices: Int32Array, start: number, count: number): number[] {
  const order = Array.from({ length: count }, (_, k) => start + k);
  let sorted = true;
  for (let k = 1; k < count && sorted; k++) if (indices[start + k - 1]! > indices[start + k]!) sorted = false;
  if (!sorted) order.sort((a, b) => indices[a]! - indices[b]!);
  return order;
}
