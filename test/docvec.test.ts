/**
 * encode docvec (sif, mean) by hand on a four-document corpus, against an independent numpy
 * computation of SIF, and `similar` over document ids.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, test } from 'node:test';
import { DenseMatrix, makeMeta, type Matrix } from '../src/core/matrix.js';
import { buildCorpus, type Corpus } from '../src/corpus/corpus.js';
import { encode } from '../src/encoders/encode.js';
import { readMatrix } from '../src/io/formats/index.js';
import { readCorpusLines } from '../src/io/input.js';
import { runCli } from './helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'ws-docvec-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const numpy = spawnSync('/usr/bin/python3', ['-c', 'import numpy']).status === 0;

/**
 * Four documents (one per line): counts a 3, b 2, c 2, x 2 (total 9); x has no vector, so the
 * fourth document has no word with one.
 */
const DOCS = 'a a a b\nb c\nc x\nx\n';
/** 2-d word vectors: a = (1, 0), b = (0, 1), c = (1, 1); x has none. */
const WORDS = new DenseMatrix(['a', 'b', 'c'], null, 2, Float64Array.from([1, 0, 0, 1, 1, 1]), makeMeta('test', {}));
const WORDS_TEXT = '3 2\na 1 0\nb 0 1\nc 1 1\n';

async function corpusOf(text: string): Promise<Corpus> {
  return buildCorpus(readCorpusLines({ inputs: ['-'], stdin: Readable.from([Buffer.from(text)]), docs: 'line' }), { tokenizer: 'whitespace', keepCase: false, minCount: 1 });
}

function rowsOf(m: Matrix): number[][] {
  assert.equal(m.kind, 'dense');
  return m.rows.map((_, i) => Array.from((m as DenseMatrix).row(i)));
}

function assertRowsClose(actual: number[][], expected: number[][], tolerance = 1e-6): void {
  assert.equal(actual.length, expected.length);
  actual.forEach((row, i) => row.forEach((v, j) => assert.ok(Math.abs(v - expected[i]![j]!) <= tolerance, `row ${i + 1} value ${j + 1}: ${v}, expected ${expected[i]![j]}`)));
}

/** The SIF weighted averages of DOCS by hand, with a = 0.5: w(a) = 0.5/(0.5 + 3/9) = 0.6, w(b) = w(c) = 0.5/(0.5 + 2/9) = 9/13. */
function handAverages(): number[][] {
  const wa = 0.6;
  const wbc = 9 / 13;
  return [
    [(3 * wa) / 4, wbc / 4], // a a a b: (3·0.6·(1,0) + (9/13)·(0,1)) / 4 tokens with a vector
    [wbc / 2, (2 * wbc) / 2], // b c: ((9/13)(0,1) + (9/13)(1,1)) / 2
    [wbc, wbc], // c x: x has no vector, so only c counts
    [0, 0], // x: no word with a vector
  ];
}

/** Remove from each row its projection on the top eigenvector of XᵀX (2 × 2, closed form). */
function handRemoveFirstComponent(x: number[][]): number[][] {
  let p = 0;
  let q = 0;
  let r = 0;
  for (const [u, v] of x) {
    p += u! * u!;
    q += u! * v!;
    r += v! * v!;
  }
  const lambda = (p + r) / 2 + Math.sqrt(((p - r) / 2) ** 2 + q * q);
  const e = [q, lambda - p];
  const n = Math.hypot(e[0]!, e[1]!);
  const unit = [e[0]! / n, e[1]! / n];
  return x.map(([u, v]) => {
    const dot = u! * unit[0]! + v! * unit[1]!;
    return [u! - dot * unit[0]!, v! - dot * unit[1]!];
  });
}

test('docvec sif by hand: a/(a + p(w)) averages over the tokens with a vector, first singular vector of the uncentred matrix removed', async () => {
  const warnings: string[] = [];
  const m = await encode('docvec', await corpusOf(DOCS), { vectors: WORDS, sifA: 0.5 }, { warn: (w) => warnings.push(w) });
  assert.deepEqual(m.rows, ['stdin:1', 'stdin:2', 'stdin:3', 'stdin:4']);
  const expected = handRemoveFirstComponent(handAverages());
  assertRowsClose(rowsOf(m), expected);
  // Not a vacuous check: the removal changed the averages.
  assert.ok(Math.abs(expected[0]![0]! - handAverages()[0]![0]!) > 0.01);
  assert.equal(warnings.length, 1);
  assert.match(warnings[0]!, /^1 of 4 documents has no word with a vector/);
  assert.equal(m.meta.method, 'docvec');
  assert.equal(m.meta.rowKind, 'document');
});

