/**
 * The byte-level tokenizer-counter behind corpus reading (issue 7 §1, DESIGN.md measured facts).
 *
 * A line of UTF-8 bytes that is pure ASCII is tokenized in bytes, with the same rules as the
 * regex tokenizers in tokenize.ts restricted to ASCII (lowercasing in bytes too); its tokens are
 * hashed (FNV-1a) into an open-addressing table, and a string is made only for a new type. A line
 * with any byte ≥ 0x80 is decoded and given to the regex tokenizer itself, whose tokens are looked
 * up in the same table by their UTF-8 bytes, so both paths give one id per type. The results are
 * those of `makeTokenizer` line by line (test/scan.test.ts proves it on fixtures).
 */
import { makeTokenizer, type Tokenizer, type TokenizerOptions } from './tokenize.js';

const FNV_OFFSET = 0x811c9dc5 | 0;
const FNV_PRIME = 0x01000193;

/** Byte classes for the ASCII path. */
const ALNUM = 1;
const CONNECTOR = 2; // '_' (the only \p{Pc} in ASCII)
const SPACE = 4; // \s in ASCII: \t \n \v \f \r and space
const APOSTROPHE = 8;
const HIGH = 16; // a byte ≥ 0x80: the line is not ASCII
const CLASS = new Uint8Array(256);
for (let b = 0x80; b <= 0xff; b++) CLASS[b] = HIGH;
for (let b = 0x30; b <= 0x39; b++) CLASS[b] = ALNUM;
for (let b = 0x41; b <= 0x5a; b++) CLASS[b] = ALNUM;
for (let b = 0x61; b <= 0x7a; b++) CLASS[b] = ALNUM;
CLASS[0x5f] = CONNECTOR;
for (const b of [9, 10, 11, 12, 13, 32]) CLASS[b] = SPACE;
CLASS[0x27] = APOSTROPHE;
/** Byte → itself, and byte → lowercased (ASCII A–Z only): hashing and comparing through one of them folds case without writing. */
const IDENTITY = Uint8Array.from({ length: 256 }, (_, b) => b);
const LOWER = Uint8Array.from({ length: 256 }, (_, b) => (b >= 0x41 && b <= 0x5a ? b | 0x20 : b));

/** Token types keyed by their UTF-8 bytes: ids in order of first appearance, with counts. */
export class TokenTable {
  /** The type strings, by id. */
  readonly words: string[] = [];
  /** Occurrences, by id (valid up to `size`). */
  counts = new Float64Array(1024);
  private arena = new Uint8Array(1 << 16);
  private arenaUsed = 0;
  /** Open addressing, 4 int32 a slot so that a probe touches one cache line: hash, id + 1 (0 = empty), length, arena offset. */
  private slots = new Int32Array(4 << 12);
  private mask = (1 << 12) - 1;
  private scratch = Buffer.alloc(256);

  get size(): number {
    return this.words.length;
  }

  /**
   * The id of the bytes[start, end) mapped through `fold` (IDENTITY or LOWER), whose FNV-1a hash (of
   * the folded bytes) is `hash`; added (as `word`, or the folded bytes read as ASCII) if new.
   */
  idOf(bytes: Uint8Array, start: number, end: number, hash: number, word?: string, fold: Uint8Array = IDENTITY): number {
    const length = end - start;
    const slots = this.slots;
    const arena = this.arena;
    for (let slot = hash & this.mask; ; slot = (slot + 1) & this.mask) {
      const at = slot << 2;
      const id = slots[at + 1]! - 1;
      if (id === -1) return this.insert(at, bytes, start, length, hash, word, fold);
      if (slots[at] !== hash || slots[at + 2] !== length) continue;
      let p = slots[at + 3]!;
      let i = start;
      while (i < end && arena[p] === fold[bytes[i]!]) {
        p++;
        i++;
      }
      if (i === end) return id;
    }
  }

  /** The id of a token string (added if new). */
  idOfString(word: string): number {
    if (this.scratch.length < word.length * 3) this.scratch = Buffer.alloc(word.length * 3 + 64);
    const scratch = this.scratch;
    const n = scratch.write(word, 0, 'utf8');
    let h = FNV_OFFSET;
    for (let i = 0; i < n; i++) h = Math.imul(h ^ scratch[i]!, FNV_PRIME);
    return this.idOf(scratch, 0, n, h, word);
  }

