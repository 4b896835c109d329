/**
 * The byte-level tokenizer-counter behind corpus reading (issue 7 §1, DESIGN.md measured facts).
 *
 * A line of UTF-8 bytes that is pure ASCII is tokenized in bytes by a WebAssembly kernel
 * (assembly/scan.ts), with the same rules as the regex tokenizers in tokenize.ts restricted to ASCII
 * (lowercasing in bytes too); its tokens are hashed (FNV-1a) into an open-addressing table in the
 * kernel's memory, and a string is made only for a new type. A line with any byte ≥ 0x80 is decoded
 * and given to the regex tokenizer itself, whose tokens are looked up in the same table by their
 * UTF-8 bytes, so both paths give one id per type. The results are those of `makeTokenizer` line by
 * line (test/fast-count.test.ts proves it on fixtures). The kernel in plain TypeScript ran 37 MB/s
 * on one core over 214 MB of pre-tokenized English, the WebAssembly one 55–65 MB/s (docs/input-speed.md).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { InputError } from '../core/errors.js';
import { makeLinesTokenizer, makeTokenizer, type LinesTokenizer, type Tokenizer, type TokenizerOptions } from './tokenize.js';
import { unicodeTables } from './unicode-classes.js';
import { loadJieba } from './segment.js';

/** The exports of dist/wasm/scan.wasm (assembly/scan.ts). */
interface ScanKernel {
  memory: WebAssembly.Memory;
  init(): void;
  configure(tokenizer: number, lower: number, han: number): void;
  inputBuffer(length: number): number;
  scan(length: number): number;
  lookup(length: number, count: number): number;
  blank(): number;
  typeCount(): number;
  idsBuffer(): number;
  countsBuffer(): number;
  arenaBuffer(): number;
  offsetsBuffer(): number;
  lengthsBuffer(): number;
  chunkBuffer(length: number): number;
  scanChunk(from: number, length: number, outLimit: number, typeLimit: number, lineDocs: number): number;
  docsBuffer(): number;
  docStartCount(): number;
  outBuffer(): number;
  outEntries(): number;
  outSentenceCount(): number;
  lineCount(): number;
  unicodeBuffer(): number;
  unicodeReady(at: number): void;
  runsBuffer(): number;
  runsByteLength(): number;
  runsUnitCount(): number;
  runsCount(): number;
  piecesBuffer(count: number): number;
  piecesReady(count: number): void;
  dropRuns(): void;
  refuses(start: number, end: number): number;
  sortBuffer(n: number): number;
  sortIds(at: number, n: number): void;
  manyBuffer(length: number, count: number): number;
  manyIdsBuffer(): number;
  lookupMany(length: number, count: number): void;
  resumeFrom(): number;
  stopLine(): number;
  stopLineEnd(): number;
}

/** What scanChunk returns (assembly/scan.ts). */
export const CHUNK_DONE = 0;
export const CHUNK_UNICODE = 1;
export const CHUNK_PAUSED = 2;
export const CHUNK_HAN = 3;

let kernelModule: WebAssembly.Module | undefined;

/** The compiled kernel, once per thread (synchronously: corpus reading starts in constructors). */
function scanModule(): WebAssembly.Module {
  if (!kernelModule) {
    // From dist/src/text/ to dist/wasm/.
    const path = fileURLToPath(new URL('../../wasm/scan.wasm', import.meta.url));
    let bytes: Uint8Array<ArrayBuffer>;
    try {
      bytes = new Uint8Array(readFileSync(path));
    } catch (err) {
      throw new InputError(`cannot load the corpus scanner kernel ${path}: ${(err as Error).message}`, 'build it with npm run build');
    }
    kernelModule = new WebAssembly.Module(bytes);
  }
  return kernelModule;
}

/**
 * Token types keyed by their UTF-8 bytes: ids in order of first appearance, with counts. The table
 * lives in a WebAssembly instance of its own (assembly/scan.ts); `words` is kept here, a string made
 * once per type.
 */
export class TokenTable {
  /** The type strings, by id. */
  readonly words: string[] = [];
  kernel: ScanKernel;
  /** A Buffer: its indexOf (memchr) finds a newline ~10× faster than Uint8Array's. */
  private bytes: Buffer;
  private settings: [tokenizer: number, lower: number, han: number] = [1, 0, 0];
  private static readonly encoder = new TextEncoder();
  /** Ids of token strings of the regex path seen before (LineScanner.count); emptied when the ids change (prune). */
  readonly knownIds = new Map<string, number>();

