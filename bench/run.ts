/**
 * Side-by-side benchmark: trains wordspace's encoders and the reference tools on one corpus, with
 * matched settings, in one run (the machines are shared: compare ratios, not absolute times), then
 * scores every vectors file and prints one table.
 *
 *   npm run bench:neural -- [--corpus FILE] [--methods sgns,gensim-sg,...] [--seeds 1] [--threads 2]
 *                    [--out DIR] [--peers bench/peers.py] [--evaluator evaluate.py] [--dry-run]
 *
 * The corpus defaults to the bundled speeches (data/us-speeches.txt.gz). wordspace runs as
 * `node bin/wordspace encode <method> <corpus> --tokenizer whitespace --min-count 5 <flags> -o
 * <dir>/<method>.txt` under `/usr/bin/time -v` (peak RSS); the reference tools (gensim skip-gram and
 * CBOW, fastText) through bench/peers.py with /usr/bin/python3. A reference tool that is not
 * installed is skipped, and the table says why; a method whose run fails is reported as failed; the
 * others go on. Every file is scored with `wordspace evaluate --format json`, or with `--evaluator`
 * (an independent evaluate.py taking `--json FILE`) when that fails. `--dry-run` prints what would
 * run and what is skipped, and trains nothing.
 *
 * words/s = corpus tokens (whitespace-split, as peers.py counts them) × epochs / seconds. For
 * wordspace the seconds are the whole process (reading, training, writing); peers.py times the
 * training call only, so the ratio is conservative for us.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createReadStream, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createGunzip } from 'node:zlib';
import { ratioText, writeRows, type TargetRow } from './rows.js';

interface Method {
  /** Row name in the table and vectors file name. */
  name: string;
  /** Passes over the corpus (for words/s). */
  epochs: number;
  /** wordspace: `encode <encoder> ... <flags>`; `threads` adds `--threads N --seed S`. */
  encoder?: string;
  flags?: string[];
  threads?: boolean;
  /** A reference tool: the method name peers.py knows. */
  peer?: string;
  /** The row whose words/s this one is compared with. */
  baseline?: string;
  /** A reference tool: extra peers.py flags (e.g. --epochs 1). */
  peerFlags?: string[];
}

/** Every method the bench knows, in run (and table) order; add an encoder with one line. */
const METHODS: Method[] = [
  { name: 'sgns', encoder: 'sgns', epochs: 5, threads: true, flags: ['--dim', '100', '--window', '5', '--epochs', '5', '--negative', '5', '--sample', '1e-3'], baseline: 'gensim-sg' },
  { name: 'gensim-sg', peer: 'gensim-sg', epochs: 5 },
  { name: 'sgns-pair', encoder: 'sgns', epochs: 5, threads: true, flags: ['--dim', '100', '--window', '5', '--epochs', '5', '--negative', '5', '--sample', '1e-3', '--negative-sharing', 'pair'], baseline: 'gensim-sg' },
  { name: 'cbow', encoder: 'cbow', epochs: 5, threads: true, flags: ['--dim', '100', '--window', '5', '--epochs', '5', '--negative', '5', '--sample', '1e-3'], baseline: 'gensim-cbow' },
  { name: 'gensim-cbow', peer: 'gensim-cbow', epochs: 5 },
  { name: 'sgns-1ep', encoder: 'sgns', epochs: 1, threads: true, flags: ['--dim', '100', '--window', '5', '--epochs', '1', '--negative', '5', '--sample', '1e-3'], baseline: 'gensim-sg-1ep' },
  { name: 'gensim-sg-1ep', peer: 'gensim-sg', epochs: 1, peerFlags: ['--epochs', '1'] },
  { name: 'fasttext-sg', peer: 'fasttext-sg', epochs: 5, baseline: 'gensim-sg' },
  { name: 'fasttext', encoder: 'fasttext', epochs: 5, threads: true, flags: ['--mode', 'skipgram', '--dim', '100', '--window', '5', '--epochs', '5', '--negative', '5', '--sample', '1e-3'], baseline: 'fasttext-sub' },
  { name: 'fasttext-sub', peer: 'fasttext-sub', epochs: 5 },
  { name: 'cooc-ppmi-svd', encoder: 'cooc', epochs: 1, flags: ['--weight', 'ppmi', '--dim', '100', '--window', '5', '--eig', '0.5'] },
  { name: 'cooc-ppmi-svd-p0', encoder: 'cooc', epochs: 1, flags: ['--weight', 'ppmi', '--dim', '100', '--window', '5', '--eig', '0'] },
  { name: 'cooc-ppmi-dyn-svd', encoder: 'cooc', epochs: 1, flags: ['--weight', 'ppmi', '--dim', '100', '--window', '5', '--eig', '0.5', '--distance-weighting', 'linear'] },
  { name: 'glove', encoder: 'glove', epochs: 15, threads: true, flags: ['--dim', '100', '--window', '5', '--epochs', '15', '--x-max', '10'] },
  { name: 'autoencoder', encoder: 'autoencoder', epochs: 1, flags: ['--dim', '100'] },
];