  private insert(at: number, bytes: Uint8Array, start: number, length: number, hash: number, word: string | undefined, fold: Uint8Array): number {
    const id = this.words.length;
    if (id === this.counts.length) {
      const counts = new Float64Array(id * 2);
      counts.set(this.counts);
      this.counts = counts;
    }
    if (this.arenaUsed + length > this.arena.length) {
      const next = new Uint8Array(Math.max(this.arena.length * 2, this.arenaUsed + length));
      next.set(this.arena.subarray(0, this.arenaUsed));
      this.arena = next;
    }
    const offset = this.arenaUsed;
    for (let i = 0; i < length; i++) this.arena[offset + i] = fold[bytes[start + i]!]!;
    this.arenaUsed += length;
    this.words.push(word ?? latin1(this.arena, offset, offset + length));
    const slots = this.slots;
    slots[at] = hash;
    slots[at + 1] = id + 1;
    slots[at + 2] = length;
    slots[at + 3] = offset;
    if ((id + 1) * 2 > this.mask + 1) this.rehash();
    return id;
  }

  private rehash(): void {
    const old = this.slots;
    const size = (this.mask + 1) * 2;
    const slots = new Int32Array(size * 4);
    const mask = size - 1;
    for (let at = 0; at < old.length; at += 4) {
      if (old[at + 1] === 0) continue;
      let slot = old[at]! & mask;
      while (slots[(slot << 2) + 1] !== 0) slot = (slot + 1) & mask;
      slots.set(old.subarray(at, at + 4), slot << 2);
    }
    this.slots = slots;
    this.mask = mask;
  }
}

/** ASCII bytes as a string. */
function latin1(bytes: Uint8Array, start: number, end: number): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset + start, end - start).toString('latin1');
}

/** A decoder for one line at a time: a U+FEFF inside the text is kept (only a file's first one is a BOM). */
const lineDecoder = new TextDecoder('utf-8', { ignoreBOM: true });

/** Tokenizes lines of bytes into ids of a TokenTable, counting each token. */
export class LineScanner {
  /** The ids of the last line's tokens: ids[0 .. n) where n is what `line` returned. */
  ids = new Int32Array(1024);
  /** U+FFFD characters in the decoded lines (invalid UTF-8 sequences, as decodeUtf8 counts them). */
  replaced = 0;
  /** Whether the last line was blank (whitespace only, as String.prototype.trim sees it). */
  blank = false;
  private readonly mode: 0 | 1 | 2;
  private readonly lower: boolean;
  private readonly tokenize: Tokenizer;

  constructor(
    readonly table: TokenTable,
    options: TokenizerOptions,
  ) {
    this.mode = options.tokenizer === 'word' ? 0 : options.tokenizer === 'whitespace' ? 1 : 2;
    this.lower = !options.keepCase;
    this.tokenize = makeTokenizer(options);
  }

  /**
   * Tokenize bytes[start, end) — one line without its terminator — and count its tokens. Returns the
   * number of tokens. One pass over the bytes records each token's span and hash (of its case-folded
   * bytes); a byte ≥ 0x80 sends the line to the Unicode path instead; the lookups follow.
   */
  line(bytes: Buffer, start: number, end: number): number {
    const n = this.mode === 0 ? this.asciiWords(bytes, start, end) : this.mode === 1 ? this.asciiRuns(bytes, start, end) : this.asciiChars(bytes, start, end);
    if (n < 0) return this.unicodeLine(bytes, start, end);
    if (n === 0) {
      this.blank = true;
      for (let i = start; i < end; i++) if (CLASS[bytes[i]!] !== SPACE) this.blank = false;
      return 0;
    }
    this.blank = false;
    if (n > this.ids.length) this.ids = new Int32Array(Math.max(n, this.ids.length * 2));
    const spans = this.spans;
    const table = this.table;
    const fold = this.fold;
    const ids = this.ids;
    for (let k = 0; k < n; k++) {
      const id = table.idOf(bytes, spans[3 * k]!, spans[3 * k + 1]!, spans[3 * k + 2]!, undefined, fold);
      ids[k] = id;
      table.counts[id]!++;
    }
    return n;
  }

  private push(n: number, id: number): void {
    if (n === this.ids.length) {
      const next = new Int32Array(n * 2);
      next.set(this.ids);
      this.ids = next;
    }
    this.ids[n] = id;
    this.table.counts[id]!++;
  }

