import assert from 'node:assert/strict';
import { test } from 'node:test';
import { UsageError } from '../src/core/errors.js';
import { SparseMatrix, makeMeta, type DenseMatrix } from '../src/core/matrix.js';
import { silentProgress } from '../src/core/progress.js';
import { Random } from '../src/core/random.js';
import { buildCorpus, type Corpus } from '../src/corpus/corpus.js';
import { autoencoder, scaleRows, WHITENED } from '../src/encoders/autoencoder.js';
import {
  adamStep,
  AutoencoderModel,
  bruteForceRowLoss,
  computeGram,
  rowForwardBackward,
  Scratch,
  solveDecoder,
  type Activation,
} from '../src/encoders/autoencoder/model.js';
import { trainAutoencoder } from '../src/encoders/autoencoder/train.js';
import { whiten } from '../src/encoders/autoencoder/whiten.js';
import type { EncoderOptions } from '../src/encoders/types.js';
import type { TextLine } from '../src/io/input.js';

const context = { progress: silentProgress, warn: () => {} };

function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tolerance: number, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++) {
    assert.ok(Math.abs(actual[i]! - expected[i]!) <= tolerance, `${what}[${i}]: ${actual[i]} vs ${expected[i]}`);
  }
}

/** CSR rows from dense arrays (zeros dropped). */
function sparseRows(dense: number[][]): SparseMatrix {
  const indptr = [0];
  const indices: number[] = [];
  const values: number[] = [];
  for (const row of dense) {
    row.forEach((v, j) => {
      if (v !== 0) {
        indices.push(j);
        values.push(v);
      }
    });
    indptr.push(indices.length);
  }
  const labels = dense.map((_, i) => `r${i}`);
  const columns = dense[0]!.map((_, j) => `c${j}`);
  return new SparseMatrix(labels, columns, columns.length, Float64Array.from(indptr), Int32Array.from(indices), Float64Array.from(values), makeMeta('test', {}));
}

// The tiny network of the reference computation (numpy, /tmp/ae/ref/ref.py in the author's session):
// E = [[0.1,-0.2],[0.3,0.05],[-0.15,0.25],[0.2,0.1]], e = [0.05,-0.1],
// D̃ = [[0.5,-0.3,0.1],[0.2,0.4,-0.05],[-0.1,0.3,0.02],[0.25,-0.2,0]], x = [0.6,0,0.8,0].
// Loss = Σ_j (x̂_j − x_j)² over all 4 outputs, gradients by hand and checked by central differences.
function tinyModel(activation: Activation): { model: AutoencoderModel; rows: SparseMatrix } {
  const model = new AutoencoderModel({ inputSize: 4, dim: 2, activation });
  model.encoderWeights.values.set([0.1, -0.2, 0.3, 0.05, -0.15, 0.25, 0.2, 0.1]);
  model.encoderBias.values.set([0.05, -0.1]);
  model.decoder.set([0.5, -0.3, 0.1, 0.2, 0.4, -0.05, -0.1, 0.3, 0.02, 0.25, -0.2, 0]);
  computeGram(model);
  return { model, rows: sparseRows([[0.6, 0, 0.8, 0]]) };
}

const REFERENCE = {
  tanh: {
    loss: 0.8688275411512817,
    gradE: [-0.2191284213564387, -0.13206601074393481, 0, 0, -0.2921712284752516, -0.17608801432524643, 0, 0],
    grade: [-0.3652140355940645, -0.22011001790655801],
    // After one Adam step with lr 0.01 (t = 1: each touched weight moves by lr against its gradient's sign).
    E: [0.10999999954364663, -0.19000000075719706, 0.3, 0.05, -0.14000000034226504, 0.2599999994321022, 0.2, 0.1],
    e: [0.05999999972618797, -0.09000000045431825],
  },
  linear: {
    loss: 0.8688282500000001,
    gradE: [-0.21914999999999998, -0.13211999999999996, 0, 0, -0.29219999999999996, -0.17615999999999998, 0, 0],
    grade: [-0.36524999999999996, -0.22019999999999995],
    E: [0.10999999954369157, -0.19000000075688764, 0.3, 0.05, -0.14000000034223134, 0.25999999943233426, 0.2, 0.1],
    e: [0.05999999972621493, -0.09000000045413259],
  },
};

