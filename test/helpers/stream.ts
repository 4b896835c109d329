import type { Corpus } from '../../src/corpus/corpus.js';

/** A corpus's kept tokens in one array and the start of each sentence in it (length = sentences + 1), read through its stream. */
export function flatten(corpus: Corpus): { tokens: number[]; sentenceStarts: number[] } {
  const tokens: number[] = [];
  const sentenceStarts = [0];
  corpus.stream.forEachSentence((ids, begin, end) => {
    for (let i = begin; i < end; i++) tokens.push(ids[i]!);
    sentenceStarts.push(tokens.length);
  });
  return { tokens, sentenceStarts };
}
