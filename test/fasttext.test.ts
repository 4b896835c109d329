/**
 * fastText's `.bin` models: the hash and n-grams against fastText's definitions (src/dictionary.cc),
 * the shipped tiny model (fixtures/fasttext/, trained once by the Debian `fasttext` CLI) against the
 * vectors that CLI printed for it, and — when the CLI is installed — a model trained here.
 * The fixture was made with fastText 0.9.2 (Debian) by
 *   fasttext skipgram -input corpus.txt -output tiny -dim 5 -minCount 1 -epoch 5 -lr 0.5 -thread 1 -bucket 100 -seed 1
 *   fasttext print-word-vectors tiny.bin < words.txt > expected.txt
 *   fasttext print-sentence-vectors tiny.bin < sentences.txt > sentences-expected.txt
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, test } from 'node:test';
import { fastTextHash, hashString, ngramBuckets, ngrams } from '../src/encoders/fasttext/subwords.js';
import { fastTextModelOf, readMatrix } from '../src/io/formats/index.js';
import { runCli } from './helpers/cli.js';

const FIXTURES = fileURLToPath(new URL('../../fixtures/fasttext/', import.meta.url));
const TINY = join(FIXTURES, 'tiny.bin');
const dir = mkdtempSync(join(tmpdir(), 'ws-fasttext-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const FASTTEXT = spawnSync('fasttext', [], { encoding: 'utf8' }).error === undefined;

/** fastText's hash as its C++ reads: h ^= uint32_t(int8_t(byte)); h *= 16777619 (mod 2^32), in BigInt. */
function referenceHash(text: string): number {
  let h = 2166136261n;
  for (const byte of Buffer.from(text, 'utf8')) {
    const signed = byte >= 128 ? BigInt(byte - 256) : BigInt(byte);
    h = ((h ^ BigInt.asUintN(32, signed)) * 16777619n) % 2n ** 32n;
  }
  return Number(h);
}

/** `word v1 … vD` lines (as print-word-vectors writes them, with a trailing space) → word → values. */
function parseVectors(text: string, labelled = true): { word: string; values: number[] }[] {
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const fields = line.trim().split(' ');
      return labelled ? { word: fields[0]!, values: fields.slice(1).map(Number) } : { word: '', values: fields.map(Number) };
    });
}

/** print-word-vectors prints 5 significant digits (std::setprecision(5)): compare to that. */
function assertSameVectors(actual: { word: string; values: number[] }[], expected: { word: string; values: number[] }[], what: string): void {
  assert.equal(actual.length, expected.length, `${what}: rows`);
  actual.forEach((row, i) => {
    const want = expected[i]!;
    assert.equal(row.word, want.word, `${what}: word ${i + 1}`);
    assert.equal(row.values.length, want.values.length, `${what}: ${row.word} dims`);
    row.values.forEach((v, j) => assert.ok(Math.abs(v - want.values[j]!) <= 1e-5 + 5e-5 * Math.abs(want.values[j]!), `${what}: ${row.word}[${j}] = ${v}, fastText ${want.values[j]}`));
  });
}

test('fastText hash: FNV-1a over the bytes read as signed char (literal values and the C++ definition)', () => {
  // FNV-1a("a") = 0xe40c292c, the textbook value; ASCII is unaffected by the quirk.
  assert.equal(hashString('a'), 0xe40c292c);
  assert.equal(hashString('</s>'), 3617362777);
  // "é" = C3 A9: fastText xors 0xFFFFFFC3 and 0xFFFFFFA9 (sign extension), plain FNV-1a would give 513665217.
  assert.equal(hashString('é'), 1023043777);
  assert.equal(hashString('<café>'), 3312017187);
  assert.equal(hashString('<日本'), 3018758587);
  for (const word of ['', 'a', 'cat', '<ca', 'über', 'naïve', '日本語', 'Ω≈ç√', '😀', '__proto__']) assert.equal(hashString(word), referenceHash(word), word);
  assert.equal(fastTextHash(Buffer.from('x<ca>y'), 1, 4), hashString('<ca'));
});

