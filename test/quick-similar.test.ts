import { strict as assert } from 'node:assert';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { CommanderError } from 'commander';
import { registerSimilar } from '../src/cli/commands/similar.js';
import { buildProgram, runProgram } from '../src/cli/program.js';
import { run } from '../src/cli/main.js';
import { parseQuickSimilar, type QuickSimilarArgs } from '../src/cli/quick-similar.js';
import { WordVectors } from '../src/core/vectors.js';
import { loadQueryVectors } from '../src/query/load.js';
import { streamSimilar } from '../src/query/stream-similar.js';
import { Collector, fakeStdin, runCli } from './helpers/cli.js';
import { TINY_DATA, TINY_WORDS } from './helpers/query-fixtures.js';

const DIR = mkdtempSync(join(tmpdir(), 'wordspace-quick-similar-'));
after(() => rmSync(DIR, { recursive: true, force: true }));

/** A word2vec binary file written here byte by byte (`V D\n`, then `word ` + D float32 LE + `\n`). */
function binaryFile(name: string, words: readonly string[], rows: readonly (readonly number[])[], options: { header?: string; tail?: string; meta?: string } = {}): string {
  const dims = rows[0]?.length ?? 0;
  const parts = [Buffer.from(options.header ?? `${words.length} ${dims}\n`, 'latin1')];
  words.forEach((word, i) => {
    const vector = Buffer.alloc(4 * dims);
    rows[i]!.forEach((v, j) => vector.writeFloatLE(v, 4 * j));
    parts.push(Buffer.from(`${word} `, 'utf8'), vector, Buffer.from('\n'));
  });
  if (options.tail) parts.push(Buffer.from(options.tail, 'latin1'));
  const path = join(DIR, name);
  writeFileSync(path, Buffer.concat(parts));
  if (options.meta !== undefined) writeFileSync(`${path}.meta.json`, options.meta);
  return path;
}

const TINY_BIN = binaryFile('tiny.bin', TINY_WORDS, TINY_DATA);

/** Seeded vectors with ties (repeated rows) and non-ASCII words, for comparing both paths. */
function randomFile(name: string, count: number, dims: number, seed: number, meta?: string): { path: string; words: string[] } {
  let state = seed;
  const next = (): number => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return state / 2 ** 32 - 0.5;
  };
  const words = Array.from({ length: count }, (_, i) => (i % 7 === 3 ? `wörd${i}` : i % 11 === 5 ? `Word${i}` : `w${i}`));
  const rows = Array.from({ length: count }, () => Array.from({ length: dims }, next));
  for (let i = 10; i < count; i += 13) rows[i] = rows[i - 9]!.slice(); // exact ties
  return { path: binaryFile(name, words, rows, meta === undefined ? {} : { meta }), words };
}

test('similar on a .bin: the quick path gives the hand-computed neighbours', async () => {
  assert.ok(await streamSimilar({ path: TINY_BIN, words: ['man'], top: 2 }), 'the tiny file is answered on the quick path');
  const r = await runCli(['similar', TINY_BIN, 'man', 'queen', '-k', '2']);
  assert.equal(r.code, 0, r.stderr);
  // By hand (as test/query-cli.test.ts): man → king, boy at 1/√2 (king first: the earlier row);
  // queen → monarch 1.7/(√2·√1.53) = 0.971825, woman 1/√2.
  assert.equal(r.stdout, 'query\trank\tword\tsimilarity\nman\t1\tking\t0.707107\nman\t2\tboy\t0.707107\nqueen\t1\tmonarch\t0.971825\nqueen\t2\twoman\t0.707107\n');
  assert.equal(r.stderr, '');
});

