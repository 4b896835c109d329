import type { Progress } from '../core/progress.js';
import { buildCorpus, type Corpus } from '../corpus/corpus.js';
import type { TokenizerName } from '../text/tokenize.js';
import { readCorpusLines, type InputOptions } from './input.js';

/** Options of `readCorpus`: where the text comes from, how it is tokenized, which words are kept. */
export interface ReadCorpusOptions extends Omit<InputOptions, 'inputs'> {
  /** `word` (default): Unicode words, Chinese/Japanese/Thai segmented; `whitespace`; `char`. */
  tokenizer?: TokenizerName;
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
  /** Told about the bytes read (a stage "reading" is begun and ended around it). */
  progress?: Progress;
  /** Total bytes to read, when known, for the progress stage. */
  totalBytes?: number;
}

/**
 * Read text files (`.gz` included, `-` for `options.stdin`) or CSV text columns into a corpus: the
 * vocabulary (by count, then by word) and the kept tokens as ids, cut into sentences and documents.
 * What `wordspace vocab` and `wordspace encode` read their inputs with.
 */
export async function readCorpus(inputs: string | string[], options: ReadCorpusOptions = {}): Promise<Corpus> {
  const files = typeof inputs === 'string' ? [inputs] : inputs.length > 0 ? inputs : ['-'];
  const { progress } = options;
  progress?.stage('reading', options.totalBytes, 'bytes');
  const lines = readCorpusLines({
    inputs: files,
    csv: options.csv,
    textColumn: options.textColumn,
    idColumn: options.idColumn,
    docs: options.docs,
    stdin: options.stdin,
    warn: options.warn,
    onBytes: (bytes) => {
      progress?.update(bytes);
      options.onBytes?.(bytes);
    },
  });
  const corpus = await buildCorpus(lines, {
    tokenizer: options.tokenizer ?? 'word',
    keepCase: options.keepCase === true,
    minCount: options.minCount ?? 1,
    maxVocab: options.maxVocab,
    fixedWords: options.vocabulary,
    keepTokens: options.keepTokens,
  });
  progress?.end();
  return corpus;
}
