import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { InputError } from '../src/core/errors.js';
import { makeMeta, SparseMatrix } from '../src/core/matrix.js';
import { Random } from '../src/core/random.js';
import { topK, WordVectors } from '../src/core/vectors.js';
import { closeWords, editDistance } from '../src/query/suggest.js';
import { tinySparse, tinyVectors } from './helpers/query-fixtures.js';

const close = (actual: number, expected: number, tolerance = 1e-6): void =>
  assert.ok(Math.abs(actual - expected) <= tolerance, `${actual} is not within ${tolerance} of ${expected}`);

test('nearest: cosine neighbours of a word, itself excluded, ties to the earlier row', () => {
  const v = tinyVectors();
  // By hand: man = e0; king = (e0+e2)/√2 and boy = (e0+e3)/√2 both have cosine 1/√2 (tie: king
  // comes first); smaller = (0.6,0,0,1,1)/√2.36 → 0.6/1.5362 = 0.390567; bigger 0.2/√1.04 = 0.196116.
  const got = v.nearest('man', 4);
  assert.deepEqual(got.map((n) => n.word), ['king', 'boy', 'smaller', 'bigger']);
  close(got[0]!.score, Math.SQRT1_2);
  close(got[1]!.score, Math.SQRT1_2);
  close(got[2]!.score, 0.6 / Math.sqrt(2.36));
  close(got[3]!.score, 0.2 / Math.sqrt(1.04));
  assert.equal(got[0]!.index, 2);
});

test('nearest: restrict to the first rows, explicit exclusions, and a vector query', () => {
  const v = tinyVectors();
  // Only rows 0..4 (man, woman, king, queen, boy): king and boy 1/√2, then woman and queen 0.
  assert.deepEqual(v.nearest('man', 3, { restrict: 5 }).map((n) => n.word), ['king', 'boy', 'woman']);
  assert.deepEqual(v.nearest('man', 2, { exclude: ['king'] }).map((n) => n.word), ['boy', 'smaller']);
  // A vector query does not exclude anything: e3 + e4 is exactly `small`.
  const q = v.nearest([0, 0, 0, 2, 2], 1);
  assert.equal(q[0]!.word, 'small');
  close(q[0]!.score, 1);
  assert.equal(v.nearest('man', 100).length, 10);
});

test('similarity and the lazily normalised copy', () => {
  const v = tinyVectors();
  close(v.similarity('king', 'queen'), 0.5); // (e0+e2)·(e1+e2) / 2
  const unit = v.unit();
  assert.equal(unit, v.unit()); // computed once
  close(unit[7 * 5]!, 0.2 / Math.sqrt(1.04));
  // The raw vectors are untouched.
  assert.equal(v.vectors[7 * 5], Math.fround(0.2));
});

test('analogy 3CosAdd: king − man + woman, the question words excluded', () => {
  const v = tinyVectors();
  // Reference: numpy on the unit rows, cos(x, b̂ − â + ĉ): monarch 0.99737418, queen 0.95856887,
  // woman 0.79410452 (excluded), girl 0.56151670.
  const got = v.analogy('man', 'woman', 'king', 3, 'add');
  assert.deepEqual(got.map((n) => n.word), ['monarch', 'queen', 'girl']);
  close(got[0]!.score, 0.9973741769790649);
  close(got[1]!.score, 0.9585688710212708);
  close(got[2]!.score, 0.5615167021751404);
  // Restricted to the first 10 rows, the distractor is gone.
  assert.equal(v.analogy('man', 'woman', 'king', 1, 'add', { restrict: 10 })[0]!.word, 'queen');
  // big : bigger :: small : ? — `small` itself scores 0.98071 > smaller 0.97898, but is excluded.
  assert.equal(v.analogy('big', 'bigger', 'small', 1, 'add')[0]!.word, 'smaller');
});

