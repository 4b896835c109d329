import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { COMPARE_DEFAULTS, COMPARE_METHODS, compareMethods, methodOptions, type CompareSettings } from '../src/analysis/compare.js';
import { UsageError } from '../src/core/errors.js';
import { encoderOptions } from '../src/encoders/encode.js';
import { getEncoder } from '../src/encoders/registry.js';
import { BIN, runCli } from './helpers/cli.js';

/**
 * fixtures/compare/corpus.txt: "cat" and "dog" occur in exactly the same contexts (so their rows of
 * any count-based method are equal: cosine 1), "cow" shares most of them, and "car"/"bus" live in
 * sentences that share no word with the animals' (cosine ≈ 0 with "cat"). So every deterministic
 * method orders the cosines cat–dog (1) > cat–cow > cat–car, and Spearman's ρ follows by hand:
 * - pairs.txt gold 10, 6, 1 (and cat–zebra, not in the vocabulary: 3 of 4 pairs found) → ρ = 1;
 * - reversed.txt gold 1, 10, 5: gold ranks (1, 3, 2), cosine ranks (3, 2, 1), d² = 4 + 1 + 1 = 6,
 *   ρ = 1 − 6·6 / (3·(9 − 1)) = −0.5.
 */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CORPUS = join(ROOT, 'fixtures', 'compare', 'corpus.txt');
const PAIRS = join(ROOT, 'fixtures', 'compare', 'pairs.txt');
const REVERSED = join(ROOT, 'fixtures', 'compare', 'reversed.txt');
/** The shipped sets, as evaluate's default reads them (data/eval). */
const SHIPPED_SIMILARITY = ['EN-MC-30', 'EN-MTurk-287', 'EN-RG-65', 'EN-WS-353-ALL', 'EN-WS-353-REL', 'EN-WS-353-SIM'];
const TINY = ['--min-count', '1', '--dim', '4', '--threads', '1', '-q'];

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'wordspace-compare-'));
  dirs.push(dir);
  return dir;
}
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

interface JsonRow {
  method: string;
  scores: Record<string, number | null>;
  spread?: Record<string, number | null>;
  coverage: number | null;
  seconds: number;
  peakMemory: number | null;
  seeds: number[];
  runs: { seed: number; scores: Record<string, number | null>; found: Record<string, [number, number]>; vectors?: string }[];
}

describe('compare: methods and settings', () => {
  test('an unknown method is a UsageError naming the known ones', () => {
    assert.throws(() => compareMethods(['ppmi-svd', 'word2vec']), (err: unknown) => err instanceof UsageError && /unknown method "word2vec"/.test(err.message) && /ppmi-svd, .*autoencoder/.test(err.hint ?? ''));
  });

  test('matched settings go to every encoder that has them; the method keeps its own', () => {
    const settings: CompareSettings = { dim: 50, window: 3, seed: 7, seeds: 1, threads: 2 };
    const byName = (name: string) => COMPARE_METHODS.find((m) => m.name === name)!;
    assert.deepEqual(methodOptions(byName('ppmi-svd'), settings, 7), { weight: 'ppmi', eig: 0.5, dim: 50, window: 3, seed: 7 });
    assert.deepEqual(methodOptions(byName('sgns'), settings, 9), { negative: 5, sample: 1e-3, dim: 50, window: 3, epochs: 5, threads: 2, seed: 9 });
    assert.deepEqual(methodOptions(byName('glove'), { ...settings, epochs: 2 }, 7), { xMax: 10, dim: 50, window: 3, epochs: 2, threads: 2, seed: 7 });
    // The autoencoder's epochs are its encoder's default unless --epochs; its --threads is matched too.
    assert.deepEqual(methodOptions(byName('autoencoder'), settings, 7), { dim: 50, window: 3, threads: 2, seed: 7 });
  });

  test("the methods are the README bench's (bench/run.ts METHODS, at its dim 100 and window 5)", () => {
    const bench = readFileSync(join(ROOT, 'bench', 'run.ts'), 'utf8');
    const settings: CompareSettings = { dim: COMPARE_DEFAULTS.dim, window: COMPARE_DEFAULTS.window, seed: 1, seeds: 1 };
    for (const method of COMPARE_METHODS) {
      const line = new RegExp(`\\{ name: '${method.bench}', encoder: '(\\w+)', [^\\n]*?flags: \\[([^\\]]*)\\]`).exec(bench);
      assert.ok(line, `bench/run.ts has a row ${method.bench}`);
      assert.equal(line[1], method.encoder, method.name);
      const flags = (line[2] ?? '').split(',').map((s) => s.trim().replace(/^'|'$/g, '')).filter((s) => s !== '');
      const given: Record<string, string> = {};
      for (let i = 0; i < flags.length; i += 2) given[flags[i]!.slice(2).replace(/-([a-z])/g, (_, c: string) => c.toUpperCase())] = flags[i + 1]!;
      const encoder = getEncoder(method.encoder);
      const ours = encoderOptions(encoder, methodOptions(method, settings, 1));
      const theirs = encoderOptions(encoder, { ...given, seed: 1, threads: ours.threads });
      assert.deepEqual(ours, theirs, method.name);
    }
  });
});

