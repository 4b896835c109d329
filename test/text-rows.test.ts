// The word2vec text reader's WebAssembly row kernel (assembly/textrows.ts, src/io/formats/text-rows.ts)
// against the TypeScript path it replaces (useTextRowKernel(false)): the same words, the same float32
// bits, the same warnings and the same errors, on numbers of every shape the fast paths meet or
// refuse, on lines the kernel must hand back, and across chunk and run boundaries.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { readMatrix } from '../src/io/formats/index.js';
import { useTextRowKernel } from '../src/io/formats/text-rows.js';

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'wordspace-text-rows-'));
});
after(async () => {
  useTextRowKernel(true);
  await rm(dir, { recursive: true, force: true });
});

interface Outcome {
  labels?: string[];
  bits?: number[];
  warnings: string[];
  error?: string;
}

async function read(path: string, kernel: boolean): Promise<Outcome> {
  useTextRowKernel(kernel);
  const warnings: string[] = [];
  try {
    const m = await readMatrix(path, { format: 'text', warn: (w) => warnings.push(w) });
    assert.equal(m.kind, 'dense');
    const data = (m as { data: Float32Array }).data;
    return { labels: m.rows, bits: Array.from(new Uint32Array(data.buffer, data.byteOffset, data.length)), warnings };
  } catch (err) {
    return { warnings, error: (err as Error).message };
  }
}

async function same(name: string, content: string | Buffer): Promise<Outcome> {
  const path = join(dir, name);
  await writeFile(path, content);
  const fast = await read(path, true);
  const reference = await read(path, false);
  assert.deepEqual(fast, reference, name);
  return fast;
}

/** A seeded generator (xorshift32). */
function generator(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 2 ** 32;
  };
}

/** A number written in one of the shapes vector files hold, and some they should not. */
function numberText(random: () => number): string {
  const v = (random() - 0.5) * 10 ** Math.floor(random() * 8 - 4);
  switch (Math.floor(random() * 14)) {
    case 0:
      return v.toFixed(6);
    case 1:
      return v.toFixed(Math.floor(random() * 18));
    case 2:
      return v.toExponential(Math.floor(random() * 10));
    case 3:
      return String(v);
    case 4:
      return `+${Math.abs(v).toFixed(4)}`;
    case 5:
      return `0000${Math.abs(v).toFixed(3)}`; // leading zeros: characters past 15, digits within
    case 6:
      return `.${Math.floor(random() * 1e6)}`;
    case 7:
      return `${Math.floor(random() * 1000)}.`;
    case 8:
      // Exponents around the exact range's ends (±22 after the fraction's two digits).
      return `${v.toFixed(2)}E${Math.floor(random() * 60 - 30)}`;
    case 9:
      return Math.abs(v).toPrecision(16 + Math.floor(random() * 3)); // more digits than the fast path takes
    case 10:
      return '-0';
    case 11:
      return `${Math.floor(random() * 10 ** 15)}`; // 15 digits, no fraction
    case 12:
      return `0.000000000000${Math.floor(random() * 1e6)}`; // 18+ digits, 6 significant
    default:
      return v.toFixed(8);
  }
}

test('text row kernel: numbers of every shape give the TypeScript path’s bits', async () => {
  const random = generator(7);
  const dims = 9;
  const lines = [`400 ${dims}`];
  for (let r = 0; r < 400; r++) {
    const seps = [' ', '\t', '  ', ' \t', '\r '];
    const sep = (): string => (random() < 0.9 ? ' ' : seps[Math.floor(random() * seps.length)]!);
    const values = Array.from({ length: dims }, () => numberText(random));
    lines.push(`w${r}${random() < 0.1 ? '\t' : ' '}${values.map((v, i) => (i === 0 ? v : sep() + v)).join('')}${random() < 0.2 ? ' ' : ''}${random() < 0.1 ? '\r' : ''}`);
  }
  const out = await same('shapes.txt', `${lines.join('\n')}\n`);
  assert.equal(out.error, undefined);
  assert.equal(out.labels!.length, 400);
});

test('text row kernel: lines it must hand back read as before', async () => {
  // NaN and infinities (read by the general path), a blank line, words with UTF-8 and invalid bytes,
  // a BOM, CRLF endings, no final newline.
  const text = Buffer.concat([
    Buffer.from('\uFEFF5 3\r\n'),
    Buffer.from('naïve 0.1 0.2 0.3\r\n'),
    Buffer.from('\r\n'),
    Buffer.from('x NaN 1 2\n'),
    Buffer.from([0x62, 0xff, 0x20]),
    Buffer.from('1e400 -1e-400 5\n'),
    Buffer.from('日本 1 2 3\n'),
    Buffer.from('last 0x10 1 2'),
  ]);
  await same('handed-back.txt', text);
  // Errors: too few and too many fields, a field that is not a number, a word alone.
  for (const [name, content] of [
    ['few.txt', '2 3\na 1 2 3\nb 1 2\n'],
    ['many.txt', '2 3\na 1 2 3\nb 1 2 3 4\n'],
    ['word.txt', '2 3\na 1 2 3\nb 1 x 3\n'],
    ['alone.txt', '2 3\na 1 2 3\nb\n'],
    ['sign.txt', '2 3\na 1 2 3\nb 1 - 3\n'],
    ['dot.txt', '2 3\na 1 2 3\nb 1 . 3\n'],
    ['exp.txt', '2 3\na 1 2 3\nb 1 2e 3\n'],
  ] as const) {
    const out = await same(name, content);
    assert.ok(out.error !== undefined || name === 'exp.txt' || name === 'dot.txt' || name === 'sign.txt', `${name}: ${JSON.stringify(out)}`);
  }
});

test('text row kernel: rows across read chunks and kernel runs, headerless too', async () => {
  const random = generator(11);
  const dims = 50;
  const rows = 3000; // ~1.5 MB: several 256 KB reads and kernel runs, lines cut between reads
  const body: string[] = [];
  for (let r = 0; r < rows; r++) body.push(`word${r} ${Array.from({ length: dims }, () => ((random() - 0.5) * 2).toFixed(6)).join(' ')}`);
  const withHeader = await same('big.txt', `${rows} ${dims}\n${body.join('\n')}\n`);
  assert.equal(withHeader.labels!.length, rows);
  assert.equal(withHeader.labels![rows - 1], `word${rows - 1}`);
  const headerless = await same('big-glove.txt', `${body.join('\n')}\n`);
  assert.deepEqual(headerless.bits, withHeader.bits);
  // One value checked by hand: 0.5 is exact.
  const half = await same('half.txt', '1 2\na 0.5 -0.25\n');
  assert.deepEqual(half.bits, [0x3f000000, 0xbe800000]);
});
