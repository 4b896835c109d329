import { mkdir } from 'node:fs/promises';
import { Option } from 'commander';
import { UsageError } from '../../core/errors.js';
import { integer } from '../../core/parse.js';
import { formatSize } from '../../core/size.js';
import { COMPARE_DEFAULTS, COMPARE_FORMATS, COMPARE_METHODS, DEFAULT_COMPARE_METHODS, type CompareFormat, type CompareRun, type Comparison, type ComparisonRow } from '../../analysis/compare.js';
import { Sink } from '../../io/output.js';
import { note, warn, type CliIO } from '../context.js';
import { addInputOptions, loadCorpus, type InputFlags } from '../input-options.js';
import { parsedOption } from '../options.js';
import { makeProgress } from '../progress.js';
import { defaultResultFormat, renderTables } from '../render.js';
import { onStop } from '../stop.js';
import type { RegisterCommand } from './index.js';

interface CompareFlags extends InputFlags {
  methods: string[];
  dim: number;
  window: number;
  epochs?: number;
  seed: number;
  seeds: number;
  threads?: number;
  similarity?: string[];
  analogies?: string;
  /** false with --no-standard-sets. */
  standardSets?: boolean;
  outDir?: string;
  format?: CompareFormat;
}

/** `--methods a,b,c`: a comma-separated list (spaces allowed); each name is checked by the library (exit 2 listing the known ones). */
function methodList(value: string): string[] {
  return value.split(',').map((s) => s.trim()).filter((s) => s !== '');
}

/** How often the process RSS is sampled while a method runs. */
const RSS_SAMPLE_MS = 100;
/** process.resourceUsage().maxRSS is in kilobytes (getrusage's ru_maxrss on Linux). */
const KIB = 1024;

/**
 * The peak RSS of the process while a method runs. getrusage's maxRSS is the process's high-water
 * mark since it started: when a method raises it, that is the exact peak during the method; when it
 * does not (an earlier method peaked higher), the peak is the highest of RSS samples taken every
 * RSS_SAMPLE_MS while the method ran (and at its start and end), a lower bound (a short spike
 * between samples, or while a kernel holds the main thread, can be missed). Both are the whole
 * process's RSS — the corpus, read once and shared by every method, included — not the method's
 * increment. (docs/compare.md)
 */
function processMeter(): { stop(): number } {
  const before = process.resourceUsage().maxRSS * KIB;
  let sampled = process.memoryUsage.rss();
  const timer = setInterval(() => (sampled = Math.max(sampled, process.memoryUsage.rss())), RSS_SAMPLE_MS);
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      sampled = Math.max(sampled, process.memoryUsage.rss());
      const after = process.resourceUsage().maxRSS * KIB;
      return after > before ? after : sampled;
    },
  };
}

export const registerCompare: RegisterCommand = (program, io) => {
  const command = program
    .command('compare')
    .summary('train several methods on one tokenization, one score table')
    .description(
      'Tokenize the corpus once (one vocabulary for all), train every method with matched settings (--dim, --window, --epochs, --seed, --threads), ' +
        "score each on the shipped evaluation sets (as `wordspace evaluate` does: Spearman ρ per similarity set, 3CosAdd accuracy) plus --similarity and --analogies files, " +
        'and print one row per method with coverage, training seconds and peak memory. The methods are the README bench table\'s (docs/compare.md). ' +
        'Ctrl-C prints the rows of the methods already finished.',
    )
    .argument('[inputs...]', 'text files, .gz, CSV/TSV or a prepared corpus; - or nothing for standard input');
  addInputOptions(command, COMPARE_DEFAULTS.minCount);
  // The input flags come with --dry-run, which compare refuses: not in its help.
  for (const option of command.options) if (option.long === '--dry-run' || option.long === '--plan-format') option.hideHelp();
  command
    .addOption(new Option('--methods <list>', `comma-separated, from: ${COMPARE_METHODS.map((m) => m.name).join(', ')}`).argParser(methodList).default([...DEFAULT_COMPARE_METHODS], DEFAULT_COMPARE_METHODS.join(',')))
    .addOption(parsedOption('--dim <n>', 'vector dimension of every method', integer('--dim', 1), COMPARE_DEFAULTS.dim))
    .addOption(parsedOption('--window <n>', 'words on each side, for every method', integer('--window', 1), COMPARE_DEFAULTS.window))
    .addOption(parsedOption('--epochs <n>', 'epochs of every iterative method (default: the bench\'s: sgns/cbow 5, glove 15, autoencoder 5)', integer('--epochs', 1)))
    .addOption(parsedOption('--seed <n>', 'random seed (the first one, with --seeds)', integer('--seed', 0), COMPARE_DEFAULTS.seed))
    .addOption(parsedOption('--seeds <n>', 'train each stochastic method (sgns, cbow, glove, autoencoder) with n seeds and report mean ± sd', integer('--seeds', 1), COMPARE_DEFAULTS.seeds))
    .addOption(parsedOption('--threads <n>', 'training threads of the methods that have them (default: all cores)', integer('--threads', 1)))
    .option('--similarity <files...>', 'your word-similarity sets ("word1 word2 score" a line), after the shipped ones')
    .option('--analogies <file>', 'your analogy questions (questions-words.txt format), after the shipped ones')
    .option('--no-standard-sets', 'score only on --similarity and --analogies (e.g. for a corpus in another language than the shipped English sets)')
    .option('--out-dir <dir>', 'keep each method\'s vectors as <dir>/<method>.vec (word2vec text; further seeds <method>-seed<S>.vec)')
    .addOption(new Option('--format <format>', 'output format (default: table on a terminal, tsv in a pipe)').choices(COMPARE_FORMATS))
    .addHelpText('after', '\nWhat the columns mean: docs/compare.md\n\nExample:\n  wordspace compare corpus.txt --methods ppmi-svd,sgns --dim 50 --out-dir vectors/')
    .action(async (inputs: string[], flags: CompareFlags) => {
      if (flags.dryRun) throw new UsageError('compare has no --dry-run', 'plan each method with `wordspace encode <method> --dry-run` on the same corpus');
      await runCompare(inputs, flags, io);
    });
};

