import { WordVectors } from '../core/vectors.js';
import { readMatrix } from '../io/formats/index.js';

/** Word vectors from a file in any format wordspace reads (detected), or `-` for standard input. */
export async function loadVectors(path: string, stdin?: NodeJS.ReadableStream): Promise<WordVectors> {
  const matrix = await readMatrix(path, stdin ? { stdin } : {});
  return WordVectors.fromMatrix(matrix);
}
