/**
 * Every matrix/vector file format wordspace reads and writes (docs/formats.md describes each).
 *
 *   writeMatrix(matrix, sink, format)            to any sink, no side files
 *   writeMatrixFile(matrix, path, format, stdout) atomic file output (or `-`), plus the meta side file
 *   readMatrix(path, { format?, stdin? })         by extension, else by content; gzip transparently
 *
 * npy keeps its row labels in `X.rows.txt` beside `X.npy`, and projector is a directory of three
 * files (npy.ts, projector.ts): both need a file name, never standard output.
 */
import { createGzip } from 'node:zlib';
import { InputError, UsageError } from '../../core/errors.js';
import type { Matrix } from '../../core/matrix.js';
import { displayName } from '../input.js';
import { resolveOutput, Sink, withOutputs, type OutputJob } from '../output.js';
import { checkDenseSize, FILE_ONLY_FORMATS, firstNonFinite, FORMATS, metaPath, nonFiniteError, SIDE_META_FORMATS, type Format, type MatrixWriter, type ReadContext, type ReadOptions, type WriteOptions } from './common.js';
import { isFastTextHead, readFastTextMatrix, writeFastText } from './fasttext.js';
import type { FastTextModel } from '../../encoders/fasttext/model.js';
import { readJson, writeJson } from './json.js';
import { readJsonl, writeJsonl } from './jsonl.js';
import { readMtx, writeMtx } from './mtx.js';
import { DEFAULT_PRECISION, MAX_PRECISION } from './numbers.js';
import { readNpy, rowLabelsText, rowsPath, writeNpy } from './npy.js';
import { isProjectorDirectory, readProjector, writeProjector } from './projector.js';
import { openSource } from './source.js';
import { readBinary, readText, writeBinary, writeText } from './word2vec.js';
import { chooseFormat, readSideMeta } from './detect.js';

export { rowsPath } from './npy.js';
export { detectFormat } from './detect.js';
export { fastTextModelOf, writeFastText } from './fasttext.js';
export { FILE_ONLY_FORMATS, FORMATS, inferFormat, metaPath, SIDE_META_FORMATS, type Format, type ReadOptions, type WriteOptions } from './common.js';
export { DEFAULT_PRECISION, MAX_PRECISION, parsePrecision } from './numbers.js';

const WRITERS: Record<Format, MatrixWriter> = {
  json: writeJson,
  jsonl: writeJsonl,
  // The CSV stack (csv-parse, csv-stringify) loads only when a CSV/TSV file is read or written.
  csv: async (matrix, sink, options) => (await import('./delimited.js')).writeCsv(matrix, sink, options),
  tsv: async (matrix, sink, options) => (await import('./delimited.js')).writeTsv(matrix, sink, options),
  text: writeText,
  binary: writeBinary,
  mtx: writeMtx,
  npy: writeNpy,
  projector: async () => {
    throw new UsageError('-f projector writes a directory of three files, not a stream', 'write it with writeMatrixFile(matrix, DIR, "projector", stdout)');
  },
};

function checkPrecision(precision: number): void {
  if (!Number.isInteger(precision) || precision < 0 || precision > MAX_PRECISION) {
    throw new RangeError(`precision must be an integer from 0 to ${MAX_PRECISION}, got ${precision}`);
  }
}

/** Write a matrix in a format to a sink (no side files; the caller flushes the sink). */
export async function writeMatrix(matrix: Matrix, sink: Sink, format: Format, options: WriteOptions = {}): Promise<void> {
  const precision = options.precision ?? DEFAULT_PRECISION;
  checkPrecision(precision);
  await WRITERS[format](matrix, sink, { ...options, precision });
}

/**
 * Compress what `body` writes to `outer` with gzip (for output names ending in `.gz`), keeping
 * backpressure on both sides.
 */
async function gzipped(outer: Sink, body: (inner: Sink) => Promise<void>): Promise<void> {
  const gzip = createGzip();
  const inner = new Sink(gzip);
  const pump = (async () => {
    for await (const chunk of gzip as AsyncIterable<Buffer>) {
      const pending = outer.write(chunk);
      if (pending) await pending;
    }
  })();
  pump.catch((err: Error) => gzip.destroy(err));
  try {
    await body(inner);
    await inner.flush();
    gzip.end();
  } catch (err) {
    gzip.destroy();
    await pump.catch(() => undefined);
    throw err;
  }
  await pump;
}

/** Options of writeMatrixFile: the writer's, plus whether a read-only file may be replaced. */
export interface WriteFileOptions extends WriteOptions {
  force?: boolean;
}

/**
 * Write a matrix to a file atomically (temporary file renamed at the end), or to `stdout` when the
 * path is `-`. A path ending in `.gz` is gzipped. For text/binary/csv/tsv files the metadata goes
 * to `<path>.meta.json`, committed together with the matrix file (both written and fsynced before
 * either is renamed), unless `options.metaFile` is false; nothing extra goes to stdout, a FIFO or a
 * device. See withOutputs for special targets, symlinks and read-only files.
 */
