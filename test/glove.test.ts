import assert from 'node:assert/strict';
import { test } from 'node:test';
import { UsageError } from '../src/core/errors.js';
import type { DenseMatrix } from '../src/core/matrix.js';
import { silentProgress } from '../src/core/progress.js';
import { Random } from '../src/core/random.js';
import { buildCorpus, type Corpus } from '../src/corpus/corpus.js';
import { countCooccurrences } from '../src/encoders/cooc.js';
import { glove, gloveWeight } from '../src/encoders/glove.js';
import {
  BLOCK_RECORDS, createSharedMemory, GloveKernel, loadKernelModule, parameterViews, planLayout, recordViews, writeRecord,
} from '../src/encoders/glove/kernel.js';
import type { TextLine } from '../src/io/input.js';

const close = (actual: number, expected: number, tolerance: number, what: string): void => {
  assert.ok(Math.abs(actual - expected) <= tolerance, `${what}: ${actual} differs from ${expected} by more than ${tolerance}`);
};

async function corpusOf(sentences: string[]): Promise<Corpus> {
  async function* lines(): AsyncGenerator<TextLine> {
    for (const text of sentences) yield { doc: 0, text };
  }
  return buildCorpus(lines(), { tokenizer: 'whitespace', keepCase: false, minCount: 1 });
}

const context = { progress: silentProgress, warn: (message: string) => assert.fail(`unexpected warning: ${message}`) };

/**
 * A 3-word model with dim 2, set by hand: W, W̃, biases and three co-occurrence records
 * (word, context, log X, f(X)) = (0, 1, ln 2, 0.5), (1, 2, ln 4, 1), (2, 0, 0, 0.25).
 */
async function handModel(gradClip = 100) {
  const module = await loadKernelModule();
  const layout = planLayout(3, 2, 3);
  const memory = createSharedMemory(layout);
  const p = parameterViews(memory, layout);
  const s = layout.stride;
  assert.equal(s, 4);
  [[0.1, 0.2], [0.3, -0.1], [0, 0.5]].forEach((row, i) => p.wordVectors.set(row, i * s));
  [[0.2, 0.1], [-0.2, 0.4], [0.1, 0.1]].forEach((row, i) => p.contextVectors.set(row, i * s));
  p.wordBias.set([0.1, 0.2, 0.3]);
  p.contextBias.set([0.05, -0.1, 0]);
  for (const g of [p.wordGradsq, p.contextGradsq, p.wordBiasGradsq, p.contextBiasGradsq]) g.fill(1);
  const records = recordViews(memory, layout);
  writeRecord(records, 0, 0, 1, Math.log(2), 0.5);
  writeRecord(records, 1, 1, 2, Math.log(4), 1);
  writeRecord(records, 2, 2, 0, 0, 0.25);
  const kernel = new GloveKernel(module, memory, layout, { eta: 0.05, gradClip });
  kernel.seed(1, 0);
  return { kernel, p, s, layout, memory };
}

// Reference numbers: an independent float64 NumPy re-implementation of glove.c's update
// (stanfordnlp/GloVe master, glove_thread) on the same hand-set model; by hand, record 1 has
// diff = 0.1·(−0.2) + 0.2·0.4 + 0.1 − 0.1 − ln 2 = −0.633147, cost ½·0.5·diff² = 0.100219.

test('glove cost: ½·Σ f(X)(w·w̃ + b + b̃ − log X)² on a 3-word matrix', async () => {
  const { kernel } = await handModel();
  close(kernel.cost(0, 1), 0.10021883806275197, 1e-7, 'record 1');
  close(kernel.cost(1, 2), 0.6801212683900268, 1e-7, 'record 2');
  close(kernel.cost(2, 3), 0.02, 1e-7, 'record 3');
  close(kernel.cost(0, 3), 0.8003401064527789, 1e-6, 'total');
});

