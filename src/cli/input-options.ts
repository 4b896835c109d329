import { promises as fs } from 'node:fs';
import { Option, type Command } from 'commander';
import { UsageError } from '../core/errors.js';
import { integer } from '../core/parse.js';
import type { Progress } from '../core/progress.js';
import { decodedText, displayName, DOC_UNITS, type DocUnit } from '../io/input.js';
import type { ReadCorpusResult } from '../io/read-corpus.js';
import { jiebaLoadError, resolveSegmenter, SEGMENTERS, type SegmenterName } from '../text/segment.js';
import { TOKENIZERS, type TokenizerName } from '../text/names.js';
import { note, warn, type CliIO } from './context.js';
import { formatSize } from '../core/size.js';
import { parsedOption } from './options.js';
import { memoryOption, warnSmallMemory } from './memory.js';
import { addDryRunOptions, type DryRunFlags } from './plan.js';

/** The input flags shared by `vocab` and `encode <method>` (DESIGN.md, command-line contract). */
export function addInputOptions(command: Command, defaultMinCount: number): Command {
  return addDryRunOptions(command)
    .addOption(new Option('--csv', 'read the inputs as CSV/TSV even without a .csv/.tsv extension'))
    .addOption(new Option('--text-column <name|index>', 'CSV column holding the text (name or 1-based index)').default('text'))
    .addOption(new Option('--id-column <name|index>', 'CSV column naming the rows (default: "id" if there is one, else the row number)'))
    .addOption(new Option('--header', 'the first CSV row names the columns (default: yes, unless all its cells are numbers)'))
    .addOption(new Option('--no-header', 'the CSV has no header row: columns are numbered 1, 2, … (--text-column 2)'))
    .addOption(new Option('--docs <unit>', 'what a document is (default: file for plain text, row for CSV)').choices(DOC_UNITS))
    .addOption(new Option('--tokenizer <name>', 'word: Unicode words, Chinese/Japanese/Thai segmented; whitespace: pre-tokenized text; char: characters').choices(TOKENIZERS).default('word'))
    .addOption(new Option('--segmenter <name>', 'how the word tokenizer cuts Chinese: jieba (default, when its native package loads here) or icu (Intl.Segmenter; always for Japanese/Thai)').choices(SEGMENTERS))
    .addOption(new Option('--keep-case', 'do not lowercase'))
    .addOption(parsedOption('--min-count <n>', 'drop words seen fewer than n times', integer('--min-count', 1), defaultMinCount))
    .addOption(parsedOption('--max-vocab <n>', 'keep only the n most frequent words', integer('--max-vocab', 1)))
    .addOption(new Option('--vocab <file>', 'use this fixed vocabulary in its order: "word", "word count" or "word<TAB>count" lines, as `wordspace vocab` writes them (- for standard input); --min-count and --max-vocab, when given, cut it by its counts and order'))
    .addOption(memoryOption())
    .addOption(new Option('-q, --quiet', 'no progress or summary on stderr'))
    .hook('preAction', (_command, action) => {
      // With --vocab only an explicit --min-count applies (to the file's counts), not the method's default.
      if (action.getOptionValue('vocab') !== undefined && action.getOptionValueSource('minCount') === 'default') {
        action.setOptionValueWithSource('minCount', undefined, 'default');
      }
    });
}

export interface InputFlags extends DryRunFlags {
  csv?: boolean;
  textColumn: string;
  idColumn?: string;
  /** --header / --no-header; undefined: decided by the first row. */
  header?: boolean;
  docs?: DocUnit;
  tokenizer: TokenizerName;
  segmenter?: SegmenterName;
  keepCase?: boolean;
  /** Undefined with --vocab unless given on the command line. */
  minCount?: number;
  maxVocab?: number;
  vocab?: string;
  quiet?: boolean;
  /** --memory, in bytes (always set by commander: it has a default). */
  memory?: number;
}

/** A corpus as a command loaded it; `prepared` holds the settings of a prepared corpus it came from. */
export type LoadedCorpus = ReadCorpusResult;

