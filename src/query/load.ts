import { InputError } from '../core/errors.js';
import type { Matrix } from '../core/matrix.js';
import { WordVectors } from '../core/vectors.js';
import { readMatrix, type ReadOptions } from '../io/formats/index.js';
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
export async function loadQueryVectors(path: string, options: LoadOptions = {}): Promise<{ vectors: WordVectors; caseMode: QueryCase }> {
  // Warnings about the file wait until the file is read (and the query words, when given, are known
  // to be there): a command that fails prints its one error line, nothing before it.
  const held: string[] = [];
  const hold = (message: string): void => void held.push(message);
  const matrix = await readMatrix(path, { ...(options.stdin ? { stdin: options.stdin } : {}), warn: hold, finite: true });
  const name = displayName(path);
  checkQueryable(matrix, name);
  const vectors = withoutDuplicates(WordVectors.fromMatrix(matrix), name, hold);
  reportZeroVectors(vectors, name, hold);
  const caseMode = queryCase(matrix.meta);
  checkSomeQueryKnown(vectors, options.queries ?? [], caseMode);
  if (options.warn) for (const message of held) options.warn(message);
  return { vectors, caseMode };
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

