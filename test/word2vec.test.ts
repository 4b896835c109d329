import assert from 'node:assert/strict';
import { test } from 'node:test';
import { UsageError } from '../src/core/errors.js';
import type { DenseMatrix } from '../src/core/matrix.js';
import { silentProgress } from '../src/core/progress.js';
import { Random } from '../src/core/random.js';
import { buildCorpus, type Corpus } from '../src/corpus/corpus.js';
import type { TextLine } from '../src/io/input.js';
import { cbow, sgns } from '../src/encoders/word2vec/index.js';
import {
  createSharedMemory, Kernel, kernelConstants, loadKernelModule, planLayout, readVectors, writeTables, writeVectors,
} from '../src/encoders/word2vec/kernel.js';
import { trainEpochs } from '../src/encoders/word2vec/epochs.js';
import { learningRate } from '../src/encoders/word2vec/schedule.js';
import { aliasDistribution, aliasTable, keepProbability, negativeWeights, sigmoidTable } from '../src/encoders/word2vec/tables.js';
import { runWorkers, threadWork } from '../src/encoders/word2vec/train.js';
import { SENTENCE_END, TokenStream } from '../src/corpus/stream.js';
import type { CorpusEncoder, EncoderOptions } from '../src/encoders/types.js';

const TOLERANCE = 1e-6;
function assertClose(actual: ArrayLike<number>, expected: number[], tolerance = TOLERANCE, what = 'value'): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++) {
    assert.ok(Math.abs(actual[i]! - expected[i]!) <= tolerance, `${what}[${i}]: ${actual[i]} vs ${expected[i]}`);
  }
}

/**
 * A kernel on a toy model: the given input and output vectors, every word kept (no subsampling),
 * negative samples always `negativeWord` (an alias table built from weights that are 0 elsewhere).
 */
async function toyKernel(input: number[][], output: number[][], negativeWord: number, shape: { window: number; negative: number; cbow: boolean; sharedNegatives?: boolean }, windowScratch = false) {
  const module = await loadKernelModule();
  const constants = kernelConstants(module);
  const vocabSize = input.length;
  const dim = input[0]!.length;
  const layout = planLayout(vocabSize, dim, 1, constants, 0, windowScratch ? shape : undefined);
  const memory = createSharedMemory(layout);
  const weights = Array.from({ length: vocabSize }, (_, i) => (i === negativeWord ? 1 : 0));
  const alias = aliasTable(weights);
  writeTables(memory, layout, {
    sigmoid: sigmoidTable(constants.sigmoidTableSize, constants.sigmoidBound),
    keep: new Float32Array(vocabSize).fill(1),
    aliasProbability: alias.probability,
    aliasIndex: alias.alias,
  });
  writeVectors(memory, layout, 'input', Float32Array.from(input.flat()));
  writeVectors(memory, layout, 'output', Float32Array.from(output.flat()));
  const kernel = new Kernel(module, memory, layout, 0, shape);
  kernel.seed(1, 2);
  return { kernel, read: (which: 'input' | 'output') => readVectors(memory, layout, which) };
}

const INPUT = [[0.1, -0.2, 0.3, 0.05], [0.2, 0.1, -0.1, 0.4], [-0.3, 0.2, 0.1, 0.1], [0.25, 0.15, -0.05, -0.2]];
const OUTPUT = [[0.05, 0.1, -0.2, 0.3], [-0.1, 0.2, 0.3, 0.1], [0.2, -0.1, 0.05, 0.15], [0.3, 0.1, 0.2, -0.1]];

test('skip-gram: one pass over a two-word sentence matches a hand computation', async () => {
  // Vocabulary {0,1,2}, sentence [0 1], window 1, 1 negative (always word 2), alpha 0.1.
  // Expected values: fixtures/word2vec/reference.py (numpy), word2vec.c's rules — for each centre word and each
  // context c: h = in[c], g = (label − σ(h·out[t]))·alpha for t = centre (label 1) then the negative
  // (label 0), ∂h += g·out[t], out[t] += g·h, then in[c] += ∂h; σ from the 1001-point table.
  const { kernel, read } = await toyKernel(INPUT.slice(0, 3), OUTPUT.slice(0, 3), 2, { window: 1, negative: 1, cbow: false });
  kernel.trainPiece(Int32Array.from([0, 1, -1]), 0.1);
  assertClose(read('input'), [
    0.085356679, -0.184821693, 0.311796785, 0.048228316,
    0.191885641, 0.109820666, -0.111826516, 0.406017551,
    -0.3, 0.2, 0.1, 0.1,
  ], TOLERANCE, 'input');
  assertClose(read('output'), [
    0.059221578, 0.104610789, -0.204610789, 0.318443155,
    -0.095119977, 0.190239954, 0.314640069, 0.102440012,
    0.184430291, -0.094909967, 0.039760011, 0.126585515,
  ], TOLERANCE, 'output');
});

