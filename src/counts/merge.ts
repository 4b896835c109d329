/**
 * Summing count files (map-reduce's reduce step): binary count files are merged k-way in one
 * streaming pass (memory: one read buffer per file and the output batch), text count lines are summed
 * in a hash table (memory: one slot per distinct key).
 */
import { InputError } from '../core/errors.js';
import { textLines } from '../io/input.js';
import { peekStream } from '../io/peek.js';
import { MERGE_FAN_IN } from '../corpus/budget.js';
import { compareStrings } from '../vocab/vocabulary.js';
import { CountFileReader, isCountFile, parseCountLine, VOCAB_TSV_HEADER, type CountHeader, type CountKind } from './format.js';

/** Summed vocabulary counts, sorted by word. */
export interface WordCounts {
  words: string[];
  counts: Float64Array;
}

/** Summed pair counts (a ≤ b ids into `words`), sorted by (a, b). */
export interface PairCounts {
  words: string[];
  a: Uint32Array;
  b: Uint32Array;
  weight: Float64Array;
}

export interface MergeSource {
  path: string;
  /** A binary count file (else `key<TAB>count` text). */
  binary: boolean;
}

/** The settings two count files must share to be summed (everything but the entry count). */
function settingsKey(header: CountHeader): string {
  return JSON.stringify(Object.entries(header).sort(([x], [y]) => compareStrings(x, y)));
}

/** Check that a reader counts the same thing the same way as the first one. */
function checkSame(r: CountFileReader, first: CountFileReader): void {
  if (settingsKey(r.header) !== settingsKey(first.header)) {
    throw new InputError(`${r.path} and ${first.path} were counted differently (${JSON.stringify(r.header)} vs ${JSON.stringify(first.header)})`, 'count every shard with the same command and options');
  }
  if (r.header.kind === 'cooc' && (r.words.length !== first.words.length || r.words.some((w, i) => w !== first.words[i]))) {
    throw new InputError(`${r.path} and ${first.path} count pairs over different vocabularies`, 'count every shard with the same --vocab file');
  }
}

/** Open every binary input and check that they count the same thing the same way (`first`: a reader the others must match). */
export function openBinaryInputs(paths: string[], first?: CountFileReader, block?: number): CountFileReader[] {
  const readers: CountFileReader[] = [];
  try {
    for (const p of paths) {
      const r = new CountFileReader(p, { block });
      readers.push(r);
      checkSame(r, first ?? readers[0]!);
    }
  } catch (err) {
    for (const r of readers) r.close();
    throw err;
  }
  return readers;
}

/**
 * Check every binary input against the first one, opening one file at a time (for more inputs than
 * may be open at once); returns the first, closed (its header and vocabulary stay readable).
 */
export function checkBinaryInputs(paths: string[]): CountFileReader {
  const first = new CountFileReader(paths[0]!);
  first.close();
  for (const p of paths.slice(1)) {
    const r = new CountFileReader(p);
    try {
      checkSame(r, first);
    } finally {
      r.close();
    }
  }
  return first;
}

/** A binary heap of reader indices ordered by `less`. */
class Heap {
  private items: number[] = [];
  constructor(private readonly less: (x: number, y: number) => boolean) {}
  get size(): number {
    return this.items.length;
  }
  peek(): number {
    return this.items[0]!;
  }
  push(x: number): void {
    const h = this.items;
    h.push(x);
    for (let i = h.length - 1; i > 0; ) {
      const p = (i - 1) >> 1;
      if (!this.less(h[i]!, h[p]!)) break;
      [h[i], h[p]] = [h[p]!, h[i]!];
      i = p;
    }
  }
  pop(): number {
    const h = this.items;
    const top = h[0]!;
    const last = h.pop()!;
    if (h.length > 0) {
      h[0] = last;
      for (let i = 0; ; ) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && this.less(h[l]!, h[m]!)) m = l;
        if (r < h.length && this.less(h[r]!, h[m]!)) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m]!, h[i]!];
        i = m;
      }
    }
    return top;
  }
}