/** Input flags of every wordspace run: the corpus is pre-tokenized; the reference min-count. */
const COMMON_FLAGS = ['--tokenizer', 'whitespace', '--min-count', '5'];
/** REFERENCE.md's setting: every threaded tool on 2 threads. */
const DEFAULT_THREADS = 2;
/** A run that takes longer than this is stopped and reported as failed. */
const RUN_TIMEOUT_MS = 60 * 60 * 1000;
const TIME = '/usr/bin/time';
/** Debian's Python, which has python3-gensim (the `python3` first on PATH may be another). */
const PYTHON = '/usr/bin/python3';
/** The repository (this file runs as dist/bench/run.js), so the bench runs from any directory. */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const WORDSPACE = join(ROOT, 'bin', 'wordspace');
const DEFAULT_CORPUS = join(ROOT, 'data', 'us-speeches.txt.gz');
const DEFAULT_PEERS = join(ROOT, 'bench', 'peers.py');

interface RunResult {
  method: string;
  seed: number;
  ok: boolean;
  error?: string;
  /** Not run, and why (a reference tool that is not installed). */
  skipped?: string;
  seconds?: number;
  rssMiB?: number;
  vectors?: string;
  ws353?: number;
  analogy?: number;
  evaluator?: string;
}

interface Spawned {
  code: number | null;
  stdout: string;
  stderr: string;
  seconds: number;
  rssMiB?: number;
}

/** Run a command (under /usr/bin/time -v when present) and collect its output, time and peak RSS. */
async function run(command: string, args: string[], timeFile: string): Promise<Spawned> {
  const timed = existsSync(TIME);
  const [cmd, argv] = timed ? [TIME, ['-v', '-o', timeFile, command, ...args]] : [command, args];
  const started = performance.now();
  return new Promise((done) => {
    const child = spawn(cmd, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      if (stdout.length < 1e6) stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr = (stderr + d.toString()).slice(-20_000);
    });
    const timer = setTimeout(() => child.kill('SIGTERM'), RUN_TIMEOUT_MS);
    child.on('error', (err) => {
      clearTimeout(timer);
      done({ code: -1, stdout, stderr: `${stderr}\n${err.message}`, seconds: 0 });
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      const seconds = (performance.now() - started) / 1000;
      let rssMiB: number | undefined;
      if (timed && existsSync(timeFile)) {
        const m = /Maximum resident set size \(kbytes\): (\d+)/.exec(readFileSync(timeFile, 'utf8'));
        if (m) rssMiB = Number(m[1]) / 1024;
      }
      done({ code, stdout, stderr, seconds, rssMiB });
    });
  });
}

function lastLine(text: string): string {
  const lines = text.trim().split('\n').filter((l) => l.trim() !== '' && !/^\s*(Command exited|at )/.test(l));
  return (lines[lines.length - 1] ?? 'no output').trim().slice(0, 160);
}

