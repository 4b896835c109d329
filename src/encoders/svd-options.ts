import type { DenseMatrix, SparseMatrix } from '../core/matrix.js';
import { DEFAULT_SEED } from '../core/random.js';
import { integer, number } from '../core/parse.js';
import type { EncodeContext, EncoderOptions, OptionSpec } from './types.js';

/** Singular-value weighting p in U·Σ^p: 0.5 works well for word similarity (Levy et al. 2015); 1 is classic LSA. */
export const DEFAULT_EIG = 0.5;

/** `--dim`, `--eig`, `--seed` of the count-based encoders; without --dim the sparse matrix is the output. */
export const SVD_OPTIONS: OptionSpec[] = [
  { flags: '--dim <k>', description: 'reduce to k dimensions with a truncated SVD (default: no reduction, sparse output)', parse: integer('--dim', 1) },
  { flags: '--eig <p>', description: 'with --dim: vectors are U·Σ^p (0.5 for word similarity, 1 = classic LSA, 0 = U)', default: DEFAULT_EIG, parse: number('--eig', 0, 2) },
  { flags: '--seed <n>', description: 'random seed of the SVD', default: DEFAULT_SEED, parse: integer('--seed', 0) },
];

/** Apply the truncated SVD when --dim was given; record it in the metadata. */
export async function reduceDimensions(matrix: SparseMatrix, options: EncoderOptions, context: EncodeContext): Promise<SparseMatrix | DenseMatrix> {
  if (options.dim === undefined) return matrix;
  const dim = options.dim as number;
  const eig = options.eig as number;
  const seed = options.seed as number;
  matrix.meta.options = { ...matrix.meta.options, dim, eig };
  matrix.meta.seed = seed;
  // Loaded on demand: most runs without --dim never need the linear algebra.
  const { svdEmbedding } = await import('../linalg/svd.js');
  return svdEmbedding(matrix, { dim, eig, seed, progress: context.progress });
}
