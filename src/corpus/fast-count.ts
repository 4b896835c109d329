/**
 * Corpus reading at disk speed (issue 7 §1): plain-text inputs are read as bytes and tokenized by
 * the byte scanner (src/text/scan.ts); a large regular file is split into byte ranges at line
 * boundaries that worker threads scan in parallel, and their types, counts and token streams are
 * merged in file order. Standard input and gzip are streamed through the same scanner on one
 * thread; CSV keeps the line reader. The result is the one buildCorpus gives on readCorpusLines —
 * same vocabulary, counts, token ids, sentences, documents and invalid-UTF-8 warnings
 * (test/fast-count.test.ts proves it on fixtures).
 */
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { InputError } from '../core/errors.js';
import { decompressedBytes, displayName, isCsvPath, readCorpusLines, type InputOptions } from '../io/input.js';
import { CHUNK_DONE, CHUNK_HAN, CHUNK_UNICODE, decodeLine, LineScanner, TokenTable } from '../text/scan.js';
import type { TokenizerOptions } from '../text/tokenize.js';
import { buildCorpus, finishCorpus, type Corpus, type CorpusOptions } from './corpus.js';
import { GrowableFloat64, GrowableInt32 } from './growable.js';
import { TokenSink, type SpilledGroup } from './stream.js';
import { MIN_TYPES, PRUNE_TARGET } from './budget.js';
import { workerExecArgv } from '../core/worker-argv.js';

const CHUNK = 4 << 20;
/** The calling thread reads at most this much between two looks at its workers (a ready worker waits at most that long for its range). */
const MAIN_CHUNK = 256 << 10;
/** A smaller range is not worth a worker (its merge and its start cost more than it saves). */
const DEFAULT_MIN_WORKER_BYTES = 1 << 20;
/** A worker's unclaimed rest worth taking half of (a range costs a table and a merge of its types). */
const DEFAULT_MIN_STEAL_BYTES = 1 << 20;
/** Bytes of consecutive non-ASCII lines tokenized in one batch (one jieba call for their Han runs). */
const UNICODE_BATCH = 64 << 10;
/** Below this a file is scanned on the calling thread (a worker costs ~40 ms to start). */
const DEFAULT_MIN_PARALLEL_BYTES = 16 << 20;
/** A stream up to this size is held in memory and read by all threads (FastReadOptions.maxBufferedBytes). */
const DEFAULT_MAX_BUFFERED = 256 << 20;
/** Text compresses about 3× with gzip (the English mix: 2.8×): a gzip file this many times minParallelBytes is likely to be split. */
const LIKELY_GZIP_RATIO = 2.5;
/** Han in a file's first bytes: its workers load jieba's dictionary before they say they are ready. */
const HAN_RE = /\p{scx=Han}/u;
const GZIP_MAGIC_0 = 0x1f;
const GZIP_MAGIC_1 = 0x8b;
/** As decompressedBytes: a NUL byte in the first 8000 bytes means binary (refused there). */
const BINARY_SNIFF_BYTES = 8000;

export interface FastReadOptions {
  /** Worker threads for large regular files (default: the cores, at most 4; 1 = none). */
  threads?: number;
  /** Files smaller than this are not split (default 16 MiB). */
  minParallelBytes?: number;
  /** Bytes per read (default 4 MiB; tests use tiny ones to cut lines across reads). */
  chunkBytes?: number;
  /**
   * A stream (gzip, standard input) that ends within this many (decompressed) bytes is held in
   * memory and split among the threads like a file; a longer one is read on one thread, streamed
   * (default DEFAULT_MAX_BUFFERED; src/corpus/budget.ts gives it from --memory).
   */
  maxBufferedBytes?: number;
  /** A worker is given a range only if it would hold at least this many bytes (default 1 MiB). */
  minWorkerBytes?: number;
  /** The calling thread takes part of a worker's range when the worker has at least this many bytes left to claim (default 1 MiB). */
  minStealBytes?: number;
  /** Tests: one kernel call per line, no chunks and no batches (the reference for pruning inside a chunk). */
  lineByLine?: boolean;
  /** Tests: wait until every worker is ready and cut all ranges before the calling thread reads (cuts that do not depend on timing). */
  cutWhenAllReady?: boolean;
}

/**
 * Splits byte chunks into lines (without `\n` and one trailing `\r`, as textLines does), the
 * first line of a source without its UTF-8 byte-order mark.
 */
class LineFeeder {
  lines = 0;
  private pieces: Buffer[] = [];
  private first: boolean;

  constructor(
    private readonly onLine: (bytes: Buffer, start: number, end: number, lineNo: number) => void,
    atSourceStart: boolean,
  ) {
    this.first = atSourceStart;
  }

  /** A chunk; it may be modified and reused by the caller afterwards (the tail is copied). */
  feed(chunk: Buffer): void {
    let pos = 0;
    if (this.pieces.length > 0) {
      const nl = chunk.indexOf(10);
      if (nl === -1) {
        this.pieces.push(Buffer.from(chunk));
        return;
      }
      this.pieces.push(chunk.subarray(0, nl));
      const line = Buffer.concat(this.pieces);
      this.pieces = [];
      this.emit(line, 0, line.length);
      pos = nl + 1;
    }
    for (let nl = chunk.indexOf(10, pos); nl !== -1; nl = chunk.indexOf(10, pos)) {
      this.emit(chunk, pos, nl);
      pos = nl + 1;
    }
    if (pos < chunk.length) this.pieces.push(Buffer.from(chunk.subarray(pos)));
  }

  end(): void {
    if (this.pieces.length === 0) return;
    const line = Buffer.concat(this.pieces);
    this.pieces = [];
    if (line.length > 0) this.emit(line, 0, line.length);
  }

