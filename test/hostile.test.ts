/**
 * Hostile sizes and values (issue 6, items 5, 6, 7, 9): claimed sizes checked before anything is
 * allocated, windows bounded, text never mistaken for binary, values that make results
 * meaningless refused or reported.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, describe, it } from 'node:test';
import { buildCorpus, type Corpus } from '../src/corpus/corpus.js';
import { countCooccurrences, MAX_WINDOW } from '../src/encoders/cooc.js';
import { detectFormat, readMatrix } from '../src/io/formats/index.js';
import { MAX_MATRIX_ROWS } from '../src/io/formats/mtx.js';
import { preallocation } from '../src/io/formats/word2vec.js';
import { readCorpusLines } from '../src/io/input.js';
import { loadVectors, MAX_QUERY_COLUMNS } from '../src/query/load.js';
import { gzipSync } from 'node:zlib';
import { runCli, type CliResult } from './helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'wordspace-hostile-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, content: string | Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

/** A failure the way the house rules want it: the exit status, one `wordspace:` line, no stack, no "bug". */
function assertOneLineError(r: CliResult, code: number, pattern?: RegExp): void {
  assert.equal(r.code, code, `exit ${r.code}, stderr: ${r.stderr}`);
  const lines = r.stderr.split('\n').filter((l) => l !== '');
  assert.equal(lines.length, 1, `one line expected: ${JSON.stringify(r.stderr)}`);
  assert.match(lines[0]!, /^wordspace: /);
  assert.doesNotMatch(r.stderr, /looks like a bug|\n\s+at /);
  if (pattern) assert.match(lines[0]!, pattern);
}

async function corpusOf(text: string): Promise<Corpus> {
  const lines = readCorpusLines({ inputs: ['-'], stdin: Readable.from([Buffer.from(text)]), docs: 'file' });
  return buildCorpus(lines, { tokenizer: 'word', keepCase: false, minCount: 1 });
}

function dense(m: ReturnType<typeof countCooccurrences>): number[][] {
  const d = m.toDense();
  return d.rows.map((_, i) => Array.from(d.row(i)));
}

describe('item 7: --window is bounded', () => {
  const corpus = file('corpus.txt', 'the cat sat on the mat\nthe dog sat\n');
  for (const method of ['cooc', 'glove', 'sgns', 'cbow']) {
    for (const window of ['5000000000', '1000000000', String(MAX_WINDOW + 1)]) {
      it(`encode ${method} --window ${window} is a usage error naming the maximum`, async () => {
        const r = await runCli(['encode', method, corpus, '--window', window, '--min-count', '1']);
        assertOneLineError(r, 2, new RegExp(`--window.*must be an integer from 1 to ${MAX_WINDOW}\\D`));
      });
    }
  }
  it('encode autoencoder --input cooc --window 1000000000 is a usage error', async () => {
    const r = await runCli(['encode', 'autoencoder', corpus, '--input', 'cooc', '--window', '1000000000']);
    assertOneLineError(r, 2, /--window.*must be an integer from 1 to/);
  });

  it('counting with a window far wider than any sentence allocates nothing per window position', async () => {
    const c = await corpusOf('a b a c\n');
    // 2^31 + 1 weights could not even be allocated (RangeError) before the window was clamped.
    for (const distanceWeighting of ['none', 'harmonic'] as const) {
      assert.deepEqual(dense(countCooccurrences(c, { window: 2 ** 31, distanceWeighting })), dense(countCooccurrences(c, { window: 3, distanceWeighting })));
    }
    // linear weights still use the window asked for: (W − d + 1)/W with W = 8, d = 1, 2, 3.
    const w = 8;
    const f = (d: number): number => (w - d + 1) / w;
    const got = dense(countCooccurrences(c, { window: w, distanceWeighting: 'linear' }));
    // a b a c: a-b at d1 twice (positions 0-1, 1-2), a-a at d2 (the diagonal gets both directions),
    // a-c at d1 (2-3) and d3 (0-3), b-c at d2.
    const expected = [
      [2 * f(2), 2 * f(1), f(1) + f(3)],
      [2 * f(1), 0, f(2)],
      [f(1) + f(3), f(2), 0],
    ];
    got.forEach((row, i) => row.forEach((v, j) => assert.ok(Math.abs(v - expected[i]![j]!) < 1e-6, `${i},${j}: ${v} vs ${expected[i]![j]}`)));
  });

  it('the largest allowed window on a short corpus gives the whole-sentence counts', async () => {
    const wide = await runCli(['encode', 'cooc', corpus, '--window', String(MAX_WINDOW), '-f', 'tsv']);
    const sentence = await runCli(['encode', 'cooc', corpus, '--window', '5', '-f', 'tsv']);
    assert.equal(wide.code, 0, wide.stderr);
    assert.equal(wide.stdout, sentence.stdout);
  });
});

