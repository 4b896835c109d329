/**
 * `encode fasttext`: the WebAssembly kernel against the plain TypeScript statement of fastText's
 * update (src/encoders/fasttext/reference.ts) on toy models, determinism, and the `.bin` writer —
 * read back by our reader, byte for byte against a model the fastText CLI wrote (the shipped
 * fixture), and, when they are installed, read by `fasttext print-word-vectors` and gensim.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { gunzipSync } from 'node:zlib';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, test } from 'node:test';
import type { DenseMatrix } from '../src/core/matrix.js';
import { silentProgress } from '../src/core/progress.js';
import { Random } from '../src/core/random.js';
import { buildCorpus, type Corpus } from '../src/corpus/corpus.js';
import { encode } from '../src/encoders/encode.js';
import { fasttext } from '../src/encoders/fasttext/index.js';
import {
  createFastTextMemory, FastTextKernel, fastTextConstants, loadFastTextModule, matrixOf, planFastTextLayout, writeFastTextTables, writeFastTextVectors,
} from '../src/encoders/fasttext/kernel.js';
import { fastTextModelOf, type FastTextModel } from '../src/encoders/fasttext/model.js';
import { referenceSentence, type ReferenceModel } from '../src/encoders/fasttext/reference.js';
import { ngramBuckets } from '../src/encoders/fasttext/subwords.js';
import { subwordTable } from '../src/encoders/fasttext/train.js';
import { aliasTable, sigmoidTable } from '../src/encoders/word2vec/tables.js';
import { runWorkers } from '../src/encoders/word2vec/train.js';
import { FASTTEXT_MAGIC, readFastText, writeFastText } from '../src/io/formats/fasttext.js';
import { readMatrix, writeFastTextFile } from '../src/io/formats/index.js';
import { Sink } from '../src/io/output.js';
import { openSource } from '../src/io/formats/source.js';
import type { TextLine } from '../src/io/input.js';
import { runCli } from './helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'ws-fasttext-train-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const FASTTEXT = spawnSync('fasttext', [], { encoding: 'utf8' }).error === undefined;
const GENSIM = spawnSync('/usr/bin/python3', ['-c', 'import gensim'], { encoding: 'utf8' }).status === 0;
const TINY = fileURLToPath(new URL('../../fixtures/fasttext/tiny.bin', import.meta.url));

/**
 * The kernel on a toy model (V words, `bucket` n-gram rows, the given rows per word), every word
 * kept, negatives always `negativeWord`; and the same model as a ReferenceModel.
 */
async function toy(subwords: number[][], bucket: number, dim: number, negativeWord: number, cbow: boolean) {
  const module = await loadFastTextModule();
  const constants = fastTextConstants(module);
  const vocabSize = subwords.length;
  const offsets = new Int32Array(vocabSize + 1);
  subwords.forEach((rows, w) => (offsets[w + 1] = offsets[w]! + rows.length));
  const layout = planFastTextLayout(vocabSize, bucket, dim, offsets[vocabSize]!, 1, constants);
  const memory = createFastTextMemory(layout);
  const alias = aliasTable(Array.from({ length: vocabSize }, (_, i) => (i === negativeWord ? 1 : 0)));
  const sigmoid = sigmoidTable(constants.sigmoidTableSize, constants.sigmoidBound);
  writeFastTextTables(memory, layout, {
    sigmoid, keep: new Float32Array(vocabSize).fill(1), aliasProbability: alias.probability, aliasIndex: alias.alias, offsets, rows: Int32Array.from(subwords.flat()),
  });
  const random = new Random(11);
  const input = Float32Array.from({ length: (vocabSize + bucket) * dim }, () => (random.next() - 0.5) / 2);
  const output = Float32Array.from({ length: vocabSize * dim }, () => (random.next() - 0.5) / 2);
  writeFastTextVectors(memory, layout, 'input', input);
  writeFastTextVectors(memory, layout, 'output', output);
  const kernel = new FastTextKernel(module, memory, layout, 0, { window: 1, negative: 2, cbow });
  kernel.seed(1, 2);
  const reference: ReferenceModel = { dim, input: Float64Array.from(input), output: Float64Array.from(output) };
  // The kernel's σ: the table's nearest point, 0 or 1 beyond ±bound.
  const bound = constants.sigmoidBound;
  const tableSigmoid = (x: number): number => (x >= bound ? 1 : x <= -bound ? 0 : sigmoid[Math.trunc((x + bound) * (constants.sigmoidTableSize / (2 * bound)) + 0.5)]!);
  return {
    kernel, reference, tableSigmoid,
    read: (which: 'input' | 'output') => matrixOf(memory, layout, which, false),
  };
}

