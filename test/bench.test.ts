/**
 * `npm run bench` runs anywhere: our methods on the bundled corpus by default, the reference tools
 * through our own bench/peers.py when installed, and every row it does not run says why. A smoke
 * run on a slice of the speeches, one wordspace method and the reference rows; no timing asserted.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';

const root = fileURLToPath(new URL('../../', import.meta.url));
const bench = join(root, 'dist', 'bench', 'run.js');
let dir: string;

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'wordspace-bench-test-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

/** Run the bench from an unrelated directory (not the repository, and no ../shared beside it). */
function runBench(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [bench, ...args], { cwd: dir, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('bench --dry-run: the bundled corpus by default, our methods run, the reference rows run or say why not', () => {
  const r = runBench(['--dry-run']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, new RegExp(`^corpus ${join(root, 'data', 'us-speeches.txt.gz')}$`, 'm'));
  for (const ours of ['sgns', 'cbow', 'cooc-ppmi-svd', 'glove', 'autoencoder']) assert.match(r.stderr, new RegExp(`^run  ${ours}$`, 'm'));
  for (const peer of ['gensim-sg', 'gensim-cbow', 'fasttext-sg']) assert.match(r.stderr, new RegExp(`^(run  ${peer} \\(.*bench/peers\\.py\\)|skip ${peer}: .+)$`, 'm'));
});

test('bench --dry-run with a missing peers script: every reference row is skipped, naming the script', () => {
  const r = runBench(['--dry-run', '--peers', '/nonexistent/peers.py']);
  assert.equal(r.code, 0, r.stderr);
  for (const peer of ['gensim-sg', 'gensim-cbow', 'fasttext-sg']) {
    assert.match(r.stderr, new RegExp(`^skip ${peer}: the reference script /nonexistent/peers\\.py is not there`, 'm'));
  }
  assert.match(r.stderr, /^run {2}sgns$/m);
});

test('bench smoke run: our row is scored, each reference row ran or was skipped with its reason', () => {
  const speeches = gunzipSync(readFileSync(join(root, 'data', 'us-speeches.txt.gz'))).toString('utf8').split('\n');
  const corpus = join(dir, 'slice.txt');
  writeFileSync(corpus, `${speeches.slice(8000, 8250).join('\n')}\n`);
  const r = runBench(['--corpus', corpus, '--methods', 'cooc-ppmi-svd,gensim-sg,fasttext-sg']);
  assert.equal(r.code, 0, r.stderr);
  const row = (name: string): string => r.stdout.split('\n').find((l) => l.startsWith(`${name} `)) ?? '';
  assert.match(row('cooc-ppmi-svd'), /^cooc-ppmi-svd +1\/1 +-?0\.\d{3} +\d+\.\d/);
  // Whether each reference tool is installed here, found independently of the bench.
  const gensim = spawnSync('/usr/bin/python3', ['-c', 'import gensim']).status === 0;
  const fasttext = spawnSync('sh', ['-c', 'command -v fasttext']).status === 0;
  assert.match(row('gensim-sg'), gensim ? /^gensim-sg +1\/1 +-?[01]\.\d{3}/ : /^gensim-sg +0\/1 +skipped: gensim is not importable/);
  assert.match(row('fasttext-sg'), fasttext ? /^fasttext-sg +1\/1/ : /^fasttext-sg +0\/1 +skipped: the fasttext command is not on PATH/);
});
