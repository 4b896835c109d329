/**
 * projector: what the TensorBoard Embedding Projector (projector.tensorflow.org, or TensorBoard's
 * projector plugin) loads, written as a directory:
 *
 *   DIR/vectors.tsv              one row per line, values separated by tabs, no labels, no header
 *   DIR/metadata.tsv             the row labels, one per line (a single column has no header line)
 *   DIR/projector_config.pbtxt   embeddings { tensor_path: "vectors.tsv" metadata_path: "metadata.tsv" }
 *
 * A label cannot hold a tab or a line break there (either would make a second column or row): each
 * becomes a space, with one warning. The directory is written as one commit: a new one is built
 * as a temporary directory beside it and renamed into place; an existing one holding only these
 * files (an earlier output) gets the three files replaced together; an existing one holding other
 * files is refused unless `force`.
 */
import { promises as fs, type Stats } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { PassThrough } from 'node:stream';
import { InputError, UsageError } from '../../core/errors.js';
import { DenseMatrix, type Matrix } from '../../core/matrix.js';
import { registerTemporaryDirectory, releaseTemporaryDirectory, withOutputs, type OutputJob } from '../output.js';
import { checkDenseSize, denseRows, GrowableFloat32, put, unknownMeta, type ReadContext } from './common.js';
import { numberFormatter, parseNumber, quoteCell } from './numbers.js';
import { forEachLine, openSource } from './source.js';

export const PROJECTOR_VECTORS = 'vectors.tsv';
export const PROJECTOR_METADATA = 'metadata.tsv';
export const PROJECTOR_CONFIG = 'projector_config.pbtxt';
const PROJECTOR_FILES = [PROJECTOR_VECTORS, PROJECTOR_METADATA, PROJECTOR_CONFIG];
/** Characters a one-column metadata.tsv cell cannot hold. */
const CELL_BREAKS = /[\t\r\n]/g;

export const PROJECTOR_CONFIG_TEXT = `embeddings {\n  tensor_path: "${PROJECTOR_VECTORS}"\n  metadata_path: "${PROJECTOR_METADATA}"\n}\n`;

/** The labels as metadata.tsv lines (tabs and line breaks made spaces, with one warning). */
function metadataLines(rows: readonly string[], warn?: (message: string) => void): string {
  let changed = 0;
  let example = '';
  const cells = rows.map((label) => {
    CELL_BREAKS.lastIndex = 0;
    if (!CELL_BREAKS.test(label)) return label;
    if (changed++ === 0) example = label;
    return label.replace(CELL_BREAKS, ' ');
  });
  if (changed > 0 && warn) {
    warn(`${changed} label${changed === 1 ? ` (${JSON.stringify(example)}) holds a tab or line break` : `s (e.g. ${JSON.stringify(example)}) hold tabs or line breaks`}, which a one-column metadata.tsv cannot store: written with a space in place of each`);
  }
  return cells.length === 0 ? '' : `${cells.join('\n')}\n`;
}

/** How a projector directory will be written. */
type ProjectorTarget = { kind: 'new' } | { kind: 'existing' };

async function lstatOrUndefined(path: string): Promise<Stats | undefined> {
  try {
    return await fs.lstat(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    throw new InputError(`cannot write ${path}: ${(err as Error).message}`);
  }
}

/**
 * Check before any work that `dir` can receive a projector directory: not standard output, not a
 * file, its parent exists, and if it exists it holds nothing but projector files (unless `force`).
 */
export async function checkProjectorOutput(dir: string, force = false): Promise<ProjectorTarget> {
  if (dir === '-') throw new UsageError('-f projector writes a directory, not standard output', 'give -o DIR');
  let stat = await lstatOrUndefined(dir);
  if (stat?.isSymbolicLink()) stat = await fs.stat(dir).catch(() => undefined);
  if (!stat) {
    const parent = dirname(dir);
    const up = await fs.stat(parent).catch(() => undefined);
    if (!up?.isDirectory()) throw new InputError(`cannot write ${dir}: directory ${parent} does not exist`, 'create it first, or choose another output directory');
    return { kind: 'new' };
  }
  if (!stat.isDirectory()) throw new InputError(`cannot write ${dir}: it is not a directory`, '-f projector writes a directory of three files; give a new directory name');
  const foreign = (await fs.readdir(dir)).filter((name) => !PROJECTOR_FILES.includes(name));
  if (foreign.length > 0 && !force) {
    throw new InputError(`refusing to write into ${dir}: it holds other files (${foreign.slice(0, 3).map((f) => JSON.stringify(f)).join(', ')}${foreign.length > 3 ? ', …' : ''})`, 'give a new directory, or --force to write the projector files among them');
  }
  return { kind: 'existing' };
}

/** The three files of a projector directory as output jobs under `dir`. */
function projectorJobs(matrix: Matrix, dir: string, precision: number, warn?: (message: string) => void): OutputJob[] {
  const format = numberFormatter(precision);
  return [
    {
      path: join(dir, PROJECTOR_VECTORS),
      body: async (sink) => {
        for (const row of denseRows(matrix)) {
          let line = '';
          for (let j = 0; j < row.length; j++) line += j === 0 ? format(row[j]!) : `\t${format(row[j]!)}`;
          await put(sink, `${line}\n`);
        }
      },
    },
    { path: join(dir, PROJECTOR_METADATA), body: async (sink) => put(sink, metadataLines(matrix.rows, warn)) },
    { path: join(dir, PROJECTOR_CONFIG), body: async (sink) => put(sink, PROJECTOR_CONFIG_TEXT) },
  ];
}

/** Write a matrix as a projector directory (see the module comment). */
export async function writeProjector(matrix: Matrix, dir: string, options: { precision: number; warn?: (message: string) => void; force?: boolean }): Promise<void> {
  checkDenseSize(matrix, 'projector');
  const target = await checkProjectorOutput(dir, options.force);
  // Every job writes a file, never standard output.
  const unused = new PassThrough();
  if (target.kind === 'existing') {
    await withOutputs(projectorJobs(matrix, dir, options.precision, options.warn), unused, { force: options.force });
    return;
  }
  const { randomBytes } = await import('node:crypto'); // when writing only (start-up of the readers)
  const temp = join(dirname(dir), `.${basename(dir)}.${randomBytes(6).toString('hex')}.tmp`);
  await fs.mkdir(temp);
  registerTemporaryDirectory(temp);
  try {
    await withOutputs(projectorJobs(matrix, temp, options.precision, options.warn), unused);
    await fs.rename(temp, dir);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOTEMPTY' || code === 'EEXIST') throw new InputError(`cannot write ${dir}: another program created it meanwhile`, 'run again, or choose another directory');
    throw err;
  } finally {
    releaseTemporaryDirectory(temp);
  }
}

/** `tensor_path` and `metadata_path` of the first embedding in a projector_config.pbtxt. */
function configPaths(text: string): { tensor?: string; metadata?: string } {
  const tensor = /tensor_path\s*:\s*"((?:[^"\\]|\\.)*)"/.exec(text)?.[1];
  const metadata = /metadata_path\s*:\s*"((?:[^"\\]|\\.)*)"/.exec(text)?.[1];
  return { ...(tensor !== undefined ? { tensor } : {}), ...(metadata !== undefined ? { metadata } : {}) };
}