describe('wordspace compare', () => {
  test('ρ per set as computed by hand (ppmi-svd), coverage of the sets, JSON rows keyed by file name', async () => {
    const r = await runCli(['compare', CORPUS, ...TINY, '--methods', 'ppmi-svd', '--similarity', PAIRS, REVERSED, '--format', 'json']);
    assert.equal(r.code, 0, r.stderr);
    const rows = JSON.parse(r.stdout) as JsonRow[];
    assert.equal(rows.length, 1);
    const row = rows[0]!;
    assert.equal(row.method, 'ppmi-svd');
    assert.deepEqual(Object.keys(row.scores), [...SHIPPED_SIMILARITY.map((s) => `${s}.txt`), 'pairs.txt', 'reversed.txt', 'questions-words.txt']);
    assert.ok(Math.abs(row.scores['pairs.txt']! - 1) < 1e-12);
    assert.ok(Math.abs(row.scores['reversed.txt']! + 0.5) < 1e-12);
    // No shipped pair has both words in a 23-word vocabulary about cats and buses.
    for (const s of SHIPPED_SIMILARITY) assert.equal(row.scores[`${s}.txt`], null, s);
    assert.deepEqual(row.runs[0]!.found['pairs.txt'], [3, 4]);
    assert.deepEqual(row.runs[0]!.found['reversed.txt'], [3, 3]);
    const found = Object.values(row.runs[0]!.found);
    assert.equal(row.coverage, found.reduce((a, f) => a + f[0], 0) / found.reduce((a, f) => a + f[1], 0));
    assert.ok(row.seconds >= 0 && typeof row.peakMemory === 'number' && row.peakMemory > 0);
    assert.deepEqual(row.seeds, [1]);
    assert.equal(row.spread, undefined);

    // --no-standard-sets: only the user's sets, the same ρ; their coverage alone (3 + 3 of 4 + 3 pairs).
    const own = await runCli(['compare', CORPUS, ...TINY, '--methods', 'ppmi-svd', '--similarity', PAIRS, REVERSED, '--no-standard-sets', '--format', 'json']);
    assert.equal(own.code, 0, own.stderr);
    const [only] = JSON.parse(own.stdout) as JsonRow[];
    assert.deepEqual(Object.keys(only!.scores), ['pairs.txt', 'reversed.txt']);
    assert.equal(only!.scores['pairs.txt'], row.scores['pairs.txt']);
    assert.equal(only!.coverage, 6 / 7);
  });

  test('the scores are what `wordspace evaluate` says of the vectors kept in --out-dir', async () => {
    const dir = tempDir();
    const r = await runCli(['compare', CORPUS, ...TINY, '--methods', 'ppmi-svd,glove', '--similarity', PAIRS, REVERSED, '--analogies', join(ROOT, 'fixtures', 'query', 'questions.txt'), '--out-dir', dir, '--format', 'json']);
    assert.equal(r.code, 0, r.stderr);
    const rows = JSON.parse(r.stdout) as JsonRow[];
    assert.deepEqual(rows.map((x) => x.method), ['ppmi-svd', 'glove']);
    for (const row of rows) {
      const file = join(dir, `${row.method}.vec`);
      assert.equal(row.runs[0]!.vectors, file);
      const e = await runCli(['evaluate', file, '--benchmark', 'standard', '--similarity', PAIRS, REVERSED, '--format', 'json']);
      assert.equal(e.code, 0, e.stderr);
      const report = JSON.parse(e.stdout) as { similarity: { set: string; spearman: number | null }[]; analogies: { set: string; accuracy: number | null } };
      assert.equal(report.similarity.length, 8);
      for (const s of report.similarity) {
        const ours = row.scores[`${s.set}.txt`];
        if (s.spearman === null) assert.equal(ours, null, `${row.method} ${s.set}`);
        else assert.ok(Math.abs(ours! - s.spearman) < 1e-6, `${row.method} ${s.set}: ${ours} vs evaluate ${s.spearman}`);
      }
      assert.equal(row.scores['questions-words.txt'], report.analogies.accuracy);
      const own = await runCli(['evaluate', file, '--analogies', join(ROOT, 'fixtures', 'query', 'questions.txt'), '--format', 'json']);
      assert.equal(row.scores['questions.txt'], (JSON.parse(own.stdout) as { analogies: { accuracy: number | null } }).analogies.accuracy);
    }
  });

  test('TSV in a pipe, a table on a terminal, Markdown when asked: one row per method', async () => {
    const args = ['compare', CORPUS, ...TINY, '--methods', 'ppmi-svd,ppmi-svd-p0', '--similarity', PAIRS];
    const header = ['method', ...SHIPPED_SIMILARITY, 'pairs', 'questions-words', 'coverage', 'seconds', 'peak MiB'];
    const tsv = await runCli(args);
    assert.equal(tsv.code, 0, tsv.stderr);
    const lines = tsv.stdout.trimEnd().split('\n').map((l) => l.split('\t'));
    assert.deepEqual(lines[0], header);
    assert.deepEqual(lines.slice(1).map((l) => [l[0], l[7]]), [['ppmi-svd', '1.000000'], ['ppmi-svd-p0', lines[2]![7]]]);
    assert.ok(lines.every((l) => l.length === header.length));

    const md = await runCli([...args, '--format', 'markdown']);
    const mdLines = md.stdout.trimEnd().split('\n');
    assert.equal(mdLines.length, 4);
    assert.equal(mdLines[0], `| ${header.join(' | ')} |`);
    assert.equal(mdLines[1], `| --- |${' ---: |'.repeat(header.length - 1)}`);
    assert.match(mdLines[2]!, /^\| ppmi-svd \| NaN \|.* \| 1\.000 \| NaN \| [\d.]+% \|/);

    const table = await runCli(args, undefined, { stdoutIsTTY: true, env: { NO_COLOR: '1' } });
    assert.equal(table.code, 0);
    assert.match(table.stdout, /┌/);
    assert.match(table.stdout, /│ ppmi-svd +│/);
    assert.match(table.stdout, /│ ppmi-svd-p0 +│/);
  });

  test('--seeds 2: stochastic methods twice, mean ± sd; deterministic ones once', async () => {
    const r = await runCli(['compare', CORPUS, ...TINY, '--methods', 'ppmi-svd,sgns', '--epochs', '2', '--seeds', '2', '--seed', '5', '--similarity', PAIRS, REVERSED, '--format', 'json']);
    assert.equal(r.code, 0, r.stderr);
    const [svd, sgns] = JSON.parse(r.stdout) as JsonRow[];
    assert.deepEqual(svd!.seeds, [5]);
    assert.deepEqual(sgns!.seeds, [5, 6]);
    for (const set of ['pairs.txt', 'reversed.txt']) {
      const [a, b] = sgns!.runs.map((run) => run.scores[set]!);
      assert.ok(Math.abs(sgns!.scores[set]! - (a! + b!) / 2) < 1e-12);
      // Sample sd of two values: |a − b| / √2.
      assert.ok(Math.abs(sgns!.spread![set]! - Math.abs(a! - b!) / Math.SQRT2) < 1e-12);
    }
    const md = await runCli(['compare', CORPUS, ...TINY, '--methods', 'sgns', '--epochs', '2', '--seeds', '2', '--similarity', PAIRS, '--format', 'markdown']);
    assert.match(md.stdout.split('\n')[2]!, /^\| sgns \| 2 \|.*\| -?[\d.]+ ± [\d.]+ \|/);
  });

  test('errors: one line, exit 2 for an unknown method (listing the valid ones) and for --dry-run', async () => {
    const r = await runCli(['compare', CORPUS, '--methods', 'ppmi-svd,word2vec']);
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr, 'wordspace: unknown method "word2vec" (choose from: ppmi-svd, ppmi-svd-p0, ppmi-dyn-svd, sgns, cbow, glove, autoencoder)\n');
    const dry = await runCli(['compare', CORPUS, '--dry-run']);
    assert.equal(dry.code, 2);
    assert.equal(dry.stderr.split('\n').length, 2);
    const bad = await runCli(['compare', CORPUS, ...TINY, '--methods', 'ppmi-svd', '--similarity', join(ROOT, 'fixtures', 'query', 'bad-pairs.txt')]);
    assert.equal(bad.code, 1);
    assert.equal(bad.stderr.split('\n').length, 2, bad.stderr);
  });

  test('Ctrl-C keeps the methods already finished: their rows printed, their vectors kept (built binary)', async () => {
    const dir = tempDir();
    // sgns with a hundred million epochs is still training when ppmi-svd's line appears.
    const child = spawn(process.execPath, [BIN, 'compare', CORPUS, '--min-count', '1', '--dim', '4', '--threads', '1', '--methods', 'ppmi-svd,sgns', '--epochs', '100000000', '--similarity', PAIRS, '--out-dir', dir], {
      env: { PATH: process.env.PATH, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (/compare: 2\/2 sgns/.test(stderr)) child.kill('SIGINT');
    });
    const code = await new Promise<number | null>((done) => child.on('close', done));
    assert.equal(code, 130, stderr);
    const lines = stdout.trimEnd().split('\n');
    assert.equal(lines.length, 2, stdout);
    assert.match(lines[0]!, /^method\t/);
    assert.match(lines[1]!, /^ppmi-svd\t(NaN\t){6}1\.000000\t/);
    assert.ok(existsSync(join(dir, 'ppmi-svd.vec')));
    assert.ok(!existsSync(join(dir, 'sgns.vec')));
  });
});
