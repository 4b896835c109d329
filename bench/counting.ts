/**
 * The count-based rows of issue 8, side by side in one run: wordspace's co-occurrence counting,
 * PPMI-SVD and autoencoder against the numpy/scipy recipe (`cooc_reference.py`, the hyperwords
 * pipeline), on the dev corpus with the bench's settings (`--tokenizer whitespace --min-count 5`,
 * window 5, dim 100).
 *
 *   npm run bench:counting -- [--corpus FILE] [--reference PATH/cooc_reference.py] [--repeats 3]
 *                             [--jobs count,ppmi,autoencoder] [--out DIR] [--keep]
 *
 * Every process runs under `/usr/bin/time -v` (peak RSS); seconds are wall-clock seconds of the
 * whole process, ours and the reference's alike, except where a row says otherwise:
 *
 * | job | ours | reference | target |
 * |---|---|---|---|
 * | cooc counting | the counting stage: `countCooccurrences` timed alone in a child process that first reads the corpus (as `encode cooc` does) — from the ids in memory to the symmetric CSR matrix | the recipe's `count` stage: from its id arrays to its CSR matrix (it prints its stages' seconds) | ≤ 0.5× |
 * | cooc counting, end to end | `encode cooc --window 5 -f counts`, whole process (reading, vocabulary, counting, writing the count file) | the recipe's `vocab` + `count` stages (reading, vocabulary, ids, counting; no writing) | ≤ 0.5× |
 * | PPMI-SVD | `encode cooc --weight ppmi --dim 100`, whole process; peak RSS ≤ 600 MB too | the recipe's whole process | ≤ 0.4× |
 * | autoencoder | `encode autoencoder --dim 100`, whole process; WS-353 ρ ≥ 0.52 too | our PPMI-SVD of the same repeat | ≤ 2× |
 *
 * Each ratio is taken within one repeat (the jobs of a repeat run back to back), and the row shows
 * the median over repeats: the machine is shared, so compare ratios, not seconds. `countingBench`
 * returns the rows (for `npm run bench`); run directly, this prints them as a table.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ratioText, writeRows } from './rows.js';

/** One row of the table: seconds (or ρ) ours and the reference's, their ratio and the target. */
export interface CountingRow {
  job: string;
  ours: number;
  reference: number;
  ratio: number;
  target: number;
  pass: boolean;
  /** What the row also requires or shows (peak RSS, WS-353), and the spread over repeats. */
  note?: string;
}

export interface CountingBenchOptions {
  corpus?: string;
  reference?: string;
  repeats?: number;
  jobs?: CountingJob[];
  /** Where the outputs go (default: a temporary directory, removed unless `keep`). */
  out?: string;
  keep?: boolean;
  /** Told what runs and how it went, one line at a time. */
  log?: (line: string) => void;
}

export const COUNTING_JOBS = ['count', 'ppmi', 'autoencoder'] as const;
export type CountingJob = (typeof COUNTING_JOBS)[number];

/** Targets of issue 8. */
export const TARGETS = {
  /** Our counting process ≤ this × the recipe's counting seconds. */
  count: 0.5,
  /** Our PPMI-SVD process ≤ this × the recipe's whole process. */
  ppmi: 0.4,
  /** …within this peak RSS. */
  ppmiRssMiB: 600,
  /** Our autoencoder ≤ this × our PPMI-SVD. */
  autoencoder: 2,
  /** …at this WS-353 Spearman ρ or better. */
  autoencoderWs353: 0.52,
};

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const WORDSPACE = join(ROOT, 'bin', 'wordspace');
const SHARED = join(ROOT, '..', 'shared');
export const DEFAULT_CORPUS = join(SHARED, 'data', 'corpora', 'en-mix.tok.txt.gz');
export const DEFAULT_REFERENCE = join(SHARED, 'bench', 'cooc_reference.py');
const TIME = '/usr/bin/time';
/** Debian's Python with numpy and scipy. */
const PYTHON = '/usr/bin/python3';
const COMMON = ['--tokenizer', 'whitespace', '--min-count', '5'];
const WINDOW = ['--window', '5'];
const DIM = ['--dim', '100'];