  private emit(bytes: Buffer, start: number, end: number): void {
    if (end > start && bytes[end - 1] === 13) end--;
    if (this.first) {
      this.first = false;
      if (end - start >= 3 && bytes[start] === 0xef && bytes[start + 1] === 0xbb && bytes[start + 2] === 0xbf) start += 3;
    }
    this.onLine(bytes, start, end, ++this.lines);
  }
}

/**
 * Splits byte chunks at their last newline and hands runs of whole lines to the kernel in one call
 * (Accumulator.lines), the first line of a source without its UTF-8 byte-order mark. The lines are
 * those of LineFeeder. With `lineDoc` (`--docs line`) every line that is not blank starts a
 * document: lineDoc(its line number) gives its label, or undefined to record the line number
 * instead (a worker's range: the calling thread names it when it merges).
 */
class ChunkFeeder {
  lines = 0;
  private pieces: Buffer[] = [];
  private first: boolean;

  constructor(
    private readonly acc: Accumulator,
    atSourceStart: boolean,
    private readonly lineDoc?: (lineNo: number) => string | undefined,
  ) {
    this.first = atSourceStart;
  }

  /** A chunk; it may be modified and reused by the caller afterwards (the tail is copied). */
  feed(chunk: Buffer): void {
    const nl = chunk.lastIndexOf(10);
    if (nl === -1) {
      if (chunk.length > 0) this.pieces.push(Buffer.from(chunk));
      return;
    }
    this.pieces.push(chunk.subarray(0, nl + 1));
    this.flush();
    if (nl + 1 < chunk.length) this.pieces.push(Buffer.from(chunk.subarray(nl + 1)));
  }

  end(): void {
    if (this.pieces.length === 0) return;
    this.pieces.push(NEWLINE);
    this.flush();
  }

  private flush(): void {
    const pieces = this.pieces;
    this.pieces = [];
    if (this.first) {
      this.first = false;
      const head = pieces.length === 1 ? pieces[0]! : Buffer.concat(pieces.slice(0, 3)).subarray(0, 3);
      if (head.length >= 3 && head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) {
        // The BOM: drop its 3 bytes from the front of the pieces.
        let skip = 3;
        while (skip > 0) {
          const p = pieces[0]!;
          if (p.length <= skip) {
            skip -= p.length;
            pieces.shift();
          } else {
            pieces[0] = p.subarray(skip);
            skip = 0;
          }
        }
      }
    }
    this.lines += this.acc.lines(pieces, this.lineDoc && { base: this.lines, label: this.lineDoc });
  }
}

const NEWLINE = Buffer.from([10]);

/** Tokens, sentences and documents of one pass, with ids local to its TokenTable. */
class Accumulator {
  readonly table = new TokenTable();
  readonly sink: TokenSink;
  readonly docStarts = new GrowableFloat64();
  readonly docLabels: string[] = [];
  /** For a worker's `--docs line`: the local line number of each document. */
  readonly docLines = new GrowableInt32();
  tokensRead = 0;
  readonly scanner: LineScanner;
  /** Types dropped by pruning (a type dropped twice counts twice), and the last count threshold. */
  pruned = 0;
  threshold = 0;
  private limit: number;

  /** Scan with another type limit (the calling thread reading its range under a worker's share), then restore it and prune as a merge would. */
  async withTypeLimit(limit: number | undefined, scan: () => Promise<void>): Promise<void> {
    if (limit === undefined) return scan();
    const saved = this.limit;
    this.limit = limit;
    try {
      await scan();
    } finally {
      this.limit = saved;
    }
    this.pruneIfFull();
  }

  constructor(
    tokenizer: TokenizerOptions,
    readonly keepTokens: boolean,
    private readonly pruning: Pruning = {},
    stream: { maxEntries?: number; dir?: string; fileName?: string } = {},
  ) {
    this.sink = new TokenSink(keepTokens ? (stream.maxEntries ?? Infinity) : 1, stream.dir, stream.fileName);
    this.scanner = new LineScanner(this.table, tokenizer);
    this.limit = pruning.maxTypes ?? Infinity;
  }

  /**
   * Over the type limit: drop rare types (TokenTable.prune) down to PRUNE_TARGET of it, the
   * threshold starting one above the last one (word2vec's min_reduce). Kept token ids are renumbered,
   * those of dropped types become DROPPED (out of vocabulary), also in what was spilled.
   */
  pruneIfFull(): void {
    if (this.table.size <= this.limit) return;
    const from = this.pruned > 0 ? this.threshold + 1 : 1;
    const { remap, removed, threshold } = this.table.prune(Math.floor(this.limit * PRUNE_TARGET), from, this.pruning.keep);
    this.pruned += removed;
    this.threshold = threshold;
    // Types that must stay (a fixed vocabulary) may alone fill the table: let it grow then.
    if (this.table.size > this.limit * PRUNE_TARGET) this.limit = 2 * this.table.size;
    if (this.keepTokens) this.sink.prune(remap);
  }

  startDoc(label: string): void {
    this.docStarts.push(this.sink.sentences);
    this.docLabels.push(label);
  }

