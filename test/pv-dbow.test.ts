/**
 * encode docvec --method pv-dbow (the kernel's update against a numpy reference, reproducibility),
 * the saved document model (--save-model, --infer) and `similar DOCVECS --text`.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { decodeModel, encodeModel, type DocvecModel } from '../src/encoders/docvec/model.js';
import {
  createSharedMemory, Kernel, kernelConstants, loadKernelModule, planLayout, readVectors, writeTables, writeVectors,
} from '../src/encoders/word2vec/kernel.js';
import { aliasTable, sigmoidTable } from '../src/encoders/word2vec/tables.js';
import { readMatrix } from '../src/io/formats/index.js';
import { runCli } from './helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'ws-pvdbow-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function assertClose(actual: ArrayLike<number>, expected: number[], what: string, tolerance = 1e-6): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++) assert.ok(Math.abs(actual[i]! - expected[i]!) <= tolerance, `${what}[${i}]: ${actual[i]} vs ${expected[i]}`);
}

const INPUT = [[0.1, -0.2, 0.3, 0.05], [0.2, 0.1, -0.1, 0.4], [-0.3, 0.2, 0.1, 0.1]];
const OUTPUT = [[0.05, 0.1, -0.2, 0.3], [-0.1, 0.2, 0.3, 0.1], [0.2, -0.1, 0.05, 0.15]];
const DOC = [0.3, -0.1, 0.2, 0.25];

/** The kernel on the toy model of fixtures/docvec/reference.py: no subsampling, the negative always word 2, window 1. */
async function toyDocument(trainWords: boolean, learnOutput: boolean) {
  const module = await loadKernelModule();
  const constants = kernelConstants(module);
  const layout = planLayout(3, 4, 1, constants, 1);
  const memory = createSharedMemory(layout);
  const alias = aliasTable([0, 0, 1]);
  writeTables(memory, layout, {
    sigmoid: sigmoidTable(constants.sigmoidTableSize, constants.sigmoidBound),
    keep: new Float32Array(3).fill(1),
    aliasProbability: alias.probability,
    aliasIndex: alias.alias,
  });
  writeVectors(memory, layout, 'input', Float32Array.from(INPUT.flat()));
  writeVectors(memory, layout, 'output', Float32Array.from(OUTPUT.flat()));
  new Float32Array(memory.buffer, layout.documentVectors, 4).set(DOC);
  const kernel = new Kernel(module, memory, layout, 0, { window: 1, negative: 1, cbow: false });
  kernel.seed(1, 2);
  kernel.trainDocument(Int32Array.from([0, 1, -1]), layout.documentVectors, 0.1, trainWords, learnOutput);
  return { input: readVectors(memory, layout, 'input'), output: readVectors(memory, layout, 'output'), doc: new Float32Array(memory.buffer, layout.documentVectors, 4) };
}

test('PV-DBOW kernel: the document vector predicts each word (negative sampling) as gensim train_document_dbow, against numpy', async () => {
  // Expected: fixtures/docvec/reference.py, run(False, True): h = doc, g = (label − σ(h·out[t]))·alpha, ∂h += g·out[t], out[t] += g·h; doc += ∂h per word.
  const r = await toyDocument(false, true);
  assertClose(r.input, INPUT.flat(), 'input (untouched without --train-words)');
  assertClose(r.output, [
    0.064730029, 0.09508999, -0.190179981, 0.312275024,
    -0.085669856, 0.195591285, 0.309207749, 0.11260795,
    0.168721048, -0.089968644, 0.029518372, 0.123219236,
  ], 'output');
  assertClose(r.doc, [0.27724407, -0.074979871, 0.200183875, 0.254484164], 'doc');
});

