import { InputError } from '../core/errors.js';
import type { WordVectors } from '../core/vectors.js';
import { displayName, textLines } from '../io/input.js';
import { pearson, spearman } from './stats.js';

/**
 * Word-similarity benchmarks (WordSim-353, RG-65, MC-30, MTurk-287, …): one pair a line,
 * `word1 word2 score` separated by tabs or spaces. Blank lines and `#` comments are skipped.
 */
export interface SimilarityPair {
  a: string;
  b: string;
  gold: number;
  /** 1-based line in the file. */
  line: number;
}

export interface SimilaritySet {
  name: string;
  pairs: SimilarityPair[];
}

export interface SimilarityResult {
  name: string;
  /** Pairs in the set. */
  pairs: number;
  /** Pairs whose two words are both in the vectors. */
  found: number;
  /** Spearman's ρ between the human scores and the cosines of the found pairs (NaN below 3 pairs). */
  spearman: number;
  pearson: number;
}

/** Correlations are reported only from this many found pairs on (as evaluate.py). */
export const MIN_CORRELATION_PAIRS = 3;

/** Parse a similarity set; a malformed line is an InputError naming the source and the line. */
export function parseSimilaritySet(lines: Iterable<string>, name: string): SimilaritySet {
  const pairs: SimilarityPair[] = [];
  let line = 0;
  for (const text of lines) {
    line++;
    const trimmed = text.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const fields = trimmed.split(/\s+/);
    const gold = fields.length >= 3 ? Number(fields[2]) : NaN;
    if (fields.length < 3 || !Number.isFinite(gold)) {
      const problem =
        fields.length < 3
          ? `expected "word1 word2 score", got ${fields.length} field${fields.length === 1 ? '' : 's'} ("${truncate(fields.join(' '))}")`
          : `the score "${truncate(fields[2]!)}" is not a number`;
      throw new InputError(`${name}, line ${line}: ${problem}`, 'a similarity set has one pair a line: two words and a number, separated by tabs or spaces');
    }
    pairs.push({ a: fields[0]!, b: fields[1]!, gold, line });
  }
  if (pairs.length === 0) throw new InputError(`${name} has no word pairs`, 'a similarity set has one pair a line: word1 word2 score');
  return { name, pairs };
}

export async function readSimilaritySet(path: string, stdin?: NodeJS.ReadableStream): Promise<SimilaritySet> {
  const lines: string[] = [];
  for await (const line of textLines(path, { stdin })) lines.push(line);
  return parseSimilaritySet(lines, displayName(path));
}

/**
 * Spearman and Pearson correlation between the human scores and the cosines, over the pairs
 * whose words are both in the vectors. Words are lowercased (the vectors passed in are expected to
 * be lowercased too; see `evaluationVectors`).
 */
export function evaluateSimilarity(vectors: WordVectors, set: SimilaritySet, name = set.name): SimilarityResult {
  const gold: number[] = [];
  const cosines: number[] = [];
  for (const pair of set.pairs) {
    const i = vectors.indexOf(pair.a.toLowerCase());
    const j = vectors.indexOf(pair.b.toLowerCase());
    if (i < 0 || j < 0) continue;
    gold.push(pair.gold);
    cosines.push(cosine32(vectors.unitRow(i), vectors.unitRow(j)));
  }
  const enough = gold.length >= MIN_CORRELATION_PAIRS;
  return {
    name,
    pairs: set.pairs.length,
    found: gold.length,
    spearman: enough ? spearman(gold, cosines) : NaN,
    pearson: enough ? pearson(gold, cosines) : NaN,
  };
}

/**
 * Dot product of two unit vectors, rounded to float32 as numpy's float32 einsum returns it, so two
 * pairs that tie there (e.g. "tiger tiger") tie here too and get the same average rank.
 */
function cosine32(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let j = 0; j < a.length; j++) s += a[j]! * b[j]!;
  return Math.fround(s);
}

const SHOWN_LINE_CHARS = 60;

function truncate(text: string): string {
  return text.length > SHOWN_LINE_CHARS ? `${text.slice(0, SHOWN_LINE_CHARS)}…` : text;
}