test('CBOW: one pass over a three-word sentence matches a hand computation (context mean)', async () => {
  // Vocabulary {0,1,2,3}, sentence [0 1 2], window 1, 1 negative (always word 3), alpha 0.1.
  // Same numpy reference: h = mean of the context input vectors, the same g and output updates,
  // and every context vector gains the whole ∂h (word2vec.c, cbow_mean = 1).
  const { kernel, read } = await toyKernel(INPUT, OUTPUT, 3, { window: 1, negative: 1, cbow: true });
  kernel.trainPiece(Int32Array.from([0, 1, 2, -1]), 0.1);
  assertClose(read('input'), [
    0.080682922, -0.195108344, 0.304208734, 0.060826078,
    0.182137123, 0.090070657, -0.126579507, 0.43220389,
    -0.319317078, 0.204891656, 0.104208734, 0.110826078,
    0.25, 0.15, -0.05, -0.2,
  ], TOLERANCE, 'input');
  assertClose(read('output'), [
    0.059221578, 0.104610789, -0.204610789, 0.318443155,
    -0.104820078, 0.2, 0.309640156, 0.103615059,
    0.208967848, -0.095229958, 0.044286266, 0.170064023,
    0.285635395, 0.090020835, 0.200958294, -0.14468746,
  ], TOLERANCE, 'output');
});

test('CBOW with the window scratch (one-pass mean and scatter) gives the same hand-computed numbers', async () => {
  const { kernel, read } = await toyKernel(INPUT, OUTPUT, 3, { window: 1, negative: 1, cbow: true }, true);
  kernel.trainPiece(Int32Array.from([0, 1, 2, -1]), 0.1);
  assertClose(read('input'), [
    0.080682922, -0.195108344, 0.304208734, 0.060826078,
    0.182137123, 0.090070657, -0.126579507, 0.43220389,
    -0.319317078, 0.204891656, 0.104208734, 0.110826078,
    0.25, 0.15, -0.05, -0.2,
  ], TOLERANCE, 'input');
});

test('CBOW: the one-pass path is bit for bit the row-by-row path (repeated words, sentence ends, random draws)', async () => {
  const random = new Random(11);
  const vocabSize = 7;
  const dim = 12;
  const rows = (scale: number) => Array.from({ length: vocabSize }, () => Array.from({ length: dim }, () => (random.next() - 0.5) * scale));
  const input = rows(1);
  const output = rows(1);
  const piece = Int32Array.from({ length: 400 }, () => (random.next() < 0.1 ? -1 : random.below(vocabSize)));
  const run = async (windowScratch: boolean) => {
    const module = await loadKernelModule();
    const constants = kernelConstants(module);
    const shape = { window: 4, negative: 3, cbow: true };
    const layout = planLayout(vocabSize, dim, 1, constants, 0, windowScratch ? shape : undefined);
    const memory = createSharedMemory(layout);
    const alias = aliasTable(negativeWeights([9, 7, 5, 4, 3, 2, 1]));
    writeTables(memory, layout, {
      sigmoid: sigmoidTable(constants.sigmoidTableSize, constants.sigmoidBound),
      keep: new Float32Array(vocabSize).fill(1),
      aliasProbability: alias.probability,
      aliasIndex: alias.alias,
    });
    writeVectors(memory, layout, 'input', Float32Array.from(input.flat()));
    writeVectors(memory, layout, 'output', Float32Array.from(output.flat()));
    const kernel = new Kernel(module, memory, layout, 0, shape);
    kernel.seed(5, 6);
    kernel.trainPiece(piece, 0.05);
    return [readVectors(memory, layout, 'input'), readVectors(memory, layout, 'output')];
  };
  const [rowByRow, onePass] = [await run(false), await run(true)];
  assert.notDeepEqual(Buffer.from(rowByRow[0]!.buffer), Buffer.from(Float32Array.from(input.flat()).buffer), 'training changed the input rows');
  assert.deepEqual(Buffer.from(onePass[0]!.buffer), Buffer.from(rowByRow[0]!.buffer), 'input rows');
  assert.deepEqual(Buffer.from(onePass[1]!.buffer), Buffer.from(rowByRow[1]!.buffer), 'output rows');
});