/** Sum vocabulary count files (binary, merged k-way) and text lines (hashed); sorted by word. */
export async function mergeWordCounts(sources: MergeSource[], stdin?: NodeJS.ReadableStream, options: { fanIn?: number; block?: number } = {}): Promise<WordCounts> {
  const paths = sources.filter((s) => s.binary).map((s) => s.path);
  // At most fanIn files open at once: groups of fanIn − 1 are merged with the sum so far (in memory:
  // it is the result), so a thousand shards never meet "too many open files".
  const group = Math.max(1, (options.fanIn ?? MERGE_FAN_IN) - 1);
  let words: string[] = [];
  let counts: number[] = [];
  let first: CountFileReader | undefined;
  for (let g = 0; g < paths.length; g += group) {
    const binary = openBinaryInputs(paths.slice(g, g + group), first, options.block);
    first ??= binary[0];
    try {
      for (const r of binary) if (r.header.kind !== 'vocab') throw new InputError(`${r.path} holds ${r.header.kind} counts, not vocabulary counts`);
      const sources: Array<{ nextWord(): { word: string; count: number } | undefined }> = [...binary];
      if (g > 0) {
        const [w, c] = [words, counts];
        let i = 0;
        sources.unshift({ nextWord: () => (i < w.length ? { word: w[i]!, count: c[i++]! } : undefined) });
      }
      [words, counts] = mergeSortedWords(sources);
    } finally {
      for (const r of binary) r.close();
    }
  }
  const texts = sources.filter((s) => !s.binary);
  if (texts.length === 0) return { words, counts: Float64Array.from(counts) };
  // Text lines come in any order: sum them in a Map with what the binary files gave.
  const sums = new Map<string, number>();
  words.forEach((w, i) => sums.set(w, counts[i]!));
  for (const source of texts) {
    let n = 0;
    for await (const line of textLines(source.path, { stdin })) {
      const entry = ++n === 1 && line === VOCAB_TSV_HEADER ? undefined : parseCountLine(line, source.path === '-' ? 'standard input' : source.path, n);
      if (!entry) continue;
      if (/\s/.test(entry.key)) throw new InputError(`${source.path}:${n}: "${entry.key.slice(0, 40)}" is a word pair, not a word`, 'merge vocabulary counts and pair counts separately');
      sums.set(entry.key, (sums.get(entry.key) ?? 0) + entry.count);
    }
  }
  const all = [...sums.keys()].sort(compareStrings);
  return { words: all, counts: Float64Array.from(all, (w) => sums.get(w)!) };
}

/** k-way sum of sorted word sources, in order of the sources for equal words. */
function mergeSortedWords(sources: Array<{ nextWord(): { word: string; count: number } | undefined }>): [string[], number[]] {
  const words: string[] = [];
  const counts: number[] = [];
  const current = sources.map((r) => r.nextWord());
  const heap = new Heap((x, y) => {
    const order = compareStrings(current[x]!.word, current[y]!.word);
    return order < 0 || (order === 0 && x < y);
  });
  current.forEach((c, i) => c && heap.push(i));
  while (heap.size > 0) {
    const i = heap.pop();
    const { word, count } = current[i]!;
    if (words.length > 0 && words[words.length - 1] === word) counts[counts.length - 1]! += count;
    else {
      words.push(word);
      counts.push(count);
    }
    current[i] = sources[i]!.nextWord();
    if (current[i]) heap.push(i);
  }
  return [words, counts];
}

/**
 * Sum pair count files k-way, handing out sorted (a, b, weight) batches to `emit` as they are ready,
 * so that memory does not grow with the number of pairs. Returns the vocabulary and settings.
 */
export function openPairCountFiles(paths: string[], block?: number): CountFileReader[] {
  const readers = openBinaryInputs(paths, undefined, block);
  for (const r of readers) if (r.header.kind !== 'cooc') throw new InputError(`${r.path} holds ${r.header.kind} counts, not pair counts`);
  return readers;
}

/**
 * The sum of sorted pair count files, k-way, as sorted (a, b, weight) batches of at most 64 Ki pairs
 * (the arrays are reused: use a batch before asking for the next). Equal pairs are added in the
 * order of the readers (for spill runs: text order), so the sums do not depend on the heap.
 */
