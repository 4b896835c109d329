/**
 * Tokenizers: a line of text → tokens.
 *
 * `word` (default): letters, marks and digits of any script, internal apostrophes kept (`don't`,
 * `l’homme`), and connector punctuation (`_`, `‿`, …) joined to the letters or digits it touches, as
 * Unicode word segmentation (UAX #29) does, so phrase tokens such as `new_york` (word2phrase, gensim's
 * Phrases) and `__proto__` stay one token; a run of underscores alone is not a token. Runs of scripts written without spaces (Han, Hiragana, Katakana, Thai, Lao, Khmer,
 * Myanmar) are segmented into words with Intl.Segmenter — only those runs, line by line, because the
 * segmenter is ~30× slower than the regex (DESIGN.md, measured facts).
 * `whitespace`: split on whitespace, nothing else (the fast path for pre-tokenized corpora).
 * `char`: one token per character (code point), whitespace skipped.
 */
import { loadJieba, type SegmenterName } from './segment.js';

import type { TokenizerName } from './names.js';

export { TOKENIZERS, type TokenizerName } from './names.js';

export interface TokenizerOptions {
  tokenizer: TokenizerName;
  keepCase: boolean;
  /** How runs of Han are cut into words (default icu; see segment.ts). Other no-space scripts always use ICU. */
  segmenter?: SegmenterName;
}

export type Tokenizer = (line: string) => string[];

// Scripts written without spaces between words (Script_Extensions, so that the Katakana prolonged
// sound mark ー and the iteration marks count with their script); the inside of a character class.
export const NO_SPACE = String.raw`\p{scx=Han}\p{scx=Hiragana}\p{scx=Katakana}\p{scx=Thai}\p{scx=Lao}\p{scx=Khmer}\p{scx=Myanmar}`;
const WORD_CHAR = String.raw`[\p{L}\p{M}\p{N}]`;
const SPACED_CHAR = String.raw`[[\p{L}\p{M}\p{N}]--[${NO_SPACE}]]`;
const APOSTROPHE = `['\u2019]`;

/**
 * A word: connectors (\p{Pc}) may lead, then a word character, then word characters and connectors;
 * an apostrophe joins only when a word character is on both sides (`a_'b` is `a_`, `b` as in UAX #29).
 */
function wordPattern(char: string, join: string): string {
  return String.raw`\p{Pc}*${char}${join}*(?:(?<=${char})${APOSTROPHE}${char}${join}*)*`;
}

/** Fast path: a line with no characters of the no-space scripts. */
const WORD_RE = new RegExp(wordPattern(WORD_CHAR, String.raw`[\p{L}\p{M}\p{N}\p{Pc}]`), 'gu');
const HAS_NO_SPACE_RE = new RegExp(`[${NO_SPACE}]`, 'v');
/**
 * Slow path: either a run of no-space script (to segment) or an ordinary word. No capture group: a
 * piece is a run exactly when its first character is of a no-space script (isNoSpaceRun).
 */
const MIXED_RE = new RegExp(`[${NO_SPACE}]+|${wordPattern(SPACED_CHAR, String.raw`[[\p{L}\p{M}\p{N}\p{Pc}]--[${NO_SPACE}]]`)}`, 'gv');
const NO_SPACE_START_RE = new RegExp(`^[${NO_SPACE}]`, 'v');
const WHITESPACE_RE = /\S+/gu;

let segmenter: Intl.Segmenter | undefined;

/**
 * A word segmenter that has cut text of every no-space script once: ICU's first cut of `ー文` in a
 * process is `ー文`, every later one `ー`, `文` (found by test/unicode-scan.test.ts; Node 20's ICU),
 * and a corpus must not be cut according to which line came first.
 */
function warmSegmenter(): Intl.Segmenter {
  const fresh = new Intl.Segmenter(undefined, { granularity: 'word' });
  for (const piece of fresh.segment('ー文かカไทยລາວខ្មែរမြန်မာ')) void piece;
  return fresh;
}

/** A run of Han only (jieba's domain). */
const HAN_RUN_RE = /^\p{scx=Han}+$/u;
/** What jieba returns that is a word (it also returns the punctuation between words). */
const WORDLIKE_RE = /[\p{L}\p{N}]/u;
/** CJK Unified Ideographs (U+4E00–U+9FFF): every one is Han and a letter (test/text.test.ts checks the block). */
const IDEOGRAPH_FIRST = 0x4e00;
const IDEOGRAPH_LAST = 0x9fff;

/**
 * Whether a piece of MIXED_RE is a run of no-space script: the word alternative starts with a
 * connector or a letter, mark or digit of the other scripts, and no connector is of a no-space
 * script, so the first character decides. ASCII and ideographs are told by their code.
 */
