/**
 * The prepared corpus (`wordspace prepare`): a corpus tokenized once and stored as a compact,
 * versioned binary file that every command reads in place of text, with the same results.
 *
 * Layout (little-endian; every section starts at a multiple of 8 bytes):
 *
 *   magic      8 bytes  "WSCORPUS"
 *   version    u32      FORMAT_VERSION (2; version 1 kept sentence offsets apart from the ids)
 *   headerLen  u32      byte length of the JSON header
 *   header     JSON     PreparedHeader: tokenizer settings and section sizes
 *   words      per type: u32 byte length + UTF-8 bytes      (vocabulary order: count desc, then word)
 *   counts     f64[types]
 *   documents  f64[documents + 1]                            start offsets into the sentences (exact to 2^53)
 *   labels     per document: u32 byte length + UTF-8 bytes
 *   stream     i32[tokens + sentences]                       vocabulary ids in text order, -1 ending each sentence
 *   crc32      u32      of every byte before it
 *
 * The stream comes last, unpadded, right before the checksum: it is written as it is read (from
 * memory or from a spill) and read in place — a command streams it from the file (src/corpus/stream.ts)
 * and never loads it whole, so a prepared corpus of any size is read in bounded memory. Opening one
 * reads everything before the stream, then checks the checksum and every entry in one pass.
 *
 * The file keeps the whole vocabulary the tokenizer found (unless `prepare` was given --min-count or
 * --max-vocab), so each command applies its own --min-count/--max-vocab/--vocab to it exactly as it
 * would have to the counts of the text.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { crc32 } from 'node:zlib';
import { InputError } from '../core/errors.js';
import { Vocabulary } from '../vocab/vocabulary.js';
import { cutVocabulary, keptTokens, type Corpus, type VocabularyOptions } from './corpus.js';
import { SENTENCE_END, TokenStream } from './stream.js';

export const PREPARED_MAGIC = Buffer.from('WSCORPUS', 'latin1');
export const FORMAT_VERSION = 2;
/** The extension `prepare` suggests; files are recognised by their magic bytes, not by name. */
export const PREPARED_EXTENSION = '.wsc';

/** What the corpus was made with; a command reading it uses these instead of its own flags. */
export interface PreparedSettings {
  tokenizer: string;
  keepCase: boolean;
  docs?: string;
  textColumn?: string;
  /** The cut `prepare` applied (1 and none keep every type). */
  minCount: number;
  maxVocab?: number;
  vocabFile?: string;
}

interface PreparedHeader extends PreparedSettings {
  tool: 'wordspace';
  types: number;
  tokens: number;
  sentences: number;
  documents: number;
  tokensRead: number;
  typesSeen: number;
}

export interface PreparedCorpus {
  settings: PreparedSettings;
  /** The stored corpus, its vocabulary as prepared. */
  corpus: Corpus;
}

/** True when bytes start with the prepared corpus's magic number. */
export function isPreparedCorpus(head: Uint8Array): boolean {
  return head.length >= PREPARED_MAGIC.length && PREPARED_MAGIC.every((b, i) => head[i] === b);
}

const pad8 = (n: number): number => (8 - (n % 8)) % 8;

function stringsSection(strings: string[]): Buffer {
  const parts: Buffer[] = [];
  for (const s of strings) {
    const bytes = Buffer.from(s, 'utf8');
    const len = Buffer.alloc(4);
    len.writeUInt32LE(bytes.length);
    parts.push(len, bytes);
  }
  const body = Buffer.concat(parts);
  return Buffer.concat([body, Buffer.alloc(pad8(body.length))]);
}

function typedSection(array: ArrayBufferView): Buffer {
  const bytes = Buffer.from(array.buffer, array.byteOffset, array.byteLength);
  return Buffer.concat([bytes, Buffer.alloc(pad8(bytes.length))]);
}

/** The sections of a prepared corpus before its stream, in file order. */
export function preparedHead(corpus: Corpus, settings: PreparedSettings): Buffer[] {
  const nDocs = corpus.docStarts.length - 1;
  const header: PreparedHeader = {
    tool: 'wordspace',
    ...settings,
    types: corpus.vocab.size,
    tokens: corpus.stream.tokens,
    sentences: corpus.stream.sentences,
    documents: nDocs,
    tokensRead: corpus.tokensRead,
    typesSeen: corpus.typesSeen,
  };
  const headerBytes = Buffer.from(JSON.stringify(header), 'utf8');
  const fixed = Buffer.alloc(16);
  PREPARED_MAGIC.copy(fixed, 0);
  fixed.writeUInt32LE(FORMAT_VERSION, 8);
  fixed.writeUInt32LE(headerBytes.length, 12);
  return [
    fixed,
    Buffer.concat([headerBytes, Buffer.alloc(pad8(16 + headerBytes.length))]),
    stringsSection(corpus.vocab.words),
    typedSection(Float64Array.from(corpus.vocab.counts)),
    typedSection(Float64Array.from(corpus.docStarts)),
    stringsSection(corpus.docLabels),
  ];
}

