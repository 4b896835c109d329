/**
 * Start-up (issue 8): `wordspace --version` and other one-liners against a bare `node -e 0`, timed
 * in the same run, interleaved (one round runs every command once), so that a loaded machine slows
 * both sides alike — the ratio is the figure. Target: --version ≤ 1.5 × node -e 0.
 *
 *   npm run build && node dist/bench/startup.js [--rounds 20] [--against DIR]
 *
 * --against DIR adds `--version` and `--help` of another build (DIR holds its bin/ and dist/, e.g.
 * a copy of main's) to the same interleaved rounds: the "before" rows of a change.
 *
 * Prints, per command, the median and the fastest wall time over the rounds and the ratio of each to
 * node's. `vocab` and `similar` run on a tiny corpus and its vectors (made here), so that the time is
 * start-up, not work.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ratioText, writeRows } from './rows.js';

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '20' }, json: { type: 'string' }, against: { type: 'string' } } });
const rounds = Math.max(3, Number(values.rounds));
const TARGET = 1.5;
const bin = resolve(new URL('../../bin/wordspace', import.meta.url).pathname);
const dir = mkdtempSync(join(tmpdir(), 'wordspace-startup-'));
const corpus = join(dir, 'tiny.txt');
const vectors = join(dir, 'tiny.vec');
writeFileSync(corpus, 'the cat sat on the mat\nthe dog sat on the log\n');
const made = spawnSync(process.execPath, [bin, 'encode', 'cooc', corpus, '--dim', '2', '--quiet', '-o', vectors]);
if (made.status !== 0) throw new Error(`could not make the vectors: ${made.stderr.toString()}`);

const jobs: { name: string; args: string[] }[] = [
  { name: 'node -e 0', args: ['-e', '0'] },
  { name: 'wordspace --version', args: [bin, '--version'] },
  { name: 'wordspace --help', args: [bin, '--help'] },
  { name: 'wordspace encode sgns --help', args: [bin, 'encode', 'sgns', '--help'] },
  { name: 'wordspace vocab tiny.txt', args: [bin, 'vocab', corpus, '--quiet'] },
  { name: 'wordspace similar tiny.vec cat', args: [bin, 'similar', vectors, 'cat'] },
];
if (values.against) {
  const other = resolve(values.against, 'bin', 'wordspace');
  jobs.push({ name: 'before: wordspace --version', args: [other, '--version'] }, { name: 'before: wordspace --help', args: [other, '--help'] });
}

function once(args: string[]): number {
  const start = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0) throw new Error(`node ${args.join(' ')} failed: ${r.stderr.toString()}`);
  return ms;
}

const times = jobs.map(() => [] as number[]);
for (const job of jobs) once(job.args); // warm the file cache
for (let round = 0; round < rounds; round++) jobs.forEach((job, i) => times[i]!.push(once(job.args)));
rmSync(dir, { recursive: true, force: true });

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const base = { median: median(times[0]!), min: Math.min(...times[0]!) };
process.stdout.write(`start-up, ${rounds} interleaved rounds, node ${process.version}\n`);
process.stdout.write(`${'command'.padEnd(34)}${'median ms'.padStart(10)}${'min ms'.padStart(9)}${'× node (median)'.padStart(17)}${'× node (min)'.padStart(14)}\n`);
jobs.forEach((job, i) => {
  const med = median(times[i]!);
  const min = Math.min(...times[i]!);
  const ratio = med / base.median;
  const verdict = job.name === 'wordspace --version' || job.name === 'wordspace --help' ? (ratio <= TARGET ? `  pass (≤ ${TARGET}×)` : `  miss (> ${TARGET}×)`) : '';
  process.stdout.write(`${job.name.padEnd(34)}${med.toFixed(1).padStart(10)}${min.toFixed(1).padStart(9)}${ratio.toFixed(2).padStart(17)}${(min / base.min).toFixed(2).padStart(14)}${verdict}\n`);
});
writeRows(
  values.json,
  ['--version', '--help'].map((flag, k) => {
    const ms = median(times[1 + k]!);
    return {
      job: `wordspace ${flag} (median of interleaved rounds)`,
      ours: `${ms.toFixed(0)} ms`,
      reference: `node -e 0: ${base.median.toFixed(0)} ms`,
      ratio: ratioText(ms / base.median),
      target: `≤ ${TARGET}× node -e 0`,
      pass: ms / base.median <= TARGET,
    };
  }),
);
