/**
 * The token stream of a corpus (issue 7 §2): every kept token's vocabulary id in text order, with
 * SENTENCE_END after each sentence — held in memory when it fits the budget, otherwise spilled to
 * compact temporary files (4 bytes an entry) that the encoders stream, never materialising the
 * whole stream. Encoders consume a TokenStream (pieces, sentences, or stored ranges handed to worker
 * threads), not an array, so the same code trains from memory, from a spill and from a prepared
 * corpus file. Positions are plain numbers (exact to 2^53): no 32-bit limit on tokens or sentences.
 *
 * A stream is a list of parts. A part's entries are stored (in memory or at a byte offset of a file)
 * in some numbering of the types — the reader's provisional ids, a worker's local ids, a prepared
 * corpus's vocabulary — and its `map` turns them into final ids when they are read: a negative map
 * value drops the token (out of the vocabulary), DROPPED marks a token of a type pruned while
 * counting. So neither the vocabulary cut nor a merge of workers rewrites a spilled file.
 */
import { closeSync, mkdtempSync, openSync, readSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError } from '../core/errors.js';
import { registerTemporaryDirectory, releaseTemporaryDirectory, temporaryWriteError } from '../io/output.js';
import { GrowableInt32 } from './growable.js';

/** Ends every sentence (also an empty one: document boundaries count sentences). */
export const SENTENCE_END = -1;
/** A token of a type pruned while counting (only in stored, not yet mapped, entries). */
export const DROPPED = -2;
/** Entries read from a file at once. */
export const DEFAULT_PIECE = 1 << 20;

/** Entries stored in memory or in a file, and how their ids become final ids. */
export interface StreamPart {
  /** The entries, when in memory. */
  data?: Int32Array;
  /** The file holding them (little-endian int32) from `byteOffset`, when not in memory. */
  path?: string;
  byteOffset: number;
  entries: number;
  /** Stored id → final id, negative: not kept. Absent: stored ids are final. */
  map?: Int32Array;
  /** Named in the error when the stored entries turn out corrupt (a prepared corpus's file name). */
  name?: string;
}

function corruptStream(part: StreamPart, what: string): InputError {
  return new InputError(`${part.name ?? part.path ?? 'token stream'}: the token stream is truncated or corrupt (${what})`, part.name ? 'prepare it again with `wordspace prepare`' : undefined);
}

/** Read `bytes` bytes at `position` into `into`, all of them or an error. */
function readFully(fd: number, into: Uint8Array, bytes: number, position: number, part: StreamPart): void {
  let done = 0;
  while (done < bytes) {
    const n = readSync(fd, into, done, bytes - done, position + done);
    if (n === 0) throw corruptStream(part, `ends ${bytes - done} bytes early`);
    done += n;
  }
}

/** Map stored entries to final ones into `out`, dropping what is not kept; returns how many were written. */
function mapEntries(src: Int32Array, n: number, map: Int32Array, out: Int32Array, part: StreamPart): number {
  let k = 0;
  const types = map.length;
  for (let i = 0; i < n; i++) {
    const e = src[i]!;
    if (e >= 0) {
      if (e >= types) throw corruptStream(part, `id ${e} beyond the ${types} types`);
      const m = map[e]!;
      if (m >= 0) out[k++] = m;
    } else if (e === SENTENCE_END) out[k++] = SENTENCE_END;
    else if (e !== DROPPED) throw corruptStream(part, `entry ${e}`);
  }
  return k;
}

/**
 * The final entries of `parts` in pieces of at most `piece` entries (each yielded array is only
 * valid until the next one is asked for). Stored positions of one range of a part can be given.
 */
export function* readParts(parts: readonly StreamPart[], piece = DEFAULT_PIECE): Generator<Int32Array> {
  const raw = new Int32Array(piece);
  const rawBytes = new Uint8Array(raw.buffer);
  const out = new Int32Array(piece);
  for (const part of parts) {
    if (part.data && !part.map) {
      for (let p = 0; p < part.entries; p += piece) yield part.data.subarray(p, Math.min(part.entries, p + piece));
      continue;
    }
    const fd = part.data ? -1 : openSync(part.path!, 'r');
    try {
      for (let p = 0; p < part.entries; ) {
        const n = Math.min(piece, part.entries - p);
        let src: Int32Array;
        if (part.data) src = part.data.subarray(p, p + n);
        else {
          readFully(fd, rawBytes, n * 4, part.byteOffset + p * 4, part);
          src = raw;
        }
        p += n;
        if (!part.map) {
          yield src.subarray(0, n);
          continue;
        }
        const k = mapEntries(src, n, part.map, out, part);
        if (k > 0) yield out.subarray(0, k);
      }
    } finally {
      if (fd >= 0) closeSync(fd);
    }
  }
}