  constructor() {
    this.kernel = TokenTable.newKernel();
    this.bytes = Buffer.from(this.kernel.memory.buffer);
  }

  private static newKernel(): ScanKernel {
    const kernel = new WebAssembly.Instance(scanModule(), { env: { abort: () => { throw new Error('corpus scanner kernel aborted'); } } }).exports as unknown as ScanKernel;
    kernel.init();
    const tables = unicodeTables();
    const at = kernel.unicodeBuffer();
    new Uint8Array(kernel.memory.buffer, at, tables.length).set(tables);
    kernel.unicodeReady(at);
    return kernel;
  }

  /**
   * How the kernel tokenizes: `tokenizer` 0 word, 1 whitespace, 2 char; `lower` 1 to fold case;
   * `han` 1 to take lines with runs of Han, cut by jieba (LineScanner.cutRuns), 0 to leave them to JavaScript.
   */
  configure(tokenizer: number, lower: number, han: number): void {
    this.settings = [tokenizer, lower, han];
    this.kernel.configure(tokenizer, lower, han);
  }

  /**
   * Drop rare types, as word2vec's ReduceVocab does: every type counted ≤ t, for the smallest t ≥
   * `from` that leaves at most `keep` types (types `kept` says to keep always stay and are not
   * counted against `keep`). The survivors go into a fresh kernel (its memory, which only grows,
   * is given back) with their counts and new ids in their old order; a dropped type seen again
   * starts from 0. Returns old id → new id (-1 for a dropped type), the number dropped and t.
   */
  prune(keep: number, from: number, kept?: (word: string) => boolean): { remap: Int32Array; removed: number; threshold: number } {
    const counts = Float64Array.from(this.counts);
    const old = this.words.splice(0);
    const always = new Uint8Array(old.length);
    const candidates: number[] = [];
    for (let id = 0; id < old.length; id++) {
      if (kept?.(old[id]!)) always[id] = 1;
      else candidates.push(counts[id]!);
    }
    const room = Math.max(0, keep - (old.length - candidates.length));
    let threshold = from;
    if (candidates.length > room) {
      const sorted = Float64Array.from(candidates).sort();
      // At most `room` candidates may stay: those counted more than the (length − room)-th smallest count.
      threshold = Math.max(from, sorted[sorted.length - room - 1]!);
    }
    this.knownIds.clear();
    this.kernel = TokenTable.newKernel();
    this.kernel.configure(...this.settings);
    this.bytes = Buffer.from(this.kernel.memory.buffer);
    const remap = new Int32Array(old.length).fill(-1);
    let removed = 0;
    for (let id = 0; id < old.length; id++) {
      if (always[id] || counts[id]! > threshold) remap[id] = this.idOfString(old[id]!);
      else removed++;
    }
    const fresh = this.counts;
    for (let id = 0; id < old.length; id++) if (remap[id]! >= 0) fresh[remap[id]!] = counts[id]!;
    return { remap, removed, threshold };
  }

  get size(): number {
    return this.words.length;
  }

  /** Han goes to the regex path from here on (jieba could not load or cut as expected), also after a prune. */
  leaveHan(): void {
    this.settings[2] = 0;
    this.kernel.dropRuns();
  }

  /** Occurrences by id, a view on the kernel's memory (take it anew after adding types). */
  get counts(): Float64Array {
    return new Float64Array(this.kernel.memory.buffer, this.kernel.countsBuffer(), this.words.length);
  }

  /** The kernel's memory as bytes (a new view after it grew: growing detaches the old buffer, whose views then have length 0). */
  memory(): Buffer {
    if (this.bytes.length === 0) this.bytes = Buffer.from(this.kernel.memory.buffer);
    return this.bytes;
  }


  /** Strings for the types the kernel added since the last call (UTF-8: the kernel tokenizes lines of any characters its tables hold). */
  syncTypes(): void {
    const n = this.kernel.typeCount();
    if (n === this.words.length) return;
    const memory = this.memory();
    const view = new DataView(memory.buffer);
    const offsets = this.kernel.offsetsBuffer();
    const lengths = this.kernel.lengthsBuffer();
    const arena = this.kernel.arenaBuffer();
    for (let id = this.words.length; id < n; id++) {
      const offset = view.getUint32(offsets + 4 * id, true);
      const length = view.getUint32(lengths + 4 * id, true);
      this.words.push(memory.toString('utf8', arena + offset, arena + offset + length));
    }
  }