/** Whitespace tokens in a (gzipped) corpus, as peers.py counts them. */
async function countTokens(path: string): Promise<number> {
  let stream: NodeJS.ReadableStream = createReadStream(path);
  if (path.endsWith('.gz')) stream = stream.pipe(createGunzip());
  let tokens = 0;
  let inToken = false;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk[i]!;
      const space = c === 0x20 || c === 0x0a || c === 0x09 || c === 0x0d || c === 0x0b || c === 0x0c;
      if (!space && !inToken) tokens++;
      inToken = !space;
    }
  }
  return tokens;
}

async function trainWordspace(method: Method, corpus: string, dir: string, seed: number, threads: number): Promise<RunResult> {
  const out = join(dir, `${method.name}-seed${seed}.txt`);
  const args = [WORDSPACE, 'encode', method.encoder!, corpus, ...COMMON_FLAGS, ...(method.flags ?? [])];
  if (method.threads) args.push('--threads', String(threads), '--seed', String(seed));
  args.push('-o', out);
  const r = await run(process.execPath, args, join(dir, `${method.name}-seed${seed}.time`));
  if (r.code !== 0 || !existsSync(out)) return { method: method.name, seed, ok: false, error: lastLine(r.stderr) };
  return { method: method.name, seed, ok: true, seconds: r.seconds, rssMiB: r.rssMiB, vectors: out };
}

async function trainPeer(method: Method, corpus: string, dir: string, seed: number, threads: number, peers: string): Promise<RunResult> {
  const outDir = join(dir, `peers-seed${seed}`);
  const r = await run(PYTHON, [peers, corpus, outDir, '--methods', method.peer!, '--threads', String(threads), '--seed', String(seed), ...(method.peerFlags ?? [])], join(dir, `${method.name}-seed${seed}.time`));
  const line = r.stdout.split('\n').find((l) => l.startsWith('{'));
  if (r.code !== 0 || !line) return { method: method.name, seed, ok: false, error: lastLine(r.stderr) };
  const report = JSON.parse(line) as { seconds: number; vectors: string };
  return { method: method.name, seed, ok: true, seconds: report.seconds, rssMiB: r.rssMiB, vectors: report.vectors };
}

/** WS-353 ρ and 3CosAdd accuracy: wordspace's own evaluator, else `--evaluator` when given. */
async function score(result: RunResult, dir: string, evaluator: string | undefined): Promise<void> {
  const vectors = result.vectors!;
  const own = await run(process.execPath, [WORDSPACE, 'evaluate', vectors, '--format', 'json'], join(dir, 'evaluate.time'));
  if (own.code === 0) {
    try {
      const report = JSON.parse(own.stdout) as { similarity: { set: string; spearman: number | null }[]; analogies: { accuracy: number | null } | null };
      const ws = report.similarity.find((s) => /WS-353-ALL|wordsim-?353$/i.test(s.set));
      if (ws && ws.spearman !== null && report.analogies?.accuracy != null) {
        result.ws353 = ws.spearman;
        result.analogy = report.analogies.accuracy;
        result.evaluator = 'wordspace';
        return;
      }
    } catch {
      // fall through to evaluate.py
    }
  }
  if (evaluator === undefined || !existsSync(evaluator)) return;
  const py = await run(PYTHON, [evaluator, '--json', vectors], join(dir, 'evaluate.time'));
  if (py.code !== 0) return;
  const report = JSON.parse(py.stdout) as Record<string, { similarity: Record<string, { spearman: number }>; analogies: { add: { all: number } } }>;
  const entry = Object.values(report)[0];
  if (!entry) return;
  result.ws353 = entry.similarity['EN-WS-353-ALL.txt']?.spearman;
  result.analogy = entry.analogies.add.all;
  result.evaluator = 'evaluate.py';
}

const mean = (xs: number[]): number | undefined => (xs.length === 0 ? undefined : xs.reduce((a, b) => a + b, 0) / xs.length);
const fixed = (x: number | undefined, digits: number): string => (x === undefined ? '–' : x.toFixed(digits));

