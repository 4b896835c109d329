import type { Progress } from '../core/progress.js';
import type { Corpus } from '../corpus/corpus.js';
import { readCorpus as readCorpusFast } from '../corpus/fast-count.js';
import { cutPrepared, type PreparedSettings } from '../corpus/prepared.js';
import { probePrepared } from '../corpus/prepared-input.js';
import type { TokenizerName } from '../text/tokenize.js';
import { resolveSegmenter, type SegmenterName } from '../text/segment.js';
import type { InputOptions } from './input.js';
import { maxStreamEntries, maxTypes, streamHoldBytes } from '../corpus/budget.js';

/** Options of `readCorpus`: where the text comes from, how it is tokenized, which words are kept. */
export interface ReadCorpusOptions extends Omit<InputOptions, 'inputs'> {
  /** `word` (default): Unicode words, Chinese/Japanese/Thai segmented; `whitespace`; `char`. */
  tokenizer?: TokenizerName;
  /** How the word tokenizer cuts Chinese: `jieba` or `icu` (default: jieba when it loads here, see resolveSegmenter). */
  segmenter?: SegmenterName;
  /** Do not lowercase (default: lowercase). */
  keepCase?: boolean;
  /** Drop words seen fewer than this many times (default 1). */
  minCount?: number;
  /** Keep only the n most frequent words. */
  maxVocab?: number;
  /** A fixed vocabulary, in its own order (what `--vocab <file>` gives). */
  vocabulary?: string[];
  /** Keep the token stream (default true; false when only the counts are wanted). */
  keepTokens?: boolean;
  /** Memory budget in bytes (`--memory`): the type table prunes rare types beyond its share (src/corpus/budget.ts). */
  memory?: number;
  /** Token-stream entries held in memory before spilling (default: from `memory`; tests set it to force a spill). */
  maxStreamEntries?: number;
  /** Told about the bytes read (a stage "reading" is begun and ended around it). */
  progress?: Progress;
  /** Total bytes to read, when known, for the progress stage. */
  totalBytes?: number;
}

/** A corpus as read; `prepared` holds the settings of the prepared corpus (`wordspace prepare`) it came from. */
export interface ReadCorpusResult extends Corpus {
  prepared?: PreparedSettings;
}

/**
 * Read text files (`.gz` included, `-` for `options.stdin`) or CSV text columns into a corpus: the
 * vocabulary (by count, then by word) and the kept tokens as ids, cut into sentences and documents.
 * A prepared corpus (recognised by its magic bytes) is read in place of text, with its own tokenizer
 * settings and the same result. What `wordspace vocab` and `wordspace encode` read their inputs with.
 */
export async function readCorpus(inputs: string | string[], options: ReadCorpusOptions = {}): Promise<ReadCorpusResult> {
  const files = typeof inputs === 'string' ? [inputs] : inputs.length > 0 ? inputs : ['-'];
  const minCount = options.minCount ?? 1;
  const probe = await probePrepared(files, options.stdin);
  if (probe.prepared) {
    const { corpus: stored, settings } = probe.prepared;
    if (!options.vocabulary && settings.minCount > minCount) {
      options.warn?.(`the prepared corpus keeps only words seen ${settings.minCount} times or more; --min-count ${minCount} cannot bring back the others`);
    }
    return { ...cutPrepared(stored, { minCount, maxVocab: options.maxVocab, fixedWords: options.vocabulary }), prepared: settings };
  }
  const { progress } = options;
  progress?.stage('reading', options.totalBytes, 'bytes');
  const corpus = await readCorpusFast({
    inputs: files,
    csv: options.csv,
    textColumn: options.textColumn,
    idColumn: options.idColumn,
    header: options.header,
    docs: options.docs,
    stdin: probe.stdin ?? options.stdin,
    warn: options.warn,
    onBytes: (bytes) => {
      progress?.update(bytes);
      options.onBytes?.(bytes);
    },
  }, {
    tokenizer: options.tokenizer ?? 'word',
    segmenter: options.tokenizer === undefined || options.tokenizer === 'word' ? (options.segmenter ?? resolveSegmenter(undefined).segmenter) : undefined,
    keepCase: options.keepCase === true,
    minCount,
    maxVocab: options.maxVocab,
    fixedWords: options.vocabulary,
    keepTokens: options.keepTokens,
    maxTypes: options.memory === undefined ? undefined : maxTypes(options.memory, options.keepTokens ?? true),
    maxStreamEntries: options.maxStreamEntries ?? (options.memory === undefined ? undefined : maxStreamEntries(options.memory)),
  }, options.memory === undefined ? {} : { maxBufferedBytes: streamHoldBytes(options.memory) });
  progress?.end();
  return corpus;
}