test('the streaming answers are the full path\'s, bit for bit (ties, non-ASCII words, --restrict, case folding)', async () => {
  for (const [meta, queries] of [
    [undefined, ['w1', 'wörd3', 'Word5', 'W2', 'w12']],
    ['{"options": {"keepCase": false}}', ['W1', 'wörd10']],
    ['{"options": {"keepCase": true}}', ['Word5', 'w2']],
  ] as const) {
    const { path } = randomFile(`random-${String(meta?.length ?? 0)}.bin`, 300, 7, 42, meta);
    for (const restrict of [undefined, 1, 50, 1000]) {
      for (const top of [1, 10, 400]) {
        const loaded = await loadQueryVectors(path, { queries });
        const { resolveWord } = await import('../src/query/fold.js');
        // The WebAssembly record kernel and the TypeScript loop, each against the full path.
        for (const kernel of [true, false]) {
          const quick = await streamSimilar({ path, words: queries, top, kernel, ...(restrict === undefined ? {} : { restrict }) });
          assert.ok(quick, `answered quickly: ${String(meta)}, kernel ${kernel}`);
          queries.forEach((word, k) => {
            const full = loaded.vectors.nearest(resolveWord(loaded.vectors, word, loaded.caseMode), top, restrict === undefined ? {} : { restrict });
            assert.equal(quick[k]!.word, word);
            assert.deepEqual(quick[k]!.neighbours, full, `${word}, top ${top}, restrict ${String(restrict)}, kernel ${kernel}`);
          });
        }
      }
    }
  }
});

test('the record kernel loads, and reads files larger than its buffer (records cut across reads) as the TypeScript loop does', async () => {
  const { binRowsKernel } = await import('../src/query/kernel.js');
  assert.ok(binRowsKernel(), 'dist/wasm/binrows.wasm is built and loads');
  // 400 rows × 257 dims × 4 bytes ≈ 411 KB: more than the 256 KiB read buffer, odd dims (a tail after the f64x2 pairs).
  const { path } = randomFile('large.bin', 400, 257, 7);
  const queries = ['w399', 'wörd3', 'w0'];
  const loaded = await loadQueryVectors(path, { queries });
  for (const restrict of [undefined, 200]) {
    const fast = await streamSimilar({ path, words: queries, top: 25, ...(restrict === undefined ? {} : { restrict }) });
    const reference = await streamSimilar({ path, words: queries, top: 25, kernel: false, ...(restrict === undefined ? {} : { restrict }) });
    assert.ok(fast && reference);
    assert.deepEqual(fast, reference);
    queries.forEach((word, k) => assert.deepEqual(fast[k]!.neighbours, loaded.vectors.nearest(word, 25, restrict === undefined ? {} : { restrict }), word));
  }
});

