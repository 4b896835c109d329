import { promises as fs } from 'node:fs';
import { Option } from 'commander';
import { InputError, UsageError } from '../../core/errors.js';
import { integer } from '../../core/parse.js';
import { COUNT_KINDS, isCountFile, readHeader, type CountHeader, type CountKind } from '../../counts/format.js';
import { checkBinaryInputs, mergePairCountFiles, mergeWordCounts, openPairCountFiles, readPairCountText, sniffKind, type MergeSource } from '../../counts/merge.js';
import { SpillingPairCounter } from '../../counts/spill.js';
import { defaultMemory, maxPairSlots, MERGE_FAN_IN, mergeReadBlock } from '../../corpus/budget.js';
import { COUNT_FORMATS, inferCountFormat, PairCountOutput, writeVocabularyCounts, type CountFormat } from '../../counts/write.js';
import { DISTANCE_WEIGHTINGS } from '../../encoders/cooc.js';
import { fileError } from '../../io/input.js';
import { withOutput } from '../../io/output.js';
import { Vocabulary } from '../../vocab/vocabulary.js';
import { note, type CliIO } from '../context.js';
import { checkOutput } from '../output-options.js';
import { parsedOption } from '../options.js';
import { memoryOption, warnSmallMemory } from '../memory.js';
import type { PlanFormat } from '../plan.js';
import type { RegisterCommand } from './index.js';

const MERGE_FORMATS = ['vocab', ...COUNT_FORMATS] as const;
type MergeFormat = (typeof MERGE_FORMATS)[number];

interface MergeFlags {
  output: string;
  format?: MergeFormat;
  minCount?: number;
  maxVocab?: number;
  vocab?: string;
  window?: number;
  distanceWeighting?: string;
  quiet?: boolean;
  force?: boolean;
  /** --memory in bytes. */
  memory?: number;
  dryRun?: boolean;
  planFormat?: PlanFormat;
}

async function isBinaryCountFile(path: string): Promise<boolean> {
  if (path === '-') return false;
  let handle;
  try {
    handle = await fs.open(path, 'r');
    const head = Buffer.alloc(8);
    const { bytesRead } = await handle.read(head, 0, 8, 0);
    return isCountFile(head.subarray(0, bytesRead));
  } catch (err) {
    throw fileError(path, err);
  } finally {
    await handle?.close();
  }
}

async function readVocabularyWords(path: string): Promise<string[]> {
  try {
    return Vocabulary.parse(await fs.readFile(path, 'utf8'), path);
  } catch (err) {
    if (err instanceof InputError) throw err;
    throw fileError(path, err);
  }
}

/** Sum vocabulary counts; `vocab` output is what `wordspace vocab -o` writes on the whole corpus. */
async function mergeVocabulary(sources: MergeSource[], flags: MergeFlags, format: MergeFormat, io: CliIO, stdin?: NodeJS.ReadableStream): Promise<string> {
  const binary = sources.find((s) => s.binary);
  const merged = await mergeWordCounts(sources, stdin, { block: mergeReadBlock(flags.memory ?? defaultMemory(), sources.length) });
  const minCount = flags.minCount ?? 1;
  const { vocab } = Vocabulary.fromCounts(merged.words, merged.counts, minCount, flags.maxVocab);
  await withOutput(flags.output, io.stdout, async (sink) => {
    if (format === 'vocab') {
      for (const line of vocab.lines()) await sink.write(line);
      return;
    }
    let header: CountHeader = { kind: 'vocab' };
    if (binary) header = readHeader(binary.path);
    await writeVocabularyCounts(sink, format, header, vocab);
  }, { force: flags.force });
  return `${merged.words.length.toLocaleString('en-US')} words, ${vocab.size.toLocaleString('en-US')} kept`;
}