interface Timed {
  code: number | null;
  seconds: number;
  rssMiB?: number;
  stdout: string;
  stderr: string;
}

/** Run a command under /usr/bin/time -v: wall seconds and peak RSS. */
function timed(command: string, args: string[], timeFile: string): Promise<Timed> {
  const started = performance.now();
  return new Promise((done) => {
    const child = spawn(TIME, ['-v', '-o', timeFile, command, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      if (stdout.length < 1e6) stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr = (stderr + d.toString()).slice(-20_000);
    });
    child.on('error', (err) => done({ code: -1, seconds: 0, stdout, stderr: `${stderr}\n${err.message}` }));
    child.on('close', (code) => {
      const seconds = (performance.now() - started) / 1000;
      let rssMiB: number | undefined;
      if (existsSync(timeFile)) {
        const m = /Maximum resident set size \(kbytes\): (\d+)/.exec(readFileSync(timeFile, 'utf8'));
        if (m) rssMiB = Number(m[1]) / 1024;
      }
      done({ code, seconds, rssMiB, stdout, stderr });
    });
  });
}

function check(run: Timed, what: string): Timed {
  if (run.code !== 0) throw new Error(`${what} failed (exit ${run.code}): ${run.stderr.trim().split('\n').slice(-3).join(' | ')}`);
  return run;
}

/** The recipe's stage seconds, from its last line: "seconds: vocab 4.75, count 5.03, ppmi 0.30, svd 19.71". */
export function referenceStages(stdout: string): Record<string, number> {
  const line = stdout.split('\n').find((l) => l.startsWith('seconds:'));
  if (!line) throw new Error(`cooc_reference.py printed no "seconds:" line: ${stdout.slice(-200)}`);
  const stages: Record<string, number> = {};
  for (const part of line.slice('seconds:'.length).split(',')) {
    const [name, value] = part.trim().split(/\s+/);
    if (name && value !== undefined) stages[name] = Number(value);
  }
  return stages;
}