  /**
   * Scan whole lines (the concatenated `pieces` end with a newline) in the kernel, a chunk a call; a
   * line the kernel refuses goes through the regex tokenizer, as in `line`. The kernel pauses where
   * `line` would flush the stream or prune the type table, so both do it at the same lines. With
   * `docs`, each line that is not blank starts a document, as `line` does it (`base`: the lines of
   * the source before these). Returns the number of lines.
   */
  lines(pieces: readonly Buffer[], docs?: { base: number; label: (lineNo: number) => string | undefined }): number {
    const table = this.table;
    let kernel = table.kernel;
    let length = 0;
    for (const p of pieces) length += p.length;
    if (length === 0) return 0;
    let at = kernel.chunkBuffer(length);
    const memory = table.memory();
    let offset = at;
    for (const p of pieces) {
      memory.set(p, offset);
      offset += p.length;
    }
    const typeLimit = Math.min(0x7fffffff, this.limit);
    let from = 0;
    let lines = 0;
    /** After pruning (a new kernel): the unread `rest` of the chunk moves into it; false when nothing is left. */
    const moveTo = (rest: Buffer): boolean => {
      kernel = table.kernel;
      length = rest.length;
      if (length === 0) return false;
      at = kernel.chunkBuffer(length);
      table.memory().set(rest, at);
      from = 0;
      return true;
    };
    for (;;) {
      const status = kernel.scanChunk(from, length, this.keepTokens ? this.sink.room() : 0x7fffffff, typeLimit, docs ? 1 : 0);
      if (docs) {
        const count = kernel.docStartCount();
        const starts = new Int32Array(kernel.memory.buffer, kernel.docsBuffer(), 2 * count);
        for (let d = 0; d < count; d++) this.lineDocStart(docs.base + lines + starts[2 * d]! + 1, this.keepTokens ? starts[2 * d + 1]! : 0, docs.label);
      }
      lines += kernel.lineCount();
      if (kernel.typeCount() !== table.size) table.syncTypes();
      const entries = kernel.outEntries();
      if (entries > 0) {
        const sentences = kernel.outSentenceCount();
        if (this.keepTokens) this.sink.entries(new Int32Array(kernel.memory.buffer, kernel.outBuffer(), entries), sentences);
        this.tokensRead += entries - sentences;
      }
      if (status === CHUNK_DONE) break;
      from = kernel.resumeFrom();
      if (status === CHUNK_UNICODE) {
        // This line and the lines right after it that the kernel refuses too (up to UNICODE_BATCH
        // bytes) are decoded and tokenized at once (one ICU or jieba pass for all of them), then
        // counted line by line, pruning where the line-by-line reading would.
        const scanner = this.scanner;
        const bytes = table.memory();
        const texts = [decodeLine(bytes, at + kernel.stopLine(), at + kernel.stopLineEnd())];
        let batch = kernel.stopLineEnd() - kernel.stopLine();
        while (from < length && batch < UNICODE_BATCH) {
          const nl = bytes.indexOf(10, at + from);
          const end = nl > at + from && bytes[nl - 1] === 13 ? nl - 1 : nl;
          if (kernel.refuses(from, end - at) === 0) break;
          const text = decodeLine(bytes, at + from, end);
          texts.push(text);
          batch += nl + 1 - (at + from);
          from = nl + 1 - at;
        }
        let rest: Buffer | undefined;
        const cut = scanner.unicodeLines(texts);
        for (let k = 0; k < cut.length; k++) {
          const words = cut[k]!;
          lines++;
          if (docs && texts[k]!.trim() !== '') this.lineDocStart(docs.base + lines, 0, docs.label);
          const n = words.length === 0 ? 0 : scanner.count(words);
          if (n > 0) {
            if (this.keepTokens) this.sink.sentence(scanner.ids, n);
            this.tokensRead += n;
          }
          if (table.size > this.limit) {
            // Pruning starts a new kernel: the rest of the chunk moves to it (below).
            rest ??= Buffer.from(table.memory().subarray(at + from, at + length));
            this.pruneIfFull();
          }
        }
        if (rest && !moveTo(rest)) break;
      }
      if (table.size > this.limit) {
        // Pruning starts a new kernel: the rest of the chunk moves to it (a batch of runs gathered
        // is gathered again there).
        const rest = Buffer.from(table.memory().subarray(at + from, at + length));
        this.pruneIfFull();
        if (!moveTo(rest)) break;
        continue;
      }
      if (status === CHUNK_HAN) this.scanner.cutRuns();
    }
    return lines;
  }

  /** A document starting at line `lineNo`, `ahead` sentences after those stored so far (line's rule; see lines). */
  private lineDocStart(lineNo: number, ahead: number, label: (lineNo: number) => string | undefined): void {
    const name = label(lineNo);
    this.docStarts.push(this.sink.sentences + ahead);
    if (name === undefined) this.docLines.push(lineNo);
    else this.docLabels.push(name);
  }

  /** Scan a line; `lineDocs`: each non-blank line is a document (its line number goes to `docLines`, the label to `label`). */
  line(bytes: Buffer, start: number, end: number, lineDoc?: (lineNo: number) => string | undefined, lineNo = 0): void {
    const scanner = this.scanner;
    const n = scanner.line(bytes, start, end);
    if (lineDoc) {
      if (scanner.blank) return;
      const label = lineDoc(lineNo);
      if (label === undefined) {
        this.docStarts.push(this.sink.sentences);
        this.docLines.push(lineNo);
      } else this.startDoc(label);
    }
    if (n === 0) return;
    if (this.keepTokens) this.sink.sentence(scanner.ids, n);
    this.tokensRead += n;
    this.pruneIfFull();
  }
}

/** What a worker sends back for its byte range. */
export interface RangeResult {
  words: string[];
  counts: Float64Array;
  /** The range's stored entries (local ids, SENTENCE_END, DROPPED), when they stayed in memory. */
  tokens: Int32Array;
  /** Or the files they were spilled to. */
  spilled?: SpilledGroup[];
  sentences: number;
  docStarts: Float64Array;
  docLines: Int32Array;
  lines: number;
  replaced: number;
  tokensRead: number;
  pruned: number;
  threshold: number;
}