/** Sum pair counts: binary files k-way in one streaming pass, text lines through a hash table. */
async function mergePairs(sources: MergeSource[], flags: MergeFlags, format: CountFormat, io: CliIO, stdin?: NodeJS.ReadableStream): Promise<string> {
  if (flags.minCount !== undefined || flags.maxVocab !== undefined) throw new UsageError('--min-count and --max-vocab apply to vocabulary counts, not to pair counts', 'cut the vocabulary first and count the pairs with --vocab');
  const memory = flags.memory ?? defaultMemory();
  const block = mergeReadBlock(memory, sources.length);
  if (sources.every((s) => s.binary)) {
    const paths = sources.map((s) => s.path);
    let entries = 0;
    let words: string[];
    let rounds = 0;
    if (paths.length <= MERGE_FAN_IN) {
      const readers = openPairCountFiles(paths, block);
      words = readers[0]!.words;
      await withOutput(flags.output, io.stdout, async (sink) => {
        const out = new PairCountOutput(sink, format, words);
        await out.begin(readers[0]!.header);
        entries = await mergePairCountFiles(readers, (a, b, w, n) => out.batch(a, b, w, n));
        await out.finish();
      }, { force: flags.force });
    } else {
      // More inputs than may be open at once: merged in rounds through temporary runs (src/counts/spill.ts).
      const first = checkBinaryInputs(paths);
      if (first.header.kind !== 'cooc') throw new InputError(`${first.path} holds ${first.header.kind} counts, not pair counts`);
      words = first.words;
      const { kind: _kind, types: _types, ...settings } = first.header;
      const { merger, batches } = SpillingPairCounter.mergeFiles(paths, words, { maxSlots: 1, readBlock: block, header: settings });
      try {
        await withOutput(flags.output, io.stdout, async (sink) => {
          const out = new PairCountOutput(sink, format, words);
          await out.begin(first.header);
          for (const batch of batches()) {
            await out.batch(batch.a, batch.b, batch.weight, batch.n);
            entries += batch.n;
          }
          await out.finish();
        }, { force: flags.force });
        rounds = merger.stats.rounds;
      } finally {
        merger.discard();
      }
    }
    return `${entries.toLocaleString('en-US')} pairs over ${words.length.toLocaleString('en-US')} words${rounds > 0 ? `, merged in ${rounds + 1} rounds of at most ${MERGE_FAN_IN} files` : ''}`;
  }
  if (sources.some((s) => s.binary)) throw new UsageError('cannot merge binary and text pair counts in one run', 'convert the text counts first: wordspace merge TEXT --vocab V --window N -o part.counts');
  if (!flags.vocab) throw new UsageError('text pair counts need the vocabulary they were counted with', 'give --vocab V (the file given to encode cooc --vocab)');
  if (flags.window === undefined) throw new UsageError('text pair counts do not say which window they were counted with', 'give --window N (and --distance-weighting if it was not none)');
  const words = await readVocabularyWords(flags.vocab);
  const header = { window: flags.window, distanceWeighting: flags.distanceWeighting ?? 'none' };
  // Text pairs come in any order: summed in a pair table within its share of --memory, spilled as sorted runs beyond it.
  const spilling = new SpillingPairCounter(words, { maxSlots: maxPairSlots(memory, 0), readBlock: block, header });
  let entries = 0;
  try {
    await readPairCountText(sources.map((s) => s.path), words, stdin, (a, b, w) => spilling.counter.add(a, b, w));
    const merged = spilling.finish();
    await withOutput(flags.output, io.stdout, async (sink) => {
      const out = new PairCountOutput(sink, format, words);
      await out.begin({ kind: 'cooc', ...header });
      if (merged) {
        for (const batch of merged()) {
          await out.batch(batch.a, batch.b, batch.weight, batch.n);
          entries += batch.n;
        }
      } else {
        const pairs = spilling.counter.sortedEntries();
        await out.batch(pairs.a, pairs.b, pairs.weight);
        entries = pairs.a.length;
      }
      await out.finish();
    }, { force: flags.force });
  } finally {
    spilling.discard();
  }
  const runs = spilling.stats.runs;
  return `${entries.toLocaleString('en-US')} pairs over ${words.length.toLocaleString('en-US')} words${runs > 0 ? `, ${runs} sorted runs spilled to stay in --memory` : ''}`;
}

