/**
 * The word2vec formats, everyone's interchange format for word vectors (Mikolov et al.'s C tool,
 * gensim's `KeyedVectors.load_word2vec_format`, fastText's .vec files):
 *
 * text:   `V D\n` then per word `word v1 … vD\n`, one space between fields.
 *         On input the headerless GloVe variant, `\r\n`, tabs and trailing spaces are accepted.
 * binary: `V D\n` then per word the word's UTF-8 bytes, a space, D little-endian float32 and a
 *         `\n` (the C tool's `fwrite` layout; gensim reads it with binary=True).
 *
 * Words are separated from numbers by spaces, so a label holding whitespace (or an empty label)
 * cannot be written as is: each whitespace character becomes `_` (word2vec's own phrase convention,
 * "new_york") and the writer warns once.
 */
import { InputError } from '../../core/errors.js';
import { DenseMatrix } from '../../core/matrix.js';
import { checkDenseSize, denseRows, firstNonFinite, GrowableFloat32, nonFiniteError, put, unknownMeta, type MatrixWriter, type ReadContext } from './common.js';
import { detach, parseNumber, quoteCell, scanDecimalBytes, scanNumbers } from './numbers.js';
import { DecimalRowWriter } from './decimal-bytes.js';
import type { ByteSource } from './source.js';
import { forEachTextRow } from './text-rows.js';
import { parseHeader } from './detect.js';

/**
 * Characters the word2vec readers split on: JavaScript's \s (which includes U+00A0 and the other
 * Unicode spaces) plus the separators Python's str.split() also breaks at (U+001C–U+001F, U+0085),
 * so a `line.split()` reader sees one field per word.
 */
const WHITESPACE = /[\s\x1c-\x1f\x85]/g;
/** What replaces whitespace inside a word, and what an empty label is written as. */
const SPACE_STAND_IN = '_';

/** Labels as the word2vec formats can hold them, with one warning for those that had to change. */
function word2vecLabels(rows: string[], warn?: (message: string) => void): string[] {
  let changed: string[] | undefined;
  const out = rows.map((label) => {
    WHITESPACE.lastIndex = 0;
    if (label !== '' && !WHITESPACE.test(label)) return label;
    (changed ??= []).push(label);
    return label === '' ? SPACE_STAND_IN : label.replace(WHITESPACE, SPACE_STAND_IN);
  });
  if (changed && warn) {
    const known = new Set(rows);
    const clashes = changed.filter((label) => known.has(label === '' ? SPACE_STAND_IN : label.replace(WHITESPACE, SPACE_STAND_IN))).length;
    const example = JSON.stringify(changed[0]);
    warn(
      `${changed.length} label${changed.length === 1 ? ` (${example}) holds whitespace or is empty` : `s (e.g. ${example}) hold whitespace or are empty`}, which the word2vec formats cannot store: written with "${SPACE_STAND_IN}" in place of each whitespace character` +
        (clashes > 0 ? `; ${clashes} of them now equal another label` : ''),
    );
  }
  return out;
}

/** Bytes of text handed to the sink at a time. */
const TEXT_CHUNK = 1 << 16;

export const writeText: MatrixWriter = async (matrix, sink, options) => {
  checkDenseSize(matrix, 'text');
  const writer = new DecimalRowWriter(options.precision);
  const labels = word2vecLabels(matrix.rows, options.warn);
  await put(sink, `${matrix.nRows} ${matrix.nCols}\n`);
  // Lines written as bytes into a chunk, handed on when the next line might not fit. flush copies
  // what it was given before it returns its promise, so the chunk is refilled while that write is
  // under way (one write outstanding at a time).
  let chunk = Buffer.allocUnsafe(TEXT_CHUNK);
  let pos = 0;
  let i = 0;
  let writing: Promise<void> | undefined;
  for (const row of denseRows(matrix)) {
    const label = labels[i++]!;
    const bound = writer.bound(label.length, row.length);
    if (pos + bound > chunk.length) {
      if (pos > 0) {
        await writing;
        sink.write(chunk.subarray(0, pos));
        writing = sink.flush();
      }
      pos = 0;
      if (bound > chunk.length) chunk = Buffer.allocUnsafe(bound);
    }
    pos = writer.row(label, row, chunk, pos);
  }
  await writing;
  if (pos > 0) await put(sink, chunk.subarray(0, pos));
};