test('docvec sif --sif-components 0 keeps the weighted average; the default a is 1e-3', async () => {
  const corpus = await corpusOf(DOCS);
  assertRowsClose(rowsOf(await encode('docvec', corpus, { vectors: WORDS, sifA: 0.5, sifComponents: 0 })), handAverages());
  const m = await encode('docvec', corpus, { vectors: WORDS, sifComponents: 0 });
  const wa = 1e-3 / (1e-3 + 3 / 9);
  const wb = 1e-3 / (1e-3 + 2 / 9);
  assertRowsClose(rowsOf(m).slice(0, 1), [[(3 * wa) / 4, wb / 4]], 1e-9);
  assert.equal(m.meta.options.sifA, 1e-3);
});

test('docvec mean by hand: the plain average of the vectors of the tokens that have one', async () => {
  const m = await encode('docvec', await corpusOf(DOCS), { vectors: WORDS, method: 'mean' });
  assertRowsClose(rowsOf(m), [
    [0.75, 0.25],
    [0.5, 1],
    [1, 1],
    [0, 0],
  ]);
});

test('encode docvec on the command line: --vectors FILE, one warning for the documents without a known word, rows labelled by document id', async () => {
  const vectors = join(dir, 'words.vec');
  const docs = join(dir, 'Docs Here.txt');
  writeFileSync(vectors, WORDS_TEXT);
  writeFileSync(docs, DOCS);
  const out = join(dir, 'docs.json');
  const r = await runCli(['encode', 'docvec', docs, '--docs', 'line', '--tokenizer', 'whitespace', '--vectors', vectors, '--sif-a', '0.5', '-o', out]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr.split('\n').filter((l) => /warning/.test(l)).length, 1, r.stderr);
  assert.match(r.stderr, /1 of 4 documents has no word with a vector: its row is zero/);
  const m = await readMatrix(out);
  assert.deepEqual(m.rows, [1, 2, 3, 4].map((n) => `${docs}:${n}`));
  assertRowsClose(rowsOf(m), handRemoveFirstComponent(handAverages()));
  const bad = await runCli(['encode', 'docvec', docs, '--vectors', vectors, '--method', 'pv-dm']);
  assert.equal(bad.code, 2);
});

test('encode docvec without --vectors trains sgns on the corpus (one row per document, of --dim)', async () => {
  const docs = join(dir, 'train.txt');
  writeFileSync(docs, 'the cat sat on the mat\nthe dog sat on the log\nthe cat and the dog\n');
  const r = await runCli(['encode', 'docvec', docs, '--docs', 'line', '--dim', '4', '--epochs', '1', '--threads', '1', '-q', '-f', 'json']);
  assert.equal(r.code, 0, r.stderr);
  const json = JSON.parse(r.stdout) as { rows: string[]; data: number[][]; meta: { options: { vectors: string } } };
  assert.equal(json.rows.length, 3);
  assert.ok(json.data.every((row) => row.length === 4));
  assert.match(json.meta.options.vectors, /sgns/);
});

test('similar DOCVECS ID: document ids with spaces, colons and capitals are found as typed', async () => {
  const vectors = join(dir, 'words2.vec');
  const docs = join(dir, 'My Notes.txt');
  // mean vectors: line 1 (1,0), line 2 (0.5,1) [b c], line 3 (0.75,0.25) [a a a b], line 4 (1,1) [c].
  writeFileSync(vectors, WORDS_TEXT);
  writeFileSync(docs, 'a\nb c\na a a b\nc\n');
  const out = join(dir, 'notes.npy');
  const e = await runCli(['encode', 'docvec', docs, '--docs', 'line', '--method', 'mean', '--vectors', vectors, '-q', '-o', out]);
  assert.equal(e.code, 0, e.stderr);
  const r = await runCli(['similar', out, `${docs}:1`, '-k', '3']);
  assert.equal(r.code, 0, r.stderr);
  // cos((1,0), ·): (0.75,0.25) 0.949, (1,1) 0.707, (0.5,1) 0.447.
  const ranked = r.stdout.trimEnd().split('\n').slice(1).map((l) => l.split('\t'));
  assert.deepEqual(ranked.map((c) => c[2]), [`${docs}:3`, `${docs}:4`, `${docs}:2`]);
  assert.ok(Math.abs(Number(ranked[0]![3]) - 0.75 / Math.hypot(0.75, 0.25)) < 1e-5);
  // CSV ids with a space, from --id-column.
  const csv = join(dir, 'reviews.csv');
  writeFileSync(csv, 'id,text\nReview One,a a\nreview two,b\nR:3,a b\n');
  const out2 = join(dir, 'reviews.json');
  assert.equal((await runCli(['encode', 'docvec', csv, '--text-column', 'text', '--id-column', 'id', '--method', 'mean', '--vectors', vectors, '-q', '-o', out2])).code, 0);
  const s = await runCli(['similar', out2, 'Review One', 'R:3', '-k', '1']);
  assert.equal(s.code, 0, s.stderr);
  assert.deepEqual(s.stdout.trimEnd().split('\n').slice(1).map((l) => l.split('\t').slice(0, 3)), [['Review One', '1', 'R:3'], ['R:3', '1', 'Review One']]);
  // encode doc --by doc rows are documents too. Rows: Review One {a: 2}, review two {b: 1}, R:3 {a: 1, b: 1}:
  // cos(Review One, R:3) = 2/(2·√2) = 0.707, cos(Review One, review two) = 0.
  const out3 = join(dir, 'reviews-doc.json');
  assert.equal((await runCli(['encode', 'doc', csv, '--text-column', 'text', '--id-column', 'id', '--by', 'doc', '-q', '-o', out3])).code, 0);
  const d = await runCli(['similar', out3, 'Review One', '-k', '1']);
  assert.equal(d.code, 0, d.stderr);
  const [row] = d.stdout.trimEnd().split('\n').slice(1).map((l) => l.split('\t'));
  assert.deepEqual(row!.slice(0, 3), ['Review One', '1', 'R:3']);
  assert.ok(Math.abs(Number(row![3]) - Math.SQRT1_2) < 1e-5);
});

