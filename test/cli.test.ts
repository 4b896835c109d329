import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { BIN, runCli, spawnCli } from './helpers/cli.js';

const fixture = (name: string): string => new URL(`../../fixtures/${name}`, import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'wordspace-cli-'));

/** Exactly one line on stderr, starting with "wordspace: ". */
function assertOneLineError(stderr: string, pattern: RegExp): void {
  const lines = stderr.trimEnd().split('\n');
  assert.equal(lines.length, 1, `expected one line, got: ${stderr}`);
  assert.match(lines[0]!, /^wordspace: /);
  assert.match(lines[0]!, pattern);
}

test('no arguments and --help list the commands; --version prints the version', async () => {
  const none = await runCli([]);
  assert.equal(none.code, 0);
  for (const name of ['vocab', 'encode', 'similar', 'analogy', 'evaluate', 'convert']) assert.match(none.stdout, new RegExp(`\\b${name}\\b`));
  const version = await runCli(['--version']);
  assert.equal(version.code, 0);
  assert.equal(version.stdout.trim(), JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).version);
  const encodeHelp = await runCli(['encode', 'cooc', '--help']);
  assert.equal(encodeHelp.code, 0);
  const help = encodeHelp.stdout.replace(/\s+/g, ' ');
  assert.match(help, /--window <n> words on each side of the centre word \(default: 5\)/);
  assert.match(help, /--min-count <n> drop words seen fewer than n times \(default: 1\)/);
});

test('vocab: TSV when piped, JSON on request, word2vec vocabulary file with -o', async () => {
  const r = await runCli(['vocab', fixture('seed.txt')]);
  assert.equal(r.code, 0);
  assert.equal(r.stdout, 'word\tcount\nthe\t3\nin\t2\nbird\t1\ncat\t1\ndog\t1\nhat\t1\nmat\t1\non\t1\ntree\t1\n');
  assert.match(r.stderr, /12 tokens, 9 types, 9 kept/);
  const json = await runCli(['vocab', '-', '--format', 'json', '--min-count', '2', '-q'], 'b a b c b a');
  assert.deepEqual(JSON.parse(json.stdout), [{ word: 'b', count: 3 }, { word: 'a', count: 2 }]);
  assert.equal(json.stderr, '');
  const out = join(dir, 'vocab.txt');
  assert.equal((await runCli(['vocab', fixture('seed.txt'), '-o', out, '-q'])).code, 0);
  assert.equal(readFileSync(out, 'utf8').split('\n').slice(0, 2).join('|'), 'the 3|in 2');
});

test('encode onehot: the seed example as TSV, 12 rows × 9 columns', async () => {
  const r = await runCli(['encode', 'onehot', '-'], 'cat in the hat dog on the mat bird in the tree');
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.trimEnd().split('\n');
  assert.equal(lines.length, 13);
  assert.equal(lines[0], 'label\tthe\tin\tbird\tcat\tdog\that\tmat\ton\ttree');
  assert.equal(lines[1], 'cat\t0\t0\t0\t1\t0\t0\t0\t0\t0');
  assert.equal(lines[12], 'tree\t0\t0\t0\t0\t0\t0\t0\t0\t1');
});

test('encode features: the seasons table to JSON with meta', async () => {
  const r = await runCli(['encode', 'features', fixture('seasons.csv'), '-f', 'json']);
  assert.equal(r.code, 0, r.stderr);
  const json = JSON.parse(r.stdout);
  assert.deepEqual(json.rows, ['🌳', '🍂', '🍁', '🌻', '🎁', '🎅']);
  assert.deepEqual(json.columns, ['spring', 'summer', 'autumn', 'winter']);
  assert.deepEqual(json.data[0], [1, 1, 1, 0]);
  assert.deepEqual(json.data[5], [0, 0, 1, 1]);
  assert.equal(json.meta.method, 'features');
  assert.equal(json.meta.tool, 'wordspace');
});

test('encode writes atomically: a failure leaves no file and keeps the old one', async () => {
  const out = join(dir, 'keep.json');
  writeFileSync(out, 'precious');
  const bad = join(dir, 'bad.csv');
  writeFileSync(bad, 'item,size\na,1\nb,huge\nc,3\n');
  const r = await runCli(['encode', 'features', bad, '-o', out]);
  assert.equal(r.code, 1);
  assertOneLineError(r.stderr, /row 2 \(b\), column "size": "huge" is not a number/);
  assert.equal(readFileSync(out, 'utf8'), 'precious');
  assert.deepEqual(readdirSync(dir).filter((f) => f.endsWith('.tmp')), []);
});

