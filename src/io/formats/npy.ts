/**
 * npy: NumPy's own array file (`numpy.save` / `numpy.load`), format version 1.0 on output:
 *
 *   `\x93NUMPY` 0x01 0x00, a little-endian uint16 header length, then an ASCII Python dict
 *   `{'descr': '<f4', 'fortran_order': False, 'shape': (rows, cols), }` padded with spaces and a
 *   `\n` so that the data starts at a multiple of 64 bytes, then rows × cols little-endian float32
 *   in C (row-major) order.
 *
 * An .npy file holds numbers only: the row labels go to a side file, `X.rows.txt` beside `X.npy`
 * (one label per line, UTF-8), and the metadata to `X.npy.meta.json` as for the other formats
 * without room for it. On input versions 1.0, 2.0 and 3.0, float32 and float64 of either byte
 * order and both memory orders are read; the labels file must be there.
 */
import { promises as fs } from 'node:fs';
import { InputError } from '../../core/errors.js';
import { DenseMatrix } from '../../core/matrix.js';
import { checkDenseSize, denseRows, put, unknownMeta, type MatrixWriter, type ReadContext } from './common.js';
import type { ByteSource } from './source.js';

/** The first six bytes of every .npy file. */
import { NPY_MAGIC } from './detect.js';

export { NPY_MAGIC } from './detect.js';
/** Magic, two version bytes and the version 1.0 header length (uint16). */
const PREAMBLE_V1 = 10;
/** Version 2.0 and 3.0 have a uint32 header length. */
const PREAMBLE_V2 = 12;
/** numpy (≥ 1.14) aligns the data to 64 bytes so that it can be memory-mapped; so do we. */
const DATA_ALIGNMENT = 64;
const FLOAT32_BYTES = 4;
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
/** Characters a one-per-line label cannot hold. */
const LINE_BREAKS = /[\r\n]/g;

/** The row-labels file of an .npy path: `X.npy` → `X.rows.txt` (a trailing `.gz` ignored); another name gets `.rows.txt` appended. */
export function rowsPath(path: string): string {
  const plain = path.replace(/\.gz$/i, '');
  return `${plain.replace(/\.npy$/i, '')}.rows.txt`;
}

/** The version 1.0 header of a float32 C-order matrix, padded so that the data is aligned. */
export function npyHeader(rows: number, cols: number): Buffer {
  const dict = `{'descr': '<f4', 'fortran_order': False, 'shape': (${rows}, ${cols}), }`;
  const unpadded = PREAMBLE_V1 + dict.length + 1; // + the closing newline
  const padded = Math.ceil(unpadded / DATA_ALIGNMENT) * DATA_ALIGNMENT;
  const text = `${dict}${' '.repeat(padded - unpadded)}\n`;
  const header = Buffer.alloc(PREAMBLE_V1 + text.length);
  NPY_MAGIC.copy(header, 0);
  header[6] = 1;
  header[7] = 0;
  header.writeUInt16LE(text.length, 8);
  header.write(text, PREAMBLE_V1, 'latin1');
  return header;
}

export const writeNpy: MatrixWriter = async (matrix, sink) => {
  checkDenseSize(matrix, 'npy');
  await put(sink, npyHeader(matrix.nRows, matrix.nCols));
  for (const row of denseRows(matrix)) {
    // A fresh buffer per row: the sink keeps references until it flushes.
    const bytes = Buffer.allocUnsafe(row.length * FLOAT32_BYTES);
    if (row instanceof Float32Array && LITTLE_ENDIAN) Buffer.from(row.buffer, row.byteOffset, row.byteLength).copy(bytes);
    else for (let j = 0; j < row.length; j++) bytes.writeFloatLE(row[j]!, j * FLOAT32_BYTES);
    await put(sink, bytes);
  }
};

/**
 * The text of a `.rows.txt` file: one label per line. A label holding a line break cannot be stored
 * one per line: each `\r`/`\n` becomes a space, with one warning.
 */
export function rowLabelsText(rows: readonly string[], warn?: (message: string) => void): string {
  let changed = 0;
  let example = '';
  const lines = rows.map((label) => {
    LINE_BREAKS.lastIndex = 0;
    if (!LINE_BREAKS.test(label)) return label;
    if (changed++ === 0) example = label;
    return label.replace(LINE_BREAKS, ' ');
  });
  if (changed > 0 && warn) {
    warn(`${changed} row label${changed === 1 ? ` (${JSON.stringify(example)}) holds a line break` : `s (e.g. ${JSON.stringify(example)}) hold line breaks`}, which a one-per-line labels file cannot store: written with a space in place of each`);
  }
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}

interface NpyHeader {
  dtype: 'f4' | 'f8';
  littleEndian: boolean;
  fortranOrder: boolean;
  rows: number;
  cols: number;
  dataStart: number;
}

