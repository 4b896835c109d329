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
// sound mark ー and the iteration marks count with their script).
const NO_SPACE = String.raw`\p{scx=Han}\p{scx=Hiragana}\p{scx=Katakana}\p{scx=Thai}\p{scx=Lao}\p{scx=Khmer}\p{scx=Myanmar}`;
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
/** Slow path: either a run of no-space script (to segment) or an ordinary word. */
const MIXED_RE = new RegExp(`([${NO_SPACE}]+)|${wordPattern(SPACED_CHAR, String.raw`[[\p{L}\p{M}\p{N}\p{Pc}]--[${NO_SPACE}]]`)}`, 'gv');
const WHITESPACE_RE = /\S+/gu;

let segmenter: Intl.Segmenter | undefined;

/** A run of Han only (jieba's domain). */
const HAN_RUN_RE = /^\p{scx=Han}+$/u;
/** What jieba returns that is a word (it also returns the punctuation between words). */
const WORDLIKE_RE = /[\p{L}\p{N}]/u;

function segmentRun(run: string, out: string[], useJieba: boolean): void {
  if (useJieba && HAN_RUN_RE.test(run)) {
    const jieba = loadJieba();
    if (jieba) {
      for (const piece of jieba.cut(run, true)) if (WORDLIKE_RE.test(piece)) out.push(piece);
      return;
    }
  }
  segmenter ??= new Intl.Segmenter(undefined, { granularity: 'word' });
  for (const piece of segmenter.segment(run)) {
    if (piece.isWordLike) out.push(piece.segment);
  }
}

/**
 * The tokens of `line` with a placeholder ('') for each run of Han that jieba is to cut: the runs go
 * to `hanRuns`, the placeholders' indexes in the returned array to `hanSlots`. Without jieba (or
 * when it cannot load) every run is segmented here and no placeholder is left.
 */
function mixedTokens(line: string, useJieba: boolean, hanRuns: string[], hanSlots: number[]): string[] {
  const out: string[] = [];
  MIXED_RE.lastIndex = 0;
  for (let m = MIXED_RE.exec(line); m !== null; m = MIXED_RE.exec(line)) {
    if (m[1] === undefined) out.push(m[0]);
    else if (useJieba && HAN_RUN_RE.test(m[1]) && loadJieba()) {
      hanSlots.push(out.length);
      hanRuns.push(m[1]);
      out.push('');
    } else segmentRun(m[1], out, useJieba);
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
 * else), so the joined cut is the runs' cuts one after the other; should that ever not hold, every
 * run is cut on its own.
 */
function cutHanRuns(hanRuns: string[]): string[][] {
  const jieba = loadJieba()!;
  const perRun: string[][] = [[]];
  for (const piece of jieba.cut(hanRuns.join('\n'), true)) {
    if (piece === '\n') perRun.push([]);
    else if (WORDLIKE_RE.test(piece)) perRun[perRun.length - 1]!.push(piece);
  }
  if (perRun.length !== hanRuns.length || perRun.some((words, r) => words.join('').length > hanRuns[r]!.length)) {
    perRun.length = 0;
    for (const run of hanRuns) perRun.push(jieba.cut(run, true).filter((piece) => WORDLIKE_RE.test(piece)));
  }
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
