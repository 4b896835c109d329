import { Option, type Command } from 'commander';
import { InputError, UsageError } from '../../core/errors.js';
import { integer } from '../../core/parse.js';
import type { PairExplanation, NeighbourExplanation, WordExplanation } from '../../analysis/explain.js';
import { EXPLAIN_DEFAULTS } from '../../analysis/explain.js';
import { PPMI_OPTIONS, WINDOW_OPTIONS, type DistanceWeighting } from '../../encoders/cooc.js';
import type { OptionSpec } from '../../encoders/types.js';
import { Sink } from '../../io/output.js';
import { score } from '../../query/format.js';
import { note, warn, type CliIO } from '../context.js';
import { addInputOptions, loadCorpus, type InputFlags } from '../input-options.js';
import { cliParser, parsedOption } from '../options.js';
import { makeProgress } from '../progress.js';
import { renderTables, type Cell, type ResultTable } from '../render.js';
import type { RegisterCommand } from './index.js';

const EXPLAIN_FORMATS = ['table', 'tsv', 'json'] as const;
type ExplainFormat = (typeof EXPLAIN_FORMATS)[number];

interface ExplainFlags extends InputFlags {
  counts?: string;
  vectors?: string;
  top: number;
  neighbourhood: number;
  format?: ExplainFormat;
  window: number;
  distanceWeighting: DistanceWeighting;
  cds: number;
  shift: number;
}

/** The co-occurrence flags exactly as `encode cooc` declares them (same names, defaults and checks). */
function addSpecOptions(command: Command, specs: OptionSpec[]): void {
  for (const spec of specs) {
    const option = new Option(spec.flags, spec.description);
    if (spec.choices) option.choices(spec.choices);
    else if (spec.parse) option.argParser(cliParser(spec.parse));
    if (spec.default !== undefined) option.default(spec.default, spec.defaultDescription);
    command.addOption(option);
  }
}

export const registerExplain: RegisterCommand = (program, io) => {
  const command = program
    .command('explain')
    .summary("the contexts behind a similarity (PPMI), or a word's strongest contexts")
    .description(
      'Why two words are similar in PPMI space: their cosine split into the shares of the contexts they share (the shares sum to the cosine), ' +
        'the contexts that pull them apart (their shares sum to 1 − cosine), and with --vectors the nearest neighbours they share. ' +
        "With one word: its strongest contexts by PPMI. The PPMI is `encode cooc --weight ppmi`'s, with the same flags and defaults. " +
        'The corpus is text, CSV/TSV or a prepared corpus (`wordspace prepare`); --counts starts from merged counts instead.',
    )
    .usage('[options] <corpus> <word1> [word2]\n       wordspace explain [options] --counts <file> <word1> [word2]')
    .argument('[corpus]', 'text file, .gz, CSV/TSV or prepared corpus; - for standard input')
    .argument('[words...]', 'one word (its strongest contexts) or two (why they are similar)');
  addInputOptions(command, 1);
  // The input flags come with --dry-run, which explain refuses: not in its help.
  for (const option of command.options) if (option.long === '--dry-run' || option.long === '--plan-format') option.hideHelp();
  addSpecOptions(command, [...WINDOW_OPTIONS, ...PPMI_OPTIONS]);
  command
    .addOption(new Option('--counts <file>', 'start from merged co-occurrence counts (encode cooc -f counts, wordspace merge) instead of a corpus'))
    .addOption(new Option('--vectors <file>', 'word vectors (any format wordspace reads): also list the nearest neighbours the two words share'))
    .addOption(parsedOption('-k, --top <n>', 'rows per table', integer('--top', 1), EXPLAIN_DEFAULTS.top))
    .addOption(parsedOption('--neighbourhood <n>', 'with --vectors: a neighbour is shared when it is among the n nearest of both words', integer('--neighbourhood', 1), EXPLAIN_DEFAULTS.neighbourhood))
    .addOption(new Option('--format <format>', 'output format (default: table on a terminal, tsv in a pipe)').choices(EXPLAIN_FORMATS))
    .addHelpText('after', '\nWhat the columns mean: docs/explain.md\n\nExamples:\n  wordspace explain corpus.txt freedom liberty\n  wordspace explain corpus.txt freedom -k 20')
    .action(async (corpusArg: string | undefined, rest: string[], flags: ExplainFlags) => {
      const args = [corpusArg, ...rest].filter((a): a is string => a !== undefined);
      if (flags.dryRun) throw new UsageError('explain has no --dry-run', 'plan the counting with `wordspace encode cooc --dry-run` on the same corpus');
      const inputs = flags.counts ? [] : args.slice(0, 1);
      const words = flags.counts ? args : args.slice(1);
      if (words.length < 1 || words.length > 2) {
        throw new UsageError(
          `explain takes ${flags.counts ? '' : 'a corpus and '}one or two words, got ${words.length === 0 && !flags.counts && args.length === 0 ? 'nothing' : `${words.length} word${words.length === 1 ? '' : 's'}`}`,
          flags.counts ? `wordspace explain --counts ${flags.counts} WORD1 [WORD2]` : 'wordspace explain CORPUS WORD1 [WORD2] (- for standard input), or --counts FILE WORD1 [WORD2]',
        );
      }
      if (flags.vectors && words.length !== 2) throw new UsageError('--vectors lists the neighbours two words share', 'give two words, or see one word\'s neighbours with `wordspace similar`');
      if (flags.counts) checkCountsFlags(command);
      if (flags.vectors === '-' && inputs.includes('-')) throw new UsageError('--vectors - and the corpus cannot both be standard input', 'give one of them as a file');
      await explain(inputs, words, flags, command, io);
    });
};

