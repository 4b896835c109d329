/**
 * The token stream spilled to temporary files (issue 7 §2): the same corpus, vocabulary and
 * boundaries as in memory, whatever the reader (one thread, workers, pruning); encoders give the
 * same output from a spilled stream as from memory (word2vec bit for bit with one thread and a
 * seed); a prepared corpus written from a spill is byte-identical; temporary files go away.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { crc32 } from 'node:zlib';
import { DenseMatrix, SparseMatrix, type Matrix } from '../src/core/matrix.js';
import { Random } from '../src/core/random.js';
import type { Corpus, CorpusOptions } from '../src/corpus/corpus.js';
import { readCorpus, type FastReadOptions } from '../src/corpus/fast-count.js';
import { cutPrepared, openPreparedCorpus, writePrepared } from '../src/corpus/prepared.js';
import { TokenStream } from '../src/corpus/stream.js';
import { encode } from '../src/encoders/encode.js';
import type { InputOptions } from '../src/io/input.js';
import { runCli, spawnCli } from './helpers/cli.js';
import { flatten } from './helpers/stream.js';

const dir = mkdtempSync(join(tmpdir(), 'wordspace-stream-'));
const file = (name: string, content: string | Buffer): string => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};

/** Text with a skewed vocabulary, blank lines, accents, and lines of rare words only (empty after a min-count cut). */
function makeText(lines: number, seed: number): string {
  const random = new Random(seed);
  const words = Array.from({ length: 300 }, (_, i) => (i % 17 === 0 ? `mot${i}é` : `w${i}`));
  const out: string[] = [];
  for (let l = 0; l < lines; l++) {
    if (l % 23 === 0) {
      out.push('');
      continue;
    }
    if (l % 97 === 0) {
      out.push(`rare${l} only${l}`);
      continue;
    }
    const n = 1 + Math.floor(random.next() * 12);
    const line: string[] = [];
    for (let k = 0; k < n; k++) line.push(words[Math.floor(words.length * random.next() ** 3)]!);
    out.push(line.join(' '));
  }
  return `${out.join('\n')}\n`;
}

const small = file('small.txt', makeText(600, 7));
const other = file('other.txt', makeText(200, 8));

function plain(c: Corpus): unknown {
  return { words: c.vocab.words, counts: Array.from(c.vocab.counts), ...flatten(c), docStarts: Array.from(c.docStarts), docLabels: c.docLabels, tokensRead: c.tokensRead, typesSeen: c.typesSeen, pruned: c.pruned, tokens: c.stream.tokens, sentences: c.stream.sentences };
}

async function read(input: Partial<InputOptions>, options: CorpusOptions, fast: FastReadOptions = {}): Promise<Corpus> {
  return readCorpus({ inputs: [small, other], ...input }, options, fast);
}

/** Every entry of the pieces (each copied before the next is read: the reader reuses its buffer). */
function all(pieces: Iterable<Int32Array>): number[] {
  const out: number[] = [];
  for (const piece of pieces) out.push(...piece);
  return out;
}

const base: CorpusOptions = { tokenizer: 'word', keepCase: false, minCount: 1 };

test('a spilled stream holds the corpus the in-memory one does (one thread, workers, min-count, documents, pruning)', async () => {
  const cases: Array<[string, Partial<InputOptions>, CorpusOptions, FastReadOptions]> = [
    ['one thread', {}, base, { threads: 1, chunkBytes: 100 }],
    ['min-count 3 (empty sentences)', {}, { ...base, minCount: 3 }, { threads: 1 }],
    ['documents by line', { docs: 'line' }, { ...base, minCount: 2 }, { threads: 1 }],
    ['three workers', {}, { ...base, minCount: 2 }, { threads: 3, minParallelBytes: 0, minWorkerBytes: 0, cutWhenAllReady: true, chunkBytes: 64 }],
    ['three workers, documents by line', { docs: 'line' }, base, { threads: 3, minParallelBytes: 0, minWorkerBytes: 0, cutWhenAllReady: true }],
    ['pruning', {}, { ...base, maxTypes: 60 }, { threads: 1 }],
    ['pruning in workers', {}, { ...base, maxTypes: 60, minCount: 2 }, { threads: 2, minParallelBytes: 0, minWorkerBytes: 0, cutWhenAllReady: true }],
  ];
  for (const [what, input, options, fast] of cases) {
    const memory = await read(input, options, fast);
    assert.equal(memory.stream.onDisk, false, what);
    for (const entries of [3, 500]) {
      const spilled = await read(input, { ...options, maxStreamEntries: entries }, fast);
      assert.equal(spilled.stream.onDisk, true, `${what}: spilled at ${entries}`);
      assert.deepEqual(plain(spilled), plain(memory), `${what}, ${entries} entries in memory`);
      const owned = spilled.stream.ownedDirectory!;
      assert.ok(existsSync(owned) && readdirSync(owned).length > 0, what);
      spilled.stream.dispose();
      assert.equal(existsSync(owned), false, `${what}: the temporary directory is removed`);
    }
  }
});