/** word2vec binary: header, then per word `word ` + float32 LE + `\n` (the C tool's layout). */
function binary(rows: [string, number[]][]): Buffer {
  const dims = rows[0]![1].length;
  const parts = [Buffer.from(`${rows.length} ${dims}\n`)];
  for (const [word, v] of rows) {
    const floats = Buffer.alloc(4 * dims);
    v.forEach((x, j) => floats.writeFloatLE(x, 4 * j));
    parts.push(Buffer.from(`${word} `), floats, Buffer.from('\n'));
  }
  return Buffer.concat(parts);
}

const SIMILARITY_SET = 'cat dog 5\ncat bird 3\ndog bird 2\n';

describe('item 5: a text vector file is never read as binary', () => {
  const bad = ['3 3\ncat abc 0.2 0.3\ndog 0.1 0.2 0.3\nbird 0.3 0.1 0.2\n', '3 3\ncat 0.4v2683 0.2 0.3\ndog 0.1 0.2 0.3\nbird 0.3 0.1 0.2\n'];
  const pairs = file('pairs.txt', SIMILARITY_SET);
  for (const [k, content] of bad.entries()) {
    for (const ext of ['txt', 'vec', 'bin']) {
      const path = file(`bad${k}.${ext}`, content);
      const token = k === 0 ? '"abc"' : '"0.4v2683"';
      it(`${token} on the first vector line (.${ext}): similar, evaluate and convert name line 2`, async () => {
        assertOneLineError(await runCli(['similar', path, 'dog']), 1, new RegExp(`line 2: ${token} is not a number`));
        assertOneLineError(await runCli(['evaluate', path, '--similarity', pairs]), 1, /line 2: .* is not a number/);
        const out = join(dir, `out${k}${ext}.json`);
        assertOneLineError(await runCli(['convert', path, out]), 1, /line 2: .* is not a number/);
        assert.ok(!readdirSync(dir).some((f) => f.startsWith(`out${k}${ext}`) || f.includes('.tmp')), 'no output left behind');
      });
    }
  }

  it('a single byte flipped to a control character is still text, and the error names its line', async () => {
    const path = file('flip.txt', '3 3\ncat 0.4\x012683 0.2 0.3\ndog 0.1 0.2 0.3\nbird 0.3 0.1 0.2\n');
    assertOneLineError(await runCli(['similar', path, 'dog']), 1, /line 2: .* is not a number/);
  });

  it('a bad number on a later line is an error naming that line', async () => {
    const path = file('later.txt', '3 3\ncat 0.1 0.2 0.3\ndog 0.1 0.2 0.3\nbird 0.3 x 0.2\n');
    assertOneLineError(await runCli(['similar', path, 'dog']), 1, /line 4: "x" is not a number/);
  });

  it('binary is still recognised, also when a float holds a newline byte and the file is named .txt', async () => {
    // 0x0a as the first byte of the first float: 1.4e-44 (denormal), then ordinary values.
    const first = Buffer.from([0x0a, 0, 0, 0]).readFloatLE(0);
    const bytes = binary([['cat', [first, 0.5, -0.25]], ['dog', [0.125, 1, 2]]]);
    const head = bytes.subarray(0, 200);
    assert.equal(detectFormat(head, true), 'binary');
    const m = await readMatrix(file('newline-float.txt', bytes));
    assert.deepEqual(m.rows, ['cat', 'dog']);
    assert.equal(m.kind, 'dense');
    if (m.kind === 'dense') assert.deepEqual(Array.from(m.data), [first, 0.5, -0.25, 0.125, 1, 2]);
  });

  it('detection: text with one bad token is text; raw float32 is binary', () => {
    assert.equal(detectFormat(Buffer.from('2 3\ncat abc 0.2 0.3\ndog 1 2 3\n'), true), 'text');
    assert.equal(detectFormat(Buffer.from('2 3\ncat 0.4v2683 0.2 0.3\ndog 1 2 3\n'), true), 'text');
    assert.equal(detectFormat(binary([['cat', [0.1, 0.2, 0.3]], ['dog', [0.4, 0.5, 0.6]]]), true), 'binary');
  });
});

