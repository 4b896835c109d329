/**
 * Output safety (issue 6, items 1–4 and 13): a full disk, an output that is also an input, special
 * and read-only targets, signals, binary on a terminal and unknown extensions. Nothing is lost,
 * nothing surprising.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import {
  chmodSync,
  closeSync,
  existsSync,
  linkSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { Sink, withOutput } from '../src/io/output.js';
import { BIN, runCli, spawnCli } from './helpers/cli.js';

const fixture = (name: string): string => new URL(`../../fixtures/${name}`, import.meta.url).pathname;
const root = mkdtempSync(join(tmpdir(), 'wordspace-output-'));
let dirs = 0;
/** A fresh directory per test, so that "no temporary file left" can be checked exactly. */
const freshDir = (): string => {
  const dir = join(root, `t${dirs++}`);
  mkdirSync(dir);
  return dir;
};
const SEED = readFileSync(fixture('seed.txt'), 'utf8');
const temporaries = (dir: string): string[] => readdirSync(dir).filter((f) => f.endsWith('.tmp'));

function assertOneLineError(stderr: string, pattern: RegExp): void {
  const lines = stderr.trimEnd().split('\n');
  assert.equal(lines.length, 1, `expected one line, got: ${stderr}`);
  assert.match(lines[0]!, /^wordspace: /);
  assert.match(lines[0]!, pattern);
}

/** What `encode cooc seed.txt` writes to standard output in a format: the reference for file outputs. */
async function expected(format: string): Promise<Buffer> {
  const r = await runCli(['encode', 'cooc', fixture('seed.txt'), '-f', format, '-q']);
  assert.equal(r.code, 0, r.stderr);
  return r.stdoutBytes;
}

// ── 1. Full disk ──────────────────────────────────────────────────────────────────────────────

/** A failing stream, as a full disk makes one: every write calls back with ENOSPC. */
class FullDisk extends Writable {
  override _write(_chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    const err = Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', syscall: 'write' });
    setImmediate(() => callback(err));
  }
}

test('full disk (injected): a write error of a small output is not lost', async () => {
  const sink = new Sink(new FullDisk());
  await sink.write('cat 0.1 0.2\n');
  await assert.rejects(sink.flush(), /ENOSPC/);
  await assert.rejects(
    withOutput('-', new FullDisk(), async (s) => {
      await s.write('2 2\ncat 0.1 0.2\n');
    }),
    /^InputError: cannot write standard output: no space left on the device$/,
  );
});

test('full disk (a character device like /dev/full): exit 1, one line', async (t) => {
  const dir = freshDir();
  const full = join(dir, 'full');
  if (spawnSync('mknod', [full, 'c', '1', '7']).status !== 0) {
    t.skip('mknod is not permitted here (needs root); the tmpfs test and the injected stream cover the rest');
    return;
  }
  const r = await runCli(['encode', 'cooc', fixture('seed.txt'), '-o', full, '-f', 'text', '-q']);
  assert.equal(r.code, 1);
  assertOneLineError(r.stderr, new RegExp(`cannot write ${full}: no space left on the device$`));
  assert.ok(lstatSync(full).isCharacterDevice(), 'the device is still a device');
  assert.equal(existsSync(`${full}.meta.json`), false);
});

