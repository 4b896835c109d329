/**
 * Scale (issue 7 §2): a corpus of N tokens — the English mix repeated, generated here — through
 * `vocab`, `encode cooc --window 5 --memory 2G` and one epoch of `encode sgns --memory 2G`, each
 * under /usr/bin/time -v: wall time, tokens/s, peak RSS, and whether the stage spilled. `wc -w` on
 * the same file is timed in the same run as the floor of the reading speed.
 *
 *   npm run build && node dist/bench/scale.js [--tokens 100000000] [--source F.gz] [--corpus F]
 *                    [--memory 2G] [--stages vocab,cooc,sgns] [--keep]
 *
 * Target: peak RSS under 2 GB (2,000 MB) in every stage, at 1B tokens. The generated corpus is
 * written to a temporary directory (5.7 GB for 1B tokens) and removed unless --keep.
 */
import { spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { gunzipSync } from 'node:zlib';

const { values } = parseArgs({
  options: {
    tokens: { type: 'string', default: '100000000' },
    source: { type: 'string', default: resolve('../shared/data/corpora/en-mix.tok.txt.gz') },
    corpus: { type: 'string' },
    memory: { type: 'string', default: '2G' },
    stages: { type: 'string', default: 'vocab,cooc,sgns' },
    keep: { type: 'boolean', default: false },
  },
});
const TIME = '/usr/bin/time';
const RSS_TARGET_MB = 2000;
const bin = resolve(new URL('../../bin/wordspace', import.meta.url).pathname);
const work = mkdtempSync(join(tmpdir(), 'wordspace-scale-'));

/** Repeat the source until it has at least `tokens` whitespace tokens. */
async function generate(tokens: number): Promise<{ path: string; tokens: number }> {
  const raw = readFileSync(values.source);
  const text = values.source.endsWith('.gz') ? gunzipSync(raw) : raw;
  const perCopy = text.toString('latin1').split(/\s+/).filter((t) => t !== '').length;
  const copies = Math.ceil(tokens / perCopy);
  const path = join(work, 'corpus.txt');
  const out = createWriteStream(path);
  for (let i = 0; i < copies; i++) if (!out.write(text)) await new Promise<void>((r) => out.once('drain', () => r()));
  await new Promise<void>((done, fail) => out.end((err?: Error | null) => (err ? fail(err) : done())));
  return { path, tokens: copies * perCopy };
}

interface Stage {
  seconds: number;
  rssMB: number;
  stderr: string;
}

function timed(cmd: string, args: string[]): Stage {
  const timeFile = join(work, 'time.txt');
  const started = performance.now();
  const r = spawnSync(TIME, ['-v', '-o', timeFile, cmd, ...args], { stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 1 << 24 });
  const seconds = (performance.now() - started) / 1000;
  const stderr = r.stderr.toString();
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${stderr.trim().split('\n').pop()}`);
  const m = /Maximum resident set size \(kbytes\): (\d+)/.exec(readFileSync(timeFile, 'utf8'));
  return { seconds, rssMB: m ? (Number(m[1]) * 1024) / 1e6 : NaN, stderr };
}

async function main(): Promise<void> {
  if (!existsSync(TIME)) throw new Error(`${TIME} is needed for peak RSS (Debian package time)`);
  const corpus = values.corpus ? { path: values.corpus, tokens: Number(spawnSync('wc', ['-w', values.corpus]).stdout.toString().trim().split(/\s+/)[0]) } : await generate(Number(values.tokens));
  const mb = statSync(corpus.path).size / 1e6;
  process.stderr.write(`corpus: ${corpus.path}, ${corpus.tokens.toLocaleString('en-US')} tokens, ${mb.toFixed(0)} MB\n`);
  const memory = values.memory;
  const rows: string[][] = [['stage', 's', 'tokens/s', 'MB/s', 'peak RSS MB', 'spilled', 'target', 'result']];
  const wc = timed('wc', ['-w', corpus.path]);
  rows.push(['wc -w (floor)', wc.seconds.toFixed(1), Math.round(corpus.tokens / wc.seconds).toLocaleString('en-US'), (mb / wc.seconds).toFixed(0), wc.rssMB.toFixed(0), '', '', '']);
  const jobs: Record<string, string[]> = {
    vocab: ['vocab', corpus.path, '--tokenizer', 'whitespace', '--memory', memory, '-o', join(work, 'vocab.txt')],
    cooc: ['encode', 'cooc', corpus.path, '--tokenizer', 'whitespace', '--window', '5', '--memory', memory, '-f', 'mtx', '-o', join(work, 'cooc.mtx')],
    sgns: ['encode', 'sgns', corpus.path, '--tokenizer', 'whitespace', '--epochs', '1', '--memory', memory, '-o', join(work, 'sgns.vec')],
  };
  for (const stage of values.stages.split(',')) {
    const args = jobs[stage];
    if (!args) throw new Error(`unknown stage ${stage} (vocab, cooc, sgns)`);
    process.stderr.write(`${stage}: wordspace ${args.join(' ')}\n`);
    const r = timed(process.execPath, [bin, ...args]);
    const spilled = [/token stream .* spilled/.test(r.stderr) ? 'tokens' : '', /co-occurrence counts over the memory budget: (\d+) sorted run/.exec(r.stderr)?.[1] ? 'pairs' : '', /rare types pruned/.test(r.stderr) ? 'types pruned' : '']
      .filter((s) => s !== '')
      .join(', ');
    const pass = r.rssMB < RSS_TARGET_MB;
    rows.push([`${stage} --memory ${memory}`, r.seconds.toFixed(1), Math.round(corpus.tokens / r.seconds).toLocaleString('en-US'), (mb / r.seconds).toFixed(0), r.rssMB.toFixed(0), spilled || 'no', `RSS < ${RSS_TARGET_MB}`, pass ? 'pass' : 'miss']);
    process.stderr.write(`${r.stderr.trim().split('\n').filter((l) => l.startsWith('wordspace:')).join('\n')}\n`);
  }
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((row) => row[c]!.length)));
  for (const row of rows) process.stdout.write(`${row.map((cell, c) => cell.padEnd(widths[c]!)).join('  ')}\n`);
  process.stdout.write(`\n${new Date().toISOString().slice(0, 10)}, Node ${process.version}, ${corpus.tokens.toLocaleString('en-US')} tokens (${mb.toFixed(0)} MB)\n`);
}

main()
  .catch((err: unknown) => {
    process.stderr.write(`bench/scale: ${(err as Error).message}\n`);
    process.exitCode = 1;
  })
  .finally(() => {
    if (!values.keep) rmSync(work, { recursive: true, force: true });
    else process.stderr.write(`kept ${work}\n`);
  });