for (const activation of ['tanh', 'linear'] as const) {
  test(`autoencoder: one forward/backward/Adam step matches numpy (${activation})`, () => {
    const { model, rows } = tinyModel(activation);
    const ref = REFERENCE[activation];
    const loss = rowForwardBackward(model, rows, 0, 1, new Scratch(2));
    // Parameters are float32: tolerances are float32 rounding of values around 0.1–1.
    assert.ok(Math.abs(loss - ref.loss) < 1e-6, `loss ${loss} vs ${ref.loss}`);
    assertClose(model.encoderWeights.gradient, ref.gradE, 1e-6, 'gradient of E');
    assertClose(model.encoderBias.gradient, ref.grade, 1e-6, 'gradient of e');
    adamStep(model, 0.01);
    assertClose(model.encoderWeights.values, ref.E, 1e-7, 'E after Adam');
    assertClose(model.encoderBias.values, ref.e, 1e-7, 'e after Adam');
    assert.ok(model.encoderWeights.gradient.every((g) => g === 0), 'gradients are reset after the step');
  });
}

test('autoencoder: the Gramian loss equals the loss summed over every output', () => {
  // The O(nnz·dim + dim²) loss must be the full-row squared error exactly, zeros included.
  const random = new Random(7);
  const dense = Array.from({ length: 6 }, () => Array.from({ length: 9 }, () => (random.next() < 0.35 ? random.next() : 0)));
  const rows = sparseRows(dense);
  for (const activation of ['linear', 'tanh'] as const) {
    const model = new AutoencoderModel({ inputSize: 9, dim: 3, activation });
    model.initialize(random);
    for (let i = 0; i < model.decoder.length; i++) model.decoder[i] = random.normal() * 0.3;
    computeGram(model);
    const scratch = new Scratch(3);
    for (let i = 0; i < rows.nRows; i++) {
      const fast = rowForwardBackward(model, rows, i, 0, scratch);
      const slow = bruteForceRowLoss(model, rows, i);
      assert.ok(Math.abs(fast - slow) < 1e-9 * Math.max(1, slow), `${activation} row ${i}: ${fast} vs ${slow}`);
    }
  }
});

test('autoencoder: the decoder solve is the least-squares fit (numpy lstsq)', () => {
  // Linear encoder E, e of the tiny model over 5 rows; numpy: lstsq([H, 1], X) (same reference script).
  const { model } = tinyModel('linear');
  const rows = sparseRows([
    [0.6, 0, 0.8, 0],
    [0, 1, 0, 0],
    [0, 0.6, 0, 0.8],
    [0.8, 0, 0, 0.6],
    [0, 0, 0.6, 0.8],
  ]);
  solveDecoder(model, rows);
  const expected = [
    -1.5528449256018562, -2.926656450310609, 0.5455328159243322, 2.2428197142715884, 0.7194292023003274, -0.15471517787994093,
    -2.0428592614563246, 1.0470117158534773, 0.7566513421325818, 0.8800484453012997, 1.1694432085949205, 0.276794865457182,
  ];
  assertClose(model.decoder, expected, 1e-5, 'decoder');
  const scratch = new Scratch(2);
  let total = 0;
  for (let i = 0; i < rows.nRows; i++) total += rowForwardBackward(model, rows, i, 0, scratch);
  assert.ok(Math.abs(total - 0.9193697167432895) < 1e-6, `loss after the solve ${total}`);
});

/** 40 rows over 12 columns in three groups of 4; each row mostly in its group. */
function toyRows(): SparseMatrix {
  const random = new Random(3);
  const dense = Array.from({ length: 40 }, (_, i) => {
    const group = i % 3;
    const row = Array.from({ length: 12 }, (_, j) => (Math.floor(j / 4) === group ? 0.5 + random.next() : random.next() < 0.1 ? random.next() : 0));
    const norm = Math.hypot(...row);
    return row.map((v) => v / norm);
  });
  return sparseRows(dense);
}

