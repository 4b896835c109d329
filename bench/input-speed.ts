/**
 * Input speed (issue 7 §1): `wordspace vocab FILE -o v.txt` against `wc -w FILE`, timed in the same
 * run on the same (decompressed) file — the machines are shared, so the ratio is the figure.
 *
 *   npm run build && node dist/bench/input-speed.js --file F [--file G …] [--kind english|accented|chinese]
 *                     [--tokenizers whitespace,word] [--repeat 3] [--before OTHER/bin/wordspace]
 *
 * Each command runs `--repeat` times and the fastest wall time counts (both for wc and for us).
 * `--before` names another build's bin/wordspace (a copy of the tree before a change): it is timed
 * in the same rounds, interleaved with wc and ours, and its row printed above ours.
 * Targets: whitespace ≥ 100 MB/s and ≥ 0.5 × wc -w; word ≥ 50 MB/s on English, ≥ 25 MB/s on text
 * with accents/Cyrillic/Greek, ≥ 15 MB/s on Chinese (--kind picks the word target).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    file: { type: 'string', multiple: true },
    kind: { type: 'string', default: 'english' },
    tokenizers: { type: 'string', default: 'whitespace,word' },
    repeat: { type: 'string', default: '3' },
    before: { type: 'string' },
  },
});
const files = values.file ?? [];
if (files.length === 0) {
  process.stderr.write('usage: node dist/bench/input-speed.js --file F [--kind english|accented|chinese] [--tokenizers whitespace,word] [--repeat 3]\n');
  process.exit(2);
}
const repeat = Math.max(1, Number(values.repeat));
const WORD_TARGET: Record<string, number> = { english: 50, accented: 25, chinese: 15 };
const bin = resolve(new URL('../../bin/wordspace', import.meta.url).pathname);
const out = mkdtempSync(join(tmpdir(), 'wordspace-input-speed-'));

/** Wall seconds of each command, the fastest of `repeat` rounds, the commands interleaved within a round. */
function best(commands: [string, string[]][]): number[] {
  const fastest = commands.map(() => Infinity);
  for (let i = 0; i < repeat; i++) {
    commands.forEach(([cmd, args], c) => {
      const start = process.hrtime.bigint();
      const r = spawnSync(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr.toString().trim()}`);
      fastest[c] = Math.min(fastest[c]!, seconds);
    });
  }
  return fastest;
}

const builds: [string, string][] = values.before ? [['before', resolve(values.before)], ['', bin]] : [['', bin]];
const rows: string[][] = [['file', 'MB', 'job', 's', 'MB/s', 'wc -w MB/s', 'ratio', 'target', 'result']];
for (const file of files) {
  const mb = statSync(file).size / 1e6;
  for (const tokenizer of values.tokenizers.split(',')) {
    const times = best([['wc', ['-w', file]], ...builds.map(([, b]): [string, string[]] => [process.execPath, [b, 'vocab', file, '-o', join(out, 'v.txt'), '-q', '--tokenizer', tokenizer]])]);
    const wc = times[0]!;
    builds.forEach(([label], k) => {
      const ours = times[k + 1]!;
      const rate = mb / ours;
      const wcRate = mb / wc;
      const ratio = wc / ours;
      const target = tokenizer === 'whitespace' ? 100 : (WORD_TARGET[values.kind] ?? 50);
      const pass = tokenizer === 'whitespace' ? rate >= target && ratio >= 0.5 : rate >= target;
      const targetText = tokenizer === 'whitespace' ? `≥${target} MB/s, ≥0.5×` : `≥${target} MB/s`;
      const job = `vocab --tokenizer ${tokenizer}${label ? ` (${label})` : ''}`;
      rows.push([file.split('/').pop()!, mb.toFixed(1), job, ours.toFixed(2), rate.toFixed(1), wcRate.toFixed(0), ratio.toFixed(2), targetText, pass ? 'pass' : 'miss']);
    });
  }
}
rmSync(out, { recursive: true, force: true });
const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
for (const row of rows) process.stdout.write(`| ${row.map((cell, c) => cell.padEnd(widths[c]!)).join(' | ')} |\n`);