test('anything unusual is left to the full path (undefined), whose output the run then prints', async () => {
  const dims = 3;
  const ok = [[1, 0, 0], [0, 1, 0], [0, 0, 1]];
  const cases: [string, string, string[]][] = [
    ['duplicate', binaryFile('dup.bin', ['a', 'b', 'a'], ok), ['b']],
    ['zero vector', binaryFile('zero.bin', ['a', 'b', 'c'], [[1, 0, 0], [0, 0, 0], [0, 0, 1]]), ['a']],
    ['NaN', binaryFile('nan.bin', ['a', 'b', 'c'], [[1, 0, 0], [Number.NaN, 1, 0], [0, 0, 1]]), ['a']],
    ['infinity', binaryFile('inf.bin', ['a', 'b', 'c'], [[1, 0, 0], [0, Number.POSITIVE_INFINITY, 0], [0, 0, 1]]), ['a']],
    ['truncated', binaryFile('short.bin', ['a', 'b', 'c'], ok, { header: `4 ${dims}\n` }), ['a']],
    ['trailing data', binaryFile('tail.bin', ['a', 'b', 'c'], ok, { tail: 'junk' }), ['a']],
    ['unknown word', binaryFile('plain.bin', ['a', 'b', 'c'], ok), ['zzz']],
    ['bad metadata', binaryFile('badmeta.bin', ['a', 'b', 'c'], ok, { meta: '{not json' }), ['a']],
    ['BOM-led word', binaryFile('bom.bin', ['\uFEFFa', 'b', 'c'], ok), ['b']],
    ['invalid UTF-8 word', binaryFile('latin1.bin', ['a', 'b', 'c'], ok), ['b']],
  ];
  // Six values a row: the kernel checks four at a time, then the last two one by one.
  const six = (special: number, at: number): number[][] => [[1, 0, 0, 0, 0, 0], [0, 1, 0, 0, 0, 0].map((v, j) => (j === at ? special : v)), [0, 0, 1, 0, 0, 0]];
  cases.push(
    ['NaN among the first four of six', binaryFile('nan6a.bin', ['a', 'b', 'c'], six(Number.NaN, 2)), ['a']],
    ['-Infinity among the last two of six', binaryFile('inf6b.bin', ['a', 'b', 'c'], six(Number.NEGATIVE_INFINITY, 5)), ['a']],
    ['Infinity first of six', binaryFile('inf6a.bin', ['a', 'b', 'c'], six(Number.POSITIVE_INFINITY, 0)), ['a']],
    ['zero vector of six, signed zeros', binaryFile('zero6.bin', ['a', 'b', 'c'], [[1, 0, 0, 0, 0, 0], [0, -0, 0, -0, 0, -0], [0, 0, 1, 0, 0, 0]]), ['a']],
  );
  // latin1.bin: make word 1 invalid UTF-8 (a lone 0xff byte).
  const { readFileSync } = await import('node:fs');
  const latin = readFileSync(join(DIR, 'latin1.bin'));
  latin[latin.indexOf(0x61, 4)] = 0xff;
  writeFileSync(join(DIR, 'latin1.bin'), latin);
  const gz = join(DIR, 'plain.bin.gz');
  writeFileSync(gz, gzipSync(readFileSync(join(DIR, 'plain.bin'))));
  cases.push(['gzip', gz, ['a']]);
  const text = join(DIR, 'plain.txt');
  writeFileSync(text, '3 3\na 1 0 0\nb 0 1 0\nc 0 0 1\n');
  cases.push(['word2vec text', text, ['a']]);
  for (const [what, path, words] of cases) {
    assert.equal(await streamSimilar({ path, words, top: 10 }), undefined, what);
    assert.equal(await streamSimilar({ path, words, top: 10, kernel: false }), undefined, `${what}, TypeScript loop`);
    const argv = ['similar', path, ...words];
    const quick = await runCli(argv);
    const full = await fullRun(argv);
    assert.deepEqual(quick, full, what);
  }
  // Not unusual: a row whose only non-zero value is the sixth, or a subnormal among signed zeros.
  const sparse = binaryFile('sparse6.bin', ['a', 'b', 'c'], [[1, 0, 0, 0, 0, 0], [-0, 0, -0, 0, 0, 2], [0, -0, 0, 1e-45, 0, -0]]);
  for (const kernel of [true, false]) {
    const answers = await streamSimilar({ path: sparse, words: ['b'], top: 2, kernel });
    // cos(b, a) = 0 = cos(b, c) by hand (no shared non-zero column): rank by row, a then c.
    assert.deepEqual(answers?.[0]?.neighbours.map((n) => [n.word, n.score]), [['a', 0], ['c', 0]], `kernel ${kernel}`);
  }
  // Spot checks that these went where expected: a duplicate is a warning, NaN an error.
  assert.match((await runCli(['similar', join(DIR, 'dup.bin'), 'b'])).stderr, /appears twice/);
  assert.equal((await runCli(['similar', join(DIR, 'nan.bin'), 'a'])).code, 1);
});

/** The commander program alone, as every run went before the quick path. */
async function fullRun(argv: string[]): Promise<{ code: number; stdout: string; stderr: string; stdoutBytes: Buffer }> {
  const stdout = new Collector();
  const stderr = new Collector();
  const code = await runProgram(argv, { stdin: fakeStdin(), stdout, stderr, env: {} });
  return { code, stdout: stdout.text(), stderr: stderr.text(), stdoutBytes: stdout.bytes() };
}