test('PV-DBOW kernel --train-words: skip-gram on the window, then the document vector, per word (gensim dbow_words=1), against numpy', async () => {
  const r = await toyDocument(true, true);
  assertClose(r.input, [
    0.086170847, -0.185093082, 0.312339563, 0.048906788,
    0.191885641, 0.109820666, -0.111826516, 0.406017551,
    -0.3, 0.2, 0.1, 0.1,
  ], 'input');
  assertClose(r.output, [
    0.073861647, 0.099730766, -0.194850743, 0.330643213,
    -0.080738577, 0.185852827, 0.323826968, 0.11514386,
    0.153273676, -0.084958418, 0.019416551, 0.099854002,
  ], 'output');
  assertClose(r.doc, [0.279393811, -0.075312902, 0.201023286, 0.257820958], 'doc');
});

test('PV-DBOW kernel for inference: output weights frozen (gensim learn_hidden=False), only the document vector moves, against numpy', async () => {
  const r = await toyDocument(false, false);
  assertClose(r.output, OUTPUT.flat(), 'output (frozen)');
  assertClose(r.doc, [0.276346434, -0.074670691, 0.199610369, 0.253741117], 'doc');
});

/** A small corpus with two topics, one document a line. */
const TOPICS = [
  'the cat sat on the mat and the cat purred',
  'a dog and a cat played in the garden with the dog',
  'stocks fell as the market closed lower on bank news',
  'the bank raised rates and the market rallied on the news',
  'my cat sleeps on the warm mat all day',
  'investors sold stocks as the bank market fell',
];
const corpus = join(dir, 'topics.txt');
writeFileSync(corpus, `${TOPICS.join('\n')}\n`);
const TRAIN = ['encode', 'docvec', corpus, '--docs', 'line', '--tokenizer', 'whitespace', '--method', 'pv-dbow', '--dim', '8', '--epochs', '20', '--threads', '1', '-q'];

test('encode docvec --method pv-dbow --threads 1 --seed: byte-identical run to run, another seed differs; one row per document', async () => {
  const outs = [];
  for (const seed of ['3', '3', '4']) {
    const r = await runCli([...TRAIN, '--seed', seed, '--train-words', '-f', 'text']);
    assert.equal(r.code, 0, r.stderr);
    outs.push(r.stdout);
  }
  assert.equal(outs[0], outs[1]);
  assert.notEqual(outs[0], outs[2]);
  const lines = outs[0]!.trim().split('\n');
  assert.equal(lines[0], '6 8');
  assert.equal(lines[1]!.split(' ')[0], `${corpus}:1`);
  const bad = await runCli([...TRAIN, '--vectors', corpus]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /^wordspace: --vectors is for sif and mean/);
});