/** True when this machine stores a float32 little-endian, so rows can be copied byte for byte. */
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const SPACE = 0x20;
const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;
const TAB = 0x09;
const FLOAT32_BYTES = 4;

export const writeBinary: MatrixWriter = async (matrix, sink, options) => {
  checkDenseSize(matrix, 'binary');
  const labels = word2vecLabels(matrix.rows, options.warn);
  const d = matrix.nCols;
  await put(sink, `${matrix.nRows} ${d}\n`);
  let i = 0;
  for (const row of denseRows(matrix)) {
    const word = Buffer.from(labels[i++]!, 'utf8');
    // A fresh buffer per row: the sink keeps references until it flushes.
    const record = Buffer.allocUnsafe(word.length + 1 + d * FLOAT32_BYTES + 1);
    word.copy(record, 0);
    record[word.length] = SPACE;
    const offset = word.length + 1;
    if (LITTLE_ENDIAN) {
      const floats = row instanceof Float32Array ? row : Float32Array.from(row);
      record.set(new Uint8Array(floats.buffer, floats.byteOffset, d * FLOAT32_BYTES), offset);
    } else {
      for (let j = 0; j < d; j++) record.writeFloatLE(row[j]!, offset + j * FLOAT32_BYTES);
    }
    record[record.length - 1] = NEWLINE;
    await put(sink, record);
  }
};

/** Values a header may make a reader allocate up front (1 GB of float32); beyond, it grows as it reads. */
const MAX_PREALLOCATED = 1 << 28;
/** Without a known file length, what a header may make a reader allocate before any data arrives (4 MB). */
const UNKNOWN_SIZE_PREALLOCATED = 1 << 20;
/** The fewest bytes a value takes in the text format: one digit and a separator. */
const MIN_TEXT_VALUE_BYTES = 2;

/**
 * How many values to allocate for what a header claims: never more than the content can hold
 * (`size` / `bytesPerValue` when its length is known), nor a small buffer when it is not: the
 * buffer then grows as values actually arrive.
 */
export function preallocation(claimed: number, size: number | undefined, bytesPerValue: number): number {
  const room = size === undefined ? UNKNOWN_SIZE_PREALLOCATED : Math.floor(size / bytesPerValue);
  return Math.max(0, Math.min(claimed, room, MAX_PREALLOCATED));
}

export { parseHeader } from './detect.js';

function dimensionError(ctx: ReadContext, lineNo: number, got: number, want: number): InputError {
  return new InputError(
    `${ctx.name} line ${lineNo}: ${got} value${got === 1 ? '' : 's'} where the vectors have ${want} (vectors whose dimensions disagree between lines)`,
    'every line must be a word followed by the same number of values',
  );
}

function fieldsOf(line: string): string[] {
  const trimmed = line.trimEnd();
  if (trimmed.includes('\t') || trimmed.includes('  ')) return trimmed.split(/[ \t]+/);
  return trimmed.split(' ');
}

