import { isUtf8 } from 'node:buffer';
import { fs } from '../io/node-fs.js';
import { bestFirst, normalised, normaliseRow, rawRowCosine, topK } from '../core/cosine.js';
import type { Neighbour } from '../core/vectors.js';
import { chooseFormat, parseHeader, readSideMeta, SNIFF_BYTES } from '../io/formats/detect.js';
import { queryCase } from './query-case.js';
import { BAD, binRowsKernel, DONE, layout, LABEL, NEED_MORE, NON_ASCII, type BinRowsExports } from './kernel.js';

const { closeSync, fstatSync, openSync, readSync, statSync } = fs;

/*
 * `similar WORDS` on a word2vec binary file without holding the vectors (issue 8's `.bin` row).
 * Memory touched for the first time is the dearest thing on the target machine (≈ 17 µs a 4 KiB
 * page: 50 ms for 11.5 MB of float32), so instead of reading every vector into one array, two
 * passes go through the file with one reused buffer: the first checks every record and finds the
 * query words and, from the row where all are found, scores the rows; the second scores the rows
 * before that one (few, for frequent words). Only the plain case is answered here:
 * anything the full path (query/load.ts) would warn about, refuse or treat specially — gzip, a
 * fastText model, another format, a truncated file or trailing data, an empty, over-long, invalid
 * or BOM-led word, a repeated word, a zero or non-finite vector, unreadable metadata, an unknown
 * query word — returns undefined, and the caller runs the full path, which says what it says
 * today. The answers are the full path's bits: the same cosine kernel (rawRowCosine), the same
 * query normalisation and the same top-k (test/stream-similar.test.ts compares them).
 */

/** A query as `similar` takes it. */
export interface StreamSimilarQuery {
  path: string;
  words: readonly string[];
  top: number;
  /** Answer only from the first `restrict` rows. */
  restrict?: number;
  /** false: the TypeScript record loop even when the WebAssembly kernel loads (the reference the tests compare with). */
  kernel?: boolean;
}

/** Each query word's neighbours, best first, as WordVectors.nearest gives them. */
export interface StreamSimilarAnswer {
  word: string;
  neighbours: Neighbour[];
}

const FLOAT32_BYTES = 4;
const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;
const SPACE = 0x20;
const GZIP_MAGIC = [0x1f, 0x8b] as const;
const UTF8_BOM = [0xef, 0xbb, 0xbf] as const;
/** Longest word this path reads (bytes); a longer one goes to the full reader (it allows 64 KiB). */
const MAX_WORD_BYTES = 1024;
/** The reused read buffer: large enough that reads are few, small enough to stay cheap to touch. */
const READ_BUFFER_BYTES = 1 << 18;
/** Hash slots per word at least (open addressing stays short with the table at most half full). */
const SLOTS_PER_WORD = 2;
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** The answers, or undefined when the full path must answer (see the comment above). */
export async function streamSimilar(query: StreamSimilarQuery): Promise<StreamSimilarAnswer[] | undefined> {
  if (!LITTLE_ENDIAN || query.words.length === 0 || query.path === '-') return undefined;
  // Query words with surrogates (lone or paired) are left to the full path: their UTF-8 bytes and
  // a decoded label compare the same way only for well-formed text.
  if (query.words.some((w) => /[\uD800-\uDFFF]/.test(w))) return undefined;
  let fd: number;
  try {
    // stat before open, as the full reader does: a FIFO must not be opened here.
    if (!statSync(query.path).isFile()) return undefined;
    fd = openSync(query.path, 'r');
  } catch {
    return undefined;
  }
  try {
    return await answer(fd, query);
  } finally {
    closeSync(fd);
  }
}

