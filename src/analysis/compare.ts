import { basename, join, resolve } from 'node:path';
import { UsageError } from '../core/errors.js';
import type { Matrix } from '../core/matrix.js';
import { silentProgress, type Progress } from '../core/progress.js';
import { WordVectors } from '../core/vectors.js';
import type { Corpus } from '../corpus/corpus.js';
import { encode, encoderOptions, optionKey } from '../encoders/encode.js';
import { getEncoder } from '../encoders/registry.js';
import type { EncodeContext, EncoderOptions } from '../encoders/types.js';
import { saveMatrix } from '../io/save.js';
import { evaluateAnalogies, readAnalogySet, type AnalogySet } from '../query/analogies.js';
import { benchmarkFiles, DEFAULT_ANALOGY_RESTRICT, evaluationVectors } from '../query/evaluate.js';
import { evaluateSimilarity, readSimilaritySet, type SimilaritySet } from '../query/similarity.js';

/**
 * `wordspace compare`: train several methods on one tokenized corpus (one vocabulary) with matched
 * settings, score each on the shipped evaluation sets plus the user's own, one row per method.
 * Orchestration only: the encoders are `encode()`'s, the scores `wordspace evaluate`'s functions
 * (evaluationVectors, evaluateSimilarity, evaluateAnalogies, 3CosAdd over the 30,000 most frequent
 * words), so a row's scores are what `wordspace evaluate` says of the method's vectors.
 */

/** A method of the comparison: an encoder and its settings beyond the matched ones. */
export interface CompareMethod {
  name: string;
  encoder: string;
  /** Options fixed by the method (camelCased as `encode()` takes them). */
  options: EncoderOptions;
  /** Epochs when --epochs is not given (the README bench's); else the encoder's default. */
  epochs?: number;
  /** Its vectors depend on the seed beyond rounding (random initialisation, sampling): `--seeds N` trains it N times. */
  stochastic: boolean;
  /** The row of the README bench table (bench/run.ts METHODS) this method reproduces. */
  bench: string;
}

/**
 * The methods, as the README bench table defines them (bench/run.ts METHODS: dim 100, window 5,
 * min-count 5; neural ones 5 epochs, negative 5, sample 1e-3; GloVe 15 epochs, x-max 10). dim,
 * window, epochs, threads and seed are the matched settings, set by `compare` for every method
 * whose encoder has them; everything else is the encoder's default, as in the bench.
 */
export const COMPARE_METHODS: readonly CompareMethod[] = [
  { name: 'ppmi-svd', encoder: 'cooc', options: { weight: 'ppmi', eig: 0.5 }, stochastic: false, bench: 'cooc-ppmi-svd' },
  { name: 'ppmi-svd-p0', encoder: 'cooc', options: { weight: 'ppmi', eig: 0 }, stochastic: false, bench: 'cooc-ppmi-svd-p0' },
  { name: 'ppmi-dyn-svd', encoder: 'cooc', options: { weight: 'ppmi', eig: 0.5, distanceWeighting: 'linear' }, stochastic: false, bench: 'cooc-ppmi-dyn-svd' },
  { name: 'sgns', encoder: 'sgns', options: { negative: 5, sample: 1e-3 }, epochs: 5, stochastic: true, bench: 'sgns' },
  { name: 'cbow', encoder: 'cbow', options: { negative: 5, sample: 1e-3 }, epochs: 5, stochastic: true, bench: 'cbow' },
  { name: 'glove', encoder: 'glove', options: { xMax: 10 }, epochs: 15, stochastic: true, bench: 'glove' },
  { name: 'autoencoder', encoder: 'autoencoder', options: {}, stochastic: true, bench: 'autoencoder' },
];

/** `--methods` when not given: one row per family of the README bench table. */
export const DEFAULT_COMPARE_METHODS: readonly string[] = ['ppmi-svd', 'sgns', 'cbow', 'glove', 'autoencoder'];

/** The matched settings' defaults: the README bench's (bench/run.ts, COMMON_FLAGS and flags). */
export const COMPARE_DEFAULTS = { dim: 100, window: 5, minCount: 5, seed: 1, seeds: 1 } as const;

