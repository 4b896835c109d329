import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { openPreparedCorpus } from '../src/corpus/prepared.js';
import { flatten } from './helpers/stream.js';
import { runCli } from './helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'wordspace-prepared-'));
const path = (name: string): string => join(dir, name);

// Two documents (files); by hand: a×4, b×2, c×1, d×1 → ids a0 b1 c2 d3 (count desc, then word).
writeFileSync(path('one.txt'), 'A b a\n\nc a\n');
writeFileSync(path('two.txt'), 'b d a\n');

/** A corpus with enough repetition for min-count and windows to matter. */
const words = ['the', 'cat', 'sat', 'on', 'mat', 'dog', 'ran', 'in', 'park', 'a', 'bird', 'sang'];
const lines: string[] = [];
let state = 7;
for (let i = 0; i < 300; i++) {
  const n = 3 + (i % 9);
  const line: string[] = [];
  for (let j = 0; j < n; j++) {
    state = (state * 1103515245 + 12345) % 2147483648;
    line.push(words[state % (j % 3 === 0 ? 4 : words.length)]!);
  }
  lines.push(line.join(' '));
  if (i % 50 === 49) lines.push('');
}
writeFileSync(path('corpus.txt'), `${lines.join('\n')}\nrare words here once\n`);

async function ok(argv: string[], input?: string | Buffer): Promise<string> {
  const r = await runCli(argv, input);
  assert.equal(r.code, 0, r.stderr);
  return r.stdout;
}

test('prepare stores the vocabulary, ids and boundaries computed by hand', async () => {
  await ok(['prepare', path('one.txt'), path('two.txt'), '-o', path('small.wsc'), '-q']);
  const bytes = readFileSync(path('small.wsc'));
  assert.equal(bytes.subarray(0, 8).toString('latin1'), 'WSCORPUS');
  assert.equal(bytes.readUInt32LE(8), 2);
  // The stream is the last section, right before the CRC: ids, -1 ending each sentence.
  const stream = new Int32Array(bytes.buffer.slice(bytes.byteOffset + bytes.length - 4 - 11 * 4, bytes.byteOffset + bytes.length - 4));
  assert.deepEqual([...stream], [0, 1, 0, -1, 2, 0, -1, 1, 3, 0, -1]);
  const { corpus, settings } = openPreparedCorpus(path('small.wsc'), 'small.wsc');
  assert.deepEqual(corpus.vocab.words, ['a', 'b', 'c', 'd']);
  assert.deepEqual([...corpus.vocab.counts], [4, 2, 1, 1]);
  // one.txt: "a b a" / (blank) / "c a"; two.txt: "b d a".
  assert.deepEqual(flatten(corpus).tokens, [0, 1, 0, 2, 0, 1, 3, 0]);
  assert.deepEqual(flatten(corpus).sentenceStarts, [0, 3, 5, 8]);
  assert.deepEqual([...corpus.docStarts], [0, 2, 3]);
  assert.deepEqual(corpus.docLabels, [path('one.txt'), path('two.txt')]);
  assert.equal(corpus.tokensRead, 8);
  assert.deepEqual({ tokenizer: settings.tokenizer, keepCase: settings.keepCase, minCount: settings.minCount }, { tokenizer: 'word', keepCase: false, minCount: 1 });
});