async function answer(fd: number, query: StreamSimilarQuery): Promise<StreamSimilarAnswer[] | undefined> {
  const size = fstatSync(fd).size;
  const head = Buffer.allocUnsafe(Math.min(SNIFF_BYTES, size));
  const filled = readFully(fd, head, 0);
  if (filled === 0 || (head[0] === GZIP_MAGIC[0] && head[1] === GZIP_MAGIC[1])) return undefined;
  const source = { path: query.path, name: query.path, head: head.subarray(0, filled), complete: filled < SNIFF_BYTES };
  try {
    if (chooseFormat(source, undefined) !== 'binary') return undefined;
  } catch {
    return undefined;
  }
  const nl = head.indexOf(NEWLINE);
  if (nl === -1) return undefined;
  const header = parseHeader(head.toString('latin1', 0, nl));
  if (!header || !Number.isSafeInteger(header.count) || !Number.isSafeInteger(header.dims) || header.count < 1 || header.dims < 1) return undefined;
  const { count, dims } = header;
  const vectorBytes = dims * FLOAT32_BYTES;
  // Every record holds at least a one-byte word, a space and the vector: a header claiming more
  // than the file can hold is the full reader's "truncated" error, and nothing is allocated for it.
  if (count * (vectorBytes + 2) > size - (nl + 1)) return undefined;

  let warned = false;
  const meta = await readSideMeta(query.path, () => (warned = true));
  if (warned) return undefined;
  const mode = queryCase(meta);
  // Each query word's candidate labels in the order resolveWord tries them (query/fold.ts).
  const candidates = query.words.map((word) => {
    const lower = word.toLowerCase();
    return (mode === 'fold' ? [lower] : mode === 'exact' ? [word] : [word, lower]).map((label) => Buffer.from(label, 'utf8'));
  });
  const labels = candidates.flat();
  const kernel = query.kernel === false ? null : binRowsKernel();
  if (kernel) return answerWithKernel(kernel, fd, query, { start: nl + 1, count, dims, candidates, labels });
  const labelRow = new Array<number>(labels.length).fill(-1);
  const labelVector: (Float32Array | undefined)[] = new Array(labels.length).fill(undefined);

  const records = new RecordReader(fd, nl + 1, vectorBytes);
  const scratch = new Float32Array(dims);
  const scratchBytes = new Uint8Array(scratch.buffer);
  const wordOffsets = new Float64Array(count);
  const wordLengths = new Uint16Array(count);
  const seen = new WordHashes(count);

  // The first label each query word tries: once all of them are found, the queries are settled
  // (resolveWord takes the first candidate present) and pass 1 scores the rows from there on.
  const firstLabels: number[] = [];
  for (let c = 0, k = 0; k < candidates.length; c += candidates[k]!.length, k++) firstLabels.push(c);
  const n = Math.min(query.restrict ?? count, count);
  const scores = query.words.map(() => new Float64Array(n));
  let queries: { row: number; q: Float64Array }[] | undefined;
  /** Rows before this one are scored in pass 2 (all of them when the queries settle only at the end). */
  let scoredFrom = n;

  // Pass 1: every record checked, the query labels found (first occurrence), each word's place
  // kept, and once the queries are settled, the rows scored.
  for (let row = 0; row < count; row++) {
    if (!records.next()) return undefined;
    const { buf, wordStart, wordEnd } = records;
    if (!plainWord(buf, wordStart, wordEnd) || !seen.add(buf, wordStart, wordEnd)) return undefined;
    if (!plainVector(buf, wordEnd + 1, dims)) return undefined;
    wordOffsets[row] = records.offsetOf(wordStart);
    wordLengths[row] = wordEnd - wordStart;
    if (queries === undefined) {
      matchLabels(labels, labelRow, labelVector, buf, wordStart, wordEnd, row, dims);
      if (firstLabels.every((c) => labelRow[c] !== -1)) {
        queries = settle(candidates, labelRow, labelVector, dims);
        scoredFrom = Math.min(row, n);
      }
    }
    if (queries !== undefined && row < n) {
      copyBytes(buf, wordEnd + 1, vectorBytes, scratchBytes);
      for (let k = 0; k < queries.length; k++) scores[k]![row] = rawRowCosine(scratch, 0, dims, queries[k]!.q);
    }
  }
  if (!records.onlyBlankAfter()) return undefined;
  queries ??= settle(candidates, labelRow, labelVector, dims);
  if (queries === undefined) return undefined; // unknown word: the full path's error line and suggestions

  // Pass 2: the candidate rows before the queries settled, scored against every query.
  records.rewind();
  for (let row = 0; row < scoredFrom; row++) {
    records.next();
    copyBytes(records.buf, records.wordEnd + 1, vectorBytes, scratchBytes);
    for (let k = 0; k < queries.length; k++) scores[k]![row] = rawRowCosine(scratch, 0, dims, queries[k]!.q);
  }

  const wordAt = (row: number): string => {
    const bytes = Buffer.allocUnsafe(wordLengths[row]!);
    readFully(fd, bytes, wordOffsets[row]!);
    return isAscii(bytes, 0, bytes.length) ? bytes.toString('latin1') : bytes.toString('utf8');
  };
  return query.words.map((word, k) => {
    const s = scores[k]!;
    const neighbours = topK(s, query.top, new Set([queries[k]!.row])).map((index) => ({ word: wordAt(index), index, score: s[index]! }));
    return { word, neighbours };
  });
}

