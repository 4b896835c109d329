import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import { InputError } from '../src/core/errors.js';
import { silentProgress } from '../src/core/progress.js';
import type { DenseMatrix, Matrix, SparseMatrix } from '../src/core/matrix.js';
import { buildCorpus, type Corpus } from '../src/corpus/corpus.js';
import { countCooccurrences, cooc, ppmiMatrix } from '../src/encoders/cooc.js';
import { doc } from '../src/encoders/doc.js';
import { features } from '../src/encoders/features.js';
import { onehot } from '../src/encoders/onehot.js';
import { readCorpusLines, type DocUnit } from '../src/io/input.js';
import { readTable } from '../src/io/table.js';

const context = { progress: silentProgress, warn: () => {} };
const fixture = (name: string): string => new URL(`../../fixtures/${name}`, import.meta.url).pathname;

async function corpusOf(text: string, docs: DocUnit = 'file'): Promise<Corpus> {
  const lines = readCorpusLines({ inputs: ['-'], stdin: Readable.from([Buffer.from(text)]), docs });
  return buildCorpus(lines, { tokenizer: 'word', keepCase: false, minCount: 1 });
}

/** Dense rows of any matrix, as plain arrays. */
function rowsOf(m: Matrix): number[][] {
  const dense = m.kind === 'sparse' ? m.toDense() : m;
  return dense.rows.map((_, i) => Array.from(dense.row(i)));
}

function assertClose(actual: number[][], expected: number[][], tolerance = 1e-6): void {
  assert.equal(actual.length, expected.length, 'row count');
  actual.forEach((row, i) => {
    assert.equal(row.length, expected[i]!.length, `row ${i} width`);
    row.forEach((v, j) => assert.ok(Math.abs(v - expected[i]![j]!) <= tolerance, `cell ${i},${j}: ${v} vs ${expected[i]![j]}`));
  });
}

test('onehot: the seed sentence gives 12 × 9 with one 1 per row at the word\'s column', async () => {
  const corpus = await buildCorpus(readCorpusLines({ inputs: [fixture('seed.txt')] }), { tokenizer: 'word', keepCase: false, minCount: 1 });
  const m = await onehot.encode(corpus, { unique: false }, context);
  assert.equal(m.nRows, 12);
  assert.equal(m.nCols, 9);
  assert.deepEqual(m.columns, ['the', 'in', 'bird', 'cat', 'dog', 'hat', 'mat', 'on', 'tree']);
  assert.deepEqual(m.rows, 'cat in the hat dog on the mat bird in the tree'.split(' '));
  const expectedColumn = [3, 1, 0, 5, 4, 7, 0, 6, 2, 1, 0, 8];
  rowsOf(m).forEach((row, i) => {
    assert.equal(row.reduce((a, b) => a + b, 0), 1);
    assert.equal(row[expectedColumn[i]!], 1);
  });
  const unique = await onehot.encode(corpus, { unique: true }, context);
  assert.deepEqual(rowsOf(unique), Array.from({ length: 9 }, (_, i) => Array.from({ length: 9 }, (_, j) => (i === j ? 1 : 0))));
});

test('doc: counts, binary, tf and tf-idf (scikit-learn formula) by doc and by word', async () => {
  const corpus = await corpusOf('a b a\nb c\n', 'line');
  const by = (weight: string, orientation = 'doc') => doc.encode(corpus, { weight, by: orientation }, context);
  assert.deepEqual(rowsOf(await by('count')), [[2, 1, 0], [0, 1, 1]]);
  assert.deepEqual(rowsOf(await by('binary')), [[1, 1, 0], [0, 1, 1]]);
  assertClose(rowsOf(await by('tf')), [[2 / 3, 1 / 3, 0], [0, 0.5, 0.5]]);
  // idf = ln(3/2)+1 for a and c (df 1 of n 2), 1 for b; rows L2-normalised (computed by hand).
  assertClose(rowsOf(await by('tfidf')), [[0.9421556246632359, 0.33517574332792605, 0], [0, 0.5797386715376657, 0.8148024746671689]]);
  const words = await by('count', 'word');
  assert.deepEqual(words.rows, ['a', 'b', 'c']);
  assert.deepEqual(words.columns, ['stdin:1', 'stdin:2']);
  assert.deepEqual(rowsOf(words), [[2, 0], [1, 1], [0, 1]]);
});

