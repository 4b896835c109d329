import { InputError } from '../core/errors.js';

/** Spellings within this many edits are offered as "did you mean" (a typo is usually 1–2 edits). */
export const SUGGESTION_MAX_DISTANCE = 2;
/** How many spellings an error message offers at most. */
export const SUGGESTION_COUNT = 3;

/**
 * Levenshtein distance between a and b, or `max + 1` as soon as it must exceed `max` (rows of
 * the dynamic programme whose minimum is above `max` stop the computation).
 */
export function editDistance(a: string, b: string, max = Infinity): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let previous = new Int32Array(b.length + 1);
  let current = new Int32Array(b.length + 1);
  for (let j = 0; j <= b.length; j++) previous[j] = j;
  for (let i = 1; i <= a.length; i++) {
    current[0] = i;
    let rowMin = i;
    const ca = a.charCodeAt(i - 1);
    for (let j = 1; j <= b.length; j++) {
      const cost = ca === b.charCodeAt(j - 1) ? 0 : 1;
      const v = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
      current[j] = v;
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > max) return max + 1;
    [previous, current] = [current, previous];
  }
  return previous[b.length]!;
}

/**
 * Edits allowed for a word of this length: one per three characters (at least one, at most
 * SUGGESTION_MAX_DISTANCE), so that a two-letter query is not "close" to every two-letter word.
 */
export function allowedDistance(length: number, cap = SUGGESTION_MAX_DISTANCE): number {
  return Math.min(cap, Math.max(1, Math.floor(length / 3)));
}

/**
 * Vocabulary words close to `word`: case-insensitive edit distance within `allowedDistance` and
 * below the word's length (one character at least in common), nearest first, then in vocabulary
 * order (for every tool here, the more frequent word first).
 */
export function closeWords(word: string, vocabulary: readonly string[], count = SUGGESTION_COUNT, cap = SUGGESTION_MAX_DISTANCE): string[] {
  const target = word.toLowerCase();
  const maxDistance = Math.min(allowedDistance(target.length, cap), target.length - 1);
  const found: { word: string; distance: number; order: number }[] = [];
  const seen = new Set<string>();
  for (let i = 0; i < vocabulary.length; i++) {
    const candidate = vocabulary[i]!;
    if (candidate === word || seen.has(candidate)) continue;
    if (Math.abs(candidate.length - target.length) > maxDistance) continue;
    const distance = editDistance(target, candidate.toLowerCase(), maxDistance);
    if (distance <= maxDistance) {
      seen.add(candidate);
      found.push({ word: candidate, distance, order: i });
    }
  }
  found.sort((x, y) => x.distance - y.distance || x.order - y.order);
  return found.slice(0, count).map((f) => f.word);
}

/** `"goverment" is not in the vectors (did you mean: government, governments?)`; `where` names what was searched. */
export function unknownWordError(word: string, vocabulary: readonly string[], where = 'the vectors'): InputError {
  const suggestions = closeWords(word, vocabulary);
  const hint =
    suggestions.length > 0
      ? `did you mean: ${suggestions.join(', ')}?`
      : `none of its ${vocabulary.length} words is within ${allowedDistance(word.length)} edit${allowedDistance(word.length) === 1 ? '' : 's'}; check the spelling`;
  return new InputError(`"${word}" is not in ${where}`, hint);
}