/**
 * Both passes with the record kernel (assembly/binrows.ts): the file is read into a buffer in the
 * kernel's memory, which checks every record, keeps each word's place, hashes the words, and scores
 * the rows once the queries are set; JavaScript reads, matches the query labels on the rows the
 * kernel pauses at, checks non-ASCII words' UTF-8 and picks the top k. Same answers as the
 * TypeScript loop in `answer`, bit for bit.
 */
function answerWithKernel(
  kernel: BinRowsExports,
  fd: number,
  query: StreamSimilarQuery,
  file: { start: number; count: number; dims: number; candidates: Buffer[][]; labels: Buffer[] },
): StreamSimilarAnswer[] | undefined {
  const { start, count, dims, candidates, labels } = file;
  const vectorBytes = dims * FLOAT32_BYTES;
  const bufBytes = Math.max(READ_BUFFER_BYTES, 2 * (MAX_WORD_BYTES + 1 + vectorBytes));
  const labelBytes = labels.reduce((sum, l) => sum + l.length, 0);
  let slots = 1;
  while (slots < SLOTS_PER_WORD * count) slots *= 2;
  const n = Math.min(query.restrict ?? count, count);
  const queryCount = query.words.length;
  const top = Math.min(query.top, n);
  const [bufAt, labelsAt, startsAt, lengthsAt, tableAt, offsetsAt, wordLengthsAt, unitAt, queriesAt, scoresAt, bestAt] = layout(kernel, [
    bufBytes, labelBytes, 4 * labels.length, 4 * labels.length, 8 * slots, 8 * count, 4 * count, 16 * dims, 8 * dims * queryCount, 8 * n * queryCount, 4 * top,
  ]) as [number, number, number, number, number, number, number, number, number, number, number];
  const memory = kernel.memory.buffer;
  const bytes = Buffer.from(memory);
  const starts = new Uint32Array(memory, startsAt, labels.length);
  const lengths = new Uint32Array(memory, lengthsAt, labels.length);
  for (let c = 0, at = 0; c < labels.length; at += labels[c]!.length, c++) {
    bytes.set(labels[c]!, labelsAt + at);
    starts[c] = at;
    lengths[c] = labels[c]!.length;
  }
  kernel.setup(bufAt, labelsAt, startsAt, lengthsAt, labels.length, tableAt, slots, offsetsAt, wordLengthsAt, count, dims, n, unitAt);

  const labelRow = new Array<number>(labels.length).fill(-1);
  const labelVector: (Float32Array | undefined)[] = new Array(labels.length).fill(undefined);
  const firstLabels: number[] = [];
  for (let c = 0, k = 0; k < candidates.length; c += candidates[k]!.length, k++) firstLabels.push(c);
  let queries: { row: number; q: Float64Array }[] | undefined;
  let scoredFrom = n;
  const setQueries = (settled: { row: number; q: Float64Array }[]): void => {
    const q = new Float64Array(memory, queriesAt, dims * queryCount);
    settled.forEach((s, k) => q.set(s.q, k * dims));
    kernel.setQueries(queriesAt, queryCount, scoresAt);
  };

  // The buffer: [0, len) read, its first byte at file offset `base`.
  let len = 0;
  let base = start;
  let eof = false;
  const fill = (): void => {
    const pos = kernel.position();
    bytes.copyWithin(bufAt, bufAt + pos, bufAt + len);
    len -= pos;
    base += pos;
    while (len < bufBytes && !eof) {
      const got = readSync(fd, bytes, bufAt + len, bufBytes - len, base + len);
      if (got === 0) eof = true;
      else len += got;
    }
    kernel.feed(len, eof ? 1 : 0, base);
  };
  const rewind = (): void => {
    len = 0;
    base = start;
    eof = false;
    kernel.feed(0, 0, base);
  };

  // Pass 1.
  rewind();
  for (;;) {
    const status = kernel.run();
    if (status === DONE) break;
    if (status === NEED_MORE) {
      fill();
      continue;
    }
    if (status === BAD) return undefined;
    const wordStart = bufAt + kernel.wordStart();
    const wordEnd = bufAt + kernel.wordEnd();
    if (status & NON_ASCII && !plainWord(bytes, wordStart, wordEnd)) return undefined;
    if (status & LABEL) {
      const row = kernel.rowsRead();
      matchLabels(labels, labelRow, labelVector, bytes, wordStart, wordEnd, row, dims);
      if (firstLabels.every((c) => labelRow[c] !== -1)) {
        queries = settle(candidates, labelRow, labelVector, dims)!;
        setQueries(queries);
        scoredFrom = Math.min(row, n);
      }
    }
  }
  // Nothing but newlines, carriage returns and spaces may follow the last record.
  for (let pos = kernel.position(); ; ) {
    for (; pos < len; pos++) {
      const b = bytes[bufAt + pos];
      if (b !== NEWLINE && b !== CARRIAGE_RETURN && b !== SPACE) return undefined;
    }
    if (eof) break;
    fill();
    pos = 0;
  }
  if (queries === undefined) {
    queries = settle(candidates, labelRow, labelVector, dims);
    if (queries === undefined) return undefined; // unknown word: the full path's error line and suggestions
    setQueries(queries);
  }

  // Pass 2: the rows before the queries settled.
  if (scoredFrom > 0) {
    kernel.rescan(scoredFrom);
    rewind();
    for (let status = kernel.run(); status !== DONE; status = kernel.run()) {
      if (status !== NEED_MORE) return undefined; // not reached: pass 1 read these records
      fill();
    }
  }

  const wordOffsets = new Float64Array(memory, offsetsAt, count);
  const wordLengths = new Uint32Array(memory, wordLengthsAt, count);
  const wordAt = (row: number): string => {
    const word = Buffer.allocUnsafe(wordLengths[row]!);
    readFully(fd, word, wordOffsets[row]!);
    return isAscii(word, 0, word.length) ? word.toString('latin1') : word.toString('utf8');
  };
  return query.words.map((word, k) => {
    const s = new Float64Array(memory, scoresAt + 8 * n * k, n);
    // topK's rows (the kernel's heap, the same total order), sorted as topK sorts them.
    const found = kernel.best(k, top, queries[k]!.row, bestAt);
    const rows = bestFirst(s, Array.from(new Int32Array(memory, bestAt, found)));
    const neighbours = rows.map((index) => ({ word: wordAt(index), index, score: s[index]! }));
    return { word, neighbours };
  });
}

