/**
 * word2vec's learning-rate schedule: linear decay from alpha to alpha · MIN_ALPHA_FRACTION over all
 * epochs, by global progress (words processed by every thread, word2vec.c's word_count_actual).
 */

/** The floor of the decay, as a fraction of the starting rate (word2vec.c: starting_alpha · 0.0001). */
export const MIN_ALPHA_FRACTION = 1e-4;

/** alpha · max(1 − done / (total + 1), MIN_ALPHA_FRACTION), word2vec.c's formula (the +1 is its). */
export function learningRate(alpha: number, done: number, total: number): number {
  return alpha * Math.max(1 - done / (total + 1), MIN_ALPHA_FRACTION);
}
