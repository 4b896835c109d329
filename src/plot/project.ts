import { symmetricEigen } from '../linalg/dense.js';

/** The ways `plot map` puts vectors in a plane. */
export const PROJECTIONS = ['pca', 'tsne'] as const;
export type Projection = (typeof PROJECTIONS)[number];

/**
 * Principal component analysis to two dimensions: the rows of `data` (n × d, row-major) centred,
 * then projected on the two directions of largest variance.
 *
 * Computed exactly: the smaller of the d × d covariance XcᵀXc (projection Xc·v) and the n × n Gram
 * matrix XcXcᵀ (projection u·√λ, the same numbers, SVD's two sides) goes through the symmetric
 * eigensolver. **Sign convention** (scikit-learn's `svd_flip`): each component is turned so that the
 * point farthest from the centre along it has a positive coordinate; when two points tie (within a
 * relative 1e-9), the first of them. So the same input always gives the same picture.
 *
 * `explained` is each component's share of the total variance (0 when all points coincide).
 */
export function pca2(data: ArrayLike<number>, n: number, d: number): { coords: Float64Array; explained: [number, number] } {
  const centred = new Float64Array(n * d);
  for (let j = 0; j < d; j++) {
    let mean = 0;
    for (let i = 0; i < n; i++) mean += data[i * d + j]!;
    mean /= n;
    for (let i = 0; i < n; i++) centred[i * d + j] = data[i * d + j]! - mean;
  }
  const coords = new Float64Array(n * 2);
  const components = Math.min(2, n, d);
  let values: Float64Array;
  if (d <= n) {
    const covariance = new Float64Array(d * d);
    for (let i = 0; i < n; i++) {
      const row = i * d;
      for (let a = 0; a < d; a++) {
        const x = centred[row + a]!;
        if (x === 0) continue;
        for (let b = a; b < d; b++) covariance[a * d + b] = covariance[a * d + b]! + x * centred[row + b]!;
      }
    }
    for (let a = 0; a < d; a++) for (let b = 0; b < a; b++) covariance[a * d + b] = covariance[b * d + a]!;
    const eigen = symmetricEigen(covariance, d);
    values = eigen.values;
    for (let c = 0; c < components; c++) {
      for (let i = 0; i < n; i++) {
        let s = 0;
        for (let j = 0; j < d; j++) s += centred[i * d + j]! * eigen.vectors[j * d + c]!;
        coords[i * 2 + c] = s;
      }
    }
  } else {
    const gram = new Float64Array(n * n);
    for (let a = 0; a < n; a++) {
      for (let b = a; b < n; b++) {
        let s = 0;
        for (let j = 0; j < d; j++) s += centred[a * d + j]! * centred[b * d + j]!;
        gram[a * n + b] = s;
        gram[b * n + a] = s;
      }
    }
    const eigen = symmetricEigen(gram, n);
    values = eigen.values;
    for (let c = 0; c < components; c++) {
      const scale = Math.sqrt(Math.max(0, values[c]!));
      for (let i = 0; i < n; i++) coords[i * 2 + c] = eigen.vectors[i * n + c]! * scale;
    }
  }
  for (let c = 0; c < 2; c++) fixSign(coords, n, c);
  let total = 0;
  for (const v of values) total += Math.max(0, v);
  const share = (c: number): number => (total > 0 && c < values.length ? Math.max(0, values[c]!) / total : 0);
  return { coords, explained: [share(0), share(1)] };
}

/** Relative tolerance under which two distances from the centre count as equal (the sign rule's tie). */
const SIGN_TIE = 1e-9;

/** Flip component c so that its largest |coordinate| (the first, on a tie) is positive. */
function fixSign(coords: Float64Array, n: number, c: number): void {
  let largest = 0;
  for (let i = 0; i < n; i++) largest = Math.max(largest, Math.abs(coords[i * 2 + c]!));
  if (largest === 0) return;
  for (let i = 0; i < n; i++) {
    const v = coords[i * 2 + c]!;
    if (Math.abs(v) >= largest * (1 - SIGN_TIE)) {
      if (v < 0) for (let k = 0; k < n; k++) coords[k * 2 + c] = -coords[k * 2 + c]!;
      return;
    }
  }
}