/**
 * Plain-JavaScript reference of skip-gram with negatives shared by a window (float64, the
 * kernel's sigmoid table and rounding): for each centre word, targets = [centre (label 1),
 * `negativeWord` × `negative` (label 0)]; G = (label − σ(h_j·o_t))·alpha from the rows before the
 * window, ∂h_j = Σ_t G[j][t]·o_t, o_t += Σ_j G[j][t]·h_j, then h_j += ∂h_j. Window fixed at `window`.
 */
function sharedNegativesReference(input: number[][], output: number[][], sentence: number[], window: number, negative: number, negativeWord: number, alpha: number) {
  const table = sigmoidTable(1000, 6);
  const sigma = (f: number) => (f >= 6 ? 1 : f <= -6 ? 0 : table[Math.floor((f + 6) * (1000 / 12) + 0.5)]!);
  const inp = input.map((r) => r.slice());
  const out = output.map((r) => r.slice());
  const dotRows = (a: number[], b: number[]) => a.reduce((s, x, k) => s + x * b[k]!, 0);
  for (let a = 0; a < sentence.length; a++) {
    const contexts: number[] = [];
    for (let c = Math.max(0, a - window); c <= Math.min(sentence.length - 1, a + window); c++) if (c !== a) contexts.push(sentence[c]!);
    const targets = [sentence[a]!, ...Array.from({ length: negative }, () => negativeWord)].filter((t, i) => i === 0 || t !== sentence[a]);
    const g = contexts.map((h) => targets.map((t, i) => ((i === 0 ? 1 : 0) - sigma(dotRows(inp[h]!, out[t]!))) * alpha));
    const deltas = contexts.map((_, j) => inp[0]!.map((_, k) => targets.reduce((s, t, i) => s + g[j]![i]! * out[t]![k]!, 0)));
    const before = contexts.map((h) => inp[h]!.slice());
    targets.forEach((t, i) => {
      for (let k = 0; k < out[t]!.length; k++) out[t]![k]! += contexts.reduce((s, _, j) => s + g[j]![i]! * before[j]![k]!, 0);
    });
    contexts.forEach((h, j) => {
      for (let k = 0; k < inp[h]!.length; k++) inp[h]![k]! += deltas[j]![k]!;
    });
  }
  return { input: inp.flat(), output: out.flat() };
}

test('skip-gram with shared negatives matches a plain-JavaScript reference of Ji et al.\'s window update', async () => {
  // Vocabulary {0..3}, sentence [0 1 0 2 1] (word 1's window holds word 0 twice), window 1 (never
  // shrunk), 2 negatives, both word 3 (one row updated twice per window), alpha 0.1.
  const sentence = [0, 1, 0, 2, 1];
  const { kernel, read } = await toyKernel(INPUT, OUTPUT, 3, { window: 1, negative: 2, cbow: false, sharedNegatives: true }, true);
  kernel.trainPiece(Int32Array.from([...sentence, -1]), 0.1);
  const expected = sharedNegativesReference(INPUT, OUTPUT, sentence, 1, 2, 3, 0.1);
  assertClose(read('input'), expected.input, TOLERANCE, 'input');
  assertClose(read('output'), expected.output, TOLERANCE, 'output');
  // And the reference differs from per-pair training (word2vec.c), so the test tells them apart.
  const pair = await toyKernel(INPUT, OUTPUT, 3, { window: 1, negative: 2, cbow: false }, true);
  pair.kernel.trainPiece(Int32Array.from([...sentence, -1]), 0.1);
  assert.ok(pair.read('output').some((x, i) => Math.abs(x - expected.output[i]!) > 1e-4), 'per-pair training gives other numbers');
});

