/**
 * A small seeded fuzz test over the readers (issue 6): mutations of small valid files in every
 * format — byte flips, truncations, insertions, header edits, repeated and dropped lines — read by
 * `similar`, `convert` and `evaluate` in-process. Every run must end with status 0, 1 or 2; a
 * failure prints exactly one `wordspace: ` line (no stack trace, no "this looks like a bug") and
 * leaves no file behind.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { after, test } from 'node:test';
import { runCli } from './helpers/cli.js';

const fixture = (name: string): string => new URL(`../../fixtures/formats/${name}`, import.meta.url).pathname;
/** FUZZ_SEED=<n> explores other mutations; FUZZ_KEEP=<dir> keeps the inputs that fail there. */
const SEED = Number(process.env.FUZZ_SEED ?? 20261206);
const MUTATIONS = 300;

/** mulberry32: a tiny seeded generator, so a failure is reproducible from SEED and the case number. */
function generator(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Base {
  /** File name extension the mutant is written with. */
  ext: string;
  bytes: Buffer;
  /** A word the file holds (the query of `similar`). */
  word: string;
  gzip?: boolean;
}

const BASES: Base[] = [
  { ext: 'txt', bytes: readFileSync(fixture('tiny.txt')), word: 'the' },
  { ext: 'vec', bytes: readFileSync(fixture('glove.txt')), word: 'the' },
  { ext: 'bin', bytes: readFileSync(fixture('gensim.bin')), word: 'the' },
  { ext: 'csv', bytes: readFileSync(fixture('tiny.csv')), word: 'the' },
  { ext: 'tsv', bytes: readFileSync(fixture('tiny.tsv')), word: 'the' },
  { ext: 'json', bytes: readFileSync(fixture('tiny.json')), word: 'the' },
  { ext: 'jsonl', bytes: readFileSync(fixture('tiny.jsonl')), word: 'the' },
  { ext: 'jsonl', bytes: readFileSync(fixture('sparse.jsonl')), word: 'a' },
  { ext: 'mtx', bytes: readFileSync(fixture('scipy.mtx')), word: 'a' },
  { ext: 'txt.gz', bytes: readFileSync(fixture('tiny.txt')), word: 'the', gzip: true },
  { ext: 'bin.gz', bytes: readFileSync(fixture('gensim.bin')), word: 'the', gzip: true },
];

const INSERTS = ['\n', ' ', '\t', '-', '.', 'e', 'NaN', 'inf', '1e999', '99999999999', '0', 'x', ',', '"', '{', ']', '%', '\u0000', '\r', '\u00ff', '猫'];

function mutate(bytes: Buffer, random: () => number): Buffer {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
  const at = Math.floor(random() * (bytes.length + 1));
  switch (Math.floor(random() * 7)) {
    case 0: {
      // flip one byte
      const out = Buffer.from(bytes);
      if (out.length > 0) out[Math.min(at, out.length - 1)] = Math.floor(random() * 256);
      return out;
    }
    case 1:
      return bytes.subarray(0, at); // truncate
    case 2:
      return Buffer.concat([bytes.subarray(0, at), Buffer.from(pick(INSERTS)), bytes.subarray(at)]);
    case 3: {
      // header / size line edit: replace the first number in the first 200 bytes with a hostile one
      const text = bytes.toString('latin1');
      const m = /\d+/.exec(text.slice(0, 200));
      if (!m) return bytes;
      const hostile = pick(['0', '1', '999999999', '5000000000', '99999999999999999999', '-3', '2.5']);
      return Buffer.from(text.slice(0, m.index) + hostile + text.slice(m.index + m[0].length), 'latin1');
    }
    case 4: {
      // repeat a line
      const lines = bytes.toString('latin1').split('\n');
      const k = Math.floor(random() * lines.length);
      lines.splice(k, 0, lines[k]!);
      return Buffer.from(lines.join('\n'), 'latin1');
    }
    case 5: {
      // drop a line
      const lines = bytes.toString('latin1').split('\n');
      lines.splice(Math.floor(random() * lines.length), 1);
      return Buffer.from(lines.join('\n'), 'latin1');
    }
    default: {
      // a run of random bytes
      const junk = Buffer.from(Array.from({ length: 1 + Math.floor(random() * 16) }, () => Math.floor(random() * 256)));
      return Buffer.concat([bytes.subarray(0, at), junk, bytes.subarray(at)]);
    }
  }
}

const dir = mkdtempSync(join(tmpdir(), 'wordspace-fuzz-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test(`fuzz: ${MUTATIONS} seeded mutations of every format through similar, convert and evaluate`, async () => {
  const random = generator(SEED);
  const pairs = join(dir, 'pairs.txt');
  writeFileSync(pairs, 'the cat 5\nthe dog 3\ncat dog 2\n');
  const outDir = mkdtempSync(join(dir, 'out-'));
  const failures: string[] = [];
  const codes: Record<number, number> = {};
  for (let n = 0; n < MUTATIONS; n++) {
    const base = BASES[n % BASES.length]!;
    let bytes = mutate(base.bytes, random);
    if (random() < 0.3) bytes = mutate(bytes, random);
    if (base.gzip) {
      bytes = gzipSync(bytes);
      if (random() < 0.2) bytes = mutate(bytes, random); // damaged gzip
    }
    const input = join(dir, `case${n}.${base.ext}`);
    writeFileSync(input, bytes);
    const output = join(outDir, `out.${['json', 'jsonl', 'csv', 'tsv', 'txt', 'bin', 'mtx'][n % 7]}`);
    const runs: string[][] = [
      ['similar', input, base.word, '--format', 'tsv'],
      ['convert', input, output],
      ['evaluate', input, '--similarity', pairs, '--format', 'tsv'],
    ];
    for (const argv of runs) {
      const r = await runCli(argv);
      const what = `case ${n} (seed ${SEED}, ${base.ext}): wordspace ${argv.join(' ')} → ${r.code}: ${JSON.stringify(r.stderr)}`;
      if (![0, 1, 2].includes(r.code)) failures.push(`${what}: exit status`);
      if (/looks like a bug|\n\s+at /.test(r.stderr)) failures.push(`${what}: a bug or a stack trace`);
      codes[r.code] = (codes[r.code] ?? 0) + 1;
      if (r.code !== 0) {
        const lines = r.stderr.split('\n').filter((l) => l !== '');
        if (lines.length !== 1 || !lines[0]!.startsWith('wordspace: ')) failures.push(`${what}: not one "wordspace: " line`);
        if (process.env.FUZZ_KEEP && lines.length !== 1) writeFileSync(join(process.env.FUZZ_KEEP, `case${n}.${base.ext}`), bytes);
      }
      const left = readdirSync(outDir);
      if (r.code !== 0 && left.length > 0) failures.push(`${what}: left ${left.join(', ')} behind`);
      for (const f of left) rmSync(join(outDir, f), { force: true });
    }
    rmSync(input, { force: true });
  }
  assert.deepEqual(failures, []);
  // The mutations must reach both outcomes, or the test checks nothing.
  assert.ok((codes[0] ?? 0) > 50 && (codes[1] ?? 0) > 50, `exit statuses: ${JSON.stringify(codes)}`);
});