test('cooc: symmetric window counts with none, harmonic and linear distance weighting', async () => {
  const corpus = await corpusOf('a b a c\n');
  assert.deepEqual(corpus.vocab.words, ['a', 'b', 'c']);
  const none1 = countCooccurrences(corpus, { window: 1, distanceWeighting: 'none' });
  assert.deepEqual(rowsOf(none1), [[0, 2, 1], [2, 0, 0], [1, 0, 0]]);
  // window 2, 1/d: a-b twice at d=1; a-a once at d=2 (both directions → 2 × 1/2); a-c at d=1; b-c at d=2.
  assertClose(rowsOf(countCooccurrences(corpus, { window: 2, distanceWeighting: 'harmonic' })), [[1, 2, 1], [2, 0, 0.5], [1, 0.5, 0]]);
  // window 3, (3−d+1)/3: d=1 → 1, d=2 → 2/3, d=3 → 1/3.
  assertClose(rowsOf(countCooccurrences(corpus, { window: 3, distanceWeighting: 'linear' })), [[4 / 3, 2, 4 / 3], [2, 0, 2 / 3], [4 / 3, 2 / 3, 0]]);
});

test('cooc: windows never cross a line', async () => {
  const corpus = await corpusOf('a b\nc a\n');
  assert.deepEqual(rowsOf(countCooccurrences(corpus, { window: 5, distanceWeighting: 'none' })), [[0, 1, 1], [1, 0, 0], [1, 0, 0]]);
});

test('cooc: PPMI with context-distribution smoothing and shift (hand-computed)', async () => {
  const corpus = await corpusOf('a b a c\n');
  const counts = countCooccurrences(corpus, { window: 1, distanceWeighting: 'none' });
  // row sums a 3, b 2, c 1; smoothed contexts 3^.75, 2^.75, 1; PMI(a,b) = ln(2·4.9613/(3·2^.75)) …
  assertClose(rowsOf(ppmiMatrix(counts, { cds: 0.75, shift: 1 })), [[0, 0.6763422869584207, 0.5030554918184343], [0.7777085639854618, 0, 0], [0.7777085639854618, 0, 0]]);
  // shift 2 subtracts ln 2 and clips the negatives to 0.
  const shifted = ppmiMatrix(counts, { cds: 0.75, shift: 2 });
  assertClose(rowsOf(shifted), [[0, 0, 0], [0.08456138342551656, 0, 0], [0.08456138342551656, 0, 0]]);
  assert.equal(shifted.nnz, 2);
  // Written over the counts (reuse): the same matrix, the counts' own arrays reused.
  const again = countCooccurrences(corpus, { window: 1, distanceWeighting: 'none' });
  const reused = ppmiMatrix(again, { cds: 0.75, shift: 2 }, true);
  assert.deepEqual(Array.from(reused.indptr), Array.from(shifted.indptr));
  assert.deepEqual(Array.from(reused.indices), Array.from(shifted.indices));
  assert.deepEqual(Array.from(reused.values), Array.from(shifted.values));
  const viaEncoder = (await cooc.encode(corpus, { window: 1, distanceWeighting: 'none', weight: 'ppmi', cds: 0.75, shift: 1 }, context)) as SparseMatrix;
  assert.equal(viaEncoder.meta.method, 'cooc');
  assert.deepEqual(viaEncoder.meta.options, { window: 1, distanceWeighting: 'none', weight: 'ppmi', cds: 0.75, shift: 1 });
});

test('features: the article\'s seasons table, emoji labels included', async () => {
  const table = await readTable(fixture('seasons.csv'), {});
  const m = (await features.encode(table, { scale: 'none' }, context)) as DenseMatrix;
  assert.deepEqual(m.rows, ['🌳', '🍂', '🍁', '🌻', '🎁', '🎅']);
  assert.deepEqual(m.columns, ['spring', 'summer', 'autumn', 'winter']);
  assert.deepEqual(rowsOf(m), [[1, 1, 1, 0], [1, 0, 0, 0], [1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 1], [0, 0, 1, 1]]);
  assert.equal(readFileSync(fixture('seasons.csv'), 'utf8').split('\n')[1], '🌳,1,1,1,0');
});

function tableOf(text: string) {
  return readTable('-', { stdin: Readable.from([Buffer.from(text)]) });
}

test('features: categorical columns become one-hot groups; scaling', async () => {
  const table = await tableOf('name,r,g,b,kind\norange,1,0.5,0,warm\nsky,0,0.5,1,cool\nred,1,0,0,warm\n');
  const m = (await features.encode(table, { scale: 'minmax' }, context)) as DenseMatrix;
  assert.deepEqual(m.columns, ['r', 'g', 'b', 'kind=warm', 'kind=cool']);
  assert.deepEqual(rowsOf(m), [[1, 1, 0, 1, 0], [0, 1, 1, 0, 1], [1, 0, 0, 1, 0]]);
  const standard = (await features.encode(await tableOf('x,v\na,1\nb,3\n'), { scale: 'standard' }, context)) as DenseMatrix;
  assert.deepEqual(rowsOf(standard), [[-1], [1]]);
});

test('features: a non-number in a numeric column is an error naming row and column', async () => {
  const table = await tableOf('item,size,weight\na,1,2\nb,2,heavy\nc,3,4\n');
  await assert.rejects(features.encode(table, { scale: 'none' }, context), (err: unknown) => err instanceof InputError && /row 2 \(b\), column "weight": "heavy" is not a number/.test(err.message));
});