/** The effective input options, for the output's metadata (a prepared corpus's own settings win). */
export function describeInput(flags: InputFlags, corpus?: LoadedCorpus): Record<string, unknown> {
  const prepared = corpus?.prepared;
  if (prepared) {
    return {
      tokenizer: prepared.tokenizer,
      keepCase: prepared.keepCase,
      minCount: flags.vocab ? flags.minCount : Math.max(flags.minCount ?? 1, prepared.minCount),
      maxVocab: flags.maxVocab ?? prepared.maxVocab,
      vocabFile: flags.vocab ?? prepared.vocabFile,
      docs: prepared.docs,
      textColumn: prepared.textColumn,
      preparedCorpus: true,
      memory: flags.memory,
    };
  }
  return {
    tokenizer: flags.tokenizer,
    segmenter: flags.tokenizer === 'word' ? resolveSegmenter(flags.segmenter).segmenter : undefined,
    keepCase: flags.keepCase === true,
    minCount: flags.minCount,
    maxVocab: flags.maxVocab,
    vocabFile: flags.vocab,
    // With --vocab, --min-count and --max-vocab cut the given list (by its counts, in its order).
    vocabCut: flags.vocab && (flags.minCount !== undefined || flags.maxVocab !== undefined) ? 'min-count and max-vocab applied to the vocabulary file' : undefined,
    docs: flags.docs,
    textColumn: flags.csv || flags.docs === 'row' ? flags.textColumn : undefined,
    memory: flags.memory,
    vocabPruned: corpus?.pruned,
  };
}

async function totalBytes(inputs: string[]): Promise<number | undefined> {
  let total = 0;
  for (const path of inputs) {
    if (path === '-') return undefined;
    try {
      total += (await fs.stat(path)).size;
    } catch {
      return undefined;
    }
  }
  return total;
}

/** Read the inputs into a corpus with the shared flags. */
export async function loadCorpus(inputs: string[], flags: InputFlags, io: CliIO, progress: Progress, keepTokens = true): Promise<LoadedCorpus> {
  const files = inputs.length > 0 ? inputs : ['-'];
  warnSmallMemory(io, flags.memory);
  const fixedWords = flags.vocab === undefined ? undefined : await readFixedVocabulary(flags, files, io);
  const { segmenter, fellBack } = resolveSegmenter(flags.segmenter);
  if (fellBack && flags.segmenter === 'jieba') warn(io, `jieba cannot load here (${jiebaLoadError()}); Chinese is segmented with icu (Intl.Segmenter)`);
  // The reader (and the tokenizers, the wasm scanner, the workers) loads when a corpus is read, not at start-up.
  const { readCorpus } = await import('../io/read-corpus.js');
  const corpus = await readCorpus(files, {
    csv: flags.csv,
    textColumn: flags.textColumn,
    idColumn: flags.idColumn,
    header: flags.header,
    docs: flags.docs,
    stdin: io.stdin,
    warn: (m) => warn(io, m),
    tokenizer: flags.tokenizer,
    segmenter,
    keepCase: flags.keepCase === true,
    minCount: flags.minCount ?? 1,
    maxVocab: flags.maxVocab,
    vocabulary: fixedWords,
    keepTokens,
    memory: flags.memory,
    progress,
    totalBytes: await totalBytes(files),
  });
  if (corpus.stream.onDisk && !corpus.prepared && !flags.quiet) {
    note(
      io,
      `wordspace: the token stream (${corpus.stream.storedEntries.toLocaleString('en-US')} entries, ${formatSize(corpus.stream.storedEntries * 4)}) is over its share of --memory ${formatSize(flags.memory ?? 0)}: ` +
        'it was spilled to a temporary file and is streamed from there (docs/memory.md)',
    );
  }
  if (corpus.pruned && !flags.quiet) {
    note(
      io,
      `wordspace: the type table reached its share of --memory ${formatSize(flags.memory ?? 0)}: ${corpus.pruned.types.toLocaleString('en-US')} rare types pruned while counting ` +
        `(counts ≤ ${corpus.pruned.threshold} dropped, as word2vec's ReduceVocab); the counts of rare words are approximate (docs/memory.md)`,
    );
  }
  return corpus;
}

/** The words of --vocab (a file or -, text or gzipped, refused when binary), cut by --min-count/--max-vocab if given. */
async function readFixedVocabulary(flags: InputFlags, corpusFiles: string[], io: CliIO): Promise<string[]> {
  const path = flags.vocab!;
  if (path === '-' && corpusFiles.includes('-')) {
    throw new UsageError('--vocab - and the corpus cannot both be standard input', 'give the corpus as files, or the vocabulary as a file');
  }
  let text = '';
  for await (const part of decodedText(path, { stdin: io.stdin, warn: (m) => warn(io, m) })) text += part;
  const name = displayName(path);
  const { Vocabulary } = await import('../vocab/vocabulary.js');
  return Vocabulary.cutEntries(Vocabulary.parseEntries(text, name), name, flags.minCount, flags.maxVocab);
}
