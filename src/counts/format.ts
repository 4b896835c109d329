/**
 * Count files: the mergeable output of the counting stages (`vocab -f counts`, `encode cooc -f counts`),
 * the unit that `wordspace merge` sums and `encode … --counts` starts from. Two forms:
 *
 * Binary (`counts`), sorted so that any number of files merge in one streaming pass:
 *
 *   magic "WSCOUNTS" · u32 version · u32 header length · JSON header (CountHeader) · zero padding to 8
 *   cooc only: the vocabulary, per word u32 byte length + UTF-8, then zero padding to 8
 *   entries, sorted, up to the checksum (so that a merge can stream them without counting first):
 *     vocab: u32 byte length + UTF-8 word + f64 count        (by word, code-unit order)
 *     cooc:  u32 a + u32 b + f64 weight, a ≤ b vocabulary ids (by a, then b)
 *   u32 CRC-32 of every byte before it
 *
 * Text (`counts-tsv`), for Hadoop Streaming and `sort`: `key<TAB>count` lines, the key a word, or two
 * words separated by one space for a co-occurrence pair (tokens never contain whitespace). Lines may
 * come in any order and a key may repeat: readers sum them.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { crc32 } from 'node:zlib';
import { InputError } from '../core/errors.js';

export const COUNTS_MAGIC = Buffer.from('WSCOUNTS', 'latin1');
export const COUNTS_VERSION = 1;
export const COUNT_KINDS = ['vocab', 'cooc'] as const;
export type CountKind = (typeof COUNT_KINDS)[number];

/** What was counted and how; files merge only when these agree (apart from `entries`). */
export interface CountHeader {
  kind: CountKind;
  tokenizer?: string;
  keepCase?: boolean;
  /** cooc: the window and its distance weighting. */
  window?: number;
  distanceWeighting?: string;
  /** cooc: number of vocabulary words that the ids refer to. */
  types?: number;
}

export function isCountFile(head: Uint8Array): boolean {
  return head.length >= COUNTS_MAGIC.length && COUNTS_MAGIC.every((b, i) => head[i] === b);
}

const pad8 = (n: number): number => (8 - (n % 8)) % 8;

/** The bytes of a count file's header (and, for cooc, its vocabulary), up to the entries. */
export function headerBytes(header: CountHeader, words?: string[]): Buffer {
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const fixed = Buffer.alloc(16);
  COUNTS_MAGIC.copy(fixed);
  fixed.writeUInt32LE(COUNTS_VERSION, 8);
  fixed.writeUInt32LE(json.length, 12);
  const parts = [fixed, json, Buffer.alloc(pad8(16 + json.length))];
  if (header.kind === 'cooc') {
    let size = 0;
    for (const w of words ?? []) {
      const bytes = Buffer.from(w, 'utf8');
      const len = Buffer.alloc(4);
      len.writeUInt32LE(bytes.length);
      parts.push(len, bytes);
      size += 4 + bytes.length;
    }
    parts.push(Buffer.alloc(pad8(size)));
  }
  return Buffer.concat(parts);
}

/** Pair entries [from, to) as bytes, in pieces of at most 64 Ki entries. */
export function* pairBytes(a: ArrayLike<number>, b: ArrayLike<number>, weight: ArrayLike<number>, from = 0, to = a.length): Generator<Buffer> {
  const BATCH = 1 << 16;
  for (let start = from; start < to; start += BATCH) {
    const end = Math.min(to, start + BATCH);
    const chunk = Buffer.alloc((end - start) * 16);
    for (let i = start, o = 0; i < end; i++, o += 16) {
      chunk.writeUInt32LE(a[i]!, o);
      chunk.writeUInt32LE(b[i]!, o + 4);
      chunk.writeDoubleLE(weight[i]!, o + 8);
    }
    yield chunk;
  }
}

/** The 4-byte checksum that ends a count file. */
export function checksumBytes(crc: number): Buffer {
  const tail = Buffer.alloc(4);
  tail.writeUInt32LE(crc >>> 0);
  return tail;
}

/** Builds a binary count file in memory-sized pieces; `finish` appends the checksum. */
export class CountFileWriter {
  private crc = 0;
  constructor(private readonly emit: (chunk: Buffer) => Promise<void> | void) {}