/** What commander hands `similar`'s action for argv, or the CommanderError it stops with. */
async function commanderParse(argv: string[]): Promise<QuickSimilarArgs | CommanderError> {
  const sink = new Collector();
  const program = buildProgram({ stdin: fakeStdin(), stdout: sink, stderr: sink, env: {} }, new Map([['similar', registerSimilar]]));
  let parsed: QuickSimilarArgs | undefined;
  program.commands.find((c) => c.name() === 'similar')!.action((path: string, words: string[], options: { top: number; restrict?: number; format?: QuickSimilarArgs['format']; text?: string }) => {
    parsed = { path, words, top: options.top };
    if (options.restrict !== undefined) parsed.restrict = options.restrict;
    if (options.format !== undefined) parsed.format = options.format;
  });
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) return err;
    throw err;
  }
  return parsed!;
}

test('the quick argument parser and commander agree on every argument list the quick parser reads', async () => {
  const table: string[][] = [
    ['similar', 'v.bin', 'cat'],
    ['similar', 'v.bin', 'cat', 'dog', 'Mouse'],
    ['similar', 'v.bin', 'cat', '-k', '3'],
    ['similar', '-k', '3', 'v.bin', 'cat'],
    ['similar', 'v.bin', '--top', '7', 'cat', '--restrict', '100'],
    ['similar', 'v.bin', 'cat', '--top=4', '--restrict=9', '--format=json'],
    ['similar', 'v.bin', 'cat', '--format', 'tsv', '--format', 'csv'],
    ['similar', 'v.bin', 'cat', '-k', '2', '--top', '5'],
    ['similar', 'v.bin', 'cat', '--top', '+3'],
    ['similar', 'v.bin', 'cat', '--top', ' 12 '],
    ['similar', 'v.bin', 'cat', '--format', 'table'],
    // Read by commander only (the quick parser says undefined): errors, help, other options.
    ['similar', 'v.bin'],
    ['similar', 'v.bin', 'cat', '--top', '0'],
    ['similar', 'v.bin', 'cat', '--top', 'x'],
    ['similar', 'v.bin', 'cat', '--top'],
    ['similar', 'v.bin', 'cat', '--restrict', '-1'],
    ['similar', 'v.bin', 'cat', '--format', 'xml'],
    ['similar', 'v.bin', 'cat', '--tops', '3'],
    ['similar', 'v.bin', 'cat', '-k3'],
    ['similar', 'v.bin', 'cat', '--help'],
    ['similar', 'v.bin', 'cat', '--debug'],
    ['similar', 'v.bin', '--', '-cat'],
    ['similar', '-', 'cat'],
    ['similar', 'v.bin', '--text', 'a cat'],
    ['similar', 'v.bin', 'cat', '--model', 'm.wsdv'],
    ['simlar', 'v.bin', 'cat'],
  ];
  let quickCount = 0;
  for (const argv of table) {
    const quick = parseQuickSimilar(argv);
    if (quick === undefined) continue;
    quickCount++;
    assert.deepEqual(quick, await commanderParse(argv), argv.join(' '));
  }
  assert.equal(quickCount, 11, 'the first eleven lists are read by the quick parser');
  // The ones it leaves alone include commander's usage errors.
  for (const argv of [table[12]!, table[13]!, table[14]!, table[16]!, table[17]!]) {
    assert.equal(parseQuickSimilar(argv), undefined, argv.join(' '));
    const parsed = await commanderParse(argv);
    assert.ok(parsed instanceof CommanderError && parsed.exitCode !== 0, argv.join(' '));
  }
});

test('usage errors and help still come from commander, with its messages and exit codes', async () => {
  for (const args of [['cat', '--top', '0'], ['cat', '--format', 'xml'], ['cat', '--tops', '3'], [], ['cat', '--help'], ['cat', '-k']]) {
    const argv = ['similar', TINY_BIN, ...args];
    const quick = await runCli(argv);
    assert.deepEqual(quick, await fullRun(argv), argv.join(' '));
  }
  const bad = await runCli(['similar', TINY_BIN, 'man', '--top', '0']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /^wordspace: option '-k, --top <n>' argument '0' is invalid/);
});

