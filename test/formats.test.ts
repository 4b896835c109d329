import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { gzipSync, gunzipSync } from 'node:zlib';
import { describe, it, before, after } from 'node:test';
import { InputError } from '../src/core/errors.js';
import { DenseMatrix, makeMeta, SparseMatrix, type Matrix } from '../src/core/matrix.js';
import { detectFormat, FILE_ONLY_FORMATS, FORMATS, inferFormat, metaPath, readMatrix, writeMatrix, writeMatrixFile, type Format, type WriteOptions } from '../src/io/formats/index.js';
import { csvCell, tsvEscape, tsvUnescape } from '../src/io/formats/delimited.js';
import { DecimalRowWriter } from '../src/io/formats/decimal-bytes.js';
import { fastDecimalBytes, numberFormatter, parseNumber, scanDecimalBytes, scanNumbers } from '../src/io/formats/numbers.js';
import { Sink } from '../src/io/output.js';
import { Collector } from './helpers/cli.js';

const FIXTURES = fileURLToPath(new URL('../../fixtures/formats/', import.meta.url));
const fixture = (name: string): string => join(FIXTURES, name);

/** Write a matrix in a format to memory. */
async function written(matrix: Matrix, format: Format, options: WriteOptions = {}): Promise<Buffer> {
  const out = new Collector();
  const sink = new Sink(out);
  await writeMatrix(matrix, sink, format, options);
  await sink.flush();
  return out.bytes();
}

/** A stream of `content` in pieces of `size` bytes, so readers meet numbers, strings and characters cut in two. */
function pieces(content: string | Buffer, size: number): Readable {
  const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
  const parts: Buffer[] = [];
  for (let k = 0; k < bytes.length; k += size) parts.push(bytes.subarray(k, k + size));
  return Readable.from(parts);
}

/**
 * Read content through `-` (stdin), so the format is detected from the content alone unless given;
 * fed in 7-byte pieces unless `pieceSize` says otherwise.
 */
function readBytes(content: string | Buffer, format?: Format, warn?: (m: string) => void, pieceSize = 7): Promise<Matrix> {
  return readMatrix('-', { stdin: pieces(content, pieceSize), ...(format ? { format } : {}), ...(warn ? { warn } : {}) });
}

function rowsOf(matrix: Matrix): number[][] {
  const out: number[][] = [];
  const scratch = new Float64Array(matrix.nCols);
  for (let i = 0; i < matrix.nRows; i++) out.push(Array.from(matrix.kind === 'dense' ? matrix.row(i) : matrix.denseRow(i, scratch)));
  return out;
}

function assertClose(actual: number[][], expected: number[][], tolerance: number): void {
  assert.equal(actual.length, expected.length, 'row count');
  for (let i = 0; i < expected.length; i++) {
    assert.equal(actual[i]!.length, expected[i]!.length, `row ${i} length`);
    for (let j = 0; j < expected[i]!.length; j++) {
      const a = actual[i]![j]!;
      const e = expected[i]![j]!;
      if (Number.isNaN(e)) assert.ok(Number.isNaN(a), `[${i}][${j}] should be NaN, got ${a}`);
      else assert.ok(a === e || Math.abs(a - e) <= tolerance, `[${i}][${j}]: ${a} vs ${e}`);
    }
  }
}

async function rejectsInput(promise: Promise<unknown>, pattern: RegExp): Promise<void> {
  await assert.rejects(promise, (err: unknown) => {
    assert.ok(err instanceof InputError, `expected an InputError, got ${String(err)}`);
    assert.match(err.message, pattern);
    assert.ok(!err.message.includes('\n'), 'one line');
    return true;
  });
}

/** Hand-set values of the tiny fixtures (the files under fixtures/formats/ were typed from these). */
const TINY = [
  [0.5, -1.25, 3],
  [0, 0.125, -2],
  [0.001, 100, -0.5],
  [7, 0, 0.25],
];
/** The float32 nearest 0.001 (numpy: float(np.float32(0.001))), as binary files store it. */
const F32_MILLI = 0.0010000000474974513;

const TRICKY = ['comma,word', 'say "hi"', '😀', '猫', '__proto__', 'constructor', 'tab\there', 'new\nline', 'back\\slash', ''];
/** Labels the word2vec formats can hold (no whitespace, not empty). */
const TRICKY_WORDS = ['comma,word', '"quoted"', '😀', '猫', '__proto__', 'constructor', 'back\\slash', 'e\u0301'];

function trickyMatrix(labels: string[], columns: string[] | null): DenseMatrix {
  const d = 3;
  const data = new Float32Array(labels.length * d);
  for (let i = 0; i < data.length; i++) data[i] = Math.fround(Math.sin(i + 1) * 10 ** ((i % 5) - 2));
  // An own key "__proto__" in the options: it must survive as a plain key.
  const options = JSON.parse('{"window": 5, "__proto__": "x"}') as Record<string, unknown>;
  return new DenseMatrix(labels, columns, d, data, makeMeta('test', options, { seed: 42, vocabularySize: labels.length }));
}