test('autoencoder: the loss goes down epoch after epoch on a toy set', () => {
  for (const activation of ['linear', 'tanh'] as const) {
    const rows = toyRows();
    const { lossPerEpoch } = trainAutoencoder(rows, { dim: 2, epochs: 6, learningRate: 0.01, batchSize: 4, activation, seed: 1 }, silentProgress);
    assert.equal(lossPerEpoch.length, 6);
    for (let e = 1; e < lossPerEpoch.length; e++) assert.ok(lossPerEpoch[e]! < lossPerEpoch[e - 1]!, `${activation}: ${lossPerEpoch.join(', ')}`);
    // Rows have unit norm and the decoder starts as the best fit to random codes: below 1 from the start.
    assert.ok(lossPerEpoch[0]! < 1, `${activation}: first epoch ${lossPerEpoch[0]}`);
  }
});

/** A random sparse matrix (density 0.3, values in [0, 1)), rows with and without non-zeros, odd sizes. */
function randomRows(nRows: number, nCols: number, seed: number): SparseMatrix {
  const random = new Random(seed);
  return sparseRows(Array.from({ length: nRows }, () => Array.from({ length: nCols }, () => (random.next() < 0.3 ? random.next() : 0))));
}

const maxDifference = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  assert.equal(a.length, b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
};

// The WebAssembly kernels against the TypeScript reference, training and whitening included, on
// rows of every length (dim 7: rows of 8 floats, the bias lane and no padding; dim 6: one padding
// lane). The kernels sum in float32 within a row (the reference in float64), so values agree to a
// few float32 ulps of their size (~1e-7 relative per sum); three epochs of Adam at lr 3e-3 carry
// that into the weights at ~1e-6, the codes (sums of ~10 weights × values < 1) at ~1e-5, and the
// whitening (divided by standard deviations ~0.1) at ~1e-4. A wrong index or a missed term is
// O(0.01–1) off.
test('autoencoder kernels: wasm on 1 and 2 threads matches the TypeScript reference', () => {
  const rows = randomRows(45, 31, 11);
  for (const [activation, dim] of [['linear', 7], ['tanh', 6]] as const) {
    const options = { dim, epochs: 3, learningRate: 3e-3, batchSize: 8, activation, seed: 4, whiten: true };
    const reference = trainAutoencoder(rows, { ...options, kernels: 'typescript' }, silentProgress);
    assert.equal(reference.threads, 1);
    for (const threads of [1, 2]) {
      const fast = trainAutoencoder(rows, { ...options, kernels: 'wasm', threads }, silentProgress);
      const what = `${activation}, ${threads} thread(s)`;
      assert.equal(fast.threads, threads, what);
      assertClose(fast.lossPerEpoch, reference.lossPerEpoch, 1e-5 * reference.lossPerEpoch[0]!, `${what}: loss`);
      assert.ok(maxDifference(fast.model.encoderWeights.values, reference.model.encoderWeights.values) < 1e-5, `${what}: encoder`);
      assert.ok(maxDifference(fast.model.encoderBias.values, reference.model.encoderBias.values) < 1e-5, `${what}: encoder bias`);
      assert.ok(maxDifference(fast.model.encoderWeights.secondMoment, reference.model.encoderWeights.secondMoment) < 1e-6, `${what}: Adam moments`);
      assert.ok(maxDifference(fast.model.decoder, reference.model.decoder) < 1e-4, `${what}: decoder`);
      assert.ok(maxDifference(fast.model.gram, reference.model.gram) < 1e-4, `${what}: decoder Gramian`);
      assert.ok(maxDifference(fast.codes, reference.codes) < 1e-5, `${what}: codes`);
      assert.equal(fast.whitened!.rank, reference.whitened!.rank, `${what}: rank`);
      assert.ok(maxDifference(fast.whitened!.data, reference.whitened!.data) < 1e-3, `${what}: whitened codes`);
      assert.equal(fast.model.step, reference.model.step);
    }
  }
});

test('autoencoder kernels: each thread count gives the same bytes run to run', () => {
  const rows = randomRows(60, 23, 5);
  for (const threads of [1, 2]) {
    const run = () => trainAutoencoder(rows, { dim: 5, epochs: 2, learningRate: 1e-2, batchSize: 7, activation: 'tanh', seed: 9, threads, whiten: true }, silentProgress);
    const first = run();
    const second = run();
    assert.deepEqual(second.codes, first.codes, `${threads} thread(s): codes`);
    assert.deepEqual(second.whitened!.data, first.whitened!.data, `${threads} thread(s): whitened`);
    assert.deepEqual(second.lossPerEpoch, first.lossPerEpoch, `${threads} thread(s): loss`);
  }
});

