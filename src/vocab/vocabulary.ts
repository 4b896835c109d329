import { InputError, UsageError } from '../core/errors.js';

/**
 * Words ↔ integer ids, with corpus counts. Built vocabularies are ordered by count descending, then
 * by word (code-unit order), so the same corpus always gives the same ids. Lookups go through a Map
 * (a corpus can contain `constructor` and `__proto__`).
 */
export class Vocabulary {
  /** Built on the first lookup: many commands never look a word up (a Map of 10⁵ words takes ~0.1 s). */
  private lookup: Map<string, number> | undefined;

  constructor(
    readonly words: string[],
    readonly counts: Float64Array,
  ) {}

  private get index(): Map<string, number> {
    if (!this.lookup) {
      const index = new Map<string, number>();
      const words = this.words;
      for (let i = 0; i < words.length; i++) {
        if (!index.has(words[i]!)) index.set(words[i]!, i);
      }
      this.lookup = index;
    }
    return this.lookup;
  }

  get size(): number {
    return this.words.length;
  }

  /** Id of a word, or -1. */
  id(word: string): number {
    return this.index.get(word) ?? -1;
  }

  has(word: string): boolean {
    return this.index.has(word);
  }

  /**
   * Keep the words with count ≥ minCount, sort by count descending then word, cut at maxVocab.
   * Returns the vocabulary and, for each input position, its new id or -1. `sort` orders ids as
   * sortByCountThenWord does (the byte reader's kernel does it on the words' bytes).
   */
  static fromCounts(words: string[], counts: ArrayLike<number>, minCount: number, maxVocab?: number, sort?: (ids: number[]) => void): { vocab: Vocabulary; remap: Int32Array } {
    const kept: number[] = [];
    for (let i = 0; i < words.length; i++) if (counts[i]! >= minCount) kept.push(i);
    if (sort) sort(kept);
    else sortByCountThenWord(kept, words, counts);
    if (maxVocab !== undefined && kept.length > maxVocab) kept.length = maxVocab;
    const remap = new Int32Array(words.length).fill(-1);
    const keptWords: string[] = new Array(kept.length);
    const keptCounts = new Float64Array(kept.length);
    kept.forEach((old, id) => {
      remap[old] = id;
      keptWords[id] = words[old]!;
      keptCounts[id] = counts[old]!;
    });
    return { vocab: new Vocabulary(keptWords, keptCounts), remap };
  }

  /** A fixed vocabulary (e.g. from `--vocab`), in the given order, with counts re-measured on a corpus. */
  static fixed(words: string[], corpusWords: string[], corpusCounts: ArrayLike<number>): { vocab: Vocabulary; remap: Int32Array } {
    const vocab = new Vocabulary(words, new Float64Array(words.length));
    const remap = new Int32Array(corpusWords.length).fill(-1);
    for (let i = 0; i < corpusWords.length; i++) {
      const id = vocab.id(corpusWords[i]!);
      remap[i] = id;
      if (id >= 0) vocab.counts[id] = corpusCounts[i]!;
    }
    return { vocab, remap };
  }

  /** The `word count` lines that word2vec `-save-vocab` and GloVe `vocab_count` write, many lines to a string. */
  *lines(): Generator<string> {
    let text = '';
    for (let i = 0; i < this.words.length; i++) {
      text += `${this.words[i]} ${this.counts[i]}\n`;
      if (text.length >= 1 << 16) {
        yield text;
        text = '';
      }
    }
    if (text !== '') yield text;
  }

  /**
   * Parse a vocabulary file: one word per line, optionally followed by whitespace (spaces or a tab)
   * and a count — the word2vec/GloVe format, and the TSV that `wordspace vocab` prints in a pipe,
   * whose first line, exactly VOCABULARY_TSV_HEADER, is skipped. Blank lines are skipped; a word
   * listed twice keeps its first line. `counts` is set when every line carries a count.
   */
  static parseEntries(text: string, source: string): VocabularyEntries {
    const words: string[] = [];
    const counts: number[] = [];
    let allCounted = true;
    const seen = new Set<string>();
    const lines = text.split(/\r?\n/);
    const first = lines.findIndex((line) => line.trim() !== '');
    lines.forEach((line, i) => {
      if (line.trim() === '' || (i === first && line === VOCABULARY_TSV_HEADER)) return;
      const parts = line.trim().split(/\s+/);
      if (parts.length > 2 || (parts.length === 2 && !/^\d+(\.\d+)?$/.test(parts[1]!))) {
        throw new InputError(`${source}:${i + 1}: expected "word" or "word count", got "${line.slice(0, 60)}"`, 'a vocabulary file has one word per line, optionally followed by its count');
      }
      if (seen.has(parts[0]!)) return;
      seen.add(parts[0]!);
      words.push(parts[0]!);
      if (parts.length === 2) counts.push(Number(parts[1]));
      else allCounted = false;
    });
    if (words.length === 0) throw new InputError(`vocabulary file ${source} has no words`);
    return { words, counts: allCounted ? counts : undefined };
  }

  /** The words of a vocabulary file (see `parseEntries`), in its order. */
  static parse(text: string, source: string): string[] {
    return Vocabulary.parseEntries(text, source).words;
  }

