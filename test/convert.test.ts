import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import { runCli, spawnCli, type CliResult } from './helpers/cli.js';

const FIXTURES = fileURLToPath(new URL('../../fixtures/formats/', import.meta.url));
const fixture = (name: string): string => join(FIXTURES, name);

/** The word2vec text of fixtures/formats/tiny.txt as convert writes it (6 decimals, zeros trimmed). */
const TINY_TEXT = '4 3\nthe 0.5 -1.25 3\n猫 0 0.125 -2\nnew,york 0.001 100 -0.5\n__proto__ 7 0 0.25\n';

function assertOneLineError(result: CliResult, code: number, pattern: RegExp): void {
  assert.equal(result.code, code, `exit status (stderr: ${result.stderr})`);
  assert.equal(result.stdout, '');
  const lines = result.stderr.trimEnd().split('\n');
  assert.equal(lines.length, 1, `one line on stderr, got: ${result.stderr}`);
  assert.match(lines[0]!, /^wordspace: /);
  assert.match(lines[0]!, pattern);
}

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ws-convert-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('convert (in-process)', () => {
  it('text → stdout in every format, formats from --to', async () => {
    const text = await runCli(['convert', fixture('tiny.txt'), '-', '--to', 'text']);
    assert.equal(text.code, 0, text.stderr);
    assert.equal(text.stdout, TINY_TEXT);
    assert.equal(text.stderr, '');
    const csv = await runCli(['convert', fixture('tiny.txt'), '-', '--to', 'csv']);
    assert.equal(csv.stdout, 'label,d1,d2,d3\nthe,0.5,-1.25,3\n猫,0,0.125,-2\n"new,york",0.001,100,-0.5\n__proto__,7,0,0.25\n');
    const jsonl = await runCli(['convert', fixture('tiny.txt'), '-', '--to', 'jsonl']);
    assert.equal(jsonl.stdout.split('\n')[4], '{"label": "__proto__", "vector": [7,0,0.25]}');
  });

  it('binary → file with the format from the extension; reads back equal', async () => {
    const out = join(dir, 'tiny.txt');
    const r = await runCli(['convert', fixture('gensim.bin'), out]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, '');
    // gensim stored 0.001 as float32 0.0010000000474974513; six decimals print it 0.001.
    assert.equal(await fs.readFile(out, 'utf8'), TINY_TEXT);
    const meta = JSON.parse(await fs.readFile(`${out}.meta.json`, 'utf8')) as Record<string, unknown>;
    assert.equal(meta.method, 'unknown');
  });

  it('stdin → stdout, detected from the content, --precision', async () => {
    const r = await runCli(['convert', '-', '-', '--to', 'tsv', '--precision', '1'], '2 2\na 0.25 -1.96\nb 3 0.04\n');
    assert.equal(r.code, 0, r.stderr);
    // toFixed(1): 0.25 → "0.3" (0.25 is exact and rounds half up), -1.96 → "-2.0" → "-2", 0.04 → "0.0" → "0"
    assert.equal(r.stdout, 'label\td1\td2\na\t0.3\t-2\nb\t3\t0\n');
  });

  it('binary to stdout is byte-exact', async () => {
    const r = await runCli(['convert', fixture('tiny.json'), '-', '--to', 'binary']);
    assert.equal(r.code, 0, r.stderr);
    const header = Buffer.from('4 3\nthe ');
    assert.deepEqual(r.stdoutBytes.subarray(0, header.length), header);
    // 0.5, -1.25, 3 as little-endian float32 (numpy: np.float32([0.5,-1.25,3]).tobytes().hex())
    assert.equal(r.stdoutBytes.subarray(header.length, header.length + 12).toString('hex'), '0000003f0000a0bf00004040');
  });

  it('mtx → json keeps labels and meta; .gz output is gzipped', async () => {
    const out = join(dir, 'm.json.gz');
    const r = await runCli(['convert', fixture('scipy.mtx'), out]);
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(gunzipSync(await fs.readFile(out)).toString()) as Record<string, unknown>;
    assert.deepEqual(doc.rows, ['a', 'b', 'c']);
    assert.deepEqual(doc.columns, ['w', 'x', 'y', 'z']);
    assert.deepEqual(doc.data, [
      [0, 2.5, 0, 0],
      [0, 0, 0, 0],
      [-1, 0, 0, 3],
    ]);
    assert.equal((doc.meta as Record<string, unknown>).tool, 'scipy');
  });

  it('--from overrides the extension', async () => {
    const path = join(dir, 'really-csv.txt');
    await fs.writeFile(path, 'label,x\na,1\n');
    const r = await runCli(['convert', path, '-', '--from', 'csv', '--to', 'json']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual((JSON.parse(r.stdout) as Record<string, unknown>).columns, ['x']);
  });

  it('warns on stderr about labels the word2vec formats cannot hold, and still succeeds', async () => {
    const r = await runCli(['convert', '-', '-', '--from', 'csv', '--to', 'text'], 'label,x\nnew york,1\n');
    assert.equal(r.code, 0);
    assert.equal(r.stdout, '1 1\nnew_york 1\n');
    assert.match(r.stderr, /^wordspace: warning: 1 label \("new york"\) holds whitespace or is empty, which the word2vec formats cannot store/);
  });
});

describe('convert errors: exit status and one line on stderr', () => {
  it('truncated binary → 1', async () => {
    assertOneLineError(await runCli(['convert', fixture('truncated.bin'), '-', '--to', 'text']), 1, /truncated\.bin is truncated: its header announces 4 vectors of 3 float32 values, but it ends after 2 vectors/);
  });
  it('vectors whose dimensions disagree → 1', async () => {
    assertOneLineError(await runCli(['convert', '-', '-', '--to', 'csv'], '2 3\na 1 2 3\nb 1 2\n'), 1, /standard input line 3: 2 values where the vectors have 3 \(vectors whose dimensions disagree between lines\)/);
  });
  it('not a number → 1', async () => {
    assertOneLineError(await runCli(['convert', '-', '-', '--to', 'json'], 'label,x,y\na,1,oops\n'), 1, /standard input line 2: "oops" is not a number/);
  });
  it('empty input → 1', async () => {
    const path = join(dir, 'empty.txt');
    await fs.writeFile(path, '');
    assertOneLineError(await runCli(['convert', path, '-', '--to', 'json']), 1, /empty\.txt is empty/);
    assertOneLineError(await runCli(['convert', '-', '-', '--to', 'json'], ''), 1, /standard input is empty/);
  });
  it('missing input file → 1', async () => {
    assertOneLineError(await runCli(['convert', join(dir, 'nope.txt'), '-', '--to', 'json']), 1, /cannot read .*nope\.txt: no such file/);
  });
  it('output format not known from the name → 2 (usage), before reading anything', async () => {
    assertOneLineError(await runCli(['convert', fixture('tiny.txt'), join(dir, 'out.xyz')]), 2, /cannot tell the output format of .*out\.xyz .*give --to/);
    assertOneLineError(await runCli(['convert', fixture('tiny.txt'), '-']), 2, /cannot tell the output format of standard output/);
  });
  it('unknown --to / --from / bad --precision → 2', async () => {
    const to = await runCli(['convert', fixture('tiny.txt'), '-', '--to', 'parquet']);
    assert.equal(to.code, 2);
    assert.match(to.stderr, /--to <format>' argument 'parquet' is invalid/);
    const from = await runCli(['convert', fixture('tiny.txt'), '-', '--from', 'xml', '--to', 'json']);
    assert.equal(from.code, 2);
    const precision = await runCli(['convert', fixture('tiny.txt'), '-', '--to', 'json', '--precision', '40']);
    assert.equal(precision.code, 2);
    assert.match(precision.stderr, /must be an integer from 0 to 17/);
  });
  it('binary to a terminal → 2', async () => {
    assertOneLineError(await runCli(['convert', fixture('tiny.txt'), '-', '--to', 'binary'], undefined, { stdoutIsTTY: true }), 2, /refusing to write binary vectors to a terminal/);
  });
  it('a sparse matrix too big for a dense format → 1, and no output file', async () => {
    // 20000 × 20000 = 4e8 cells > DENSE_CELL_LIMIT (1e8), stored in three lines
    const path = join(dir, 'big.mtx');
    await fs.writeFile(path, '%%MatrixMarket matrix coordinate real general\n20000 20000 1\n1 1 1\n');
    const out = join(dir, 'big.csv');
    assertOneLineError(await runCli(['convert', path, out]), 1, /sparse and has 20000 × 20000 = 4\.00e\+8 cells, more than the 1e\+8 a dense csv file may hold \(write it in a sparse format: mtx or jsonl\)/);
    await assert.rejects(fs.stat(out));
    // the sparse formats take it
    const ok = await runCli(['convert', path, '-', '--to', 'jsonl']);
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal(ok.stdout.split('\n')[1], '{"label": "1", "indices": [0], "values": [1]}');
  });
});

describe('convert (spawned binary)', () => {
  it('pipes: stdin text → stdout csv', async () => {
    const r = await spawnCli(['convert', '-', '-', '--to', 'csv'], 'a,b 1 2\n');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'label,d1,d2\n"a,b",1,2\n');
  });
  it('truncated binary: exit 1, one line', async () => {
    const r = await spawnCli(['convert', fixture('truncated.bin'), '-', '--to', 'text']);
    assertOneLineError(r, 1, /is truncated/);
  });
  it('binary round trip through two processes', async () => {
    const bin = await spawnCli(['convert', fixture('tiny.txt'), '-', '--to', 'binary']);
    assert.equal(bin.code, 0, bin.stderr);
    const text = await spawnCli(['convert', '-', '-', '--to', 'text'], bin.stdoutBytes);
    assert.equal(text.code, 0, text.stderr);
    assert.equal(text.stdout, TINY_TEXT);
  });
});