  /** Token spans of the current line: start, end, hash, for each. */
  private spans = new Int32Array(3 * 256);

  private record(n: number, start: number, end: number, hash: number): void {
    if (3 * n + 3 > this.spans.length) {
      const next = new Int32Array(this.spans.length * 2);
      next.set(this.spans);
      this.spans = next;
    }
    this.spans[3 * n] = start;
    this.spans[3 * n + 1] = end;
    this.spans[3 * n + 2] = hash;
  }

  private get fold(): Uint8Array {
    return this.lower ? LOWER : IDENTITY;
  }

  /** `word` on ASCII: \p{Pc}*W[W\p{Pc}]*(?:(?<=W)'W[W\p{Pc}]*)* with W = [A-Za-z0-9], Pc = '_'. Returns -1 at a byte ≥ 0x80. */
  private asciiWords(bytes: Buffer, start: number, end: number): number {
    const fold = this.fold;
    let n = 0;
    let i = start;
    while (i < end) {
      let c = CLASS[bytes[i]!]!;
      if ((c & (ALNUM | CONNECTOR)) === 0) {
        if (c === HIGH) return -1;
        i++;
        continue;
      }
      const tokenStart = i;
      while (c === CONNECTOR && ++i < end) c = CLASS[bytes[i]!]!;
      if (i === end || c !== ALNUM) continue; // a run of underscores alone is no word
      let h = FNV_OFFSET;
      for (let p = tokenStart; p <= i; p++) h = Math.imul(h ^ fold[bytes[p]!]!, FNV_PRIME);
      i++;
      for (;;) {
        while (i < end && (CLASS[bytes[i]!]! & (ALNUM | CONNECTOR)) !== 0) h = Math.imul(h ^ fold[bytes[i++]!]!, FNV_PRIME);
        if (i + 1 < end && bytes[i] === 0x27 && CLASS[bytes[i - 1]!] === ALNUM && CLASS[bytes[i + 1]!] === ALNUM) {
          h = Math.imul(h ^ 0x27, FNV_PRIME);
          h = Math.imul(h ^ fold[bytes[i + 1]!]!, FNV_PRIME);
          i += 2;
          continue;
        }
        break;
      }
      this.record(n++, tokenStart, i, h);
    }
    return n;
  }

  /** `whitespace` on ASCII: runs of bytes other than \t \n \v \f \r and space. Returns -1 at a byte ≥ 0x80. */
  private asciiRuns(bytes: Buffer, start: number, end: number): number {
    const fold = this.fold;
    let n = 0;
    let i = start;
    while (i < end) {
      const c = CLASS[bytes[i]!];
      if (c === SPACE) {
        i++;
        continue;
      }
      const tokenStart = i;
      let h = FNV_OFFSET;
      for (; i < end; i++) {
        const b = bytes[i]!;
        const k = CLASS[b];
        if (k === SPACE) break;
        if (k === HIGH) return -1;
        h = Math.imul(h ^ fold[b]!, FNV_PRIME);
      }
      this.record(n++, tokenStart, i, h);
    }
    return n;
  }

  /** `char` on ASCII: every byte that is not whitespace. Returns -1 at a byte ≥ 0x80. */
  private asciiChars(bytes: Buffer, start: number, end: number): number {
    const fold = this.fold;
    let n = 0;
    for (let i = start; i < end; i++) {
      const k = CLASS[bytes[i]!];
      if (k === SPACE) continue;
      if (k === HIGH) return -1;
      this.record(n++, i, i + 1, Math.imul(FNV_OFFSET ^ fold[bytes[i]!]!, FNV_PRIME));
    }
    return n;
  }

  /** A line with non-ASCII bytes: decoded, and tokenized by the regex tokenizer. */
  private unicodeLine(bytes: Buffer, start: number, end: number): number {
    const text = lineDecoder.decode(bytes.subarray(start, end));
    for (let i = text.indexOf('\uFFFD'); i !== -1; i = text.indexOf('\uFFFD', i + 1)) this.replaced++;
    this.blank = text.trim() === '';
    if (this.blank) return 0;
    const words = this.tokenize(text);
    for (let k = 0; k < words.length; k++) this.push(k, this.table.idOfString(words[k]!));
    return words.length;
  }
}
