import { existsSync, readdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InputError } from '../core/errors.js';
import { WordVectors, type AnalogyMethod } from '../core/vectors.js';
import { evaluateAnalogies, readAnalogySet, type AnalogyResult } from './analogies.js';
import { evaluateSimilarity, readSimilaritySet, type SimilarityResult, type SimilaritySet } from './similarity.js';

/**
 * Word-similarity and analogy evaluation of a set of vectors, with the protocol of
 * /work/shared/bench/evaluate.py (and so of hyperwords and gensim): words lowercased, first
 * occurrence kept, `</s>` and `<unk>` dropped, cosine on unit-normalised rows.
 */

/** Tokens that word2vec and GloVe put in their vocabularies and that are not words. */
export const SPECIAL_TOKENS: ReadonlySet<string> = new Set(['</s>', '<unk>']);

/** The usual analogy protocol searches the 30,000 most frequent words (Mikolov et al. 2013; gensim's restrict_vocab). */
export const DEFAULT_ANALOGY_RESTRICT = 30000;

/** Named benchmark collections shipped in data/eval. */
export const BENCHMARKS = ['standard'] as const;
export type Benchmark = (typeof BENCHMARKS)[number];

/** The shipped analogy set (Google's questions-words.txt). */
const STANDARD_ANALOGIES = 'questions-words.txt';
/** Shipped similarity sets are named `EN-*.txt` (the naming of the wordvectors.org collection). */
const STANDARD_SIMILARITY = /^EN-.*\.txt$/;

/**
 * The vectors as evaluation sees them: lowercased, first occurrence of each lowercased word kept
 * (the more frequent one, rows being in frequency order), special tokens dropped. The same object
 * when nothing needs to change.
 */
export function evaluationVectors(vectors: WordVectors): WordVectors {
  const rows: number[] = [];
  const words: string[] = [];
  const seen = new Set<string>();
  let changed = false;
  for (let i = 0; i < vectors.size; i++) {
    const word = vectors.words[i]!;
    const lower = word.toLowerCase();
    if (SPECIAL_TOKENS.has(lower) || seen.has(lower)) {
      changed = true;
      continue;
    }
    if (lower !== word) changed = true;
    seen.add(lower);
    rows.push(i);
    words.push(lower);
  }
  return changed ? vectors.select(rows, words) : vectors;
}

/** The directory holding the shipped sets: data/eval under the package root, wherever the code runs from. */
export function standardEvalDir(): string {
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; ) {
    const candidate = join(dir, 'data', 'eval');
    if (existsSync(join(candidate, STANDARD_ANALOGIES))) return candidate;
    const parent = dirname(dir);
    if (parent === dir) throw new InputError('the standard benchmark sets (data/eval) are missing from this installation', 'give --similarity and --analogies files');
    dir = parent;
  }
}

export interface BenchmarkFiles {
  similarity: string[];
  analogies?: string;
}

export function benchmarkFiles(benchmark: Benchmark): BenchmarkFiles {
  const dir = standardEvalDir();
  switch (benchmark) {
    case 'standard': {
      const similarity = readdirSync(dir)
        .filter((f) => STANDARD_SIMILARITY.test(f))
        .sort()
        .map((f) => join(dir, f));
      return { similarity, analogies: join(dir, STANDARD_ANALOGIES) };
    }
  }
}

export interface EvaluationOptions {
  similarity: string[];
  analogies?: string;
  method: AnalogyMethod;
  restrict: number;
  stdin?: NodeJS.ReadableStream;
  /**
   * Builds a vector for a word the vectors lack (a fastText model's n-grams); true when it did.
   * Each similarity set is then reported twice: over the pairs found, and as `<set> +n-grams` over
   * every pair whose words have a vector either way.
   */
  unknownWord?: (word: string, out: Float32Array) => boolean;
}

export interface EvaluationReport {
  /** Words after lowercasing and deduplication, and the dimension. */
  vocabulary: number;
  dim: number;
  similarity: SimilarityResult[];
  analogies?: AnalogyResult & { set: string };
}

/** Name a set in reports: its file name without directory and `.txt`. */
export function setName(path: string): string {
  return path === '-' ? 'stdin' : basename(path).replace(/\.txt$/i, '');
}

export async function evaluate(raw: WordVectors, options: EvaluationOptions): Promise<EvaluationReport> {
  // Read every set first, so a malformed file fails before any computation.
  const sets = [];
  for (const path of options.similarity) sets.push(await readSimilaritySet(path, options.stdin));
  const analogySet = options.analogies === undefined ? undefined : await readAnalogySet(options.analogies, options.stdin);
  const vectors = evaluationVectors(raw);
  const report: EvaluationReport = {
    vocabulary: vectors.size,
    dim: vectors.dim,
    similarity: sets.flatMap((set, k) => {
      const name = setName(options.similarity[k]!);
      const found = evaluateSimilarity(vectors, set, name);
      if (!options.unknownWord || found.found === found.pairs || vectors.isSparse) return [found];
      return [found, evaluateSimilarity(withBuiltWords(vectors, set, options.unknownWord), set, `${name} ${SUBWORD_SUFFIX}`)];
    }),
  };
  if (analogySet && options.analogies !== undefined) {
    report.analogies = {
      set: setName(options.analogies),
      ...evaluateAnalogies(vectors, analogySet, { method: options.method, restrict: options.restrict }),
    };
  }
  return report;
}

/** How a similarity set evaluated with unknown words built from n-grams is named in reports. */
export const SUBWORD_SUFFIX = '+n-grams';

/** The (dense) vectors with a row appended for each word of the set they lack and `build` can make. */
function withBuiltWords(vectors: WordVectors, set: SimilaritySet, build: (word: string, out: Float32Array) => boolean): WordVectors {
  const words: string[] = [];
  const rows: Float32Array[] = [];
  const tried = new Set<string>();
  for (const pair of set.pairs) {
    for (const raw of [pair.a, pair.b]) {
      const word = raw.toLowerCase();
      if (tried.has(word) || vectors.has(word)) continue;
      tried.add(word);
      const row = new Float32Array(vectors.dim);
      if (build(word, row)) {
        words.push(word);
        rows.push(row);
      }
    }
  }
  if (words.length === 0) return vectors;
  const dim = vectors.dim;
  const data = new Float32Array((vectors.size + words.length) * dim);
  data.set(vectors.vectors);
  rows.forEach((row, k) => data.set(row, (vectors.size + k) * dim));
  return new WordVectors([...vectors.words, ...words], data, dim);
}
