/**
 * Query benchmark: `similar` on word2vec text and binary files and `evaluate` (all shipped sets),
 * timed as whole processes and in-process (from the command's start to its output, without Node's
 * and the CLI's start-up), beside gensim's load_word2vec_format + most_similar in the same run.
 *
 *   npm run build && node dist/bench/query.js --vectors V.txt [--bin V.bin] [--word freedom] [--repeat 3] [--against DIR]
 *
 * --against DIR times another build of wordspace too (DIR holds its bin/ and dist/, e.g. a copy of
 * main's), in the same rounds, interleaved with ours: the "before" column of a change.
 *
 * V.bin defaults to V.txt converted with `wordspace convert` into a temporary directory. Each figure
 * is the best of --repeat runs (the machines are shared: compare ratios). gensim is skipped, and the
 * table says so, when /usr/bin/python3 cannot import it.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ratioText, writeRows, type TargetRow } from './rows.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const WORDSPACE = join(ROOT, 'bin', 'wordspace');
const MAIN = join(ROOT, 'dist', 'src', 'cli', 'main.js');
const PYTHON = '/usr/bin/python3';

/** The targets (issue 8), whole process, seconds. */
const TARGETS: Record<string, number> = { 'similar text': 0.5, 'similar bin': 0.2, evaluate: 1.5 };

/** Time one command in this process: import the CLI first (not timed), then time run(argv). */
const IN_PROCESS = `
const { run } = await import(process.argv[1]);
const { Writable, Readable } = await import('node:stream');
const sink = () => new Writable({ write(_c, _e, cb) { cb(); } });
const io = { stdin: Readable.from([]), stdout: sink(), stderr: sink(), env: {} };
const t = performance.now();
const code = await run(JSON.parse(process.argv[2]), io);
process.stdout.write(String((performance.now() - t) / 1000));
process.exitCode = code;
`;

const GENSIM = `
import sys, time
t0 = time.perf_counter()
from gensim.models import KeyedVectors
t1 = time.perf_counter()
kv = KeyedVectors.load_word2vec_format(sys.argv[1], binary=sys.argv[2] == 'bin')
kv.most_similar(sys.argv[3], topn=10)
t2 = time.perf_counter()
print(t2 - t1)
`;

function seconds(command: string, args: string[]): { wall: number; inner?: number } {
  const started = performance.now();
  const r = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 1 << 26 });
  const wall = (performance.now() - started) / 1000;
  if (r.status !== 0) throw new Error(`${command} ${args.join(' ')} failed: ${(r.stderr || r.error?.message || '').trim().split('\n').pop()}`);
  const inner = Number(r.stdout.trim().split('\n').pop());
  return Number.isFinite(inner) && r.stdout.trim() !== '' ? { wall, inner } : { wall };
}

function best(repeat: number, measure: () => { wall: number; inner?: number }): { wall: number; inner?: number } {
  let out: { wall: number; inner?: number } | undefined;
  for (let i = 0; i < repeat; i++) {
    const m = measure();
    if (!out || m.wall < out.wall) out = { ...m, inner: Math.min(m.inner ?? Infinity, out?.inner ?? Infinity) };
    else if (m.inner !== undefined) out.inner = Math.min(out.inner ?? Infinity, m.inner);
  }
  return out!;
}

function main(): void {
  const { values } = parseArgs({
    options: { vectors: { type: 'string' }, bin: { type: 'string' }, word: { type: 'string', default: 'freedom' }, repeat: { type: 'string', default: '3' }, json: { type: 'string' }, against: { type: 'string' } },
  });
  if (!values.vectors) throw new Error('give --vectors FILE (word2vec text)');
  const repeat = Math.max(1, Number(values.repeat));
  const word = values.word!;
  const tmp = mkdtempSync(join(tmpdir(), 'wordspace-query-bench-'));
  try {
    let bin = values.bin;
    if (!bin) {
      bin = join(tmp, 'vectors.bin');
      seconds(process.execPath, [WORDSPACE, 'convert', values.vectors, bin]);
    }
    const gensim = spawnSync(PYTHON, ['-c', 'import gensim'], { encoding: 'utf8' }).status === 0;
    const against = values.against ? join(values.against, 'bin', 'wordspace') : undefined;
    const rows: string[][] = [['job', 'wordspace s', ...(against ? ['before s'] : []), 'in-process s', 'gensim s (load+query)', 'gensim process s', 'ratio (gensim/ours)', 'target', 'pass']];
    const jobs: { name: string; argv: string[]; file?: string; kind?: string }[] = [
      { name: 'similar text', argv: ['similar', values.vectors, word], file: values.vectors, kind: 'text' },
      { name: 'similar bin', argv: ['similar', bin, word], file: bin, kind: 'bin' },
      { name: 'evaluate', argv: ['evaluate', values.vectors] },
    ];
    const targetRows: TargetRow[] = [];
    /** A bare `node -e 0`, timed in the same rounds: what no command can go below. */
    let nodeBare = Infinity;
    for (const job of jobs) {
      // With --against, each round runs ours then the other build, so both see the same load.
      let before: { wall: number } | undefined;
      const ours = best(repeat, () => {
        const bare = seconds(process.execPath, ['-e', '0']).wall;
        nodeBare = Math.min(nodeBare, bare);
        const m = seconds(process.execPath, [WORDSPACE, ...job.argv]);
        if (against) {
          const o = seconds(process.execPath, [against, ...job.argv]);
          if (!before || o.wall < before.wall) before = o;
        }
        return m;
      });
      const inner = best(repeat, () => seconds(process.execPath, ['--input-type=module', '-e', IN_PROCESS, MAIN, JSON.stringify(job.argv)]));
      let peer = '-';
      let peerWall = '-';
      let ratio = '-';
      if (job.file && gensim) {
        const g = best(repeat, () => seconds(PYTHON, ['-c', GENSIM, job.file!, job.kind!, word]));
        peer = g.inner!.toFixed(3);
        peerWall = g.wall.toFixed(3);
        ratio = `${(g.wall / ours.wall).toFixed(2)}×`;
      } else if (job.file) peer = 'gensim not importable';
      const target = TARGETS[job.name]!;
      rows.push([job.name, ours.wall.toFixed(3), ...(before ? [before.wall.toFixed(3)] : []), inner.inner!.toFixed(3), peer, peerWall, ratio, `< ${target}`, ours.wall < target ? 'pass' : 'miss']);
      targetRows.push({
        job: `${job.argv[0]} (${job.name === 'evaluate' ? 'every bundled set' : job.kind === 'bin' ? 'word2vec .bin' : 'word2vec text'}), whole process`,
        ours: `${ours.wall.toFixed(3)} s`,
        reference: peerWall === '-' ? '–' : `gensim ${peerWall} s`,
        ratio: peerWall === '-' ? '–' : ratioText(ours.wall / Number(peerWall)),
        target: `< ${target} s`,
        pass: ours.wall < target,
      });
    }
    const widths = rows[0]!.map((_, k) => Math.max(...rows.map((r) => r[k]!.length)));
    for (const r of rows) console.log(r.map((cell, k) => cell.padEnd(widths[k]!)).join('  '));
    writeRows(values.json, targetRows);
    console.log(`node -e 0: ${nodeBare.toFixed(3)} s (same rounds)`);
    console.log(`node ${process.version}, ${existsSync('/proc/cpuinfo') ? spawnSync('nproc', { encoding: 'utf8' }).stdout.trim() : '?'} cores, best of ${repeat}`);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

main();
