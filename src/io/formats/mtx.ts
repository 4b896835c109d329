/**
 * mtx: Matrix Market (NIST) coordinate format, 1-based, for sparse matrices; a dense matrix is
 * written as the coordinates of its non-zeros.
 *
 * Labels and metadata travel in comment lines, so the file stays self-contained (stdout, pipes) and
 * every Matrix Market reader (scipy.io.mmread, Matlab, R's Matrix) still reads the numbers:
 *
 *   %%MatrixMarket matrix coordinate real general
 *   %meta {"tool": "wordspace", ...}         the metadata as one JSON object
 *   %row "cat"                               one per row, in order, each label a JSON string
 *   %column "d1"                             one per column, only when the columns have labels
 *   3 5 4                                    rows, columns, entries
 *   1 2 0.5                                  row, column, value
 *
 * On input: coordinate or array layout; real, integer or pattern values; general, symmetric or
 * skew-symmetric. Without %row lines the rows are labelled "1" … "M" (their Matrix Market numbers);
 * without %column lines the matrix has no column labels. Repeated coordinates are summed, as
 * scipy does.
 */
import { InputError } from '../../core/errors.js';
import { DENSE_CELL_LIMIT, SparseMatrix, type Matrix, type MatrixMeta } from '../../core/matrix.js';
import { GrowableFloat64, GrowableInt32 } from '../../corpus/growable.js';
import { metaFrom, put, unknownMeta, type MatrixWriter, type ReadContext } from './common.js';
import { numberFormatter, parseNumber, quoteCell, scanNumbers } from './numbers.js';
import { forEachLine, type ByteSource } from './source.js';

export const MTX_BANNER = '%%MatrixMarket matrix coordinate real general';
const META_PREFIX = '%meta ';
const ROW_PREFIX = '%row ';
const COLUMN_PREFIX = '%column ';

/** Entries are gathered into pieces of about this many characters before they go to the sink. */
const ENTRY_BATCH_CHARS = 1 << 16;

function countNonZeros(matrix: Matrix): number {
  if (matrix.kind === 'sparse') return matrix.nnz;
  let nnz = 0;
  for (let k = 0; k < matrix.data.length; k++) if (matrix.data[k] !== 0) nnz++;
  return nnz;
}

export const writeMtx: MatrixWriter = async (matrix, sink, options) => {
  const format = numberFormatter(options.precision);
  await put(sink, `${MTX_BANNER}\n${META_PREFIX}${JSON.stringify(matrix.meta)}\n`);
  let piece = '';
  const flushPiece = async (): Promise<void> => {
    if (piece.length >= ENTRY_BATCH_CHARS) {
      await put(sink, piece);
      piece = '';
    }
  };
  for (const label of matrix.rows) {
    piece += `${ROW_PREFIX}${JSON.stringify(label)}\n`;
    await flushPiece();
  }
  for (const label of matrix.columns ?? []) {
    piece += `${COLUMN_PREFIX}${JSON.stringify(label)}\n`;
    await flushPiece();
  }
  piece += `${matrix.nRows} ${matrix.nCols} ${countNonZeros(matrix)}\n`;
  for (let i = 0; i < matrix.nRows; i++) {
    const rowNumber = i + 1;
    if (matrix.kind === 'sparse') {
      const end = matrix.indptr[i + 1]!;
      for (let p = matrix.indptr[i]!; p < end; p++) piece += `${rowNumber} ${matrix.indices[p]! + 1} ${format(matrix.values[p]!)}\n`;
    } else {
      const row = matrix.row(i);
      for (let j = 0; j < row.length; j++) if (row[j] !== 0) piece += `${rowNumber} ${j + 1} ${format(row[j]!)}\n`;
    }
    await flushPiece();
  }
  await put(sink, piece);
};

const BANNER = /^%%MatrixMarket\s+matrix\s+(\S+)\s+(\S+)\s+(\S+)\s*$/i;

type Layout = 'coordinate' | 'array';
type Field = 'real' | 'integer' | 'pattern';
type Symmetry = 'general' | 'symmetric' | 'skew-symmetric';

interface Banner {
  layout: Layout;
  field: Field;
  symmetry: Symmetry;
}