test('analogy 3CosMul against the hand computation', () => {
  const v = tinyVectors();
  // queen: cos(queen, woman) = 1/√2, cos(queen, king) = 1/2, cos(queen, man) = 0, so
  // ((1+1/√2)/2 · (1+1/2)/2) / ((1+0)/2 + 0.001) = 0.853553 · 0.75 / 0.501 = 1.2777746.
  const expectedQueen = (((1 + Math.SQRT1_2) / 2) * (1.5 / 2)) / (0.5 + 1e-3);
  close(expectedQueen, 1.277774691581726); // numpy, same formula on float32 rows
  const got = v.analogy('man', 'woman', 'king', 3, 'mul');
  assert.deepEqual(got.map((n) => n.word), ['monarch', 'queen', 'girl']);
  close(got[1]!.score, expectedQueen);
  close(got[0]!.score, 1.3836352825164795);
  close(got[2]!.score, 0.8518497347831726);
  // 3CosMul ranks smaller (0.99628) above small (0.99080) even before the exclusion.
  assert.equal(v.analogy('big', 'bigger', 'small', 1, 'mul')[0]!.word, 'smaller');
});

test('unknown words are an InputError suggesting close spellings', () => {
  const v = tinyVectors();
  assert.throws(
    () => v.nearest('quen'),
    (err: unknown) =>
      err instanceof InputError && err.message === '"quen" is not in the vectors' && err.hint === 'did you mean: queen?',
  );
  assert.throws(() => v.analogy('man', 'woman', 'emperor'), (err: unknown) => err instanceof InputError && /none of its 11 words/.test(err.hint ?? ''));
});

test('suggestions: edit distance ≤ 2, nearest first, then vocabulary order', () => {
  // By hand: goverment → government is one insertion, → governments two, → governed three.
  assert.equal(editDistance('goverment', 'government'), 1);
  assert.equal(editDistance('goverment', 'governments'), 2);
  assert.equal(editDistance('kitten', 'sitting'), 3);
  assert.equal(editDistance('kitten', 'sitting', 1), 2); // stops early: "more than 1"
  const vocab = ['the', 'governments', 'governed', 'Government', 'government'];
  assert.deepEqual(closeWords('goverment', vocab), ['Government', 'government', 'governments']);
});

test('topK: best first, NaN and exclusions skipped, ties to the smaller index', () => {
  const scores = [0.5, NaN, 0.9, 0.5, 0.1, 0.9, -1];
  assert.deepEqual(topK(scores, 4), [2, 5, 0, 3]);
  assert.deepEqual(topK(scores, 3, new Set([2])), [5, 0, 3]);
  assert.deepEqual(topK(scores, 0), []);
  assert.deepEqual(topK(scores, 10), [2, 5, 0, 3, 4, 6]);
});

test('fromMatrix keeps a sparse matrix sparse and converts float64 data', () => {
  // Rows a = (0, 2, 0), b = (3, 0, 4): cos(a, b) = 0 by hand; b's unit row is (0.6, 0, 0.8).
  const sparse = new SparseMatrix(['a', 'b'], null, 3, Int32Array.from([0, 1, 3]), Int32Array.from([1, 0, 2]), Float64Array.from([2, 3, 4]), makeMeta('test', {}));
  const v = WordVectors.fromMatrix(sparse);
  assert.ok(v.isSparse);
  assert.deepEqual([...v.vector('b')], [3, 0, 4]);
  assert.deepEqual([...v.unitRow(1)].map((x) => Math.round(x * 1e6) / 1e6), [0.6, 0, 0.8]);
  assert.equal(v.similarity('a', 'b'), 0);
  // A repeated word is found at its first row.
  const dup = new WordVectors(['x', 'y', 'x'], new Float32Array(6), 2);
  assert.equal(dup.indexOf('x'), 0);
});

