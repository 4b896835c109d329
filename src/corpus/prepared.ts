/**
 * The prepared corpus (`wordspace prepare`): a corpus tokenized once and stored as a compact,
 * versioned binary file that every command reads in place of text, with the same results.
 *
 * Layout (little-endian; every section starts at a multiple of 8 bytes):
 *
 *   magic      8 bytes  "WSCORPUS"
 *   version    u32      FORMAT_VERSION
 *   headerLen  u32      byte length of the JSON header
 *   header     JSON     PreparedHeader: tokenizer settings and section sizes
 *   words      per type: u32 byte length + UTF-8 bytes      (vocabulary order: count desc, then word)
 *   counts     f64[types]
 *   tokens     u32[tokens]                                   vocabulary ids in text order
 *   sentences  f64[sentences + 1]                            start offsets into tokens (exact to 2^53)
 *   documents  f64[documents + 1]                            start offsets into sentences
 *   labels     per document: u32 byte length + UTF-8 bytes
 *   crc32      u32      of every byte before it
 *
 * The file keeps the whole vocabulary the tokenizer found (unless `prepare` was given --min-count or
 * --max-vocab), so each command applies its own --min-count/--max-vocab/--vocab to it exactly as it
 * would have to the counts of the text.
 */
import { crc32 } from 'node:zlib';
import { InputError } from '../core/errors.js';
import { Vocabulary } from '../vocab/vocabulary.js';
import { cutVocabulary, type Corpus, type VocabularyOptions } from './corpus.js';

export const PREPARED_MAGIC = Buffer.from('WSCORPUS', 'latin1');
export const FORMAT_VERSION = 1;
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

/**
 * The sections of a prepared corpus, in file order (the caller writes them, then the CRC-32 of
 * their concatenation, which `checksum` returns as a 4-byte buffer).
 */
export function preparedSections(corpus: Corpus, settings: PreparedSettings): Buffer[] {
  const nSentences = corpus.sentenceStarts.length - 1;
  const nDocs = corpus.docStarts.length - 1;
  const header: PreparedHeader = {
    tool: 'wordspace',
    ...settings,
    types: corpus.vocab.size,
    tokens: corpus.tokens.length,
    sentences: nSentences,
    documents: nDocs,
    tokensRead: corpus.tokensRead,
    typesSeen: corpus.typesSeen,
  };
  const headerBytes = Buffer.from(JSON.stringify(header), 'utf8');
  const fixed = Buffer.alloc(16);
  PREPARED_MAGIC.copy(fixed, 0);
  fixed.writeUInt32LE(FORMAT_VERSION, 8);
  fixed.writeUInt32LE(headerBytes.length, 12);
  const tokens = new Uint32Array(corpus.tokens.buffer, corpus.tokens.byteOffset, corpus.tokens.length);
  return [
    fixed,
    Buffer.concat([headerBytes, Buffer.alloc(pad8(16 + headerBytes.length))]),
    stringsSection(corpus.vocab.words),
    typedSection(Float64Array.from(corpus.vocab.counts)),
    typedSection(tokens),
    typedSection(Float64Array.from(corpus.sentenceStarts)),
    typedSection(Float64Array.from(corpus.docStarts)),
    stringsSection(corpus.docLabels),
  ];
}

/** The trailing CRC-32 of the sections. */
export function checksum(sections: Buffer[]): Buffer {
  let crc = 0;
  for (const s of sections) crc = crc32(s, crc);
  const out = Buffer.alloc(4);
  out.writeUInt32LE(crc >>> 0);
  return out;
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

function int32Offsets(values: Float64Array, name: string, what: string): Int32Array {
  const out = new Int32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isInteger(v) || v < 0 || v > 0x7fffffff || (i > 0 && v < values[i - 1]!)) throw corrupt(name, `${what} offset ${i}`);
    out[i] = v;
  }
  return out;
}

