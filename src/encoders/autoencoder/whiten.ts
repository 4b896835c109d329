/**
 * Whitening of the bottleneck codes: centre them, rotate onto the eigenvectors of their covariance
 * and scale each direction to unit variance (PCA whitening). An autoencoder's codes are an arbitrary
 * invertible mix of the principal subspace it found, with a few directions of large variance that
 * dominate cosine similarity; whitening undoes the mix (DESIGN.md: WordSim-353 ρ 0.34–0.39 raw,
 * 0.455 whitened; the post-processing spirit of Mu & Viswanath 2018, "All-but-the-top").
 */

import { symmetricEigen } from '../../linalg/dense.js';

/** float32's machine epsilon: the codes are float32, so their covariance is known to about this relative precision. */
const FLOAT32_EPSILON = 2 ** -23;

export interface Whitened {
  data: Float32Array;
  /** Variances of the code along the principal directions, descending (the covariance's eigenvalues). */
  variances: Float64Array;
  /** Directions kept; the others had (numerically) no variance and are output as 0. */
  rank: number;
}

/**
 * PCA whitening of n rows × dim columns: y = (h − mean) · Q · Λ^(−1/2), Λ, Q the eigenvalues and
 * vectors of the covariance (1/n) Σ (h − mean)ᵀ(h − mean). Output column k is the k-th principal
 * direction, so the result has zero mean and identity covariance. Directions with variance below
 * λ_max · dim · ε_float32 (numpy's matrix_rank tolerance) are numerically empty and set to 0.
 */
export function whiten(codes: Float32Array | Float64Array, n: number, dim: number): Whitened {
  const mean = new Float64Array(dim);
  for (let i = 0; i < n; i++) for (let k = 0; k < dim; k++) mean[k]! += codes[i * dim + k]!;
  for (let k = 0; k < dim; k++) mean[k]! /= Math.max(n, 1);

  const covariance = new Float64Array(dim * dim);
  const centred = new Float64Array(dim);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < dim; k++) centred[k] = codes[i * dim + k]! - mean[k]!;
    for (let k = 0; k < dim; k++) {
      const ck = centred[k]!;
      const base = k * dim;
      for (let l = k; l < dim; l++) covariance[base + l]! += ck * centred[l]!;
    }
  }
  for (let k = 0; k < dim; k++) {
    for (let l = k; l < dim; l++) {
      const c = covariance[k * dim + l]! / Math.max(n, 1);
      covariance[k * dim + l] = c;
      covariance[l * dim + k] = c;
    }
  }

  const { projection, variances, rank } = whiteningProjection(covariance, dim);
  const data = new Float32Array(n * dim);
  const out = new Float64Array(dim);
  for (let i = 0; i < n; i++) {
    out.fill(0);
    for (let k = 0; k < dim; k++) {
      const ck = codes[i * dim + k]! - mean[k]!;
      const base = k * dim;
      for (let m = 0; m < dim; m++) out[m]! += ck * projection[base + m]!;
    }
    data.set(out, i * dim);
  }
  return { data, variances, rank };
}

/** The whitening of a covariance matrix (dim × dim): P = Q Λ^(−1/2) (dim × dim, row k = code entry k), empty directions zero. */
export function whiteningProjection(covariance: Float64Array, dim: number): { projection: Float64Array; variances: Float64Array; rank: number } {
  const { values, vectors } = symmetricEigen(covariance, dim);
  const floor = Math.max(values[0]!, 0) * dim * FLOAT32_EPSILON;
  // Projection matrix P = Q Λ^(−1/2): P[k][m] = Q[k][m] / √λ_m, zero for empty directions.
  const projection = new Float64Array(dim * dim);
  let rank = 0;
  for (let m = 0; m < dim; m++) {
    if (!(values[m]! > floor)) continue;
    rank++;
    const inverseStd = 1 / Math.sqrt(values[m]!);
    for (let k = 0; k < dim; k++) projection[k * dim + m] = vectors[k * dim + m]! * inverseStd;
  }
  return { projection, variances: values, rank };
}
