/**
 * Issue 8: a plain (not gzipped) regular file is read by position into one reused buffer, and the
 * word2vec readers join only the line or record cut by a chunk boundary. Files of several chunks
 * (64 KB head, then 256 KB reads), with CRLF lines and multi-byte words, are read here and compared
 * with the values written (binary: the float32 bits; text: the decimals as printed) and with the
 * same bytes gzipped (which go through the stream path).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { Random } from '../src/core/random.js';
import type { DenseMatrix } from '../src/core/matrix.js';
import { readMatrix } from '../src/io/formats/index.js';
import { openSource } from '../src/io/formats/source.js';

const dir = mkdtempSync(join(tmpdir(), 'wordspace-plain-source-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const ROWS = 3000;
const DIM = 50;
const random = new Random(81);
const words = Array.from({ length: ROWS }, (_, i) => (i % 7 === 3 ? `mot${i}é` : i % 11 === 5 ? `词${i}` : `w${i}`));
const values = new Float32Array(ROWS * DIM);
for (let i = 0; i < values.length; i++) values[i] = Math.fround(random.normal());

function binaryFile(): Buffer {
  const parts: Buffer[] = [Buffer.from(`${ROWS} ${DIM}\n`)];
  for (let i = 0; i < ROWS; i++) {
    parts.push(Buffer.from(`${words[i]} `, 'utf8'));
    parts.push(Buffer.from(values.buffer.slice(i * DIM * 4, (i + 1) * DIM * 4)));
    parts.push(Buffer.from('\n'));
  }
  return Buffer.concat(parts);
}

function textFile(): { bytes: Buffer; expected: Float32Array } {
  const expected = new Float32Array(ROWS * DIM);
  let text = `${ROWS} ${DIM}\r\n`;
  for (let i = 0; i < ROWS; i++) {
    const cells = Array.from(values.subarray(i * DIM, (i + 1) * DIM), (v) => v.toFixed(6));
    cells.forEach((cell, j) => (expected[i * DIM + j] = Math.fround(Number(cell))));
    text += `${words[i]} ${cells.join(' ')}${i % 3 === 0 ? '\r\n' : '\n'}`;
  }
  return { bytes: Buffer.from(text, 'utf8'), expected };
}

test('a word2vec binary file of many chunks reads as written, plain and gzipped', async () => {
  const bytes = binaryFile();
  assert.ok(bytes.length > (1 << 16) + 2 * (1 << 18)); // the head and at least two reused reads
  writeFileSync(join(dir, 'v.bin'), bytes);
  writeFileSync(join(dir, 'v.bin.gz'), gzipSync(bytes));
  for (const file of ['v.bin', 'v.bin.gz']) {
    const m = (await readMatrix(join(dir, file), { format: 'binary' })) as DenseMatrix;
    assert.deepEqual(m.rows, words, file);
    assert.deepEqual(new Float32Array(m.data), values, file);
  }
});

test('a word2vec text file of many chunks, CRLF and multi-byte words, reads as printed, plain and gzipped', async () => {
  const { bytes, expected } = textFile();
  assert.ok(bytes.length > (1 << 16) + 2 * (1 << 18)); // the head and at least two reused reads
  writeFileSync(join(dir, 'v.txt'), bytes);
  writeFileSync(join(dir, 'v.txt.gz'), gzipSync(bytes));
  for (const file of ['v.txt', 'v.txt.gz']) {
    const m = (await readMatrix(join(dir, file))) as DenseMatrix;
    assert.deepEqual(m.rows, words, file);
    assert.deepEqual(new Float32Array(m.data), expected, file);
  }
});

test('a plain file source: its head, its size, and the same bytes with and without reuse', async () => {
  const bytes = Buffer.alloc(700_001);
  for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 31 + (i >> 9)) & 0xff;
  bytes[0] = 0x41; // not the gzip magic
  writeFileSync(join(dir, 'raw'), bytes);
  for (const reuse of [false, true]) {
    const source = await openSource(join(dir, 'raw'));
    assert.equal(source.gzipped, false);
    assert.equal(source.size, bytes.length);
    assert.equal(source.complete, false);
    assert.deepEqual(source.head, bytes.subarray(0, 1 << 16));
    const seen: Buffer[] = [];
    for await (const chunk of source.chunks(reuse)) seen.push(Buffer.from(chunk)); // copied: a reused buffer changes
    assert.deepEqual(Buffer.concat(seen), bytes, `reuse ${reuse}`);
  }
  writeFileSync(join(dir, 'small'), 'ab\n');
  const small = await openSource(join(dir, 'small'));
  assert.equal(small.complete, true);
  assert.equal(small.size, 3);
  assert.equal(small.head.toString(), 'ab\n');
});