test('n-grams of a word, as fastText cuts them (checked by hand)', () => {
  // <cat> with minn 3, maxn 6: by start, then by length; a lone < or > is never an n-gram.
  assert.deepEqual(ngrams('cat', { minn: 3, maxn: 6 }), ['<ca', '<cat', '<cat>', 'cat', 'cat>', 'at>']);
  // Characters, not bytes: é is two bytes but one character; n = 1 keeps inner characters only.
  assert.deepEqual(ngrams('é', { minn: 1, maxn: 2 }), ['<é', 'é', 'é>']);
  assert.deepEqual(ngrams('日本', { minn: 2, maxn: 3 }), ['<日', '<日本', '日本', '日本>', '本>']);
  assert.deepEqual(ngrams('cat', { minn: 3, maxn: 0 }), []);
  assert.deepEqual(ngramBuckets('é', { minn: 1, maxn: 1, bucket: 100 }), [hashString('é') % 100]);
  assert.deepEqual(ngramBuckets('cat', { minn: 3, maxn: 6, bucket: 1000 }), ngrams('cat', { minn: 3, maxn: 6 }).map((g) => referenceHash(g) % 1000));
});

test('the tiny fixture: parameters and dictionary as fastText saved them, </s> kept', async () => {
  const matrix = await readMatrix(TINY);
  const model = fastTextModelOf(matrix)!;
  assert.ok(model, 'the model is kept');
  assert.equal(model.version, 12);
  assert.deepEqual([model.args.dim, model.args.bucket, model.args.minn, model.args.maxn, model.args.model, model.args.loss], [5, 100, 3, 6, 2, 2]);
  assert.equal(model.dictionary.nwords, 27);
  assert.equal(model.rows, 27 + 100);
  assert.equal(matrix.rows[0], '</s>');
  assert.equal(matrix.nRows, 27);
  assert.equal(matrix.meta.method, 'fasttext');
  // The corpus has 150 lines of 8 words: ntokens counts them and one </s> per line.
  assert.equal(model.dictionary.ntokens, 150 * 9);
  assert.equal(model.dictionary.counts[0], 150);
  // An unseen word is the mean of its n-gram rows (sum / count), an in-vocabulary word also averages its own row.
  const dim = model.dim;
  const mean = (ids: number[]): number[] => Array.from({ length: dim }, (_, j) => ids.reduce((s, id) => s + model.input[id * dim + j]!, 0) / ids.length);
  const oov = ngrams('doggo', model.args).map((g) => 27 + (referenceHash(g) % 100));
  const got = new Float64Array(dim);
  model.wordVector('doggo', got);
  mean(oov).forEach((v, j) => assert.ok(Math.abs(got[j]! - v) < 1e-12));
  const cat = [model.idOf('cat'), ...ngrams('cat', model.args).map((g) => 27 + (referenceHash(g) % 100))];
  model.wordVector('cat', got);
  mean(cat).forEach((v, j) => assert.ok(Math.abs(got[j]! - v) < 1e-12));
});

test('wordspace vectors = fasttext print-word-vectors on the fixture (in-vocabulary, unseen, non-ASCII, </s>)', async () => {
  const words = readFileSync(join(FIXTURES, 'words.txt'), 'utf8');
  const expected = parseVectors(readFileSync(join(FIXTURES, 'expected.txt'), 'utf8'));
  const r = await runCli(['vectors', TINY], words);
  assert.equal(r.code, 0, r.stderr);
  assertSameVectors(parseVectors(r.stdout), expected, 'stdin');
  assert.match(r.stderr, /^wordspace: warning: 5 words not in the vocabulary, built from character n-grams \("doggo", "cafe", "日本語", …\)$/m);
  const args = await runCli(['vectors', TINY, 'cat', 'doggo']);
  assertSameVectors(parseVectors(args.stdout), expected.filter((e) => e.word === 'cat' || e.word === 'doggo'), 'arguments');
});

test('wordspace vectors --sentence = fasttext print-sentence-vectors (unit word vectors averaged, an empty line zeros)', async () => {
  const r = await runCli(['vectors', TINY, '--sentence'], readFileSync(join(FIXTURES, 'sentences.txt'), 'utf8'));
  assert.equal(r.code, 0, r.stderr);
  assertSameVectors(parseVectors(r.stdout, false), parseVectors(readFileSync(join(FIXTURES, 'sentences-expected.txt'), 'utf8'), false), 'sentences');
});