describe('item 6: claimed sizes are checked before anything is allocated', () => {
  const header = '2 999999999\ncat ';
  it('a .bin header `2 999999999`: one line, "truncated", from a file, stdin and gzip', async () => {
    const path = file('huge.bin', Buffer.concat([Buffer.from(header), Buffer.alloc(64, 0x3f)]));
    assertOneLineError(await runCli(['similar', path, 'cat']), 1, /is truncated: its header announces 2 vectors of 999999999/);
    assertOneLineError(await runCli(['convert', path, join(dir, 'huge-out.txt')]), 1, /is truncated/);
    assertOneLineError(await runCli(['similar', '-', 'cat', '--format', 'tsv'], Buffer.concat([Buffer.from(header), Buffer.alloc(64, 0)])), 1, /standard input is truncated/);
    const gz = file('huge.bin.gz', gzipSync(Buffer.concat([Buffer.from(header), Buffer.alloc(64, 0x3f)])));
    assertOneLineError(await runCli(['similar', gz, 'cat']), 1, /is truncated/);
  });

  it('a header whose numbers are not exact integers is refused', async () => {
    const path = file('inexact.bin', '99999999999999999999 3\ncat abcdabcdabcd\n');
    assertOneLineError(await runCli(['convert', path, join(dir, 'inexact-out.txt'), '--from', 'binary']), 1, /more than any file holds/);
  });

  it('what a header claims is allocated only as far as the file can hold', () => {
    assert.equal(preallocation(2 * 999999999, 100, 4), 25);
    assert.equal(preallocation(2 * 999999999, 100, 2), 50);
    assert.ok(preallocation(2 * 999999999, undefined, 4) <= 1 << 20);
    assert.equal(preallocation(12, 1000, 4), 12);
  });

  const mtx = (size: string, body = '1 1 1\n'): string => `%%MatrixMarket matrix coordinate real general\n${size}\n${body}`;
  for (const size of ['5000000000 3 1', '99999999 99999999 1', `${MAX_MATRIX_ROWS + 1} 3 1`]) {
    it(`an mtx size line "${size}": similar and convert refuse it with one line`, async () => {
      const path = file(`claim-${size.split(' ')[0]}.mtx`, mtx(size));
      assertOneLineError(await runCli(['similar', path, '1']), 1, /rows is more than the 4,194,304 a matrix may have/);
      assertOneLineError(await runCli(['convert', path, join(dir, 'claim-out.jsonl')]), 1, /rows is more than/);
      assertOneLineError(await runCli(['similar', '-', '1'], mtx(size)), 1, /rows is more than/);
    });
  }

  it('an mtx with few entries but a huge column count converts to a sparse format, and a query refuses it', async () => {
    const path = file('wide.mtx', mtx('2 99999999 2', '1 1 1\n2 99999999 2\n').replace('\n2 99999999 2\n1', '\n%row "cat"\n%row "dog"\n2 99999999 2\n1'));
    const out = join(dir, 'wide.jsonl');
    const r = await runCli(['convert', path, out]);
    assert.equal(r.code, 0, r.stderr);
    assertOneLineError(await runCli(['similar', path, 'cat']), 1, new RegExp(`99,999,999 columns, more than the ${MAX_QUERY_COLUMNS.toLocaleString('en-US')} a query`));
    assertOneLineError(await runCli(['convert', path, join(dir, 'wide.csv')]), 1, /sparse/);
  });

  it('an array mtx past the dense-cell limit, and entries a file cannot hold, are refused at the size line', async () => {
    const array = file('array.mtx', '%%MatrixMarket matrix array real general\n20000 20000\n1\n');
    assertOneLineError(await runCli(['convert', array, join(dir, 'array.jsonl')]), 1, /line 2: an array \(dense\) matrix of 20,000 × 20,000/);
    const entries = file('entries.mtx', mtx('3 3 1000000'));
    assertOneLineError(await runCli(['convert', entries, join(dir, 'entries.jsonl')]), 1, /line 2: the size line announces 1,000,000 entries, more than a file of \d+ bytes can hold/);
  });
});