/** Every query label not found yet that equals the word buf[wordStart, wordEnd): its row, and a copy of the vector after it. */
function matchLabels(labels: readonly Buffer[], labelRow: number[], labelVector: (Float32Array | undefined)[], buf: Buffer, wordStart: number, wordEnd: number, row: number, dims: number): void {
  for (let c = 0; c < labels.length; c++) {
    if (labelRow[c] !== -1) continue;
    const label = labels[c]!;
    if (label.length === wordEnd - wordStart && label.equals(buf.subarray(wordStart, wordEnd))) {
      labelRow[c] = row;
      const vector = new Float32Array(dims);
      buf.copy(new Uint8Array(vector.buffer), 0, wordEnd + 1, wordEnd + 1 + dims * FLOAT32_BYTES);
      labelVector[c] = vector;
    }
  }
}

/**
 * Each query word's row and unit query vector, as nearest(word) takes them (unitRow, then
 * normalised): its first candidate label found; undefined when a word has none.
 */
function settle(candidates: readonly Buffer[][], labelRow: readonly number[], labelVector: readonly (Float32Array | undefined)[], dims: number): { row: number; q: Float64Array }[] | undefined {
  const queries: { row: number; q: Float64Array }[] = [];
  let c = 0;
  for (const options of candidates) {
    let chosen = -1;
    for (let k = 0; k < options.length; k++, c++) if (chosen === -1 && labelRow[c] !== -1) chosen = c;
    if (chosen === -1) return undefined;
    const unit = new Float32Array(dims);
    normaliseRow(labelVector[chosen]!, 0, dims, unit, 0);
    queries.push({ row: labelRow[chosen]!, q: normalised(unit) });
  }
  return queries;
}