/**
 * Write a prepared corpus through `write`: the head, the stream piece by piece (from memory or a
 * spill), the CRC-32 of it all. Returns the bytes written.
 */
export async function writePrepared(corpus: Corpus, settings: PreparedSettings, write: (bytes: Buffer) => Promise<void> | void): Promise<number> {
  let crc = 0;
  let bytes = 0;
  const put = async (chunk: Buffer): Promise<void> => {
    crc = crc32(chunk, crc);
    bytes += chunk.length;
    await write(chunk);
  };
  for (const section of preparedHead(corpus, settings)) await put(section);
  // Copied: a piece is a view of a buffer the reader reuses, and a sink may hold small writes.
  for (const piece of corpus.stream.pieces()) await put(Buffer.from(new Uint8Array(piece.buffer, piece.byteOffset, piece.byteLength)));
  const tail = Buffer.alloc(4);
  tail.writeUInt32LE(crc >>> 0);
  await write(tail);
  return bytes + 4;
}

/** A bounds-checked reader over the file's bytes: a truncated or corrupt file is one clear error. */
class Cursor {
  pos = 0;
  constructor(
    private readonly bytes: Buffer,
    private readonly name: string,
  ) {}

  private need(n: number, what: string): void {
    if (!Number.isSafeInteger(n) || n < 0 || this.pos + n > this.bytes.length) {
      throw new InputError(`${this.name}: the prepared corpus is truncated or corrupt (in its ${what})`, 'prepare it again with `wordspace prepare`');
    }
  }

  u32(what: string): number {
    this.need(4, what);
    const v = this.bytes.readUInt32LE(this.pos);
    this.pos += 4;
    return v;
  }

  align(): void {
    this.pos += pad8(this.pos);
  }

  strings(n: number, what: string): string[] {
    const out: string[] = new Array(n);
    for (let i = 0; i < n; i++) {
      const len = this.u32(what);
      this.need(len, what);
      out[i] = this.bytes.toString('utf8', this.pos, this.pos + len);
      this.pos += len;
    }
    this.align();
    return out;
  }

  /** A copy of `n` elements of a typed array (copied so that the result is aligned and owned). */
  typed<T extends Float64Array | Uint32Array>(Type: { new (n: number): T; BYTES_PER_ELEMENT: number }, n: number, what: string): T {
    const size = n * Type.BYTES_PER_ELEMENT;
    this.need(size, what);
    const out = new Type(n);
    new Uint8Array(out.buffer).set(this.bytes.subarray(this.pos, this.pos + size));
    this.pos += size;
    this.align();
    return out;
  }
}

function corrupt(name: string, what: string): InputError {
  return new InputError(`${name}: the prepared corpus is corrupt (${what})`, 'prepare it again with `wordspace prepare`');
}

/** Document offsets: whole, non-decreasing, ending at the number of sentences. */
function checkOffsets(values: Float64Array, last: number, name: string): void {
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isSafeInteger(v) || v < 0 || (i > 0 && v < values[i - 1]!)) throw corrupt(name, `document offset ${i}`);
  }
  if (values[0] !== 0 || values[values.length - 1] !== last) throw corrupt(name, 'boundaries');
}

/** Bytes read at once while checking the stream. */
const CHECK_BLOCK = 1 << 22;

/**
 * Check the checksum of the file and every entry of its stream (ids below `types`, SENTENCE_END;
 * as many tokens and sentence ends as the header says) in one pass over the stream's bytes.
 */
function checkStream(fd: number, head: Buffer, streamOffset: number, header: PreparedHeader, name: string): void {
  let crc = crc32(head.subarray(0, streamOffset));
  const block = new Int32Array(CHECK_BLOCK / 4);
  const bytes = new Uint8Array(block.buffer);
  const entries = header.tokens + header.sentences;
  let tokens = 0;
  let sentences = 0;
  let bad: string | undefined;
  for (let done = 0; done < entries; ) {
    const n = Math.min(block.length, entries - done);
    let got = 0;
    while (got < n * 4) {
      const r = readSync(fd, bytes, got, n * 4 - got, streamOffset + done * 4 + got);
      if (r === 0) throw corrupt(name, 'truncated');
      got += r;
    }
    crc = crc32(bytes.subarray(0, n * 4), crc);
    for (let i = 0; i < n; i++) {
      const e = block[i]!;
      if (e >= 0 && e < header.types) tokens++;
      else if (e === SENTENCE_END) sentences++;
      else bad ??= `stream entry ${done + i} is ${e}, beyond the ${header.types} types`;
    }
    done += n;
  }
  const stored = Buffer.alloc(4);
  readSync(fd, stored, 0, 4, streamOffset + entries * 4);
  if ((crc >>> 0) !== stored.readUInt32LE(0)) throw corrupt(name, 'checksum mismatch');
  if (bad) throw corrupt(name, bad);
  if (tokens !== header.tokens || sentences !== header.sentences) throw corrupt(name, 'token and sentence counts');
}

/**
 * Open a prepared corpus file: read and check everything before the stream, check the checksum and
 * the stream in one pass, and give a corpus whose stream is read from the file when used.
 * `name` is how errors call it; `dir`, a temporary directory the corpus owns (a copy of stdin).
 */