/** Entries ≥ 0 (tokens) and SENTENCE_END entries of a final array. */
function countEntries(data: Int32Array): { tokens: number; sentences: number } {
  let sentences = 0;
  for (let i = 0; i < data.length; i++) if (data[i] === SENTENCE_END) sentences++;
  return { tokens: data.length - sentences, sentences };
}

export class TokenStream {
  private disposed = false;

  /**
   * `tokens` and `sentences`: how many final tokens and sentences the parts hold (the caller knows
   * them from the counts; an in-memory array is counted). `dir`: a temporary directory this stream
   * owns and removes on dispose.
   */
  constructor(
    readonly parts: readonly StreamPart[],
    readonly tokens: number,
    readonly sentences: number,
    private readonly dir?: string,
  ) {}

  /** The temporary directory the stream owns (handed on to a stream derived from it). */
  get ownedDirectory(): string | undefined {
    return this.dir;
  }

  /** A stream held in one final array (ids ≥ 0 and SENTENCE_END). */
  static fromArray(data: Int32Array): TokenStream {
    const { tokens, sentences } = countEntries(data);
    return new TokenStream(data.length > 0 ? [{ data, byteOffset: 0, entries: data.length }] : [], tokens, sentences);
  }

  /** The whole stream as one final array, when it is held that way (else undefined: stream it). */
  get array(): Int32Array | undefined {
    if (this.parts.length === 0) return new Int32Array(0);
    const [part] = this.parts;
    return this.parts.length === 1 && part!.data && !part!.map ? part!.data : undefined;
  }

  /** True when some entries are read from a file. */
  get onDisk(): boolean {
    return this.parts.some((p) => p.path !== undefined);
  }

  /** Entries as stored (final entries plus dropped ones): the positions `range` takes. */
  get storedEntries(): number {
    let n = 0;
    for (const p of this.parts) n += p.entries;
    return n;
  }

  /** Bytes held in memory by the stream. */
  get memoryBytes(): number {
    let n = 0;
    for (const p of this.parts) n += (p.data?.byteLength ?? 0) + (p.map?.byteLength ?? 0);
    return n;
  }

  /** The final entries in pieces (see readParts). */
  pieces(piece = DEFAULT_PIECE): Generator<Int32Array> {
    return readParts(this.parts, piece);
  }

  /**
   * Call `visit(ids, begin, end)` for every sentence in order, its tokens being ids[begin .. end)
   * (only valid during the call); empty sentences are visited too.
   */
  forEachSentence(visit: (ids: Int32Array, begin: number, end: number) => void, piece = DEFAULT_PIECE): void {
    forEachSentenceOf(this.pieces(piece), visit);
  }

  /** The parts covering stored positions [from, to), for a worker thread to read itself. */
  range(from: number, to: number): StreamPart[] {
    const out: StreamPart[] = [];
    let base = 0;
    for (const part of this.parts) {
      const start = Math.max(from, base);
      const end = Math.min(to, base + part.entries);
      if (start < end) {
        const skip = start - base;
        out.push({
          ...part,
          data: part.data?.subarray(skip, end - base),
          byteOffset: part.byteOffset + skip * 4,
          entries: end - start,
        });
      }
      base += part.entries;
    }
    return out;
  }

  /** Stored entries [from, to) as they are stored (unmapped; for a short look, e.g. at sentence ends). */
  stored(from: number, to: number): Int32Array {
    const out = new Int32Array(Math.max(0, to - from));
    let at = 0;
    for (const part of this.range(from, to)) {
      if (part.data) out.set(part.data.subarray(0, part.entries), at);
      else {
        const fd = openSync(part.path!, 'r');
        try {
          readFully(fd, new Uint8Array(out.buffer, at * 4, part.entries * 4), part.entries * 4, part.byteOffset, part);
        } finally {
          closeSync(fd);
        }
      }
      at += part.entries;
    }
    return out;
  }