async function runCompare(inputs: string[], flags: CompareFlags, io: CliIO): Promise<void> {
  const [{ compare, compareMethods, formatComparison }] = await Promise.all([import('../../analysis/compare.js')]);
  compareMethods(flags.methods); // an unknown name fails before the corpus is read
  const format: CompareFormat = flags.format ?? (defaultResultFormat(io) === 'table' ? 'table' : 'tsv');
  if (flags.outDir !== undefined) await mkdir(flags.outDir, { recursive: true });
  const progress = makeProgress(io, flags.quiet === true);
  const corpus = await loadCorpus(inputs, flags, io, progress);
  const rows: ComparisonRow[] = [];
  let sets: Comparison['sets'] = { similarity: [], analogies: [] };
  // Ctrl-C: the rows of the methods already finished, written synchronously before the process
  // exits — in the chosen format, except that the terminal table (drawn by modules loaded
  // asynchronously) becomes its Markdown twin.
  const finished = (): Comparison => ({ sets, rows });
  const removeStop = onStop(() => {
    if (rows.length > 0) io.stdout.write(formatComparison(finished(), format === 'table' ? 'markdown' : format));
  });
  const started = Date.now();
  try {
    const comparison = await compare(
      corpus,
      {
        methods: flags.methods,
        dim: flags.dim,
        window: flags.window,
        epochs: flags.epochs,
        threads: flags.threads,
        seed: flags.seed,
        seeds: flags.seeds,
        similarity: flags.similarity,
        analogies: flags.analogies === undefined ? undefined : [flags.analogies],
        standard: flags.standardSets !== false,
        outDir: flags.outDir,
        stdin: io.stdin,
      },
      {
        progress,
        warn: (m) => warn(io, m),
        memory: flags.memory,
        note: flags.quiet ? undefined : (m) => note(io, `wordspace: ${m}`),
        meter: processMeter,
        onStart: (method, seed, index, total) => progress.log(`wordspace: compare: ${index + 1}/${total} ${method}${flags.seeds > 1 ? ` (seed ${seed})` : ''}…`),
        onRun: (run) => progress.log(`wordspace: compare: ${runSummary(run)}`),
        onRow: (row) => rows.push(row),
        onSets: (keys) => (sets = keys),
      },
    );
    if (format === 'table') {
      const { comparisonTable } = await import('../../analysis/compare.js');
      const table = comparisonTable(comparison, true);
      await renderTables(io, 'table', [{ title: 'Spearman ρ per similarity set, 3CosAdd accuracy per analogy set', header: table.header, rows: table.rows }]);
    } else {
      const sink = new Sink(io.stdout);
      await sink.write(formatComparison(comparison, format));
      await sink.flush();
    }
    progress.log(`wordspace: compare: ${corpus.tokensRead.toLocaleString('en-US')} tokens, vocabulary ${corpus.vocab.size.toLocaleString('en-US')}, ${comparison.rows.length} methods in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  } finally {
    removeStop();
    corpus.stream.dispose(); // a spilled stream's temporary files
  }
}

/** A run's line on stderr: WordSim-353's ρ (the README bench's figure; else the first similarity set's), the first analogy set's accuracy, time and memory. */
function runSummary(run: CompareRun): string {
  const shown = (value: number, percent: boolean): string => (Number.isNaN(value) ? 'NaN' : percent ? `${(value * 100).toFixed(1)}%` : value.toFixed(3));
  const figures: string[] = [];
  const similarity = run.scores.find((s) => /^EN-WS-353-ALL\.txt$/i.test(s.set)) ?? run.scores.find((s) => s.kind === 'similarity');
  const analogies = run.scores.find((s) => s.kind === 'analogies');
  if (similarity) figures.push(`ρ ${similarity.set.replace(/\.txt$/i, '')} ${shown(similarity.value, false)}`);
  if (analogies) figures.push(`${analogies.set.replace(/\.txt$/i, '')} ${shown(analogies.value, true)}`);
  figures.push(`${run.seconds.toFixed(1)} s`);
  if (run.peakMemory !== undefined) figures.push(`peak RSS ${formatSize(run.peakMemory)}`);
  return `${run.method} (seed ${run.seed}): ${figures.join(', ')}${run.vectorsFile === undefined ? '' : ` → ${run.vectorsFile}`}`;
}