/** A deterministic pseudo-random number in [0, 1) from a 32-bit LCG. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

test('docvec sif equals an independent numpy computation (cosine ≥ 0.999 per document)', { skip: !numpy && 'numpy is not installed for /usr/bin/python3 (apt-get install python3-numpy)' }, async () => {
  const random = lcg(11);
  const vocabulary = Array.from({ length: 25 }, (_, i) => `w${i}`);
  // Zipf-like draws, so the weights differ; w20..w24 get no vector.
  const draw = (): string => vocabulary[Math.min(24, Math.floor(25 * random() ** 2.5))]!;
  const lines = Array.from({ length: 30 }, () => Array.from({ length: 3 + Math.floor(random() * 10) }, draw).join(' '));
  lines.push('w24 w24'); // a document with no word with a vector
  const docs = join(dir, 'np-docs.txt');
  const vectors = join(dir, 'np-words.vec');
  writeFileSync(docs, `${lines.join('\n')}\n`);
  const dim = 6;
  const withVectors = vocabulary.slice(0, 20);
  writeFileSync(vectors, `${withVectors.length} ${dim}\n${withVectors.map((w) => `${w} ${Array.from({ length: dim }, () => (random() * 2 - 1).toFixed(4)).join(' ')}`).join('\n')}\n`);
  const out = join(dir, 'np-sif.npy');
  const r = await runCli(['encode', 'docvec', docs, '--docs', 'line', '--tokenizer', 'whitespace', '--vectors', vectors, '-q', '-o', out]);
  assert.equal(r.code, 0, r.stderr);
  const script = `
import numpy as np, sys
docs, vectors, out, a = sys.argv[1], sys.argv[2], sys.argv[3], 1e-3
lines = [l.split() for l in open(docs, encoding='utf-8').read().splitlines()]
counts = {}
for l in lines:
    for w in l: counts[w] = counts.get(w, 0) + 1
total = sum(counts.values())
vec = {}
for row in open(vectors, encoding='utf-8').read().splitlines()[1:]:
    f = row.split(); vec[f[0]] = np.array([float(x) for x in f[1:]])
dim = len(next(iter(vec.values())))
X = np.zeros((len(lines), dim))
for i, l in enumerate(lines):
    known = [w for w in l if w in vec]
    if known: X[i] = sum(a / (a + counts[w] / total) * vec[w] for w in known) / len(known)
u = np.linalg.svd(X, full_matrices=False)[2][0]
X = X - np.outer(X @ u, u)
ours = np.load(out)
assert ours.dtype == np.float32 and ours.shape == X.shape, (ours.dtype, ours.shape)
worst = 1.0
for i in range(len(lines)):
    n1, n2 = np.linalg.norm(X[i]), np.linalg.norm(ours[i])
    if n1 == 0: assert n2 == 0; continue
    worst = min(worst, float(X[i] @ ours[i] / (n1 * n2)))
print(worst)
`;
  const py = spawnSync('/usr/bin/python3', ['-c', script, docs, vectors, out], { encoding: 'utf8' });
  assert.equal(py.status, 0, py.stderr);
  const worst = Number(py.stdout.trim());
  assert.ok(worst >= 0.999, `lowest cosine ${worst}`);
  assert.equal(readFileSync(join(dir, 'np-sif.rows.txt'), 'utf8'), `${lines.map((_, i) => `${docs}:${i + 1}`).join('\n')}\n`);
});