test('wordspace vectors --all prints the vocabulary; convert writes the same in-vocabulary vectors', async () => {
  const all = await runCli(['vectors', TINY, '--all']);
  const rows = parseVectors(all.stdout);
  assert.equal(rows.length, 27);
  assert.equal(rows[0]!.word, '</s>');
  const out = join(dir, 'tiny.vec');
  const c = await runCli(['convert', TINY, out]);
  assert.equal(c.code, 0, c.stderr);
  const text = readFileSync(out, 'utf8').split('\n');
  assert.equal(text[0], '27 5');
  assertSameVectors(parseVectors(text.slice(1).join('\n')), rows, 'convert');
  const expected = parseVectors(readFileSync(join(FIXTURES, 'expected.txt'), 'utf8'));
  assertSameVectors(rows.filter((x) => x.word === 'cat'), expected.filter((x) => x.word === 'cat'), 'cat');
});

test('vectors of plain vector files: unseen words are zeros, counted on stderr', async () => {
  const file = join(dir, 'plain.txt');
  writeFileSync(file, '2 3\ncat 1 2 3\ndog 4 5 6\n');
  const r = await runCli(['vectors', file, 'dog', 'doggo']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'dog 4 5 6\ndoggo 0 0 0\n');
  assert.match(r.stderr, /1 word not in the vocabulary, printed as zeros \("doggo"\)/);
});

test('similar and analogy on a fastText model answer for an unseen word, from the vocabulary only', async () => {
  const all = parseVectors((await runCli(['vectors', TINY, '--all'])).stdout);
  const doggo = parseVectors(readFileSync(join(FIXTURES, 'expected.txt'), 'utf8')).find((e) => e.word === 'doggo')!.values;
  const cos = (a: number[], b: number[]): number => {
    const dot = (x: number[], y: number[]): number => x.reduce((s, v, j) => s + v * y[j]!, 0);
    return dot(a, b) / Math.sqrt(dot(a, a) * dot(b, b));
  };
  const ranked = all.map((row) => ({ word: row.word, score: cos(row.values, doggo) })).sort((x, y) => y.score - x.score);
  const r = await runCli(['similar', TINY, 'doggo', '-k', '3', '--format', 'tsv']);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(r.stdout.trim().split('\n').slice(1).map((line) => line.split('\t')[2]), ranked.slice(0, 3).map((x) => x.word));
  assert.match(r.stderr, /"doggo" is not in the vocabulary; built from character n-grams/);
  const a = await runCli(['analogy', TINY, 'cat', 'dogs', 'park', '-k', '30', '--format', 'tsv']);
  assert.equal(a.code, 0, a.stderr);
  const answers = a.stdout.trim().split('\n').slice(1).map((line) => line.split('\t')[1]);
  assert.equal(answers.length, 27 - 2, 'every vocabulary word but cat and park, never the built "dogs"');
  assert.ok(!answers.includes('dogs'));
});

test('a truncated or damaged fastText file is one error line', async () => {
  const bytes = readFileSync(TINY);
  // Cut inside the header, the args, the dictionary, the input matrix and the output matrix.
  for (const length of [6, 40, 120, 400, 2000, bytes.length - 1]) {
    const file = join(dir, `cut-${length}.bin`);
    writeFileSync(file, bytes.subarray(0, length));
    const r = await runCli(['vectors', file, 'cat']);
    assert.equal(r.code, 1, `cut at ${length}`);
    assert.match(r.stderr, /^wordspace: .*cut-\d+\.bin is truncated: .*\(check that the file was copied completely\)\n$/, `cut at ${length}: ${r.stderr}`);
  }
  // The quantization flag sits before the input matrix (int64 rows, int64 cols, 127 × 5 float32),
  // which the flag and the output matrix (27 × 5) follow.
  const quantAt = bytes.length - (1 + 16 + 27 * 5 * 4) - (16 + 127 * 5 * 4) - 1;
  assert.equal(bytes[quantAt], 0);
  const quantized = Buffer.from(bytes);
  quantized[quantAt] = 1;
  writeFileSync(join(dir, 'q.bin'), quantized);
  const q = await runCli(['similar', join(dir, 'q.bin'), 'cat']);
  assert.equal(q.code, 1);
  assert.equal(q.stderr.split('\n').length, 2, q.stderr);
  assert.match(q.stderr, /is a quantized fastText model \(\.ftz\); wordspace reads only full \.bin models/);
  const version = Buffer.from(bytes);
  version.writeInt32LE(13, 4);
  writeFileSync(join(dir, 'v.bin'), version);
  const v = await runCli(['similar', join(dir, 'v.bin'), 'cat']);
  assert.match(v.stderr, /^wordspace: .*v\.bin is a fastText model of file version 13; wordspace reads versions 11 and 12/);
  // A dictionary claiming far more entries than the file holds: refused before allocating.
  const huge = Buffer.from(bytes);
  huge.writeInt32LE(2_000_000_000, 8 + 56);
  huge.writeInt32LE(2_000_000_000, 8 + 60);
  writeFileSync(join(dir, 'huge.bin'), huge);
  const h = await runCli(['vectors', join(dir, 'huge.bin'), 'cat']);
  assert.equal(h.code, 1);
  assert.match(h.stderr, /^wordspace: .*huge\.bin is truncated: a dictionary of 2,000,000,000 entries needs 20,000,000,000 bytes/);
});