export const registerMerge: RegisterCommand = (program, io: CliIO) => {
  program
    .command('merge')
    .summary('sum vocabulary or count shards (map-reduce\'s reduce step)')
    .description(
      'Sum count files made on shards of a corpus: vocabulary files ("word count" lines from vocab -o), count files\n' +
        '(vocab -f counts, encode cooc -f counts: merged k-way in one streaming pass) or key<TAB>count text\n' +
        '(-f counts-tsv, e.g. from Hadoop Streaming after sort). The result is what counting the whole corpus gives:\n' +
        'a merged vocabulary is byte-identical to `wordspace vocab WHOLE -o`, and `encode cooc --counts MERGED`\n' +
        'equals `encode cooc WHOLE --vocab V`. See docs/shards.md.',
    )
    .argument('<files...>', 'count files, vocabulary files or count text; - for standard input (text only)')
    .addOption(new Option('-o, --output <file>', 'where to write (atomically; - is standard output)').default('-'))
    .addOption(new Option('-f, --format <format>', 'vocab: "word count" lines, most frequent first (vocabularies); counts: binary count file; counts-tsv: key<TAB>count text (default: counts for a .counts name or pair counts, else vocab)').choices(MERGE_FORMATS))
    .addOption(parsedOption('--min-count <n>', 'vocabularies: drop words seen fewer than n times in all (after merging)', integer('--min-count', 1)))
    .addOption(parsedOption('--max-vocab <n>', 'vocabularies: keep the n most frequent words (after merging)', integer('--max-vocab', 1)))
    .addOption(new Option('--vocab <file>', 'text pair counts: the vocabulary they were counted with'))
    .addOption(parsedOption('--window <n>', 'text pair counts: the window they were counted with', integer('--window', 1)))
    .addOption(new Option('--distance-weighting <mode>', 'text pair counts: their distance weighting').choices(DISTANCE_WEIGHTINGS))
    .addOption(memoryOption())
    .addOption(new Option('-q, --quiet', 'no summary on stderr'))
    .addOption(new Option('--dry-run', 'print the plan (memory, output size) and merge nothing'))
    .addOption(new Option('--plan-format <format>', 'how --dry-run prints the plan (default: table on a terminal, tsv in a pipe)').choices(['table', 'tsv', 'json']))
    .addOption(new Option('--force', 'replace the output file even if it is read-only'))
    .addHelpText(
      'after',
      '\nExamples:\n  parallel wordspace vocab {} -f counts -o {}.counts ::: shard-*.txt && wordspace merge shard-*.txt.counts -o vocab.txt\n  cat shard-*.tsv | sort | wordspace merge - --min-count 5 -o vocab.txt',
    )
    .action(async (files: string[], flags: MergeFlags) => {
      await checkOutput({ output: flags.output, inputs: [...files, flags.vocab], force: flags.force });
      warnSmallMemory(io, flags.memory);
      const sources: MergeSource[] = [];
      for (const path of files) sources.push({ path, binary: await isBinaryCountFile(path) });
      if (files.filter((f) => f === '-').length > 1) throw new UsageError('standard input (-) given more than once');
      let stdin: NodeJS.ReadableStream | undefined = io.stdin;
      const kinds = new Set<CountKind>();
      for (const source of sources) {
        const sniffed = await sniffKind(source, io.stdin);
        if (sniffed.stdin) stdin = sniffed.stdin;
        if (sniffed.kind) kinds.add(sniffed.kind);
      }
      if (kinds.size > 1) throw new InputError('the inputs mix vocabulary counts and pair counts', 'merge each kind separately');
      const kind: CountKind = kinds.values().next().value ?? COUNT_KINDS[0];
      const format: MergeFormat = flags.format ?? (flags.output !== '-' ? inferCountFormat(flags.output) : undefined) ?? (kind === 'cooc' ? 'counts' : 'vocab');
      if (format === 'counts' && flags.output === '-' && io.stdout.isTTY) throw new UsageError('refusing to write a binary count file to a terminal', 'give -o FILE, or pipe the output elsewhere');
      if (kind === 'cooc' && format === 'vocab') throw new UsageError('pair counts cannot be written as a vocabulary', 'use -f counts or -f counts-tsv');
      if (flags.dryRun) {
        const inputs = await Promise.all(sources.map(async (s) => ({ bytes: s.path === '-' ? 0 : (await fs.stat(s.path)).size, binary: s.binary })));
        return (await import('../plan.js')).dryRunMerge(inputs, flags.memory!, format, flags.planFormat, io);
      }
      const started = Date.now();
      const summary = kind === 'vocab' ? await mergeVocabulary(sources, flags, format, io, stdin) : await mergePairs(sources, flags, format as CountFormat, io, stdin);
      if (!flags.quiet) note(io, `wordspace: merged ${files.length} file${files.length === 1 ? '' : 's'}: ${summary} (${format}) in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    });
};
