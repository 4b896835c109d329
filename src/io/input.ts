import { createReadStream, promises as fs } from 'node:fs';
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { InputError } from '../core/errors.js';

/**
 * Bytes zlib hands on at a time when it decompresses: 1 MiB chunks took 80 ms for the English mix's
 * 21 MB, the default 16 KiB ones 300 ms (each chunk goes through the stream and async-iterator
 * machinery).
 */
export const GUNZIP_CHUNK = 1 << 20;

/** What a document is: a whole file, each line, or each CSV row. */
export const DOC_UNITS = ['file', 'line', 'row'] as const;
export type DocUnit = (typeof DOC_UNITS)[number];

export interface InputOptions {
  /** Files; `-` is standard input; empty means standard input. */
  inputs: string[];
  /** Treat every input as CSV/TSV even without a .csv/.tsv extension. */
  csv?: boolean;
  /** CSV column holding the text: a header name or a 1-based index. Default: `text`. */
  textColumn?: string;
  /** CSV column naming the documents: a header name or a 1-based index. Default: `id` if present, else the row number. */
  idColumn?: string;
  /** Default: `file` for plain text, `row` for CSV. */
  docs?: DocUnit;
  /** Does a CSV's first row name its columns? Default: yes, unless every cell of it is a number (see `csvHeader`). */
  header?: boolean;
  /** Where `-` reads from (the CLI passes process.stdin). */
  stdin?: NodeJS.ReadableStream;
  /** Non-fatal problems (invalid UTF-8). */
  warn?: (message: string) => void;
  /** Called with the number of raw bytes read so far (progress). */
  onBytes?: (bytes: number) => void;
}

/** One line of text and the document it belongs to. Documents are numbered from 0 in input order. */
export interface TextLine {
  doc: number;
  /** Set on the first line of each document. */
  label?: string;
  text: string;
}

const GZIP_MAGIC_0 = 0x1f;
const GZIP_MAGIC_1 = 0x8b;
/** How far into a file to look for a NUL byte before calling it binary (git looks at 8000). */
const BINARY_SNIFF_BYTES = 8000;

export function displayName(path: string): string {
  return path === '-' ? 'standard input' : path;
}

export function isCsvPath(path: string): boolean {
  return /\.(csv|tsv)(\.gz)?$/i.test(path);
}

function isTsvPath(path: string): boolean {
  return /\.tsv(\.gz)?$/i.test(path);
}

/** Open a file (or stdin) as a byte stream, with a clear error for missing files and directories. */
export async function openBytes(path: string, stdin?: NodeJS.ReadableStream): Promise<AsyncIterable<Buffer>> {
  if (path === '-') {
    if (!stdin) throw new InputError('no standard input available');
    return stdin as AsyncIterable<Buffer>;
  }
  let stat;
  try {
    stat = await fs.stat(path);
  } catch (err) {
    throw fileError(path, err);
  }
  if (stat.isDirectory()) throw new InputError(`${path} is a directory, not a file`, 'give the files inside it, e.g. dir/*.txt');
  try {
    await fs.access(path, fs.constants.R_OK);
  } catch (err) {
    throw fileError(path, err);
  }
  return createReadStream(path, { highWaterMark: 1 << 20 });
}

export function fileError(path: string, err: unknown): InputError {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return new InputError(`cannot read ${path}: no such file`, 'check the path');
  if (code === 'EACCES' || code === 'EPERM') return new InputError(`cannot read ${path}: permission denied`);
  if (code === 'EISDIR') return new InputError(`${path} is a directory, not a file`);
  return new InputError(`cannot read ${path}: ${(err as Error).message}`);
}

/**
 * Bytes of a source, gunzipped when they start with the gzip magic number (whatever the extension),
 * refused when they look binary.
 */
