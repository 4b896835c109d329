/**
 * Every example in the README, and every example in `--help`, runs as written on the bundled data.
 * The README's ```sh lines run one by one under `bash -o pipefail` in a temporary directory where
 * `wordspace` is the built binary, `./bin`, `data` and `fixtures` are the repository's, and the
 * placeholder files the examples name exist: `corpus.txt` is the bundled speeches, `big.txt.gz` and
 * `reviews.csv` are made from them, `my-pairs.txt`/`my-questions.txt` from the bundled benchmarks,
 * `vectors.vec` is what the main job wrote. Lines that train dense vectors (`--dim`, the neural
 * methods) run, as written, in a directory where those names hold a slice of the speeches, so the
 * suite stays quick. The ```js blocks run with `wordspace` importable by name.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { gunzipSync, gzipSync } from 'node:zlib';
import { runCli } from './helpers/cli.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const readme = readFileSync(join(root, 'README.md'), 'utf8');

/** The lines of the README's fenced blocks of a language, comment-only lines dropped. */
function blocks(language: string): string[] {
  const found: string[] = [];
  for (const m of readme.matchAll(new RegExp('^```' + language + '\\n([\\s\\S]*?)^```$', 'gm'))) found.push(m[1]!);
  return found;
}
const shellLines = blocks('sh').flatMap((b) => b.split('\n')).map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'));

/** Lines not run here, each with the reason. */
const NOT_RUN: [RegExp, string][] = [
  [/^npm test$/, 'this is the test suite itself'],
  [/^apt-get /, 'installs system packages (needs root and the network)'],
  [/^npm run bench\b/, 'trains every method on the corpus; test/bench.test.ts runs the bench on a tiny corpus'],
];

/** Lines that train dense vectors, and the pictures of what they wrote: they run on the slice (the same names, fewer lines). */
const ON_SLICE = /--dim|encode (sgns|cbow|glove|autoencoder)\b|plot (compare|loss)\b/;
/** The speeches slice for those (≈ 20k tokens; it holds "freedom" five times and more). */
const SLICE_LINES = [8001, 8300] as const;

let dir: string;
let small: string;
let env: NodeJS.ProcessEnv;

/** The placeholder inputs, made from a corpus given as lines. */
function placeholders(target: string, corpus: string[]): void {
  for (const name of ['bin', 'data', 'fixtures']) symlinkSync(join(root, name), join(target, name), 'dir');
  writeFileSync(join(target, 'corpus.txt'), `${corpus.join('\n')}\n`);
  writeFileSync(join(target, 'big.txt.gz'), gzipSync(`${corpus.join('\n')}\n`));
  const quote = (s: string): string => `"${s.replace(/"/g, '""')}"`;
  writeFileSync(join(target, 'reviews.csv'), `id,text\n${corpus.slice(0, 200).map((text, i) => `r${i + 1},${quote(text)}`).join('\n')}\n`);
  copyFileSync(join(root, 'data', 'eval', 'EN-MC-30.txt'), join(target, 'my-pairs.txt'));
  const questions = readFileSync(join(root, 'data', 'eval', 'questions-words.txt'), 'utf8').split('\n');
  const family = questions.findIndex((l) => l === ': family');
  writeFileSync(join(target, 'my-questions.txt'), `${questions.slice(family, questions.findIndex((l, i) => i > family && l.startsWith(':'))).join('\n')}\n`);
  // The ```js examples import wordspace by name.
  mkdirSync(join(target, 'node_modules'));
  symlinkSync(root, join(target, 'node_modules', 'wordspace'), 'dir');
}

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'wordspace-readme-'));
  // `wordspace` on the PATH is the built binary; `npm ci` and `npm run build` are done already.
  const shims = join(dir, '.shims');
  mkdirSync(shims);
  symlinkSync(join(root, 'bin', 'wordspace'), join(shims, 'wordspace'));
  writeFileSync(join(shims, 'npm'), '#!/bin/sh\ncase "$*" in "ci"|"run build") exit 0;; esac\necho "npm $*: not run by the README test" >&2\nexit 1\n');
  chmodSync(join(shims, 'npm'), 0o755);
  env = { ...process.env, PATH: `${shims}:${process.env.PATH ?? ''}`, NO_COLOR: '1' };
  const speeches = gunzipSync(readFileSync(join(root, 'data', 'us-speeches.txt.gz'))).toString('utf8').replace(/\n$/, '').split('\n');
  placeholders(dir, speeches);
  small = join(dir, 'small');
  mkdirSync(small);
  placeholders(small, speeches.slice(SLICE_LINES[0] - 1, SLICE_LINES[1]));
});
after(() => rmSync(dir, { recursive: true, force: true }));