function isNoSpaceRun(piece: string): boolean {
  const first = piece.charCodeAt(0);
  if (first < 0x80) return false;
  if (first >= IDEOGRAPH_FIRST && first <= IDEOGRAPH_LAST) return true;
  return NO_SPACE_START_RE.test(piece);
}

/** Whether a piece jieba returned is a word (ideographs are, without the regex). */
function isWordPiece(piece: string): boolean {
  const first = piece.charCodeAt(0);
  return (first >= IDEOGRAPH_FIRST && first <= IDEOGRAPH_LAST) || WORDLIKE_RE.test(piece);
}

/**
 * Cuts of short Han runs already made (run → its words): text repeats its short clauses, and a
 * lookup costs less than the native call. jieba cuts a run the same wherever it occurs (the cut of
 * a run depends on the run alone, see cutHanRuns), so a cached cut is the native one. Bounded: runs
 * of at most HAN_CACHE_RUN_CHARS characters, at most HAN_CACHE_ENTRIES of them (emptied when full).
 * Text whose runs seldom repeat would pay for the lookups and the filling (GC of the kept strings)
 * and gain nothing: when a filling of the cache saw fewer than one hit in HAN_CACHE_MIN_HIT_RATIO
 * lookups, the cache rests (no lookups, nothing kept) for the next HAN_CACHE_REST_RUNS runs.
 */
const hanCache = new Map<string, readonly string[]>();
const HAN_CACHE_RUN_CHARS = 32;
const HAN_CACHE_ENTRIES = 1 << 14;
/** A hit saves a native cut (≈ 5 µs a run here), a miss costs a lookup and an insertion (≈ 0.7 µs): break-even near 1 in 8. */
const HAN_CACHE_MIN_HIT_RATIO = 8;
const HAN_CACHE_REST_RUNS = 16 * HAN_CACHE_ENTRIES;
let hanCacheLookups = 0;
let hanCacheHits = 0;
let hanCacheRest = 0;

/** The cached cut of a Han run, or undefined. */
export function cachedHanCut(run: string): readonly string[] | undefined {
  if (run.length > HAN_CACHE_RUN_CHARS) return undefined;
  if (hanCacheRest > 0) {
    hanCacheRest--;
    return undefined;
  }
  hanCacheLookups++;
  const words = hanCache.get(run);
  if (words) hanCacheHits++;
  return words;
}

function cacheHanCut(run: string, words: readonly string[]): void {
  if (run.length > HAN_CACHE_RUN_CHARS || hanCacheRest > 0) return;
  if (hanCache.size >= HAN_CACHE_ENTRIES) {
    const rest = hanCacheHits * HAN_CACHE_MIN_HIT_RATIO < hanCacheLookups;
    hanCache.clear();
    hanCacheLookups = 0;
    hanCacheHits = 0;
    if (rest) {
      hanCacheRest = HAN_CACHE_REST_RUNS;
      return;
    }
  }
  hanCache.set(run, words);
}

function segmentRun(run: string, out: string[], useJieba: boolean): void {
  if (useJieba && HAN_RUN_RE.test(run)) {
    const jieba = loadJieba();
    if (jieba) {
      for (const piece of jieba.cut(run, true)) if (isWordPiece(piece)) out.push(piece);
      return;
    }
  }
  segmenter ??= warmSegmenter();
  for (const piece of segmenter.segment(run)) {
    if (piece.isWordLike) out.push(piece.segment);
  }
}

/**
 * The tokens of `line` with a placeholder ('') for each run of Han that jieba is to cut: the runs go
 * to `hanRuns`, the placeholders' indexes in the returned array to `hanSlots`. A run whose cut is
 * cached gives its words here. Without jieba (or when it cannot load) every run is segmented here
 * and no placeholder is left.
 */
function mixedTokens(line: string, useJieba: boolean, hanRuns: string[], hanSlots: number[]): string[] {
  const pieces = line.match(MIXED_RE);
  if (pieces === null) return [];
  const out: string[] = [];
  for (const piece of pieces) {
    if (!isNoSpaceRun(piece)) {
      out.push(piece);
      continue;
    }
    // Only runs of Han only are cached: a hit needs no HAN_RUN_RE test.
    const cached = useJieba ? cachedHanCut(piece) : undefined;
    if (cached) for (const word of cached) out.push(word);
    else if (useJieba && HAN_RUN_RE.test(piece) && loadJieba()) {
      hanSlots.push(out.length);
      hanRuns.push(piece);
      out.push('');
    } else segmentRun(piece, out, useJieba);
  }
  return out;
}