function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tolerance: number, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++) assert.ok(Math.abs(actual[i]! - expected[i]!) <= tolerance, `${what}[${i}]: ${actual[i]} vs ${expected[i]}`);
}

// Word rows 0..3, n-gram bucket rows 4..7; word 0 shares bucket row 6 with word 1 and lists it twice.
const SUBWORDS = [[0, 5, 6, 6], [1, 6, 7], [2, 4], [3]];
const SUBWORDS_CBOW = [[0, 5, 6], [1, 4, 5], [2, 6], [3]];

test('kernel = reference, skip-gram: each centre word\'s subword mean predicts its neighbours, every subword row gains ∂h', async () => {
  // Sentence [1 0 2], window 1: word 0 predicts two neighbours (its h carried from one update to the next).
  const { kernel, reference, tableSigmoid, read } = await toy(SUBWORDS, 4, 8, 3, false);
  const before = read('input').slice();
  kernel.trainPiece(Int32Array.from([1, 0, 2, -1]), 0.1);
  referenceSentence(reference, [1, 0, 2], SUBWORDS, 1, false, () => [3, 3], 0.1, tableSigmoid);
  assertClose(read('input'), reference.input, 1e-6, 'input');
  assertClose(read('output'), reference.output, 1e-6, 'output');
  // Rows no word of the sentence owns (word 3) are untouched; the others moved.
  const after = read('input');
  assert.deepEqual([...after.subarray(3 * 8, 4 * 8)], [...before.subarray(3 * 8, 4 * 8)], 'word row 3 untouched');
  assert.notDeepEqual([...after.subarray(6 * 8, 7 * 8)], [...before.subarray(6 * 8, 7 * 8)], 'shared bucket row 6 moved');
});

test('kernel = reference, CBOW: the mean over every context word\'s subword rows predicts the centre word', async () => {
  const { kernel, reference, tableSigmoid, read } = await toy(SUBWORDS_CBOW, 3, 8, 3, true);
  kernel.trainPiece(Int32Array.from([0, 1, 2, -1]), 0.05);
  referenceSentence(reference, [0, 1, 2], SUBWORDS_CBOW, 1, true, () => [3, 3], 0.05, tableSigmoid);
  assertClose(read('input'), reference.input, 1e-6, 'input');
  assertClose(read('output'), reference.output, 1e-6, 'output');
});

test('subword table: each word\'s own row, then V + hash(n-gram) mod bucket in fastText\'s order; </s> has no n-grams', () => {
  const params = { minn: 3, maxn: 6, bucket: 1000 };
  const table = subwordTable(['cat', '</s>', 'été'], params);
  const rowsOf = (w: number): number[] => [...table.rows.subarray(table.offsets[w]!, table.offsets[w + 1]!)];
  assert.deepEqual(rowsOf(0), [0, ...ngramBuckets('cat', params).map((b) => 3 + b)]);
  assert.equal(rowsOf(0).length, 1 + 6, '<ca <cat <cat> cat cat> at>');
  assert.deepEqual(rowsOf(1), [1]);
  assert.deepEqual(rowsOf(2), [2, ...ngramBuckets('été', params).map((b) => 3 + b)]);
});

/** A small corpus: 300 lines over two topics whose words share stems (so n-grams matter). */
const TOPICS = [['walk', 'walked', 'walking', 'walker', 'run', 'running', 'runner'], ['sea', 'seas', 'seaside', 'ship', 'ships', 'shipping', 'sail']];
function corpusLines(): string[] {
  const random = new Random(5);
  return Array.from({ length: 300 }, () => {
    const topic = TOPICS[random.below(2)]!;
    return Array.from({ length: 8 }, () => topic[random.below(topic.length)]!).join(' ');
  });
}
async function smallCorpus(): Promise<Corpus> {
  const lines: TextLine[] = corpusLines().map((text) => ({ doc: 0, text }));
  return buildCorpus((async function* () { yield* lines; })(), { tokenizer: 'whitespace', keepCase: false, minCount: 1 });
}
const SMALL = { dim: 8, bucket: 1000, epochs: 3, threads: 1, sample: 0 };
const context = { progress: silentProgress, warn: () => {} };

async function binBytes(model: FastTextModel): Promise<Buffer> {
  const parts: Buffer[] = [];
  const sink = new Sink(async (data) => void parts.push(Buffer.from(data)));
  await writeFastText(model, sink);
  await sink.flush();
  return Buffer.concat(parts);
}