function printTable(results: RunResult[], methods: Method[], tokens: number): void {
  const header = ['method', 'runs', 'ρ WS-353', 'analogy %', 'seconds', 'words/s', 'peak RSS MiB', 'vs baseline', 'scored by'];
  const speed = new Map<string, number | undefined>();
  for (const m of methods) {
    const ok = results.filter((r) => r.method === m.name && r.ok);
    speed.set(m.name, mean(ok.map((r) => (tokens * m.epochs) / r.seconds!)));
  }
  const rows: string[][] = [];
  for (const m of methods) {
    const all = results.filter((r) => r.method === m.name);
    const ok = all.filter((r) => r.ok);
    if (ok.length === 0) {
      const first = all[0];
      rows.push([m.name, `0/${all.length}`, first?.skipped ? `skipped: ${first.skipped}` : `failed: ${first?.error ?? 'not run'}`]);
      continue;
    }
    const wps = speed.get(m.name);
    const base = m.baseline ? speed.get(m.baseline) : undefined;
    rows.push([
      m.name,
      `${ok.length}/${all.length}`,
      fixed(mean(ok.flatMap((r) => (r.ws353 === undefined ? [] : [r.ws353]))), 3),
      fixed(mean(ok.flatMap((r) => (r.analogy === undefined ? [] : [r.analogy * 100]))), 1),
      fixed(mean(ok.map((r) => r.seconds!)), 1),
      wps === undefined ? '–' : `${Math.round(wps / 1000)}k`,
      fixed(mean(ok.flatMap((r) => (r.rssMiB === undefined ? [] : [r.rssMiB]))), 0),
      base && wps ? `${(wps / base).toFixed(2)}× ${m.baseline}` : '',
      [...new Set(ok.map((r) => r.evaluator ?? 'not scored'))].join(', '),
    ]);
  }
  const full = rows.filter((r) => r.length === header.length);
  const widths = header.map((h, i) => Math.max(h.length, ...full.map((r) => r[i]!.length), ...(i < 2 ? rows.map((r) => r[i]!.length) : [])));
  const line = (cells: string[]): string => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ').trimEnd();
  console.log(line(header));
  for (const r of rows) console.log(r.length === 3 ? `${r[0]!.padEnd(widths[0]!)}  ${r[1]!.padStart(widths[1]!)}  ${r[2]}` : line(r));
}

/** Issue 8's (and 9's) targets over these methods: speed ratios, and quality within the seeds' noise. */
const SPEED_TARGETS: Array<{ method: string; baseline: string; ratio: number; job: string }> = [
  { method: 'sgns', baseline: 'gensim-sg', ratio: 1.5, job: 'encode sgns, 5 epochs: words/s' },
  { method: 'sgns-1ep', baseline: 'gensim-sg-1ep', ratio: 1.5, job: 'encode sgns, 1 epoch: words/s' },
  { method: 'cbow', baseline: 'gensim-cbow', ratio: 1.5, job: 'encode cbow, 5 epochs: words/s' },
  { method: 'fasttext', baseline: 'fasttext-sub', ratio: 3, job: 'encode fasttext, 5 epochs: words/s' },
];
/** Quality: ours ≥ reference − allowance; `noise` allows 2 standard errors of the difference of the means (at least `floor`). */
const QUALITY_TARGETS: Array<{ method: string; baseline: string; measure: 'ws353' | 'analogy'; job: string; allowance: 'noise' | number; floor: number }> = [
  { method: 'sgns', baseline: 'gensim-sg', measure: 'ws353', job: 'encode sgns: WS-353 ρ', allowance: 'noise', floor: 0.005 },
  { method: 'sgns', baseline: 'gensim-sg', measure: 'analogy', job: 'encode sgns: analogies %', allowance: 'noise', floor: 0.2 },
  { method: 'cbow', baseline: 'gensim-cbow', measure: 'ws353', job: 'encode cbow: WS-353 ρ', allowance: 'noise', floor: 0.005 },
  { method: 'cbow', baseline: 'gensim-cbow', measure: 'analogy', job: 'encode cbow: analogies %', allowance: 0.5, floor: 0 },
  { method: 'fasttext', baseline: 'fasttext-sub', measure: 'ws353', job: 'encode fasttext: WS-353 ρ', allowance: 0, floor: 0 },
  { method: 'fasttext', baseline: 'fasttext-sub', measure: 'analogy', job: 'encode fasttext: analogies %', allowance: 0, floor: 0 },
];