test('stream entries counted by hand: ids, sentence ends, an empty sentence after the cut', async () => {
  const text = file('hand.txt', 'a b a\n\nzz\nb c a\n');
  const c = await readCorpus({ inputs: [text] }, { ...base, minCount: 2, maxStreamEntries: 2 });
  // a: 3, b: 2 kept (c, zz dropped); lines "a b a" / "zz" (empty after the cut) / "b c a".
  assert.deepEqual(c.vocab.words, ['a', 'b']);
  const entries = all(c.stream.pieces(3));
  assert.deepEqual(entries, [0, 1, 0, -1, -1, 1, 0, -1]);
  assert.equal(c.stream.tokens, 5);
  assert.equal(c.stream.sentences, 3);
  const sentences: number[][] = [];
  c.stream.forEachSentence((ids, b, e) => sentences.push([...ids.subarray(b, e)]), 2);
  assert.deepEqual(sentences, [[0, 1, 0], [], [1, 0]]);
  c.stream.dispose();
});

function same(a: Matrix, b: Matrix, what: string): void {
  assert.deepEqual(a.rows, b.rows, what);
  if (a instanceof DenseMatrix && b instanceof DenseMatrix) assert.deepEqual(Array.from(a.data), Array.from(b.data), what);
  else if (a instanceof SparseMatrix && b instanceof SparseMatrix) {
    assert.deepEqual([Array.from(a.indptr), Array.from(a.indices), Array.from(a.values)], [Array.from(b.indptr), Array.from(b.indices), Array.from(b.values)], what);
  } else assert.fail(`${what}: different kinds`);
}

test('encoders give the same matrix from a spilled stream as from memory (word2vec with one thread and a seed)', async () => {
  const options = { ...base, minCount: 2 };
  const memory = await read({ docs: 'line' }, options, { threads: 1 });
  const spilled = await read({ docs: 'line' }, { ...options, maxStreamEntries: 100 }, { threads: 2, minParallelBytes: 0, minWorkerBytes: 0, cutWhenAllReady: true });
  assert.equal(spilled.stream.onDisk, true);
  const runs: Array<[string, Record<string, unknown>]> = [
    ['onehot', {}],
    ['cooc', { window: 3, weight: 'ppmi' }],
    ['doc', { weight: 'tfidf' }],
    ['sgns', { dim: 8, epochs: 2, threads: 1, seed: 5 }],
    ['cbow', { dim: 8, epochs: 1, threads: 1, seed: 5, sample: 0 }],
    ['glove', { dim: 4, epochs: 2, threads: 1, seed: 5 }],
  ];
  for (const [method, opts] of runs) same(await encode(method, spilled, opts), await encode(method, memory, opts), method);
  // Two threads read their own ranges of the files: every word gets a finite vector.
  const two = await encode('sgns', spilled, { dim: 8, epochs: 1, threads: 2, seed: 5 });
  assert.ok(two instanceof DenseMatrix && two.data.every(Number.isFinite) && two.rows.length === memory.vocab.size);
  spilled.stream.dispose();
});

async function preparedBytes(corpus: Corpus): Promise<Buffer> {
  const chunks: Buffer[] = [];
  await writePrepared(corpus, { tokenizer: 'word', keepCase: false, minCount: 1 }, (b) => {
    chunks.push(Buffer.from(b));
  });
  return Buffer.concat(chunks);
}

test('a prepared corpus written from a spill is byte-identical, and is read back streamed with any cut', async () => {
  const memory = await read({}, base, { threads: 1 });
  const spilled = await read({}, { ...base, maxStreamEntries: 33 }, { threads: 1 });
  const bytes = await preparedBytes(memory);
  assert.ok(bytes.equals(await preparedBytes(spilled)));
  spilled.stream.dispose();
  const path = file('p.wsc', bytes);
  const opened = openPreparedCorpus(path, 'p.wsc');
  assert.equal(opened.corpus.stream.onDisk, true);
  const cut = cutPrepared(opened.corpus, { minCount: 3 });
  const direct = await read({}, { ...base, minCount: 3 }, { threads: 1 });
  assert.deepEqual(flatten(cut), flatten(direct));
  assert.deepEqual(Array.from(cut.docStarts), Array.from(direct.docStarts));
  assert.equal(cut.stream.tokens, direct.stream.tokens);

  // An id beyond the vocabulary with a correct checksum: named, one line.
  const bad = Buffer.from(bytes);
  bad.writeInt32LE(999_999, bad.length - 8);
  bad.writeUInt32LE(crc32(bad.subarray(0, bad.length - 4)) >>> 0, bad.length - 4);
  assert.throws(() => openPreparedCorpus(file('bad.wsc', bad), 'bad.wsc'), /bad\.wsc: the prepared corpus is corrupt \(stream entry \d+ is 999999, beyond the \d+ types\)/);
});

