/**
 * The tables word2vec builds once before training: subsampling keep probabilities, the
 * negative-sampling distribution (as a Walker alias table) and the sigmoid lookup table.
 */

/** Negative samples are drawn from unigram counts raised to this power (Mikolov et al. 2013). */
export const NEGATIVE_POWER = 0.75;

/**
 * word2vec's subsampling: a word of count f among N tokens, threshold s, is kept with probability
 * (sqrt(f / (s·N)) + 1) · (s·N) / f, capped at 1 (word2vec.c, gensim). s = 0 keeps every word.
 */
export function keepProbability(count: number, totalTokens: number, sample: number): number {
  if (sample <= 0 || count <= 0) return 1;
  const threshold = sample * totalTokens;
  return Math.min(1, (Math.sqrt(count / threshold) + 1) * (threshold / count));
}

export function keepProbabilities(counts: ArrayLike<number>, totalTokens: number, sample: number): Float32Array {
  const keep = new Float32Array(counts.length);
  for (let i = 0; i < counts.length; i++) keep[i] = keepProbability(counts[i]!, totalTokens, sample);
  return keep;
}

/** Unigram counts raised to NEGATIVE_POWER: the unnormalised negative-sampling weights. */
export function negativeWeights(counts: ArrayLike<number>): Float64Array {
  const weights = new Float64Array(counts.length);
  for (let i = 0; i < counts.length; i++) weights[i] = Math.pow(counts[i]!, NEGATIVE_POWER);
  return weights;
}

/**
 * Walker's alias table (Vose's construction) for sampling index i with probability
 * weights[i] / Σ weights: draw a bucket b uniformly, keep it when a uniform coin < probability[b],
 * else take alias[b]. O(1) per draw from 8 bytes per word (word2vec.c's table is 400 MB and only
 * approximates the distribution to 1e-8 per entry).
 */
export function aliasTable(weights: ArrayLike<number>): { probability: Float32Array; alias: Int32Array } {
  const n = weights.length;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += weights[i]!;
  if (!(sum > 0)) throw new Error('alias table: the weights sum to zero');
  const scaled = new Float64Array(n);
  for (let i = 0; i < n; i++) scaled[i] = (weights[i]! * n) / sum;
  const probability = new Float32Array(n);
  const alias = new Int32Array(n);
  const small: number[] = [];
  const large: number[] = [];
  for (let i = n - 1; i >= 0; i--) (scaled[i]! < 1 ? small : large).push(i);
  while (small.length > 0 && large.length > 0) {
    const s = small.pop()!;
    const l = large.pop()!;
    probability[s] = scaled[s]!;
    alias[s] = l;
    scaled[l] = scaled[l]! + scaled[s]! - 1;
    (scaled[l]! < 1 ? small : large).push(l);
  }
  // What is left is 1 up to rounding: such buckets always keep themselves.
  for (const i of [...small, ...large]) {
    probability[i] = 1;
    alias[i] = i;
  }
  return { probability, alias };
}

/** The distribution an alias table samples from (exact, for tests and checks). */
export function aliasDistribution(probability: ArrayLike<number>, alias: ArrayLike<number>): Float64Array {
  const n = probability.length;
  const p = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const keep = Math.min(1, probability[i]!);
    p[i]! += keep / n;
    p[alias[i]!]! += (1 - keep) / n;
  }
  return p;
}

/**
 * σ(x) at size + 1 evenly spaced points x_i = (2i/size − 1) · bound, i = 0..size (word2vec.c's
 * expTable, plus the right end point; the kernel rounds to the nearest point).
 */
export function sigmoidTable(size: number, bound: number): Float32Array {
  const table = new Float32Array(size + 1);
  for (let i = 0; i <= size; i++) {
    const x = ((2 * i) / size - 1) * bound;
    table[i] = 1 / (1 + Math.exp(-x));
  }
  return table;
}