/** Whether a path is a directory holding a projector's vectors (a config or a vectors.tsv). */
export async function isProjectorDirectory(path: string): Promise<boolean> {
  if (path === '-') return false;
  const stat = await fs.stat(path).catch(() => undefined);
  if (!stat?.isDirectory()) return false;
  const names = await fs.readdir(path).catch(() => [] as string[]);
  return names.includes(PROJECTOR_CONFIG) || names.includes(PROJECTOR_VECTORS);
}

/**
 * Read a projector directory: the tensor and metadata its config names (else vectors.tsv and
 * metadata.tsv). Metadata of several columns has a header line; its first column is the label.
 * Without metadata the rows are numbered 1, 2, ….
 */
export async function readProjector(dir: string, ctx: ReadContext): Promise<DenseMatrix> {
  const config = await fs.readFile(join(dir, PROJECTOR_CONFIG), 'utf8').catch(() => '');
  const paths = configPaths(config);
  const vectorsFile = join(dir, paths.tensor ?? PROJECTOR_VECTORS);
  const source = await openSource(vectorsFile);
  const values = new GrowableFloat32();
  let cols = -1;
  let rows = 0;
  await forEachLine(source, ctx.warn, (line, lineNo) => {
    if (line.trim() === '') return;
    const cells = line.split('\t');
    if (cols === -1) cols = cells.length;
    if (cells.length !== cols) throw new InputError(`${vectorsFile} line ${lineNo}: ${cells.length} values, the first line has ${cols}`, 'every row needs the same number of tab-separated values');
    for (let j = 0; j < cells.length; j++) {
      const v = parseNumber(cells[j]!);
      if (v === undefined) throw new InputError(`${vectorsFile} line ${lineNo}: ${quoteCell(cells[j]!)} is not a number`, 'vectors.tsv holds numbers only; the labels go to metadata.tsv');
      values.push(v);
    }
    rows++;
  });
  if (cols === -1) cols = 0;
  const metadataFile = join(dir, paths.metadata ?? PROJECTOR_METADATA);
  let labels: string[];
  const text = await fs.readFile(metadataFile, 'utf8').catch(() => undefined);
  if (text === undefined) {
    if (paths.metadata !== undefined) throw new InputError(`cannot read ${metadataFile}, which ${join(dir, PROJECTOR_CONFIG)} names`, 'check the metadata_path');
    labels = Array.from({ length: rows }, (_, i) => String(i + 1));
  } else {
    const lines = text.replace(/^\uFEFF/, '').replace(/\n$/, '').split('\n').map((l) => l.replace(/\r$/, ''));
    const table = lines.length === rows + 1 && lines[0]!.includes('\t');
    labels = rows === 0 ? [] : table ? lines.slice(1).map((l) => l.split('\t')[0]!) : lines;
    if (labels.length !== rows) throw new InputError(`${metadataFile} holds ${labels.length} labels for the ${rows} rows of ${vectorsFile}`, 'give one label per line, one per row');
  }
  return new DenseMatrix(labels, null, cols, values.toArray(), unknownMeta(ctx.name));
}