test('glove: one AdaGrad step matches glove.c (vectors step eta·g/√G, biases step g/√G, G += step²)', async () => {
  const { kernel, p, s } = await handModel();
  // A slice of one record: the fused shuffle can only pick the record itself.
  close(kernel.trainRange(0, 0, 1), 0.10021883806275197, 1e-7, 'cost returned by the step');
  close(p.wordVectors[0]!, 0.09683426409720028, 1e-7, 'w0[0]');
  close(p.wordVectors[1]!, 0.20633147180559946, 1e-7, 'w0[1]');
  close(p.contextVectors[s]!, -0.19841713204860015, 1e-7, 'w̃1[0]');
  close(p.contextVectors[s + 1]!, 0.40316573590279975, 1e-7, 'w̃1[1]');
  close(p.wordBias[0]!, 0.41657359027997265, 1e-7, 'b0');
  close(p.contextBias[1]!, 0.2165735902799726, 1e-7, 'b̃1');
  close(p.wordGradsq[0]!, 1.0000100218838062, 1e-7, 'G(w0[0])');
  close(p.wordGradsq[1]!, 1.000040087535225, 1e-7, 'G(w0[1])');
  close(p.contextGradsq[s]!, 1.0000025054709516, 1e-7, 'G(w̃1[0])');
  close(p.wordBiasGradsq[0]!, 1.100218838062752, 1e-7, 'G(b0)');
  // Untouched: the other rows, and the padding lanes (0 in vectors, 1 in squared gradients).
  assert.deepEqual(Array.from(p.wordVectors.subarray(s, 2 * s)), Array.from(new Float32Array([0.3, -0.1, 0, 0])));
  assert.deepEqual(Array.from(p.wordVectors.subarray(2, 4)), [0, 0]);
  assert.deepEqual(Array.from(p.wordGradsq.subarray(2, 4)), [1, 1]);
  // A second step on the same record uses the accumulated squared gradients.
  close(kernel.trainRange(0, 0, 1), 3.944598580831442e-6, 1e-9, 'cost of the second step');
  close(p.wordVectors[0]!, 0.09685396782517841, 1e-7, 'w0[0] after two steps');
  close(p.contextVectors[s + 1]!, 0.40314524624471526, 1e-7, 'w̃1[1] after two steps');
  close(p.wordBias[0]!, 0.41468010528137367, 1e-7, 'b0 after two steps');
  assert.equal(kernel.skipped(), 0);
});

test('glove: gradient components are clipped to ±grad-clip before the learning rate', async () => {
  const { kernel, p, s } = await handModel(0.1);
  kernel.trainRange(0, 0, 1);
  // fdiff·w̃1 = (0.0633, −0.1266): the second component is clipped to −0.1, so w0[1] = 0.2 + 0.05·0.1.
  close(p.wordVectors[0]!, 0.09683426409720028, 1e-7, 'w0[0] (not clipped)');
  close(p.wordVectors[1]!, 0.205, 1e-7, 'w0[1] (clipped)');
  close(p.contextVectors[s + 1]!, 0.40316573590279975, 1e-7, 'w̃1[1] (not clipped)');
});

test('glove: epochs visit a slice in new orders, mix records across blocks and keep every record', async () => {
  const module = await loadKernelModule();
  const n = 2 * BLOCK_RECORDS + 100;
  const layout = planLayout(n, 4, n);
  const memory = createSharedMemory(layout);
  const p = parameterViews(memory, layout);
  for (const g of [p.wordGradsq, p.contextGradsq, p.wordBiasGradsq, p.contextBiasGradsq]) g.fill(1);
  const records = recordViews(memory, layout);
  for (let i = 0; i < n; i++) writeRecord(records, i, i, (i * 7) % n, 0, 0.5);
  const kernel = new GloveKernel(module, memory, layout, { eta: 0.05, gradClip: 100 });
  kernel.seed(42, 0);
  let reported = 0;
  const order = (): number[] => {
    for (let i = 0; i < n; i++) assert.equal(records.ints[i * 4 + 1], (records.ints[i * 4]! * 7) % n, 'context travels with its word');
    return Array.from({ length: n }, (_, i) => records.ints[i * 4]!);
  };
  kernel.trainSlice(0, n, (count) => (reported += count));
  assert.equal(reported, n);
  const first = order();
  assert.notDeepEqual(first, Array.from({ length: n }, (_, i) => i));
  kernel.trainSlice(0, n);
  kernel.trainSlice(0, n);
  const third = order();
  assert.notDeepEqual(third, first);
  for (const words of [first, third]) assert.deepEqual([...words].sort((a, b) => a - b), Array.from({ length: n }, (_, i) => i));
  // Block boundaries move between epochs: some record that started in the first block has left it.
  assert.ok(third.slice(BLOCK_RECORDS).some((word) => word < BLOCK_RECORDS));
});