export function openPreparedCorpus(path: string, name: string, dir?: string): PreparedCorpus {
  const fd = openSync(path, 'r');
  try {
    return openPrepared(fd, path, name, dir);
  } catch (err) {
    // A damaged file is best explained by its checksum, when that is what fails.
    if (err instanceof InputError && err.message.includes('corrupt') && !checksumMatches(fd)) throw corrupt(name, 'checksum mismatch');
    throw err;
  } finally {
    closeSync(fd);
  }
}

/** Whether the last 4 bytes are the CRC-32 of the rest (one pass over the file). */
function checksumMatches(fd: number): boolean {
  const size = fstatSync(fd).size;
  if (size < 4) return false;
  const block = Buffer.alloc(CHECK_BLOCK);
  let crc = 0;
  for (let pos = 0; pos < size - 4; ) {
    const n = readSync(fd, block, 0, Math.min(block.length, size - 4 - pos), pos);
    if (n === 0) return false;
    crc = crc32(block.subarray(0, n), crc);
    pos += n;
  }
  const stored = Buffer.alloc(4);
  readSync(fd, stored, 0, 4, size - 4);
  return (crc >>> 0) === stored.readUInt32LE(0);
}

function openPrepared(fd: number, path: string, name: string, dir: string | undefined): PreparedCorpus {
  {
    const size = fstatSync(fd).size;
    const fixed = Buffer.alloc(16);
    const got = readSync(fd, fixed, 0, 16, 0);
    if (got < PREPARED_MAGIC.length || !isPreparedCorpus(fixed)) throw new InputError(`${name} is not a prepared corpus`);
    if (got < 16 || size < 20) throw corrupt(name, 'too short');
    const version = fixed.readUInt32LE(8);
    if (version !== FORMAT_VERSION) {
      throw new InputError(`${name}: prepared corpus format version ${version}, this wordspace reads version ${FORMAT_VERSION}`, 'prepare it again with this version of wordspace');
    }
    const headerLength = fixed.readUInt32LE(12);
    if (16 + headerLength > size - 4) throw corrupt(name, 'header');
    const headerBytes = Buffer.alloc(headerLength);
    readSync(fd, headerBytes, 0, headerLength, 16);
    let header: PreparedHeader;
    try {
      header = JSON.parse(headerBytes.toString('utf8')) as PreparedHeader;
    } catch {
      throw corrupt(name, 'header');
    }
    for (const key of ['types', 'tokens', 'sentences', 'documents', 'tokensRead', 'typesSeen'] as const) {
      if (!Number.isSafeInteger(header[key]) || header[key] < 0) throw corrupt(name, `header field ${key}`);
    }
    const streamOffset = size - 4 - (header.tokens + header.sentences) * 4;
    if (streamOffset < 16 + headerLength) throw corrupt(name, 'truncated');
    const head = Buffer.alloc(streamOffset);
    if (readSync(fd, head, 0, streamOffset, 0) !== streamOffset) throw corrupt(name, 'truncated');
    const cursor = new Cursor(head, name);
    cursor.pos = 16 + headerLength;
    cursor.align();
    const words = cursor.strings(header.types, 'vocabulary');
    const counts = cursor.typed(Float64Array, header.types, 'counts');
    const docStarts = cursor.typed(Float64Array, header.documents + 1, 'documents');
    const docLabels = cursor.strings(header.documents, 'document labels');
    if (cursor.pos !== streamOffset) throw corrupt(name, 'section sizes');
    checkOffsets(docStarts, header.sentences, name);
    checkStream(fd, head, streamOffset, header, name);
    const settings: PreparedSettings = {
      tokenizer: header.tokenizer,
      keepCase: header.keepCase,
      docs: header.docs,
      textColumn: header.textColumn,
      minCount: header.minCount,
      maxVocab: header.maxVocab,
      vocabFile: header.vocabFile,
    };
    const entries = header.tokens + header.sentences;
    const stream = new TokenStream(entries > 0 ? [{ path, byteOffset: streamOffset, entries, name }] : [], header.tokens, header.sentences, dir);
    return {
      settings,
      corpus: {
        vocab: new Vocabulary(words, counts),
        stream,
        docStarts,
        docLabels,
        tokensRead: header.tokensRead,
        typesSeen: header.typesSeen,
      },
    };
  }
}

/**
 * The corpus a command sees: the prepared vocabulary cut with the command's own --min-count,
 * --max-vocab or --vocab, and out-of-vocabulary tokens dropped as the stream is read — what
 * reading the text would give.
 */
export function cutPrepared(prepared: Corpus, options: VocabularyOptions): Corpus {
  const { vocab, remap } = cutVocabulary(prepared.vocab.words, prepared.vocab.counts, options);
  const from = prepared.stream;
  const stream = new TokenStream(from.parts.map((part) => ({ ...part, map: remap })), keptTokens(vocab), from.sentences, from.ownedDirectory);
  return { ...prepared, vocab, stream };
}
