import { InputError } from '../core/errors.js';
import type { TextLine } from '../io/input.js';
import { makeTokenizer, type TokenizerOptions } from '../text/tokenize.js';
import { Vocabulary } from '../vocab/vocabulary.js';
import type { StoredPairCounts } from '../counts/cooc-counts.js';
import { GrowableFloat64, GrowableInt32 } from './growable.js';
import { TokenSink, TokenStream } from './stream.js';

/**
 * A corpus as integer ids: every in-vocabulary token in text order, cut into sentences (lines) and
 * documents. Out-of-vocabulary tokens are removed before any window is slid over the text, as
 * word2vec, GloVe and the hyperwords PPMI recipe all do. Windows never cross a sentence.
 */
export interface Corpus {
  vocab: Vocabulary;
  /** Vocabulary ids of the kept tokens in text order, SENTENCE_END after each sentence; in memory or spilled (src/corpus/stream.ts). */
  stream: TokenStream;
  /** Document d is sentences docStarts[d] .. docStarts[d+1]; length = documents + 1. */
  docStarts: Float64Array;
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
  /** The most token-stream entries held in memory before the stream spills to a temporary file (src/corpus/budget.ts); undefined: no limit. */
  maxStreamEntries?: number;
}

/**
 * Read the lines once: tokens get provisional ids in order of first appearance while they are
 * counted, then the vocabulary is cut and the ids mapped to it. One pass, so standard input
 * works, and 4 bytes per token instead of a string per token.
 */
export async function buildCorpus(lines: AsyncIterable<TextLine>, options: CorpusOptions): Promise<Corpus> {
  const tokenize = makeTokenizer(options);
  const keepTokens = options.keepTokens ?? true;
  const provisional = new Map<string, number>();
  const seenWords: string[] = [];
  const counts = new GrowableInt32(1 << 14);
  const sink = new TokenSink(keepTokens ? (options.maxStreamEntries ?? Infinity) : 1);
  const ids = new GrowableInt32(1 << 10);
  const docStarts = new GrowableFloat64();
  const docLabels: string[] = [];
  let tokensRead = 0;
  let currentDoc = -1;

  try {
    for await (const line of lines) {
      if (line.doc !== currentDoc) {
        currentDoc = line.doc;
        docStarts.push(sink.sentences);
        docLabels.push(line.label ?? String(line.doc + 1));
      }
      const words = tokenize(line.text);
      if (words.length === 0) continue;
      tokensRead += words.length;
      ids.length = 0;
      for (const word of words) {
        let id = provisional.get(word);
        if (id === undefined) {
          id = seenWords.length;
          provisional.set(word, id);
          seenWords.push(word);
          counts.push(0);
        }
        counts.data[id]!++;
        if (keepTokens) ids.push(id);
      }
      if (keepTokens) sink.sentence(ids.data, ids.length);
    }
    return finishCorpus(
      { words: seenWords, counts: counts.data.subarray(0, counts.length), sink, docStarts, docLabels, tokensRead },
      options,
    );
  } catch (err) {
    sink.discard();
    throw err;
  }
}

/** What a pass over the text gathers: types in order of first appearance with counts, provisional ids, boundaries. */
export interface CorpusParts {
  words: string[];
  counts: ArrayLike<number>;
  /** Provisional ids (indexes into words) in text order with sentence ends; empty when the tokens are not kept. */
  sink: TokenSink;
  /** The number of sentences before each document. */
  docStarts: GrowableFloat64;
  docLabels: string[];
  tokensRead: number;
  /** Sorts ids of `words` as sortByCountThenWord does, faster (the byte reader's kernel); default: sortByCountThenWord. */
  sort?: (ids: number[]) => void;
}

/**
 * The vocabulary kept from counted types (a fixed vocabulary in its order, else --min-count and
 * --max-vocab) and each type's new id or -1; an empty result is an error.
 */
export function cutVocabulary(words: string[], counts: ArrayLike<number>, options: VocabularyOptions, sort?: (ids: number[]) => void): { vocab: Vocabulary; remap: Int32Array } {
  const cut = options.fixedWords ? Vocabulary.fixed(options.fixedWords, words, counts) : Vocabulary.fromCounts(words, counts, options.minCount, options.maxVocab, sort);
  if (cut.vocab.size === 0) {
    throw new InputError(`the vocabulary is empty: none of the ${words.length} word types occurs ${options.minCount} times or more`, 'lower --min-count');
  }
  return cut;
}

/** Tokens the vocabulary keeps: the sum of its counts. */
export function keptTokens(vocab: Vocabulary): number {
  let n = 0;
  for (const c of vocab.counts) n += c;
  return n;
}

/** Cut the vocabulary and map the provisional ids to it (shared by the line reader and the byte reader). */
export function finishCorpus(parts: CorpusParts, options: CorpusOptions): Corpus {
  const { words: seenWords, sink, docStarts, docLabels, tokensRead } = parts;
  const keepTokens = options.keepTokens ?? true;
  docStarts.push(sink.sentences);
  if (tokensRead === 0) throw new InputError('the corpus is empty: no tokens found', 'check the input and --tokenizer (or --text-column for CSV)');

  const { vocab, remap } = cutVocabulary(seenWords, parts.counts, options, parts.sort);
  const stream = keepTokens ? sink.finish(remap, keptTokens(vocab)) : TokenStream.fromArray(new Int32Array(0));
  return {
    vocab,
    stream,
    docStarts: docStarts.toArray(),
    docLabels,
    tokensRead,
    typesSeen: seenWords.length,
  };
}