function parseBanner(line: string, ctx: ReadContext): Banner {
  const m = BANNER.exec(line);
  if (!m) throw new InputError(`${ctx.name} line 1: not a Matrix Market header`, `expected e.g. "${MTX_BANNER}"`);
  const layout = m[1]!.toLowerCase();
  let field = m[2]!.toLowerCase();
  const symmetry = m[3]!.toLowerCase();
  if (field === 'double') field = 'real';
  if (layout !== 'coordinate' && layout !== 'array') throw new InputError(`${ctx.name} line 1: unknown Matrix Market layout "${m[1]}"`, 'expected coordinate or array');
  if (field === 'complex') throw new InputError(`${ctx.name}: complex Matrix Market matrices are not supported`, 'vectors are real numbers');
  if (field !== 'real' && field !== 'integer' && field !== 'pattern') throw new InputError(`${ctx.name} line 1: unknown Matrix Market field "${m[2]}"`, 'expected real, integer or pattern');
  if (field === 'pattern' && layout === 'array') throw new InputError(`${ctx.name} line 1: a pattern matrix must use the coordinate layout`);
  if (symmetry === 'hermitian') throw new InputError(`${ctx.name}: hermitian Matrix Market matrices are not supported`, 'vectors are real numbers');
  if (symmetry !== 'general' && symmetry !== 'symmetric' && symmetry !== 'skew-symmetric') {
    throw new InputError(`${ctx.name} line 1: unknown Matrix Market symmetry "${m[3]}"`, 'expected general, symmetric or skew-symmetric');
  }
  return { layout, field, symmetry } as Banner;
}

function parseLabelComment(line: string, prefix: string, lineNo: number, ctx: ReadContext): string {
  try {
    const value: unknown = JSON.parse(line.slice(prefix.length));
    if (typeof value === 'string') return value;
  } catch {
    // reported below
  }
  throw new InputError(`${ctx.name} line ${lineNo}: a ${prefix.trim()} comment must hold one JSON string`, `e.g. ${prefix}"cat"`);
}

/**
 * The most rows an mtx file may claim: every row is a word or a document and gets a label, so the
 * reader allocates per row. 2^22 = 4,194,304 is more than the largest published vocabulary
 * (GoogleNews, 3M words) yet keeps a 70-byte file claiming 10^8 rows from costing seconds and
 * gigabytes before it is refused.
 */
export const MAX_MATRIX_ROWS = 1 << 22;
/** Columns are int32 indices. */
export const MAX_MATRIX_COLUMNS = 2 ** 31 - 1;
/** The shortest entry line: `1 1\n` (pattern) or `1 1 1\n`; the shortest array value line: `1\n`. */
const MIN_ENTRY_BYTES = { pattern: 4, value: 6, array: 2 };

/**
 * Check the size line before anything is allocated: the row and column limits, the dense-cell limit
 * for the array layout (read as a dense matrix), and, when the file's length is known, that it can
 * hold the entries it announces.
 */
function checkClaimedSize(rows: number, cols: number, entries: number, banner: Banner, size: number | undefined, lineNo: number, fail: (lineNo: number, message: string, hint?: string) => never): void {
  if (rows > MAX_MATRIX_ROWS) fail(lineNo, `${rows.toLocaleString('en-US')} rows is more than the ${MAX_MATRIX_ROWS.toLocaleString('en-US')} a matrix may have`, 'each row is a word or a document; check the size line');
  if (cols > MAX_MATRIX_COLUMNS) fail(lineNo, `${cols.toLocaleString('en-US')} columns is more than the ${MAX_MATRIX_COLUMNS.toLocaleString('en-US')} a matrix may have`, 'check the size line');
  if (banner.layout === 'array' && rows * cols > DENSE_CELL_LIMIT) {
    fail(lineNo, `an array (dense) matrix of ${rows.toLocaleString('en-US')} × ${cols.toLocaleString('en-US')} cells is more than the ${DENSE_CELL_LIMIT.toExponential(0)} a dense matrix may hold`, 'store it in the coordinate layout');
  }
  if (size === undefined) return;
  const perEntry = banner.layout === 'array' ? MIN_ENTRY_BYTES.array : banner.field === 'pattern' ? MIN_ENTRY_BYTES.pattern : MIN_ENTRY_BYTES.value;
  if (entries * perEntry > size) {
    fail(lineNo, `the size line announces ${entries.toLocaleString('en-US')} entries, more than a file of ${size.toLocaleString('en-US')} bytes can hold`, 'the file is truncated, or its size line is wrong');
  }
}