test('--threads 1 with a seed is reproducible byte for byte (vectors and .bin), skipgram and cbow; another seed differs', async () => {
  const corpus = await smallCorpus();
  for (const mode of ['skipgram', 'cbow']) {
    const first = (await encode(fasttext, corpus, { ...SMALL, epochs: 1, mode, seed: 3 }, context)) as DenseMatrix;
    const second = (await encode(fasttext, corpus, { ...SMALL, epochs: 1, mode, seed: 3 }, context)) as DenseMatrix;
    const other = (await encode(fasttext, corpus, { ...SMALL, epochs: 1, mode, seed: 4 }, context)) as DenseMatrix;
    assert.deepEqual(Buffer.from(first.data.buffer), Buffer.from(second.data.buffer), `${mode}: same seed`);
    assert.ok((await binBytes(fastTextModelOf(first)!)).equals(await binBytes(fastTextModelOf(second)!)), `${mode}: same .bin`);
    assert.notDeepEqual(Buffer.from(first.data.buffer), Buffer.from(other.data.buffer), `${mode}: another seed`);
    assert.equal(first.meta.method, 'fasttext');
    assert.equal(first.meta.options.mode, mode);
  }
});

test('.bin round trip: the vectors read back equal the trained ones; an unseen word is the mean of its n-gram rows', async () => {
  const corpus = await smallCorpus();
  const matrix = (await encode(fasttext, corpus, { ...SMALL, seed: 1 }, context)) as DenseMatrix;
  const model = fastTextModelOf(matrix)!;
  const path = join(dir, 'ours.bin');
  await writeFastTextFile(model, path, process.stdout);
  const bytes = readFileSync(path);
  assert.equal(bytes.readInt32LE(0), FASTTEXT_MAGIC);
  assert.equal(bytes.readInt32LE(4), 12, 'version');
  const back = await readMatrix(path);
  const read = fastTextModelOf(back)!;
  assert.deepEqual(read.words, ['</s>', ...matrix.rows], '</s> first, then the vocabulary');
  assert.equal(read.dictionary.ntokens, corpus.stream.tokens + corpus.stream.sentences);
  assert.deepEqual({ dim: read.args.dim, bucket: read.args.bucket, minn: read.args.minn, maxn: read.args.maxn, model: read.args.model, loss: read.args.loss }, { dim: 8, bucket: 1000, minn: 3, maxn: 6, model: 2, loss: 2 });
  const out = new Float32Array(8);
  for (const word of matrix.rows) {
    read.wordVector(word, out);
    assert.deepEqual([...out], [...matrix.row(matrix.rows.indexOf(word))], word);
  }
  // Unseen: the mean of rows nwords + hash(n-gram) mod bucket of the trained input matrix.
  const unseen = 'walkers';
  const buckets = ngramBuckets(unseen, { minn: 3, maxn: 6, bucket: 1000 });
  const expected = new Float64Array(8);
  for (const b of buckets) for (let k = 0; k < 8; k++) expected[k]! += model.input[(model.dictionary.nwords + b) * 8 + k]! / buckets.length;
  read.wordVector(unseen, out);
  assertClose(out, Float32Array.from(expected), 1e-7, unseen);
});

test('writing a model the fastText CLI saved (the fixture) gives its bytes back, up to the output matrix it does not keep', async () => {
  const model = await readFastText(await openSource(TINY), { name: 'tiny.bin', warn: () => {} });
  const ours = await binBytes(model);
  const theirs = readFileSync(TINY);
  const outputHeader = ours.length - model.dictionary.nwords * model.args.dim * 4 - 17;
  assert.equal(ours.length, theirs.length);
  assert.ok(ours.subarray(0, outputHeader).equals(theirs.subarray(0, outputHeader)), 'header, dictionary, input matrix');
  assert.ok(ours.subarray(outputHeader, outputHeader + 17).equals(theirs.subarray(outputHeader, outputHeader + 17)), 'output matrix header');
});