test('vocab and encode give the same output from the prepared corpus as from the text', async () => {
  await ok(['prepare', path('corpus.txt'), '-o', path('corpus.wsc'), '-q']);
  const same = async (args: string[]): Promise<void> => {
    const fromText = await ok([...args.map((a) => (a === 'CORPUS' ? path('corpus.txt') : a)), '-q']);
    const fromPrepared = await ok([...args.map((a) => (a === 'CORPUS' ? path('corpus.wsc') : a)), '-q']);
    const strip = (s: string): string => s.replace(/^%meta.*$/m, '').replace(/"(preparedCorpus|seconds|wordsPerSecond)":[^,}]*,?/g, '');
    assert.equal(strip(fromPrepared), strip(fromText), args.join(' '));
    assert.ok(fromText.length > 20, args.join(' '));
  };
  await same(['vocab', 'CORPUS', '--min-count', '3', '-f', 'tsv']);
  await same(['vocab', 'CORPUS', '--max-vocab', '5', '-f', 'tsv']);
  await same(['encode', 'cooc', 'CORPUS', '--window', '3', '--min-count', '2', '-f', 'mtx']);
  await same(['encode', 'cooc', 'CORPUS', '--weight', 'ppmi', '--max-vocab', '8', '-f', 'tsv']);
  await same(['encode', 'doc', 'CORPUS', '--docs', 'file', '--weight', 'tfidf', '-f', 'tsv']);
  await same(['encode', 'onehot', 'CORPUS', '--unique', '--max-vocab', '4', '-f', 'tsv']);
  await same(['encode', 'sgns', 'CORPUS', '--threads', '1', '--seed', '5', '--epochs', '1', '--dim', '8', '--min-count', '2', '-f', 'text']);
  writeFileSync(path('fixed.txt'), 'park\ncat\nzebra\nthe\n');
  await same(['encode', 'cooc', 'CORPUS', '--vocab', path('fixed.txt'), '-f', 'tsv']);
});

test('a prepared corpus is recognised on standard input; text on standard input still reads after the probe', async () => {
  const prepared = readFileSync(path('small.wsc'));
  assert.equal(await ok(['vocab', '-', '-f', 'tsv', '-q'], prepared), 'word\tcount\na\t4\nb\t2\nc\t1\nd\t1\n');
  // Fewer bytes than the magic number, and a gzipped text: both still text.
  assert.equal(await ok(['vocab', '-f', 'tsv', '-q'], 'x y\n'), 'word\tcount\nx\t1\ny\t1\n');
  assert.equal(await ok(['vocab', '-f', 'tsv', '-q'], gzipSync('b a b\n')), 'word\tcount\nb\t2\na\t1\n');
});

test('meta records the prepared corpus and its tokenizer settings', async () => {
  await ok(['prepare', path('one.txt'), '--tokenizer', 'whitespace', '--keep-case', '-o', path('ws.wsc'), '-q']);
  const json = JSON.parse(await ok(['encode', 'cooc', path('ws.wsc'), '-f', 'json', '-q'])) as { rows: string[]; meta: { options: Record<string, unknown> } };
  assert.deepEqual(json.rows, ['a', 'A', 'b', 'c']);
  assert.equal(json.meta.options.tokenizer, 'whitespace');
  assert.equal(json.meta.options.keepCase, true);
  assert.equal(json.meta.options.preparedCorpus, true);
});

test('a damaged or mixed prepared corpus is one clear error', async () => {
  const bytes = readFileSync(path('small.wsc'));
  const flipped = Buffer.from(bytes);
  flipped[40] = flipped[40]! ^ 0xff;
  writeFileSync(path('flipped.wsc'), flipped);
  let r = await runCli(['vocab', path('flipped.wsc')]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^wordspace: .*flipped\.wsc: the prepared corpus is corrupt \(checksum mismatch\)/);
  assert.equal(r.stderr.trim().split('\n').length, 1);

  writeFileSync(path('short.wsc'), bytes.subarray(0, bytes.length - 30));
  r = await runCli(['vocab', path('short.wsc')]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /short\.wsc: the prepared corpus is corrupt/);

  r = await runCli(['vocab', path('small.wsc'), path('one.txt')]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /is a prepared corpus and cannot be read together with other inputs/);
});

test('a prepared corpus cut by prepare --min-count warns when a command asks for less', async () => {
  await ok(['prepare', path('corpus.txt'), '--min-count', '3', '-o', path('cut.wsc'), '-q']);
  const r = await runCli(['vocab', path('cut.wsc'), '-f', 'tsv']);
  assert.equal(r.code, 0);
  assert.match(r.stderr, /keeps only words seen 3 times or more/);
  assert.doesNotMatch(r.stdout, /\brare\b/);
});
