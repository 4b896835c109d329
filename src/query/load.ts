import { InputError } from '../core/errors.js';
import type { Matrix } from '../core/matrix.js';
import { WordVectors } from '../core/vectors.js';
import type { FastTextModel } from '../encoders/fasttext/model.js';
import { fastTextModelOf, readMatrix, type ReadOptions } from '../io/formats/index.js';
import { displayName } from '../io/input.js';
import { queryCase, resolveWord, type QueryCase } from './fold.js';

/**
 * The widest sparse matrix a query accepts: every query densifies one row (and its unit copy) of
 * this many values, 10^7 float64 = 80 MB. A sparse file claiming 10^8 columns with three entries is
 * refused here rather than allocating gigabytes per query word.
 */
export const MAX_QUERY_COLUMNS = 10_000_000;
/** Words named in a warning about many rows. */
const EXAMPLES = 3;

/**
 * Word vectors from a file in any format wordspace reads (detected), or `-` for standard input,
 * ready for queries: NaN and ±Infinity refused (naming the line), a word listed twice kept at its
 * first vector with a warning (gensim's `load_word2vec_format` does the same: "ignoring all but
 * first"), all-zero vectors reported (their similarity to everything is 0).
 */
export async function loadVectors(path: string, options: LoadOptions = {}): Promise<WordVectors> {
  return (await loadQueryVectors(path, options)).vectors;
}

/**
 * Word vectors checked as `loadVectors` does, and how query words are matched to them (their
 * metadata's case folding, see fold.ts).
 */
export async function loadQueryVectors(path: string, options: LoadOptions = {}): Promise<QueryVectors> {
  // Warnings about the file wait until the file is read (and the query words, when given, are known
  // to be there): a command that fails prints its one error line, nothing before it.
  const held: string[] = [];
  const hold = (message: string): void => void held.push(message);
  const matrix = await readMatrix(path, { ...(options.stdin ? { stdin: options.stdin } : {}), warn: hold, finite: true });
  const name = displayName(path);
  checkQueryable(matrix, name);
  const model = fastTextModelOf(matrix);
  let vectors = withoutDuplicates(WordVectors.fromMatrix(matrix), name, hold);
  reportZeroVectors(vectors, name, hold);
  const caseMode = queryCase(matrix.meta);
  const answerRows = vectors.size;
  if (model) vectors = withSubwordVectors(vectors, model, options.queries ?? [], caseMode, name, hold);
  checkSomeQueryKnown(vectors, options.queries ?? [], caseMode);
  if (options.warn) for (const message of held) options.warn(message);
  return { vectors, caseMode, answerRows, meta: matrix.meta, ...(model ? { model } : {}) };
}

/** What loadQueryVectors returns. */
export interface QueryVectors {
  vectors: WordVectors;
  caseMode: QueryCase;
  /**
   * Rows that may be answers: the vectors read. Query words a subword model does not know are
   * appended after them (built from their n-grams) and are never answers themselves.
   */
  answerRows: number;
  /** The file's metadata (e.g. the document model `similar --text` uses, meta.options.model). */
  meta: Matrix['meta'];
  /** The fastText model the vectors come from, when they do: it builds vectors for unknown words. */
  model?: FastTextModel;
}

/** Query options limiting answers to the vectors read (the user's --restrict, if smaller). */
export function answerRestrict(loaded: Pick<QueryVectors, 'answerRows' | 'vectors'>, restrict: number | undefined): { restrict?: number } {
  if (loaded.answerRows === loaded.vectors.size) return restrict === undefined ? {} : { restrict };
  return { restrict: Math.min(restrict ?? loaded.answerRows, loaded.answerRows) };
}

/**
 * The vectors with a row appended for each query word the vocabulary lacks but the model can build
 * from its character n-grams (fastText's getWordVector; the row is labelled as the word will be
 * looked up). A word without any n-gram row is left out (its lookup then fails with suggestions):
 * fastText would give it a zero vector, which has no neighbours.
 */