test('a model trained by the fasttext CLI reads as print-word-vectors prints it', { skip: !FASTTEXT && 'the fasttext CLI is not installed (apt-get install fasttext)' }, async () => {
  const corpus = join(dir, 'corpus.txt');
  writeFileSync(corpus, 'the quick brown fox jumps over the lazy dog\nthe dog sleeps under the old tree\nà la carte über naïve 東京 タワー\n'.repeat(20));
  const prefix = join(dir, 'm');
  const train = spawnSync('fasttext', ['skipgram', '-input', corpus, '-output', prefix, '-dim', '10', '-minCount', '1', '-epoch', '1', '-thread', '1', '-bucket', '1000'], { encoding: 'utf8' });
  assert.equal(train.status, 0, train.stderr);
  const words = 'the fox naïve 東京 foxes dogg über-naïve tower </s> x\n';
  const reference = spawnSync('fasttext', ['print-word-vectors', `${prefix}.bin`], { input: words, encoding: 'utf8' });
  assert.equal(reference.status, 0, reference.stderr);
  const r = await runCli(['vectors', `${prefix}.bin`, '--precision', '9'], words);
  assert.equal(r.code, 0, r.stderr);
  assertSameVectors(parseVectors(r.stdout), parseVectors(reference.stdout), 'trained here');
});

test('evaluate on a fastText model reports each similarity set both ways: pairs found, and +n-grams over all pairs', async () => {
  const set = join(dir, 'sim.txt');
  const pairs: [string, string, number][] = [['cat', 'dog', 8], ['cat', 'doggo', 7], ['cafe', 'café', 9], ['car', 'house', 3], ['bird', 'flew', 4], ['zzzqqq', 'cat', 1]];
  writeFileSync(set, pairs.map((p) => p.join(' ')).join('\n'));
  const r = await runCli(['evaluate', TINY, '--similarity', set, '--format', 'json']);
  assert.equal(r.code, 0, r.stderr);
  const report = JSON.parse(r.stdout) as { similarity: { set: string; pairs: number; found: number; spearman: number }[] };
  assert.deepEqual(report.similarity.map((s) => [s.set, s.found, s.pairs]), [['sim', 3, 6], ['sim +n-grams', 6, 6]]);
  // Spearman's ρ over all six pairs, from the vectors `wordspace vectors` prints (no ties: 1 − 6Σd²/(n(n²−1))).
  const words = [...new Set(pairs.flatMap(([a, b]) => [a, b]))];
  const vectors = new Map(parseVectors((await runCli(['vectors', TINY, '--precision', '9', ...words])).stdout).map((v) => [v.word, v.values]));
  const cos = (a: number[], b: number[]): number => {
    const dot = (x: number[], y: number[]): number => x.reduce((s, v, j) => s + v * y[j]!, 0);
    return dot(a, b) / Math.sqrt(dot(a, a) * dot(b, b));
  };
  const ranks = (xs: number[]): number[] => xs.map((x) => xs.filter((y) => y < x).length + 1);
  const gold = ranks(pairs.map((p) => p[2]));
  const got = ranks(pairs.map(([a, b]) => cos(vectors.get(a)!, vectors.get(b)!)));
  const d2 = gold.reduce((s, g, i) => s + (g - got[i]!) ** 2, 0);
  const n = pairs.length;
  assert.ok(Math.abs(report.similarity[1]!.spearman - (1 - (6 * d2) / (n * (n * n - 1)))) < 1e-9);
});
