import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { BIN, runCli } from './helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'wordspace-counts-'));
const path = (name: string): string => join(dir, name);

// A corpus of 240 lines from a seeded generator, cut into three shards at line boundaries.
const words = ['the', 'cat', 'sat', 'on', 'mat', 'dog', 'ran', 'in', 'park', 'a', 'bird', 'sang', 'über', 'naïve'];
let state = 11;
const lines: string[] = [];
for (let i = 0; i < 240; i++) {
  const line: string[] = [];
  for (let j = 0; j < 2 + (i % 11); j++) {
    state = (state * 1103515245 + 12345) % 2147483648;
    line.push(words[(state >> 8) % (j % 2 === 0 ? 6 : words.length)]!);
  }
  lines.push(line.join(' '));
}
const shards = [lines.slice(0, 70), lines.slice(70, 170), lines.slice(170)].map((s) => `${s.join('\n')}\n`);
writeFileSync(path('whole.txt'), `${lines.join('\n')}\n`);
shards.forEach((text, i) => writeFileSync(path(`shard-${i}.txt`), text));

async function ok(argv: string[], input?: string | Buffer): Promise<string> {
  const r = await runCli(argv, input);
  assert.equal(r.code, 0, r.stderr);
  return r.stdout;
}

const withoutMeta = (mtx: string): string => mtx.replace(/^%meta.*\n/m, '');

test('count text computed by hand: words by word, pairs a ≤ b by id with their summed weight', async () => {
  // Vocabulary: a 2, b 2, c 1 → ids a0 b1 c2. Window 1: line 1 gives {a,b} twice, line 2 {b,c} once.
  assert.equal(await ok(['vocab', '-f', 'counts-tsv', '-q'], 'b a b\nc a\n'), 'a\t2\nb\t2\nc\t1\n');
  assert.equal(await ok(['encode', 'cooc', '--window', '1', '-f', 'counts-tsv', '-q'], 'a b a\nb c\n'), 'a b\t2\nb c\t1\n');
  // A word next to itself: the matrix has 2 on the diagonal, the pair keeps 1 (and gives 2 back).
  assert.equal(await ok(['encode', 'cooc', '--window', '1', '-f', 'counts-tsv', '-q'], 'x x\n'), 'x x\t1\n');
  writeFileSync(path('xx.counts'), await runCli(['encode', 'cooc', '--window', '1', '-f', 'counts', '-q'], 'x x\n').then((r) => r.stdoutBytes));
  assert.equal(await ok(['encode', 'cooc', '--counts', path('xx.counts'), '-f', 'tsv', '-q']), 'label\tx\nx\t2\n');
});

test('shards counted apart and merged equal the whole: vocabulary byte for byte, co-occurrences cell for cell', async () => {
  for (let i = 0; i < 3; i++) await ok(['vocab', path(`shard-${i}.txt`), '-f', 'counts', '-o', path(`shard-${i}.counts`), '-q']);
  await ok(['merge', path('shard-0.counts'), path('shard-1.counts'), path('shard-2.counts'), '-o', path('merged-vocab.txt'), '-q']);
  await ok(['vocab', path('whole.txt'), '-o', path('whole-vocab.txt'), '-q']);
  assert.equal(readFileSync(path('merged-vocab.txt'), 'utf8'), readFileSync(path('whole-vocab.txt'), 'utf8'));
  assert.match(readFileSync(path('whole-vocab.txt'), 'utf8'), /^sat 235\nthe 235\n/);

  // --min-count and --max-vocab apply after merging.
  await ok(['merge', path('shard-0.counts'), path('shard-1.counts'), path('shard-2.counts'), '--min-count', '60', '-o', path('V'), '-q']);
  await ok(['vocab', path('whole.txt'), '--min-count', '60', '-o', path('V-whole'), '-q']);
  assert.equal(readFileSync(path('V'), 'utf8'), readFileSync(path('V-whole'), 'utf8'));
  assert.ok(readFileSync(path('V'), 'utf8').split('\n').length < words.length, 'the cut removed some words');

  for (let i = 0; i < 3; i++) await ok(['encode', 'cooc', path(`shard-${i}.txt`), '--vocab', path('V'), '--window', '3', '-f', 'counts', '-o', path(`shard-${i}.cc.counts`), '-q']);
  await ok(['merge', ...[0, 1, 2].map((i) => path(`shard-${i}.cc.counts`)), '-o', path('merged.counts'), '-q']);
  const fromCounts = await ok(['encode', 'cooc', '--counts', path('merged.counts'), '-f', 'mtx', '-q']);
  const fromText = await ok(['encode', 'cooc', path('whole.txt'), '--vocab', path('V'), '--window', '3', '-f', 'mtx', '-q']);
  assert.equal(withoutMeta(fromCounts), withoutMeta(fromText));
  const ppmiCounts = await ok(['encode', 'cooc', '--counts', path('merged.counts'), '--weight', 'ppmi', '-f', 'tsv', '-q']);
  const ppmiText = await ok(['encode', 'cooc', path('whole.txt'), '--vocab', path('V'), '--window', '3', '--weight', 'ppmi', '-f', 'tsv', '-q']);
  assert.equal(ppmiCounts, ppmiText);
});

