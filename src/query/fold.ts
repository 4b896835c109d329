import type { WordVectors } from '../core/vectors.js';
import { queryCase, type QueryCase } from './query-case.js';
import { unknownWordError } from './suggest.js';

// queryCase lives in query-case.ts (a module without imports, which `similar`'s quick path loads alone).
export { queryCase, type QueryCase };

/**
 * The row label a query word stands for: lowercased as the tokenizer lowercases (`fold`), as typed
 * (`exact`), or as typed and else lowercased (`unknown`). An unknown word is an InputError
 * suggesting close spellings.
 */
export function resolveWord(vectors: WordVectors, word: string, mode: QueryCase): string {
  const lower = word.toLowerCase();
  const candidates = mode === 'fold' ? [lower] : mode === 'exact' ? [word] : [word, lower];
  for (const candidate of candidates) if (vectors.has(candidate)) return candidate;
  throw unknownWordError(word, vectors.words);
}