/** The method of each name, in the order given; an unknown name is a UsageError listing the known ones. */
export function compareMethods(names: readonly string[]): CompareMethod[] {
  const seen = new Set<string>();
  const methods: CompareMethod[] = [];
  for (const name of names) {
    const method = COMPARE_METHODS.find((m) => m.name === name);
    if (!method) throw new UsageError(`unknown method "${name}"`, `choose from: ${COMPARE_METHODS.map((m) => m.name).join(', ')}`);
    if (!seen.has(name)) methods.push(method);
    seen.add(name);
  }
  if (methods.length === 0) throw new UsageError('no method to compare', `name some: ${COMPARE_METHODS.map((m) => m.name).join(', ')}`);
  return methods;
}

export interface CompareSettings {
  dim: number;
  window: number;
  /** Every iterative method's epochs; undefined: each method's own (CompareMethod.epochs). */
  epochs?: number;
  /** Training threads of the methods that have them; undefined: the encoder's default (all cores). */
  threads?: number;
  /** The first seed; seeds seed, seed + 1, … with `seeds` > 1. */
  seed: number;
  /** Runs of each stochastic method (deterministic ones run once). */
  seeds: number;
}

/** The options `encode()` gets for a method: its own, then the matched settings its encoder has. */
export function methodOptions(method: CompareMethod, settings: CompareSettings, seed: number): EncoderOptions {
  const keys = new Set(getEncoder(method.encoder).options.map(optionKey));
  const matched: EncoderOptions = { dim: settings.dim, window: settings.window, epochs: settings.epochs ?? method.epochs, threads: settings.threads, seed };
  const options: EncoderOptions = { ...method.options };
  for (const [key, value] of Object.entries(matched)) if (value !== undefined && keys.has(key)) options[key] = value;
  return options;
}

/** The evaluation sets: paths, and the key each is reported under (its file name). */
export interface CompareSets {
  similarity: string[];
  analogies: string[];
}

/**
 * The shipped sets (`wordspace evaluate`'s default: data/eval's EN-*.txt and questions-words.txt)
 * followed by the user's; a file given again is counted once.
 */