describe('inferFormat', () => {
  it('maps extensions, ignoring a trailing .gz', () => {
    assert.equal(inferFormat('a.json'), 'json');
    assert.equal(inferFormat('a.jsonl'), 'jsonl');
    assert.equal(inferFormat('dir.v2/a.CSV'), 'csv');
    assert.equal(inferFormat('a.tsv.gz'), 'tsv');
    assert.equal(inferFormat('vectors.txt'), 'text');
    assert.equal(inferFormat('wiki.en.vec'), 'text');
    assert.equal(inferFormat('GoogleNews-vectors-negative300.bin.gz'), 'binary');
    assert.equal(inferFormat('m.mtx'), 'mtx');
    assert.equal(inferFormat('a.gz'), undefined);
    assert.equal(inferFormat('noext'), undefined);
    assert.equal(inferFormat('-'), undefined);
    assert.equal(inferFormat('x.__proto__'), undefined);
  });
});

describe('numbers', () => {
  it('formats with at most `precision` decimals, trailing zeros dropped', () => {
    const f6 = numberFormatter(6);
    assert.equal(f6(Math.fround(0.1)), '0.1');
    assert.equal(f6(-0), '0');
    assert.equal(f6(1e-7), '0');
    assert.equal(f6(-1e-7), '0');
    assert.equal(f6(123456789), '123456789');
    assert.equal(f6(2.5e-6), '0.000003'); // toFixed rounds half away from zero here (2.5e-6 is 2.50000000000000010e-6)
    assert.equal(f6(-1.23456789), '-1.234568');
    assert.equal(f6(Number.NaN), 'NaN');
    assert.equal(f6(-Infinity), '-Infinity');
    assert.equal(numberFormatter(0)(2.5), '3');
    assert.equal(numberFormatter(2)(0.005), '0.01');
    assert.equal(numberFormatter(2)(-0.001), '0');
  });
  it('writes decimals as bytes exactly as numberFormatter writes them (float32 ties, every magnitude, doubles, non-finite)', () => {
    // Values: float32s of every magnitude from a fixed generator, exact ties of toFixed at 6
    // decimals (k/128: x·10^6 ends in .5), integers, signed zeros, doubles that are not float32, and
    // the non-finite ones; decimals 0…17 (above 8 every value takes numberFormatter's path).
    let state = 12345;
    const next = (): number => ((state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 2 ** 32);
    const values: number[] = [0, -0, 1, -1, 7, -123456, 999999999, 1e9, -1e9, 4e15, 1e21, 0.5, -0.5, 2.5, -2.5, 1e-7, -1e-7, 2.5e-6, 0.1, 1 / 3, Math.PI, -Math.E, 1e300, 5e-324, Number.NaN, Infinity, -Infinity];
    for (let k = -300; k <= 300; k++) values.push(k / 128, k / 256, k / 2 ** 20);
    for (let i = 0; i < 20000; i++) {
      const magnitude = 10 ** (Math.floor(next() * 24) - 12);
      values.push(Math.fround((next() - 0.5) * 2 * magnitude));
    }
    for (let decimals = 0; decimals <= 17; decimals++) {
      const reference = numberFormatter(decimals);
      const writer = new DecimalRowWriter(decimals);
      const out = Buffer.alloc(64);
      for (const x of values) {
        const end = writer.value(x, out, 0);
        assert.equal(out.toString('latin1', 0, end), reference(x), `${x} with ${decimals} decimals`);
      }
    }
    // A row: label (UTF-8), the values after single spaces, a newline, within the bound.
    const writer = new DecimalRowWriter(6);
    const row = new Float32Array([0.25, -1 / 3, 1e-9, 12]);
    const out = Buffer.alloc(writer.bound('naïve'.length, row.length));
    const end = writer.row('naïve', row, out, 0);
    assert.equal(out.toString('utf8', 0, end), 'naïve 0.25 -0.333333 0 12\n');
  });
  it('parses decimal, exponent, and the NaN/inf spellings of JavaScript and Python', () => {
    assert.equal(parseNumber('1e-3'), 0.001);
    assert.equal(parseNumber('-0.5'), -0.5);
    assert.equal(parseNumber('inf'), Infinity);
    assert.equal(parseNumber('-Infinity'), -Infinity);
    assert.ok(Number.isNaN(parseNumber('nan')!));
    assert.equal(parseNumber(''), undefined);
    assert.equal(parseNumber(' '), undefined);
    assert.equal(parseNumber('abc'), undefined);
    assert.equal(parseNumber('1,5'), undefined);
  });
});

describe('scanNumbers (the fast path of the text readers)', () => {
  it('gives exactly what Number() gives', () => {
    const cells = [
      '0', '-0', '1', '-1.5', '0.1', '0.000001', '123456.789', '1e-7', '-2.5E+3', '3.4028235e38', '1e-45', '5e-324',
      '0.30000000000000004', '12345678901234567890', '0.1234567890123456789', '1.', '.5', '-.5', '+7', '1e22', '1e23', '9007199254740993',
      '0.0000000000000000000000123', '00012', 'nan', 'inf', '-inf', 'Infinity',
    ];
    const out = new Float64Array(cells.length);
    assert.equal(scanNumbers(`w ${cells.join(' ')}`, 2, out, 0, cells.length), cells.length);
    cells.forEach((cell, k) => assert.ok(Object.is(out[k], parseNumber(cell)), `${cell}: ${out[k]} vs ${parseNumber(cell)}`));
    // a seeded sweep of six-decimal numbers like word2vec writes (LCG from Numerical Recipes)
    let seed = 12345;
    const sweep: string[] = [];
    for (let k = 0; k < 2000; k++) {
      seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
      sweep.push(((seed / 2 ** 32 - 0.5) * 10 ** ((k % 7) - 3)).toFixed(6 + (k % 4)));
    }
    const got = new Float64Array(sweep.length);
    assert.equal(scanNumbers(sweep.join('\t'), 0, got, 0, sweep.length), sweep.length);
    sweep.forEach((cell, k) => assert.ok(Object.is(got[k], Number(cell)), cell));
  });
  it('counts fields past `max` without storing them, and reports the first bad field', () => {
    const out = new Float32Array(2);
    assert.equal(scanNumbers('1 2 3 \r', 0, out, 0, 2), 3);
    assert.deepEqual(Array.from(out), [1, 2]);
    assert.equal(scanNumbers('1 2x 3', 0, out, 0, 2), -2);
    assert.equal(scanNumbers('1 1e 3', 0, out, 0, 2), -2);
    assert.equal(scanNumbers('   ', 0, out, 0, 2), 0);
  });
});

describe('fastDecimalBytes / scanDecimalBytes (the byte-level word2vec text reader)', () => {
  /** The value read from the bytes of `cell` followed by a terminator, or undefined when refused. */
  const fromBytes = (cell: string, terminator = '\n'): number | undefined => {
    const bytes = Buffer.from(`${cell}${terminator}`, 'latin1');
    const out = new Float64Array(1);
    const end = fastDecimalBytes(bytes, 0, out);
    return end === cell.length ? out[0]! : undefined;
  };
  it('gives exactly what Number() gives, or refuses (never another value)', () => {
    const cells = [
      '0', '-0', '+0', '1', '-1.5', '0.1', '0.000001', '123456.789', '1e-7', '-2.5E+3', '3.4028235e38', '1e-45', '5e-324', '1e22', '1e-22', '-1e+22',
      '0.30000000000000004', '12345678901234567890', '0.1234567890123456789', '123456789012345', '1234567890123456', '1.', '.5', '-.5', '+7', '+.5e1',
      '1e23', '9007199254740993', '0.0000000000000000000000123', '00012', '000000000000000000000.5', '0.000000000000000000001', '7e0', '7e-0', '7E+00',
    ];
    let accepted = 0;
    for (const cell of cells) {
      const got = fromBytes(cell);
      if (got === undefined) continue;
      accepted++;
      assert.ok(Object.is(got, Number(cell)), `${cell}: ${got} vs ${Number(cell)}`);
      // As stored by the reader (float32): the float32 of Number()'s value.
      assert.ok(Object.is(Math.fround(got), Math.fround(Number(cell))), cell);
    }
    // Refused: the five with more than 15 significant digits, and 3.4028235e38, 1e-45, 5e-324, 1e23, 1.23e-23 (exponent beyond ±22).
    assert.equal(accepted, cells.length - 10);
    // Plain decimals of up to 15 significant digits with small exponents are never refused.
    for (const cell of ['-0', '+0', '.5', '5.', '-.5', '+7', '1e22', '1e-22', '123456789012345', '000000000000000000000.5']) assert.notEqual(fromBytes(cell), undefined, cell);
    // Not plain decimals: refused here, so the reader decodes the line and takes parseNumber (which
    // reads NaN/inf for the error that names the line, and refuses the rest).
    for (const cell of ['nan', 'NaN', '-nan', 'inf', '-inf', 'Infinity', '-Infinity', 'INF', '', '-', '+', '.', 'e5', '1e', '1e+', '--1', '+-1', '0x10', '1_000', '١']) {
      assert.equal(fromBytes(cell), undefined, cell);
    }
    // Stops at what cannot continue a number; the caller checks that it is a separator.
    assert.equal(fastDecimalBytes(Buffer.from('1.5x\n'), 0, new Float64Array(1)), 3);
    assert.equal(fastDecimalBytes(Buffer.from('1.5.2\n'), 0, new Float64Array(1)), 3);
  });
  it('agrees with Number() on a seeded sweep of random decimals', () => {
    let seed = 987654321;
    const next = (): number => (seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32;
    let checked = 0;
    for (let k = 0; k < 50000; k++) {
      const digits = 1 + Math.floor(next() * 17);
      let mantissa = '';
      for (let d = 0; d < digits; d++) mantissa += Math.floor(next() * 10);
      const dot = Math.floor(next() * (digits + 1));
      let cell = (next() < 0.5 ? '-' : next() < 0.1 ? '+' : '') + mantissa.slice(0, dot) + (next() < 0.9 ? '.' : '') + mantissa.slice(dot);
      if (next() < 0.3) cell += `${next() < 0.5 ? 'e' : 'E'}${next() < 0.5 ? '-' : next() < 0.5 ? '+' : ''}${Math.floor(next() * 30)}`;
      const got = fromBytes(cell, next() < 0.5 ? ' ' : '\r');
      if (got === undefined) continue;
      checked++;
      assert.ok(Object.is(got, Number(cell)), `${cell}: ${got} vs ${Number(cell)}`);
    }
    assert.ok(checked > 30000, `${checked} checked`);
  });
  it('reads a line as scanNumbers does, and refuses the whole line on any other field', () => {
    const line = Buffer.from('w 0.25\t-1e-3  +2. 3\r\n');
    const out = new Float32Array(4);
    assert.equal(scanDecimalBytes(line, 2, line.length - 2, out, 0, 4), 4);
    assert.deepEqual(Array.from(out), [0.25, Math.fround(-1e-3), 2, 3]);
    const bad = Buffer.from('w 1 nan 3\n');
    assert.equal(scanDecimalBytes(bad, 2, bad.length - 1, new Float32Array(3), 0, 3), -1);
    const glued = Buffer.from('w 1 2x 3\n');
    assert.equal(scanDecimalBytes(glued, 2, glued.length - 1, new Float32Array(3), 0, 3), -1);
    const more = Buffer.from('w 1 2 3\n');
    assert.equal(scanDecimalBytes(more, 2, more.length - 1, new Float32Array(2), 0, 2), 3);
  });
});

describe('csv and tsv cells', () => {
  it('quotes csv cells as RFC 4180 does', () => {
    assert.equal(csvCell('plain'), 'plain');
    assert.equal(csvCell('a,b'), '"a,b"');
    assert.equal(csvCell('say "hi"'), '"say ""hi"""');
    assert.equal(csvCell('two\nlines'), '"two\nlines"');
    assert.equal(csvCell(''), '""');
  });
  it('escapes tab, newline, CR and backslash in tsv labels, and undoes exactly that', () => {
    assert.equal(tsvEscape('a\tb\nc\rd\\e'), 'a\\tb\\nc\\rd\\\\e');
    assert.equal(tsvUnescape('a\\tb\\nc\\rd\\\\e'), 'a\tb\nc\rd\\e');
    assert.equal(tsvUnescape('C:\\dir'), 'C:\\dir'); // an unknown escape stays as written
    assert.equal(tsvUnescape(tsvEscape('\\t')), '\\t');
  });
});

describe('hand-written files parse to known values', () => {
  it('json', async () => {
    const m = await readMatrix(fixture('tiny.json'));
    assert.equal(m.kind, 'dense');
    assert.deepEqual(m.rows, ['the', '猫', 'new,york', 'say "hi"']);
    assert.deepEqual(m.columns, ['x', 'y', 'z']);
    assertClose(rowsOf(m), TINY, 1e-7);
    assert.equal(m.meta.method, 'hand');
    assert.equal(m.meta.seed, 7);
    assert.deepEqual(m.meta.options, { window: 2 });
  });
  it('jsonl with a header line', async () => {
    const m = await readMatrix(fixture('tiny.jsonl'));
    assert.deepEqual(m.rows, ['the', '猫', 'new,york', 'say "hi"']);
    assert.deepEqual(m.columns, ['x', 'y', 'z']);
    assertClose(rowsOf(m), TINY, 1e-7);
    assert.equal(m.meta.method, 'hand');
  });
  it('jsonl with sparse and dense rows mixed and no header', async () => {
    const m = await readMatrix(fixture('sparse.jsonl'));
    assert.equal(m.kind, 'sparse');
    assert.deepEqual(m.rows, ['a', 'b', 'c']);
    assert.equal(m.columns, null);
    assertClose(rowsOf(m), [
      [1.5, 0, 5, 0],
      [0, 0, 0, 0],
      [0, -3, 0, 0],
    ], 0);
    assert.equal(m.meta.method, 'unknown');
  });
  it('csv with quoted labels', async () => {
    const m = await readMatrix(fixture('tiny.csv'));
    assert.deepEqual(m.rows, ['the', '猫', 'new,york', 'say "hi"']);
    assert.deepEqual(m.columns, ['x', 'y', 'z']);
    assertClose(rowsOf(m), TINY, 1e-7);
  });
  it('tsv: quotes are ordinary characters, \\t is a tab', async () => {
    const m = await readMatrix(fixture('tiny.tsv'));
    assert.deepEqual(m.rows, ['the', '猫', 'new,york', 'say "hi"', 'tab\there']);
    assertClose(rowsOf(m), [...TINY, [1, 2, 3]], 1e-7);
  });
  it('word2vec text with CRLF and trailing spaces', async () => {
    const m = await readMatrix(fixture('tiny.txt'));
    assert.deepEqual(m.rows, ['the', '猫', 'new,york', '__proto__']);
    assert.equal(m.columns, null);
    assertClose(rowsOf(m), TINY, 1e-7);
  });
  it('headerless GloVe text, with a word that is a comma and one that holds a space', async () => {
    const m = await readMatrix(fixture('glove.txt'));
    assert.deepEqual(m.rows, ['the', ',', 'new york']);
    assertClose(rowsOf(m), TINY.slice(0, 3), 1e-7);
  });
  it('Matrix Market symmetric integer (lower triangle mirrored)', async () => {
    const m = await readMatrix(fixture('symmetric.mtx'));
    assert.equal(m.kind, 'sparse');
    assert.deepEqual(m.rows, ['1', '2', '3']);
    assert.equal(m.columns, null);
    assertClose(rowsOf(m), [
      [2, 5, 0],
      [5, 0, -1],
      [0, -1, 4],
    ], 0);
  });
});

describe('files written by the reference tools', () => {
  // fixtures/formats/gensim.{bin,txt}: gensim 4.2 KeyedVectors(3).add_vectors(['the','猫','new,york','__proto__'],
  // np.float32 TINY) then save_word2vec_format(binary=True/False). gensim's binary has no "\n" after vectors.
  it('gensim word2vec binary', async () => {
    const m = await readMatrix(fixture('gensim.bin'));
    assert.deepEqual(m.rows, ['the', '猫', 'new,york', '__proto__']);
    const expected = TINY.map((r) => r.slice());
    expected[2]![0] = F32_MILLI;
    assertClose(rowsOf(m), expected, 0);
  });
  it('gensim word2vec text', async () => {
    const m = await readMatrix(fixture('gensim.txt'));
    assert.deepEqual(m.rows, ['the', '猫', 'new,york', '__proto__']);
    assertClose(rowsOf(m), TINY, 1e-7);
  });
  // fixtures/formats/scipy.mtx: scipy 1.10 scipy.io.mmwrite of coo_matrix([[0,2.5,0,0],[0,0,0,0],[-1,0,0,3]]),
  // our %row/%column/%meta comments passed through its `comment` argument.
  it('scipy Matrix Market coordinate, with label comments', async () => {
    const m = await readMatrix(fixture('scipy.mtx'));
    assert.equal(m.kind, 'sparse');
    assert.deepEqual(m.rows, ['a', 'b', 'c']);
    assert.deepEqual(m.columns, ['w', 'x', 'y', 'z']);
    assertClose(rowsOf(m), [
      [0, 2.5, 0, 0],
      [0, 0, 0, 0],
      [-1, 0, 0, 3],
    ], 0);
    assert.equal(m.meta.tool, 'scipy');
  });
  // fixtures/formats/scipy-array.mtx: scipy.io.mmwrite(np.array([[1.5,-2],[0,4],[8,0.25]])) (array layout, column-major).
  it('scipy Matrix Market array layout', async () => {
    const m = await readMatrix(fixture('scipy-array.mtx'));
    assert.equal(m.kind, 'dense');
    assertClose(rowsOf(m), [
      [1.5, -2],
      [0, 4],
      [8, 0.25],
    ], 0);
  });
});

describe('detection by content (read from stdin, no extension)', () => {
  const cases: [string, Format][] = [
    ['tiny.json', 'json'],
    ['tiny.jsonl', 'jsonl'],
    ['sparse.jsonl', 'jsonl'],
    ['tiny.csv', 'csv'],
    ['tiny.tsv', 'tsv'],
    ['tiny.txt', 'text'],
    ['glove.txt', 'text'],
    ['gensim.bin', 'binary'],
    ['gensim.txt', 'text'],
    ['scipy.mtx', 'mtx'],
  ];
  for (const [file, format] of cases) {
    it(`${file} is ${format}`, async () => {
      const bytes = await fs.readFile(fixture(file));
      assert.equal(detectFormat(bytes, true), format);
      const fromStdin = await readBytes(bytes);
      const fromFile = await readMatrix(fixture(file));
      assert.deepEqual(fromStdin.rows, fromFile.rows);
      assert.deepEqual(rowsOf(fromStdin), rowsOf(fromFile));
    });
  }
  it('jsonl whose header line is longer than the sniffed 64 KB (a one-hot vocabulary of columns)', async () => {
    const columns = Array.from({ length: 20000 }, (_, j) => `word${j}`);
    const m = new SparseMatrix(['a'], columns, columns.length, Float64Array.from([0, 1]), Int32Array.from([19999]), Float64Array.from([1]), makeMeta('onehot', {}));
    const bytes = await written(m, 'jsonl');
    assert.ok(bytes.indexOf(10) > 65536);
    const back = await readBytes(bytes, undefined, undefined, 4096);
    assert.equal(back.kind, 'sparse');
    assert.equal(back.columns!.length, 20000);
    assert.deepEqual(rowsOf(back)[0]!.slice(19998), [0, 1]);
  });
  it('a one-line json document is json, not jsonl', () => {
    assert.equal(detectFormat(Buffer.from('{"rows": ["a"], "columns": null, "data": [[1]]}'), true), 'json');
  });
  it('gzipped content is decompressed whatever its name', async () => {
    const m = await readBytes(gzipSync(await fs.readFile(fixture('gensim.bin'))));
    assert.deepEqual(m.rows, ['the', '猫', 'new,york', '__proto__']);
  });
  it('the content decides between word2vec text and binary whatever the extension', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ws-formats-'));
    try {
      await fs.copyFile(fixture('gensim.bin'), join(dir, 'misnamed.txt'));
      const m = await readMatrix(join(dir, 'misnamed.txt'));
      assert.deepEqual(m.rows, ['the', '猫', 'new,york', '__proto__']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('round trips (write, then read back)', () => {
  const withColumns: Format[] = ['json', 'jsonl', 'csv', 'tsv', 'mtx'];
  // npy and projector need files beside the output: test/npy-projector.test.ts round-trips them.
  const STREAM_FORMATS = FORMATS.filter((f) => !FILE_ONLY_FORMATS.includes(f));
  for (const format of STREAM_FORMATS) {
    it(`${format}: labels and values survive`, async () => {
      const labels = format === 'text' || format === 'binary' ? TRICKY_WORDS : TRICKY;
      const columns = withColumns.includes(format) ? ['c,1', 'c "2"', '__proto__'] : null;
      const matrix = trickyMatrix(labels, columns);
      const warnings: string[] = [];
      const bytes = await written(matrix, format, { warn: (m) => warnings.push(m) });
      assert.deepEqual(warnings, []);
      const back = await readBytes(bytes, undefined);
      assert.deepEqual(back.rows, labels);
      assert.deepEqual(back.columns, columns);
      // Six decimals (the default) → within 0.5e-6 plus float32 rounding; binary is exact float32.
      assertClose(rowsOf(back), rowsOf(matrix), format === 'binary' ? 0 : 6e-7);
      if (format === 'json' || format === 'jsonl' || format === 'mtx') {
        assert.equal(back.meta.method, 'test');
        assert.equal(back.meta.seed, 42);
        assert.deepEqual(Object.keys(back.meta.options), ['window', '__proto__']);
      }
    });
  }
  it('--precision 2 rounds to two decimals', async () => {
    const matrix = new DenseMatrix(['a'], null, 3, Float32Array.from([0.123456, -9.876, 1e-4]), makeMeta('t', {}));
    assert.equal((await written(matrix, 'text', { precision: 2 })).toString(), '1 3\na 0.12 -9.88 0\n');
    assert.equal((await written(matrix, 'csv', { precision: 2 })).toString(), 'label,d1,d2,d3\na,0.12,-9.88,0\n');
  });
  it('NaN and Infinity: null in JSON, spelled out elsewhere, read back', async () => {
    const matrix = new DenseMatrix(['a'], null, 3, Float64Array.from([Number.NaN, Infinity, -Infinity]), makeMeta('t', {}));
    assert.match((await written(matrix, 'json')).toString(), /\[null,null,null\]/);
    const back = await readBytes(await written(matrix, 'jsonl'));
    assertClose(rowsOf(back), [[Number.NaN, Number.NaN, Number.NaN]], 0);
    for (const format of ['csv', 'tsv', 'text', 'binary', 'mtx'] as Format[]) {
      const back = await readBytes(await written(matrix, format));
      assertClose(rowsOf(back), [[Number.NaN, Infinity, -Infinity]], 0);
    }
  });
  it('sparse matrices stay sparse in jsonl and mtx, and are written dense elsewhere', async () => {
    // 3×5: row 0 = {1: 2.5, 4: -1}, row 1 empty, row 2 = {0: 7}
    const sparse = new SparseMatrix(['x', 'y', 'z'], ['a', 'b', 'c', 'd', 'e'], 5, Float64Array.from([0, 2, 2, 3]), Int32Array.from([1, 4, 0]), Float64Array.from([2.5, -1, 7]), makeMeta('t', {}));
    const dense = [
      [0, 2.5, 0, 0, -1],
      [0, 0, 0, 0, 0],
      [7, 0, 0, 0, 0],
    ];
    for (const format of STREAM_FORMATS) {
      const bytes = await written(sparse, format);
      const back = await readBytes(bytes);
      assert.equal(back.kind, format === 'jsonl' || format === 'mtx' ? 'sparse' : 'dense', format);
      assertClose(rowsOf(back), dense, 0);
    }
    assert.equal(
      (await written(sparse, 'jsonl')).toString().split('\n')[1],
      '{"label": "x", "indices": [1,4], "values": [2.5,-1]}',
    );
    const mtx = (await written(sparse, 'mtx')).toString();
    assert.match(mtx, /\n3 5 3\n1 2 2\.5\n1 5 -1\n3 1 7\n$/);
  });
  it('a dense matrix in mtx keeps only its non-zeros', async () => {
    const m = new DenseMatrix(['a', 'b'], null, 2, Float32Array.from([0, 1.5, 0, 0]), makeMeta('t', {}));
    const text = (await written(m, 'mtx')).toString();
    assert.match(text, /\n2 2 1\n1 2 1\.5\n$/);
  });
  it('an empty matrix keeps its width where the format records it', async () => {
    const empty = new DenseMatrix([], null, 4, new Float32Array(0), makeMeta('t', {}));
    const json = await readBytes(await written(empty, 'json'));
    assert.equal(json.nRows, 0);
    assert.equal(json.nCols, 0); // json without columns has no other record of the width
    for (const format of ['jsonl', 'text', 'binary', 'mtx', 'csv'] as Format[]) {
      const back = await readBytes(await written(empty, format));
      assert.equal(back.nRows, 0, format);
      assert.equal(back.nCols, 4, format);
    }
  });
});

describe('what each format looks like', () => {
  const matrix = new DenseMatrix(['a,b', '猫'], ['x', 'y'], 2, Float32Array.from([0.5, -1, 0, 0.25]), makeMeta('m', { k: 1 }));
  it('json', async () => {
    const text = (await written(matrix, 'json')).toString();
    const doc = JSON.parse(text) as Record<string, unknown>;
    assert.deepEqual(doc.rows, ['a,b', '猫']);
    assert.deepEqual(doc.columns, ['x', 'y']);
    assert.deepEqual(doc.data, [
      [0.5, -1],
      [0, 0.25],
    ]);
    assert.equal((doc.meta as Record<string, unknown>).method, 'm');
  });
  it('jsonl', async () => {
    const lines = (await written(matrix, 'jsonl')).toString().trimEnd().split('\n');
    assert.equal(lines.length, 3);
    assert.deepEqual(JSON.parse(lines[0]!).columns, ['x', 'y']);
    assert.equal(JSON.parse(lines[0]!).dims, 2);
    assert.equal(lines[1], '{"label": "a,b", "vector": [0.5,-1]}');
    assert.equal(lines[2], '{"label": "猫", "vector": [0,0.25]}');
  });
  it('csv, tsv, text', async () => {
    assert.equal((await written(matrix, 'csv')).toString(), 'label,x,y\n"a,b",0.5,-1\n猫,0,0.25\n');
    assert.equal((await written(matrix, 'tsv')).toString(), 'label\tx\ty\na,b\t0.5\t-1\n猫\t0\t0.25\n');
    assert.equal((await written(matrix, 'text')).toString(), '2 2\na,b 0.5 -1\n猫 0 0.25\n');
  });
  it('binary: header, word, space, little-endian float32, newline', async () => {
    const bytes = await written(matrix, 'binary');
    const expected = Buffer.concat([
      Buffer.from('2 2\na,b '),
      Buffer.from([0x00, 0x00, 0x00, 0x3f, 0x00, 0x00, 0x80, 0xbf]), // 0.5, -1 as float32 LE
      Buffer.from('\n猫 '),
      Buffer.from([0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x80, 0x3e]), // 0, 0.25
      Buffer.from('\n'),
    ]);
    assert.deepEqual(bytes, expected);
  });
  it('mtx: banner, meta, labels, size, 1-based coordinates', async () => {
    const lines = (await written(matrix, 'mtx')).toString().trimEnd().split('\n');
    assert.equal(lines[0], '%%MatrixMarket matrix coordinate real general');
    assert.match(lines[1]!, /^%meta \{"tool":"wordspace",/);
    assert.deepEqual(lines.slice(2), ['%row "a,b"', '%row "猫"', '%column "x"', '%column "y"', '2 2 3', '1 1 0.5', '1 2 -1', '2 2 0.25']);
  });
});

describe('word2vec labels with whitespace', () => {
  it('become "_" with one warning (text and binary)', async () => {
    const m = new DenseMatrix(['new york', 'tab\tx', '', 'new_york'], null, 1, Float32Array.from([1, 2, 3, 4]), makeMeta('t', {}));
    for (const format of ['text', 'binary'] as Format[]) {
      const warnings: string[] = [];
      const back = await readBytes(await written(m, format, { warn: (w) => warnings.push(w) }));
      assert.deepEqual(back.rows, ['new_york', 'tab_x', '_', 'new_york']);
      assert.equal(warnings.length, 1);
      assert.match(warnings[0]!, /3 labels \(e\.g\. "new york"\) hold whitespace or are empty.*1 of them now equal another label/);
    }
  });
});

describe('errors name the file and the line', () => {
  it('truncated binary, mid-word and mid-vector', async () => {
    const bin = await fs.readFile(fixture('gensim.bin'));
    await rejectsInput(readMatrix(fixture('truncated.bin')), /truncated\.bin is truncated: its header announces 4 vectors of 3 float32 values, but it ends after 2 vectors/);
    // "4 3\n" (4 bytes) + "the " + 12 bytes + "猫 " (4 bytes) + 5 bytes of its vector
    await rejectsInput(readBytes(bin.subarray(0, 4 + 16 + 4 + 5), 'binary'), /standard input is truncated: .* ends in the middle of vector 2 \("猫"\)/);
  });
  it('vectors whose dimensions disagree', async () => {
    await rejectsInput(readBytes('2 3\na 1 2 3\nb 1 2\n'), /standard input line 3: 2 values where the vectors have 3 \(vectors whose dimensions disagree between lines\)/);
    await rejectsInput(readBytes('a 1 2 3\nb 1 2 3 4\n'), /line 2: 4 values where the vectors have 3/);
    await rejectsInput(readBytes('label,x,y\na,1,2\nb,1\n'), /line 3: 1 value where the header has 2 columns/);
    await rejectsInput(readBytes('{"label": "a", "vector": [1, 2]}\n{"label": "b", "vector": [1]}\n'), /line 2: 1 values where line 1 says 2 \(vectors whose dimensions disagree/);
    await rejectsInput(readBytes('{"rows": ["a", "b"],\n"data": [[1, 2],\n[3]]}'), /line 3: data row 2 has 1 values where row 1 has 2/);
  });
  it('not a number', async () => {
    await rejectsInput(readBytes('2 2\na 1 2\nb 1 x\n'), /standard input line 3: "x" is not a number/);
    await rejectsInput(readBytes('label\tx\na\t\n', 'tsv'), /line 2: "" is not a number/);
    await rejectsInput(readBytes('{"rows": ["a"], "data": [[1, "2"]]}'), /line 1: "2" is not a number/);
    await rejectsInput(readBytes('%%MatrixMarket matrix coordinate real general\n1 1 1\n1 1 abc\n'), /line 3: "abc" is not a number/);
  });
  it('empty input', async () => {
    await rejectsInput(readBytes(''), /standard input is empty/);
    await rejectsInput(readBytes(' \n\n'), /standard input is empty/);
    await rejectsInput(readBytes('', 'json'), /standard input is empty/);
  });
  it('more or fewer rows than the header announces', async () => {
    await rejectsInput(readBytes('3 1\na 1\nb 2\n'), /is truncated: its header \(line 1\) announces 3 vectors, but it holds 2/);
    await rejectsInput(readBytes('%%MatrixMarket matrix coordinate real general\n2 2 3\n1 1 1\n2 2 1\n'), /is truncated: its size line announces 3 entries, but it holds 2/);
    await rejectsInput(readBytes('%%MatrixMarket matrix coordinate real general\n2 2 1\n3 1 1\n'), /line 3: row 3 is out of range 1…2/);
  });
  it('malformed json and csv', async () => {
    await rejectsInput(readBytes('{"rows": ["a"], "data": [[1, 2]'), /ends before the JSON value is complete/);
    await rejectsInput(readBytes('{"label": "a", "vector": [1]}\n{"label": oops}\n'), /line 2: not valid JSON/);
    await rejectsInput(readBytes('label,x\n"a,1\n', 'csv'), /malformed csv/);
  });
  it('gzip that ends early', async () => {
    const gz = gzipSync(Buffer.from('1 2\na 1 2\n'.repeat(200)));
    await rejectsInput(readBytes(gz.subarray(0, gz.length - 20)), /truncated: the gzip data ends early/);
  });
  it('a sparse matrix too big to write densely', async () => {
    const huge = new SparseMatrix(['a', 'b'], null, 6e7, Float64Array.from([0, 0, 0]), new Int32Array(0), new Float64Array(0), makeMeta('t', {}));
    for (const format of ['json', 'csv', 'tsv', 'text', 'binary'] as Format[]) {
      await rejectsInput(written(huge, format), new RegExp(`2 × 60000000 = 1\\.20e\\+8 cells, more than the 1e\\+8 a dense ${format} file may hold`));
    }
    // sparse formats are fine
    assert.match((await written(huge, 'mtx')).toString(), /\n2 60000000 0\n$/);
  });
});

describe('files: atomic output, side metadata, gzip', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ws-formats-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  const matrix = new DenseMatrix(['a', 'b'], null, 2, Float32Array.from([1, 2, 3, 4]), makeMeta('glove', { xMax: 100 }, { seed: 3, vocabularySize: 2 }));

  it('text/binary/csv/tsv get <file>.meta.json, read back with the matrix', async () => {
    for (const [name, format] of [
      ['v.txt', 'text'],
      ['v.bin', 'binary'],
      ['v.csv', 'csv'],
      ['v.tsv', 'tsv'],
    ] as [string, Format][]) {
      const path = join(dir, name);
      await writeMatrixFile(matrix, path, format, new Collector());
      const side = JSON.parse(await fs.readFile(metaPath(path), 'utf8')) as Record<string, unknown>;
      assert.equal(side.method, 'glove');
      assert.deepEqual(side.options, { xMax: 100 });
      assert.equal(side.seed, 3);
      const back = await readMatrix(path);
      assert.equal(back.meta.method, 'glove');
      assert.equal(back.meta.vocabularySize, 2);
    }
  });
  it('json/jsonl/mtx carry metadata inline and get no side file; stdout gets nothing extra', async () => {
    await writeMatrixFile(matrix, join(dir, 'v.json'), 'json', new Collector());
    await assert.rejects(fs.stat(metaPath(join(dir, 'v.json'))));
    const out = new Collector();
    await writeMatrixFile(matrix, '-', 'text', out);
    assert.equal(out.text(), '2 2\na 1 2\nb 3 4\n');
  });
  it('a .gz output is gzipped; no temporary files are left behind', async () => {
    const path = join(dir, 'v.txt.gz');
    await writeMatrixFile(matrix, path, 'text', new Collector());
    assert.equal(gunzipSync(await fs.readFile(path)).toString(), '2 2\na 1 2\nb 3 4\n');
    const back = await readMatrix(path);
    assert.deepEqual(rowsOf(back), [
      [1, 2],
      [3, 4],
    ]);
    const leftovers = (await fs.readdir(dir)).filter((f) => f.endsWith('.tmp'));
    assert.deepEqual(leftovers, []);
  });
  it('a failed write leaves an existing file untouched', async () => {
    const path = join(dir, 'keep.json');
    await fs.writeFile(path, 'old');
    const huge = new SparseMatrix(['a', 'b'], null, 6e7, Float64Array.from([0, 0, 0]), new Int32Array(0), new Float64Array(0), makeMeta('t', {}));
    await rejectsInput(writeMatrixFile(huge, path, 'json', new Collector()), /cells/);
    assert.equal(await fs.readFile(path, 'utf8'), 'old');
  });
});

describe('streaming', () => {
  it('json output reaches the stream in bounded pieces, never as one string', async () => {
    const rows = 2000;
    const d = 300;
    const data = new Float32Array(rows * d).map((_, k) => Math.fround(((k % 997) - 498) / 1000));
    const matrix = new DenseMatrix(Array.from({ length: rows }, (_, i) => `w${i}`), null, d, data, makeMeta('t', {}));
    const out = new Collector();
    const sink = new Sink(out);
    await writeMatrix(matrix, sink, 'json', {});
    await sink.flush();
    const total = out.chunks.reduce((n, c) => n + c.length, 0);
    const largest = Math.max(...out.chunks.map((c) => c.length));
    assert.ok(total > 2_000_000, `total ${total}`);
    assert.ok(largest < 200_000, `largest write ${largest}`);
    // and the streaming reader gives the same numbers back, split across many chunks
    const back = await readBytes(out.bytes(), undefined, undefined, 1009);
    assert.equal(back.nRows, rows);
    assert.equal((back as DenseMatrix).data[d * 1999 + 299], data[d * 1999 + 299]);
  });
});