test('TokenStream.range and stored cut stored positions across parts', () => {
  const stream = new TokenStream([
    { data: Int32Array.from([0, 1, -1]), byteOffset: 0, entries: 3 },
    { data: Int32Array.from([2, -1, 3, 3, -1]), byteOffset: 0, entries: 5, map: Int32Array.from([0, 1, 2, -1]) },
  ], 4, 3);
  assert.deepEqual([...stream.stored(2, 6)], [-1, 2, -1, 3]);
  assert.deepEqual(stream.range(2, 6).map((p) => [...p.data!]), [[-1], [2, -1, 3]]);
  // The map drops id 3 (out of the vocabulary) when read.
  assert.deepEqual(all(stream.pieces()), [0, 1, -1, 2, -1, -1]);
});

/** ~90,000 tokens of < 1024 types: more than the smallest in-memory stream (65,536 entries) that --memory 1M leaves, fewer types than its smallest type table (no pruning). */
const big = file('big.txt', makeText(14_000, 9));

test('CLI: --memory spills the stream, says so, gives the same vectors and prepared corpus, and leaves no temporary file', async () => {
  const tmp = join(dir, 'tmp');
  mkdirSync(tmp);
  const env = { TMPDIR: tmp };
  const args = ['encode', 'sgns', big, '--dim', '10', '--epochs', '1', '--threads', '1', '--seed', '3', '--min-count', '2'];
  const inMemory = await spawnCli([...args, '-o', join(dir, 'a.vec'), '-q'], undefined, { env });
  assert.equal(inMemory.code, 0, inMemory.stderr);
  const spilled = await spawnCli([...args, '--memory', '1M', '-o', join(dir, 'b.vec')], undefined, { env });
  assert.equal(spilled.code, 0, spilled.stderr);
  assert.match(spilled.stderr, /token stream \([\d,]+ entries, .*\) is over its share of --memory 1M: it was spilled to a temporary file/);
  assert.ok(readFileSync(join(dir, 'a.vec')).equals(readFileSync(join(dir, 'b.vec'))));
  for (const memory of [[], ['--memory', '1M']]) {
    const r = await spawnCli(['prepare', big, ...memory, '-o', join(dir, `big${memory.length}.wsc`), '-q'], undefined, { env });
    assert.equal(r.code, 0, r.stderr);
  }
  assert.ok(readFileSync(join(dir, 'big0.wsc')).equals(readFileSync(join(dir, 'big2.wsc'))));
  // The prepared corpus on standard input is copied to a temporary file and streamed from there.
  const fromStdin = await spawnCli([...args, '-', '-o', join(dir, 'c.vec'), '-q'].filter((a) => a !== big), readFileSync(join(dir, 'big0.wsc')), { env });
  assert.equal(fromStdin.code, 0, fromStdin.stderr);
  assert.ok(readFileSync(join(dir, 'a.vec')).equals(readFileSync(join(dir, 'c.vec'))));
  assert.deepEqual(readdirSync(tmp), []);
  // In-process too (the library path): cooc counts from the spilled stream equal those from memory.
  const cooc = ['encode', 'cooc', big, '-f', 'mtx', '-q'];
  const [a, b] = [await runCli(cooc), await runCli([...cooc, '--memory', '1M'])];
  assert.equal(b.code, 0, b.stderr);
  assert.equal(b.stdout.replace(/^%meta.*$/m, ''), a.stdout.replace(/^%meta.*$/m, ''));
});

test('the line reader (CSV) spills the same stream', async () => {
  const { readCorpus: readAny } = await import('../src/io/read-corpus.js');
  const rows = Array.from({ length: 40 }, (_, i) => `r${i},"${makeText(3, i).trim().replace(/\n/g, ' ')}"`);
  const csv = file('docs.csv', `id,text\n${rows.join('\n')}\n`);
  const memory = await readAny(csv, { textColumn: 'text', idColumn: 'id', minCount: 2 });
  const spilled = await readAny(csv, { textColumn: 'text', idColumn: 'id', minCount: 2, maxStreamEntries: 5 });
  assert.equal(spilled.stream.onDisk, true);
  assert.deepEqual(plain(spilled), plain(memory));
  assert.equal(memory.docLabels[3], 'r3');
  spilled.stream.dispose();
});

test('CLI: a temporary directory that cannot be written is one error line, nothing left behind', async () => {
  const notADirectory = file('not-a-dir', 'x');
  const out = join(dir, 'never.mtx');
  const r = await spawnCli(['encode', 'cooc', big, '--memory', '1M', '-f', 'mtx', '-o', out, '-q'], undefined, { env: { TMPDIR: notADirectory } });
  assert.equal(r.code, 1);
  assert.match(r.stderr.trim().split('\n').pop()!, /^wordspace: cannot write a temporary directory in .*not-a-dir: not a directory \(free some space, point TMPDIR at a larger disk, or raise --memory\)$/);
  assert.doesNotMatch(r.stderr, /bug|at \w+ \(/);
  assert.equal(existsSync(out), false);
});