/** Read Matrix Market (see the module comment). */
export async function readMtx(source: ByteSource, ctx: ReadContext): Promise<Matrix> {
  let banner: Banner | undefined;
  let meta: MatrixMeta | undefined;
  const rowLabels: string[] = [];
  const columnLabels: string[] = [];
  let size: { rows: number; cols: number; entries: number } | undefined;
  const entryRows = new GrowableInt32();
  const entryCols = new GrowableInt32();
  const entryValues = new GrowableFloat64();
  let entries = 0;
  let lastLine = 0;
  const entry = new Float64Array(3);
  // array layout: the position of the next value in column-major order
  let arrayRow = 0;
  let arrayCol = 0;

  const fail = (lineNo: number, message: string, hint?: string): never => {
    throw new InputError(`${ctx.name} line ${lineNo}: ${message}`, hint);
  };
  const whole = (field: string, lineNo: number, what: string): number => {
    const n = Number(field);
    if (!Number.isSafeInteger(n) || n < 0) fail(lineNo, `${quoteCell(field)} is not a valid ${what}`);
    return n;
  };
  const add = (i: number, j: number, v: number): void => {
    entryRows.push(i);
    entryCols.push(j);
    entryValues.push(v);
    if (i !== j && banner!.symmetry !== 'general') {
      entryRows.push(j);
      entryCols.push(i);
      entryValues.push(banner!.symmetry === 'skew-symmetric' ? -v : v);
    }
  };

  await forEachLine(source, ctx.warn, (line, lineNo) => {
    lastLine = lineNo;
    if (!banner) {
      banner = parseBanner(line, ctx);
      return;
    }
    if (line.startsWith('%')) {
      if (size) return;
      if (line.startsWith(ROW_PREFIX)) rowLabels.push(parseLabelComment(line, ROW_PREFIX, lineNo, ctx));
      else if (line.startsWith(COLUMN_PREFIX)) columnLabels.push(parseLabelComment(line, COLUMN_PREFIX, lineNo, ctx));
      else if (line.startsWith(META_PREFIX)) {
        try {
          meta = metaFrom(JSON.parse(line.slice(META_PREFIX.length)), ctx.name);
        } catch {
          fail(lineNo, 'the %meta comment is not valid JSON');
        }
      }
      return;
    }
    if (size && banner.layout === 'coordinate') {
      // Fast path for the entry lines: `i j v` (or `i j` for a pattern matrix).
      const want = banner.field === 'pattern' ? 2 : 3;
      if (scanNumbers(line, 0, entry, 0, 3) === want && entries < size.entries) {
        const i = entry[0]!;
        const j = entry[1]!;
        if (Number.isInteger(i) && Number.isInteger(j) && i >= 1 && i <= size.rows && j >= 1 && j <= size.cols) {
          entries++;
          add(i - 1, j - 1, want === 3 ? entry[2]! : 1);
          return;
        }
      }
    }
    const trimmed = line.trim();
    if (trimmed === '') return;
    const fields = trimmed.split(/\s+/);
    if (!size) {
      const want = banner.layout === 'coordinate' ? 3 : 2;
      if (fields.length !== want) fail(lineNo, `the size line must hold ${want === 3 ? 'rows, columns and entries' : 'rows and columns'}`, `got ${JSON.stringify(trimmed)}`);
      const rows = whole(fields[0]!, lineNo, 'row count');
      const cols = whole(fields[1]!, lineNo, 'column count');
      let count = banner.layout === 'coordinate' ? whole(fields[2]!, lineNo, 'entry count') : rows * cols;
      if (banner.layout === 'array' && banner.symmetry === 'symmetric') count = (rows * (rows + 1)) / 2;
      if (banner.layout === 'array' && banner.symmetry === 'skew-symmetric') count = (rows * (rows - 1)) / 2;
      if (banner.symmetry !== 'general' && rows !== cols) fail(lineNo, `a ${banner.symmetry} matrix must be square, not ${rows} × ${cols}`);
      checkClaimedSize(rows, cols, count, banner, source.size, lineNo, fail);
      size = { rows, cols, entries: count };
      if (banner.symmetry === 'skew-symmetric') arrayRow = 1;
      return;
    }
    if (entries === size.entries) fail(lineNo, `more entries than the ${size.entries} the size line announces`, 'fix the size line');
    entries++;
    if (banner.layout === 'array') {
      if (fields.length !== 1) fail(lineNo, `expected one value, got ${fields.length}`);
      const v = parseNumber(fields[0]!);
      if (v === undefined) fail(lineNo, `${quoteCell(fields[0]!)} is not a number`);
      // Column-major; symmetric layouts store the lower triangle only (strictly lower when skew).
      add(arrayRow, arrayCol, v!);
      arrayRow++;
      if (arrayRow === size.rows) {
        arrayCol++;
        arrayRow = banner.symmetry === 'general' ? 0 : banner.symmetry === 'symmetric' ? arrayCol : arrayCol + 1;
      }
      return;
    }
    const want = banner.field === 'pattern' ? 2 : 3;
    if (fields.length !== want) fail(lineNo, `expected ${want === 2 ? 'row and column' : 'row, column and value'}, got ${fields.length} field${fields.length === 1 ? '' : 's'}`);
    const i = whole(fields[0]!, lineNo, 'row number');
    const j = whole(fields[1]!, lineNo, 'column number');
    if (i < 1 || i > size.rows) fail(lineNo, `row ${i} is out of range 1…${size.rows}`, 'Matrix Market numbers rows from 1');
    if (j < 1 || j > size.cols) fail(lineNo, `column ${j} is out of range 1…${size.cols}`, 'Matrix Market numbers columns from 1');
    let v = 1;
    if (banner.field !== 'pattern') {
      const parsed = parseNumber(fields[2]!);
      if (parsed === undefined) fail(lineNo, `${quoteCell(fields[2]!)} is not a number`);
      v = parsed!;
    }
    add(i - 1, j - 1, v);
  });

  if (!banner) throw new InputError(`${ctx.name} is empty`, `expected "${MTX_BANNER}"`);
  if (!size) throw new InputError(`${ctx.name} is truncated: it ends before the size line (rows, columns, entries)`, 'check that the file was copied completely');
  if (entries < size.entries) {
    throw new InputError(`${ctx.name} is truncated: its size line announces ${size.entries} entries, but it holds ${entries} (line ${lastLine} is the last)`, 'check that the file was copied completely');
  }
  if (rowLabels.length > 0 && rowLabels.length !== size.rows) {
    throw new InputError(`${ctx.name}: ${rowLabels.length} %row labels for ${size.rows} rows`, 'give one %row comment per row, or none');
  }
  if (columnLabels.length > 0 && columnLabels.length !== size.cols) {
    throw new InputError(`${ctx.name}: ${columnLabels.length} %column labels for ${size.cols} columns`, 'give one %column comment per column, or none');
  }
  const rows = rowLabels.length > 0 ? rowLabels : Array.from({ length: size.rows }, (_, i) => String(i + 1));
  const columns = columnLabels.length > 0 ? columnLabels : null;
  const matrixMeta = meta ?? unknownMeta(ctx.name);
  const csr = toCsr(size.rows, entryRows, entryCols, entryValues);
  if (banner.layout === 'array') {
    return new SparseMatrix(rows, columns, size.cols, csr.indptr, csr.indices, csr.values, matrixMeta).toDense();
  }
  return new SparseMatrix(rows, columns, size.cols, csr.indptr, csr.indices, csr.values, matrixMeta);
}