/** Parse a whole prepared corpus file, verifying its version, sizes and checksum. */
export function parsePreparedCorpus(bytes: Buffer, name: string): PreparedCorpus {
  if (!isPreparedCorpus(bytes)) throw new InputError(`${name} is not a prepared corpus`);
  if (bytes.length < 20) throw corrupt(name, 'too short');
  const stored = bytes.readUInt32LE(bytes.length - 4);
  if ((crc32(bytes.subarray(0, bytes.length - 4)) >>> 0) !== stored) throw corrupt(name, 'checksum mismatch');
  const body = bytes.subarray(0, bytes.length - 4);
  const cursor = new Cursor(body, name);
  cursor.pos = PREPARED_MAGIC.length;
  const version = cursor.u32('version');
  if (version !== FORMAT_VERSION) {
    throw new InputError(`${name}: prepared corpus format version ${version}, this wordspace reads version ${FORMAT_VERSION}`, 'prepare it again with this version of wordspace');
  }
  const headerLength = cursor.u32('header');
  let header: PreparedHeader;
  try {
    header = JSON.parse(body.toString('utf8', cursor.pos, cursor.pos + headerLength)) as PreparedHeader;
  } catch {
    throw corrupt(name, 'header');
  }
  cursor.pos += headerLength;
  cursor.align();
  for (const key of ['types', 'tokens', 'sentences', 'documents', 'tokensRead', 'typesSeen'] as const) {
    if (!Number.isSafeInteger(header[key]) || header[key] < 0) throw corrupt(name, `header field ${key}`);
  }
  const words = cursor.strings(header.types, 'vocabulary');
  const counts = cursor.typed(Float64Array, header.types, 'counts');
  const ids = cursor.typed(Uint32Array, header.tokens, 'tokens');
  const sentenceStarts = int32Offsets(cursor.typed(Float64Array, header.sentences + 1, 'sentences'), name, 'sentence');
  const docStarts = int32Offsets(cursor.typed(Float64Array, header.documents + 1, 'documents'), name, 'document');
  const docLabels = cursor.strings(header.documents, 'document labels');
  if (cursor.pos !== body.length) throw corrupt(name, 'trailing bytes');
  if (sentenceStarts[sentenceStarts.length - 1] !== header.tokens || docStarts[docStarts.length - 1] !== header.sentences) throw corrupt(name, 'boundaries');
  for (let i = 0; i < ids.length; i++) if (ids[i]! >= header.types) throw corrupt(name, `token ${i} has id ${ids[i]} beyond the vocabulary`);
  const settings: PreparedSettings = {
    tokenizer: header.tokenizer,
    keepCase: header.keepCase,
    docs: header.docs,
    textColumn: header.textColumn,
    minCount: header.minCount,
    maxVocab: header.maxVocab,
    vocabFile: header.vocabFile,
  };
  return {
    settings,
    corpus: {
      vocab: new Vocabulary(words, counts),
      tokens: new Int32Array(ids.buffer, ids.byteOffset, ids.length),
      sentenceStarts,
      docStarts,
      docLabels,
      tokensRead: header.tokensRead,
      typesSeen: header.typesSeen,
    },
  };
}

/**
 * The corpus a command sees: the prepared vocabulary cut with the command's own --min-count,
 * --max-vocab or --vocab, and out-of-vocabulary tokens dropped — what reading the text would give.
 */
export function cutPrepared(prepared: Corpus, options: VocabularyOptions): Corpus {
  const { vocab, remap } = cutVocabulary(prepared.vocab.words, prepared.vocab.counts, options);
  const tokens = new Int32Array(prepared.tokens.length);
  const sentenceStarts = new Int32Array(prepared.sentenceStarts.length);
  let write = 0;
  for (let s = 0; s + 1 < prepared.sentenceStarts.length; s++) {
    sentenceStarts[s] = write;
    for (let p = prepared.sentenceStarts[s]!; p < prepared.sentenceStarts[s + 1]!; p++) {
      const id = remap[prepared.tokens[p]!]!;
      if (id >= 0) tokens[write++] = id;
    }
  }
  sentenceStarts[sentenceStarts.length - 1] = write;
  return { ...prepared, vocab, tokens: tokens.slice(0, write), sentenceStarts };
}