test('a sentence end stops the window; a one-word sentence trains nothing', async () => {
  const { kernel, read } = await toyKernel(INPUT.slice(0, 3), OUTPUT.slice(0, 3), 2, { window: 5, negative: 1, cbow: false });
  kernel.trainPiece(Int32Array.from([0, -1, 1, -1]), 0.1);
  assertClose(read('input'), INPUT.slice(0, 3).flat(), 1e-7, 'input');
  assertClose(read('output'), OUTPUT.slice(0, 3).flat(), 1e-7, 'output');
});

test('negative sampling follows counts^0.75', async () => {
  // counts 10, 5, 2, 1 → c^0.75 / Σ c^0.75 (numpy): 0.48274168 0.28703992 0.14437344 0.08584496
  const expected = [0.48274168, 0.28703992, 0.14437344, 0.08584496];
  const table = aliasTable(negativeWeights([10, 5, 2, 1]));
  assertClose(aliasDistribution(table.probability, table.alias), expected, 1e-7, 'alias distribution');
  // And the kernel's draws: 200,000 samples, each frequency within 5 standard errors (≤ 0.0056).
  const module = await loadKernelModule();
  const constants = kernelConstants(module);
  const layout = planLayout(4, 4, 1, constants);
  const memory = createSharedMemory(layout);
  writeTables(memory, layout, {
    sigmoid: sigmoidTable(constants.sigmoidTableSize, constants.sigmoidBound),
    keep: new Float32Array(4).fill(1),
    aliasProbability: table.probability,
    aliasIndex: table.alias,
  });
  const sampler = new Kernel(module, memory, layout, 0, { window: 1, negative: 1, cbow: false });
  sampler.seed(12345, 678);
  const draws = 200_000;
  const seen = new Float64Array(4);
  for (let i = 0; i < draws; i++) seen[sampler.sampleNegative()]!++;
  assertClose(seen.map((n) => n / draws), expected, 0.0056, 'sampled frequency');
});

test('subsampling keep probability: (sqrt(f/(s·N)) + 1)·(s·N)/f, capped at 1', () => {
  // By hand, N = 10^6, s = 10^-3 (s·N = 1000): f = 10^4 → (√10 + 1)·0.1 = 0.416227766;
  // f = 5000 → (√5 + 1)·0.2 = 0.647213595; f = 10^5 → (10 + 1)·0.01 = 0.11; f = 1000 → 2, capped to 1.
  assert.ok(Math.abs(keepProbability(10_000, 1e6, 1e-3) - 0.416227766) < 1e-9);
  assert.ok(Math.abs(keepProbability(5000, 1e6, 1e-3) - 0.647213595) < 1e-9);
  assert.ok(Math.abs(keepProbability(100_000, 1e6, 1e-3) - 0.11) < 1e-12);
  assert.equal(keepProbability(1000, 1e6, 1e-3), 1);
  assert.equal(keepProbability(100_000, 1e6, 0), 1, 'sample 0 keeps everything');
});

test('learning rate decays linearly to alpha·1e-4 (word2vec.c)', () => {
  assert.equal(learningRate(0.025, 0, 999), 0.025);
  assert.ok(Math.abs(learningRate(0.025, 500, 999) - 0.0125) < 1e-12); // 0.025 · (1 − 500/1000)
  assert.ok(Math.abs(learningRate(0.025, 999, 999) - 2.5e-5) < 1e-15); // 0.025 · (1 − 999/1000)
  assert.ok(Math.abs(learningRate(0.025, 2000, 999) - 2.5e-6) < 1e-15); // past the end: the floor 0.025 · 1e-4
});