test('whitening: zero mean and identity covariance; the rows\' Gram matrix matches numpy', () => {
  const data = [
    [1.0, 2.0, 0.5],
    [0.3, -1.0, 2.0],
    [2.5, 0.4, -0.7],
    [-1.2, 0.8, 1.1],
    [0.0, 1.5, -2.0],
    [0.9, -0.3, 0.4],
  ];
  const n = data.length;
  const dim = 3;
  const { data: white, rank } = whiten(Float32Array.from(data.flat()), n, dim);
  assert.equal(rank, 3);
  for (let a = 0; a < dim; a++) {
    let mean = 0;
    for (let i = 0; i < n; i++) mean += white[i * dim + a]! / n;
    assert.ok(Math.abs(mean) < 1e-6, `mean of column ${a}: ${mean}`);
    for (let b = 0; b < dim; b++) {
      let c = 0;
      for (let i = 0; i < n; i++) c += (white[i * dim + a]! * white[i * dim + b]!) / n;
      assert.ok(Math.abs(c - (a === b ? 1 : 0)) < 1e-5, `covariance ${a},${b}: ${c}`);
    }
  }
  // Rotation- and sign-free check: Y Yᵀ = Hc C⁻¹ Hcᵀ, computed with numpy (reference script above).
  const expectedGram = [
    4.368446997900789, -1.5170523873538277, 0.07907983250873607, 0.16513818629300417, -1.5257625855543968, -1.5698500437943053,
    -1.5170523873538289, 2.824370371215701, -0.5693625258383832, 0.4582424114631945, -2.2440184076432512, 1.0478205381565684,
    0.07907983250873578, -0.5693625258383834, 3.039263534472467, -2.8604463984492283, -0.3119060103852979, 0.6233715676917079,
    0.1651381862930044, 0.45824241146319455, -2.8604463984492288, 2.7053044935485313, 0.2041274419785568, -0.6723661348340588,
    -1.5257625855543964, -2.2440184076432512, -0.3119060103852978, 0.2041274419785564, 4.184575045843406, -0.3070154842390173,
    -1.5698500437943053, 1.0478205381565682, 0.6233715676917078, -0.6723661348340587, -0.30701548423901737, 0.8780395570191062,
  ];
  const gram: number[] = [];
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
    let s = 0;
    for (let a = 0; a < dim; a++) s += white[i * dim + a]! * white[j * dim + a]!;
    gram.push(s);
  }
  assertClose(gram, expectedGram, 1e-4, 'whitened Gram');
});

test('whitening: directions without variance are dropped, not blown up', () => {
  // Column 3 is column 1 + column 2: rank 2; the third output column must be 0.
  const rows = [[1, 0, 1], [0, 1, 1], [2, 1, 3], [1, 3, 4]];
  const { data, rank } = whiten(Float32Array.from(rows.flat()), 4, 3);
  assert.equal(rank, 2);
  for (let i = 0; i < 4; i++) assert.equal(data[i * 3 + 2], 0);
});

test('row scaling: one global factor to mean squared norm 1, or every row unit length', () => {
  // Rows [3, 4] (norm² 25), [0, 0] and [1, 0] (norm² 1): mean norm² 26/3, so the factor is √(3/26).
  const global = sparseRows([[3, 4, 0], [0, 0, 0], [1, 0, 0]]);
  scaleRows(global, 'global');
  const f = Math.sqrt(3 / 26);
  assertClose(global.values, [3 * f, 4 * f, f], 1e-12, 'global');
  const l2 = sparseRows([[3, 4, 0], [0, 0, 0], [0, 0, 2]]);
  scaleRows(l2, 'l2');
  assertClose(l2.values, [0.6, 0.8, 1], 1e-12, 'l2');
});

async function corpusOf(lines: string[]): Promise<Corpus> {
  async function* source(): AsyncGenerator<TextLine> {
    for (let i = 0; i < lines.length; i++) yield { doc: i, label: `d${i + 1}`, text: lines[i]! };
  }
  return buildCorpus(source(), { tokenizer: 'whitespace', keepCase: false, minCount: 1 });
}