/** WS-353 Spearman ρ and 3CosAdd accuracy (questions-words, all) of a vectors file, by wordspace's own evaluator. */
async function quality(vectors: string, dir: string): Promise<{ rho?: number; analogies?: number }> {
  const run = await timed(process.execPath, [WORDSPACE, 'evaluate', vectors, '--format', 'json'], join(dir, 'evaluate.time'));
  if (run.code !== 0) return {};
  const report = JSON.parse(run.stdout) as { similarity: { set: string; spearman: number }[]; analogies?: { accuracy: number } };
  return { rho: report.similarity.find((s) => /WS-353-ALL|wordsim-?353$/i.test(s.set))?.spearman, analogies: report.analogies?.accuracy };
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const spread = (xs: number[], digits = 2): string => (xs.length > 1 ? ` (repeats: ${xs.map((x) => x.toFixed(digits)).join(', ')})` : '');

/** Run the jobs `repeats` times side by side with the recipe; the rows of the table. */
export async function countingBench(options: CountingBenchOptions = {}): Promise<CountingRow[]> {
  const corpus = resolve(options.corpus ?? DEFAULT_CORPUS);
  const reference = resolve(options.reference ?? DEFAULT_REFERENCE);
  const repeats = options.repeats ?? 1;
  const jobs = options.jobs ?? [...COUNTING_JOBS];
  const log = options.log ?? (() => {});
  if (!existsSync(corpus)) throw new Error(`no such corpus: ${corpus} (give --corpus)`);
  const needReference = jobs.includes('count') || jobs.includes('ppmi');
  if (needReference && !existsSync(reference)) throw new Error(`no reference script ${reference} (give --reference PATH/cooc_reference.py)`);
  const dir = options.out ? resolve(options.out) : mkdtempSync(join(tmpdir(), 'wordspace-bench-counting-'));
  mkdirSync(dir, { recursive: true });
  const ours = (args: string[], name: string): Promise<Timed> =>
    timed(process.execPath, [WORDSPACE, 'encode', ...args, corpus, ...COMMON, '-q', '-o', join(dir, name)], join(dir, `${name}.time`)).then((r) => check(r, `wordspace encode ${args[0]} → ${name}`));

  const samples = { countStage: [] as [number, number][], count: [] as [number, number][], ppmi: [] as [number, number][], ppmiRss: [] as number[], autoencoder: [] as [number, number][], ws353: [] as number[], analogies: [] as number[] };
  try {
    for (let r = 0; r < repeats; r++) {
      let refStages: Record<string, number> | undefined;
      let refSeconds = 0;
      if (needReference) {
        const run = check(await timed(PYTHON, [reference, corpus, join(dir, 'reference.txt'), '--window', '5', '--min-count', '5', '--dim', '100'], join(dir, 'reference.time')), 'cooc_reference.py');
        refStages = referenceStages(run.stdout);
        refSeconds = run.seconds;
        log(`repeat ${r + 1}: cooc_reference.py ${run.seconds.toFixed(1)} s (${Object.entries(refStages).map(([k, v]) => `${k} ${v}`).join(', ')}), ${run.rssMiB?.toFixed(0)} MiB`);
      }
      if (jobs.includes('count')) {
        const stage = check(await timed(process.execPath, [fileURLToPath(import.meta.url), '--count-stage', corpus], join(dir, 'stage.time')), 'the counting stage');
        const seconds = Number(JSON.parse(stage.stdout).seconds);
        samples.countStage.push([seconds, refStages!.count!]);
        const run = await ours(['cooc', ...WINDOW, '-f', 'counts'], 'cooc.counts');
        samples.count.push([run.seconds, refStages!.vocab! + refStages!.count!]);
        log(`repeat ${r + 1}: counting stage ${seconds.toFixed(2)} s; encode cooc -f counts ${run.seconds.toFixed(1)} s, ${run.rssMiB?.toFixed(0)} MiB`);
      }
      let ppmiSeconds: number | undefined;
      if (jobs.includes('ppmi') || jobs.includes('autoencoder')) {
        const run = await ours(['cooc', ...WINDOW, '--weight', 'ppmi', ...DIM], 'ppmi-svd.txt');
        ppmiSeconds = run.seconds;
        if (jobs.includes('ppmi')) {
          samples.ppmi.push([run.seconds, refSeconds]);
          samples.ppmiRss.push(run.rssMiB ?? Infinity);
        }
        log(`repeat ${r + 1}: encode cooc --weight ppmi --dim 100 ${run.seconds.toFixed(1)} s, ${run.rssMiB?.toFixed(0)} MiB`);
      }
      if (jobs.includes('autoencoder')) {
        const run = await ours(['autoencoder', ...DIM], 'autoencoder.txt');
        samples.autoencoder.push([run.seconds, ppmiSeconds!]);
        const { rho, analogies } = await quality(join(dir, 'autoencoder.txt'), dir);
        samples.ws353.push(rho ?? Number.NaN);
        samples.analogies.push(analogies ?? Number.NaN);
        log(`repeat ${r + 1}: encode autoencoder --dim 100 ${run.seconds.toFixed(1)} s, ${run.rssMiB?.toFixed(0)} MiB, WS-353 ρ ${rho?.toFixed(3)}, 3CosAdd ${((analogies ?? Number.NaN) * 100).toFixed(1)}%`);
      }
    }
  } finally {
    if (!options.out && !options.keep) rmSync(dir, { recursive: true, force: true });
  }

  const rows: CountingRow[] = [];
  const row = (job: string, pairs: [number, number][], target: number, extraPass = true, extraNote = ''): void => {
    const ratios = pairs.map(([o, ref]) => o / ref);
    const ratio = median(ratios);
    rows.push({
      job,
      ours: median(pairs.map(([o]) => o)),
      reference: median(pairs.map(([, ref]) => ref)),
      ratio,
      target,
      pass: ratio <= target && extraPass,
      note: `${extraNote}${spread(ratios)}`.trim() || undefined,
    });
  };
  if (samples.countStage.length) row('cooc --window 5: counting stage (vs recipe\'s count stage)', samples.countStage, TARGETS.count);
  if (samples.count.length) row('cooc --window 5 -f counts: whole process (vs recipe\'s vocab + count)', samples.count, TARGETS.count);
  if (samples.ppmi.length) {
    const rss = Math.max(...samples.ppmiRss);
    row('cooc --weight ppmi --dim 100 (vs recipe, whole processes)', samples.ppmi, TARGETS.ppmi, rss <= TARGETS.ppmiRssMiB, `peak RSS ${rss.toFixed(0)} MiB (≤ ${TARGETS.ppmiRssMiB})`);
  }
  if (samples.autoencoder.length) {
    const rho = Math.min(...samples.ws353);
    const analogies = Math.min(...samples.analogies);
    row('autoencoder --dim 100 (vs our PPMI-SVD)', samples.autoencoder, TARGETS.autoencoder, rho >= TARGETS.autoencoderWs353, `WS-353 ρ ${rho.toFixed(3)} (≥ ${TARGETS.autoencoderWs353}), 3CosAdd ${(analogies * 100).toFixed(1)}%`);
  }
  return rows;
}

/** The rows as an aligned text table. */
export function formatCountingRows(rows: CountingRow[]): string {
  const header = ['job', 'ours s', 'reference s', 'ratio', 'target', 'pass', 'note'];
  const cells = rows.map((r) => [r.job, r.ours.toFixed(2), r.reference.toFixed(2), `${r.ratio.toFixed(2)}×`, `≤ ${r.target}×`, r.pass ? 'pass' : 'MISS', r.note ?? '']);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]): string => c.map((x, i) => (i === 0 || i === 6 ? x.padEnd(widths[i]!) : x.padStart(widths[i]!))).join('  ').trimEnd();
  return [line(header), ...cells.map(line)].join('\n');
}