/** --counts holds its own vocabulary: the flags that would cut it apply when the counts are made. */
function checkCountsFlags(command: Command): void {
  for (const [key, flag] of [['minCount', '--min-count'], ['maxVocab', '--max-vocab'], ['vocab', '--vocab']] as const) {
    if (command.getOptionValueSource(key) === 'cli') {
      throw new UsageError(`${flag} cannot cut the vocabulary of --counts`, `give it to \`encode cooc -f counts\` (or \`merge\`) when making the counts`);
    }
  }
}

async function explain(inputs: string[], words: string[], flags: ExplainFlags, command: Command, io: CliIO): Promise<void> {
  const [{ explainPair, explainWord, sharedNeighbours }, { countCooccurrences, cooc, spillOptions }, { countsCorpus }] = await Promise.all([
    import('../../analysis/explain.js'),
    import('../../encoders/cooc.js'),
    import('../counts.js'),
  ]);
  const started = Date.now();
  // The vectors first: a bad file or word fails before the corpus is counted.
  let neighbours: NeighbourExplanation | undefined;
  if (flags.vectors) {
    const [{ loadQueryVectors }, { resolveWord }] = await Promise.all([import('../../query/load.js'), import('../../query/fold.js')]);
    const { vectors, caseMode } = await loadQueryVectors(flags.vectors, { stdin: io.stdin, warn: (m) => warn(io, m), queries: words });
    const rows = words.map((w) => resolveWord(vectors, w, caseMode));
    neighbours = sharedNeighbours(vectors, rows[0]!, rows[1]!, { top: flags.top, neighbourhood: flags.neighbourhood });
  }
  const progress = makeProgress(io, flags.quiet === true);
  const settings = { window: flags.window, distanceWeighting: flags.distanceWeighting, cds: flags.cds, shift: flags.shift };
  let corpus;
  if (flags.counts) {
    const asked = command.getOptionValueSource('window') === 'cli' ? flags.window : undefined;
    const options: Record<string, unknown> = { distanceWeighting: flags.distanceWeighting };
    corpus = await countsCorpus(cooc, flags.counts, [], options);
    settings.window = options.window as number;
    if (asked !== undefined && asked !== settings.window) {
      throw new InputError(`${flags.counts} holds counts of window ${settings.window}, not ${asked}`, `drop --window, or count them with \`encode cooc --window ${asked} -f counts\``);
    }
    if (command.getOptionValueSource('distanceWeighting') !== 'cli') settings.distanceWeighting = options.distanceWeighting as DistanceWeighting;
  } else {
    corpus = await loadCorpus(inputs, flags, io, progress);
  }
  const context = { memory: flags.memory, note: flags.quiet ? undefined : (m: string) => note(io, `wordspace: ${m}`) };
  let counts: ReturnType<typeof countCooccurrences>;
  try {
    counts = countCooccurrences(corpus, { window: settings.window, distanceWeighting: settings.distanceWeighting, ...spillOptions(context) }, progress);
  } finally {
    corpus.stream.dispose(); // a spilled stream's temporary files
  }
  const top = { top: flags.top, cds: flags.cds, shift: flags.shift };
  const format: ExplainFormat = flags.format ?? (io.stdout.isTTY ? 'table' : 'tsv');
  if (words.length === 1) {
    await printWord(io, format, explainWord(counts, words[0]!, top), settings);
  } else {
    const pair = explainPair(counts, words[0]!, words[1]!, top);
    await printPair(io, format, pair, neighbours, settings);
  }
  if (!flags.quiet) {
    const source = flags.counts ? flags.counts : `${corpus.tokensRead.toLocaleString('en-US')} tokens`;
    note(io, `wordspace: explain: ${source}, vocabulary ${corpus.vocab.size.toLocaleString('en-US')}, window ${settings.window} → ${counts.nnz.toLocaleString('en-US')} co-occurrence cells in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
}

type Settings = { window: number; distanceWeighting: string; cds: number; shift: number };

/** A count: an integer as is, a weighted (fractional) count rounded like a score. */
function countCell(x: number, forTable: boolean): Cell {
  return Number.isInteger(x) ? x : score(x, forTable);
}

async function writeJson(io: CliIO, value: unknown): Promise<void> {
  await writeText(io, `${JSON.stringify(value, null, 1)}\n`);
}

async function printWord(io: CliIO, format: ExplainFormat, result: WordExplanation, settings: Settings): Promise<void> {
  if (format === 'json') return writeJson(io, { ...result, settings });
  const forTable = format === 'table';
  const rows = result.strongest.map((c, r): Cell[] => [r + 1, c.context, score(c.ppmi, forTable), countCell(c.count, forTable), countCell(c.contextTotal, forTable)]);
  const title = `${result.word}: ${result.positive.toLocaleString('en-US')} of its ${result.contexts.toLocaleString('en-US')} contexts with PPMI > 0 (co-occurrence total ${countCell(result.total, true)}, ${describe(settings)})`;
  await renderTables(io, format, [{ title, header: forTable ? ['rank', 'context', 'PPMI', 'count', 'context total'] : ['rank', 'context', 'ppmi', 'count', 'context_total'], rows }]);
}

function describe(settings: Settings): string {
  return `window ${settings.window}${settings.distanceWeighting === 'none' ? '' : ` ${settings.distanceWeighting}`}, cds ${settings.cds}${settings.shift === 1 ? '' : `, shift ${settings.shift}`}`;
}

async function printPair(io: CliIO, format: ExplainFormat, pair: PairExplanation, neighbours: NeighbourExplanation | undefined, settings: Settings): Promise<void> {
  if (format === 'json') return writeJson(io, { ...pair, ...(neighbours ? { neighbours } : {}), settings });
  const [w1, w2] = pair.words;
  if (format === 'tsv') {
    const header = ['section', 'rank', 'item', 'value1', 'value2', 'count1', 'count2', 'norm_share1', 'norm_share2', 'share'];
    const s = (x: number): Cell => score(x, false);
    const rows: Cell[][] = [['cosine', '', '', s(pair.norms[0]), s(pair.norms[1]), '', '', '', '', s(pair.cosine)]];
    for (const [section, list] of [['shared', pair.shared], ['apart', pair.apart]] as const) {
      list.forEach((c, r) => rows.push([section, r + 1, c.context, s(c.ppmi[0]), s(c.ppmi[1]), countCell(c.counts[0], false), countCell(c.counts[1], false), s(c.normShare[0]), s(c.normShare[1]), s(c.share)]));
    }
    neighbours?.neighbours.forEach((n, r) => rows.push(['neighbour', r + 1, n.word, s(n.similarity[0]), s(n.similarity[1]), '', '', '', '', '']));
    return renderTables(io, 'tsv', [{ header, rows }]);
  }
  const s = (x: number): string => String(score(x, true));
  const percent = (x: number): string => `${(100 * x).toFixed(1)}%`;
  const tables: ResultTable[] = [];
  const summary =
    `${w1} ~ ${w2}: PPMI cosine ${s(pair.cosine)} (${describe(settings)}); ` +
    `${w1} has ${pair.contexts[0].toLocaleString('en-US')} contexts with PPMI > 0, ${w2} ${pair.contexts[1].toLocaleString('en-US')}, ${pair.sharedCount.toLocaleString('en-US')} shared`;
  const sharedRows: Cell[][] = pair.shared.map((c, r) => [r + 1, c.context, s(c.ppmi[0]), s(c.ppmi[1]), countCell(c.counts[0], true), countCell(c.counts[1], true), s(c.share)]);
  if (pair.sharedCount > pair.shared.length) sharedRows.push(['', `(${(pair.sharedCount - pair.shared.length).toLocaleString('en-US')} more)`, '', '', '', '', s(pair.sharedRest)]);
  sharedRows.push(['', 'cosine', '', '', '', '', s(pair.cosine)]);
  tables.push({ title: "Shared contexts: each one's share of the cosine", header: ['rank', 'context', `PPMI ${w1}`, `PPMI ${w2}`, `count ${w1}`, `count ${w2}`, 'share'], rows: sharedRows });
  const apartRows: Cell[][] = pair.apart.map((c, r) => [r + 1, c.context, s(c.ppmi[0]), s(c.ppmi[1]), percent(c.normShare[0]), percent(c.normShare[1]), s(c.share)]);
  apartRows.push(['', '(all others)', '', '', '', '', s(pair.apartRest)]);
  apartRows.push(['', '1 − cosine', '', '', '', '', s(1 - pair.cosine)]);
  tables.push({ title: 'Contexts that pull them apart: each one\'s share of 1 − cosine', header: ['rank', 'context', `PPMI ${w1}`, `PPMI ${w2}`, `of ‖${w1}‖²`, `of ‖${w2}‖²`, 'share'], rows: apartRows });
  if (neighbours) {
    tables.push({
      title: `Neighbours they share in the vectors (among the ${neighbours.neighbourhood} nearest of each; vector cosine ${w1} ~ ${w2}: ${s(neighbours.cosine)})`,
      header: ['rank', 'word', `cosine ${w1}`, `rank ${w1}`, `cosine ${w2}`, `rank ${w2}`],
      rows: neighbours.neighbours.map((n, r) => [r + 1, n.word, s(n.similarity[0]), n.rank[0], s(n.similarity[1]), n.rank[1]]),
    });
  }
  await writeText(io, `${summary}\n\n`);
  for (const [i, table] of tables.entries()) {
    if (i > 0) await writeText(io, '\n');
    await renderTables(io, 'table', [table]);
  }
}

async function writeText(io: CliIO, text: string): Promise<void> {
  const sink = new Sink(io.stdout);
  await sink.write(text);
  await sink.flush();
}
