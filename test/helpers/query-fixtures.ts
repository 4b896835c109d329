import { DenseMatrix, makeMeta, SparseMatrix } from '../../src/core/matrix.js';
import { WordVectors } from '../../src/core/vectors.js';

/**
 * The tiny set of fixtures/query/tiny.txt: gender on axis 0/1, royalty on axis 2, youth on axis 3,
 * size on axis 4; `monarch` is a deliberate distractor near king − man + woman.
 */
export const TINY_WORDS = ['man', 'woman', 'king', 'queen', 'boy', 'girl', 'big', 'bigger', 'small', 'smaller', 'monarch'];
export const TINY_DATA = [
  [1, 0, 0, 0, 0],
  [0, 1, 0, 0, 0],
  [1, 0, 1, 0, 0],
  [0, 1, 1, 0, 0],
  [1, 0, 0, 1, 0],
  [0, 1, 0, 1, 0],
  [0, 0, 0, 0, 1],
  [0.2, 0, 0, 0, 1],
  [0, 0, 0, 1, 1],
  [0.6, 0, 0, 1, 1],
  [-0.2, 1, 0.7, 0, 0],
];

export function tinyVectors(): WordVectors {
  const matrix = new DenseMatrix(TINY_WORDS, null, 5, Float32Array.from(TINY_DATA.flat()), makeMeta('test', {}));
  return WordVectors.fromMatrix(matrix);
}

/** The same vectors as a CSR matrix (zeros left out). */
export function tinySparse(): SparseMatrix {
  const indptr = [0];
  const indices: number[] = [];
  const values: number[] = [];
  for (const row of TINY_DATA) {
    row.forEach((x, j) => {
      if (x !== 0) {
        indices.push(j);
        values.push(x);
      }
    });
    indptr.push(indices.length);
  }
  return new SparseMatrix(TINY_WORDS, null, 5, Int32Array.from(indptr), Int32Array.from(indices), Float32Array.from(values), makeMeta('test', {}));
}