export function* mergedPairBatches(readers: CountFileReader[]): Generator<{ a: Uint32Array; b: Uint32Array; weight: Float64Array; n: number }> {
  const BATCH = 1 << 16;
  const outA = new Uint32Array(BATCH);
  const outB = new Uint32Array(BATCH);
  const outW = new Float64Array(BATCH);
  let n = 0;
  const current = readers.map(() => [0, 0, 0] as [number, number, number]);
  const heap = new Heap((x, y) => {
    const cx = current[x]!;
    const cy = current[y]!;
    return cx[0] < cy[0] || (cx[0] === cy[0] && (cx[1] < cy[1] || (cx[1] === cy[1] && x < y)));
  });
  readers.forEach((r, i) => r.nextPair(current[i]!) && heap.push(i));
  let lastA = -1;
  let lastB = -1;
  while (heap.size > 0) {
    const i = heap.pop();
    const [a, b, w] = current[i]!;
    if (a === lastA && b === lastB) outW[n - 1]! += w;
    else {
      if (n === BATCH) {
        yield { a: outA, b: outB, weight: outW, n };
        n = 0;
      }
      outA[n] = a;
      outB[n] = b;
      outW[n++] = w;
      lastA = a;
      lastB = b;
    }
    if (readers[i]!.nextPair(current[i]!)) heap.push(i);
  }
  if (n > 0) yield { a: outA, b: outB, weight: outW, n };
}

export async function mergePairCountFiles(readers: CountFileReader[], emit: (a: Uint32Array, b: Uint32Array, w: Float64Array, n: number) => Promise<void>): Promise<number> {
  let entries = 0;
  for (const batch of mergedPairBatches(readers)) {
    await emit(batch.a, batch.b, batch.weight, batch.n);
    entries += batch.n;
  }
  return entries;
}

/**
 * Read text pair counts (`w1 w2<TAB>count`, any order) over a given vocabulary, handing each pair's
 * ids and count to `add` (a PairCounter, or a SpillingPairCounter's within a memory budget).
 */
export async function readPairCountText(paths: string[], words: string[], stdin: NodeJS.ReadableStream | undefined, add: (a: number, b: number, count: number) => void): Promise<void> {
  const ids = new Map<string, number>();
  words.forEach((w, i) => ids.set(w, i));
  for (const path of paths) {
    let n = 0;
    const source = path === '-' ? 'standard input' : path;
    for await (const line of textLines(path, { stdin })) {
      const entry = parseCountLine(line, source, ++n);
      if (!entry) continue;
      const space = entry.key.indexOf(' ');
      const a = ids.get(entry.key.slice(0, space));
      const b = ids.get(entry.key.slice(space + 1));
      if (space <= 0 || a === undefined || b === undefined) {
        throw new InputError(`${source}:${n}: "${entry.key.slice(0, 60)}" is not a pair of words of the vocabulary`, 'give the --vocab the pairs were counted with');
      }
      add(a, b, entry.count);
    }
  }
}

/**
 * What kind of counts a source holds: a binary file's header, or the first text line's key (two
 * words: pairs). For standard input the first line is read and a stream giving it back is returned.
 */
export async function sniffKind(source: MergeSource, stdin?: NodeJS.ReadableStream): Promise<{ kind?: CountKind; stdin?: NodeJS.ReadableStream }> {
  const kindOf = (line: string): CountKind => (line.slice(0, Math.max(0, line.lastIndexOf('\t'))).includes(' ') ? 'cooc' : 'vocab');
  const firstLine = (text: string): string | undefined => text.split('\n').find((l) => l.trim() !== '' && l.replace(/\r$/, '') !== VOCAB_TSV_HEADER);
  if (source.binary) {
    const r = new CountFileReader(source.path);
    r.close();
    return { kind: r.header.kind };
  }
  if (source.path !== '-') {
    for await (const line of textLines(source.path, {})) if (line.trim() !== '' && line !== VOCAB_TSV_HEADER) return { kind: kindOf(line) };
    return {};
  }
  if (!stdin) return {};
  // Read until the first complete line that is not a header (or the end).
  const peeked = await peekStream(stdin, (head) => {
    const text = head.toString('utf8');
    return isCountFile(head) || firstLine(text.slice(0, text.lastIndexOf('\n') + 1)) !== undefined;
  });
  if (isCountFile(peeked.head)) throw new InputError('a binary count file on standard input cannot be merged', 'give binary count files as file names');
  const text = peeked.head.toString('utf8');
  const line = firstLine(peeked.ended ? text : text.slice(0, text.lastIndexOf('\n') + 1));
  return { kind: line === undefined ? undefined : kindOf(line), stdin: peeked.replay() };
}
