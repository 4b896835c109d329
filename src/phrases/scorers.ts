/**
 * Phrase scorers and connector words, as gensim 4 defines them (gensim/models/phrases.py), so that
 * `wordspace phrases` finds the phrases gensim's `Phrases` finds on the same tokens.
 */

/** What a scorer is told about a candidate `a … b` (gensim's scoring-function parameters). */
export interface BigramStats {
  /** Occurrences of the first word (connector words are never counted as unigrams). */
  countA: number;
  /** Occurrences of the last word. */
  countB: number;
  /** Occurrences of the candidate: `a`, the same connector words, `b`. */
  countAB: number;
  /** gensim's `len(self.vocab)`: distinct non-connector words plus distinct candidates (bigrams). */
  vocabSize: number;
  /** The --min-count setting. */
  minCount: number;
  /** Every token of the corpus, connector words included (gensim's corpus_word_count). */
  corpusWords: number;
}

/**
 * gensim's `original_scorer` (Mikolov et al. 2013, word2phrase):
 * (count(ab) − min_count) / (count(a) · count(b)) · vocab_size.
 */
export function defaultScore(s: BigramStats): number {
  const denominator = s.countA * s.countB;
  if (denominator === 0) return -Infinity;
  return ((s.countAB - s.minCount) / denominator) * s.vocabSize;
}

/**
 * gensim's `npmi_scorer` (Bouma 2009): ln(p(ab) / (p(a) · p(b))) / −ln p(ab), every p a count over
 * the corpus's tokens; −∞ for candidates seen fewer than min_count times. In [−1, 1].
 */
export function npmiScore(s: BigramStats): number {
  if (s.countAB < s.minCount) return -Infinity;
  const n = s.corpusWords;
  const pa = s.countA / n;
  const pb = s.countB / n;
  const pab = s.countAB / n;
  if (pa <= 0 || pb <= 0 || pab <= 0) return -Infinity;
  return Math.log(pab / (pa * pb)) / -Math.log(pab);
}

export const SCORERS = { default: defaultScore, npmi: npmiScore } as const;
export type ScorerName = keyof typeof SCORERS;
export const SCORER_NAMES = Object.keys(SCORERS) as ScorerName[];

/** The default --threshold of each scorer: gensim's 10 for `default`; 0.5 for `npmi` (gensim has none; its range is [−1, 1]). */
export const DEFAULT_THRESHOLD: Record<ScorerName, number> = { default: 10, npmi: 0.5 };
/** gensim's default min_count. */
export const DEFAULT_MIN_COUNT = 5;

/**
 * gensim's ENGLISH_CONNECTOR_WORDS: a phrase may hold any number of them inside (`bank_of_america`)
 * but never start or end with one, and they are not counted as unigrams.
 */
export const ENGLISH_CONNECTOR_WORDS: readonly string[] = [
  'a', 'an', 'the', // articles
  'for', 'of', 'with', 'without', 'at', 'from', 'to', 'in', 'on', 'by', // prepositions
  'and', 'or', // conjunctions
];