  /** Sort ids of this table's types by count descending, then word in code-unit order (as sortByCountThenWord), in the kernel. */
  sortIds(ids: number[]): void {
    const n = ids.length;
    if (n < 2) return;
    const kernel = this.kernel;
    const at = kernel.sortBuffer(n);
    new Int32Array(kernel.memory.buffer, at, n).set(ids);
    kernel.sortIds(at, n);
    const sorted = new Int32Array(kernel.memory.buffer, at, n);
    for (let i = 0; i < n; i++) ids[i] = sorted[i]!;
  }

  /** The ids of many token strings (each added if new, none counted): another table's types merged in one kernel call. */
  idsOf(words: readonly string[]): Int32Array {
    const n = words.length;
    const bytes = Buffer.from(`${words.join('\n')}\n`);
    let newlines = 0;
    for (let i = bytes.indexOf(10); i !== -1; i = bytes.indexOf(10, i + 1)) newlines++;
    if (newlines !== n) return Int32Array.from(words, (word) => this.idOfString(word)); // a word with a newline (not a token)
    const kernel = this.kernel;
    const at = kernel.manyBuffer(bytes.length, n);
    this.memory().set(bytes, at);
    kernel.lookupMany(bytes.length, n);
    const ids = new Int32Array(kernel.memory.buffer, kernel.manyIdsBuffer(), n).slice();
    for (let i = 0; i < n; i++) if (ids[i] === this.words.length) this.words.push(words[i]!);
    return ids;
  }

  /** The id of a token string (added if new); counted when `count`. */
  idOfString(word: string, count = false): number {
    const maxBytes = word.length * 3;
    const at = this.kernel.inputBuffer(maxBytes);
    const { written } = TokenTable.encoder.encodeInto(word, this.memory().subarray(at, at + maxBytes));
    const id = this.kernel.lookup(written, count ? 1 : 0);
    if (id === this.words.length) this.words.push(word);
    return id;
  }
}

/** Whether pieces tile runs of `units` UTF-16 units in all, `count` of them each followed by a newline piece. */
function tiles(pieces: readonly string[], units: number, count: number): boolean {
  let total = 0;
  let newlines = 0;
  for (const piece of pieces) {
    total += piece.length;
    if (piece === '\n') newlines++;
    else if (piece.includes('\n')) return false;
  }
  return total === units && newlines === count;
}

/** A decoder for one line at a time: a U+FEFF inside the text is kept (only a file's first one is a BOM). */
const lineDecoder = new TextDecoder('utf-8', { ignoreBOM: true });

const NO_TOKENS: string[] = [];
/** The most token strings TokenTable.knownIds holds (it is emptied when full). */
const KNOWN_IDS = 1 << 18;

/** Decodes one line of bytes (see lineDecoder). */
export function decodeLine(bytes: Uint8Array, start: number, end: number): string {
  return lineDecoder.decode(bytes.subarray(start, end));
}

/** Tokenizes lines of bytes into ids of a TokenTable, counting each token. */
export class LineScanner {
  /** The ids of the last line's tokens: ids[0 .. n) where n is what `line` returned. */
  ids = new Int32Array(1024);
  /** U+FFFD characters in the decoded lines (invalid UTF-8 sequences, as decodeUtf8 counts them). */
  replaced = 0;
  /** Whether the last line was blank (whitespace only, as String.prototype.trim sees it). */
  blank = false;
  private readonly tokenize: Tokenizer;
  private readonly tokenizeLines: LinesTokenizer;

  constructor(
    readonly table: TokenTable,
    options: TokenizerOptions,
  ) {
    const han = options.tokenizer === 'word' && options.segmenter === 'jieba';
    table.configure(options.tokenizer === 'word' ? 0 : options.tokenizer === 'whitespace' ? 1 : 2, options.keepCase ? 0 : 1, han ? 1 : 0);
    this.tokenize = makeTokenizer(options);
    this.tokenizeLines = makeLinesTokenizer(options);
  }

  /**
   * Tokenize bytes[start, end) — one line without its terminator — and count its tokens. Returns the
   * number of tokens. An ASCII line is tokenized by the kernel; a line with a byte ≥ 0x80 by the
   * regex tokenizer, its tokens counted in the same table.
   */
  line(bytes: Buffer, start: number, end: number): number {
    const table = this.table;
    const kernel = table.kernel;
    const length = end - start;
    const at = kernel.inputBuffer(length);
    table.memory().set(bytes.subarray(start, end), at);
    const n = kernel.scan(length);
    if (n < 0) return this.unicodeLine(bytes, start, end);
    this.blank = kernel.blank() === 1;
    if (n === 0) return 0;
    if (kernel.typeCount() !== table.size) table.syncTypes();
    if (n > this.ids.length) this.ids = new Int32Array(Math.max(n, this.ids.length * 2));
    this.ids.set(new Int32Array(kernel.memory.buffer, kernel.idsBuffer(), n));
    return n;
  }