describe('item 9: values that make results meaningless', () => {
  for (const [name, spelled] of [['NaN', 'NaN'], ['nan', 'nan'], ['inf', 'inf'], ['-Infinity', '-Infinity'], ['1e999', '1e999']] as const) {
    it(`${name} in a text vector file: similar refuses it naming line 3`, async () => {
      const path = file(`nonfinite-${name}.txt`, `3 2\ncat 1 0\ndog 0 ${spelled}\nbird 1 1\n`);
      assertOneLineError(await runCli(['similar', path, 'cat']), 1, /line 3: value 2 is (NaN|-?Infinity)/);
      assertOneLineError(await runCli(['evaluate', path, '--similarity', file('p9.txt', SIMILARITY_SET)]), 1, /line 3: value 2/);
    });
  }

  it('NaN in a binary file names the vector; in CSV and JSON the row', async () => {
    const bin = file('nan.bin', binary([['cat', [1, 0]], ['dog', [Number.NaN, 1]]]));
    assertOneLineError(await runCli(['similar', bin, 'cat']), 1, /vector 2 \("dog"\): value 1 is NaN/);
    const csv = file('nan.csv', 'word,x,y\ncat,1,0\ndog,0,inf\n');
    assertOneLineError(await runCli(['similar', csv, 'cat']), 1, /row 2 \("dog"\): value 2 is Infinity/);
    const json = file('nan.json', '{"rows": ["cat", "dog"], "columns": null, "data": [[1, 0], [null, 1]]}');
    assertOneLineError(await runCli(['similar', json, 'cat']), 1, /row 2 \("dog"\): value 1 is NaN/);
  });

  it('convert still carries NaN through (only queries refuse it)', async () => {
    const path = file('nan-convert.txt', '2 2\ncat 1 NaN\ndog 0 1\n');
    const r = await runCli(['convert', path, '-', '--to', 'text']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, '2 2\ncat 1 NaN\ndog 0 1\n');
  });

  it('a word listed twice: a warning, the first copy kept (as gensim), never its own neighbour', async () => {
    const path = file('dup.txt', '4 2\ncat 1 0\ndog 0.6 0.8\nbird 0 1\ncat 0.8 0.6\n');
    const r = await runCli(['similar', path, 'cat', '--format', 'tsv']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, `wordspace: warning: ${path}: the word "cat" appears twice (vectors 1 and 4); keeping the first, as gensim does\n`);
    // cat = (1, 0): cos with dog (0.6, 0.8) = 0.6, with bird (0, 1) = 0; the second cat (0.8, 0.6) is gone.
    assert.equal(r.stdout, 'query\trank\tword\tsimilarity\ncat\t1\tdog\t0.6\ncat\t2\tbird\t0\n');
    const vectors = await loadVectors(path);
    assert.deepEqual(vectors.words, ['cat', 'dog', 'bird']);
    assert.deepEqual(Array.from(vectors.vector('cat')), [1, 0]);
  });

  it('an all-zero vector: a warning naming it', async () => {
    const path = file('zero.txt', '3 2\ncat 1 0\nzero 0 0\ndog 0.6 0.8\n');
    const r = await runCli(['similar', path, 'zero', '--format', 'tsv']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, `wordspace: warning: ${path}: the vector of "zero" is all zeros, so its similarity to every word is 0\n`);
  });
});