test('with --min-lr the rate decays linearly from lr to it (gensim\'s min_alpha); cbow ends at lr/10 by default, sgns at lr·1e-4', async () => {
  // By hand: 0.05 − (0.05 − 0.005)·500/1000 = 0.0275; at 999: 0.05 − 0.045·0.999 = 0.005045; past the end: the floor 0.005.
  assert.equal(learningRate(0.05, 0, 999, 0.005), 0.05);
  assert.ok(Math.abs(learningRate(0.05, 500, 999, 0.005) - 0.0275) < 1e-15);
  assert.ok(Math.abs(learningRate(0.05, 999, 999, 0.005) - 0.005045) < 1e-15);
  assert.equal(learningRate(0.05, 5000, 999, 0.005), 0.005);
  assert.equal(learningRate(0.05, 5000, 999, 0), 0, 'a floor of 0 is allowed');
  const lines: TextLine[] = [{ doc: 0, text: 'a b c a b c', label: 'abc' }, { doc: 0, text: 'c b a c b a' }];
  const corpus = await buildCorpus((async function* () { yield* lines; })(), { tokenizer: 'whitespace', keepCase: false, minCount: 1 });
  const silent = { progress: silentProgress, warn: () => {} };
  const cbowMeta = (await cbow.encode(corpus, { dim: 4, epochs: 1, threads: 1, seed: 1 }, silent)).meta!;
  assert.equal((cbowMeta.options as Record<string, unknown>).minLr, 0.005);
  const sgnsMeta = (await sgns.encode(corpus, { dim: 4, epochs: 1, threads: 1, seed: 1 }, silent)).meta!;
  assert.equal((sgnsMeta.options as Record<string, unknown>).minLr, 0.025 * 1e-4);
  const given = (await cbow.encode(corpus, { dim: 4, epochs: 1, threads: 1, seed: 1, lr: 0.02, minLr: 0.001 }, silent)).meta!;
  assert.equal((given.options as Record<string, unknown>).minLr, 0.001);
  await assert.rejects(cbow.encode(corpus, { dim: 4, epochs: 1, threads: 1, lr: 0.01, minLr: 0.02 }, silent), /--min-lr 0.02 is above the starting rate --lr 0.01/);
});

test('the learning rate follows the words of all threads together (not each thread\'s share, as gensim\'s corpus_file mode)', () => {
  // Two threads of 5,000 sentences of 3 words (20,000 entries: 2 pieces of ≤ 10,000 each per thread), one
  // shared counter; thread A runs its whole slice, then thread B. word2vec.c's rule: the rate of a piece is
  // alpha·(1 − done/(total + 1)) with `done` the words of BOTH threads before it, so B starts where A ended
  // and B's last piece (7,500 words) trains at alpha·(1 − 22,500/30,001) ≈ alpha/4. gensim's corpus_file mode
  // measures each worker's own words against the whole corpus: there it would be alpha·(1 − 7,500/30,000) = 0.75·alpha,
  // and at the end of an epoch with 2 workers the rate has only fallen by half the epoch's share.
  const sentence = (i: number) => [i % 5, (i + 1) % 5, (i + 2) % 5, -1];
  const slice = Int32Array.from(Array.from({ length: 5000 }, (_, i) => sentence(i)).flat());
  const words = 15_000; // per thread
  const counter = new SharedArrayBuffer(8);
  const alpha = 0.025;
  const totalWords = 2 * words;
  const rates: number[][] = [[], []];
  const sizes: number[][] = [[], []];
  for (const t of [0, 1]) {
    trainEpochs({
      seed: () => {},
      trainPiece: (piece, rate) => {
        rates[t]!.push(rate);
        sizes[t]!.push(piece.filter((x) => x >= 0).length);
      },
    }, { parts: [{ data: slice, byteOffset: 0, entries: slice.length }], seed: [1, 2], counter, epochs: 1, alpha, totalWords }, () => {});
  }
  assert.equal(rates[0]![0], alpha);
  let done = 0;
  for (const t of [0, 1]) {
    sizes[t]!.forEach((n, i) => {
      assert.ok(Math.abs(rates[t]![i]! - alpha * (1 - done / (totalWords + 1))) < 1e-12, `thread ${t} piece ${i}`);
      done += n;
    });
  }
  assert.equal(done, totalWords);
  assert.ok(rates[1]!.at(-1)! < 0.3 * alpha, `the last piece trains at ${rates[1]!.at(-1)}`);
});

/** Two disjoint topics: each sentence draws 8 words from one topic's 10 words. */
const TOPIC_A = Array.from({ length: 10 }, (_, i) => `a${i}`);
const TOPIC_B = Array.from({ length: 10 }, (_, i) => `b${i}`);
async function topicCorpus(sentences: number): Promise<Corpus> {
  const random = new Random(7);
  const lines: TextLine[] = [];
  for (let s = 0; s < sentences; s++) {
    const topic = random.next() < 0.5 ? TOPIC_A : TOPIC_B;
    lines.push({ doc: 0, text: Array.from({ length: 8 }, () => topic[random.below(topic.length)]!).join(' ') });
  }
  lines[0]!.label = 'topics';
  return buildCorpus((async function* () { yield* lines; })(), { tokenizer: 'whitespace', keepCase: false, minCount: 1 });
}