test('usage errors exit 2 with one line', async () => {
  for (const [argv, pattern] of [
    [['encode', 'cooc', '--window', '0', fixture('seed.txt')], /--window.*'0'.*integer from 1 to 10000/],
    [['encode', 'cooc', '--min-count', 'abc', fixture('seed.txt')], /--min-count.*'abc'.*integer ≥ 1/],
    [['encode', 'cooc', '--min-count', '-3', fixture('seed.txt')], /--min-count/],
    [['encode', 'nosuch', fixture('seed.txt')], /unknown command 'nosuch'/],
    [['encode', 'cooc', '-f', 'xml', fixture('seed.txt')], /xml.*invalid|invalid.*xml/i],
    [['encode', 'cooc', '--frobnicate', fixture('seed.txt')], /unknown option '--frobnicate'/],
  ] as const) {
    const r = await runCli([...argv]);
    assert.equal(r.code, 2, `${argv.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr.split('\n')[0]!, pattern);
  }
});

test('input errors exit 1 with one line', async () => {
  writeFileSync(join(dir, 'empty.txt'), '');
  writeFileSync(join(dir, 'binary.bin'), Buffer.from([1, 2, 0, 3, 4]));
  writeFileSync(join(dir, 'broken.csv'), 'id,text\n1,"open\n');
  for (const [argv, pattern] of [
    [['vocab', join(dir, 'missing.txt')], /cannot read .*missing\.txt: no such file/],
    [['vocab', dir], /is a directory/],
    [['vocab', join(dir, 'empty.txt')], /corpus is empty/],
    [['vocab', join(dir, 'binary.bin')], /binary/],
    [['vocab', fixture('seed.txt'), '--min-count', '5'], /vocabulary is empty/],
    [['vocab', join(dir, 'broken.csv')], /malformed CSV/],
    [['vocab', fixture('seasons.csv'), '--text-column', 'body'], /no text column "body".*columns are: 1=item/],
    [['encode', 'cooc', fixture('seed.txt'), '-o', join(dir, 'no', 'such', 'dir', 'x.json')], /directory .* does not exist/],
  ] as const) {
    const r = await runCli([...argv]);
    assert.equal(r.code, 1, `${argv.join(' ')}: ${r.stderr}`);
    assertOneLineError(r.stderr, pattern);
  }
});

test('a dense output over the cell limit is refused with the size and the alternatives', async () => {
  const words = Array.from({ length: 12000 }, (_, i) => `w${i}`).join(' ');
  const r = await runCli(['encode', 'onehot', '-', '--tokenizer', 'whitespace', '-f', 'tsv'], `${words}\n`);
  assert.equal(r.code, 1);
  assertOneLineError(r.stderr, /12,000 × 12,000 = 1\.44e\+8 cells.*-f mtx or -f jsonl/);
  const sparse = await runCli(['encode', 'onehot', '-', '--tokenizer', 'whitespace', '-f', 'jsonl', '-q'], `${words}\n`);
  assert.equal(sparse.code, 0, sparse.stderr);
  // Without -f, standard output gets Matrix Market instead of an error, and stderr says why.
  const auto = await runCli(['encode', 'onehot', '-', '--tokenizer', 'whitespace'], `${words}\n`);
  assert.equal(auto.code, 0, auto.stderr);
  assert.match(auto.stdout, /^%%MatrixMarket matrix coordinate real general\n/);
  assert.match(auto.stderr, /writing the sparse matrix as mtx: as TSV it would have 1\.44e\+8 cells/);
});

test('spawned binary: cooc PPMI to word2vec text piped into similar; closed pipe exits 0', async () => {
  const corpus = fixture('seed.txt');
  const vec = join(dir, 'seed.vec');
  const enc = await spawnCli(['encode', 'cooc', corpus, '--weight', 'ppmi', '-o', vec, '-q']);
  assert.equal(enc.code, 0, enc.stderr);
  assert.ok(existsSync(vec));
  const lines = readFileSync(vec, 'utf8').trimEnd().split('\n');
  assert.equal(lines[0], '9 9');
  assert.equal(lines.length, 10);
  const similar = await spawnCli(['similar', vec, 'cat', '-k', '2'], undefined);
  assert.equal(similar.code, 0, similar.stderr);
  assert.match(similar.stdout.split('\n')[0]!, /query\trank\tword\tsimilarity/);
});

test('spawned binary: a closed pipe (| head -1) ends quietly with status 0', () => {
  const big = join(dir, 'big.txt');
  writeFileSync(big, `${Array.from({ length: 200000 }, (_, i) => `w${i % 5000}`).join(' ')}\n`);
  const r = spawnSync('bash', ['-c', `set -o pipefail; node ${JSON.stringify(BIN)} encode cooc ${JSON.stringify(big)} --tokenizer whitespace -q | head -1`], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stderr, '');
  assert.match(r.stdout, /^label\tw0\t/);
});

test('the README\'s main job: PPMI-SVD vectors of the bundled speeches, then similar words', async () => {
  const corpus = new URL('../../data/us-speeches.txt.gz', import.meta.url).pathname;
  const vec = join(dir, 'speeches.vec');
  const enc = await spawnCli(['encode', 'cooc', corpus, '--min-count', '5', '--weight', 'ppmi', '--dim', '100', '-o', vec]);
  assert.equal(enc.code, 0, enc.stderr);
  assert.match(enc.stderr, /cooc: 490,551 tokens, vocabulary 5,967 → 5,967 × 100 dense matrix \(text\)/);
  const similar = await spawnCli(['similar', vec, 'freedom', '-k', '5']);
  assert.equal(similar.code, 0, similar.stderr);
  // A reader of these speeches expects liberty and democracy next to freedom.
  const neighbours = similar.stdout.trimEnd().split('\n').slice(1).map((line) => line.split('\t')[2]);
  assert.ok(neighbours.includes('liberty') && neighbours.includes('democracy'), neighbours.join(', '));
});
