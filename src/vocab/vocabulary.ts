import { InputError, UsageError } from '../core/errors.js';

/**
 * Words ↔ integer ids, with corpus counts. Built vocabularies are ordered by count descending, then
 * by word (code-unit order), so the same corpus always gives the same ids. Lookups go through a Map
 * (a corpus can contain `constructor` and `__proto__`).
 */
export class Vocabulary {
  private readonly index: Map<string, number>;

  constructor(
    readonly words: string[],
    readonly counts: Float64Array,
  ) {
    this.index = new Map();
    for (let i = 0; i < words.length; i++) {
      if (!this.index.has(words[i]!)) this.index.set(words[i]!, i);
    }
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
   * Returns the vocabulary and, for each input position, its new id or -1.
   */
  static fromCounts(words: string[], counts: ArrayLike<number>, minCount: number, maxVocab?: number): { vocab: Vocabulary; remap: Int32Array } {
    const kept: number[] = [];
    for (let i = 0; i < words.length; i++) if (counts[i]! >= minCount) kept.push(i);
    kept.sort((a, b) => counts[b]! - counts[a]! || compareStrings(words[a]!, words[b]!));
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

  /** The `word count` lines that word2vec `-save-vocab` and GloVe `vocab_count` write. */
  *lines(): Generator<string> {
    for (let i = 0; i < this.words.length; i++) yield `${this.words[i]} ${this.counts[i]}\n`;
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