test('encode fasttext -o X.bin writes fastText\'s model (X.bin.gz gzipped); -f text the same word vectors (dim 6: rows repacked)', async () => {
  const corpusFile = join(dir, 'corpus.txt');
  writeFileSync(corpusFile, `${corpusLines().join('\n')}\n`);
  const flags = ['encode', 'fasttext', corpusFile, '--min-count', '1', '--dim', '6', '--bucket', '1000', '--epochs', '1', '--threads', '1'];
  const bin = join(dir, 'cli.bin');
  const r = await runCli([...flags, '-o', bin]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /fastText \.bin model/);
  assert.equal(readFileSync(bin).readInt32LE(0), FASTTEXT_MAGIC);
  const gz = await runCli([...flags, '-o', `${bin}.gz`]);
  assert.equal(gz.code, 0, gz.stderr);
  assert.ok(gunzipSync(readFileSync(`${bin}.gz`)).equals(readFileSync(bin)), '.bin.gz is the .bin gzipped');
  const text = await runCli([...flags, '-f', 'text']);
  assert.equal(text.code, 0, text.stderr);
  const lines = text.stdout.trim().split('\n');
  assert.equal(lines[0], '14 6');
  const model = fastTextModelOf(await readMatrix(bin))!;
  const out = new Float32Array(6);
  for (const line of lines.slice(1)) {
    const [word, ...values] = line.split(' ');
    model.wordVector(word!, out);
    assertClose(out, values.map(Number), 1e-6, word!);
  }
  const bad = await runCli(['encode', 'fasttext', corpusFile, '--minn', '4', '--maxn', '3']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--maxn 3 is shorter than --minn 4/);
  // --bucket 0: word vectors only, the same bytes as --maxn 0 (which has no buckets either); with n-grams it is refused.
  const none = ['encode', 'fasttext', corpusFile, '--min-count', '1', '--dim', '6', '--epochs', '1', '--threads', '1', '--seed', '3', '--maxn', '0', '-f', 'text'];
  const zero = await runCli([...none, '--bucket', '0']);
  const plain = await runCli(none);
  assert.equal(zero.code, 0, zero.stderr);
  assert.equal(plain.code, 0, plain.stderr);
  assert.equal(zero.stdout, plain.stdout);
  assert.equal(zero.stdout.trim().split('\n')[0], '14 6');
  const refused = await runCli(['encode', 'fasttext', corpusFile, '--bucket', '0']);
  assert.equal(refused.code, 2);
  assert.match(refused.stderr, /--bucket 0 leaves the n-grams of --maxn 6 no rows/);
  assert.doesNotMatch(refused.stderr, /\n\s+at /);
});

/** `word v1 … vD` lines → word → values. */
function parseVectors(text: string): Map<string, number[]> {
  return new Map(text.split('\n').filter((l) => l.trim() !== '').map((l) => {
    const f = l.trim().split(' ');
    return [f[0]!, f.slice(1).map(Number)];
  }));
}

test('fasttext print-word-vectors reads our .bin: the same vectors for vocabulary and unseen words', { skip: !FASTTEXT && 'the fasttext CLI is not installed (apt-get install fasttext)' }, async () => {
  const corpus = await smallCorpus();
  const matrix = (await encode(fasttext, corpus, { ...SMALL, mode: 'cbow', seed: 2 }, context)) as DenseMatrix;
  const model = fastTextModelOf(matrix)!;
  const path = join(dir, 'for-cli.bin');
  await writeFastTextFile(model, path, process.stdout);
  const words = ['walk', 'seaside', 'shipping', 'walkers', 'seasick', 'été'];
  const printed = spawnSync('fasttext', ['print-word-vectors', path], { input: words.join('\n'), encoding: 'utf8' });
  assert.equal(printed.status, 0, printed.stderr);
  const theirs = parseVectors(printed.stdout);
  const out = new Float32Array(8);
  for (const word of words) {
    model.wordVector(word, out);
    const want = theirs.get(word)!;
    assert.ok(want, `fastText printed ${word}`);
    // print-word-vectors prints 5 significant digits.
    want.forEach((v, k) => assert.ok(Math.abs(v - out[k]!) <= 1e-5 + 5e-5 * Math.abs(v), `${word}[${k}]: fastText ${v}, ours ${out[k]}`));
  }
});

test('gensim load_facebook_model reads our .bin (same vectors in and out of the vocabulary)', { skip: !GENSIM && 'gensim is not importable by /usr/bin/python3 (apt-get install python3-gensim)' }, async () => {
  const corpus = await smallCorpus();
  const matrix = (await encode(fasttext, corpus, { ...SMALL, seed: 2 }, context)) as DenseMatrix;
  const model = fastTextModelOf(matrix)!;
  const path = join(dir, 'for-gensim.bin');
  await writeFastTextFile(model, path, process.stdout);
  const script = 'import sys, json\nfrom gensim.models.fasttext import load_facebook_model\nm = load_facebook_model(sys.argv[1])\nprint(json.dumps({w: [float(x) for x in m.wv[w]] for w in ["walk", "ships", "walkers"]}))';
  const run = spawnSync('/usr/bin/python3', ['-c', script, path], { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  const theirs = JSON.parse(run.stdout.trim().split('\n').pop()!) as Record<string, number[]>;
  const out = new Float32Array(8);
  for (const [word, values] of Object.entries(theirs)) {
    model.wordVector(word, out);
    assertClose(out, values, 1e-6, `gensim ${word}`);
  }
});

test('a training thread that fails is named by its method (the threads are shared by word2vec, fastText and PV-DBOW)', async () => {
  const failing = new URL('data:text/javascript,throw new Error("boom")');
  for (const name of ['word2vec', 'fastText', 'PV-DBOW']) {
    await assert.rejects(runWorkers([{ parts: [] }], () => {}, failing, name), (err: Error) => err.message === `${name} training thread 1 failed: boom`);
  }
});
