/**
 * `npm run bench`: every speed and quality target of issue 8 (and the fastText rows of issue 9),
 * each measured side by side with its reference in one run, in one table: our figure, the reference,
 * the ratio, the target, pass or miss. The parts are the other benches, run as child processes with
 * `--json`:
 *
 *   neural    bench/run.ts: sgns and cbow (5 epochs) and sgns (1 epoch) against gensim, --seeds
 *             seeds each, quality scored on every seed (and `fasttext` against the fastText CLI
 *             with --fasttext);
 *   counting  bench/counting.ts: cooc counting, PPMI-SVD and the autoencoder against
 *             cooc_reference.py (the numpy/scipy recipe), --repeats times (default 3: each row is
 *             the median ratio of its repeats, as one process's time swings by ±25% on this host);
 *   startup   bench/startup.ts: `wordspace --version` against `node -e 0`;
 *   query     bench/query.ts: `similar` (text and .bin) and `evaluate` on the sgns vectors trained
 *             by the neural part (or --vectors), against gensim's load + most_similar.
 *
 *   npm run bench -- [--corpus FILE] [--seeds 3] [--repeats 3] [--parts neural,counting,startup,query]
 *                    [--fasttext] [--vectors V.txt] [--out DIR]
 *
 * The corpus is the dev corpus (pre-tokenized English, ~3.8M tokens) when it is found next to the
 * repository, else give --corpus. The table is printed as Markdown with the date, `node --version`
 * and `nproc`, ready to paste into the README.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { markdownRows, type TargetRow } from './rows.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BENCH = join(ROOT, 'dist', 'bench');
const DEV_CORPUS = resolve(ROOT, '..', 'shared', 'data', 'corpora', 'en-mix.tok.txt.gz');
const PARTS = ['neural', 'counting', 'startup', 'query'] as const;
type Part = (typeof PARTS)[number];

const { values } = parseArgs({
  options: {
    corpus: { type: 'string' },
    seeds: { type: 'string', default: '3' },
    repeats: { type: 'string', default: '3' },
    parts: { type: 'string', default: PARTS.join(',') },
    fasttext: { type: 'boolean', default: false },
    vectors: { type: 'string' },
    out: { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (values.help) {
  console.log('usage: npm run bench -- [--corpus FILE] [--seeds 3] [--repeats 3] [--parts neural,counting,startup,query] [--fasttext] [--vectors V.txt] [--out DIR]');
  process.exit(0);
}
const parts = values.parts!.split(',').map((p) => p.trim()) as Part[];
const unknown = parts.filter((p) => !PARTS.includes(p));
if (unknown.length > 0) {
  console.error(`unknown part(s): ${unknown.join(', ')} (known: ${PARTS.join(', ')})`);
  process.exit(2);
}
const corpus = values.corpus ? resolve(values.corpus) : DEV_CORPUS;
if ((parts.includes('neural') || parts.includes('counting')) && !existsSync(corpus)) {
  console.error(`no corpus at ${corpus} (give --corpus FILE: pre-tokenized text, one sentence per line, .gz is fine)`);
  process.exit(2);
}
const dir = values.out ? resolve(values.out) : mkdtempSync(join(tmpdir(), 'wordspace-targets-'));
mkdirSync(dir, { recursive: true });
console.error(`output in ${dir}`);

const rows: TargetRow[] = [];
const failures: string[] = [];

/** Run one part (its progress on our stderr, its table on our stdout) and collect its rows. */
function part(name: string, script: string, args: string[]): void {
  const json = join(dir, `${name}.json`);
  console.error(`\n== ${name}: node ${script} ${args.join(' ')}`);
  const r = spawnSync(process.execPath, [join(BENCH, script), ...args, '--json', json], { stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.status !== 0 || !existsSync(json)) {
    failures.push(`${name}: exit ${r.status ?? r.signal}`);
    return;
  }
  rows.push(...(JSON.parse(readFileSync(json, 'utf8')) as TargetRow[]));
}

const neuralDir = join(dir, 'neural');
if (parts.includes('neural')) {
  const methods = ['sgns', 'gensim-sg', 'cbow', 'gensim-cbow', 'sgns-1ep', 'gensim-sg-1ep', ...(values.fasttext ? ['fasttext', 'fasttext-sub'] : [])];
  part('neural', 'run.js', ['--corpus', corpus, '--methods', methods.join(','), '--seeds', values.seeds!, '--out', neuralDir, '--keep']);
}
if (parts.includes('counting')) part('counting', 'counting.js', ['--corpus', corpus, '--repeats', values.repeats!]);
if (parts.includes('startup')) part('startup', 'startup.js', []);
if (parts.includes('query')) {
  const vectors = values.vectors ? resolve(values.vectors) : join(neuralDir, 'sgns-seed1.txt');
  if (existsSync(vectors)) part('query', 'query.js', ['--vectors', vectors]);
  else failures.push(`query: no vectors at ${vectors} (run the neural part, or give --vectors V.txt)`);
}

const nproc = availableParallelism();
const date = new Date().toISOString().slice(0, 10);
console.log(`\n## Targets, measured ${date} — node ${process.version}, nproc ${nproc}, corpus ${corpus.split('/').pop()}, ${values.seeds} seed(s), counting ${values.repeats} repeat(s)\n`);
console.log(markdownRows(rows));
const passed = rows.filter((r) => r.pass === true).length;
console.log(`\n${passed} of ${rows.length} targets pass${failures.length > 0 ? `; parts that failed: ${failures.join('; ')}` : ''}.`);
if (failures.length > 0) process.exitCode = 1;