test('GloVe and the autoencoder start from harmonic-weighted merged counts with the same vectors', async () => {
  await ok(['vocab', path('whole.txt'), '-o', path('Vg'), '-q']);
  for (let i = 0; i < 3; i++) await ok(['encode', 'cooc', path(`shard-${i}.txt`), '--vocab', path('Vg'), '--distance-weighting', 'harmonic', '-f', 'counts', '-o', path(`h-${i}.counts`), '-q']);
  await ok(['merge', ...[0, 1, 2].map((i) => path(`h-${i}.counts`)), '-o', path('h.counts'), '-q']);
  const glove = ['--dim', '8', '--epochs', '3', '--threads', '1', '--seed', '4', '-f', 'text', '-q'];
  assert.equal(await ok(['encode', 'glove', '--counts', path('h.counts'), ...glove]), await ok(['encode', 'glove', path('whole.txt'), '--vocab', path('Vg'), '--window', '5', ...glove]));
  const r = await runCli(['encode', 'glove', '--counts', path('merged.counts')]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^wordspace: .*merged\.counts holds counts of window 3 with none distance weighting; this needs window 3 with harmonic/);
  const ae = ['--dim', '4', '--epochs', '2', '--seed', '2', '-f', 'text', '-q'];
  assert.equal(await ok(['encode', 'autoencoder', '--counts', path('h.counts'), ...ae]), await ok(['encode', 'autoencoder', path('whole.txt'), '--vocab', path('Vg'), '--distance-weighting', 'harmonic', ...ae]));
});

test('the text form through a shuffle, as Hadoop Streaming drives it: mapper on stdin, sort, reducer on stdin', async () => {
  const shuffle = (text: string): string => text.split('\n').filter(Boolean).sort().reverse().join('\n') + '\n';
  let mapped = '';
  for (const shard of shards) mapped += await ok(['vocab', '-', '-f', 'counts-tsv', '-q'], shard);
  assert.equal(await ok(['merge', '-', '-q'], shuffle(mapped)), readFileSync(path('whole-vocab.txt'), 'utf8'));
  mapped = '';
  for (const shard of shards) mapped += await ok(['encode', 'cooc', '-', '--vocab', path('V'), '--window', '3', '-f', 'counts-tsv', '-q'], shard);
  await ok(['merge', '-', '--vocab', path('V'), '--window', '3', '-o', path('from-text.counts'), '-q'], shuffle(mapped));
  const viaText = await ok(['encode', 'cooc', '--counts', path('from-text.counts'), '-f', 'mtx', '-q']);
  assert.equal(withoutMeta(viaText), withoutMeta(await ok(['encode', 'cooc', path('whole.txt'), '--vocab', path('V'), '--window', '3', '-f', 'mtx', '-q'])));
  // Text pair counts alone do not say their window.
  const r = await runCli(['merge', '-', '--vocab', path('V')], mapped);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /give --window N/);
});

test('GNU parallel over shards, merged, equals the unsharded run byte for byte', (t) => {
  if (spawnSync('parallel', ['--version'], { encoding: 'utf8' }).status !== 0) {
    t.skip('GNU parallel is not installed (apt-get install parallel)');
    return;
  }
  const script = `
    set -euo pipefail
    cd '${dir}'
    ws() { '${process.execPath}' '${BIN}' "$@"; }
    export -f ws
    parallel -j 2 ws vocab {} -f counts -o {}.p.counts -q ::: shard-0.txt shard-1.txt shard-2.txt
    ws merge shard-*.txt.p.counts --min-count 2 -o P -q
    ws vocab whole.txt --min-count 2 -o P-whole -q
    cmp P P-whole
    parallel -j 2 ws encode cooc {} --vocab P -f counts -o {}.pc.counts -q ::: shard-0.txt shard-1.txt shard-2.txt
    ws merge shard-*.txt.pc.counts -o pc.counts -q
    cmp <(ws encode cooc --counts pc.counts -f mtx -q | grep -v '^%meta') <(ws encode cooc whole.txt --vocab P -f mtx -q | grep -v '^%meta')
    echo identical`;
  const r = spawnSync('bash', ['-c', script], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim(), 'identical');
});