  /**
   * Cut a given vocabulary as a built one is cut: words whose count (in the file) is below
   * `minCount` dropped, then the first `maxVocab` kept, in the file's order. `minCount` needs counts.
   */
  static cutEntries(entries: VocabularyEntries, source: string, minCount?: number, maxVocab?: number): string[] {
    let words = entries.words;
    if (minCount !== undefined) {
      const counts = entries.counts;
      if (!counts) throw new UsageError(`--min-count needs counts in the vocabulary file ${source}, and not every line has one`, 'drop --min-count, or give "word count" lines');
      words = words.filter((_, i) => counts[i]! >= minCount);
    }
    if (maxVocab !== undefined && words.length > maxVocab) words = words.slice(0, maxVocab);
    if (words.length === 0) throw new InputError(`no word of the vocabulary file ${source} occurs ${minCount} times or more`, 'lower --min-count');
    return words;
  }
}

/** The header line `wordspace vocab` prints above its rows as TSV; `--vocab` skips it. */
export const VOCABULARY_TSV_HEADER = 'word\tcount';

/** The lines of a vocabulary file: words in order, and their counts when every line has one. */
export interface VocabularyEntries {
  words: string[];
  counts: number[] | undefined;
}

/** Code-unit order, independent of locale (so ids do not depend on the machine). */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The first three UTF-16 code units of a word as a number that orders as compareStrings does on them (each unit + 1, 17 bits; 0 past the end). */
function prefixKey(word: string, from = 0): number {
  const a = word.length > from ? word.charCodeAt(from) + 1 : 0;
  const b = word.length > from + 1 ? word.charCodeAt(from + 1) + 1 : 0;
  const c = word.length > from + 2 ? word.charCodeAt(from + 2) + 1 : 0;
  return (a * 131072 + b) * 131072 + c;
}

/** For each value, the rank of its distinct value among all of them (ascending), and how many distinct values there are. */
function denseRanks(values: Float64Array): { rank: Uint32Array; distinct: number } {
  const sorted = Float64Array.from(values).sort();
  let distinct = 0;
  for (let i = 0; i < sorted.length; i++) if (i === 0 || sorted[i] !== sorted[distinct - 1]) sorted[distinct++] = sorted[i]!;
  const rank = new Uint32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    let lo = 0;
    let hi = distinct - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (sorted[mid]! < v) lo = mid + 1;
      else hi = mid;
    }
    rank[i] = lo;
  }
  return { rank, distinct };
}

/**
 * Sort ids by count descending, then by word in code-unit order (compareStrings), ties kept in their
 * order. A comparator calling back into JavaScript took ~0.2 s on 10⁵ words; here every sort but
 * one is a typed-array sort of numbers: words are ranked by a key of their first three code units,
 * only words sharing a key are compared as strings, and ids are then ordered by one number, (count
 * rank, word rank), exact below 9·10⁷ ids.
 */
export function sortByCountThenWord(ids: number[], words: readonly string[], counts: ArrayLike<number>): void {
  const n = ids.length;
  if (n < 2) return;
  if (n > 90_000_000) {
    ids.sort((a, b) => counts[b]! - counts[a]! || compareStrings(words[a]!, words[b]!));
    return;
  }
  const prefix = new Float64Array(n);
  for (let i = 0; i < n; i++) prefix[i] = prefixKey(words[ids[i]!]!);
  const byPrefix = denseRanks(prefix);
  // Counting sort of positions by prefix rank (stable), then each run of one prefix sorted by string.
  const start = new Uint32Array(byPrefix.distinct + 1);
  for (let i = 0; i < n; i++) start[byPrefix.rank[i]! + 1]!++;
  for (let r = 0; r < byPrefix.distinct; r++) start[r + 1]! += start[r]!;
  const order = new Uint32Array(n);
  const fill = start.slice(0, byPrefix.distinct);
  for (let i = 0; i < n; i++) order[fill[byPrefix.rank[i]!]!++] = i;
  for (let r = 0; r < byPrefix.distinct; r++) {
    const from = start[r]!;
    const to = start[r + 1]!;
    if (to - from < 2) continue;
    const run = Array.from(order.subarray(from, to));
    // The next three code units first: strings are compared only where six agree.
    for (const i of run) prefix[i] = prefixKey(words[ids[i]!]!, 3);
    run.sort((a, b) => prefix[a]! - prefix[b]! || compareStrings(words[ids[a]!]!, words[ids[b]!]!) || a - b);
    order.set(run, from);
  }
  const wordRank = new Float64Array(n);
  for (let k = 0; k < n; k++) wordRank[order[k]!] = k;
  const countValue = new Float64Array(n);
  for (let i = 0; i < n; i++) countValue[i] = counts[ids[i]!]!;
  const byCount = denseRanks(countValue);
  const keys = new Float64Array(n);
  for (let i = 0; i < n; i++) keys[i] = (byCount.distinct - 1 - byCount.rank[i]!) * n + wordRank[i]!;
  keys.sort();
  const original = ids.slice();
  for (let k = 0; k < n; k++) ids[k] = original[order[keys[k]! % n]!]!;
}
