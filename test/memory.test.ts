import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { UsageError } from '../src/core/errors.js';
import { formatSize, parseSize } from '../src/core/size.js';
import { maxPairSlots, maxTypes, MIN_PAIR_SLOTS, MIN_TYPES, RUNTIME_RESERVE } from '../src/corpus/budget.js';
import { countCooccurrences } from '../src/encoders/cooc.js';
import { readCorpus } from '../src/io/read-corpus.js';
import { runCli } from './helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'wordspace-memory-'));
// This process's spills go to a directory of its own (os.tmpdir() follows $TMPDIR), so that counting
// wordspace-spill-* directories is not disturbed by other test files spilling at the same time.
process.env.TMPDIR = mkdtempSync(join(dir, 'tmp-'));
const path = (name: string): string => join(dir, name);

/** A seeded generator (LCG), so the corpora are the same on every run. */
function lcg(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
}

// 1,200 lines over 1,000 words (under the 1,024 types of the smallest type table: nothing is pruned), a few frequent and many rare: ~60,000 distinct pairs at window 5,
// about a hundred runs of the smallest pair table (1,024 slots, ~600 pairs): more than the 64 files
// merged at once, so the merge takes two rounds.
const random = lcg(7);
const corpusLines: string[] = [];
for (let i = 0; i < 1200; i++) {
  const line: string[] = [];
  for (let j = 0; j < 4 + (i % 13); j++) line.push(`w${Math.floor(1000 * random() ** 1.5)}`);
  corpusLines.push(line.join(' '));
}
writeFileSync(path('gen.txt'), `${corpusLines.join('\n')}\n`);

const withoutMeta = (text: string): string => text.replace(/^%meta.*\n/m, '');

async function ok(argv: string[]): Promise<{ stdout: string; stderr: string }> {
  const r = await runCli(argv);
  assert.equal(r.code, 0, r.stderr);
  return r;
}

test('sizes: units are binary multiples, fractions allowed with a unit, anything else a usage error naming the forms', () => {
  const parse = parseSize('--memory');
  assert.equal(parse('2G'), 2 * 2 ** 30);
  assert.equal(parse('512M'), 512 * 2 ** 20);
  assert.equal(parse('1.5G'), 1.5 * 2 ** 30);
  assert.equal(parse('800k'), 800 * 1024);
  assert.equal(parse('3000000'), 3_000_000);
  assert.equal(parse('2gb'), 2 * 2 ** 30);
  assert.equal(parse('1MiB'), 2 ** 20);
  for (const bad of ['', '2X', '-1G', '1.5', 'G', '1,5G', '2 G B']) {
    assert.throws(() => parse(bad), (err: Error) => err instanceof UsageError && /2G, 512M, 1\.5G, 800k/.test(err.message), bad);
  }
  assert.throws(() => parseSize('--memory', 2 ** 20)('100k'), /at least 1M/);
  assert.equal(formatSize(2 ** 31), '2G');
  assert.equal(formatSize(1.5 * 2 ** 30), '1.5G');
  assert.equal(formatSize(800 * 1024), '800K');
  assert.equal(formatSize(100), '100 bytes');
});