test('sparse vectors answer every query as their dense twin', () => {
  const dense = tinyVectors();
  const sparse = WordVectors.fromMatrix(tinySparse());
  assert.ok(sparse.isSparse && !dense.isSparse);
  const same = (x: { word: string; score: number }[], y: { word: string; score: number }[]): void => {
    assert.deepEqual(x.map((n) => n.word), y.map((n) => n.word));
    x.forEach((n, i) => assert.ok(Math.abs(n.score - y[i]!.score) < 1e-6));
  };
  same(sparse.nearest('man', 5), dense.nearest('man', 5));
  same(sparse.nearest('queen', 3, { restrict: 6 }), dense.nearest('queen', 3, { restrict: 6 }));
  same(sparse.analogy('man', 'woman', 'king', 3), dense.analogy('man', 'woman', 'king', 3));
  same(sparse.analogy('big', 'bigger', 'small', 3, 'mul'), dense.analogy('big', 'bigger', 'small', 3, 'mul'));
  const picked = sparse.select([3, 0], ['q', 'm']);
  assert.deepEqual([...picked.row(0)], [0, 1, 1, 0, 0]);
  assert.deepEqual([...picked.row(1)], [1, 0, 0, 0, 0]);
});

test('suggestions scale with word length: a two-character query is not close to every short word', () => {
  // 自由 vs 自在: one substitution, one character shared; vs "of"/"to": two substitutions, nothing shared.
  assert.deepEqual(closeWords('自由', ['of', 'to', '自在', '由']), ['自在', '由']);
  assert.deepEqual(closeWords('xy', ['of', 'to', 'ab']), []);
  // "teh" (3 letters) allows one edit: "the" is two substitutions away, "ten" one.
  assert.deepEqual(closeWords('teh', ['the', 'ten']), ['ten']);
});

test('cosines: the first queries (read from the raw rows) equal those read from the unit copy, bit for bit', () => {
  const random = new Random(8);
  const rows = 300;
  const dim = 37; // not a multiple of 4: the unrolled loop's tail too
  const data = new Float32Array(rows * dim);
  for (let i = 0; i < data.length; i++) data[i] = random.normal() * (i % 11 === 0 ? 1e-3 : 1);
  data.fill(0, 5 * dim, 6 * dim); // a zero row (its norm is taken as 1)
  const words = Array.from({ length: rows }, (_, i) => `w${i}`);
  const direct = new WordVectors(words, data, dim);
  const cached = new WordVectors(words, data, dim);
  cached.unit(); // the unit copy first: every query reads it
  for (const [query, restrict] of [['w3', rows], ['w7', 120], ['w5', rows]] as const) {
    // unitRow before the copy exists is computed alone: the same float32 values as the copy's row.
    assert.deepEqual(direct.unitRow(direct.lookup(query)), cached.unitRow(cached.lookup(query)));
    const a = direct.cosines(direct.unitRow(direct.lookup(query)), restrict);
    const b = cached.cosines(cached.unitRow(cached.lookup(query)), restrict);
    assert.deepEqual(a, b, query);
    assert.deepEqual(direct.nearest(query, 10), cached.nearest(query, 10));
  }
  // The reference: cos = Σ fround(x_j / |x|) · q̂_j over the unit copy computed here independently.
  const q = cached.unitRow(3);
  const qn = Math.sqrt(q.reduce((s, x) => s + x * x, 0));
  const norm9 = Math.sqrt(data.subarray(9 * dim, 10 * dim).reduce((s, x) => s + x * x, 0));
  let expected = 0;
  for (let j = 0; j < dim; j++) expected += Math.fround(data[9 * dim + j]! / norm9) * (q[j]! / qn);
  assert.ok(Math.abs(new WordVectors(words, data, dim).cosines(q)[9]! - expected) < 1e-12);
  // unitInto writes the unit copy's values, made (cached) or not.
  const fresh = new WordVectors(words, data, dim);
  const into = new Float32Array(120 * dim);
  fresh.unitInto(into, 120);
  assert.deepEqual(into, cached.unit().subarray(0, 120 * dim));
  cached.unitInto(into.fill(0), 120);
  assert.deepEqual(into, cached.unit().subarray(0, 120 * dim));
  assert.equal(direct.hasRepeatedWords, false);
  assert.equal(new WordVectors(['a', 'b', 'a'], new Float32Array(6), 2).hasRepeatedWords, true);
});
