/**
 * word2vec's learning-rate schedule: linear decay from alpha to alpha · MIN_ALPHA_FRACTION over all
 * epochs, by global progress (words processed by every thread, word2vec.c's word_count_actual).
 */

/** The floor of the decay, as a fraction of the starting rate (word2vec.c: starting_alpha · 0.0001). */
export const MIN_ALPHA_FRACTION = 1e-4;

/**
 * alpha · max(1 − done / (total + 1), MIN_ALPHA_FRACTION), word2vec.c's formula (the +1 is its);
 * with `minAlpha` (`--min-lr`), linear from alpha to minAlpha instead: alpha − (alpha − minAlpha) ·
 * done / (total + 1), never below minAlpha (gensim's min_alpha).
 */
export function learningRate(alpha: number, done: number, total: number, minAlpha?: number): number {
  if (minAlpha === undefined) return alpha * Math.max(1 - done / (total + 1), MIN_ALPHA_FRACTION);
  return Math.max(alpha - ((alpha - minAlpha) * done) / (total + 1), minAlpha);
}

/**
 * CBOW's default end rate is its starting rate divided by this: lr/10, where gensim's corpus_file
 * mode ends with 2 workers (its per-worker decay, docs/word2vec.md). word2vec.c decays to lr·1e-4;
 * ending at lr/10 gave CBOW better vectors here (English mix, 5 epochs, 3 seeds each: Google
 * analogies 12.7% → 13.3%, WS-353 ρ 0.383 → 0.398). Skip-gram keeps word2vec.c's schedule.
 */
export const CBOW_MIN_ALPHA_DIVISOR = 10;
