import { InputError } from '../core/errors.js';
import type { TextLine } from '../io/input.js';
import { makeTokenizer, type TokenizerOptions } from '../text/tokenize.js';
import { Vocabulary } from '../vocab/vocabulary.js';
import type { StoredPairCounts } from '../counts/cooc-counts.js';
import { GrowableInt32 } from './growable.js';

/**
 * A corpus as integer ids: every in-vocabulary token in text order, cut into sentences (lines) and
 * documents. Out-of-vocabulary tokens are removed before any window is slid over the text, as
 * word2vec, GloVe and the hyperwords PPMI recipe all do. Windows never cross a sentence.
 */
export interface Corpus {
  vocab: Vocabulary;
  /** Vocabulary ids of the kept tokens, in text order. */
  tokens: Int32Array;
  /** Sentence s is tokens[sentenceStarts[s] .. sentenceStarts[s+1]); length = sentences + 1. */
  sentenceStarts: Int32Array;
  /** Document d is sentences docStarts[d] .. docStarts[d+1]; length = documents + 1. */
  docStarts: Int32Array;
  docLabels: string[];
  /** Tokens read before the vocabulary cut. */
  tokensRead: number;
  /** Distinct token types seen before the cut. */
  typesSeen: number;
  /** Rare types pruned while counting to stay in the memory budget (word2vec's ReduceVocab): removals and the count threshold reached. */
  pruned?: { types: number; threshold: number };
  /** Co-occurrence counts given instead of a token stream (`encode … --counts`). */
  cooccurrences?: StoredPairCounts;
}

export interface VocabularyOptions {
  minCount: number;
  maxVocab?: number;
  /** A fixed vocabulary (e.g. from `--vocab`), in its own order. */
  fixedWords?: string[];
}

export interface CorpusOptions extends TokenizerOptions, VocabularyOptions {
  /** Keep the token stream (false for `vocab`, which only counts). */
  keepTokens?: boolean;
  /** The most types the reader's table holds before pruning rare ones (src/corpus/budget.ts); undefined: no limit. */
  maxTypes?: number;
}

/**
 * Read the lines once: tokens get provisional ids in order of first appearance while they are
 * counted, then the vocabulary is cut and the ids remapped in place. One pass, so standard input
 * works, and 4 bytes per token instead of a string per token.
 */
export async function buildCorpus(lines: AsyncIterable<TextLine>, options: CorpusOptions): Promise<Corpus> {
  const tokenize = makeTokenizer(options);
  const keepTokens = options.keepTokens ?? true;
  const provisional = new Map<string, number>();
  const seenWords: string[] = [];
  const counts = new GrowableInt32(1 << 14);
  const tokens = new GrowableInt32(keepTokens ? 1 << 16 : 1);
  const sentenceStarts = new GrowableInt32();
  const docStarts = new GrowableInt32();
  const docLabels: string[] = [];
  let tokensRead = 0;
  let currentDoc = -1;

  for await (const line of lines) {
    if (line.doc !== currentDoc) {
      currentDoc = line.doc;
      docStarts.push(sentenceStarts.length);
      docLabels.push(line.label ?? String(line.doc + 1));
    }
    const words = tokenize(line.text);
    if (words.length === 0) continue;
    if (keepTokens) sentenceStarts.push(tokens.length);
    tokensRead += words.length;
    for (const word of words) {
      let id = provisional.get(word);
      if (id === undefined) {
        id = seenWords.length;
        provisional.set(word, id);
        seenWords.push(word);
        counts.push(0);
      }
      counts.data[id]!++;
      if (keepTokens) tokens.push(id);
    }
  }
  return finishCorpus(
    { words: seenWords, counts: counts.data.subarray(0, counts.length), tokens, sentenceStarts, docStarts, docLabels, tokensRead },
    options,
  );
}

/** What a pass over the text gathers: types in order of first appearance with counts, provisional ids, boundaries. */
export interface CorpusParts {
  words: string[];
  counts: ArrayLike<number>;
  /** Provisional ids (indexes into words), in text order; empty when the tokens are not kept. */
  tokens: GrowableInt32;
  /** Start of each non-empty line in tokens (only when the tokens are kept). */
  sentenceStarts: GrowableInt32;
  /** The number of sentences before each document. */
  docStarts: GrowableInt32;
  docLabels: string[];
  tokensRead: number;
}

/** Cut the vocabulary and remap the provisional ids in place (shared by the line reader and the byte reader). */
/**
 * The vocabulary kept from counted types (a fixed vocabulary in its order, else --min-count and
 * --max-vocab) and each type's new id or -1; an empty result is an error.
 */
export function cutVocabulary(words: string[], counts: ArrayLike<number>, options: VocabularyOptions): { vocab: Vocabulary; remap: Int32Array } {
  const cut = options.fixedWords ? Vocabulary.fixed(options.fixedWords, words, counts) : Vocabulary.fromCounts(words, counts, options.minCount, options.maxVocab);
  if (cut.vocab.size === 0) {
    throw new InputError(`the vocabulary is empty: none of the ${words.length} word types occurs ${options.minCount} times or more`, 'lower --min-count');
  }
  return cut;
}

export function finishCorpus(parts: CorpusParts, options: CorpusOptions): Corpus {
  const { words: seenWords, tokens, sentenceStarts, docStarts, docLabels, tokensRead } = parts;
  const keepTokens = options.keepTokens ?? true;
  docStarts.push(sentenceStarts.length);
  if (tokensRead === 0) throw new InputError('the corpus is empty: no tokens found', 'check the input and --tokenizer (or --text-column for CSV)');

  const { vocab, remap } = cutVocabulary(seenWords, parts.counts, options);

  // Remap in place, dropping out-of-vocabulary tokens and keeping sentence boundaries.
  const data = tokens.data;
  const starts = sentenceStarts.data;
  let write = 0;
  for (let s = 0; s < sentenceStarts.length; s++) {
    const begin = starts[s]!;
    const end = s + 1 < sentenceStarts.length ? starts[s + 1]! : tokens.length;
    starts[s] = write;
    for (let p = begin; p < end; p++) {
      // -1: a token of a type pruned to stay in the memory budget (out of vocabulary).
      const t = data[p]!;
      const id = t < 0 ? -1 : remap[t]!;
      if (id >= 0) data[write++] = id;
    }
  }
  sentenceStarts.push(write);

  return {
    vocab,
    tokens: keepTokens ? data.slice(0, write) : new Int32Array(0),
    sentenceStarts: keepTokens ? sentenceStarts.toArray() : new Int32Array([0]),
    docStarts: docStarts.toArray(),
    docLabels,
    tokensRead,
    typesSeen: seenWords.length,
  };
}