/** Read the word2vec text format (with or without its `V D` header). */
export async function readText(source: ByteSource, ctx: ReadContext): Promise<DenseMatrix> {
  let header: { count: number; dims: number } | undefined;
  let dims = -1;
  let headerLine = 0;
  const labels: string[] = [];
  let values = new GrowableFloat32();
  let started = false;
  const onLine = (line: string, lineNo: number): void => {
    if (!started) {
      if (line.trim() === '') return;
      started = true;
      header = parseHeader(line);
      if (header) {
        dims = header.dims;
        headerLine = lineNo;
        values = new GrowableFloat32(preallocation(header.count * dims, source.size, MIN_TEXT_VALUE_BYTES));
        return;
      }
    }
    if (dims >= 0) {
      // Fast path: `word v1 … vD` with one separator after the word.
      let sp = line.indexOf(' ');
      const tab = line.indexOf('\t');
      if (tab !== -1 && (sp === -1 || tab < sp)) sp = tab;
      if (sp > 0) {
        values.reserve(values.length + dims);
        if (scanNumbers(line, sp + 1, values.data, values.length, dims) === dims) {
          if (ctx.finite) {
            const bad = firstNonFinite(values.data, values.length, dims);
            if (bad !== -1) throw nonFiniteError(ctx, `line ${lineNo}`, values.data[values.length + bad]!, bad);
          }
          labels.push(detach(line.slice(0, sp)));
          values.length += dims;
          return;
        }
      }
    }
    if (line.trim() === '') return;
    const fields = fieldsOf(line);
    let n = fields.length - 1;
    let wordFields = 1;
    if (dims < 0) {
      // Headerless (GloVe): the vector is the run of numbers at the end of the first line.
      let numbers = 0;
      while (numbers < fields.length - 1 && parseNumber(fields[fields.length - 1 - numbers]!) !== undefined) numbers++;
      if (numbers === 0) {
        throw new InputError(`${ctx.name} line ${lineNo}: no numbers after the word`, 'expected `word v1 v2 …` (word2vec text or GloVe format)');
      }
      dims = numbers;
    }
    if (n > dims) {
      // Either a word holding spaces (GloVe files have a few) or too many values.
      const extra = n - dims;
      let allNumbers = true;
      for (let k = 1; k <= extra && allNumbers; k++) if (parseNumber(fields[k]!) === undefined) allNumbers = false;
      if (allNumbers) throw dimensionError(ctx, lineNo, n, dims);
      wordFields = extra + 1;
      n = dims;
    } else if (n < dims) {
      throw dimensionError(ctx, lineNo, n, dims);
    }
    labels.push(detach(wordFields === 1 ? fields[0]! : fields.slice(0, wordFields).join(' ')));
    values.reserve(values.length + dims);
    for (let k = wordFields; k < fields.length; k++) {
      const v = parseNumber(fields[k]!);
      if (v === undefined) {
        throw new InputError(`${ctx.name} line ${lineNo}: ${quoteCell(fields[k]!)} is not a number`, `value ${k - wordFields + 1} of the vector of ${JSON.stringify(labels[labels.length - 1])}`);
      }
      if (ctx.finite && !Number.isFinite(v)) throw nonFiniteError(ctx, `line ${lineNo}`, v, k - wordFields);
      values.data[values.length++] = v;
    }
  };
  // Most lines are `word v1 … vD` in plain decimals: those are read from the bytes (no decoding, no
  // string per line); any other line (the header, blank lines, NaN, long digit strings, a field
  // count that disagrees) is decoded and goes through onLine, which decides as it always did.
  const onBytes = (buf: Buffer, start: number, end: number, lineNo: number): void => {
    if (dims >= 0 && started) {
      let sp = start;
      while (sp < end && buf[sp] !== SPACE && buf[sp] !== TAB) sp++;
      if (sp > start && sp < end) {
        values.reserve(values.length + dims);
        if (scanDecimalBytes(buf, sp + 1, end, values.data, values.length, dims) === dims) {
          if (ctx.finite) {
            const bad = firstNonFinite(values.data, values.length, dims);
            if (bad !== -1) throw nonFiniteError(ctx, `line ${lineNo}`, values.data[values.length + bad]!, bad);
          }
          labels.push(decodeLabel(buf, start, sp));
          values.length += dims;
          return;
        }
      }
    }
    onLine(decodeLine(buf, start, end, lineNo === 1), lineNo);
  };
  const utf8 = new TextDecoder('utf-8', { ignoreBOM: true });
  const firstLine = new TextDecoder('utf-8');
  let replaced = 0;
  const countReplaced = (text: string): string => {
    for (let i = text.indexOf('\uFFFD'); i !== -1; i = text.indexOf('\uFFFD', i + 1)) replaced++;
    return text;
  };
  const decodeLine = (buf: Buffer, start: number, end: number, first: boolean): string => countReplaced((first ? firstLine : utf8).decode(buf.subarray(start, end)));
  const decodeLabel = (buf: Buffer, start: number, end: number): string => {
    for (let i = start; i < end; i++) if (buf[i]! >= 0x80) return countReplaced(utf8.decode(buf.subarray(start, end)));
    return buf.toString('latin1', start, end);
  };
  // Runs of such lines, once the row width is known, go to the WebAssembly row kernel (text-rows.ts):
  // the same values, the same words; every line it refuses comes back through onBytes.
  const onRows = (rows: number, parsed: Float32Array, words: Int32Array, bytes: Buffer): void => {
    values.reserve(values.length + rows * dims);
    values.data.set(parsed.subarray(0, rows * dims), values.length);
    values.length += rows * dims;
    for (let r = 0; r < rows; r++) labels.push(decodeLabel(bytes, words[2 * r]!, words[2 * r + 1]!));
  };
  await forEachTextRow(source, () => (started ? dims : -1), onBytes, onRows);
  // As the text decoder reports it (decodeUtf8), once the whole source is read.
  if (replaced > 0) ctx.warn(`${ctx.name}: ${replaced} invalid UTF-8 sequence${replaced === 1 ? '' : 's'} replaced with U+FFFD`);
  if (!started) throw new InputError(`${ctx.name} is empty`, 'expected vectors');
  if (header && labels.length !== header.count) {
    if (labels.length < header.count) {
      throw new InputError(
        `${ctx.name} is truncated: its header (line ${headerLine}) announces ${header.count} vectors, but it holds ${labels.length}`,
        'check that the file was copied completely',
      );
    }
    throw new InputError(`${ctx.name} holds ${labels.length} vectors, but its header (line ${headerLine}) announces ${header.count}`, 'fix the first line, `count dimensions`');
  }
  if (dims < 0) dims = 0;
  return new DenseMatrix(labels, null, dims, values.toArray(), unknownMeta(ctx.name));
}