/** t-SNE settings; the defaults are scikit-learn's (`TSNE()`, which follows van der Maaten 2008/2014). */
export interface TsneOptions {
  /** Effective number of neighbours; capped at (n − 1) / 3 so that small inputs work. Default 30. */
  perplexity?: number;
  /** Gradient steps. Default 1000. */
  iterations?: number;
}

export const DEFAULT_PERPLEXITY = 30;
const DEFAULT_ITERATIONS = 1000;
/** Early exaggeration of P and how long it lasts (scikit-learn: 12 for the first 250 steps). */
const EXAGGERATION = 12;
const EXAGGERATION_STEPS = 250;
/** Momentum before and after the exaggeration phase (van der Maaten 2008). */
const MOMENTUM_EARLY = 0.5;
const MOMENTUM_LATE = 0.8;
/** Delta-bar-delta gains (Jacobs 1988, as in every t-SNE implementation): +0.2 or ×0.8, floor 0.01. */
const GAIN_UP = 0.2;
const GAIN_DOWN = 0.8;
const MIN_GAIN = 0.01;
/** The initial layout: PCA, scaled so the first coordinate's standard deviation is 1e-4 (scikit-learn's init="pca"). */
const INIT_SCALE = 1e-4;
/** Perplexity search: bisection on the precision β until |H − log(perplexity)| < 1e-5, at most 100 steps. */
const ENTROPY_TOLERANCE = 1e-5;
const SEARCH_STEPS = 100;
/** Floor of P and Q (avoids log 0 and division by 0). */
const TINY = 1e-12;

/**
 * Exact t-SNE (van der Maaten & Hinton 2008) to two dimensions: O(n²) per step, fine for the tens to
 * hundreds of words a picture holds. Squared Euclidean distances between the rows of `data` (unit
 * rows make them 2 − 2·cos); conditional P by a perplexity search per point, symmetrised; Student-t
 * Q; gradient descent with momentum, gains and early exaggeration; learning rate max(n / 48, 50)
 * (scikit-learn's "auto"). Deterministic: the start is the PCA layout, so no random numbers are used.
 */
export function tsne2(data: ArrayLike<number>, n: number, d: number, options: TsneOptions = {}): Float64Array {
  const iterations = options.iterations ?? DEFAULT_ITERATIONS;
  const perplexity = Math.max(1, Math.min(options.perplexity ?? DEFAULT_PERPLEXITY, (n - 1) / 3));
  const y = new Float64Array(n * 2);
  if (n < 2) return y;
  const p = jointProbabilities(squaredDistances(data, n, d), n, perplexity);

  const init = pca2(data, n, d).coords;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += init[i * 2]!;
  mean /= n;
  let variance = 0;
  for (let i = 0; i < n; i++) variance += (init[i * 2]! - mean) ** 2;
  const std = Math.sqrt(variance / n) || 1;
  for (let k = 0; k < n * 2; k++) y[k] = (init[k]! / std) * INIT_SCALE;

  const learningRate = Math.max(n / EXAGGERATION / 4, 50);
  const update = new Float64Array(n * 2);
  const gains = new Float64Array(n * 2).fill(1);
  const gradient = new Float64Array(n * 2);
  const affinity = new Float64Array(n * n);
  for (let step = 0; step < iterations; step++) {
    const exaggeration = step < EXAGGERATION_STEPS ? EXAGGERATION : 1;
    const momentum = step < EXAGGERATION_STEPS ? MOMENTUM_EARLY : MOMENTUM_LATE;
    // affinity_ij = 1 / (1 + |y_i − y_j|²); Q = affinity / Σ affinity.
    let sum = 0;
    for (let i = 0; i < n; i++) {
      for (let j = i + 1; j < n; j++) {
        const dx = y[i * 2]! - y[j * 2]!;
        const dy = y[i * 2 + 1]! - y[j * 2 + 1]!;
        const a = 1 / (1 + dx * dx + dy * dy);
        affinity[i * n + j] = a;
        affinity[j * n + i] = a;
        sum += 2 * a;
      }
    }
    // ∂C/∂y_i = 4 Σ_j (exaggeration·p_ij − q_ij) · affinity_ij · (y_i − y_j)
    gradient.fill(0);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        if (i === j) continue;
        const a = affinity[i * n + j]!;
        const q = Math.max(a / sum, TINY);
        const force = 4 * (exaggeration * p[i * n + j]! - q) * a;
        gradient[i * 2] = gradient[i * 2]! + force * (y[i * 2]! - y[j * 2]!);
        gradient[i * 2 + 1] = gradient[i * 2 + 1]! + force * (y[i * 2 + 1]! - y[j * 2 + 1]!);
      }
    }
    for (let k = 0; k < n * 2; k++) {
      const g = gradient[k]!;
      gains[k] = Math.sign(g) !== Math.sign(update[k]!) ? gains[k]! + GAIN_UP : Math.max(gains[k]! * GAIN_DOWN, MIN_GAIN);
      update[k] = momentum * update[k]! - learningRate * gains[k]! * g;
      y[k] = y[k]! + update[k]!;
    }
    // Keep the layout centred (translation does not change the cost).
    for (let c = 0; c < 2; c++) {
      let m = 0;
      for (let i = 0; i < n; i++) m += y[i * 2 + c]!;
      m /= n;
      for (let i = 0; i < n; i++) y[i * 2 + c] = y[i * 2 + c]! - m;
    }
  }
  return y;
}