test('count files refuse what cannot be merged or used, in one line', async () => {
  const bytes = readFileSync(path('merged.counts'));
  const flipped = Buffer.from(bytes);
  flipped[flipped.length - 10] = flipped[flipped.length - 10]! ^ 0x55;
  writeFileSync(path('flipped.counts'), flipped);
  const expectError = async (argv: string[], code: number, pattern: RegExp, input?: string): Promise<void> => {
    const r = await runCli(argv, input);
    assert.equal(r.code, code, `${argv.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, pattern);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  };
  await expectError(['encode', 'cooc', '--counts', path('flipped.counts')], 1, /flipped\.counts: the count file is corrupt \(checksum mismatch\)/);
  await expectError(['merge', path('shard-0.counts'), path('merged.counts')], 1, /mix vocabulary counts and pair counts/);
  await expectError(['encode', 'cooc', path('whole.txt'), '--counts', path('merged.counts')], 2, /--counts replaces the corpus/);
  await expectError(['encode', 'cooc', path('whole.txt'), '--weight', 'ppmi', '-f', 'counts'], 2, /-f counts writes the raw co-occurrence counts/);
  await expectError(['encode', 'cooc', '--counts', path('shard-0.counts')], 1, /holds vocab counts, not pair counts/);
  await expectError(['merge', '-'], 1, /expected "word count" or "key<TAB>count"/, 'a b c\n');
  await expectError(['merge', path('shard-0.cc.counts'), path('h-0.counts')], 1, /were counted differently/);
});

test('more shards than may be open at once (80 > 64): merged in rounds, equal to the whole; text pairs spill within --memory', async () => {
  // 80 shards of 3 lines each; V is the vocabulary of the test above (or made here).
  await ok(['vocab', path('whole.txt'), '--min-count', '60', '-o', path('V80'), '-q']);
  const shardPaths: string[] = [];
  for (let k = 0; k < 80; k++) {
    const text = `${lines.slice(3 * k, 3 * k + 3).join('\n')}\n`;
    writeFileSync(path(`s80-${k}.txt`), text);
    await ok(['vocab', path(`s80-${k}.txt`), '-f', 'counts', '-o', path(`s80-${k}.v.counts`), '-q']);
    await ok(['encode', 'cooc', path(`s80-${k}.txt`), '--vocab', path('V80'), '--window', '3', '-f', 'counts', '-o', path(`s80-${k}.counts`), '-q']);
    shardPaths.push(path(`s80-${k}.counts`));
  }
  const vocabMerged = await runCli(['merge', ...shardPaths.map((p) => p.replace(/\.counts$/, '.v.counts')), '-o', path('v80.txt')]);
  assert.equal(vocabMerged.code, 0, vocabMerged.stderr);
  await ok(['vocab', path('whole.txt'), '-o', path('whole-vocab80.txt'), '-q']);
  assert.equal(readFileSync(path('v80.txt'), 'utf8'), readFileSync(path('whole-vocab80.txt'), 'utf8'));

  const r = await runCli(['merge', ...shardPaths, '-o', path('m80.counts')]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /merged in 2 rounds of at most 64 files/);
  const fromCounts = await ok(['encode', 'cooc', '--counts', path('m80.counts'), '-f', 'mtx', '-q']);
  const fromText = await ok(['encode', 'cooc', path('whole.txt'), '--vocab', path('V80'), '--window', '3', '-f', 'mtx', '-q']);
  assert.equal(withoutMeta(fromCounts), withoutMeta(fromText));
  // The inputs are never removed by the rounds.
  assert.ok(shardPaths.every((p) => readFileSync(p).length > 0));

  // Text pair counts under --memory 1M: a pair table of 1,024 slots spills sorted runs; the sums are the same.
  const tsv = shardPaths.map((p) => spawnSync(process.execPath, [BIN, 'encode', 'cooc', '--counts', p, '-f', 'counts-tsv', '-q']).stdout.toString());
  const text = tsv.join('');
  const small = await runCli(['merge', '-', '--vocab', path('V80'), '--window', '3', '--memory', '1M', '-f', 'counts-tsv'], text);
  assert.equal(small.code, 0, small.stderr);
  const roomy = await runCli(['merge', '-', '--vocab', path('V80'), '--window', '3', '-f', 'counts-tsv', '-q'], text);
  assert.equal(small.stdout, roomy.stdout);
  assert.equal(roomy.stdout, await ok(['encode', 'cooc', '--counts', path('m80.counts'), '-f', 'counts-tsv', '-q']));

  // 60 words: 1,830 distinct pairs, more than the 614 a 1,024-slot table holds; each pair given
  // three times in a scrambled order, with counts 1, 2 and its index: the sums are known.
  const many = Array.from({ length: 60 }, (_, i) => `w${String(i).padStart(2, '0')}`);
  writeFileSync(path('V60'), many.map((w) => `${w} 1\n`).join(''));
  const entries: string[] = [];
  const expected: string[] = [];
  let index = 0;
  for (let a = 0; a < 60; a++) {
    for (let b = a; b < 60; b++) {
      const k = index++;
      entries.push(`${many[a]} ${many[b]}\t1`, `${many[a]} ${many[b]}\t2`, `${many[a]} ${many[b]}\t${k}`);
      expected.push(`${many[a]} ${many[b]}\t${3 + k}`);
    }
  }
  const scrambled = entries.map((e, i) => [(i * 7919) % entries.length, e] as const).sort((x, y) => x[0] - y[0]).map(([, e]) => e);
  const spilled = await runCli(['merge', '-', '--vocab', path('V60'), '--window', '2', '--memory', '1M', '-f', 'counts-tsv'], `${scrambled.join('\n')}\n`);
  assert.equal(spilled.code, 0, spilled.stderr);
  assert.match(spilled.stderr, /\d+ sorted runs spilled to stay in --memory/);
  assert.equal(spilled.stdout, `${expected.join('\n')}\n`);
});

test('a count file whose pairs are out of order is one clear error (the matrix is built as if sorted)', async () => {
  const { CountFileWriter } = await import('../src/counts/format.js');
  const chunks: Buffer[] = [];
  const writer = new CountFileWriter((c) => {
    chunks.push(Buffer.from(c));
  });
  await writer.header({ kind: 'cooc', window: 2, distanceWeighting: 'none', types: 3 }, ['a', 'b', 'c']);
  await writer.pairs([0, 1, 0], [1, 2, 2], [1, 1, 1]);
  await writer.finish();
  writeFileSync(path('unsorted.counts'), Buffer.concat(chunks));
  const r = await runCli(['encode', 'cooc', '--counts', path('unsorted.counts'), '-f', 'tsv']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^wordspace: .*unsorted\.counts: the pairs are not sorted \(entry 3\)/);
  assert.equal(r.stderr.trim().split('\n').length, 1);
});

test('bucket counting (wasm) equals the hash table (TypeScript reference) cell for cell, every weighting and window', async () => {
  const { readCorpus } = await import('../src/io/read-corpus.js');
  const { countCooccurrences } = await import('../src/encoders/cooc.js');
  // One 400-word line as well, so that a window of 300 (wider than the kernel's 255) needs the hash table.
  const longLine = Array.from({ length: 400 }, (_, i) => words[(i * 7) % words.length]).join(' ');
  writeFileSync(path('long.txt'), `${lines.join('\n')}\n${longLine}\n`);
  const corpus = await readCorpus(path('long.txt'), {});
  const short = await readCorpus(path('whole.txt'), {});
  for (const distanceWeighting of ['none', 'harmonic', 'linear'] as const) {
    for (const [source, window] of [[short, 1], [short, 2], [short, 5], [corpus, 5], [short, 300], [corpus, 300]] as const) {
      const fast = countCooccurrences(source, { window, distanceWeighting, kernels: 'wasm' });
      const reference = countCooccurrences(source, { window, distanceWeighting, kernels: 'typescript' });
      const what = `${distanceWeighting}, window ${window}`;
      assert.deepEqual(Array.from(fast.indptr), Array.from(reference.indptr), what);
      assert.deepEqual(Array.from(fast.indices), Array.from(reference.indices), what);
      assert.deepEqual(Array.from(fast.values), Array.from(reference.values), what);
    }
  }
});