export function withSubwordVectors(vectors: WordVectors, model: FastTextModel, queries: readonly string[], caseMode: QueryCase, name: string, warn: (message: string) => void): WordVectors {
  const built: string[] = [];
  const rows: Float32Array[] = [];
  for (const query of queries) {
    try {
      resolveWord(vectors, query, caseMode);
      continue;
    } catch {
      // not in the vocabulary: built below
    }
    const word = caseMode === 'fold' ? query.toLowerCase() : query;
    if (built.includes(word)) continue;
    const row = new Float32Array(model.dim);
    if (model.wordVector(word, row) === 0) continue;
    built.push(word);
    rows.push(row);
  }
  if (built.length === 0) return vectors;
  const dim = vectors.dim;
  const data = new Float32Array((vectors.size + built.length) * dim);
  data.set(vectors.vectors.subarray(0, vectors.size * dim));
  rows.forEach((row, k) => data.set(row, (vectors.size + k) * dim));
  const shown = built.slice(0, EXAMPLES).map((w) => JSON.stringify(w)).join(', ');
  warn(`${name}: ${built.length === 1 ? `${shown} is` : `${built.length} words (${shown}${built.length > EXAMPLES ? ', …' : ''}) are`} not in the vocabulary; built from character n-grams`);
  return new WordVectors([...vectors.words, ...built], data, dim);
}

export interface LoadOptions extends Pick<ReadOptions, 'stdin' | 'warn'> {
  /**
   * Words the caller will look up. When none of them is in the vectors the first one's error (with
   * suggestions) is thrown before any warning is given, so a failed query is one line; when some
   * are, the caller reports the others word by word.
   */
  queries?: readonly string[];
}

function checkSomeQueryKnown(vectors: WordVectors, queries: readonly string[], caseMode: QueryCase): void {
  let first: unknown;
  for (const word of queries) {
    try {
      resolveWord(vectors, word, caseMode);
      return;
    } catch (err) {
      first ??= err;
    }
  }
  if (first !== undefined) throw first;
}

function checkQueryable(matrix: Matrix, name: string): void {
  if (matrix.kind === 'sparse' && matrix.nCols > MAX_QUERY_COLUMNS) {
    throw new InputError(
      `${name} is a sparse matrix with ${matrix.nCols.toLocaleString('en-US')} columns, more than the ${MAX_QUERY_COLUMNS.toLocaleString('en-US')} a query can turn into dense rows`,
      'reduce it first (e.g. encode cooc --dim 300), or check its size line',
    );
  }
}

/** The vectors with every later copy of a repeated word dropped (a warning says which were kept). */
function withoutDuplicates(vectors: WordVectors, name: string, warn: (message: string) => void): WordVectors {
  if (!vectors.hasRepeatedWords) return vectors;
  const first = new Map<string, number>();
  const dropped: { word: string; kept: number; row: number }[] = [];
  const keep: number[] = [];
  vectors.words.forEach((word, i) => {
    const seen = first.get(word);
    if (seen === undefined) {
      first.set(word, i);
      keep.push(i);
    } else dropped.push({ word, kept: seen, row: i });
  });
  if (dropped.length === 0) return vectors;
  const d = dropped[0]!;
  const copies = dropped.filter((x) => x.word === d.word).length + 1;
  const times = copies === 2 ? 'twice' : `${copies} times`;
  const words = new Set(dropped.map((x) => x.word)).size;
  warn(
    words === 1
      ? `${name}: the word ${JSON.stringify(d.word)} appears ${times} (vectors ${d.kept + 1} and ${d.row + 1}${copies > 2 ? ', …' : ''}); keeping the first, as gensim does`
      : `${name}: ${words} words appear more than once (e.g. ${JSON.stringify(d.word)}, vectors ${d.kept + 1} and ${d.row + 1}); keeping the first of each, as gensim does`,
  );
  return vectors.select(keep, keep.map((i) => vectors.words[i]!));
}

function reportZeroVectors(vectors: WordVectors, name: string, warn: (message: string) => void): void {
  const zero: string[] = [];
  let count = 0;
  for (let i = 0; i < vectors.size; i++) {
    if (!vectors.isZero(i)) continue;
    if (count++ < EXAMPLES) zero.push(JSON.stringify(vectors.words[i]));
  }
  if (count === 0) return;
  warn(
    count === 1
      ? `${name}: the vector of ${zero[0]} is all zeros, so its similarity to every word is 0`
      : `${name}: ${count} vectors are all zeros (${zero.join(', ')}${count > EXAMPLES ? ', …' : ''}), so their similarity to every word is 0`,
  );
}

