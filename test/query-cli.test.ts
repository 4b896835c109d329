import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { runCli, spawnCli } from './helpers/cli.js';

const FIXTURES = new URL('../../fixtures/query/', import.meta.url).pathname;
const TINY = `${FIXTURES}tiny.txt`;
const PAIRS = `${FIXTURES}pairs.txt`;
const QUESTIONS = `${FIXTURES}questions.txt`;

const lines = (text: string): string[] => text.trimEnd().split('\n');

test('similar: TSV when piped, one block of k rows per query word', async () => {
  const r = await runCli(['similar', TINY, 'man', 'queen', '-k', '2']);
  assert.equal(r.code, 0, r.stderr);
  // By hand: man's nearest are king and boy (cos 1/√2 each, king first: earlier row);
  // queen = (e1+e2)/√2: woman 1/√2, then monarch (−0.2,1,0.7)·(0,1,1)/(√2·√1.53) = 1.7/1.749286 = 0.971825.
  assert.deepEqual(lines(r.stdout), [
    'query\trank\tword\tsimilarity',
    'man\t1\tking\t0.707107',
    'man\t2\tboy\t0.707107',
    'queen\t1\tmonarch\t0.971825',
    'queen\t2\twoman\t0.707107',
  ]);
  assert.equal(r.stderr, '');
});

test('similar: JSON, and a table titled by the word on a terminal', async () => {
  const json = await runCli(['similar', TINY, 'man', '-k', '1', '--format', 'json']);
  assert.deepEqual(JSON.parse(json.stdout), [{ query: 'man', rank: 1, word: 'king', similarity: 0.707107 }]);
  const two = await runCli(['similar', TINY, 'man', 'big', '-k', '1', '--format', 'json']);
  // big = e4: bigger (0.2,0,0,0,1)/√1.04 → 1/1.0198 = 0.980581.
  assert.deepEqual(JSON.parse(two.stdout), [
    [{ query: 'man', rank: 1, word: 'king', similarity: 0.707107 }],
    [{ query: 'big', rank: 1, word: 'bigger', similarity: 0.980581 }],
  ]);
  const table = await runCli(['similar', TINY, 'man', '-k', '1'], undefined, { stdoutIsTTY: true, env: { NO_COLOR: '1' } });
  const out = lines(table.stdout);
  assert.equal(out[0], 'man');
  assert.match(table.stdout, /│ rank │ word │ similarity │/);
  assert.match(table.stdout, /│ 1 {4}│ king │ 0\.7071 {5}│/);
});

test('similar: vectors from standard input, as in `encode ... | wordspace similar - word`', async () => {
  const r = await runCli(['similar', '-', 'big', '-k', '1'], readFileSync(TINY));
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(lines(r.stdout), ['query\trank\tword\tsimilarity', 'big\t1\tbigger\t0.980581']);
});

test('an unknown word is exit 1 with close spellings', async () => {
  const r = await runCli(['similar', TINY, 'man', 'quen']);
  assert.equal(r.code, 1);
  assert.match(r.stdout, /^query\trank\tword\tsimilarity\nman\t1\t/); // the known word still gets its rows (issue 6, item 14)
  assert.equal(r.stderr, 'wordspace: "quen" is not in the vectors (did you mean: queen?)\n');
  const a = await runCli(['analogy', TINY, 'man', 'womn', 'king']);
  assert.equal(a.code, 1);
  assert.equal(a.stderr, 'wordspace: "womn" is not in the vectors (did you mean: woman?)\n');
});

test('bad numbers and methods are usage errors (exit 2)', async () => {
  assert.equal((await runCli(['similar', TINY, 'man', '-k', '0'])).code, 2);
  assert.equal((await runCli(['analogy', TINY, 'man', 'woman', 'king', '--method', 'cos'])).code, 2);
  assert.equal((await runCli(['evaluate', TINY, '--restrict', 'many'])).code, 2);
  assert.equal((await runCli(['evaluate', TINY, '--benchmark', 'huge'])).code, 2);
});

test('analogy: ranked answers, 3CosAdd and 3CosMul, restrict', async () => {
  // Scores from numpy on the unit rows (see test/vectors.test.ts).
  const add = await runCli(['analogy', TINY, 'man', 'woman', 'king', '-k', '2']);
  assert.deepEqual(lines(add.stdout), ['rank\tword\tscore', '1\tmonarch\t0.997374', '2\tqueen\t0.958569']);
  const mul = await runCli(['analogy', TINY, 'man', 'woman', 'king', '-k', '2', '--method', 'mul']);
  assert.deepEqual(lines(mul.stdout), ['rank\tword\tscore', '1\tmonarch\t1.383635', '2\tqueen\t1.277775']);
  const restricted = await runCli(['analogy', TINY, 'man', 'woman', 'king', '-k', '1', '--restrict', '10', '--format', 'json']);
  assert.deepEqual(JSON.parse(restricted.stdout), [{ rank: 1, word: 'queen', score: 0.958569 }]);
});