/** Coordinates → CSR with each row's columns sorted and repeated coordinates summed. */
export function toCsr(
  nRows: number,
  rowOf: GrowableInt32,
  colOf: GrowableInt32,
  valueOf: GrowableFloat64,
): { indptr: Float64Array; indices: Int32Array; values: Float64Array } {
  const n = rowOf.length;
  const counts = new Float64Array(nRows + 1);
  for (let k = 0; k < n; k++) counts[rowOf.data[k]! + 1]!++;
  for (let i = 0; i < nRows; i++) counts[i + 1]! += counts[i]!;
  const next = counts.slice(0, nRows);
  const indices = new Int32Array(n);
  const values = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const q = next[rowOf.data[k]!]!++;
    indices[q] = colOf.data[k]!;
    values[q] = valueOf.data[k]!;
  }
  // Sort each row by column and merge repeats, compacting in place.
  const indptr = new Float64Array(nRows + 1);
  let out = 0;
  for (let i = 0; i < nRows; i++) {
    const start = counts[i]!;
    const end = counts[i + 1]!;
    let sorted = true;
    for (let p = start + 1; p < end && sorted; p++) if (indices[p - 1]! >= indices[p]!) sorted = false;
    if (!sorted) {
      const order = Array.from({ length: end - start }, (_, k) => start + k).sort((a, b) => indices[a]! - indices[b]!);
      const sortedIndices = order.map((p) => indices[p]!);
      const sortedValues = order.map((p) => values[p]!);
      let w = out - 1;
      for (let k = 0; k < order.length; k++) {
        if (w >= out && indices[w] === sortedIndices[k]) values[w]! += sortedValues[k]!;
        else {
          w++;
          indices[w] = sortedIndices[k]!;
          values[w] = sortedValues[k]!;
        }
      }
      out = w + 1;
    } else {
      for (let p = start; p < end; p++) {
        indices[out] = indices[p]!;
        values[out] = values[p]!;
        out++;
      }
    }
    indptr[i + 1] = out;
  }
  return { indptr, indices: out === n ? indices : indices.slice(0, out), values: out === n ? values : values.slice(0, out) };
}