test('the document model file round-trips, and a damaged or foreign file is one error line', async () => {
  const model: DocvecModel = {
    method: 'sif', dim: 2, words: ['a', 'b'], counts: [3, 1], tokenizer: { tokenizer: 'whitespace', keepCase: false },
    settings: { sifA: 0.001, sifComponents: 1 }, wordVectors: Float32Array.from([1, 0, 0.5, 2]), has: Float32Array.from([1, 1]), components: Float32Array.from([0.6, 0.8]),
  };
  const back = decodeModel(encodeModel(model), 'm');
  assert.deepEqual({ ...back }, { ...model });
  const bytes = encodeModel(model);
  assert.throws(() => decodeModel(bytes.subarray(0, bytes.length - 4), 'm'), /m: not a wordspace document model \(truncated or unknown array/);
  const path = join(dir, 'foreign.wsdv');
  writeFileSync(path, 'hello');
  const vecs = join(dir, 'two.vec');
  writeFileSync(vecs, '1 2\nd1 1 0\n');
  const r = await runCli(['similar', vecs, '--text', 'a', '--model', path]);
  assert.equal(r.code, 1);
  assert.equal(r.stderr.trim().split('\n').length, 1);
  assert.match(r.stderr, /not a wordspace document model \(no WSDOCVEC header\)/);
});

test('--save-model then --infer: sif reproduces the training vectors exactly (the model keeps weights and components); pv-dbow inference finds each document itself', async () => {
  const words = join(dir, 'words.vec');
  const w = await runCli(['encode', 'sgns', corpus, '--tokenizer', 'whitespace', '--min-count', '1', '--dim', '6', '--epochs', '2', '--threads', '1', '-q', '-o', words]);
  assert.equal(w.code, 0, w.stderr);
  const sifModel = join(dir, 'sif.wsdv');
  const sifOut = join(dir, 'sif.json');
  const s = await runCli(['encode', 'docvec', corpus, '--docs', 'line', '--tokenizer', 'whitespace', '--vectors', words, '--save-model', sifModel, '-q', '-o', sifOut]);
  assert.equal(s.code, 0, s.stderr);
  const sifInfer = join(dir, 'sif-infer.json');
  const si = await runCli(['encode', 'docvec', corpus, '--docs', 'line', '--tokenizer', 'whitespace', '--infer', sifModel, '-q', '-o', sifInfer]);
  assert.equal(si.code, 0, si.stderr);
  const trained = await readMatrix(sifOut);
  const inferred = await readMatrix(sifInfer);
  assert.deepEqual(inferred.rows, trained.rows);
  assertClose(Array.from((inferred as { data: Float32Array }).data), Array.from((trained as { data: Float32Array }).data), 'sif rows', 1e-5);

  const pvModel = join(dir, 'pv.wsdv');
  const pvOut = join(dir, 'pv.vec');
  const p = await runCli([...TRAIN, '--epochs', '200', '--sample', '0', '--negative', '3', '--save-model', pvModel, '-o', pvOut]);
  assert.equal(p.code, 0, p.stderr);
  // similar --text with the model recorded in pv.vec's metadata: each training document's own text
  // is nearest to that document (gensim's sanity check of infer_vector).
  for (let d = 0; d < TOPICS.length; d++) {
    const r = await runCli(['similar', pvOut, '--text', TOPICS[d]!, '-k', '1', '--format', 'tsv']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim().split('\n')[1]!.split('\t')[2], `${corpus}:${d + 1}`, r.stdout);
  }
  const stdin = await runCli(['similar', pvOut, '--text', '-', '-k', '1', '--format', 'tsv'], TOPICS[2]);
  assert.equal(stdin.code, 0, stdin.stderr);
  assert.equal(stdin.stdout.trim().split('\n')[1]!.split('\t')[2], `${corpus}:3`);
  // The same text gets the same inferred vector, run to run.
  const a = await runCli(['similar', pvOut, '--text', TOPICS[0]!, '--format', 'tsv']);
  const b = await runCli(['similar', pvOut, '--text', TOPICS[0]!, '--format', 'tsv']);
  assert.equal(a.stdout, b.stdout);
  assert.ok(readFileSync(pvModel).subarray(0, 8).toString('latin1') === 'WSDOCVEC');
});

test('similar --text misuse: one error line each, exit 2 for usage and 1 for input', async () => {
  const vecs = join(dir, 'plain.vec');
  writeFileSync(vecs, '2 2\nd1 1 0\nd2 0 1\n');
  const cases: [string[], number, RegExp][] = [
    [['similar', vecs], 2, /no query words/],
    [['similar', vecs, 'd1', '--text', 'hello'], 2, /--text and query words \(d1\) together/],
    [['similar', vecs, '--text', 'hello'], 2, /--text needs the document model, and .* name none/],
    [['similar', '-', '--text', '-'], 2, /--text - and the vectors both from standard input/],
    [['similar', vecs, '--text', 'hello', '--model', join(dir, 'missing.wsdv')], 1, /cannot read the document model/],
  ];
  for (const [argv, code, message] of cases) {
    const r = await runCli(argv);
    assert.equal(r.code, code, `${argv.join(' ')}: ${r.stderr}`);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.match(r.stderr, message);
  }
  const noModel = await runCli(['encode', 'docvec', corpus, '--infer', join(dir, 'missing.wsdv'), '-q']);
  assert.equal(noModel.code, 1);
  assert.match(noModel.stderr, /^wordspace: cannot read the document model/);
});