test('glove weighting function f(x) = min(1, (x/x_max)^alpha)', () => {
  close(gloveWeight(5, 10, 0.75), 0.5946035575013605, 1e-12, 'f(5) with x_max 10'); // 0.5^0.75
  close(gloveWeight(1, 100, 0.75), 0.03162277660168379, 1e-12, 'f(1) with x_max 100'); // 10^-1.5
  close(gloveWeight(0.5, 1, 0.5), Math.SQRT1_2, 1e-12, 'f(0.5) with x_max 1, alpha 0.5');
  assert.equal(gloveWeight(10, 10, 0.75), 1);
  assert.equal(gloveWeight(250, 100, 0.75), 1);
});

/**
 * Two topics: each sentence is 6 words, each drawn from the sentence's topic with probability 0.8,
 * else from the other one. Within-topic counts are high, cross-topic counts low but non-zero, so log X
 * has a block structure the biases alone cannot fit and the vectors must learn.
 */
const FRUIT = ['apple', 'banana', 'cherry', 'grape', 'melon', 'peach'];
const CAR = ['engine', 'wheel', 'brake', 'gear', 'clutch', 'piston'];
async function topicCorpus(): Promise<Corpus> {
  const random = new Random(3);
  const sentences: string[] = [];
  for (let s = 0; s < 400; s++) {
    sentences.push(Array.from({ length: 6 }, () => {
      const topic = (random.next() < 0.8) === (s % 2 === 0) ? FRUIT : CAR;
      return topic[random.below(topic.length)]!;
    }).join(' '));
  }
  return corpusOf(sentences);
}

function cosine(m: DenseMatrix, a: string, b: string): number {
  const x = m.row(m.rows.indexOf(a));
  const y = m.row(m.rows.indexOf(b));
  let xy = 0;
  let xx = 0;
  let yy = 0;
  for (let k = 0; k < x.length; k++) {
    xy += x[k]! * y[k]!;
    xx += x[k]! * x[k]!;
    yy += y[k]! * y[k]!;
  }
  return xy / Math.sqrt(xx * yy);
}

test('glove on a toy corpus: the loss falls and words that co-occur more end up closer', async () => {
  const corpus = await topicCorpus();
  const m = (await glove.encode(corpus, { dim: 10, window: 3, epochs: 30, threads: 1, seed: 5, xMax: 10 }, context)) as DenseMatrix;
  const loss = m.meta.lossPerEpoch as number[];
  assert.equal(loss.length, 30);
  // 144 cells: the biases fit first (a steep fall), then the vectors learn the topics (a second fall).
  assert.ok(loss[1]! < loss[0]! && loss[2]! < loss[1]!, `loss ${loss.slice(0, 3).join(' → ')}`);
  assert.ok(Math.max(...loss.slice(25)) < loss[1]! / 5, `loss ${loss[1]} → ${loss.slice(25).join(', ')}`);
  let within = 0;
  let across = 0;
  for (let i = 0; i < 6; i++) {
    for (let j = 0; j < 6; j++) {
      if (i < j) within += cosine(m, FRUIT[i]!, FRUIT[j]!) + cosine(m, CAR[i]!, CAR[j]!);
      across += cosine(m, FRUIT[i]!, CAR[j]!);
    }
  }
  within /= 30;
  across /= 36;
  // Measured 0.95 within vs −0.96 across (seeds 5–8 all give |cos| > 0.95).
  assert.ok(within > 0.5 && across < -0.5, `mean cosine within topics ${within.toFixed(3)}, across ${across.toFixed(3)}`);
  assert.ok(cosine(m, 'apple', 'banana') > cosine(m, 'apple', 'engine'));
});