export async function* decompressedBytes(path: string, stdin?: NodeJS.ReadableStream, onBytes?: (n: number) => void): AsyncGenerator<Buffer> {
  const raw = (await openBytes(path, stdin))[Symbol.asyncIterator]();
  let read = 0;
  const counted = async function* (): AsyncGenerator<Buffer> {
    for (;;) {
      const r = await raw.next();
      if (r.done) return;
      read += r.value.length;
      onBytes?.(read);
      yield r.value;
    }
  };
  const source = counted();
  const first = await source.next();
  if (first.done) return;
  const head = first.value;
  let stream: AsyncIterable<Buffer>;
  if (head.length >= 2 && head[0] === GZIP_MAGIC_0 && head[1] === GZIP_MAGIC_1) {
    const all = (async function* () {
      yield head;
      yield* source;
    })();
    stream = Readable.from(all).pipe(createGunzip({ chunkSize: GUNZIP_CHUNK }));
  } else {
    stream = (async function* () {
      yield head;
      yield* source;
    })();
  }
  let sniffed = 0;
  try {
    for await (const chunk of stream) {
      if (sniffed < BINARY_SNIFF_BYTES) {
        const part = chunk.subarray(0, BINARY_SNIFF_BYTES - sniffed);
        if (part.includes(0)) {
          throw new InputError(`${displayName(path)} looks like a binary file (it contains NUL bytes)`, 'give a UTF-8 text file, gzipped or not');
        }
        sniffed += part.length;
      }
      yield chunk;
    }
  } catch (err) {
    if (err instanceof InputError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'Z_DATA_ERROR' || code === 'Z_BUF_ERROR') {
      throw new InputError(`${displayName(path)} is not valid gzip data (${(err as Error).message})`, 'check that the file is complete');
    }
    throw err;
  }
}

/**
 * UTF-8 text of byte chunks (a leading byte-order mark dropped); invalid sequences become U+FFFD
 * and are counted in one warning naming the source. Shared by the corpus reader and the vector
 * format readers.
 */
export async function* decodeUtf8(chunks: AsyncIterable<Buffer>, name: string, warn?: (message: string) => void): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8');
  let replaced = 0;
  const count = (s: string): void => {
    for (let i = s.indexOf('\uFFFD'); i !== -1; i = s.indexOf('\uFFFD', i + 1)) replaced++;
  };
  for await (const chunk of chunks) {
    const text = decoder.decode(chunk, { stream: true });
    if (text.length > 0) {
      count(text);
      yield text;
    }
  }
  const rest = decoder.decode();
  if (rest.length > 0) {
    count(rest);
    yield rest;
  }
  if (replaced > 0) warn?.(`${name}: ${replaced} invalid UTF-8 sequence${replaced === 1 ? '' : 's'} replaced with U+FFFD`);
}

/** Decoded text of a corpus source (gunzipped, refused when binary). */
export function decodedText(path: string, options: Pick<InputOptions, 'stdin' | 'warn' | 'onBytes'>): AsyncGenerator<string> {
  return decodeUtf8(decompressedBytes(path, options.stdin, options.onBytes), displayName(path), options.warn);
}

/** Lines of a text source, without their line terminators (\n or \r\n). */
export async function* textLines(path: string, options: Pick<InputOptions, 'stdin' | 'warn' | 'onBytes'>): AsyncGenerator<string> {
  let rest = '';
  for await (const text of decodedText(path, options)) {
    const buffer = rest + text;
    let start = 0;
    for (let nl = buffer.indexOf('\n'); nl !== -1; nl = buffer.indexOf('\n', start)) {
      const end = nl > start && buffer.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
      yield buffer.slice(start, end);
      start = nl + 1;
    }
    rest = buffer.slice(start);
  }
  if (rest.length > 0) yield rest.endsWith('\r') ? rest.slice(0, -1) : rest;
}

/** Records of a CSV/TSV source (arrays of strings), header included. */
export async function* csvRecords(path: string, options: Pick<InputOptions, 'stdin' | 'warn' | 'onBytes'>): AsyncGenerator<string[]> {
  const { parse: parseCsv } = await import('csv-parse');
  const parser = parseCsv({
    delimiter: isTsvPath(path) ? '\t' : ',',
    bom: true,
    relax_quotes: false,
    skip_empty_lines: true,
  });
  const feed = Readable.from(decodedText(path, options));
  feed.on('error', (err) => parser.destroy(err));
  feed.pipe(parser);
  try {
    for await (const record of parser) yield record as string[];
  } catch (err) {
    if (err instanceof InputError) throw err;
    const message = (err as Error).message.replace(/^Invalid /, 'invalid ');
    throw new InputError(`${displayName(path)}: malformed CSV: ${message}`, 'check the quoting on that line');
  }
}

/** A CSV cell that is a number (as numpy's savetxt and every spreadsheet write them). */
const NUMERIC_CELL = /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/;

/**
 * The header of a CSV from its first record: the record itself, or — with `header: false`, or when
 * every cell of it is a number (a headerless numeric table such as `np.savetxt` writes; said once
 * through `warn`) — the column numbers "1", "2", …, the record then being the first data row.
 */