test('the quick path prints what the full path prints, in every result format', async () => {
  const { path } = randomFile('formats.bin', 120, 5, 7);
  for (const extra of [[], ['--format', 'json'], ['--format', 'csv'], ['-k', '3', '--restrict', '40']]) {
    const argv = ['similar', path, 'w1', 'wörd3', ...extra];
    assert.deepEqual(await runCli(argv), await fullRun(argv), argv.join(' '));
  }
  const argv = ['similar', path, 'w1', '-k', '2'];
  const options = { stdoutIsTTY: true, env: { NO_COLOR: '1' } };
  const quick = await runCli(argv, undefined, options);
  const stdout = new Collector();
  stdout.isTTY = true;
  const stderr = new Collector();
  const code = await runProgram(argv, { stdin: fakeStdin(), stdout, stderr, env: { NO_COLOR: '1' } });
  assert.equal(quick.code, code);
  assert.equal(quick.stdout, stdout.text());
  assert.match(quick.stdout, /│ rank │ word/);
});

test('with a file descriptor behind stdout, the quick path writes there what the full path prints to the stream', async () => {
  const { path } = randomFile('descriptor.bin', 120, 5, 11);
  for (const extra of [[], ['--format', 'json'], ['--format', 'csv'], ['-k', '3']]) {
    const argv = ['similar', path, 'w1', 'wörd3', ...extra];
    const out = join(DIR, 'descriptor.out');
    const fd = openSync(out, 'w');
    const stdout = new Collector();
    let code: number;
    try {
      code = await run(argv, { stdin: fakeStdin(), stdout, stderr: new Collector(), env: {}, stdoutDescriptor: fd });
    } finally {
      closeSync(fd);
    }
    const full = await fullRun(argv);
    assert.equal(code, full.code, argv.join(' '));
    // TSV and JSON go to the descriptor, CSV (a package's writer) through the stream.
    const written = extra.includes('csv') ? stdout.text() : readFileSync(out, 'utf8');
    assert.equal(written, full.stdout, argv.join(' '));
    assert.equal(extra.includes('csv') ? readFileSync(out, 'utf8') : stdout.text(), '', argv.join(' '));
  }
  // A descriptor that is neither a pipe, a socket nor a file (a directory here): the stream, and its TTY says table.
  const argv = ['similar', path, 'w1', '-k', '2'];
  const fd = openSync(DIR, 'r');
  const stdout = new Collector();
  stdout.isTTY = true;
  try {
    assert.equal(await run(argv, { stdin: fakeStdin(), stdout, stderr: new Collector(), env: { NO_COLOR: '1' }, stdoutDescriptor: fd }), 0);
  } finally {
    closeSync(fd);
  }
  assert.match(stdout.text(), /│ rank │ word/);
});

test('a WordVectors query and the streaming one share the cosine kernel (direct and unit-copy paths agree)', () => {
  const vectors = new WordVectors([...TINY_WORDS], Float32Array.from(TINY_DATA.flat()), 5);
  const direct = vectors.cosines(vectors.unitRow(3));
  vectors.unit();
  const viaCopy = new WordVectors([...TINY_WORDS], Float32Array.from(TINY_DATA.flat()), 5);
  viaCopy.cosines([0, 0, 0, 0, 1]);
  viaCopy.cosines([0, 0, 0, 1, 0]);
  const third = viaCopy.cosines(viaCopy.unitRow(3)); // the third query reads the unit copy
  assert.deepEqual(direct, third);
  // queen · monarch by hand: 1.7 / (√2 · √1.53).
  assert.ok(Math.abs(direct[10]! - 1.7 / (Math.SQRT2 * Math.sqrt(1.53))) < 1e-6);
});