test('evaluate: TSV rows (set, section, measure, value, found, total) when piped', async () => {
  const r = await runCli(['evaluate', TINY, '--similarity', PAIRS, '--analogies', QUESTIONS, '--restrict', '8']);
  assert.equal(r.code, 0, r.stderr);
  // evaluate.py on the same files: ρ 0.2869224, r 0.2848958, 9 of 10 pairs; with restrict 8 the
  // comparative question is skipped, 3 of the 4 family questions are right.
  assert.deepEqual(lines(r.stdout), [
    'set\tsection\tmeasure\tvalue\tfound\ttotal',
    'pairs\t\tspearman\t0.286922\t9\t10',
    'pairs\t\tpearson\t0.284896\t9\t10',
    'questions\tall\t3CosAdd\t0.75\t4\t5',
    'questions\tsemantic\t3CosAdd\t0.75\t4\t4',
    'questions\tsyntactic\t3CosAdd\tNaN\t0\t1',
    'questions\tfamily\t3CosAdd\t0.75\t4\t4',
    'questions\tgram3-comparative\t3CosAdd\tNaN\t0\t1',
  ]);
});

test('evaluate: JSON report', async () => {
  const r = await runCli(['evaluate', TINY, '--similarity', PAIRS, PAIRS, '--analogies', QUESTIONS, '--method', 'mul', '--format', 'json']);
  assert.equal(r.code, 0, r.stderr);
  const report = JSON.parse(r.stdout);
  assert.deepEqual(Object.keys(report), ['vectors', 'vocabulary', 'dim', 'similarity', 'analogies']);
  assert.equal(report.vocabulary, 11);
  assert.equal(report.dim, 5);
  assert.equal(report.similarity.length, 2);
  assert.deepEqual(Object.keys(report.similarity[0]), ['set', 'pairs', 'found', 'spearman', 'pearson']);
  assert.ok(Math.abs(report.similarity[0].spearman - 0.2869223853341024) < 1e-6);
  // All 11 rows searched: monarch beats queen, so 3 of 5 right (evaluate.py: mul all 0.6, sem 0.5, syn 1.0).
  const a = report.analogies;
  assert.deepEqual([a.set, a.method, a.restrict, a.questions, a.answered, a.skipped, a.correct, a.accuracy], ['questions', '3CosMul', 11, 5, 5, 0, 3, 0.6]);
  assert.deepEqual(a.semantic, { name: 'semantic', questions: 4, answered: 4, correct: 2, accuracy: 0.5 });
  assert.deepEqual(a.sections.map((s: { name: string }) => s.name), ['family', 'gram3-comparative']);
  // No analogy set asked for: analogies is null; a correlation of < 3 pairs is null.
  const only = JSON.parse((await runCli(['evaluate', TINY, '--similarity', PAIRS, '--format', 'json'])).stdout);
  assert.equal(only.analogies, null);
});

test('evaluate: the standard benchmark by default', async () => {
  const r = await runCli(['evaluate', TINY, '--format', 'json']);
  assert.equal(r.code, 0, r.stderr);
  const report = JSON.parse(r.stdout);
  assert.deepEqual(report.similarity.map((s: { set: string }) => s.set), ['EN-MC-30', 'EN-MTurk-287', 'EN-RG-65', 'EN-WS-353-ALL', 'EN-WS-353-REL', 'EN-WS-353-SIM']);
  // WordSim-353 has king–queen and man–woman: 2 pairs found, too few for ρ (null in JSON).
  assert.deepEqual([report.similarity[3].found, report.similarity[3].pairs, report.similarity[3].spearman], [2, 353, null]);
  assert.equal(report.analogies.set, 'questions-words');
  assert.equal(report.analogies.questions, 19544);
});

test('evaluate: a similarity file in the wrong format is exit 1 naming the file and line', async () => {
  const r = await runCli(['evaluate', TINY, '--similarity', `${FIXTURES}bad-pairs.txt`]);
  assert.equal(r.code, 1);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /^wordspace: .*bad-pairs\.txt, line 2: the score "ten" is not a number \(/);
  const missing = await runCli(['evaluate', TINY, '--similarity', `${FIXTURES}nope.txt`]);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /cannot read .*nope\.txt: no such file/);
});

test('the built binary in a pipe prints TSV', async () => {
  const r = await spawnCli(['similar', '-', 'man', '-k', '1'], readFileSync(TINY));
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'query\trank\tword\tsimilarity\nman\t1\tking\t0.707107\n');
});