/** Mount a tiny tmpfs and fill it to the last byte; undefined when mounting is not permitted. */
function fullFileSystem(dir: string): (() => void) | undefined {
  if (spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', dir]).status !== 0) return undefined;
  writeFileSync(join(dir, 'out.vec'), 'old vectors\n');
  writeFileSync(join(dir, 'out.vec.meta.json'), 'old meta\n');
  writeFileSync(join(dir, 'in.json'), '{"rows": ["cat"], "columns": null, "data": [[0.5, 0.25]]}\n');
  const fd = openSync(join(dir, 'filler'), 'w');
  for (const size of [4096, 1]) {
    const block = Buffer.alloc(size);
    try {
      for (;;) writeSync(fd, block);
    } catch {
      // full at this granularity
    }
  }
  closeSync(fd);
  return () => spawnSync('umount', [dir]);
}

test('full disk (a full tmpfs): exit 1, one line, old output and side file untouched, no temporary file', async (t) => {
  const dir = freshDir();
  const unmount = fullFileSystem(dir);
  if (!unmount) {
    t.skip('cannot mount a tmpfs here (needs root); the injected-stream test covers the write path');
    return;
  }
  try {
    const out = join(dir, 'out.vec');
    for (const argv of [
      ['encode', 'cooc', fixture('seed.txt'), '-o', out, '-q'],
      ['convert', join(dir, 'in.json'), out],
    ]) {
      const r = await runCli(argv);
      assert.equal(r.code, 1, `${argv[0]}: ${r.stderr}`);
      assertOneLineError(r.stderr, new RegExp(`cannot write ${out}(\\.meta\\.json)?: no space left on the device$`));
      assert.equal(readFileSync(out, 'utf8'), 'old vectors\n');
      assert.equal(readFileSync(`${out}.meta.json`, 'utf8'), 'old meta\n');
      assert.deepEqual(temporaries(dir), []);
    }
  } finally {
    unmount();
  }
});

// ── 2. Output = input ─────────────────────────────────────────────────────────────────────────

test('output = input: refused before reading (exit 2), whatever the spelling, link or option', async () => {
  const dir = freshDir();
  const corpus = join(dir, 'corpus.txt');
  writeFileSync(corpus, SEED);
  linkSync(corpus, join(dir, 'hard.txt'));
  symlinkSync('corpus.txt', join(dir, 'soft.txt'));
  const vocab = join(dir, 'vocab.txt');
  writeFileSync(vocab, 'cat\ndog\n');
  writeFileSync(join(dir, 'v.vec'), '1 2\ncat 0.5 0.25\n');
  // A matrix that is the side file of the output: writing v2.vec would write over it.
  writeFileSync(join(dir, 'v2.vec.meta.json'), '{"rows": ["cat"], "columns": null, "data": [[0.5, 0.25]]}\n');
  const cases: string[][] = [
    ['encode', 'cooc', corpus, '-o', corpus, '-f', 'text', '-q'],
    ['encode', 'cooc', corpus, '-o', `${dir}/../${basename(dir)}/./corpus.txt`, '-f', 'text', '-q'],
    ['encode', 'cooc', corpus, '-o', join(dir, 'hard.txt'), '-q'],
    ['encode', 'cooc', corpus, '-o', join(dir, 'soft.txt'), '-q'],
    ['encode', 'cooc', corpus, '--vocab', vocab, '-o', vocab, '-q'],
    ['vocab', corpus, '-o', corpus, '-q'],
    ['vocab', corpus, '-o', `${dir}/./corpus.txt`, '-q'],
    ['vocab', corpus, '--vocab', vocab, '-o', vocab, '-q'],
    ['convert', join(dir, 'v.vec'), join(dir, 'v.vec')],
    ['convert', join(dir, 'v2.vec.meta.json'), join(dir, 'v2.vec'), '--from', 'json'],
  ];
  for (const argv of cases) {
    const r = await runCli(argv);
    assert.equal(r.code, 2, `${argv.join(' ')}: ${r.stderr}`);
    assertOneLineError(r.stderr, /refusing to write .*: it is an input/);
  }
  assert.equal(readFileSync(corpus, 'utf8'), SEED);
  assert.equal(readFileSync(vocab, 'utf8'), 'cat\ndog\n');
  assert.equal(readFileSync(join(dir, 'v.vec'), 'utf8'), '1 2\ncat 0.5 0.25\n');
  assert.match(readFileSync(join(dir, 'v2.vec.meta.json'), 'utf8'), /"rows"/);
  assert.equal(existsSync(join(dir, 'v2.vec')), false);
  assert.deepEqual(temporaries(dir), []);
});

// ── 3. Special and read-only targets ──────────────────────────────────────────────────────────

test('a FIFO is written through (as >), stays a FIFO, gets no side file', async () => {
  const dir = freshDir();
  const fifo = join(dir, 'pipe');
  assert.equal(spawnSync('mkfifo', [fifo]).status, 0);
  const reader = spawn('cat', [fifo], { stdio: ['ignore', 'pipe', 'ignore'] });
  const chunks: Buffer[] = [];
  reader.stdout.on('data', (c: Buffer) => chunks.push(c));
  const closed = new Promise<void>((done) => reader.on('close', () => done()));
  const r = await runCli(['encode', 'cooc', fixture('seed.txt'), '-o', fifo, '-f', 'text', '-q']);
  const stillFifo = lstatSync(fifo).isFIFO();
  if (!stillFifo) reader.kill(); // the FIFO was replaced: cat would wait forever
  await closed;
  assert.equal(r.code, 0, r.stderr);
  assert.ok(stillFifo, 'the FIFO was replaced by a file');
  assert.deepEqual(Buffer.concat(chunks), await expected('text'));
  assert.deepEqual(readdirSync(dir), ['pipe']);
});

test('a character device (a private /dev/null) is written through, not replaced', async (t) => {
  const dir = freshDir();
  const nul = join(dir, 'null');
  if (spawnSync('mknod', [nul, 'c', '1', '3']).status !== 0) {
    t.skip('mknod is not permitted here (needs root)');
    return;
  }
  for (const argv of [
    ['encode', 'cooc', fixture('seed.txt'), '-o', nul, '-q'],
    ['vocab', fixture('seed.txt'), '-o', nul, '-q'],
    ['convert', fixture('formats/tiny.json'), nul, '--to', 'text'],
  ]) {
    const r = await runCli(argv);
    assert.equal(r.code, 0, `${argv[0]}: ${r.stderr}`);
  }
  assert.ok(lstatSync(nul).isCharacterDevice());
  assert.deepEqual(readdirSync(dir), ['null']);
});

test('/dev/fd/N and /dev/stdout (what >(…) hands over) are written through to the descriptor', async () => {
  const dir = freshDir();
  for (const [path, stream] of [
    ['/dev/fd/1', 'stdout'],
    ['/dev/stdout', 'stdout'],
    ['/dev/fd/2', 'stderr'],
  ] as const) {
    const r = await spawnCli(['encode', 'cooc', fixture('seed.txt'), '-o', path, '-f', 'text', '-q'], undefined, { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(stream === 'stdout' ? r.stdoutBytes : Buffer.from(r.stderr), await expected('text'));
    assert.deepEqual(readdirSync(dir), []);
  }
});

test('a symlink to a file: the target is replaced atomically and the link kept', async () => {
  const dir = freshDir();
  mkdirSync(join(dir, 'real'));
  const target = join(dir, 'real', 'vectors.vec');
  writeFileSync(target, 'old\n');
  const link = join(dir, 'link.vec');
  symlinkSync(join('real', 'vectors.vec'), link);
  const r = await runCli(['encode', 'cooc', fixture('seed.txt'), '-o', link, '-q']);
  assert.equal(r.code, 0, r.stderr);
  assert.ok(lstatSync(link).isSymbolicLink(), 'the link was replaced');
  assert.deepEqual(readFileSync(target), await expected('text'));
  assert.equal(JSON.parse(readFileSync(`${link}.meta.json`, 'utf8')).method, 'cooc');
  assert.deepEqual(temporaries(dir), []);
  assert.deepEqual(temporaries(join(dir, 'real')), []);
});

test('the mode of a replaced file is kept', async () => {
  const dir = freshDir();
  const out = join(dir, 'out.tsv');
  writeFileSync(out, 'old\n');
  chmodSync(out, 0o600);
  const r = await runCli(['encode', 'cooc', fixture('seed.txt'), '-o', out, '-q']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(statSync(out).mode & 0o777, 0o600);
  assert.deepEqual(readFileSync(out), await expected('tsv'));
});

test('a read-only file is refused (one line, untouched) unless --force, which keeps its mode', async () => {
  const dir = freshDir();
  const out = join(dir, 'out.vec');
  const vocabOut = join(dir, 'vocab.txt');
  for (const file of [out, vocabOut]) {
    writeFileSync(file, 'old\n');
    chmodSync(file, 0o444);
  }
  for (const argv of [
    ['encode', 'cooc', fixture('seed.txt'), '-o', out, '-q'],
    ['vocab', fixture('seed.txt'), '-o', vocabOut, '-q'],
    ['convert', fixture('formats/tiny.json'), out],
  ]) {
    const r = await runCli(argv);
    assert.equal(r.code, 1, `${argv[0]}: ${r.stderr}`);
    assertOneLineError(r.stderr, /cannot write .*: it is read-only \(give --force/);
  }
  assert.equal(readFileSync(out, 'utf8'), 'old\n');
  assert.equal(readFileSync(vocabOut, 'utf8'), 'old\n');
  const forced = await runCli(['encode', 'cooc', fixture('seed.txt'), '-o', out, '-q', '--force']);
  assert.equal(forced.code, 0, forced.stderr);
  assert.deepEqual(readFileSync(out), await expected('text'));
  assert.equal(statSync(out).mode & 0o777, 0o444);
  const vocab = await runCli(['vocab', fixture('seed.txt'), '-o', vocabOut, '-q', '--force']);
  assert.equal(vocab.code, 0, vocab.stderr);
  assert.match(readFileSync(vocabOut, 'utf8'), /^the 3\n/);
});

// ── 4. Signals ───────────────────────────────────────────────────────────────────────────────

/** A corpus whose one-hot jsonl output is ~20 MB: writing it takes long enough to be interrupted. */
function bigCorpus(dir: string): string {
  const words = Array.from({ length: 2000 }, (_, i) => `w${i}`);
  const lines: string[] = [];
  for (let l = 0; l < 20000; l++) lines.push(Array.from({ length: 20 }, (_, k) => words[(l * 7919 + k * 104729) % words.length]).join(' '));
  const path = join(dir, 'big.txt');
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

/** Start an encode writing into dir, wait (polling the directory) for its temporary file, send the signal. */
function interrupt(dir: string, corpus: string, signal: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null; sawTemporary: boolean }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [BIN, 'encode', 'onehot', corpus, '-o', join(dir, 'out.jsonl'), '-q'], { stdio: 'ignore' });
    let sawTemporary = false;
    const poll = setInterval(() => {
      if (!sawTemporary && temporaries(dir).length > 0) {
        sawTemporary = true;
        clearInterval(poll);
        child.kill(signal);
      }
    }, 2);
    child.on('error', fail);
    child.on('close', (code, sig) => {
      clearInterval(poll);
      done({ code, signal: sig, sawTemporary });
    });
  });
}

test('SIGTERM, SIGINT, SIGHUP while writing: temporary file removed, exit 143/130/129', async () => {
  const corpus = bigCorpus(freshDir());
  const runs = [
    ['SIGTERM', 143],
    ['SIGINT', 130],
    ['SIGHUP', 129],
  ] as const;
  const dirsUsed = runs.map(() => freshDir());
  const results = await Promise.all(runs.map(([signal], k) => interrupt(dirsUsed[k]!, corpus, signal)));
  results.forEach((result, k) => {
    const [signal, status] = runs[k]!;
    assert.ok(result.sawTemporary, `${signal}: the output was written before it could be interrupted`);
    assert.equal(result.code, status, `${signal}: exit ${result.code} (signal ${result.signal})`);
    assert.deepEqual(readdirSync(dirsUsed[k]!), [], `${signal}: files left behind`);
  });
});

// ── 13. Binary on a terminal, unknown extensions ────────────────────────────────────────────────

test('binary to a terminal is refused by encode as by convert (exit 2, nothing written)', async () => {
  const encode = await runCli(['encode', 'cooc', fixture('seed.txt'), '-f', 'binary', '-q'], undefined, { stdoutIsTTY: true });
  assert.equal(encode.code, 2);
  assertOneLineError(encode.stderr, /refusing to write binary vectors to a terminal/);
  assert.equal(encode.stdoutBytes.length, 0);
  const convert = await runCli(['convert', fixture('formats/tiny.json'), '-', '--to', 'binary'], undefined, { stdoutIsTTY: true });
  assert.equal(convert.code, 2);
  assertOneLineError(convert.stderr, /refusing to write binary vectors to a terminal/);
});

test('an unknown output extension is refused by encode as by convert, unless -f / --to', async () => {
  const dir = freshDir();
  const out = join(dir, 'out.xyz');
  const encode = await runCli(['encode', 'cooc', fixture('seed.txt'), '-o', out, '-q']);
  assert.equal(encode.code, 2);
  assertOneLineError(encode.stderr, /cannot tell the output format of .*out\.xyz \(its extension names no format\) \(give -f, one of json, jsonl, csv, tsv, text, binary, mtx, npy, projector\)/);
  const convert = await runCli(['convert', fixture('formats/tiny.json'), out]);
  assert.equal(convert.code, 2);
  assertOneLineError(convert.stderr, /cannot tell the output format of .*out\.xyz \(its extension names no format\) \(give --to/);
  assert.equal(existsSync(out), false);
  const named = await runCli(['encode', 'cooc', fixture('seed.txt'), '-o', out, '-f', 'tsv', '-q']);
  assert.equal(named.code, 0, named.stderr);
  assert.deepEqual(readFileSync(out), await expected('tsv'));
});