function squaredDistances(data: ArrayLike<number>, n: number, d: number): Float64Array {
  const out = new Float64Array(n * n);
  for (let a = 0; a < n; a++) {
    for (let b = a + 1; b < n; b++) {
      let s = 0;
      for (let j = 0; j < d; j++) {
        const diff = data[a * d + j]! - data[b * d + j]!;
        s += diff * diff;
      }
      out[a * n + b] = s;
      out[b * n + a] = s;
    }
  }
  return out;
}

/**
 * P_ij = (p_j|i + p_i|j) / 2n, where p_j|i ∝ exp(−β_i·D_ij) and β_i is found by bisection so that
 * the entropy of p_·|i is log(perplexity).
 */
function jointProbabilities(distances: Float64Array, n: number, perplexity: number): Float64Array {
  const conditional = new Float64Array(n * n);
  const target = Math.log(perplexity);
  const row = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let beta = 1;
    let low = -Infinity;
    let high = Infinity;
    // Distances shifted by the row's smallest, so exp() does not underflow for far-apart points.
    let nearest = Infinity;
    for (let j = 0; j < n; j++) if (j !== i) nearest = Math.min(nearest, distances[i * n + j]!);
    for (let step = 0; step < SEARCH_STEPS; step++) {
      let sum = 0;
      let weighted = 0;
      for (let j = 0; j < n; j++) {
        const dist = distances[i * n + j]! - nearest;
        const v = j === i ? 0 : Math.exp(-beta * dist);
        row[j] = v;
        sum += v;
        weighted += v * dist;
      }
      // H = log Σ + β·Σ p·D (natural log, the entropy of the row).
      const entropy = Math.log(sum) + (beta * weighted) / sum;
      for (let j = 0; j < n; j++) conditional[i * n + j] = row[j]! / sum;
      const diff = entropy - target;
      if (Math.abs(diff) < ENTROPY_TOLERANCE) break;
      if (diff > 0) {
        low = beta;
        beta = high === Infinity ? beta * 2 : (beta + high) / 2;
      } else {
        high = beta;
        beta = low === -Infinity ? beta / 2 : (beta + low) / 2;
      }
    }
  }
  const joint = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) joint[i * n + j] = Math.max((conditional[i * n + j]! + conditional[j * n + i]!) / (2 * n), TINY);
  }
  return joint;
}