  /** Remove the temporary files (the stream cannot be read afterwards). */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (this.dir) releaseTemporaryDirectory(this.dir);
  }
}

/** Sentences of a sequence of final pieces (see TokenStream.forEachSentence). */
export function forEachSentenceOf(pieces: Iterable<Int32Array>, visit: (ids: Int32Array, begin: number, end: number) => void): void {
  const carry = new GrowableInt32(1 << 10);
  for (const piece of pieces) {
    let start = 0;
    for (let i = 0; i < piece.length; i++) {
      if (piece[i] !== SENTENCE_END) continue;
      if (carry.length > 0) {
        carry.append(piece.subarray(start, i));
        visit(carry.data, 0, carry.length);
        carry.length = 0;
      } else visit(piece, start, i);
      start = i + 1;
    }
    if (start < piece.length) carry.append(piece.subarray(start));
  }
  if (carry.length > 0) visit(carry.data, 0, carry.length);
}

/** A temporary directory for spilled streams, removed on signals and by TokenStream.dispose. */
export function makeStreamDirectory(parent = tmpdir()): string {
  let dir: string;
  try {
    dir = mkdtempSync(join(parent, 'wordspace-tokens-'));
  } catch (err) {
    throw temporaryWriteError('a temporary directory', parent, err);
  }
  registerTemporaryDirectory(dir);
  return dir;
}

/** A run of flushed entries in a file, in the numbering the sink had when they were written (map null) or mapped since. */
export interface SpilledGroup {
  path: string;
  byteOffset: number;
  entries: number;
  /** Ids as written → the sink's current ids; null: the same. */
  map: Int32Array | null;
}

/** Compose `map` (a → b) with `next` (b → c): a → c, negatives kept negative. */
function compose(map: Int32Array | null, next: Int32Array): Int32Array {
  if (!map) return next.slice();
  const out = new Int32Array(map.length);
  for (let i = 0; i < map.length; i++) {
    const m = map[i]!;
    out[i] = m >= 0 ? next[m]! : -1;
  }
  return out;
}

/**
 * Where a reader puts the token stream while it counts: stored ids in the reader's (provisional)
 * numbering, SENTENCE_END after each sentence, in memory up to `maxEntries` entries and then flushed
 * to a file in `dir` (made on the first flush when not given). Pruning renumbers the ids (`prune`),
 * the vocabulary cut maps them to final ids (`finish`); spilled entries are never rewritten.
 */
export class TokenSink {
  readonly buffer: GrowableInt32;
  sentences = 0;
  private readonly groups: SpilledGroup[] = [];
  private fd = -1;
  private path = '';
  private written = 0;

  constructor(
    private readonly maxEntries = Infinity,
    private dir?: string,
    private readonly fileName = 'tokens.i32',
  ) {
    this.buffer = new GrowableInt32(Math.min(1 << 16, Math.max(1024, maxEntries)));
  }

  /** The temporary directory, made now if there is none yet (the reader's workers spill into it too). */
  directory(): string {
    if (!this.dir) this.dir = makeStreamDirectory();
    return this.dir;
  }

  get spilled(): boolean {
    return this.groups.length > 0;
  }

  /** One sentence: ids[0 .. n). */
  sentence(ids: Int32Array, n: number): void {
    const buffer = this.buffer;
    buffer.reserve(n + 1);
    buffer.data.set(ids.subarray(0, n), buffer.length);
    buffer.length += n;
    buffer.data[buffer.length++] = SENTENCE_END;
    this.sentences++;
    if (buffer.length >= this.maxEntries) this.flush();
  }

  /** Entries ready as stored (ids, SENTENCE_END after each of the `sentences` sentences), ending at a sentence end. */
  entries(data: Int32Array, sentences: number): void {
    const buffer = this.buffer;
    buffer.reserve(data.length);
    buffer.data.set(data, buffer.length);
    buffer.length += data.length;
    this.sentences += sentences;
    if (buffer.length >= this.maxEntries) this.flush();
  }

  /** Entries that may still come before the buffer is flushed (at least 1, at most 2^31 − 1). */
  room(): number {
    return Math.max(1, Math.min(0x7fffffff, this.maxEntries - this.buffer.length));
  }