function sh(line: string, cwd = dir): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync('bash', ['-o', 'pipefail', '-c', line], { cwd, env, encoding: 'utf8', maxBuffer: 1 << 28 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Files later examples read, made from what earlier ones wrote (so the expensive job runs once). */
function afterMainJob(): void {
  // vectors.vec (and its spellings in --help) are the main job's PPMI-SVD vectors of the speeches.
  for (const name of ['vectors.vec', 'vectors.txt']) {
    copyFileSync(join(dir, 'speeches.vec'), join(dir, name));
    copyFileSync(join(dir, 'speeches.vec.meta.json'), join(dir, `${name}.meta.json`));
  }
  const body = readFileSync(join(dir, 'speeches.vec'), 'utf8').split('\n').slice(1).join('\n');
  writeFileSync(join(dir, 'glove.6B.50d.txt.gz'), gzipSync(body)); // the headerless GloVe text format
  const cooc = sh('wordspace encode cooc small/corpus.txt --weight ppmi -q -o cooc.mtx');
  assert.equal(cooc.code, 0, cooc.stderr);
}

/** Checks of what some examples print, beyond exit status 0. */
const EXPECT: [RegExp, (out: string) => void][] = [
  [/similar speeches\.vec freedom/, (out) => {
    const freedom = out.split('\n').filter((l) => l.startsWith('freedom\t')).map((l) => l.split('\t')[2]);
    assert.equal(freedom.length, 10);
    // A reader of these speeches expects liberty and democracy next to freedom.
    assert.ok(freedom.includes('liberty') && freedom.includes('democracy'), freedom.join(', '));
  }],
  [/^wordspace vocab data\/us-speeches\.txt\.gz \| head/, (out) => {
    const lines = out.trimEnd().split('\n');
    assert.equal(lines.length, 10);
    assert.ok(lines.some((l) => /^the\t\d+$/.test(l)), lines.join(' | '));
  }],
  [/encode onehot/, (out) => {
    // "cat in the hat dog on the mat bird in the tree": 12 tokens × 9 words, one 1 per row.
    const [header, ...rows] = out.trimEnd().split('\n');
    assert.equal(header!.split('\t').length, 10);
    assert.equal(rows.length, 12);
    for (const row of rows) assert.equal(row.split('\t').slice(1).filter((v) => v === '1').length, 1, row);
  }],
  [/encode features fixtures\/seasons\.csv/, (out) => assert.match(out, /^🌳\t1\t1\t1\t0$/m)],
  [/\| wordspace similar - data/, (out) => {
    const rows = out.split('\n').filter((l) => l.startsWith('data\t'));
    assert.equal(rows.length, 10, out);
  }],
];

for (const line of shellLines) {
  const skip = NOT_RUN.find(([re]) => re.test(line));
  test(`README: ${line}`, skip ? { skip: skip[1] } : {}, () => {
    const r = sh(line, ON_SLICE.test(line) && !/speeches/.test(line) ? small : dir);
    assert.equal(r.code, 0, `exit ${r.code}: ${r.stderr}`);
    for (const [re, check] of EXPECT) if (re.test(line)) check(r.stdout);
    if (/-o speeches\.vec/.test(line)) afterMainJob();
  });
}

test('README: the main job comes first, so the examples after it have vectors.vec', () => {
  assert.match(shellLines[0]!, /-o speeches\.vec/);
  assert.equal(shellLines.filter((l) => NOT_RUN.some(([re]) => re.test(l))).length, 5);
});

test('README: every ```js example runs with wordspace imported by name', () => {
  const examples = blocks('js');
  assert.ok(examples.length > 0, 'the README documents the library with a runnable example');
  examples.forEach((code, k) => {
    const file = join(small, `example-${k}.mjs`);
    writeFileSync(file, code);
    const r = spawnSync(process.execPath, [file], { cwd: small, env, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    // The example prints the 5 nearest neighbours of "freedom", one "word score" line each.
    const lines = r.stdout.trimEnd().split('\n');
    assert.equal(lines.length, 5, r.stdout);
    for (const line of lines) assert.match(line, /^\S+ (0|1)\.\d{3}$/);
  });
});

test('the examples in --help run as written', async () => {
  let count = 0;
  for (const command of ['vocab', 'encode', 'similar', 'analogy', 'evaluate', 'convert', 'plot map', 'plot heatmap', 'explain', 'compare', 'phrases', 'vectors']) {
    const help = (await runCli([...command.split(' '), '--help'])).stdout;
    const examples = /\nExamples?:\n((?: {2}.*\n?)+)/.exec(help)?.[1] ?? '';
    for (const raw of examples.split('\n')) {
      const line = raw.trim();
      if (line === '') continue;
      count++;
      const r = sh(line);
      assert.equal(r.code, 0, `${command} --help: ${line}: exit ${r.code}: ${r.stderr}`);
    }
  }
  assert.ok(count >= 5, `${count} examples found in --help`);
});

test('the README and --help point only at files a user has', async () => {
  const sources = ['src', 'scripts', 'bench', 'docs', 'fixtures', 'assembly'].flatMap((d) => (readdirSync(join(root, d), { recursive: true }) as string[]).map((p) => `${d}/${p}`));
  const texts: [string, string][] = [['README.md', readme]];
  for (const command of ['', 'vocab', 'encode', 'similar', 'analogy', 'evaluate', 'convert', 'plot map', 'plot heatmap', 'explain', 'compare', 'phrases', 'vectors', 'merge', 'prepare']) {
    texts.push([`${command} --help`, (await runCli(command ? [...command.split(' '), '--help'] : ['--help'])).stdout]);
  }
  for (const [where, text] of texts) {
    assert.doesNotMatch(text, /\.\.\/shared|\/work\//, `${where} points outside the repository`);
    // Markdown links and file names with an extension a document has.
    const named = [...text.matchAll(/\]\(([^)#\s]+)\)/g)].map((m) => m[1]!)
      .concat([...text.matchAll(/(?<![\w./-])((?:[\w-]+\/)*[\w.-]+\.(?:md|py|ts|mjs|sh))\b/g)].map((m) => m[1]!));
    for (const path of named) {
      if (/^https?:/.test(path)) continue;
      const found = existsSync(join(root, path)) || sources.some((p) => p === path || p.endsWith(`/${path}`));
      assert.ok(found, `${where} names ${path}, which is not in the repository`);
    }
  }
});

test('an empty standard input at the end of a pipe hints that the command before it failed', async () => {
  const r = await runCli(['similar', '-', 'data'], '');
  assert.equal(r.code, 1);
  assert.equal(r.stderr, 'wordspace: standard input is empty (did the command before the pipe fail?)\n');
});