/** Options as the CLI would fill them: every spec's default, then the overrides. */
function optionsWith(overrides: EncoderOptions): EncoderOptions {
  const options: EncoderOptions = {};
  for (const spec of autoencoder.options) {
    const key = spec.flags.replace(/^--(no-)?/, '').split(' ')[0]!.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
    if (spec.default !== undefined && !(key in options)) options[key] = spec.default;
  }
  return { ...options, ...overrides };
}

const TOY_TEXT = [
  'the cat sat on the mat with the dog',
  'a dog and a cat play in the garden',
  'stocks fell as the market closed lower',
  'the market rallied and stocks rose',
  'the cat chased the dog around the mat',
  'investors sold stocks when the market fell',
];

test('autoencoder encoder: word rows from PPMI, whitened codes, metadata', async () => {
  const corpus = await corpusOf(TOY_TEXT);
  const m = (await autoencoder.encode(corpus, optionsWith({ dim: 4, epochs: 3, window: 2 }), context)) as DenseMatrix;
  assert.equal(m.kind, 'dense');
  assert.deepEqual(m.rows, corpus.vocab.words);
  assert.equal(m.columns, null);
  assert.equal(m.nCols, 4);
  assert.equal(m.meta.method, 'autoencoder');
  assert.equal(m.meta.seed, 1);
  assert.equal(m.meta.vocabularySize, corpus.vocab.size);
  assert.equal(m.meta.postprocess, WHITENED);
  assert.deepEqual(m.meta.options, {
    input: 'cooc', dim: 4, epochs: 3, lr: 0.003, batchSize: 256,
    activation: 'linear', whiten: true, window: 2, distanceWeighting: 'none', cds: 0.75, shift: 1, rowScaling: 'global',
  });
  const losses = m.meta.lossPerEpoch as number[];
  assert.equal(losses.length, 3);
  assert.ok(losses[2]! < losses[0]!, `loss ${losses.join(', ')}`);
  // Whitened: every column has zero mean and unit variance over the vocabulary.
  for (let k = 0; k < 4; k++) {
    let mean = 0;
    let square = 0;
    for (let i = 0; i < m.nRows; i++) {
      mean += m.data[i * 4 + k]! / m.nRows;
      square += m.data[i * 4 + k]! ** 2 / m.nRows;
    }
    assert.ok(Math.abs(mean) < 1e-5 && Math.abs(square - mean * mean - 1) < 1e-4, `column ${k}: mean ${mean}, second moment ${square}`);
  }
});

test('autoencoder encoder: document rows from tf-idf, raw codes with --no-whiten', async () => {
  const corpus = await corpusOf(TOY_TEXT);
  const m = (await autoencoder.encode(corpus, optionsWith({ input: 'doc', dim: 3, epochs: 2, whiten: false }), context)) as DenseMatrix;
  assert.deepEqual(m.rows, ['d1', 'd2', 'd3', 'd4', 'd5', 'd6']);
  assert.equal(m.nCols, 3);
  assert.equal(m.meta.postprocess, 'none (raw bottleneck codes)');
  assert.equal((m.meta.options as Record<string, unknown>).window, undefined, 'no window options for documents');
});

test('autoencoder encoder: the same seed gives the same vectors, another seed different ones', async () => {
  const corpus = await corpusOf(TOY_TEXT);
  const run = async (seed: number) => ((await autoencoder.encode(corpus, optionsWith({ dim: 3, epochs: 2, seed }), context)) as DenseMatrix).data;
  const first = await run(5);
  assert.deepEqual(await run(5), first);
  assert.notDeepEqual(await run(6), first);
});

test('autoencoder options: defaults and validation', () => {
  const spec = (flag: string) => autoencoder.options.find((o) => o.flags.startsWith(flag))!;
  assert.equal(autoencoder.defaultMinCount, 5);
  assert.equal(spec('--input').default, 'cooc');
  assert.equal(spec('--dim').default, 100);
  assert.equal(spec('--window').default, 5);
  assert.equal(spec('--whiten').default, true);
  assert.throws(() => spec('--activation').parse!('relu'), UsageError);
  assert.throws(() => spec('--input').parse!('rows'), UsageError);
  assert.throws(() => spec('--lr').parse!('0'), UsageError);
  assert.throws(() => spec('--batch-size').parse!('0'), UsageError);
  assert.equal(spec('--epochs').parse!('7'), 7);
  assert.equal(spec('--threads').parse!('1'), 1);
  assert.throws(() => spec('--threads').parse!('3'), UsageError);
});
