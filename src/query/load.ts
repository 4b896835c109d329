import { WordVectors } from '../core/vectors.js';
import { readMatrix, type ReadOptions } from '../io/formats/index.js';

/** Word vectors from a file in any format wordspace reads (detected), or `-` for standard input. */
export async function loadVectors(path: string, options: Pick<ReadOptions, 'stdin' | 'warn'> = {}): Promise<WordVectors> {
  return WordVectors.fromMatrix(await readMatrix(path, options));
}