/** Pruning of the type table (src/corpus/budget.ts gives the limit). */
export interface Pruning {
  /** The most types before rare ones are pruned; undefined: no limit. */
  maxTypes?: number;
  /** Types never pruned (those of a fixed vocabulary). */
  keep?: (word: string) => boolean;
}

export interface RangeTask {
  path: string;
  /** The bytes, when they are in memory (a decompressed or piped input) rather than in the file `path`. */
  shared?: SharedArrayBuffer;
  start: number;
  end: number;
  /** A RangeControl's memory: the calling thread may move `end` down while the worker reads (it takes the rest). */
  control?: SharedArrayBuffer;
  /** Tests: one kernel call per line (FastReadOptions.lineByLine). */
  lineByLine?: boolean;
  tokenizer: TokenizerOptions;
  keepTokens: boolean;
  lineDocs: boolean;
  chunkBytes?: number;
  maxTypes?: number;
  /** Words never pruned (a fixed vocabulary). */
  keepWords?: string[];
  /** Entries of the token stream held before spilling to a file in `streamDir` (named `streamFile`). */
  maxStreamEntries?: number;
  streamDir?: string;
  streamFile?: string;
}

/**
 * The feeder of a range: `lineDoc` (`--docs line`) names each document from its line number, or
 * gives undefined to record the number (a range merged later); `lineByLine` is the tests' per-line reader.
 */
function feederOf(acc: Accumulator, atSourceStart: boolean, lineDoc: ((lineNo: number) => string | undefined) | undefined, lineByLine = false): LineFeeder | ChunkFeeder {
  return lineByLine ? new LineFeeder((bytes, s, e, lineNo) => acc.line(bytes, s, e, lineDoc, lineNo), atSourceStart) : new ChunkFeeder(acc, atSourceStart, lineDoc);
}

/** The accumulator and feeder of a range other than the first (its types counted apart, merged later). */
function rangeReader(task: RangeTask): { acc: Accumulator; feeder: LineFeeder | ChunkFeeder } {
  const keepWords = task.keepWords ? new Set(task.keepWords) : undefined;
  const acc = new Accumulator(task.tokenizer, task.keepTokens, { maxTypes: task.maxTypes, keep: keepWords && ((w) => keepWords.has(w)) }, {
    maxEntries: task.maxStreamEntries,
    dir: task.streamDir,
    fileName: task.streamFile,
  });
  return { acc, feeder: feederOf(acc, task.start === 0, task.lineDocs ? () => undefined : undefined, task.lineByLine) };
}

/** What a range's reader holds once it has read the range. */
function rangeResult(acc: Accumulator, feeder: LineFeeder | ChunkFeeder): RangeResult {
  const size = acc.table.size;
  const spilled = acc.sink.spilled ? acc.sink.spill() : undefined;
  return {
    words: acc.table.words,
    counts: acc.table.counts.slice(0, size),
    tokens: spilled ? new Int32Array(0) : acc.sink.buffer.toArray(),
    spilled,
    sentences: acc.sink.sentences,
    docStarts: acc.docStarts.toArray(),
    docLines: acc.docLines.toArray(),
    lines: feeder.lines,
    replaced: acc.scanner.replaced,
    tokensRead: acc.tokensRead,
    pruned: acc.pruned,
    threshold: acc.threshold,
  };
}

/** Scan bytes [start, end) of a file or of shared memory (a worker's job; start is 0 or just after a newline; `end` may move down, see RangeControl). */
export function scanRange(task: RangeTask, onBytes?: (bytes: number) => void): RangeResult {
  const { acc, feeder } = rangeReader(task);
  const control = task.control ? new RangeControl(task.control) : undefined;
  const claim = control ? (pos: number, want: number) => control.claim(pos, want) : fixedEnd(task.end);
  readRange(task.shared ?? task.path, task.start, claim, feeder, task.chunkBytes ?? CHUNK, onBytes);
  return rangeResult(acc, feeder);
}

/**
 * The end of a range a worker reads, which the calling thread may move down to take the rest of the
 * range itself (work stealing: the threads' ranges end together however unevenly the text costs).
 * The worker claims each chunk before it reads it; the end moves only past what was claimed. A
 * spin lock guards the two numbers (both sides hold it for a few instructions).
 */
export class RangeControl {
  private readonly lock: Int32Array;
  private readonly at: Float64Array;

  constructor(readonly memory: SharedArrayBuffer) {
    this.lock = new Int32Array(memory, 0, 1);
    this.at = new Float64Array(memory, 8, 2);
  }

  /** A control for [start, end): nothing claimed yet. */
  static create(start: number, end: number): RangeControl {
    const control = new RangeControl(new SharedArrayBuffer(24));
    control.at[0] = end;
    control.at[1] = start;
    return control;
  }

  /** f under the lock; `busy` instead when the lock stays taken for SPIN_LIMIT tries (a worker that died holding it must not hang the calling thread). */
  private locked<T>(f: () => T, busy?: () => T): T {
    for (let spins = 0; Atomics.compareExchange(this.lock, 0, 0, 1) !== 0; spins++) {
      if (busy && spins >= SPIN_LIMIT) return busy();
    }
    try {
      return f();
    } finally {
      Atomics.store(this.lock, 0, 0);
    }
  }

  /** The reader's next chunk from `pos`: how many of `want` bytes it may read (0: the range is done). */
  claim(pos: number, want: number): number {
    return this.locked(() => {
      const n = Math.max(0, Math.min(want, this.at[0]! - pos));
      this.at[1] = pos + n;
      return n;
    });
  }