/** Longest word the binary reader accepts before deciding the file is not word2vec binary. */
const MAX_WORD_BYTES = 1 << 16;
/** Longest `V D` header line. */
const MAX_HEADER_BYTES = 256;

/**
 * A header's numbers must be exact. What it claims is never allocated as such: the reader
 * allocates what the file's length can hold (see `preallocation`) and grows as vectors arrive, so
 * `2 999999999` on a small file ends as "truncated", not as 8 GB reserved.
 */
function checkBinaryHeader(header: { count: number; dims: number }, ctx: ReadContext): void {
  const { count, dims } = header;
  if (!Number.isSafeInteger(count) || !Number.isSafeInteger(dims)) {
    throw new InputError(`${ctx.name}: its header announces ${count} × ${dims} values, more than any file holds`, 'a word2vec binary file starts with `count dimensions`, e.g. `71291 200`');
  }
}

/**
 * Read the word2vec binary format; a file that ends early is reported as truncated. The vectors
 * are allocated at once when the file's length vouches for the header, else grown as they arrive.
 */
export async function readBinary(source: ByteSource, ctx: ReadContext): Promise<DenseMatrix> {
  const decoder = new TextDecoder('utf-8');
  let invalid = 0;
  let carry: Buffer = Buffer.alloc(0);
  let header: { count: number; dims: number } | undefined;
  let values = new GrowableFloat32(1);
  const labels: string[] = [];
  let word: string | undefined;
  let done = false;
  let trailing = false;
  // A record cut by a chunk boundary is completed in `joined`, one buffer reused for the whole
  // file (a fresh Buffer.concat per chunk was a third of `similar`'s time on a .bin: issue 8).
  let joined = Buffer.alloc(0);
  for await (const chunk of source.chunks(true)) {
    let buf = chunk;
    if (carry.length > 0) {
      if (joined.length < carry.length + chunk.length) joined = Buffer.allocUnsafe(Math.max(carry.length + chunk.length, 2 * joined.length));
      carry.copy(joined, 0);
      chunk.copy(joined, carry.length);
      buf = joined.subarray(0, carry.length + chunk.length);
    }
    let pos = 0;
    if (!header) {
      const nl = buf.indexOf(NEWLINE);
      if (nl === -1) {
        if (buf.length > MAX_HEADER_BYTES) throw new InputError(`${ctx.name}: no \`count dimensions\` header line`, 'a word2vec binary file starts with e.g. `71291 200`');
        carry = Buffer.from(buf);
        continue;
      }
      header = parseHeader(buf.subarray(0, nl).toString('latin1'));
      if (!header) throw new InputError(`${ctx.name}: the first line is not a \`count dimensions\` header`, 'a word2vec binary file starts with e.g. `71291 200`');
      checkBinaryHeader(header, ctx);
      try {
        values = new GrowableFloat32(preallocation(header.count * header.dims, source.size, FLOAT32_BYTES));
      } catch {
        throw new InputError(`${ctx.name}: its header announces ${header.count} × ${header.dims} values, too many to hold in memory`);
      }
      pos = nl + 1;
      done = header.count === 0;
    }
    const vectorBytes = header.dims * FLOAT32_BYTES;
    while (pos < buf.length) {
      if (done) {
        for (; pos < buf.length; pos++) if (buf[pos] !== NEWLINE && buf[pos] !== CARRIAGE_RETURN && buf[pos] !== SPACE) trailing = true;
        break;
      }
      if (word === undefined) {
        while (pos < buf.length && (buf[pos] === NEWLINE || buf[pos] === CARRIAGE_RETURN)) pos++;
        const space = buf.indexOf(SPACE, pos);
        if (space === -1) {
          if (buf.length - pos > MAX_WORD_BYTES) throw new InputError(`${ctx.name}: no space after word ${labels.length + 1} within ${MAX_WORD_BYTES} bytes`, 'this does not look like a word2vec binary file');
          break;
        }
        let ascii = true;
        for (let i = pos; i < space && ascii; i++) if (buf[i]! >= 0x80) ascii = false;
        if (ascii) word = buf.toString('latin1', pos, space);
        else {
          word = decoder.decode(buf.subarray(pos, space));
          for (let i = word.indexOf('\uFFFD'); i !== -1; i = word.indexOf('\uFFFD', i + 1)) invalid++;
        }
        pos = space + 1;
      }
      if (buf.length - pos < vectorBytes) break;
      const at = values.length;
      try {
        values.reserve(at + header.dims);
      } catch {
        throw new InputError(`${ctx.name}: ${labels.length + 1} vectors of ${header.dims} values are too many to hold in memory`);
      }
      if (LITTLE_ENDIAN) {
        new Uint8Array(values.data.buffer, values.data.byteOffset + at * FLOAT32_BYTES, vectorBytes).set(buf.subarray(pos, pos + vectorBytes));
      } else {
        for (let j = 0; j < header.dims; j++) values.data[at + j] = buf.readFloatLE(pos + j * FLOAT32_BYTES);
      }
      values.length += header.dims;
      if (ctx.finite) {
        const bad = firstNonFinite(values.data, at, header.dims);
        if (bad !== -1) throw nonFiniteError(ctx, `vector ${labels.length + 1} (${JSON.stringify(word)})`, values.data[at + bad]!, bad);
      }
      pos += vectorBytes;
      labels.push(word);
      word = undefined;
      if (labels.length === header.count) done = true;
    }
    carry = Buffer.from(buf.subarray(pos));
    buf = carry;
  }
  if (!header) {
    if (carry.length === 0) throw new InputError(`${ctx.name} is empty`, 'expected vectors');
    throw new InputError(`${ctx.name}: no \`count dimensions\` header line`, 'a word2vec binary file starts with e.g. `71291 200`');
  }
  if (!done) {
    const where = word !== undefined ? `in the middle of vector ${labels.length + 1} (${JSON.stringify(word)})` : `after ${labels.length} vector${labels.length === 1 ? '' : 's'}`;
    throw new InputError(
      `${ctx.name} is truncated: its header announces ${header.count} vectors of ${header.dims} float32 values, but it ends ${where}`,
      'check that the file was copied completely',
    );
  }
  if (trailing) ctx.warn(`${ctx.name}: ignored data after the ${header.count} vectors its header announces`);
  if (invalid > 0) ctx.warn(`${ctx.name}: ${invalid} invalid UTF-8 sequence${invalid === 1 ? '' : 's'} in words replaced with U+FFFD`);
  return new DenseMatrix(labels, null, header.dims, values.toArray(), unknownMeta(ctx.name));
}
