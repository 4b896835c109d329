import { Option } from 'commander';
import { integer } from '../../core/parse.js';
import { ANALOGY_METHODS, type AnalogyMethod } from '../../core/vectors.js';
import type { AccuracyCount } from '../../query/analogies.js';
import { BENCHMARKS, DEFAULT_ANALOGY_RESTRICT, type Benchmark, type EvaluationReport } from '../../query/evaluate.js';
import { METHOD_NAMES, score } from '../../query/format.js';
import { Sink } from '../../io/output.js';
import { warn, type CliIO } from '../context.js';
import { parsedOption } from '../options.js';
import { defaultResultFormat, renderTables, RESULT_FORMATS, type Cell, type ResultFormat, type ResultTable } from '../render.js';
import type { RegisterCommand } from './index.js';
import { VECTORS_ARGUMENT } from './similar.js';

interface EvaluateOptions {
  similarity?: string[];
  analogies?: string;
  restrict: number;
  method: AnalogyMethod;
  benchmark?: Benchmark;
  format?: ResultFormat;
}

export const registerEvaluate: RegisterCommand = (program, io) => {
  program
    .command('evaluate')
    .description('word-similarity (Spearman ρ, Pearson r) and analogy (accuracy) benchmarks')
    .argument('<vectors>', VECTORS_ARGUMENT)
    .option('--similarity <files...>', 'word-similarity sets: "word1 word2 score" a line')
    .option('--analogies <file>', 'analogy questions in the format of word2vec questions-words.txt')
    .addOption(parsedOption('--restrict <n>', 'analogies: only the first n words (the most frequent) as questions and answers', integer('--restrict', 1), DEFAULT_ANALOGY_RESTRICT))
    .addOption(new Option('--method <method>', 'analogies: add = 3CosAdd, mul = 3CosMul').choices(ANALOGY_METHODS).default('add'))
    .addOption(new Option('--benchmark <name>', 'the shipped sets: WordSim-353 (all/sim/rel), RG-65, MC-30, MTurk-287, Google analogies (the default when no set is given)').choices(BENCHMARKS))
    .addOption(new Option('--format <format>', 'output format (default: table on a terminal, tsv in a pipe)').choices(RESULT_FORMATS))
    .action(async (path: string, options: EvaluateOptions) => {
      const [{ benchmarkFiles, evaluate }, { loadQueryVectors }] = await Promise.all([import('../../query/evaluate.js'), import('../../query/load.js')]);
      const similarity = [...(options.similarity ?? [])];
      let analogies = options.analogies;
      const benchmark = options.benchmark ?? (similarity.length === 0 && analogies === undefined ? 'standard' : undefined);
      if (benchmark) {
        const files = benchmarkFiles(benchmark);
        similarity.unshift(...files.similarity);
        analogies ??= files.analogies;
      }
      const { vectors, model } = await loadQueryVectors(path, { stdin: io.stdin, warn: (message) => warn(io, message) });
      // A fastText model: each similarity set also as "<set> +n-grams", unseen words built from their n-grams.
      const unknownWord = model ? (word: string, out: Float32Array): boolean => model.wordVector(word, out) > 0 : undefined;
      const report = await evaluate(vectors, { similarity, analogies, method: options.method, restrict: options.restrict, stdin: io.stdin, ...(unknownWord ? { unknownWord } : {}) });
      const format = options.format ?? defaultResultFormat(io);
      if (format === 'json') await writeJson(io, path, report);
      else if (format === 'table') await renderTables(io, format, terminalTables(report));
      else await renderTables(io, format, [longTable(report)]);
    });
};

/** Terminal: one table of correlations, one of accuracies, with their own columns. */
function terminalTables(report: EvaluationReport): ResultTable[] {
  const tables: ResultTable[] = [];
  if (report.similarity.length > 0) {
    tables.push({
      title: `word similarity (${report.vocabulary} words × ${report.dim} dimensions)`,
      header: ['set', 'pairs', 'found', 'spearman', 'pearson'],
      rows: report.similarity.map((s) => [s.name, s.pairs, s.found, score(s.spearman, true), score(s.pearson, true)]),
    });
  }
  const a = report.analogies;
  if (a) {
    const row = (g: AccuracyCount): Cell[] => [g.name, g.questions, g.answered, g.questions - g.answered, g.correct, score(g.accuracy, true)];
    tables.push({
      title: `analogies: ${a.set}, ${METHOD_NAMES[a.method]}, over the ${a.restrict} most frequent words (questions with a word outside them are skipped)`,
      header: ['section', 'questions', 'answered', 'skipped', 'correct', 'accuracy'],
      rows: [a, a.semantic, a.syntactic, ...a.sections].map(row),
    });
  }
  return tables;
}

/**
 * TSV/CSV: one row per figure, the same columns for both kinds —
 * set, section (analogies), measure, value, found (pairs found / questions answered), total.
 */
function longTable(report: EvaluationReport): ResultTable {
  const rows: Cell[][] = [];
  for (const s of report.similarity) {
    rows.push([s.name, '', 'spearman', score(s.spearman, false), s.found, s.pairs]);
    rows.push([s.name, '', 'pearson', score(s.pearson, false), s.found, s.pairs]);
  }
  const a = report.analogies;
  if (a) {
    const measure = METHOD_NAMES[a.method];
    for (const g of [a, a.semantic, a.syntactic, ...a.sections]) rows.push([a.set, g.name, measure, score(g.accuracy, false), g.answered, g.questions]);
  }
  return { header: ['set', 'section', 'measure', 'value', 'found', 'total'], rows };
}

/** JSON: the report as a structure (NaN becomes null). */
async function writeJson(io: CliIO, path: string, report: EvaluationReport): Promise<void> {
  const json = {
    vectors: path === '-' ? 'stdin' : path,
    vocabulary: report.vocabulary,
    dim: report.dim,
    similarity: report.similarity.map((s) => ({ set: s.name, pairs: s.pairs, found: s.found, spearman: nullable(s.spearman), pearson: nullable(s.pearson) })),
    analogies: report.analogies
      ? {
          set: report.analogies.set,
          method: METHOD_NAMES[report.analogies.method],
          restrict: report.analogies.restrict,
          questions: report.analogies.questions,
          answered: report.analogies.answered,
          skipped: report.analogies.skipped,
          correct: report.analogies.correct,
          accuracy: nullable(report.analogies.accuracy),
          semantic: accuracyJson(report.analogies.semantic),
          syntactic: accuracyJson(report.analogies.syntactic),
          sections: report.analogies.sections.map(accuracyJson),
        }
      : null,
  };
  const sink = new Sink(io.stdout);
  await sink.write(`${JSON.stringify(json, null, 1)}\n`);
  await sink.flush();
}

function accuracyJson(g: AccuracyCount): Record<string, unknown> {
  return { name: g.name, questions: g.questions, answered: g.answered, correct: g.correct, accuracy: nullable(g.accuracy) };
}

function nullable(x: number): number | null {
  return Number.isNaN(x) ? null : x;
}