export async function writeMatrixFile(matrix: Matrix, path: string, format: Format, stdout: NodeJS.WritableStream, options: WriteFileOptions = {}): Promise<void> {
  checkDenseSize(matrix, format);
  checkPrecision(options.precision ?? DEFAULT_PRECISION);
  const { force, ...writeOptions } = options;
  if (format === 'projector') {
    await writeProjector(matrix, path, { precision: options.precision ?? DEFAULT_PRECISION, force, ...(options.warn ? { warn: options.warn } : {}) });
    return;
  }
  const target = await resolveOutput(path);
  if (FILE_ONLY_FORMATS.includes(format) && target.kind !== 'atomic') {
    throw new UsageError(`the ${format} format writes a file with its row labels beside it, not ${path === '-' ? 'standard output' : `${path} (not a regular file)`}`, `give -o X.${format}`);
  }
  const sideMeta = target.kind === 'atomic' && options.metaFile !== false && SIDE_META_FORMATS.includes(format);
  const compress = path !== '-' && /\.gz$/i.test(path);
  const jobs: OutputJob[] = [
    {
      path,
      body: (sink) => (compress ? gzipped(sink, (inner) => writeMatrix(matrix, inner, format, writeOptions)) : writeMatrix(matrix, sink, format, writeOptions)),
    },
  ];
  if (format === 'npy') {
    jobs.push({ path: rowsPath(path), body: async (sink) => void (await sink.write(rowLabelsText(matrix.rows, options.warn))) });
  }
  if (sideMeta) {
    jobs.push({
      path: metaPath(path),
      body: async (sink) => {
        await sink.write(`${JSON.stringify(matrix.meta, null, 2)}\n`);
      },
    });
  }
  await withOutputs(jobs, stdout, { force });
}

/**
 * Write a fastText model as fastText's `.bin` (writeFastText), atomically like writeMatrixFile: a
 * temporary file beside `path`, renamed when complete (or `-`); a path ending in `.gz` is gzipped.
 */
export async function writeFastTextFile(model: FastTextModel, path: string, stdout: NodeJS.WritableStream, options: { force?: boolean } = {}): Promise<void> {
  const compress = path !== '-' && /\.gz$/i.test(path);
  const body = (sink: Sink): Promise<void> => (compress ? gzipped(sink, (inner) => writeFastText(model, inner)) : writeFastText(model, sink));
  await withOutputs([{ path, body }], stdout, { force: options.force });
}

/**
 * The NaN/±Infinity check of the formats whose readers do not name lines themselves: names the row
 * and its label (the word2vec readers name the line or vector as they read).
 */
function checkFinite(matrix: Matrix, ctx: ReadContext): void {
  const values = matrix.kind === 'dense' ? matrix.data : matrix.values;
  const at = firstNonFinite(values, 0, values.length);
  if (at === -1) return;
  let row: number;
  let column: number;
  if (matrix.kind === 'dense') {
    row = Math.floor(at / matrix.nCols);
    column = at - row * matrix.nCols;
  } else {
    row = 0;
    while (matrix.indptr[row + 1]! <= at) row++;
    column = matrix.indices[at]!;
  }
  throw nonFiniteError(ctx, `row ${row + 1} (${JSON.stringify(matrix.rows[row])})`, values[at]!, column);
}

/**
 * Read a matrix from a file or `-` (stdin) in any format: `options.format`, else the extension,
 * else the content decides. Gzipped input is decompressed whatever its name. Metadata comes from
 * the file (json, jsonl, mtx) or its `<path>.meta.json` side file (text, binary, csv, tsv).
 */
export async function readMatrix(path: string, options: ReadOptions = {}): Promise<Matrix> {
  if ((options.format === undefined || options.format === 'projector') && (await isProjectorDirectory(path))) {
    const held: string[] = [];
    const matrix = await readProjector(path, { name: displayName(path), warn: (message) => held.push(message) });
    if (options.finite) checkFinite(matrix, { name: displayName(path), warn: () => undefined });
    if (options.warn) for (const message of held) options.warn(message);
    return matrix;
  }
  if (options.format === 'projector') throw new InputError(`${displayName(path)} is not a projector directory`, 'give the directory holding vectors.tsv and metadata.tsv');
  const source = await openSource(path, options.stdin);
  // Warnings about the file are held until it has been read: a file that fails gets its one error
  // line, not a warning about its bytes first.
  const held: string[] = [];
  const ctx: ReadContext = { name: displayName(path), warn: (message) => held.push(message), ...(options.finite ? { finite: true } : {}), ...(options.keepOutput ? { keepOutput: true } : {}) };
  if (source.head.length === 0 || (source.complete && source.head.toString('utf8').trim() === '')) {
    throw new InputError(`${source.name} is empty`, path === '-' ? 'did the command before the pipe fail?' : `expected vectors or a matrix (${FORMATS.join(', ')})`);
  }
  // Both kinds of `.bin`: fastText's model starts with its magic number, word2vec's with `V D`.
  if ((options.format === undefined || options.format === 'binary') && isFastTextHead(source.head)) {
    const matrix = await readFastTextMatrix(source, ctx);
    if (options.warn) for (const message of held) options.warn(message);
    return matrix;
  }
  const format = chooseFormat(source, options.format);
  let matrix: Matrix;
  switch (format) {
    case 'json':
      matrix = await readJson(source, ctx);
      break;
    case 'jsonl':
      matrix = await readJsonl(source, ctx);
      break;
    case 'csv':
      matrix = await (await import('./delimited.js')).readDelimited(source, ctx, ',');
      break;
    case 'tsv':
      matrix = await (await import('./delimited.js')).readDelimited(source, ctx, '\t');
      break;
    case 'text':
      matrix = await readText(source, ctx);
      break;
    case 'binary':
      matrix = await readBinary(source, ctx);
      break;
    case 'mtx':
      matrix = await readMtx(source, ctx);
      break;
    case 'npy':
      matrix = await readNpy(source, path, ctx);
      break;
    case 'projector':
      throw new Error('unreachable: projector directories are read above');
  }
  if (ctx.finite && format !== 'text' && format !== 'binary') checkFinite(matrix, ctx);
  if (path !== '-' && SIDE_META_FORMATS.includes(format)) {
    const meta = await readSideMeta(path, ctx.warn);
    if (meta) matrix.meta = meta;
  }
  if (options.warn) for (const message of held) options.warn(message);
  return matrix;
}
