/**
 * Tokenizers: a line of text → tokens.
 *
 * `word` (default): letters, marks and digits of any script, internal apostrophes kept (`don't`,
 * `l’homme`); runs of scripts written without spaces (Han, Hiragana, Katakana, Thai, Lao, Khmer,
 * Myanmar) are segmented into words with Intl.Segmenter — only those runs, line by line, because the
 * segmenter is ~30× slower than the regex (DESIGN.md, measured facts).
 * `whitespace`: split on whitespace, nothing else (the fast path for pre-tokenized corpora).
 * `char`: one token per character (code point), whitespace skipped.
 */
export const TOKENIZERS = ['word', 'whitespace', 'char'] as const;
export type TokenizerName = (typeof TOKENIZERS)[number];

export interface TokenizerOptions {
  tokenizer: TokenizerName;
  keepCase: boolean;
}

export type Tokenizer = (line: string) => string[];

// Scripts written without spaces between words (Script_Extensions, so that the Katakana prolonged
// sound mark ー and the iteration marks count with their script).
const NO_SPACE = String.raw`\p{scx=Han}\p{scx=Hiragana}\p{scx=Katakana}\p{scx=Thai}\p{scx=Lao}\p{scx=Khmer}\p{scx=Myanmar}`;
const WORD_CHAR = String.raw`[\p{L}\p{M}\p{N}]`;
const SPACED_CHAR = String.raw`[[\p{L}\p{M}\p{N}]--[${NO_SPACE}]]`;
const APOSTROPHE = `['\u2019]`;

/** Fast path: a line with no characters of the no-space scripts. */
const WORD_RE = new RegExp(`${WORD_CHAR}+(?:${APOSTROPHE}${WORD_CHAR}+)*`, 'gu');
const HAS_NO_SPACE_RE = new RegExp(`[${NO_SPACE}]`, 'v');
/** Slow path: either a run of no-space script (to segment) or an ordinary word. */
const MIXED_RE = new RegExp(`([${NO_SPACE}]+)|${SPACED_CHAR}+(?:${APOSTROPHE}${SPACED_CHAR}+)*`, 'gv');
const WHITESPACE_RE = /\S+/gu;

let segmenter: Intl.Segmenter | undefined;

function segmentRun(run: string, out: string[]): void {
  segmenter ??= new Intl.Segmenter(undefined, { granularity: 'word' });
  for (const piece of segmenter.segment(run)) {
    if (piece.isWordLike) out.push(piece.segment);
  }
}

function wordTokens(line: string): string[] {
  if (!HAS_NO_SPACE_RE.test(line)) return line.match(WORD_RE) ?? [];
  const out: string[] = [];
  MIXED_RE.lastIndex = 0;
  for (let m = MIXED_RE.exec(line); m !== null; m = MIXED_RE.exec(line)) {
    if (m[1] !== undefined) segmentRun(m[1], out);
    else out.push(m[0]);
  }
  return out;
}

function whitespaceTokens(line: string): string[] {
  return line.match(WHITESPACE_RE) ?? [];
}

function charTokens(line: string): string[] {
  const out: string[] = [];
  for (const ch of line) if (!/\s/u.test(ch)) out.push(ch);
  return out;
}

const BASE: Record<TokenizerName, Tokenizer> = { word: wordTokens, whitespace: whitespaceTokens, char: charTokens };

export function makeTokenizer(options: TokenizerOptions): Tokenizer {
  const base = BASE[options.tokenizer];
  if (options.keepCase) return base;
  return (line) => base(line.toLowerCase());
}