/** Read into buf from `position` until it is full or the file ends; the bytes read. */
function readFully(fd: number, buf: Buffer, position: number): number {
  let filled = 0;
  for (let n = -1; filled < buf.length && n !== 0; filled += n) n = readSync(fd, buf, filled, buf.length - filled, position + filled);
  return filled;
}

/**
 * True when the little-endian float32 values at buf[start..start + 4·dims) are all finite and not
 * all zero (the full path refuses NaN/±Infinity and warns about a zero vector). Read from the bytes,
 * in small integers: exponent bits all ones is NaN or ±Infinity; a value without any bit but the
 * sign is ±0.
 */
function plainVector(buf: Uint8Array, start: number, dims: number): boolean {
  let bits = 0;
  for (let at = start, end = start + dims * FLOAT32_BYTES; at < end; at += FLOAT32_BYTES) {
    const high = buf[at + 3]! & 0x7f; // exponent's upper 7 bits (the sign masked off)
    const next = buf[at + 2]!; // exponent's lowest bit, then the mantissa's top 7
    if (high === 0x7f && next >= 0x80) return false;
    bits |= high | next | buf[at + 1]! | buf[at]!;
  }
  return bits !== 0;
}

/**
 * out[0..count) = buf[start..start + count), byte by byte: Buffer#copy makes a view of the source
 * per call, and 28.8k views per pass are garbage enough to cost scavenges and fresh pages.
 */
function copyBytes(buf: Uint8Array, start: number, count: number, out: Uint8Array): void {
  for (let k = 0; k < count; k++) out[k] = buf[start + k]!;
}

function isAscii(buf: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (buf[i]! >= 0x80) return false;
  return true;
}

/**
 * A word the full reader would take as it is, without a warning: non-empty, at most
 * MAX_WORD_BYTES, ASCII or valid UTF-8 not starting with a byte-order mark (TextDecoder drops one).
 */
function plainWord(buf: Buffer, start: number, end: number): boolean {
  if (end === start || end - start > MAX_WORD_BYTES) return false;
  if (isAscii(buf, start, end)) return true;
  if (end - start >= 3 && buf[start] === UTF8_BOM[0] && buf[start + 1] === UTF8_BOM[1] && buf[start + 2] === UTF8_BOM[2]) return false;
  return isUtf8(buf.subarray(start, end));
}

/**
 * The word2vec binary records of a file, read through one reused buffer: per record, where its
 * word lies in `buf` (the vector follows the space at wordEnd). Newlines and carriage returns
 * before a word are skipped, as the full reader does.
 */
class RecordReader {
  buf: Buffer;
  /** The last record's word: buf[wordStart..wordEnd), its vector after the space at wordEnd. */
  wordStart = 0;
  wordEnd = 0;
  private len = 0;
  private pos = 0;
  /** The file offset of buf[0]. */
  private base: number;
  private eof = false;
  private readonly recordBytes: number;