function wordTokensWith(useJieba: boolean): Tokenizer {
  return (line) => {
    if (!HAS_NO_SPACE_RE.test(line)) return line.match(WORD_RE) ?? [];
    // With jieba, the Han runs of a line are cut in one call (a native call per run cost more than
    // the cutting): out holds a placeholder per run, filled from the joined cut below.
    const hanRuns: string[] = [];
    const hanSlots: number[] = [];
    const out = mixedTokens(line, useJieba, hanRuns, hanSlots);
    if (hanRuns.length === 0) return out;
    const perRun = cutHanRuns(hanRuns);
    return fillSlots(out, hanSlots, perRun, 0);
  };
}

/**
 * The jieba words of each Han run, cut in one native call: the runs are joined with a newline, which
 * jieba never joins to a word (it cuts blocks of Han and ASCII word characters apart at anything
 * else), so the joined cut is the runs' cuts one after the other; should that ever not hold (a
 * run's words longer than the run), every run is cut on its own. The short runs' cuts are cached.
 */
function cutHanRuns(hanRuns: string[]): string[][] {
  const jieba = loadJieba()!;
  const perRun: string[][] = [[]];
  const lengths = [0];
  let consistent = true;
  for (const piece of jieba.cut(hanRuns.join('\n'), true)) {
    if (piece === '\n') {
      perRun.push([]);
      lengths.push(0);
    } else if (isWordPiece(piece)) {
      const r = perRun.length - 1;
      perRun[r]!.push(piece);
      lengths[r] = lengths[r]! + piece.length;
      if (r >= hanRuns.length || lengths[r]! > hanRuns[r]!.length) consistent = false;
    }
  }
  if (!consistent || perRun.length !== hanRuns.length) {
    perRun.length = 0;
    for (const run of hanRuns) perRun.push(jieba.cut(run, true).filter(isWordPiece));
  }
  for (let r = 0; r < hanRuns.length; r++) cacheHanCut(hanRuns[r]!, perRun[r]!);
  return perRun;
}

/** `out` with its placeholders (at `hanSlots`) replaced by the words of perRun[first], perRun[first + 1], …. */
function fillSlots(out: string[], hanSlots: number[], perRun: string[][], first: number): string[] {
  const result: string[] = [];
  let next = 0;
  for (let i = 0; i < out.length; i++) {
    if (i === hanSlots[next]) {
      for (const word of perRun[first + next]!) result.push(word);
      next++;
    } else result.push(out[i]!);
  }
  return result;
}

/** Tokenizes many lines at once: the same tokens as the line tokenizer on each line. */
export type LinesTokenizer = (lines: readonly string[]) => string[][];

/**
 * `word` with jieba over many lines: the Han runs of all the lines are cut in one native call
 * (one call per line cost more than the cutting on short lines, docs/input-speed.md).
 */
function wordLinesJieba(lower: boolean): LinesTokenizer {
  return (lines) => {
    const hanRuns: string[] = [];
    const slots: number[][] = [];
    const firstRun: number[] = [];
    const outs: string[][] = [];
    for (const raw of lines) {
      const line = lower ? raw.toLowerCase() : raw;
      const hanSlots: number[] = [];
      firstRun.push(hanRuns.length);
      outs.push(HAS_NO_SPACE_RE.test(line) ? mixedTokens(line, true, hanRuns, hanSlots) : (line.match(WORD_RE) ?? []));
      slots.push(hanSlots);
    }
    if (hanRuns.length === 0) return outs;
    const perRun = cutHanRuns(hanRuns);
    return outs.map((out, k) => (slots[k]!.length === 0 ? out : fillSlots(out, slots[k]!, perRun, firstRun[k]!)));
  };
}

function whitespaceTokens(line: string): string[] {
  return line.match(WHITESPACE_RE) ?? [];
}

function charTokens(line: string): string[] {
  const out: string[] = [];
  for (const ch of line) if (!/\s/u.test(ch)) out.push(ch);
  return out;
}

const BASE: Record<TokenizerName, Tokenizer> = { word: wordTokensWith(false), whitespace: whitespaceTokens, char: charTokens };
const WORD_JIEBA = wordTokensWith(true);

/** A tokenizer of many lines at once, giving what makeTokenizer gives line by line (test/fast-count.test.ts). */
export function makeLinesTokenizer(options: TokenizerOptions): LinesTokenizer {
  if (options.tokenizer === 'word' && options.segmenter === 'jieba') return wordLinesJieba(!options.keepCase);
  const tokenize = makeTokenizer(options);
  return (lines) => lines.map(tokenize);
}

export function makeTokenizer(options: TokenizerOptions): Tokenizer {
  const base = options.tokenizer === 'word' && options.segmenter === 'jieba' ? WORD_JIEBA : BASE[options.tokenizer];
  if (options.keepCase) return base;
  return (line) => base(line.toLowerCase());
}
