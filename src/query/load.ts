import { WordVectors } from '../core/vectors.js';
import { readMatrix, type ReadOptions } from '../io/formats/index.js';
import { queryCase, type QueryCase } from './fold.js';

/** Word vectors from a file in any format wordspace reads (detected), or `-` for standard input. */
export async function loadVectors(path: string, options: Pick<ReadOptions, 'stdin' | 'warn'> = {}): Promise<WordVectors> {
  return WordVectors.fromMatrix(await readMatrix(path, options));
}

/** Word vectors and how query words are matched to them (their metadata's case folding, see fold.ts). */
export async function loadQueryVectors(path: string, options: Pick<ReadOptions, 'stdin' | 'warn'> = {}): Promise<{ vectors: WordVectors; caseMode: QueryCase }> {
  const matrix = await readMatrix(path, options);
  return { vectors: WordVectors.fromMatrix(matrix), caseMode: queryCase(matrix.meta) };
}