  /** Where the reader's claims end and where the range ends (nothing left, should the lock stay taken). */
  state(): { claimed: number; end: number } {
    return this.locked(
      () => ({ claimed: this.at[1]!, end: this.at[0]! }),
      () => ({ claimed: 0, end: 0 }),
    );
  }

  /** End the range at `at` instead (true), unless the reader has claimed past it (or the lock stays taken). */
  cut(at: number): boolean {
    return this.locked(
      () => {
        if (at < this.at[1]! || at >= this.at[0]!) return false;
        this.at[0] = at;
        return true;
      },
      () => false,
    );
  }
}

/** Tries at a taken lock before the calling thread gives up stealing (the holder keeps it for a few instructions). */
const SPIN_LIMIT = 1 << 24;

/** Claims of a range with a fixed end. */
function fixedEnd(end: number): (pos: number, want: number) => number {
  return (pos, want) => Math.max(0, Math.min(want, end - pos));
}

/** Where a range's bytes are: a file, or memory shared with the workers. */
type ByteSource = string | SharedArrayBuffer;

/**
 * The chunks of bytes of a source from `start`, each first claimed (`claim(pos, want)` says how many
 * bytes may be read from pos, 0 at the end); from a file they are read into one reused buffer (each
 * valid until the next).
 */
function* rangeChunks(source: ByteSource, start: number, claim: (pos: number, want: number) => number, chunk: number): Generator<Buffer> {
  if (typeof source !== 'string') {
    for (let pos = start, n = claim(pos, chunk); n > 0; n = claim(pos, chunk)) {
      yield Buffer.from(source, pos, n);
      pos += n;
    }
    return;
  }
  const fd = openSync(source, 'r');
  try {
    const buffer = Buffer.allocUnsafe(chunk);
    for (let pos = start, want = claim(pos, chunk); want > 0; want = claim(pos, chunk)) {
      const n = readSync(fd, buffer, 0, want, pos);
      if (n === 0) break;
      pos += n;
      yield buffer.subarray(0, n);
    }
  } finally {
    closeSync(fd);
  }
}

/** readRange, letting the event loop run between reads (the workers' messages arrive meanwhile). */
async function readRangeYielding(source: ByteSource, start: number, claim: (pos: number, want: number) => number, feeder: LineFeeder | ChunkFeeder, chunk: number, onBytes?: (bytes: number) => void): Promise<void> {
  for (const bytes of rangeChunks(source, start, claim, chunk)) {
    feeder.feed(bytes);
    onBytes?.(bytes.length);
    await new Promise((resolve) => setImmediate(resolve));
  }
  feeder.end();
}

function readRange(source: ByteSource, start: number, claim: (pos: number, want: number) => number, feeder: LineFeeder | ChunkFeeder, chunk: number, onBytes?: (bytes: number) => void): void {
  for (const bytes of rangeChunks(source, start, claim, chunk)) {
    feeder.feed(bytes);
    onBytes?.(bytes.length);
  }
  feeder.end();
}

/**
 * What a regular file holds, read from its first bytes: `plain` text the byte reader can split, or
 * `gzip`, with the file's size; undefined for standard input, anything not a regular file, and a
 * binary file (the stream reader reports those).
 */
function sniffFile(path: string): { kind: 'plain' | 'gzip'; size: number; han?: boolean } | undefined {
  if (path === '-') return undefined;
  let fd: number;
  try {
    if (!statSync(path).isFile()) return undefined;
    fd = openSync(path, 'r');
  } catch {
    return undefined; // the stream reader reports the problem
  }
  try {
    const head = Buffer.alloc(BINARY_SNIFF_BYTES);
    const n = readSync(fd, head, 0, head.length, 0);
    const size = statSync(path).size;
    if (n >= 2 && head[0] === GZIP_MAGIC_0 && head[1] === GZIP_MAGIC_1) return { kind: 'gzip', size };
    if (head.subarray(0, n).includes(0)) return undefined;
    return { kind: 'plain', size, han: HAN_RE.test(decodeLine(head, 0, n)) };
  } finally {
    closeSync(fd);
  }
}

/** The offset just after the first newline at or after `pos` (before `end`), or `end`: where a range may start. */
function nextLineStart(source: ByteSource, pos: number, end: number): number {
  if (typeof source !== 'string') {
    const nl = Buffer.from(source, pos, end - pos).indexOf(10);
    return nl === -1 ? end : pos + nl + 1;
  }
  const fd = openSync(source, 'r');
  try {
    const probe = Buffer.allocUnsafe(1 << 16);
    while (pos < end) {
      const n = readSync(fd, probe, 0, Math.min(probe.length, end - pos), pos);
      if (n === 0) break;
      const nl = probe.subarray(0, n).indexOf(10);
      if (nl !== -1) return pos + nl + 1;
      pos += n;
    }
    return end;
  } finally {
    closeSync(fd);
  }
}

/**
 * The chunks of a stream while they total at most `limit` bytes: `rest` is undefined when the
 * stream ended within them, else it goes on where they stop (the chunk that crossed the limit is
 * the last one held).
 */
async function bufferStream(stream: AsyncIterable<Buffer>, limit: number): Promise<{ chunks: Buffer[]; bytes: number; rest?: AsyncIterator<Buffer> }> {
  const iterator = stream[Symbol.asyncIterator]();
  const chunks: Buffer[] = [];
  let bytes = 0;
  for (;;) {
    const next = await iterator.next();
    if (next.done) return { chunks, bytes };
    chunks.push(next.value);
    bytes += next.value.length;
    if (bytes > limit) return { chunks, bytes, rest: iterator };
  }
}