test('--memory on vocab, prepare, encode and merge: a bad size exits 2 naming the forms; the default and its value are in --help', async () => {
  for (const argv of [['vocab'], ['prepare', '-o', path('x.wsc')], ['encode', 'cooc'], ['encode', 'sgns'], ['merge', path('x.counts')]]) {
    const r = await runCli([...argv, '--memory', 'lots'], 'a b\n');
    assert.equal(r.code, 2, `${argv.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, /--memory.*2G, 512M, 1\.5G, 800k/);
    const help = await runCli([...argv.slice(0, argv[0] === 'encode' ? 2 : 1), '--help']);
    assert.match(help.stdout.replace(/\s+/g, ' '), /--memory <size> .*\(default: [\d.]+[KMGT]: half of this machine's [\d.]+[KMGT], at most 8G\)/, argv.join(' '));
  }
});

test('--memory is recorded in the output meta', async () => {
  const { stdout } = await ok(['encode', 'cooc', '--memory', '512M', '-f', 'mtx', '-q', path('gen.txt')]);
  assert.match(stdout, /^%meta .*"memory":536870912/m);
});

test('the budget division: floors below the runtime reserve, growing with the budget', () => {
  assert.equal(maxTypes(2 ** 20, true), MIN_TYPES);
  assert.equal(maxPairSlots(2 ** 20, 0), MIN_PAIR_SLOTS);
  // 1 GiB: (1 GiB − reserve) × 0.4 for the table, which grows by doubling (1.5 × its size at the peak).
  const slots = maxPairSlots(2 ** 30, 0);
  assert.ok(slots * 16 * 1.5 <= (2 ** 30 - RUNTIME_RESERVE) * 0.4 && slots * 2 * 16 * 1.5 > (2 ** 30 - RUNTIME_RESERVE) * 0.4, String(slots));
  assert.ok(maxTypes(2 ** 30, false) > 2 * maxTypes(2 ** 30, true) - 2);
});

test('cooc spilled to sorted runs merged in rounds equals the in-memory counts: byte for byte for none, to the last bits for 1/d and linear weights', async () => {
  const before = readdirSync(tmpdir()).filter((f) => f.startsWith('wordspace-spill-')).length;
  for (const weighting of ['none', 'harmonic', 'linear']) {
    const argv = ['encode', 'cooc', path('gen.txt'), '--distance-weighting', weighting, '-f', 'mtx', '--precision', '17'];
    const memory = await ok([...argv, '-q']);
    const spilled = await ok([...argv, '--memory', '1M']);
    const runs = Number(/(\d+) sorted runs spilled/.exec(spilled.stderr)?.[1]);
    assert.ok(runs > 64, `dozens of runs, more than one merge's fan-in: ${spilled.stderr}`);
    assert.match(spilled.stderr, /merged in [2-9] rounds/);
    assert.match(spilled.stderr, /MB of disk/);
    if (weighting === 'none') {
      assert.equal(withoutMeta(spilled.stdout), withoutMeta(memory.stdout));
      continue;
    }
    const cells = (mtx: string): string[][] => withoutMeta(mtx).split('\n').filter((l) => l && !l.startsWith('%')).map((l) => l.split(' '));
    const [x, y] = [cells(memory.stdout), cells(spilled.stdout)];
    assert.equal(x.length, y.length);
    assert.ok(x.length > 50_000, String(x.length));
    for (let i = 0; i < x.length; i++) {
      assert.deepEqual(y[i]!.slice(0, 2), x[i]!.slice(0, 2));
      const [u, v] = [Number(x[i]![2] ?? x[i]![1]), Number(y[i]![2] ?? y[i]![1])];
      assert.ok(Math.abs(u - v) <= 1e-13 * Math.abs(u), `${weighting} line ${i}: ${u} vs ${v}`);
    }
  }
  // Quiet: no note.
  const quiet = await ok(['encode', 'cooc', path('gen.txt'), '--memory', '1M', '-q', '-f', 'mtx']);
  assert.doesNotMatch(quiet.stderr, /spilled/);
  assert.equal(readdirSync(tmpdir()).filter((f) => f.startsWith('wordspace-spill-')).length, before, 'the temporary directories are removed');
});

test('countCooccurrences with a fan-in of 3 (several merge rounds) gives the in-memory matrix', async () => {
  const corpus = await readCorpus(path('gen.txt'));
  const whole = countCooccurrences(corpus, { window: 3, distanceWeighting: 'none' });
  let stats = { runs: 0, rounds: 0, tempBytes: 0 };
  const spilled = countCooccurrences(corpus, { window: 3, distanceWeighting: 'none', memory: 2 ** 20, fanIn: 3, onSpill: (s) => (stats = s) });
  assert.ok(stats.runs > 27 && stats.rounds >= 3, JSON.stringify(stats));
  assert.ok(stats.tempBytes > 0);
  assert.deepEqual(Array.from(spilled.indptr), Array.from(whole.indptr));
  assert.deepEqual(Array.from(spilled.indices), Array.from(whole.indices));
  assert.deepEqual(Array.from(spilled.values), Array.from(whole.values));
  assert.deepEqual(spilled.rows, whole.rows);
});

test('glove and the autoencoder count through the spilling counter too', async () => {
  for (const argv of [['glove', '--dim', '4', '--epochs', '1', '--threads', '1'], ['autoencoder', '--dim', '4', '--epochs', '1']]) {
    const r = await ok(['encode', ...argv, path('gen.txt'), '--memory', '1M', '--min-count', '1', '-o', path(`${argv[0]}.vec`)]);
    assert.match(r.stderr, /sorted runs spilled/, argv[0]);
  }
});

// Zipf-like words over a long tail: ~4,000 types in 3,000 lines, over the 1,024 types the smallest
// budget's table holds, so that counting prunes several times.
const zipfRandom = lcg(19);
const zipfLines: string[] = [];
for (let i = 0; i < 3000; i++) {
  const line: string[] = [];
  for (let j = 0; j < 3 + (i % 9); j++) line.push(`t${Math.floor(Math.exp(zipfRandom() * Math.log(30_000)))}`); // P(k) ∝ 1/k
  zipfLines.push(line.join(' '));
}
writeFileSync(path('zipf.txt'), `${zipfLines.join('\n')}\n`);

/**
 * word2vec's ReduceVocab, written again from its description: after each line, over `limit` types,
 * drop every type counted ≤ t for the smallest t ≥ the last t + 1 that leaves at most ¾ of the limit;
 * a dropped type seen again starts from 0. Returns the counts and the kept token stream.
 */
function referencePrune(lines: string[], limit: number): { counts: Map<string, number>; pruned: number; threshold: number; kept: string[][] } {
  let counts = new Map<string, number>();
  let pruned = 0;
  let threshold = 0;
  // Each token remembers its "life" so that a token of a dropped type is dropped even if it comes back.
  const lives = new Map<string, number>();
  const stream: [string, number][][] = [];
  for (const line of lines) {
    const tokens = line.split(' ');
    stream.push(tokens.map((w) => [w, lives.get(w) ?? 0]));
    for (const w of tokens) counts.set(w, (counts.get(w) ?? 0) + 1);
    if (counts.size <= limit) continue;
    const keep = Math.floor(limit * 0.75);
    const sorted = [...counts.values()].sort((x, y) => x - y);
    threshold = Math.max(pruned > 0 ? threshold + 1 : 1, sorted[sorted.length - keep - 1]!);
    const next = new Map<string, number>();
    for (const [w, c] of counts) {
      if (c > threshold) next.set(w, c);
      else {
        pruned++;
        lives.set(w, (lives.get(w) ?? 0) + 1);
      }
    }
    counts = next;
  }
  const kept = stream.map((line) => line.filter(([w, life]) => counts.has(w) && (lives.get(w) ?? 0) === life).map(([w]) => w));
  return { counts, pruned, threshold, kept };
}

test('vocabulary counting prunes rare types over its share of --memory, as word2vec\'s ReduceVocab computed independently', async () => {
  const reference = referencePrune(zipfLines, 1024);
  assert.ok(reference.pruned > 1000 && reference.threshold >= 2, `${reference.pruned} ${reference.threshold}`);
  const r = await ok(['vocab', path('zipf.txt'), '--memory', '1M', '-o', path('pruned.txt')]);
  assert.match(r.stderr, new RegExp(`${reference.pruned.toLocaleString('en-US')} rare types pruned while counting \\(counts ≤ ${reference.threshold} dropped`));
  const got = new Map(readFileSync(path('pruned.txt'), 'utf8').trim().split('\n').map((l) => [l.split(' ')[0]!, Number(l.split(' ')[1])] as [string, number]));
  assert.deepEqual(new Map([...got].sort()), new Map([...reference.counts].sort()));
  // Without the budget nothing is pruned: more types, and no note.
  const full = await ok(['vocab', path('zipf.txt'), '-o', path('full.txt')]);
  assert.doesNotMatch(full.stderr, /pruned/);
  assert.ok(readFileSync(path('full.txt'), 'utf8').trim().split('\n').length > got.size + 1000);
});

test('encode with a pruned vocabulary: tokens of pruned types are out of vocabulary, the token stream agrees with the counts, meta says so', async () => {
  const reference = referencePrune(zipfLines, 1024);
  // Term-document counts by line: each word's row sum is the number of its tokens kept in the stream.
  const r = await ok(['encode', 'doc', path('zipf.txt'), '--memory', '1M', '--docs', 'line', '-f', 'mtx', '-q']);
  assert.match(r.stdout, new RegExp(`^%meta .*"vocabPruned":\\{"types":${reference.pruned},"threshold":${reference.threshold}\\}`, 'm'));
  const lines = r.stdout.split('\n').filter((l) => l && !l.startsWith('%'));
  const [nRows] = lines[0]!.split(' ').map(Number);
  const sums = new Float64Array(nRows!);
  for (const l of lines.slice(1)) {
    const [i, , v] = l.split(' ').map(Number);
    sums[i! - 1]! += v!;
  }
  // The vocabulary of the same run (vocab prunes the same way: the same floor of 1,024 types).
  const words = readFileSync(path('pruned.txt'), 'utf8').trim().split('\n').map((l) => l.split(' '));
  const expected = new Map<string, number>();
  for (const line of reference.kept) for (const w of line) expected.set(w, (expected.get(w) ?? 0) + 1);
  assert.equal(nRows, words.length);
  // Rows follow the vocabulary order (count, then word): row k is words[k].
  words.forEach(([w, c], k) => {
    assert.equal(sums[k], Number(c), w);
    assert.equal(expected.get(w!), Number(c), w);
  });
});