  constructor(
    private readonly fd: number,
    private readonly start: number,
    private readonly vectorBytes: number,
  ) {
    this.recordBytes = MAX_WORD_BYTES + 1 + vectorBytes;
    this.buf = Buffer.allocUnsafe(Math.max(READ_BUFFER_BYTES, 2 * this.recordBytes));
    this.base = start;
  }

  rewind(): void {
    this.len = 0;
    this.pos = 0;
    this.base = this.start;
    this.eof = false;
  }

  offsetOf(index: number): number {
    return this.base + index;
  }

  /** Move what is unread to the front and read more behind it. */
  private fill(): void {
    this.buf.copyWithin(0, this.pos, this.len);
    this.len -= this.pos;
    this.base += this.pos;
    this.pos = 0;
    while (this.len < this.buf.length && !this.eof) {
      const n = readSync(this.fd, this.buf, this.len, this.buf.length - this.len, this.base + this.len);
      if (n === 0) this.eof = true;
      else this.len += n;
    }
  }

  /**
   * Move to the next record (wordStart, wordEnd; no object per record: garbage is fresh memory
   * too); false when the file ends early or no space follows the word within MAX_WORD_BYTES.
   */
  next(): boolean {
    const { buf } = this;
    for (;;) {
      while (this.pos < this.len && (buf[this.pos] === NEWLINE || buf[this.pos] === CARRIAGE_RETURN)) this.pos++;
      if (this.pos < this.len || this.eof) break;
      this.fill();
    }
    if (this.len - this.pos < this.recordBytes && !this.eof) this.fill();
    const wordStart = this.pos;
    const space = buf.indexOf(SPACE, wordStart);
    if (space === -1 || space >= this.len || space - wordStart > MAX_WORD_BYTES) return false;
    if (space + 1 + this.vectorBytes > this.len) return false;
    this.pos = space + 1 + this.vectorBytes;
    this.wordStart = wordStart;
    this.wordEnd = space;
    return true;
  }

  /** True when nothing but newlines, carriage returns and spaces follows the last record (the full reader warns otherwise). */
  onlyBlankAfter(): boolean {
    for (;;) {
      for (; this.pos < this.len; this.pos++) {
        const b = this.buf[this.pos];
        if (b !== NEWLINE && b !== CARRIAGE_RETURN && b !== SPACE) return false;
      }
      if (this.eof) return true;
      this.fill();
    }
  }
}

/**
 * A set of words' 64-bit hashes (two 32-bit FNV-1a with different offsets), open addressing:
 * `add` is false when the hash was there already — a repeated word, or (about once in 2^64 pairs)
 * two words that collide; either way the full path decides.
 */
class WordHashes {
  private readonly table: Int32Array;
  private readonly mask: number;

  constructor(words: number) {
    let slots = 1;
    while (slots < SLOTS_PER_WORD * words) slots *= 2;
    this.table = new Int32Array(2 * slots);
    this.mask = slots - 1;
  }

  add(buf: Uint8Array, start: number, end: number): boolean {
    // FNV-1a (32-bit offset basis and prime), and the same over the bytes with another basis.
    let h1 = 0x811c9dc5 | 0;
    let h2 = 0x01000193 ^ 0x5bd1e995;
    for (let i = start; i < end; i++) {
      h1 = Math.imul(h1 ^ buf[i]!, 0x01000193);
      h2 = Math.imul(h2 ^ buf[i]!, 0x01000193) ^ (h2 >>> 15);
    }
    if (h1 === 0 && h2 === 0) return false; // the empty slot's mark
    for (let slot = h1 & this.mask; ; slot = (slot + 1) & this.mask) {
      const a = this.table[2 * slot]!;
      const b = this.table[2 * slot + 1]!;
      if (a === 0 && b === 0) {
        this.table[2 * slot] = h1;
        this.table[2 * slot + 1] = h2;
        return true;
      }
      if (a === h1 && b === h2) return false;
    }
  }
}