export function csvHeader(first: string[], path: string, header: boolean | undefined, warn?: (message: string) => void): { header: string[]; firstIsData: boolean } {
  const numbered = (): string[] => first.map((_, i) => String(i + 1));
  if (header === true) return { header: first, firstIsData: false };
  if (header === false) return { header: numbered(), firstIsData: true };
  if (first.length > 0 && first.every((cell) => NUMERIC_CELL.test(cell))) {
    warn?.(`${displayName(path)}: the first row is all numbers, so it is read as data, not as a header; columns are numbered 1 to ${first.length} (give --header if it is a header)`);
    return { header: numbered(), firstIsData: true };
  }
  return { header: first, firstIsData: false };
}

/** Resolve a column given as a header name or a 1-based index. */
export function resolveColumn(header: string[], spec: string, path: string, what: string): number {
  const byName = header.indexOf(spec);
  if (byName !== -1) return byName;
  if (/^\d+$/.test(spec)) {
    const index = Number(spec) - 1;
    if (index >= 0 && index < header.length) return index;
  }
  throw new InputError(
    `${displayName(path)} has no ${what} column "${spec}"`,
    `columns are: ${header.map((h, i) => `${i + 1}=${h}`).join(', ')}`,
  );
}

/**
 * Every line of every input, tagged with its document. Windows never cross a line, so a line is
 * also the unit the encoders slide over.
 */
export async function* readCorpusLines(options: InputOptions): AsyncGenerator<TextLine> {
  const inputs = options.inputs.length > 0 ? options.inputs : ['-'];
  let doc = -1;
  for (const path of inputs) {
    const csv = options.csv === true || isCsvPath(path);
    const unit = options.docs ?? (csv ? 'row' : 'file');
    const name = path === '-' ? 'stdin' : path;
    if (csv) {
      yield* csvLines(path, options, unit, () => ++doc, name);
      continue;
    }
    if (unit === 'row') throw new InputError(`--docs row needs CSV input, and ${displayName(path)} is plain text`, 'use --csv, or --docs line');
    let lineNo = 0;
    let first = true;
    for await (const text of textLines(path, options)) {
      lineNo++;
      if (unit === 'line') {
        if (text.trim() === '') continue;
        yield { doc: ++doc, label: `${name}:${lineNo}`, text };
      } else if (first) {
        first = false;
        yield { doc: ++doc, label: name, text };
      } else {
        yield { doc, text };
      }
    }
    if (unit === 'file' && first) yield { doc: ++doc, label: name, text: '' };
  }
}

async function* csvLines(path: string, options: InputOptions, unit: DocUnit, nextDoc: () => number, name: string): AsyncGenerator<TextLine> {
  let header: string[] | undefined;
  let textIndex = 0;
  let idIndex = -1;
  let row = 0;
  let fileDoc = -1;
  for await (const record of csvRecords(path, options)) {
    if (!header) {
      const first = csvHeader(record, path, options.header, options.warn);
      header = first.header;
      textIndex = resolveColumn(header, options.textColumn ?? 'text', path, 'text');
      if (options.idColumn !== undefined) idIndex = resolveColumn(header, options.idColumn, path, 'id');
      else idIndex = header.indexOf('id');
      if (!first.firstIsData) continue;
    }
    row++;
    const text = record[textIndex] ?? '';
    const label = idIndex >= 0 ? (record[idIndex] ?? String(row)) : String(row);
    const lines = text.split(/\r?\n/);
    if (unit === 'row') {
      const doc = nextDoc();
      yield { doc, label, text: lines[0]! };
      for (let i = 1; i < lines.length; i++) yield { doc, text: lines[i]! };
    } else if (unit === 'line') {
      for (let i = 0; i < lines.length; i++) {
        if (lines[i]!.trim() === '') continue;
        yield { doc: nextDoc(), label: `${label}:${i + 1}`, text: lines[i]! };
      }
    } else {
      for (const text of lines) {
        if (fileDoc === -1) {
          fileDoc = nextDoc();
          yield { doc: fileDoc, label: name, text };
        } else yield { doc: fileDoc, text };
      }
    }
  }
  if (!header) throw new InputError(`${displayName(path)} is empty: no CSV header`, 'the first line of a CSV names its columns');
  if (unit === 'file' && fileDoc === -1) yield { doc: nextDoc(), label: name, text: '' };
}
