/**
 * Issue 7 §5, `--dry-run`: the plan's figures on small inputs whose counts are computed here by
 * hand or by a plain reference loop, the spill and prune decisions flipping with --memory, and the
 * run doing nothing else (no output file, exit 0, JSON that parses).
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { fitPowerLaw, pairTableSlots, tokenStreamPeak, type Plan } from '../src/plan/plan.js';
import { SAMPLE_BYTES } from '../src/plan/calibrate.js';
import { runCli } from './helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'wordspace-plan-'));
const path = (name: string): string => join(dir, name);

async function plan(args: string[]): Promise<Plan> {
  const result = await runCli([...args, '--dry-run', '--plan-format', 'json']);
  assert.equal(result.code, 0, result.stderr);
  return JSON.parse(result.stdout) as Plan;
}

const stage = (p: Plan, prefix: string) => p.stages.find((s) => s.name.startsWith(prefix));

test('the growable token stream, the pair table and the power-law fit, by hand', () => {
  // Starts at 2^16 ids; 6 ids: trimmed copy 2^16 + 6 ids of 4 bytes.
  assert.equal(tokenStreamPeak(6), 4 * (65536 + 6));
  // 100,000 ids: capacity 131,072 (grown from 65,536: 1.5 × 131,072 while copying) vs 131,072 + 100,000 when trimmed.
  assert.equal(tokenStreamPeak(100_000), 4 * (131072 + 100000));
  // 614 pairs fit 1,024 slots at a load of 0.6; 615 do not.
  assert.equal(pairTableSlots(614), 1024);
  assert.equal(pairTableSlots(615), 2048);
  const law = fitPowerLaw([[1, 2], [4, 4], [16, 8]])!;
  assert.ok(Math.abs(law.e - 0.5) < 1e-12 && Math.abs(law.k - 2) < 1e-12);
});

test('encode cooc --dry-run on a tiny file: exact counts, the token stream, no output file', async () => {
  // Line 1: a b a c — pairs within 2: (a,b) (a,a) (a,b) (b,c) (a,c); line 2: b a — (a,b). Distinct: ab, aa, bc, ac.
  writeFileSync(path('tiny.txt'), 'a b a c\nb a\n');
  const out = path('tiny.mtx');
  const result = await runCli(['encode', 'cooc', path('tiny.txt'), '--window', '2', '-o', out, '--dry-run', '--plan-format', 'json']);
  assert.equal(result.code, 0, result.stderr);
  assert.equal(existsSync(out), false);
  const p = JSON.parse(result.stdout) as Plan;
  assert.equal(p.input.bytes, 12);
  assert.equal(p.input.source, 'stat');
  assert.equal(p.input.calibratedWhole, true);
  assert.deepEqual([p.corpus.tokens, p.corpus.types, p.corpus.kept, p.corpus.pairs], [6, 3, 3, 4]);
  // 6 token ids and 2 sentence ends in one growable array that starts at 2^16 (trimmed by a copy).
  assert.equal(stage(p, 'reading: token stream')!.bytes, 4 * (65536 + 8));
  assert.equal(stage(p, 'reading: token stream')!.spills, 'no');
  // The bucket counter (it fits): one 64 KiB page, then 16-byte aligned: 8 entries (32 B), row starts
  // (16), cursors (12 → 16), distinct counts (12 → 16), bitmap (8 → 16), dense row (24 → 32), weights
  // (2,048) = 67,712; 6 pair occurrences within 2 (5 on line 1, 1 on line 2) × 4 B → 67,744; 4 sorted pairs × 16 B.
  assert.equal(stage(p, 'counting: pair table'), undefined);
  assert.equal(stage(p, 'counting: buckets')!.spills, 'no');
  assert.equal(stage(p, 'counting: buckets')!.bytes, 67_744 + 64);
  assert.equal(p.tempDiskBytes, 0);
  assert.equal(p.output.format, 'mtx');
  assert.equal(p.passes, 2);
});

test('the spill and prune decisions flip when --memory is tiny', async () => {
  // 3,000 tokens over 2,000 words (i × 7919 mod 2000 visits every residue), lines of 10.
  const ids = Array.from({ length: 3000 }, (_, i) => (i * 7919) % 2000);
  const lines: string[] = [];
  for (let i = 0; i < ids.length; i += 10) lines.push(ids.slice(i, i + 10).map((w) => `w${w}`).join(' '));
  writeFileSync(path('many.txt'), `${lines.join('\n')}\n`);
  // Reference: distinct unordered pairs within 5 words of the same line.
  const pairs = new Set<string>();
  for (const line of lines) {
    const words = line.split(' ');
    for (let i = 0; i < words.length; i++) for (let j = i + 1; j <= Math.min(words.length - 1, i + 5); j++) pairs.add([words[i], words[j]].sort().join(' '));
  }
  assert.ok(pairs.size > 614);
  const roomy = await plan(['encode', 'cooc', path('many.txt'), '--memory', '1G']);
  assert.deepEqual([roomy.corpus.tokens, roomy.corpus.types, roomy.corpus.pairs], [3000, 2000, pairs.size]);
  assert.equal(stage(roomy, 'reading: type table')!.spills, 'no');
  assert.equal(stage(roomy, 'counting: buckets')!.spills, 'no');
  assert.equal(stage(roomy, 'counting: pair table'), undefined);
  assert.equal(roomy.tempDiskBytes, 0);
  // 1M: below the runtime, so the floors apply: 1,024 types (2,000 are pruned), 1,024 pair slots (spill).
  const tiny = await plan(['encode', 'cooc', path('many.txt'), '--memory', '1M']);
  assert.equal(stage(tiny, 'reading: type table')!.spills, 'prune');
  // 1,024 slots give the bucket counter 48 KiB, less than its first page: the hash table counts, and spills.
  assert.equal(stage(tiny, 'counting: buckets'), undefined);
  assert.equal(stage(tiny, 'counting: pair table')!.spills, 'spill');
  assert.match(stage(tiny, 'counting: pair table')!.note!, /the bucket counter would need [\d.]+[KM], over its share of 48K/);
  assert.ok(tiny.tempDiskBytes > 0);
  // The run itself takes the same paths: spilled runs at 1M, none at 1G.
  const ran = await runCli(['encode', 'cooc', path('many.txt'), '--memory', '1M', '-o', path('many-1M.mtx')]);
  assert.equal(ran.code, 0, ran.stderr);
  assert.match(ran.stderr, /sorted runs? spilled/);
  const roomyRun = await runCli(['encode', 'cooc', path('many.txt'), '--memory', '1G', '-o', path('many-1G.mtx')]);
  assert.equal(roomyRun.code, 0, roomyRun.stderr);
  assert.doesNotMatch(roomyRun.stderr, /spilled/);
  assert.ok(stage(tiny, 'merging runs'));
  assert.equal(tiny.passes, 3);
  assert.equal(stage(tiny, 'reading: token stream')!.spills, 'no');
  // 70,000 tokens in 7,000 lines: 77,000 entries, over the smallest in-memory stream (65,536 entries).
  const long = Array.from({ length: 7000 }, (_, l) => Array.from({ length: 10 }, (_, k) => `w${(l * 10 + k) % 500}`).join(' '));
  writeFileSync(path('long.txt'), `${long.join('\n')}\n`);
  const spilled = await plan(['encode', 'sgns', path('long.txt'), '--memory', '1M']);
  assert.equal(stage(spilled, 'reading: token stream')!.spills, 'spill');
  assert.equal(spilled.tempDiskBytes, 4 * 77_000);
  assert.equal(stage(spilled, 'reading: token stream')!.bytes, 4 * (65536 + 65536));
  const vocab = await plan(['vocab', path('many.txt'), '--memory', '1M']);
  assert.equal(stage(vocab, 'reading: type table')!.spills, 'prune');
  assert.equal(stage(vocab, 'reading: token stream'), undefined);
});

test('a large input is read only for its sample; sizes scale by the calibrated bytes per token; gzip by ISIZE', async () => {
  const line = 'aaa bbb ccc ddd\n'; // 4 tokens in 16 bytes: 4 bytes a token
  const text = line.repeat(Math.ceil((1.5 * SAMPLE_BYTES) / line.length));
  writeFileSync(path('big.txt'), text);
  writeFileSync(path('big.txt.gz'), gzipSync(text));
  for (const name of ['big.txt', 'big.txt.gz']) {
    const p = await plan(['encode', 'sgns', path(name), '--dim', '10', '--epochs', '2', '--min-count', '1']);
    assert.equal(p.input.bytes, text.length);
    assert.equal(p.input.source, name.endsWith('.gz') ? 'gzip-isize' : 'stat');
    assert.equal(p.input.calibratedWhole, false);
    assert.ok(p.input.calibratedOn! <= SAMPLE_BYTES);
    assert.equal(p.corpus.tokens, text.length / 4);
    assert.equal(p.corpus.kept, 4);
    // Input and output weights: 2 × 4 words × 10 × 4 bytes.
    assert.equal(stage(p, 'training (sgns)')!.bytes, 2 * 4 * 10 * 4);
    assert.equal(p.passes, 3);
    // A gzip input within its share is held whole to be split among the threads: twice its text
    // while it is copied; past the share (a tenth of --memory after the 80M runtime) it is streamed.
    assert.equal(stage(p, 'reading: gzip text held')?.bytes, name.endsWith('.gz') ? 2 * text.length : undefined);
    if (name.endsWith('.gz')) {
      const small = await plan(['vocab', path(name), '--memory', `${80 + Math.floor((10 * text.length) / 2 ** 20) - 1}M`]);
      assert.equal(stage(small, 'reading: gzip text held'), undefined);
    }
  }
});

test('prepare and merge --dry-run print a plan and write nothing; tsv in a pipe', async () => {
  writeFileSync(path('p.txt'), 'x y z\n');
  const out = path('p.wsc');
  const prepared = await runCli(['prepare', path('p.txt'), '-o', out, '--dry-run']);
  assert.equal(prepared.code, 0, prepared.stderr);
  assert.equal(existsSync(out), false);
  assert.match(prepared.stdout, /^command\tprepare$/m);
  assert.match(prepared.stdout, /^tokens\t3$/m);
  writeFileSync(path('v1.txt'), 'a 2\nb 1\n');
  const merged = path('m.txt');
  const merge = await runCli(['merge', path('v1.txt'), path('v1.txt'), '-o', merged, '--dry-run', '--plan-format', 'json']);
  assert.equal(merge.code, 0, merge.stderr);
  assert.equal(existsSync(merged), false);
  const p = JSON.parse(merge.stdout) as Plan;
  assert.equal(p.command, 'merge');
  assert.equal(p.input.bytes, 16);
});

test('--dry-run on a prepared corpus says what its header knows, in one line, exit 2', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'wordspace-plan-wsc-'));
  writeFileSync(join(dir, 'c.txt'), 'a b a\nc a\n');
  assert.equal((await runCli(['prepare', join(dir, 'c.txt'), '-o', join(dir, 'c.wsc'), '-q'])).code, 0);
  const r = await runCli(['encode', 'cooc', join(dir, 'c.wsc'), '--dry-run']);
  assert.equal(r.code, 2);
  // By hand: 5 tokens, 3 types (a, b, c), 2 sentences.
  assert.match(r.stderr, /^wordspace: .*c\.wsc is a prepared corpus of 5 tokens, 3 types and 2 sentences; --dry-run estimates from text inputs/);
  assert.equal(r.stderr.trim().split('\n').length, 1);
});