export function compareSets(user: { similarity?: readonly string[]; analogies?: readonly string[]; standard?: boolean } = {}): CompareSets {
  const shipped = user.standard === false ? { similarity: [], analogies: undefined } : benchmarkFiles('standard');
  const unique = (paths: readonly string[]): string[] => {
    const seen = new Set<string>();
    return paths.filter((p) => {
      const key = p === '-' ? p : resolve(p);
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  };
  return {
    similarity: unique([...shipped.similarity, ...(user.similarity ?? [])]),
    analogies: unique([...(shipped.analogies === undefined ? [] : [shipped.analogies]), ...(user.analogies ?? [])]),
  };
}

/** A set's key in the results: its file name (`EN-WS-353-ALL.txt`); the path as given when two share one. */
function setKeys(paths: readonly string[]): string[] {
  const keys: string[] = [];
  for (const path of paths) {
    const name = path === '-' ? 'stdin' : basename(path);
    keys.push(keys.includes(name) ? path : name);
  }
  return keys;
}

/** One set's figure for one run. */
export interface SetScore {
  /** The set's file name. */
  set: string;
  kind: 'similarity' | 'analogies';
  /** Spearman ρ (similarity) or 3CosAdd accuracy (analogies); NaN when too few pairs/questions are covered. */
  value: number;
  /** Pairs with both words in the vectors / questions answered. */
  found: number;
  total: number;
}

/** One training run of one method. */
export interface CompareRun {
  method: string;
  seed: number;
  scores: SetScore[];
  /** Training time (encode()), seconds. */
  seconds: number;
  /** Peak process RSS while it ran, in bytes, as the memory meter reports it (undefined without one). */
  peakMemory?: number;
  /** Where its vectors were kept (with outDir). */
  vectorsFile?: string;
}

/** One row of the comparison: a method over its runs (one, or one per seed). */
export interface ComparisonRow {
  method: string;
  seeds: number[];
  /** Set file name → mean score over the runs (NaN when not covered). */
  scores: Record<string, number>;
  /** Set file name → standard deviation over the runs (sample sd, n − 1); only with more than one run. */
  spread?: Record<string, number>;
  /** Pairs and questions found / in all the sets (the same vocabulary for every method, so the same for every row). */
  coverage: number;
  /** Mean training seconds over the runs. */
  seconds: number;
  /** Highest peak RSS over the runs, bytes. */
  peakMemory?: number;
  runs: CompareRun[];
}

/** Measures the process memory around a run: `start()` before it, the returned `stop()` after, giving the peak in bytes. */
export type MemoryMeter = () => { stop(): number | undefined };

export interface CompareOptions extends Partial<Omit<CompareSettings, 'seeds'>> {
  seeds?: number;
  /** Method names (default DEFAULT_COMPARE_METHODS). */
  methods?: readonly string[];
  /** The user's similarity sets and analogy files, after the shipped ones. */
  similarity?: readonly string[];
  analogies?: readonly string[];
  /** false: only the user's sets. */
  standard?: boolean;
  /** Keep each method's vectors here as `<method>.vec` (word2vec text, written atomically); further seeds as `<method>-seed<S>.vec`. */
  outDir?: string;
  /** Decimal places of the kept vectors (default the writers'). */
  precision?: number;
  stdin?: NodeJS.ReadableStream;
}

export interface CompareContext extends Partial<EncodeContext> {
  meter?: MemoryMeter;
  /** The sets' keys (column order), once they are read, before any training. */
  onSets?(sets: Comparison['sets']): void;
  /** Before each run. */
  onStart?(method: string, seed: number, index: number, total: number): void;
  /** After each run, its vectors kept. */
  onRun?(run: CompareRun): void;
  /** After a method's last run: its row. */
  onRow?(row: ComparisonRow): void;
}

export interface Comparison {
  /** Set file names in column order: similarity sets, then analogy sets. */
  sets: { similarity: string[]; analogies: string[] };
  rows: ComparisonRow[];
}

interface LoadedSets {
  similarity: { key: string; set: SimilaritySet }[];
  analogies: { key: string; set: AnalogySet }[];
}

/** Score vectors on every set exactly as `wordspace evaluate` does. */
function scoreVectors(matrix: Matrix, sets: LoadedSets): SetScore[] {
  const vectors = evaluationVectors(WordVectors.fromMatrix(matrix));
  const scores: SetScore[] = sets.similarity.map(({ key, set }) => {
    const r = evaluateSimilarity(vectors, set, key);
    return { set: key, kind: 'similarity', value: r.spearman, found: r.found, total: r.pairs };
  });
  for (const { key, set } of sets.analogies) {
    const r = evaluateAnalogies(vectors, set, { method: 'add', restrict: DEFAULT_ANALOGY_RESTRICT });
    scores.push({ set: key, kind: 'analogies', value: r.accuracy, found: r.answered, total: r.questions });
  }
  return scores;
}

const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

/** Sample standard deviation (n − 1), 0 for one value. */
function sd(xs: readonly number[]): number {
  if (xs.length < 2) return 0;
  const m = mean(xs);
  return Math.sqrt(xs.reduce((a, x) => a + (x - m) ** 2, 0) / (xs.length - 1));
}

/** A method's row from its runs. */
export function comparisonRow(method: string, runs: readonly CompareRun[]): ComparisonRow {
  const first = runs[0]!;
  const scores: Record<string, number> = {};
  const spread: Record<string, number> = {};
  for (const [k, s] of first.scores.entries()) {
    const values = runs.map((r) => r.scores[k]!.value);
    scores[s.set] = mean(values);
    spread[s.set] = sd(values);
  }
  const found = first.scores.reduce((a, s) => a + s.found, 0);
  const total = first.scores.reduce((a, s) => a + s.total, 0);
  const peaks = runs.flatMap((r) => (r.peakMemory === undefined ? [] : [r.peakMemory]));
  return {
    method,
    seeds: runs.map((r) => r.seed),
    scores,
    spread: runs.length > 1 ? spread : undefined,
    coverage: total === 0 ? NaN : found / total,
    seconds: mean(runs.map((r) => r.seconds)),
    peakMemory: peaks.length > 0 ? Math.max(...peaks) : undefined,
    runs: [...runs],
  };
}

/**
 * Train every method on the corpus and score it. The corpus (its token stream) is read by each
 * method in turn and left to the caller to dispose. Runs go in order, one at a time, so that each
 * one's time and memory are its own; `context.onRow` hears of each method as soon as it is done.
 */
export async function compare(corpus: Corpus, options: CompareOptions = {}, context: CompareContext = {}): Promise<Comparison> {
  const methods = compareMethods(options.methods ?? DEFAULT_COMPARE_METHODS);
  const settings: CompareSettings = {
    dim: options.dim ?? COMPARE_DEFAULTS.dim,
    window: options.window ?? COMPARE_DEFAULTS.window,
    epochs: options.epochs,
    threads: options.threads,
    seed: options.seed ?? COMPARE_DEFAULTS.seed,
    seeds: options.seeds ?? COMPARE_DEFAULTS.seeds,
  };
  if (!Number.isInteger(settings.seeds) || settings.seeds < 1) throw new UsageError(`seeds must be a whole number ≥ 1, got ${settings.seeds}`, 'e.g. --seeds 3');
  // Every method's options checked (as its command line would) before any training.
  for (const method of methods) encoderOptions(getEncoder(method.encoder), methodOptions(method, settings, settings.seed));
  const paths = compareSets({ similarity: options.similarity, analogies: options.analogies, standard: options.standard });
  if (paths.similarity.length + paths.analogies.length === 0) throw new UsageError('no evaluation set to score on', 'give --similarity or --analogies files');
  // Every set read (and checked) before the first, possibly long, training run.
  const similarityKeys = setKeys(paths.similarity);
  const analogyKeys = setKeys(paths.analogies);
  const sets: LoadedSets = { similarity: [], analogies: [] };
  for (const [k, path] of paths.similarity.entries()) sets.similarity.push({ key: similarityKeys[k]!, set: await readSimilaritySet(path, options.stdin) });
  for (const [k, path] of paths.analogies.entries()) sets.analogies.push({ key: analogyKeys[k]!, set: await readAnalogySet(path, options.stdin) });

  context.onSets?.({ similarity: similarityKeys, analogies: analogyKeys });
  const progress: Progress = context.progress ?? silentProgress;
  const encodeContext: Partial<EncodeContext> = { progress, warn: context.warn, memory: context.memory, note: context.note };
  const plan = methods.flatMap((method) => Array.from({ length: method.stochastic ? settings.seeds : 1 }, (_, k) => ({ method, seed: settings.seed + k, first: k === 0 })));
  const rows: ComparisonRow[] = [];
  let runs: CompareRun[] = [];
  for (const [index, { method, seed, first }] of plan.entries()) {
    context.onStart?.(method.name, seed, index, plan.length);
    const meter = context.meter?.();
    const started = performance.now();
    const matrix = await encode(method.encoder, corpus, methodOptions(method, settings, seed), encodeContext);
    const seconds = (performance.now() - started) / 1000;
    const peakMemory = meter?.stop();
    const run: CompareRun = { method: method.name, seed, scores: scoreVectors(matrix, sets), seconds, peakMemory };
    if (options.outDir !== undefined) {
      run.vectorsFile = join(options.outDir, first ? `${method.name}.vec` : `${method.name}-seed${seed}.vec`);
      await saveMatrix(matrix, run.vectorsFile, { format: 'text', precision: options.precision });
    }
    context.onRun?.(run);
    runs.push(run);
    const next = plan[index + 1];
    if (next?.method !== method) {
      const row = comparisonRow(method.name, runs);
      rows.push(row);
      context.onRow?.(row);
      runs = [];
    }
  }
  return { sets: { similarity: similarityKeys, analogies: analogyKeys }, rows };
}

/** How a comparison is written: `table` is the command line's (terminal), the others are text formats. */
export const COMPARE_FORMATS = ['table', 'tsv', 'json', 'markdown'] as const;
export type CompareFormat = (typeof COMPARE_FORMATS)[number];

/** Bytes in a MiB (peak memory is shown in MiB, as the README bench table). */
const MIB = 2 ** 20;

/** A set's column name: its file name without `.txt`. */
function columnName(key: string): string {
  return key.replace(/\.txt$/i, '');
}

/**
 * The comparison as a table of strings: method, a column per set (Spearman ρ per similarity set,
 * 3CosAdd accuracy per analogy set, both as fractions), coverage, seconds, peak MiB. For people
 * (`forPeople`: table, Markdown) a score over several runs reads `mean ± sd`, coverage a percentage;
 * for machines (TSV) the sd gets its own column `<set> sd` and numbers are plain.
 */
export function comparisonTable(comparison: Comparison, forPeople: boolean): { header: string[]; rows: string[][] } {
  const keys = [...comparison.sets.similarity, ...comparison.sets.analogies];
  const several = comparison.rows.some((r) => r.runs.length > 1);
  const fixed = (x: number | undefined, digits: number): string => (x === undefined ? '' : Number.isNaN(x) ? 'NaN' : x.toFixed(digits));
  const header = ['method'];
  if (several) header.push('runs');
  header.push(...keys.map(columnName));
  if (several && !forPeople) header.push(...keys.map((k) => `${columnName(k)} sd`));
  header.push('coverage', 'seconds', 'peak MiB');
  const rows = comparison.rows.map((row) => {
    const cells = [row.method];
    if (several) cells.push(String(row.runs.length));
    for (const key of keys) {
      const value = fixed(row.scores[key], forPeople ? 3 : 6);
      const spread = row.spread?.[key];
      cells.push(forPeople && spread !== undefined && !Number.isNaN(spread) ? `${value} ± ${fixed(spread, 3)}` : value);
    }
    if (several && !forPeople) for (const key of keys) cells.push(row.spread ? fixed(row.spread[key], 6) : '');
    cells.push(forPeople ? (Number.isNaN(row.coverage) ? 'NaN' : `${(row.coverage * 100).toFixed(1)}%`) : fixed(row.coverage, 6));
    cells.push(fixed(row.seconds, forPeople ? 1 : 3), row.peakMemory === undefined ? '' : String(Math.round(row.peakMemory / MIB)));
    return cells;
  });
  return { header, rows };
}

/** NaN (a set with too few covered pairs) as null in JSON. */
function nullable(x: number): number | null {
  return Number.isNaN(x) ? null : x;
}

function nullables(record: Record<string, number>): Record<string, number | null> {
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, nullable(v)]));
}