/** Chunks copied into one block of memory the worker threads can read. */
function sharedBytes(chunks: readonly Buffer[], bytes: number): SharedArrayBuffer {
  const shared = new SharedArrayBuffer(bytes);
  const view = Buffer.from(shared);
  let at = 0;
  for (const chunk of chunks) {
    view.set(chunk, at);
    at += chunk.length;
  }
  return shared;
}

/** Worker threads started before their tasks are known (startWorkers); each reads range after range. */
interface WorkerPool {
  /** Give worker k a range to read; its progress goes to onBytes. Resolves with the range's result. */
  run(k: number, task: RangeTask, onBytes: (n: number) => void): Promise<RangeResult>;
  /** Called with k when worker k has started and waits for its first task (at once for one that already has). */
  onReady(callback: (k: number) => void): void;
  /** Stop every worker. */
  stop(): void;
}

/**
 * Workers started before their tasks are known: a gzip file's while it is decompressed, and every
 * split file's, so that each range is cut when its worker is ready to read it (a worker takes tens of
 * milliseconds to start; cut in advance, the calling thread would wait for the last one).
 */
function startWorkers(count: number, preloadJieba = false): WorkerPool {
  interface Entry {
    worker: Worker;
    ready: boolean;
    used: boolean;
    onBytes?: (n: number) => void;
    pending?: { resolve: (r: RangeResult) => void; reject: (e: unknown) => void };
    failed?: unknown;
  }
  const started: Entry[] = [];
  let readyCallback: ((k: number) => void) | undefined;
  let stopped = false;
  for (let k = 0; k < count; k++) {
    const worker = new Worker(new URL('./fast-count-worker.js', import.meta.url), { execArgv: workerExecArgv(), workerData: { preloadJieba } });
    const entry: Entry = { worker, ready: false, used: false };
    const fail = (err: unknown): void => {
      entry.failed ??= err;
      const pending = entry.pending;
      entry.pending = undefined;
      pending?.reject(err);
    };
    worker.on('message', (message: { ready?: boolean; bytes?: number; result?: RangeResult; failure?: { message: string; hint?: string } }) => {
      if (message.ready) {
        entry.ready = true;
        if (!entry.used) readyCallback?.(k);
      }
      if (message.bytes !== undefined) entry.onBytes?.(message.bytes);
      if (message.result) {
        const pending = entry.pending;
        entry.pending = undefined;
        pending?.resolve(message.result);
      }
      if (message.failure) fail(new InputError(message.failure.message, message.failure.hint));
    });
    worker.on('error', fail);
    worker.on('exit', (code) => {
      if (!stopped) fail(new Error(`corpus reader worker stopped (exit code ${code})`));
    });
    started.push(entry);
  }
  return {
    run: (k, task, onBytes) => {
      const entry = started[k]!;
      entry.used = true;
      entry.onBytes = onBytes;
      return new Promise<RangeResult>((resolve, reject) => {
        if (entry.failed !== undefined) return reject(entry.failed);
        entry.pending = { resolve, reject };
        entry.worker.postMessage(task);
      });
    },
    onReady: (callback) => {
      readyCallback = callback;
      started.forEach((entry, k) => {
        if (entry.ready && !entry.used) callback(k);
      });
    },
    stop: () => {
      readyCallback = undefined;
      stopped = true;
      for (const entry of started) {
        const pending = entry.pending;
        entry.pending = undefined;
        pending?.reject(new Error('corpus reader stopped'));
        void entry.worker.terminate();
      }
    },
  };
}

/** The message decodeUtf8 gives for a source with invalid UTF-8 (kept identical; the tests compare them). */
function invalidUtf8Warning(name: string, replaced: number): string {
  return `${name}: ${replaced} invalid UTF-8 sequence${replaced === 1 ? '' : 's'} replaced with U+FFFD`;
}

/** Whether the byte reader applies: plain text only (CSV keeps the line reader). */
export function fastReadApplies(options: InputOptions): boolean {
  const inputs = options.inputs.length > 0 ? options.inputs : ['-'];
  return options.csv !== true && !inputs.some(isCsvPath) && options.docs !== 'row';
}

/**
 * Read the inputs into a corpus: the byte reader for plain text, else buildCorpus over
 * readCorpusLines. Same result either way.
 */