  private async put(chunk: Buffer): Promise<void> {
    this.crc = crc32(chunk, this.crc);
    await this.emit(chunk);
  }

  async header(header: CountHeader, words?: string[]): Promise<void> {
    await this.put(headerBytes(header, words));
  }

  /** Vocabulary entries, already sorted by word. */
  async words(words: string[], counts: ArrayLike<number>): Promise<void> {
    const BATCH = 4096;
    for (let start = 0; start < words.length; start += BATCH) {
      const parts: Buffer[] = [];
      for (let i = start; i < Math.min(words.length, start + BATCH); i++) {
        const bytes = Buffer.from(words[i]!, 'utf8');
        const head = Buffer.alloc(4);
        head.writeUInt32LE(bytes.length);
        const count = Buffer.alloc(8);
        count.writeDoubleLE(counts[i]!);
        parts.push(head, bytes, count);
      }
      await this.put(Buffer.concat(parts));
    }
  }

  /** Pair entries (a ≤ b), already sorted by (a, b). */
  async pairs(a: ArrayLike<number>, b: ArrayLike<number>, weight: ArrayLike<number>, from = 0, to = a.length): Promise<void> {
    for (const chunk of pairBytes(a, b, weight, from, to)) await this.put(chunk);
  }

  async finish(): Promise<void> {
    await this.emit(checksumBytes(this.crc));
  }
}

/**
 * A streaming reader of one binary count file: reads 1 MB at a time with readSync (entries are
 * small and many; an await per entry would dominate), checks the checksum when the end is reached.
 */
export class CountFileReader {
  readonly header: CountHeader;
  /** cooc: the vocabulary the ids refer to. */
  readonly words: string[] = [];
  private fd: number;
  private buf: Buffer;
  private start = 0;
  private end = 0;
  private crc = 0;
  /** buf[crcFrom .. start) has been taken but is not yet in the checksum. */
  private crcFrom = 0;
  private eof = false;
  private readonly block: number;
  /** cooc: the number of vocabulary ids (pairs must lie below it). */
  readonly types: number = 0;

  /**
   * `words: false` skips decoding a cooc file's vocabulary (a spill run's merge needs only the ids);
   * `block`: bytes read at a time (default 1 MiB).
   */
  constructor(
    readonly path: string,
    options: { words?: boolean; block?: number } = {},
  ) {
    this.block = options.block ?? 1 << 20;
    this.buf = Buffer.alloc(this.block);
    try {
      this.fd = openSync(path, 'r');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      throw new InputError(`cannot read ${path}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : (err as Error).message}`);
    }
    const fixed = this.take(16, 'header');
    if (!isCountFile(fixed)) throw new InputError(`${path} is not a count file`, 'count files are written by `vocab -f counts`, `encode cooc -f counts` and `merge`');
    const version = fixed.readUInt32LE(8);
    if (version !== COUNTS_VERSION) throw new InputError(`${path}: count file version ${version}, this wordspace reads version ${COUNTS_VERSION}`);
    const length = fixed.readUInt32LE(12);
    const json = this.take(length, 'header').toString('utf8');
    try {
      this.header = JSON.parse(json) as CountHeader;
    } catch {
      throw this.corrupt('header');
    }
    if (typeof this.header !== 'object' || this.header === null || !COUNT_KINDS.includes(this.header.kind)) throw this.corrupt('header');
    this.take(pad8(16 + length), 'header');
    if (this.header.kind === 'cooc') {
      const types = this.header.types ?? -1;
      if (!Number.isSafeInteger(types) || types < 0) throw this.corrupt('header');
      this.types = types;
      const decode = options.words !== false;
      let size = 0;
      for (let i = 0; i < types; i++) {
        const len = this.take(4, 'vocabulary').readUInt32LE(0);
        const bytes = this.take(len, 'vocabulary');
        if (decode) this.words.push(bytes.toString('utf8'));
        size += 4 + len;
      }
      this.take(pad8(size), 'vocabulary');
    }
  }

  private corrupt(what: string): InputError {
    return new InputError(`${this.path}: the count file is truncated or corrupt (${what})`, 'write it again');
  }

