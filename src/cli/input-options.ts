import { promises as fs } from 'node:fs';
import { Option, type Command } from 'commander';
import { InputError } from '../core/errors.js';
import { integer } from '../core/parse.js';
import type { Progress } from '../core/progress.js';
import type { Corpus } from '../corpus/corpus.js';
import { readCorpus } from '../corpus/fast-count.js';
import { DOC_UNITS, type DocUnit } from '../io/input.js';
import { jiebaLoadError, resolveSegmenter, SEGMENTERS, type SegmenterName } from '../text/segment.js';
import { TOKENIZERS, type TokenizerName } from '../text/tokenize.js';
import { Vocabulary } from '../vocab/vocabulary.js';
import { warn, type CliIO } from './context.js';
import { parsedOption } from './options.js';

/** The input flags shared by `vocab` and `encode <method>` (DESIGN.md, command-line contract). */
export function addInputOptions(command: Command, defaultMinCount: number): Command {
  return command
    .addOption(new Option('--csv', 'read the inputs as CSV/TSV even without a .csv/.tsv extension'))
    .addOption(new Option('--text-column <name|index>', 'CSV column holding the text (name or 1-based index)').default('text'))
    .addOption(new Option('--id-column <name|index>', 'CSV column naming the rows (default: "id" if there is one, else the row number)'))
    .addOption(new Option('--docs <unit>', 'what a document is (default: file for plain text, row for CSV)').choices(DOC_UNITS))
    .addOption(new Option('--tokenizer <name>', 'word: Unicode words, Chinese/Japanese/Thai segmented; whitespace: pre-tokenized text; char: characters').choices(TOKENIZERS).default('word'))
    .addOption(new Option('--segmenter <name>', 'how the word tokenizer cuts Chinese: jieba (default, when its native package loads here) or icu (Intl.Segmenter; always for Japanese/Thai)').choices(SEGMENTERS))
    .addOption(new Option('--keep-case', 'do not lowercase'))
    .addOption(parsedOption('--min-count <n>', 'drop words seen fewer than n times', integer('--min-count', 1), defaultMinCount))
    .addOption(parsedOption('--max-vocab <n>', 'keep only the n most frequent words', integer('--max-vocab', 1)))
    .addOption(new Option('--vocab <file>', 'use this fixed vocabulary (one word per line, optionally "word count") in its order'))
    .addOption(new Option('-q, --quiet', 'no progress or summary on stderr'));
}

export interface InputFlags {
  csv?: boolean;
  textColumn: string;
  idColumn?: string;
  docs?: DocUnit;
  tokenizer: TokenizerName;
  segmenter?: SegmenterName;
  keepCase?: boolean;
  minCount: number;
  maxVocab?: number;
  vocab?: string;
  quiet?: boolean;
}

/** The effective input options, for the output's metadata. */
export function describeInput(flags: InputFlags): Record<string, unknown> {
  return {
    tokenizer: flags.tokenizer,
    segmenter: flags.tokenizer === 'word' ? resolveSegmenter(flags.segmenter).segmenter : undefined,
    keepCase: flags.keepCase === true,
    minCount: flags.vocab ? undefined : flags.minCount,
    maxVocab: flags.maxVocab,
    vocabFile: flags.vocab,
    docs: flags.docs,
    textColumn: flags.csv || flags.docs === 'row' ? flags.textColumn : undefined,
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
export async function loadCorpus(inputs: string[], flags: InputFlags, io: CliIO, progress: Progress, keepTokens = true): Promise<Corpus> {
  let fixedWords: string[] | undefined;
  if (flags.vocab) {
    let text: string;
    try {
      text = await fs.readFile(flags.vocab, 'utf8');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      throw new InputError(`cannot read vocabulary ${flags.vocab}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : (err as Error).message}`);
    }
    fixedWords = Vocabulary.parse(text, flags.vocab);
  }
  const { segmenter, fellBack } = resolveSegmenter(flags.segmenter);
  if (fellBack && flags.segmenter === 'jieba') warn(io, `jieba cannot load here (${jiebaLoadError()}); Chinese is segmented with icu (Intl.Segmenter)`);
  const files = inputs.length > 0 ? inputs : ['-'];
  const total = await totalBytes(files);
  progress.stage('reading', total, 'bytes');
  const input = {
    inputs: files,
    csv: flags.csv,
    textColumn: flags.textColumn,
    idColumn: flags.idColumn,
    docs: flags.docs,
    stdin: io.stdin,
    warn: (m: string) => warn(io, m),
    onBytes: (bytes: number) => progress.update(bytes),
  };
  const corpus = await readCorpus(input, {
    tokenizer: flags.tokenizer,
    segmenter,
    keepCase: flags.keepCase === true,
    minCount: flags.minCount,
    maxVocab: flags.maxVocab,
    fixedWords,
    keepTokens,
  });
  progress.end();
  return corpus;
}