  /** Another sink's stored entries, their ids mapped through `map` (DROPPED and SENTENCE_END kept). */
  appendMapped(entries: Int32Array, map: Int32Array, sentences: number): void {
    const buffer = this.buffer;
    buffer.reserve(entries.length);
    const data = buffer.data;
    let at = buffer.length;
    for (let i = 0; i < entries.length; i++) {
      const e = entries[i]!;
      data[at++] = e >= 0 ? map[e]! : e;
    }
    buffer.length = at;
    this.sentences += sentences;
    if (buffer.length >= this.maxEntries) this.flush();
  }

  /** Another sink's spilled groups, their ids mapped through `map` (after this sink's own entries so far). */
  adopt(groups: readonly SpilledGroup[], map: Int32Array, sentences: number): void {
    this.flush();
    for (const g of groups) this.groups.push({ ...g, map: compose(g.map, map) });
    this.sentences += sentences;
  }

  /** Write the buffered entries to the file and empty the buffer. */
  flush(): void {
    const buffer = this.buffer;
    if (buffer.length === 0) return;
    if (!this.dir) this.dir = makeStreamDirectory();
    try {
      if (this.fd < 0) {
        this.path = join(this.dir, this.fileName);
        this.fd = openSync(this.path, 'w');
      }
      const bytes = new Uint8Array(buffer.data.buffer, 0, buffer.length * 4);
      let done = 0;
      while (done < bytes.length) done += writeSync(this.fd, bytes, done, bytes.length - done);
    } catch (err) {
      throw temporaryWriteError('the token stream', this.dir, err);
    }
    const byteLength = buffer.length * 4;
    const last = this.groups[this.groups.length - 1];
    if (last && last.map === null && last.path === this.path && last.byteOffset + last.entries * 4 === this.written) last.entries += buffer.length;
    else this.groups.push({ path: this.path, byteOffset: this.written, entries: buffer.length, map: null });
    this.written += byteLength;
    buffer.length = 0;
  }

  /** Ids renumbered by pruning: remap[old] is the new id, or negative for a pruned type. */
  prune(remap: Int32Array): void {
    const data = this.buffer.data;
    for (let i = 0; i < this.buffer.length; i++) {
      const t = data[i]!;
      if (t < 0) continue;
      const m = remap[t]!;
      data[i] = m < 0 ? DROPPED : m;
    }
    for (const g of this.groups) g.map = compose(g.map, remap);
  }

  /** Everything flushed (for a worker handing its stream over), the file closed. */
  spill(): SpilledGroup[] {
    this.flush();
    this.close();
    return this.groups;
  }

  private close(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
  }

  /**
   * The final stream: `cut` maps the sink's ids to vocabulary ids (negative: not kept), `tokens`
   * is how many tokens the vocabulary keeps (the sum of its counts). In memory the entries are
   * mapped in place; spilled, the rest is flushed and each group reads through its map.
   */
  finish(cut: Int32Array, tokens: number): TokenStream {
    if (!this.spilled) {
      const data = this.buffer.data;
      let write = 0;
      for (let i = 0; i < this.buffer.length; i++) {
        const t = data[i]!;
        if (t === SENTENCE_END) data[write++] = t;
        else if (t >= 0) {
          const id = cut[t]!;
          if (id >= 0) data[write++] = id;
        }
      }
      // A copy only when it saves much (the copy and the buffer live together for a moment).
      const array = write >= data.length * 0.75 ? data.subarray(0, write) : data.slice(0, write);
      this.buffer.data = new Int32Array(0);
      this.buffer.length = 0;
      return new TokenStream(write > 0 ? [{ data: array, byteOffset: 0, entries: write }] : [], write - this.sentences, this.sentences, this.dir);
    }
    this.flush();
    this.close();
    const parts = this.groups.map((g) => ({ path: g.path, byteOffset: g.byteOffset, entries: g.entries, map: compose(g.map, cut) }));
    return new TokenStream(parts, tokens, this.sentences, this.dir);
  }

  /** Close and remove what was written (on an error). */
  discard(): void {
    this.close();
    if (this.dir) releaseTemporaryDirectory(this.dir);
  }
}