  private fill(n: number): boolean {
    while (this.end - this.start < n && !this.eof) {
      if (this.start > 0) {
        this.settle();
        this.crcFrom = 0;
        this.buf.copy(this.buf, 0, this.start, this.end);
        this.end -= this.start;
        this.start = 0;
      }
      if (this.buf.length - this.end < this.block) {
        const bigger = Buffer.alloc(Math.max(this.buf.length * 2, this.end + n + this.block));
        this.buf.copy(bigger, 0, 0, this.end);
        this.buf = bigger;
      }
      const got = readSync(this.fd, this.buf, this.end, this.buf.length - this.end, null);
      if (got === 0) this.eof = true;
      this.end += got;
    }
    return this.end - this.start >= n;
  }

  /** The next n bytes (a view, valid until the next call), counted into the checksum. */
  private take(n: number, what: string): Buffer {
    if (!Number.isSafeInteger(n) || n < 0 || n > 1 << 30 || !this.fill(n)) throw this.corrupt(what);
    const out = this.buf.subarray(this.start, this.start + n);
    this.start += n;
    return out;
  }

  /** Add the bytes taken since the last time to the checksum (in bulk: a call per entry cost more than the reading). */
  private settle(): void {
    if (this.start > this.crcFrom) this.crc = crc32(this.buf.subarray(this.crcFrom, this.start), this.crc);
    this.crcFrom = this.start;
  }

  /** True at the end of the entries (only the checksum left), which is then verified. */
  private atEnd(): boolean {
    if (this.fd < 0) return true;
    if (this.fill(5)) return false;
    if (this.end - this.start !== 4) throw this.corrupt('entries');
    this.settle();
    const stored = this.buf.readUInt32LE(this.start);
    this.start += 4;
    if (stored !== this.crc >>> 0) throw new InputError(`${this.path}: the count file is corrupt (checksum mismatch)`, 'write it again');
    this.close();
    return true;
  }

  close(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
  }

  /** The next vocabulary entry, or undefined at the end (checksum verified). */
  nextWord(): { word: string; count: number } | undefined {
    if (this.atEnd()) return undefined;
    const len = this.take(4, 'entries').readUInt32LE(0);
    const word = this.take(len, 'entries').toString('utf8');
    const count = this.take(8, 'entries').readDoubleLE(0);
    return { word, count };
  }

  /** The next pair entry into `out` ([a, b, weight]); false at the end (checksum verified). */
  nextPair(out: [number, number, number]): boolean {
    if (this.atEnd()) return false;
    const bytes = this.take(16, 'entries');
    out[0] = bytes.readUInt32LE(0);
    out[1] = bytes.readUInt32LE(4);
    out[2] = bytes.readDoubleLE(8);
    if (out[0] > out[1] || out[1] >= this.types) throw this.corrupt('a pair beyond the vocabulary');
    return true;
  }
}

/** Parse one `key<TAB>count` line of the text form; undefined for a blank line. */
export function parseCountLine(line: string, source: string, lineNumber: number): { key: string; count: number } | undefined {
  if (line.trim() === '') return undefined;
  // `key<TAB>count` (counts-tsv; the key may be a pair "w1 w2"), or `word count` (vocab -o).
  const tab = line.lastIndexOf('\t');
  const split = tab >= 0 ? tab : line.trimEnd().search(/\s+\S+$/);
  const key = split > 0 ? line.slice(0, split) : '';
  const value = split > 0 ? line.slice(split + 1).trim() : '';
  const count = value === '' ? NaN : Number(value);
  if (key === '' || !Number.isFinite(count) || count < 0 || (tab < 0 && /\s/.test(key))) {
    throw new InputError(`${source}:${lineNumber}: expected "word count" or "key<TAB>count", got "${line.slice(0, 60)}"`, 'count text is written by `vocab -o` and `-f counts-tsv`');
  }
  return { key, count };
}

/** The header line `vocab -f tsv` prints (skipped when such output is merged). */
export const VOCAB_TSV_HEADER = 'word\tcount';

/** The header of a binary count file. */
export function readHeader(path: string): CountHeader {
  const reader = new CountFileReader(path);
  reader.close();
  return reader.header;
}