/**
 * The comparison as JSON: a list of rows, one per method — its name, its score per set keyed by the
 * set's file name (Spearman ρ or 3CosAdd accuracy; null when too few pairs are covered), `spread`
 * (sd per set, over several seeds), coverage, seconds, peak memory in bytes (null when not
 * measured), and each run (seed, scores, seconds, peak memory, vectors file).
 */
export function comparisonJson(comparison: Comparison): unknown[] {
  return comparison.rows.map((row) => ({
    method: row.method,
    scores: nullables(row.scores),
    ...(row.spread ? { spread: nullables(row.spread) } : {}),
    coverage: nullable(row.coverage),
    seconds: row.seconds,
    peakMemory: row.peakMemory ?? null,
    seeds: row.seeds,
    runs: row.runs.map((run) => ({
      seed: run.seed,
      scores: Object.fromEntries(run.scores.map((s) => [s.set, nullable(s.value)])),
      found: Object.fromEntries(run.scores.map((s) => [s.set, [s.found, s.total]])),
      seconds: run.seconds,
      peakMemory: run.peakMemory ?? null,
      ...(run.vectorsFile === undefined ? {} : { vectors: run.vectorsFile }),
    })),
  }));
}

/** A Markdown cell: a pipe would end the cell. */
function markdownCell(cell: string): string {
  return cell.replace(/\|/g, '\\|');
}

/** TSV cell: tabs and newlines cannot appear inside a TSV field. */
function tsvCell(cell: string): string {
  return cell.replace(/[\t\r\n]/g, ' ');
}

/** The comparison as text in one of the text formats (tsv, json, markdown). */
export function formatComparison(comparison: Comparison, format: Exclude<CompareFormat, 'table'>): string {
  if (format === 'json') return `${JSON.stringify(comparisonJson(comparison), null, 1)}\n`;
  const { header, rows } = comparisonTable(comparison, format === 'markdown');
  if (format === 'tsv') return [header, ...rows].map((r) => `${r.map(tsvCell).join('\t')}\n`).join('');
  const line = (cells: string[]): string => `| ${cells.map(markdownCell).join(' | ')} |\n`;
  return line(header) + line(header.map((_, i) => (i === 0 ? '---' : '---:'))) + rows.map(line).join('');
}