export async function readCorpus(input: InputOptions, options: CorpusOptions, fast: FastReadOptions = {}): Promise<Corpus> {
  if (!fastReadApplies(input)) return buildCorpus(readCorpusLines(input), options);
  const threads = Math.max(1, fast.threads ?? Math.min(availableParallelism(), 4));
  const minParallel = fast.minParallelBytes ?? DEFAULT_MIN_PARALLEL_BYTES;
  const chunkBytes = fast.chunkBytes ?? CHUNK;
  const maxBuffered = fast.maxBufferedBytes ?? DEFAULT_MAX_BUFFERED;
  const minWorkerBytes = fast.minWorkerBytes ?? DEFAULT_MIN_WORKER_BYTES;
  const minStealBytes = fast.minStealBytes ?? DEFAULT_MIN_STEAL_BYTES;
  const keepTokens = options.keepTokens ?? true;
  const tokenizer: TokenizerOptions = { tokenizer: options.tokenizer, keepCase: options.keepCase, segmenter: options.segmenter };
  const keepWords = options.maxTypes !== undefined && options.fixedWords ? new Set(options.fixedWords) : undefined;
  const keep = keepWords && ((w: string) => keepWords.has(w));
  // The stream budget: half for the merged stream, half shared by the workers' ranges while they are read.
  const maxStream = options.maxStreamEntries ?? Infinity;
  const bounded = keepTokens && Number.isFinite(maxStream);
  // The temporary directory is made when something is spilled (the sink's first flush), or before
  // worker threads start on a file large enough for them to spill.
  const acc = new Accumulator(tokenizer, keepTokens, { maxTypes: options.maxTypes, keep }, { maxEntries: bounded ? Math.max(1, Math.floor(maxStream / 2)) : Infinity });
  const inputs = input.inputs.length > 0 ? input.inputs : ['-'];

  try {
    let workerFiles = 0;
    for (const path of inputs) {
      const name = path === '-' ? 'stdin' : path;
      const lineDocs = input.docs === 'line';
      const replacedBefore = acc.scanner.replaced;
      let replaced = 0;
      const sniffed = sniffFile(path);
      const size = sniffed?.kind === 'plain' ? sniffed.size : undefined;
      if (!lineDocs) acc.startDoc(name);
      // What the threads split: a large enough regular file, or a stream (gzip, standard input)
      // that ended within maxBuffered bytes, decompressed into memory they share. A longer stream
      // is read on this thread, from the chunks held so far on.
      let source: ByteSource | undefined;
      let sourceSize = 0;
      let held: { chunks: Buffer[]; rest?: AsyncIterator<Buffer> } | undefined;
      let prestarted: WorkerPool | undefined;
      if (size !== undefined) {
        if (threads > 1 && size >= minParallel) {
          source = path;
          sourceSize = size;
        }
      } else if (threads > 1) {
        // A gzip file likely to be split: its workers start while it is decompressed.
        const compressed = sniffed?.kind === 'gzip' ? sniffed.size : 0;
        prestarted = compressed * LIKELY_GZIP_RATIO >= minParallel && compressed <= maxBuffered ? startWorkers(threads - 1) : undefined;
        try {
          const buffered = await bufferStream(decompressedBytes(path, input.stdin, input.onBytes), maxBuffered);
          if (!buffered.rest && buffered.bytes > 0 && buffered.bytes >= minParallel) {
            source = sharedBytes(buffered.chunks, buffered.bytes);
            sourceSize = buffered.bytes;
          } else held = buffered;
        } finally {
          if (!source) prestarted?.stop();
        }
      }
      if (source !== undefined) {
        let read = 0;
        // Each range has a table of its own: the type budget is shared among the threads.
        const workerTypes = options.maxTypes === undefined ? undefined : Math.max(MIN_TYPES, Math.floor(options.maxTypes / threads));
        const maxStreamEntries = bounded ? Math.max(1, Math.floor(maxStream / (2 * threads))) : undefined;
        const keepWords = keep ? options.fixedWords : undefined;
        const shared = typeof source === 'string' ? undefined : source;
        let readHere = 0;
        // Progress counts the file's bytes; a stream's (compressed) bytes were counted as they came.
        const report = (): void => {
          if (!shared) input.onBytes?.(read + readHere);
        };
        const onWorkerBytes = (n: number): void => {
          read += n;
          report();
        };
        // The calling thread reads from the start, straight into the accumulator (its types come
        // first in file order anyway), under a worker's share of the type budget, up to `limit`.
        // A worker, when it is ready (or done with a range), takes the last part of what the calling
        // thread has left unread before the limit — 1/(w + 2) of it, w the workers not yet started
        // (cut at a line start) — and the limit moves down to it: ranges are cut when their threads can
        // read them, so none waits for a slower start. When the calling thread is done, it takes the
        // second half of what a worker has not yet claimed (RangeControl), again and again: however
        // unevenly the text costs (a file of poems, then prose), the threads end together.
        const splitSource = source;
        const mainChunk = Math.min(chunkBytes, MAIN_CHUNK);
        // Chinese text: each worker builds jieba's dictionary (~0.2 s) before it says it is ready,
        // while the calling thread reads, instead of after its range was cut.
        const pool = prestarted ?? startWorkers(threads - 1, tokenizer.tokenizer === 'word' && tokenizer.segmenter === 'jieba' && sniffed?.han === true);
        const begun = new Set<number>();
        let limit = sourceSize;
        let mainAt = 0;
        let reading = true;
        const ranges: { start: number; result: Promise<RangeResult> }[] = [];
        const running = new Map<number, RangeControl>();
        const claimToLimit = (pos: number, want: number): number => Math.max(0, Math.min(want, limit - pos));
        const rangeTask = (start: number, end: number, control?: RangeControl): RangeTask => ({
          path, shared, start, end, control: control?.memory, lineByLine: fast.lineByLine, tokenizer, keepTokens, lineDocs, chunkBytes: mainChunk, maxTypes: workerTypes, keepWords,
          // A range of b bytes holds at most b + 1 entries (every token and every sentence end takes a
          // byte at least): only a range that could exceed its share needs the directory to spill into.
          maxStreamEntries, streamDir: maxStreamEntries !== undefined && end - start + 1 > maxStreamEntries ? acc.sink.directory() : undefined, streamFile: `tokens-${++workerFiles}.i32`,
        });
        const give = (k: number): void => {
          if (!reading) return;
          const unstarted = threads - 1 - begun.size - (begun.has(k) ? 0 : 1);
          const share = Math.floor((limit - mainAt) / (unstarted + 2));
          if (share < minWorkerBytes) return;
          const start = nextLineStart(splitSource, limit - share, limit);
          if (start >= limit || start <= mainAt) return;
          const control = RangeControl.create(start, limit);
          begun.add(k);
          running.set(k, control);
          const result = pool.run(k, rangeTask(start, limit, control), onWorkerBytes);
          ranges.push({ start, result });
          result.then(
            () => {
              running.delete(k);
              give(k);
            },
            () => running.delete(k),
          );
          limit = start;
        };
        /** The second half of what the worker with most left has not claimed yet, or undefined when no worker has minStealBytes left. */
        const steal = (): { start: number; end: number } | undefined => {
          for (let attempt = 0; attempt < 4; attempt++) {
            let best: { control: RangeControl; claimed: number; end: number } | undefined;
            for (const control of running.values()) {
              const state = control.state();
              if (!best || state.end - state.claimed > best.end - best.claimed) best = { control, ...state };
            }
            if (!best || best.end - best.claimed < minStealBytes) return undefined;
            const start = nextLineStart(splitSource, best.claimed + Math.floor((best.end - best.claimed) / 2), best.end);
            if (start >= best.end) return undefined;
            if (best.control.cut(start)) return { start, end: best.end };
          }
          return undefined;
        };
        const onMainBytes = (n: number): void => {
          mainAt += n;
          readHere += n;
          report();
        };
        try {
          if (fast.cutWhenAllReady) {
            // Deterministic first cuts (tests): every worker ready before the calling thread reads.
            const ready: number[] = [];
            await new Promise<void>((resolve) => pool.onReady((k) => {
              ready.push(k);
              if (ready.length === threads - 1) resolve();
            }));
            for (const k of ready.sort((a, b) => a - b)) give(k);
          } else pool.onReady(give);
          const feeder = feederOf(acc, true, lineDocs ? (lineNo: number) => `${name}:${lineNo}` : undefined, fast.lineByLine);
          await acc.withTypeLimit(workerTypes, () => readRangeYielding(splitSource, 0, claimToLimit, feeder, mainChunk, onMainBytes));
          replaced = acc.scanner.replaced - replacedBefore;
          let lineBase = feeder.lines;
          for (let stolen = steal(); stolen; stolen = steal()) {
            const part = rangeReader(rangeTask(stolen.start, stolen.end));
            limit = stolen.end;
            mainAt = stolen.start;
            await readRangeYielding(splitSource, stolen.start, claimToLimit, part.feeder, mainChunk, onMainBytes);
            ranges.push({ start: stolen.start, result: Promise.resolve(rangeResult(part.acc, part.feeder)) });
          }
          reading = false;
          ranges.sort((a, b) => a.start - b.start);
          const results = await Promise.allSettled(ranges.map((r) => r.result));
          pool.stop();
          for (let k = 0; k < results.length; k++) {
            const settled = results[k]!;
            if (settled.status === 'rejected') throw settled.reason;
            const result = settled.value;
            merge(acc, result, lineDocs ? (lineNo) => `${name}:${lineBase + lineNo}` : undefined);
            results[k] = undefined as unknown as PromiseSettledResult<RangeResult>; // its entries are merged: let them go
            lineBase += result.lines;
            replaced += result.replaced;
          }
        } catch (err) {
          reading = false;
          pool.stop();
          await Promise.allSettled(ranges.map((r) => r.result));
          throw err;
        }
      } else {
        const feeder = feederOf(acc, true, lineDocs ? (lineNo: number) => `${name}:${lineNo}` : undefined, fast.lineByLine);
        if (size !== undefined) {
          let read = 0;
          readRange(path, 0, fixedEnd(size), feeder, chunkBytes, (n) => input.onBytes?.((read += n)));
        } else if (held) {
          // Oldest first, each let go once fed.
          const chunks = held.chunks.reverse();
          for (let chunk = chunks.pop(); chunk !== undefined; chunk = chunks.pop()) feeder.feed(chunk);
          for (let next = await held.rest?.next(); next && !next.done; next = await held.rest!.next()) feeder.feed(next.value);
          feeder.end();
        } else {
          for await (const chunk of decompressedBytes(path, input.stdin, input.onBytes)) feeder.feed(chunk);
          feeder.end();
        }
        replaced = acc.scanner.replaced - replacedBefore;
      }
      if (replaced > 0) input.warn?.(invalidUtf8Warning(displayName(path), replaced));
    }
    const corpus = finishCorpus(
      {
        words: acc.table.words,
        // A copy: sorting in the kernel may grow its memory (a view of it would be left empty).
        counts: acc.table.counts.slice(0, acc.table.size),
        sink: acc.sink,
        docStarts: acc.docStarts,
        docLabels: acc.docLabels,
        tokensRead: acc.tokensRead,
        sort: (ids) => acc.table.sortIds(ids),
      },
      options,
    );
    if (acc.pruned > 0) corpus.pruned = { types: acc.pruned, threshold: acc.threshold };
    return corpus;
  } catch (err) {
    acc.sink.discard();
    throw err;
  }
}

/** Add a worker's range to the accumulator: its types mapped to global ids in order of first appearance. */
function merge(acc: Accumulator, result: RangeResult, label?: (lineNo: number) => string): void {
  const table = acc.table;
  const map = table.idsOf(result.words);
  // One view of the counts once every type is in (adding types may grow the kernel's memory).
  const counts = table.counts;
  for (let i = 0; i < map.length; i++) counts[map[i]!]! += result.counts[i]!;
  const sentenceBase = acc.sink.sentences;
  if (label) {
    for (let d = 0; d < result.docStarts.length; d++) {
      acc.docStarts.push(sentenceBase + result.docStarts[d]!);
      acc.docLabels.push(label(result.docLines[d]!));
    }
  }
  if (acc.keepTokens) {
    if (result.spilled) acc.sink.adopt(result.spilled, map, result.sentences);
    else acc.sink.appendMapped(result.tokens, map, result.sentences);
  }
  acc.tokensRead += result.tokensRead;
  if (result.pruned > 0) {
    acc.pruned += result.pruned;
    acc.threshold = Math.max(acc.threshold, result.threshold);
  }
  acc.pruneIfFull();
}
