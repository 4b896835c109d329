/**
 * Continue training (`encode sgns|cbow --init FILE`, src/encoders/word2vec/init.ts): which words
 * start from the file, which vocabulary comes out, and the errors.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { buildCorpus } from '../src/corpus/corpus.js';
import { encode } from '../src/encoders/encode.js';
import { fastTextModelOf, type FastTextModel } from '../src/encoders/fasttext/model.js';
import { readMatrix } from '../src/io/formats/index.js';
import type { TextLine } from '../src/io/input.js';
import { runCli } from './helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'wordspace-init-'));
const path = (name: string): string => join(dir, name);

// Starting vectors written by hand: "cat" and "sat" are in the new corpus, "zebra" is not.
const INIT = '3 3\ncat 0.5 -0.25 1\nsat 0.125 0.75 -1.5\nzebra 2 4 8\n';
writeFileSync(path('init.vec'), INIT);
writeFileSync(path('new.txt'), 'the cat sat on the mat\nthe dog sat on the log\n'.repeat(3));

function vectors(file: string): Map<string, number[]> {
  const lines = readFileSync(file, 'utf8').trim().split('\n').slice(1);
  return new Map(lines.map((l) => {
    const [w, ...v] = l.split(' ');
    return [w!, v.map(Number)];
  }));
}

test('--init: words of the file start from their vectors, the others at random; union keeps the file\'s other words as they were', async () => {
  // A learning rate of 1e-12 leaves every vector where it started (to the 6 digits written).
  const r = await runCli(['encode', 'sgns', path('new.txt'), '--min-count', '1', '--init', path('init.vec'), '--lr', '1e-12', '--threads', '1', '--seed', '3', '-o', path('still.vec')]);
  assert.equal(r.code, 0, r.stderr);
  const v = vectors(path('still.vec'));
  // Corpus vocabulary (the 7 words), then the file's word the corpus lacks.
  assert.deepEqual([...v.keys()], ['the', 'on', 'sat', 'cat', 'dog', 'log', 'mat', 'zebra']);
  assert.deepEqual(v.get('cat'), [0.5, -0.25, 1]);
  assert.deepEqual(v.get('sat'), [0.125, 0.75, -1.5]);
  assert.deepEqual(v.get('zebra'), [2, 4, 8]);
  // Fresh words start as word2vec starts them: uniform in [−0.5/dim, 0.5/dim].
  for (const w of ['the', 'on', 'dog', 'log', 'mat']) for (const x of v.get(w)!) assert.ok(Math.abs(x) <= 0.5 / 3 && x !== 0, `${w} ${x}`);
  assert.match(r.stderr, /--init .*init\.vec: 2 of the corpus's 7 words start from it, 5 at random; 1 of its words not in the corpus kept as they are/);
});

test('--init with training: "zebra" (not in the corpus) is untouched, "cat" moved from its start; --init-vocab corpus drops "zebra"', async () => {
  const r = await runCli(['encode', 'cbow', path('new.txt'), '--min-count', '1', '--init', path('init.vec'), '--threads', '1', '--seed', '3', '--epochs', '20', '-o', path('trained.vec'), '-q']);
  assert.equal(r.code, 0, r.stderr);
  const v = vectors(path('trained.vec'));
  assert.deepEqual(v.get('zebra'), [2, 4, 8]);
  assert.notDeepEqual(v.get('cat'), [0.5, -0.25, 1]);
  const c = await runCli(['encode', 'sgns', path('new.txt'), '--min-count', '1', '--init', path('init.vec'), '--init-vocab', 'corpus', '-o', path('corpus.vec'), '-q']);
  assert.equal(c.code, 0, c.stderr);
  assert.equal(vectors(path('corpus.vec')).has('zebra'), false);
  assert.equal(vectors(path('corpus.vec')).size, 7);
});

test('--init errors: a --dim the file does not have, a missing file, the file as the output', async () => {
  const dim = await runCli(['encode', 'sgns', path('new.txt'), '--min-count', '1', '--init', path('init.vec'), '--dim', '8', '-o', path('x.vec')]);
  assert.equal(dim.code, 2);
  assert.equal(dim.stderr.trim(), `wordspace: --dim 8 differs from the 3 dimensions of --init ${path('init.vec')} (drop --dim (the vectors of --init set it) or give --dim 3)`);
  const missing = await runCli(['encode', 'sgns', path('new.txt'), '--init', path('none.vec'), '-o', path('x.vec')]);
  assert.equal(missing.code, 1);
  assert.equal(missing.stderr.trim().split('\n').length, 1);
  const over = await runCli(['encode', 'sgns', path('new.txt'), '--min-count', '1', '--init', path('init.vec'), '-o', path('init.vec')]);
  assert.equal(over.code, 2);
  assert.equal(readFileSync(path('init.vec'), 'utf8'), INIT);
});

test('--init through the library: encode("sgns", corpus, { init })', async () => {
  const lines: TextLine[] = [{ doc: 0, label: 'x', text: 'the cat sat on the mat' }, { doc: 0, text: 'the dog sat' }];
  const corpus = await buildCorpus((async function* () { yield* lines; })(), { tokenizer: 'word', keepCase: false, minCount: 1 });
  const m = await encode('sgns', corpus, { init: path('init.vec'), lr: 1e-12, threads: 1 });
  assert.equal(m.nCols, 3);
  assert.ok(m.rows.includes('zebra'));
  const cat = m.rows.indexOf('cat');
  assert.ok(m.kind === 'dense');
  assert.deepEqual(Array.from(m.row(cat), (x) => Number(x.toFixed(6))), [0.5, -0.25, 1]);
});

test('encode fasttext --init MODEL.bin: matched words, kept words and n-gram rows start from the model; errors', async () => {
  writeFileSync(path('old.txt'), 'the cat sat on the mat\nthe dog sat on the log\n'.repeat(3));
  const flags = ['--min-count', '1', '--dim', '8', '--bucket', '1000', '--threads', '1', '--seed', '5', '-q'];
  assert.equal((await runCli(['encode', 'fasttext', path('old.txt'), ...flags, '-o', path('old.bin')])).code, 0);
  writeFileSync(path('other.txt'), 'a bird sat on the tree\nthe cat ate the bird\n'.repeat(3));
  // Shared words: the, sat, on, cat; new: a, bird, tree, ate; the model's only: mat, dog, log.
  // A learning rate of 1e-12 leaves every row where the model had it.
  const r = await runCli(['encode', 'fasttext', path('other.txt'), '--min-count', '1', '--init', path('old.bin'), '--lr', '1e-12', '--threads', '1', '-o', path('cont.bin')]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /--init .*old\.bin: 4 of the corpus's 8 words and every n-gram row start from it, 4 words at random; 3 of its words not in the corpus kept/);
  // "cat" (in both), "mat" (the model's only), "catt" (nobody's: built from n-grams) are the model's vectors.
  const before = await runCli(['vectors', path('old.bin'), 'cat', 'mat', 'catt']);
  const after = await runCli(['vectors', path('cont.bin'), 'cat', 'mat', 'catt']);
  assert.equal(after.stdout, before.stdout);
  assert.equal(before.stdout.trim().split('\n').length, 3);
  // The output rows (what predicts each word) of the shared words are the model's too; a new word's start at 0.
  const oldModel = fastTextModelOf(await readMatrix(path('old.bin'), { keepOutput: true }))!;
  const contModel = fastTextModelOf(await readMatrix(path('cont.bin'), { keepOutput: true }))!;
  const outputRow = (m: FastTextModel, word: string): number[] => Array.from(m.output!.subarray(m.idOf(word) * 8, m.idOf(word) * 8 + 8));
  for (const word of ['the', 'sat', 'on', 'cat']) {
    const was = outputRow(oldModel, word);
    assert.ok(was.some((x) => Math.abs(x) > 1e-5), `${word}: a trained output row`);
    outputRow(contModel, word).forEach((x, k) => assert.ok(Math.abs(x - was[k]!) < 1e-9, `${word}[${k}]: ${x} vs ${was[k]}`));
  }
  for (const word of ['a', 'bird', 'tree', 'ate']) assert.ok(outputRow(contModel, word).every((x) => Math.abs(x) < 1e-9), word);
  const bucket = await runCli(['encode', 'fasttext', path('other.txt'), '--init', path('old.bin'), '--bucket', '500', '-o', path('x.bin')]);
  assert.equal(bucket.code, 2);
  assert.equal(bucket.stderr.trim(), `wordspace: --bucket 500 differs from the bucket 1000 of --init ${path('old.bin')} (drop --bucket (the model sets it) or give --bucket 1000)`);
  const vec = await runCli(['encode', 'fasttext', path('other.txt'), '--init', path('init.vec'), '-o', path('x.bin')]);
  assert.equal(vec.code, 1);
  assert.match(vec.stderr, /^wordspace: --init .*init\.vec is not a fastText \.bin model \(/);
});