const sd = (xs: number[]): number => {
  const m = mean(xs)!;
  return xs.length < 2 ? 0 : Math.sqrt(xs.reduce((a, x) => a + (x - m) ** 2, 0) / (xs.length - 1));
};

function targetRows(results: RunResult[], methods: Method[], tokens: number): TargetRow[] {
  const has = (name: string): boolean => methods.some((m) => m.name === name);
  const ok = (name: string): RunResult[] => results.filter((r) => r.method === name && r.ok);
  const wps = (name: string): number | undefined => {
    const m = methods.find((x) => x.name === name)!;
    return mean(ok(name).map((r) => (tokens * m.epochs) / r.seconds!));
  };
  const rows: TargetRow[] = [];
  for (const t of SPEED_TARGETS) {
    if (!has(t.method) || !has(t.baseline)) continue;
    const ours = wps(t.method);
    const ref = wps(t.baseline);
    const n = ok(t.method).length;
    rows.push({
      job: t.job,
      ours: ours === undefined ? 'failed' : `${Math.round(ours / 1000)}k`,
      reference: ref === undefined ? 'not run' : `${t.baseline} ${Math.round(ref / 1000)}k`,
      ratio: ours && ref ? ratioText(ours / ref) : '–',
      target: `≥ ${t.ratio}× ${t.baseline}`,
      pass: ours && ref ? ours / ref >= t.ratio : undefined,
      note: `mean of ${n} run${n === 1 ? '' : 's'}; ours: whole process, ${t.baseline}: its training call`,
    });
  }
  for (const t of QUALITY_TARGETS) {
    if (!has(t.method) || !has(t.baseline)) continue;
    const scale = t.measure === 'analogy' ? 100 : 1;
    const values = (name: string): number[] => ok(name).flatMap((r) => (r[t.measure] === undefined ? [] : [r[t.measure]! * scale]));
    const ours = values(t.method);
    const ref = values(t.baseline);
    const digits = t.measure === 'analogy' ? 1 : 3;
    if (ours.length === 0 || ref.length === 0) {
      rows.push({ job: t.job, ours: ours.length ? mean(ours)!.toFixed(digits) : 'not scored', reference: ref.length ? mean(ref)!.toFixed(digits) : 'not scored', ratio: '–', target: '', pass: undefined });
      continue;
    }
    const allowance = t.allowance === 'noise' ? Math.max(t.floor, 2 * Math.sqrt(sd(ours) ** 2 / ours.length + sd(ref) ** 2 / ref.length)) : t.allowance;
    const diff = mean(ours)! - mean(ref)!;
    rows.push({
      job: t.job,
      ours: `${mean(ours)!.toFixed(digits)} ± ${sd(ours).toFixed(digits)}`,
      reference: `${t.baseline} ${mean(ref)!.toFixed(digits)} ± ${sd(ref).toFixed(digits)}`,
      ratio: `${diff >= 0 ? '+' : ''}${diff.toFixed(digits)}`,
      target: allowance === 0 ? `≥ ${t.baseline}` : `≥ ${t.baseline} − ${allowance.toFixed(digits)}${t.allowance === 'noise' ? ' (seed noise)' : ''}`,
      pass: diff >= -allowance,
      note: `${ours.length} and ${ref.length} seeds`,
    });
  }
  return rows;
}

/**
 * Why each reference method cannot run here (absent when it can): no peers script, no Python, or
 * the tool missing (`peers.py --check` knows). A peers script without --check is trusted.
 */