  /** A line with non-ASCII bytes: decoded (before any lookup may grow the kernel's memory), and tokenized by the regex tokenizer. */
  unicodeLine(bytes: Uint8Array, start: number, end: number): number {
    const text = lineDecoder.decode(bytes.subarray(start, end));
    for (let i = text.indexOf('\uFFFD'); i !== -1; i = text.indexOf('\uFFFD', i + 1)) this.replaced++;
    this.blank = text.trim() === '';
    if (this.blank) return 0;
    return this.count(this.tokenize(text));
  }

  /**
   * Decoded lines (with non-ASCII bytes, each decoded on its own) tokenized at once — one native
   * call for the Han runs of all of them (makeLinesTokenizer) — nothing counted yet: the tokens
   * of each line, for `count` line by line. U+FFFD characters are counted in `replaced`.
   */
  unicodeLines(texts: string[]): string[][] {
    const tokenize: string[] = [];
    const which: number[] = [];
    for (let k = 0; k < texts.length; k++) {
      const text = texts[k]!;
      for (let i = text.indexOf('\uFFFD'); i !== -1; i = text.indexOf('\uFFFD', i + 1)) this.replaced++;
      if (text.trim() === '') continue;
      which.push(k);
      tokenize.push(text);
    }
    const tokens: string[][] = texts.map(() => NO_TOKENS);
    const cut = this.tokenizeLines(tokenize);
    for (let j = 0; j < which.length; j++) tokens[which[j]!] = cut[j]!;
    return tokens;
  }

  /**
   * Cut the runs of Han the kernel gathered (scanChunk returned CHUNK_HAN) in one jieba call, on
   * their UTF-8 bytes, and give the kernel the pieces' lengths. The pieces must tile the runs with a
   * newline piece after each (jieba never joins across a newline); should they not, each run is cut
   * on its own, and should that not tile it either, the kernel leaves Han to the regex path. Without
   * jieba (it could not load) the kernel leaves Han to the regex path, which then uses ICU.
   */
  cutRuns(): void {
    const table = this.table;
    const kernel = table.kernel;
    const jieba = loadJieba();
    if (!jieba) {
      table.leaveHan();
      return;
    }
    const units = kernel.runsUnitCount();
    const count = kernel.runsCount();
    const bytes = new Uint8Array(kernel.memory.buffer, kernel.runsBuffer(), kernel.runsByteLength());
    let pieces = jieba.cut(bytes, true);
    if (!tiles(pieces, units, count)) {
      const runs = lineDecoder.decode(bytes).split('\n');
      pieces = [];
      for (let r = 0; r < count; r++) {
        for (const piece of jieba.cut(runs[r]!, true)) pieces.push(piece);
        pieces.push('\n');
      }
      if (!tiles(pieces, units, count)) {
        table.leaveHan();
        return;
      }
    }
    const n = pieces.length;
    const at = kernel.piecesBuffer(n); // may grow the memory: its buffer is taken after
    const lengths = new Int32Array(kernel.memory.buffer, at, n);
    for (let i = 0; i < n; i++) lengths[i] = pieces[i]!.length;
    kernel.piecesReady(n);
  }

  /**
   * Look up and count a line's tokens: their ids go to ids[0 .. n); returns n. A token string seen
   * before is found in the table's JavaScript map (no encoding, no call into the kernel), its
   * count raised through a view on the kernel's counts.
   */
  count(words: readonly string[]): number {
    const table = this.table;
    const known = table.knownIds;
    if (words.length > this.ids.length) this.ids = new Int32Array(Math.max(words.length, this.ids.length * 2));
    let counts: Float64Array | undefined;
    for (let k = 0; k < words.length; k++) {
      const word = words[k]!;
      let id = known.get(word);
      if (id === undefined) {
        id = table.idOfString(word, true);
        if (known.size >= KNOWN_IDS) known.clear();
        known.set(word, id);
        counts = undefined; // a new type may have moved the counts
      } else {
        counts ??= table.counts;
        counts[id]!++;
      }
      this.ids[k] = id;
    }
    return words.length;
  }
}