/**
 * `--count-stage CORPUS`: read the corpus as `encode cooc` does, then time the counting alone
 * (countCooccurrences: token ids in memory → symmetric CSR); prints {"seconds": s}.
 */
async function countStage(corpus: string): Promise<void> {
  const { readCorpus } = await import('../src/io/read-corpus.js');
  const { countCooccurrences } = await import('../src/encoders/cooc.js');
  const read = await readCorpus(corpus, { tokenizer: 'whitespace', minCount: 5 });
  const started = performance.now();
  const counts = countCooccurrences(read, { window: 5, distanceWeighting: 'none' });
  const seconds = (performance.now() - started) / 1000;
  console.log(JSON.stringify({ seconds, nonZeros: counts.nnz }));
}

async function main(): Promise<void> {
  const countStageAt = process.argv.indexOf('--count-stage');
  if (countStageAt >= 0) return countStage(process.argv[countStageAt + 1]!);
  const { values } = parseArgs({
    options: {
      corpus: { type: 'string' },
      reference: { type: 'string' },
      repeats: { type: 'string', default: '1' },
      jobs: { type: 'string' },
      out: { type: 'string' },
      keep: { type: 'boolean', default: false },
      json: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log('usage: npm run bench:counting -- [--corpus FILE] [--reference PATH/cooc_reference.py] [--repeats N] [--jobs count,ppmi,autoencoder] [--out DIR] [--keep]');
    console.log(`corpus: default ${DEFAULT_CORPUS}\nreference: default ${DEFAULT_REFERENCE}`);
    return;
  }
  const jobs = values.jobs ? (values.jobs.split(',') as CountingJob[]) : undefined;
  const unknown = jobs?.filter((j) => !(COUNTING_JOBS as readonly string[]).includes(j));
  if (unknown?.length) throw new Error(`unknown job ${unknown.join(', ')} (jobs: ${COUNTING_JOBS.join(', ')})`);
  const repeats = Number(values.repeats);
  if (!Number.isInteger(repeats) || repeats < 1) throw new Error('--repeats must be a positive whole number');
  const rows = await countingBench({ corpus: values.corpus, reference: values.reference, repeats, jobs, out: values.out, keep: values.keep, log: (l) => console.error(l) });
  console.log(formatCountingRows(rows));
  writeRows(values.json, rows.map((r) => ({
    job: r.job,
    ours: `${r.ours.toFixed(2)} s`,
    reference: `${r.reference.toFixed(2)} s`,
    ratio: ratioText(r.ratio),
    target: `≤ ${r.target}×`,
    pass: r.pass,
    note: r.note,
  })));
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((err: Error) => {
    console.error(`bench:counting: ${err.message}`);
    process.exitCode = 1;
  });
}