test('glove result: rows are the vocabulary, vectors W + W̃, every effective option in meta', async () => {
  const corpus = await corpusOf(['the cat sat on the mat', 'the dog sat on the log', 'a cat and a dog']);
  const m = (await glove.encode(corpus, { dim: 6, window: 2, epochs: 3, threads: 1, seed: 9 }, context)) as DenseMatrix;
  assert.equal(m.kind, 'dense');
  assert.deepEqual(m.rows, corpus.vocab.words);
  assert.equal(m.columns, null);
  assert.equal(m.nCols, 6);
  assert.equal(m.meta.method, 'glove');
  assert.deepEqual(m.meta.options, { dim: 6, window: 2, epochs: 3, lr: 0.05, xMax: 100, weightExponent: 0.75, gradClip: 100, threads: 1, seed: 9 });
  assert.equal(m.meta.seed, 9);
  assert.equal(m.meta.vocabularySize, corpus.vocab.size);
  assert.equal(m.meta.nonZeros, countCooccurrences(corpus, { window: 2, distanceWeighting: 'harmonic' }).nnz);
  assert.equal(m.meta.vectors, 'W + W̃ (word + context)');
  assert.equal((m.meta.lossPerEpoch as number[]).length, 3);
  for (const v of m.data) assert.ok(Number.isFinite(v));
});

test('glove with --threads 1 and a seed gives the same bytes on every run; another seed differs', async () => {
  const corpus = await topicCorpus();
  const options = { dim: 8, window: 4, epochs: 4, threads: 1, seed: 11 };
  const a = (await glove.encode(corpus, options, context)) as DenseMatrix;
  const b = (await glove.encode(corpus, options, context)) as DenseMatrix;
  const c = (await glove.encode(corpus, { ...options, seed: 12 }, context)) as DenseMatrix;
  assert.deepEqual(Buffer.from(a.data.buffer), Buffer.from(b.data.buffer));
  assert.deepEqual(a.meta.lossPerEpoch, b.meta.lossPerEpoch);
  assert.notDeepEqual(Buffer.from(a.data.buffer), Buffer.from(c.data.buffer));
});

test('glove trains with two worker threads (Hogwild) on a larger matrix', async () => {
  const random = new Random(21);
  const sentences: string[] = [];
  for (let s = 0; s < 2000; s++) sentences.push(Array.from({ length: 20 }, () => `w${random.below(600)}`).join(' '));
  const corpus = await corpusOf(sentences);
  const m = (await glove.encode(corpus, { dim: 8, window: 10, epochs: 3, threads: 2, seed: 1 }, context)) as DenseMatrix;
  assert.ok((m.meta.nonZeros as number) > 2 * 65536, `only ${m.meta.nonZeros} cells`);
  assert.equal(m.meta.threadsUsed, 2);
  const loss = m.meta.lossPerEpoch as number[];
  assert.ok(loss[2]! < loss[0]!, `loss ${loss.join(' → ')}`);
  for (const v of m.data) assert.ok(Number.isFinite(v));
});

test('glove options reject values glove.c would misread', () => {
  const parse = (flag: string, value: string): unknown => glove.options.find((o) => o.flags.startsWith(flag))!.parse!(value);
  assert.throws(() => parse('--x-max', '0'), UsageError);
  assert.throws(() => parse('--lr', '-0.1'), UsageError);
  assert.throws(() => parse('--threads', '0'), UsageError);
  assert.throws(() => parse('--dim', '2.5'), UsageError);
  assert.equal(parse('--weight-exponent', '0.5'), 0.5);
  assert.equal(glove.defaultMinCount, 5);
  assert.deepEqual(
    glove.options.map((o) => [o.flags.split(' ')[0], o.default]).filter(([flag]) => flag !== '--threads'),
    [['--dim', 100], ['--window', 10], ['--epochs', 25], ['--lr', 0.05], ['--x-max', 100], ['--weight-exponent', 0.75], ['--grad-clip', 100], ['--seed', 1]],
  );
});