/** Parse the preamble and header dict of an .npy file from its first bytes. */
export function parseNpyHeader(head: Buffer, name: string): NpyHeader {
  if (head.length < PREAMBLE_V1 || !head.subarray(0, NPY_MAGIC.length).equals(NPY_MAGIC)) {
    throw new InputError(`${name} is not a NumPy .npy file (it does not start with \\x93NUMPY)`, 'write it with numpy.save');
  }
  const major = head[6]!;
  if (major < 1 || major > 3) throw new InputError(`${name}: .npy format version ${major}.${head[7]} is not supported`, 'versions 1.0, 2.0 and 3.0 are read');
  const preamble = major === 1 ? PREAMBLE_V1 : PREAMBLE_V2;
  if (head.length < preamble) throw new InputError(`${name} is truncated: it ends inside the .npy header`);
  const length = major === 1 ? head.readUInt16LE(8) : head.readUInt32LE(8);
  const dataStart = preamble + length;
  if (head.length < dataStart) throw new InputError(`${name} is truncated: it ends inside the .npy header`, 'check that the file was copied completely');
  const dict = head.subarray(preamble, dataStart).toString(major === 3 ? 'utf8' : 'latin1');
  const descr = /['"]descr['"]\s*:\s*['"]([^'"]*)['"]/.exec(dict)?.[1];
  const fortran = /['"]fortran_order['"]\s*:\s*(True|False)/.exec(dict)?.[1];
  const shape = /['"]shape['"]\s*:\s*\(([^)]*)\)/.exec(dict)?.[1];
  if (descr === undefined || fortran === undefined || shape === undefined) {
    throw new InputError(`${name}: the .npy header is not a dict with descr, fortran_order and shape`, `got ${JSON.stringify(dict.trim())}`);
  }
  const type = /^([<>=|]?)(f4|f8)$/.exec(descr);
  if (!type) throw new InputError(`${name}: .npy arrays of dtype ${JSON.stringify(descr)} are not supported`, "save float32 or float64, e.g. numpy.save(path, a.astype('float32'))");
  const dims = shape.split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (dims.length !== 2) throw new InputError(`${name}: a .npy array of shape (${shape.trim()}) is not a matrix`, 'save a 2-D array, one row per label');
  const [rows, cols] = dims.map(Number) as [number, number];
  if (!Number.isSafeInteger(rows) || !Number.isSafeInteger(cols) || rows < 0 || cols < 0) throw new InputError(`${name}: the .npy shape (${shape.trim()}) is not two whole numbers`);
  return { dtype: type[2] as 'f4' | 'f8', littleEndian: type[1] !== '>' && (type[1] !== '=' || LITTLE_ENDIAN), fortranOrder: fortran === 'True', rows, cols, dataStart };
}

/** The labels of an .npy file, from the `.rows.txt` beside it; exactly one per row. */
async function readRowLabels(path: string, rows: number, ctx: ReadContext): Promise<string[]> {
  if (path === '-') throw new InputError(`${ctx.name}: an .npy stream has no row labels`, 'give the .npy file itself, with its .rows.txt beside it');
  const file = rowsPath(path);
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch {
    throw new InputError(`${ctx.name} has no row labels: ${file} is missing`, `write the labels there, one per line (${rows} lines), as wordspace -f npy does`);
  }
  if (text.startsWith('\uFEFF')) text = text.slice(1);
  if (text.endsWith('\n')) text = text.slice(0, -1);
  const labels = rows === 0 && text === '' ? [] : text.split('\n').map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
  if (labels.length !== rows) throw new InputError(`${file} holds ${labels.length} labels for the ${rows} rows of ${ctx.name}`, 'give one label per line, one per row');
  return labels;
}

/** Read an .npy matrix (see the module comment); `path` locates its `.rows.txt`. */
export async function readNpy(source: ByteSource, path: string, ctx: ReadContext): Promise<DenseMatrix> {
  const header = parseNpyHeader(source.head, ctx.name);
  const { rows, cols, dataStart } = header;
  const itemSize = header.dtype === 'f4' ? FLOAT32_BYTES : 2 * FLOAT32_BYTES;
  const bytes = rows * cols * itemSize;
  if (source.size !== undefined && source.size !== dataStart + bytes) {
    const what = source.size < dataStart + bytes ? 'is truncated' : 'has bytes after its data';
    throw new InputError(`${ctx.name} ${what}: its header announces ${rows} × ${cols} values (${dataStart + bytes} bytes), the file has ${source.size} bytes`, 'check that the file was copied completely');
  }
  const labels = await readRowLabels(path, rows, ctx);
  const raw = Buffer.alloc(bytes);
  let offset = -dataStart;
  for await (const chunk of source.chunks()) {
    const from = Math.max(0, -offset);
    if (offset + chunk.length > bytes) throw new InputError(`${ctx.name} has bytes after its data: its header announces ${rows} × ${cols} values`, 'check the shape in its header');
    if (from < chunk.length) chunk.copy(raw, offset + from, from);
    offset += chunk.length;
  }
  if (offset < bytes) throw new InputError(`${ctx.name} is truncated: its header announces ${rows} × ${cols} values, the data ends after ${Math.max(0, offset)} of ${bytes} bytes`, 'check that the file was copied completely');
  const values = header.dtype === 'f4' ? new Float32Array(rows * cols) : new Float64Array(rows * cols);
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const le = header.littleEndian;
  for (let k = 0; k < values.length; k++) {
    // Fortran order stores column by column: value k is at (k % rows, k / rows).
    const target = header.fortranOrder ? (k % rows) * cols + Math.floor(k / rows) : k;
    values[target] = header.dtype === 'f4' ? view.getFloat32(k * itemSize, le) : view.getFloat64(k * itemSize, le);
  }
  return new DenseMatrix(labels, null, cols, values, unknownMeta(ctx.name));
}