function peerAvailability(peers: string): (method: string) => string | undefined {
  if (!existsSync(peers)) return () => `the reference script ${peers} is not there (give --peers PATH/peers.py)`;
  if (!existsSync(PYTHON)) return () => `${PYTHON} is not installed (apt-get install python3)`;
  const check = spawnSync(PYTHON, [peers, '--check'], { encoding: 'utf8' });
  if (check.status !== 0) return () => undefined;
  try {
    const reasons = JSON.parse(check.stdout) as Record<string, string>;
    return (method) => reasons[method];
  } catch {
    return () => undefined;
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      corpus: { type: 'string', default: DEFAULT_CORPUS },
      methods: { type: 'string' },
      seeds: { type: 'string', default: '1' },
      threads: { type: 'string', default: String(DEFAULT_THREADS) },
      out: { type: 'string' },
      peers: { type: 'string', default: DEFAULT_PEERS },
      evaluator: { type: 'string' },
      keep: { type: 'boolean', default: false },
      'dry-run': { type: 'boolean', default: false },
      json: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log('usage: npm run bench:neural -- [--corpus FILE] [--methods a,b] [--seeds N] [--threads N] [--out DIR] [--keep] [--peers PATH/peers.py] [--evaluator PATH/evaluate.py] [--dry-run]');
    console.log(`corpus: default ${DEFAULT_CORPUS}`);
    console.log(`methods: ${METHODS.map((m) => m.name).join(', ')}`);
    return;
  }
  const corpus = resolve(values.corpus!);
  if (!existsSync(corpus)) {
    console.error(`no such corpus: ${corpus}`);
    process.exitCode = 1;
    return;
  }
  const wanted = values.methods ? values.methods.split(',').map((s) => s.trim()) : METHODS.map((m) => m.name);
  const unknown = wanted.filter((w) => !METHODS.some((m) => m.name === w));
  if (unknown.length > 0) {
    console.error(`unknown method(s): ${unknown.join(', ')} (known: ${METHODS.map((m) => m.name).join(', ')})`);
    process.exitCode = 2;
    return;
  }
  const methods = METHODS.filter((m) => wanted.includes(m.name));
  const seeds = Math.max(1, Number(values.seeds));
  const threads = Math.max(1, Number(values.threads));
  const peers = resolve(values.peers!);
  const unavailable = methods.some((m) => m.peer) ? peerAvailability(peers) : () => undefined;
  const skipped = new Map(methods.flatMap((m) => {
    const why = m.peer ? unavailable(m.peer) : undefined;
    return why ? [[m.name, why] as const] : [];
  }));
  console.error(`corpus ${corpus}`);
  for (const m of methods) console.error(skipped.has(m.name) ? `skip ${m.name}: ${skipped.get(m.name)}` : `run  ${m.name}${m.peer ? ` (${peers})` : ''}`);
  if (values['dry-run']) return;

  const dir = values.out ? resolve(values.out) : mkdtempSync(join(tmpdir(), 'wordspace-bench-'));
  mkdirSync(dir, { recursive: true });
  const tokens = await countTokens(corpus);
  console.error(`${tokens} tokens; output in ${dir}`);
  const results: RunResult[] = [];
  for (let seed = 1; seed <= seeds; seed++) {
    for (const m of methods) {
      let result: RunResult;
      const why = skipped.get(m.name);
      if (why) {
        results.push({ method: m.name, seed, ok: false, skipped: why });
        continue;
      }
      if (m.peer) result = await trainPeer(m, corpus, dir, seed, threads, peers);
      else result = await trainWordspace(m, corpus, dir, seed, threads);
      if (result.ok) await score(result, dir, values.evaluator);
      console.error(result.ok
        ? `${m.name} seed ${seed}: ${result.seconds!.toFixed(1)} s, ρ ${fixed(result.ws353, 3)}, analogies ${fixed(result.analogy === undefined ? undefined : result.analogy * 100, 1)}%, RSS ${fixed(result.rssMiB, 0)} MiB`
        : `${m.name} seed ${seed}: failed: ${result.error}`);
      results.push(result);
    }
  }
  printTable(results, methods, tokens);
  writeRows(values.json, targetRows(results, methods, tokens));
  if (!values.keep && !values.out) rmSync(dir, { recursive: true, force: true });
}

await main();