function defaults(encoder: CorpusEncoder, overrides: EncoderOptions): EncoderOptions {
  const options: EncoderOptions = {};
  for (const spec of encoder.options) {
    const key = /--([a-z-]+)/.exec(spec.flags)![1]!.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
    options[key] = spec.default;
  }
  return { ...options, ...overrides };
}

const context = { progress: silentProgress, warn: () => {} };

function cosine(m: DenseMatrix, a: string, b: string): number {
  const x = m.row(m.rows.indexOf(a));
  const y = m.row(m.rows.indexOf(b));
  let xy = 0, xx = 0, yy = 0;
  for (let k = 0; k < x.length; k++) {
    xy += x[k]! * y[k]!;
    xx += x[k]! * x[k]!;
    yy += y[k]! * y[k]!;
  }
  return xy / Math.sqrt(xx * yy);
}

function topicSeparation(m: DenseMatrix): { within: number; across: number } {
  let within = 0, nWithin = 0, across = 0, nAcross = 0;
  const all = [...TOPIC_A, ...TOPIC_B];
  for (let i = 0; i < all.length; i++) {
    for (let j = i + 1; j < all.length; j++) {
      const same = all[i]![0] === all[j]![0];
      const c = cosine(m, all[i]!, all[j]!);
      if (same) { within += c; nWithin++; } else { across += c; nAcross++; }
    }
  }
  return { within: within / nWithin, across: across / nAcross };
}

const SMALL = { dim: 16, epochs: 5, sample: 0, threads: 1 };

test('--threads 1 with a seed is reproducible byte for byte; another seed differs', async () => {
  const corpus = await topicCorpus(600);
  for (const encoder of [sgns, cbow]) {
    const first = (await encoder.encode(corpus, defaults(encoder, { ...SMALL, seed: 3 }), context)) as DenseMatrix;
    const second = (await encoder.encode(corpus, defaults(encoder, { ...SMALL, seed: 3 }), context)) as DenseMatrix;
    const other = (await encoder.encode(corpus, defaults(encoder, { ...SMALL, seed: 4 }), context)) as DenseMatrix;
    assert.deepEqual(Buffer.from(first.data.buffer), Buffer.from(second.data.buffer), `${encoder.name}: same seed`);
    assert.notDeepEqual(Buffer.from(first.data.buffer), Buffer.from(other.data.buffer), `${encoder.name}: other seed`);
  }
});

test('training pulls co-occurring words together: two disjoint topics (sgns and cbow, 2 threads)', async () => {
  // 2,600 sentences = 23,400 ids + sentence ends: enough for two threads of ≥ 10,000 entries.
  const corpus = await topicCorpus(2600);
  for (const encoder of [sgns, cbow]) {
    const m = (await encoder.encode(corpus, defaults(encoder, { ...SMALL, threads: 2 }), context)) as DenseMatrix;
    assert.equal(m.meta.options.threads, 2);
    assert.ok(m.data.every(Number.isFinite));
    // Hogwild on 2 threads is not deterministic, and on a 20-word vocabulary all vectors share a
    // frequency direction, so the robust property is the ranking: every word's nearest neighbour
    // belongs to its own topic.
    const all = [...TOPIC_A, ...TOPIC_B];
    for (const word of all) {
      const nearest = all.filter((w) => w !== word).reduce((best, w) => (cosine(m, word, w) > cosine(m, word, best) ? w : best));
      assert.equal(nearest[0], word[0], `${encoder.name}: nearest neighbour of ${word} is ${nearest}`);
    }
    const { within, across } = topicSeparation(m);
    assert.ok(within > across, `${encoder.name}: within-topic cosine ${within.toFixed(3)} vs across ${across.toFixed(3)}`);
  }
});

test('result: vocabulary rows, no column labels, dim columns, metadata', async () => {
  const corpus = await topicCorpus(50);
  const m = (await cbow.encode(corpus, defaults(cbow, { dim: 6, epochs: 1, threads: 1, seed: 9 }), context)) as DenseMatrix;
  assert.deepEqual(m.rows, corpus.vocab.words);
  assert.equal(m.columns, null);
  assert.equal(m.nCols, 6);
  assert.equal(m.meta.method, 'cbow');
  assert.equal(m.meta.seed, 9);
  assert.equal(m.meta.vocabularySize, 20);
  assert.equal(m.meta.tokensTrained, 400);
  assert.equal(m.meta.options.lr, 0.05);
  assert.equal(m.meta.options.window, 5);
  assert.equal(m.meta.options.negative, 5);
});

test('options: defaults as word2vec, --negative 0 is a usage error', () => {
  const byFlag = (encoder: CorpusEncoder, flag: string) => encoder.options.find((o) => o.flags.startsWith(flag))!;
  assert.equal(byFlag(sgns, '--lr').default, 0.025);
  assert.equal(byFlag(cbow, '--lr').default, 0.05);
  assert.equal(sgns.defaultMinCount, 5);
  assert.throws(() => byFlag(sgns, '--negative').parse!('0'), (err: unknown) => err instanceof UsageError && /--negative must be an integer ≥ 1/.test(err.message));
});

test('a failing training thread rejects with its message', async () => {
  const module = await loadKernelModule();
  const constants = kernelConstants(module);
  const layout = planLayout(2, 4, 1, constants);
  const memory = createSharedMemory(layout);
  const counter = new SharedArrayBuffer(8);
  await assert.rejects(
    runWorkers([{
      module, memory, layout, slot: 5, shape: { window: 1, negative: 1, cbow: false },
      parts: [{ data: Int32Array.from([0, 1, -1]), byteOffset: 0, entries: 3 }], seed: [1, 2], counter, epochs: 1, alpha: 0.025, totalWords: 2,
    }], () => {}),
    /training thread 1 failed: word2vec kernel: no scratch slot 5/,
  );
});

test('threads share the stream in segments: every sentence trained once an epoch, epochs in order, --threads 1 as one slice', () => {
  // 60,000 sentences of 1–5 ids (ids encode the sentence number), spilled to no file: in memory.
  const entries: number[] = [];
  for (let s = 0; s < 60_000; s++) {
    for (let k = 0; k <= s % 5; k++) entries.push(s);
    entries.push(SENTENCE_END);
  }
  const stream = TokenStream.fromArray(Int32Array.from(entries));
  const words = entries.filter((e) => e >= 0).length;
  const epochs = 3;
  // Two "threads" run one after the other on the shared claims: the first takes every segment, the
  // second finds none left; what matters is what was trained, and in which order.
  const work = threadWork(stream, 2);
  const first = work;
  assert.ok(first.segments!.length > 2, `${first.segments!.length} segments`);
  const trained: number[][] = [];
  const kernel = { seed: () => undefined, trainPiece: (piece: Int32Array) => trained.push(Array.from(piece)) };
  let total = 0;
  for (let thread = 0; thread < 2; thread++) {
    const counter = new SharedArrayBuffer(8);
    trainEpochs(kernel, { ...work, seed: [1, 2], counter, epochs, alpha: 0.025, totalWords: epochs * words }, (m) => {
      if (m.type === 'done') total += m.words;
    });
  }
  assert.equal(total, epochs * words);
  // Each epoch trains every sentence once, the epochs one after the other; within an epoch the
  // segments come lane by lane: the first segment of the first half, then of the second half, ...
  const flat = trained.flat();
  const perEpoch = flat.length / epochs;
  assert.equal(perEpoch, entries.length);
  const sorted = (a: number[]): number[] => a.slice().sort((x, y) => x - y);
  for (let e = 0; e < epochs; e++) assert.deepEqual(sorted(flat.slice(e * perEpoch, (e + 1) * perEpoch)), sorted(entries), `epoch ${e}`);
  const firstOf = (k: number): number => first.segments![k]![0]!.data![0]!;
  assert.equal(firstOf(0), 0);
  const half = firstOf(1);
  assert.ok(Math.abs(half - 30_000) < 1000, `the second claim starts the second lane, at sentence ${half}`);
  assert.ok(firstOf(2) < half / 2, 'the third claim goes on in the first lane');
  // One thread: the whole stream as one slice, no segments.
  const single = threadWork(stream, 1);
  assert.equal(single.segments, undefined);
  assert.deepEqual(Array.from(single.parts[0]!.data!), entries);
});
