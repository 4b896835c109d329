import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { buildCorpus, type Corpus, type CorpusOptions } from '../src/corpus/corpus.js';
import { RangeControl, readCorpus, type FastReadOptions } from '../src/corpus/fast-count.js';
import { readCorpusLines, type DocUnit, type InputOptions } from '../src/io/input.js';
import { LineScanner, TokenTable } from '../src/text/scan.js';
import { runCli } from './helpers/cli.js';
import { resolveSegmenter } from '../src/text/segment.js';
import { makeLinesTokenizer, makeTokenizer, type TokenizerName } from '../src/text/tokenize.js';
import { Random } from '../src/core/random.js';
import { flatten } from './helpers/stream.js';

// The byte reader must give exactly what buildCorpus gives over readCorpusLines (the reference).
const dir = mkdtempSync(join(tmpdir(), 'wordspace-fast-'));
function file(name: string, content: string | Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

const english =
  "The cat's hat, the CAT! Don't stop: the U.S. economy's 3.5% growth.\n" +
  'new_york __proto__ a_ _b x__y 3_4 _ ___ -_- a_\'b a\'_b rock\'n\'roll \'quoted\'\n' +
  '\n' +
  '   \t  \n' +
  'tabs\tand\vvertical\fform feeds\rand a bare CR\n' +
  'Pre-tokenized words , with . punctuation ; kept by whitespace\n';
const accented =
  'Café NAÏVE crème brûlée, l’homme et l\'été — Ελληνικά ΣΟΦΙΑ σοφία, Привет, МИР мир İSTANBUL\n' +
  'Straße STRASSE ǅungla Ǆ\n' +
  'no\u00A0break\u3000ideographic\u2028sep\n' +
  '\u00A0\u3000 \u2003\n' +
  'mid\uFEFFline bom and a literal \uFFFD replacement\n';
const chinese = '我们都是中国人，自由和权利。\nHello世界 big数据 data\n日本語の権利 ภาษาไทย big_data数据_x\n人工智能和三国演义\n';

const invalid = Buffer.concat([
  Buffer.from('valid line\nbad \xff byte and '),
  Buffer.from([0xff, 0x20, 0xe2, 0x82, 0x20, 0x80, 0x80, 0x20, 0xf0, 0x9f, 0x98]),
  Buffer.from('\ntruncated at the end of a line \xe2'),
  Buffer.from([0xe2, 0x82]),
  Buffer.from('\nascii after\n'),
]);

const fixtures: Record<string, string | Buffer> = {
  english,
  accented,
  chinese,
  mixed: english + chinese + accented + english,
  invalid,
  crlf: 'First LINE\r\nsecond line\r\n\r\nthird\r\r\nno final newline\r',
  'no-final-newline': 'one two\nthree four',
  bom: '\uFEFFThe bom line\n\uFEFF\uFEFFsecond\n',
  'bom-only': '\uFEFF',
  empty: '',
  'only-newlines': '\n\n\r\n',
  long: `${'Word ünïcode '.repeat(3000)}\n${'ascii_only words '.repeat(4000)}\nend`,
};
const paths = Object.fromEntries(Object.entries(fixtures).map(([name, content]) => [name, file(`${name}.txt`, content)]));

interface Run {
  corpus?: Corpus;
  error?: string;
  warnings: string[];
}

async function run(read: (input: InputOptions) => Promise<Corpus>, input: Omit<InputOptions, 'warn'>): Promise<Run> {
  const warnings: string[] = [];
  try {
    return { corpus: await read({ ...input, warn: (m) => warnings.push(m) }), warnings };
  } catch (err) {
    return { error: (err as Error).message, warnings };
  }
}

function plain(r: Run): unknown {
  const c = r.corpus;
  if (!c) return r;
  return {
    words: c.vocab.words,
    counts: Array.from(c.vocab.counts),
    ...flatten(c),
    docStarts: Array.from(c.docStarts),
    docLabels: c.docLabels,
    tokensRead: c.tokensRead,
    typesSeen: c.typesSeen,
    warnings: r.warnings,
  };
}

async function same(input: Omit<InputOptions, 'warn'>, options: CorpusOptions, fast: FastReadOptions, what: string, stdin?: () => Buffer): Promise<void> {
  const withStdin = (): Omit<InputOptions, 'warn'> => (stdin ? { ...input, stdin: Readable.from([stdin()]) } : input);
  const expected = plain(await run((i) => buildCorpus(readCorpusLines(i), options), withStdin()));
  const actual = plain(await run((i) => readCorpus(i, options, fast), withStdin()));
  assert.deepEqual(actual, expected, what);
}

const tokenizers: TokenizerName[] = ['word', 'whitespace', 'char'];

test('byte scanner: every line of every fixture gives the tokens of makeTokenizer', () => {
  for (const tokenizer of tokenizers) {
    for (const keepCase of [false, true]) {
      const table = new TokenTable();
      const scanner = new LineScanner(table, { tokenizer, keepCase });
      const reference = makeTokenizer({ tokenizer, keepCase });
      const decoder = new TextDecoder('utf-8', { ignoreBOM: true });
      for (const [name, content] of Object.entries(fixtures)) {
        const bytes = Buffer.from(content);
        let start = 0;
        while (start <= bytes.length) {
          let end = bytes.indexOf(10, start);
          if (end === -1) end = bytes.length;
          const expected = reference(decoder.decode(bytes.subarray(start, end)));
          const n = scanner.line(Buffer.from(bytes.subarray(start, end)), 0, end - start);
          const actual = Array.from(scanner.ids.subarray(0, n), (id) => table.words[id]);
          assert.deepEqual(actual, expected, `${tokenizer} keepCase=${keepCase} ${name}: ${JSON.stringify(expected)}`);
          start = end + 1;
        }
      }
    }
  }
});

test('byte scanner: ASCII words with underscores and apostrophes, hand-checked', () => {
  const table = new TokenTable();
  const scanner = new LineScanner(table, { tokenizer: 'word', keepCase: false });
  const line = Buffer.from("New_York __proto__ _ ___ a_'b don't 'x' ROCK'N'ROLL 3_4");
  const n = scanner.line(line, 0, line.length);
  assert.deepEqual(Array.from(scanner.ids.subarray(0, n), (id) => table.words[id]), [
    'new_york', '__proto__', 'a_', 'b', "don't", 'x', "rock'n'roll", '3_4',
  ]);
  // Counts are kept per type, in order of first appearance.
  scanner.line(Buffer.from('b B x'), 0, 5);
  assert.deepEqual(table.words, ['new_york', '__proto__', 'a_', 'b', "don't", 'x', "rock'n'roll", '3_4']);
  assert.deepEqual(Array.from(table.counts.subarray(0, table.size)), [1, 1, 1, 3, 1, 2, 1, 1]);
});

test('byte reader = line reader on each fixture: tokenizers, case, docs, kept tokens, read sizes', async () => {
  for (const [name, path] of Object.entries(paths)) {
    for (const tokenizer of tokenizers) {
      for (const keepCase of [false, true]) {
        for (const docs of [undefined, 'line'] as (DocUnit | undefined)[]) {
          const options: CorpusOptions = { tokenizer, keepCase, minCount: 1, keepTokens: docs === undefined || keepCase };
          for (const chunkBytes of [undefined, name === 'long' ? 1000 : 5]) {
            await same({ inputs: [path], docs }, options, { threads: 1, chunkBytes }, `${name} ${tokenizer} keepCase=${keepCase} docs=${docs} chunk=${chunkBytes}`);
          }
        }
      }
    }
  }
});

test('byte reader = line reader with worker threads splitting files at line boundaries', async () => {
  // A worker costs tens of milliseconds to start: the files that exercise the cuts (BOM, CR, bad bytes, long lines).
  const combined = file('combined.txt', Buffer.concat(Object.values(fixtures).map((c) => Buffer.from(c))));
  const all = [paths.bom!, combined, paths.empty!];
  for (const tokenizer of ['word', 'whitespace'] as TokenizerName[]) {
    for (const docs of [undefined, 'line'] as (DocUnit | undefined)[]) {
      const options: CorpusOptions = { tokenizer, keepCase: false, minCount: 1 };
      await same({ inputs: all, docs }, options, { threads: 3, minParallelBytes: 0, minWorkerBytes: 0, cutWhenAllReady: true, chunkBytes: 64 }, `${tokenizer} docs=${docs}, 3 threads`);
    }
  }
  await same({ inputs: [paths.mixed!, paths.long!] }, { tokenizer: 'word', keepCase: true, minCount: 2, keepTokens: false }, { threads: 2, minParallelBytes: 0, minWorkerBytes: 0, cutWhenAllReady: true }, 'counts only, min-count 2');
});

test('byte reader = line reader on gzip, standard input, several inputs, max-vocab and a fixed vocabulary', async () => {
  const gz = file('mixed.txt.gz', gzipSync(Buffer.from(fixtures.mixed!)));
  const gzInvalid = file('invalid.gz', gzipSync(invalid));
  const options: CorpusOptions = { tokenizer: 'word', keepCase: false, minCount: 1 };
  await same({ inputs: [gz, paths.english!, gzInvalid] }, options, { threads: 2, minParallelBytes: 0, minWorkerBytes: 0, cutWhenAllReady: true }, 'gzip + plain');
  await same({ inputs: ['-'] }, options, {}, 'stdin', () => invalid);
  await same({ inputs: ['-', paths.crlf!], docs: 'line' }, options, {}, 'stdin gz + file', () => gzipSync(Buffer.from(chinese)));
  await same({ inputs: [paths.mixed!] }, { ...options, maxVocab: 5 }, { threads: 2, minParallelBytes: 0, minWorkerBytes: 0, cutWhenAllReady: true }, 'max-vocab');
  await same({ inputs: [paths.mixed!] }, { ...options, fixedWords: ['cat', 'the', 'zzz', '中国人'] }, { threads: 2, minParallelBytes: 0, minWorkerBytes: 0, cutWhenAllReady: true }, 'fixed vocabulary');
});

test('byte reader = line reader when ranges are cut as the workers become ready (mid-way through the calling thread\'s reading)', async () => {
  // 2.5 MB of every fixture repeated; the calling thread reads 4 KiB at a time, so each worker is
  // given the last part of what is left whenever it is ready: the cuts vary, the result may not.
  const combined = Buffer.concat(Object.values(fixtures).map((c) => Buffer.from(c)));
  const big = file('big.txt', Buffer.concat(Array.from({ length: Math.ceil(2.5e6 / combined.length) }, () => combined)));
  const options: CorpusOptions = { tokenizer: 'word', keepCase: false, minCount: 1 };
  await same({ inputs: [big], docs: 'line' }, options, { threads: 3, minParallelBytes: 0, minWorkerBytes: 0, chunkBytes: 4096 }, 'ranges cut when ready, 3 threads');
  // A worker done early takes part of the calling thread's range, again and again.
  await same({ inputs: [big] }, options, { threads: 2, minParallelBytes: 0, minWorkerBytes: 0, minStealBytes: 0, chunkBytes: 4096 }, 'ranges given to workers done early, 2 threads');
  // The calling thread, done, takes the unclaimed half of a worker's range, again and again: English
  // first (its half, quick), Chinese last (the worker's half, many times slower to cut).
  const halves = file('halves.txt', `${english.repeat(Math.ceil(1e6 / english.length))}${chinese.repeat(Math.ceil(1e6 / Buffer.byteLength(chinese)))}`);
  for (const docs of [undefined, 'line'] as (DocUnit | undefined)[]) {
    await same({ inputs: [halves], docs }, options, { threads: 2, minParallelBytes: 0, minWorkerBytes: 0, minStealBytes: 0, cutWhenAllReady: true, chunkBytes: 4096 }, `work stealing, docs=${docs}`);
  }
  const gz = file('big.txt.gz', gzipSync(readFileSync(big)));
  await same({ inputs: [gz] }, { ...options, keepTokens: false }, { threads: 2, minParallelBytes: 0, minWorkerBytes: 0, chunkBytes: 4096 }, 'ranges cut when ready, gzip');
});

test('byte reader = line reader on streams split among threads: gzip files and standard input held in memory, or streamed past the limit', async () => {
  const combined = Buffer.concat(Object.values(fixtures).map((c) => Buffer.from(c)));
  const gz = file('combined.txt.gz', gzipSync(combined));
  const tiny = file('tiny.txt.gz', gzipSync(Buffer.from('a b\n')));
  const options: CorpusOptions = { tokenizer: 'word', keepCase: false, minCount: 1 };
  for (const docs of [undefined, 'line'] as (DocUnit | undefined)[]) {
    // Held in memory and split: workers started while the file is decompressed (3 threads, and a
    // file too small to give every one of them a range).
    await same({ inputs: [gz, tiny], docs }, options, { threads: 3, minParallelBytes: 0, minWorkerBytes: 0, cutWhenAllReady: true, chunkBytes: 64 }, `gzip split, docs=${docs}`);
    // Standard input (BOM, CR, invalid bytes, long lines) split among two threads.
    await same({ inputs: ['-', paths.english!], docs }, options, { threads: 2, minParallelBytes: 0, minWorkerBytes: 0, cutWhenAllReady: true, chunkBytes: 64 }, `stdin split, docs=${docs}`, () => combined);
    // Past the limit: the chunks held so far, then the rest of the stream, on this thread.
    await same({ inputs: [gz], docs }, options, { threads: 2, minParallelBytes: 0, minWorkerBytes: 0, cutWhenAllReady: true, maxBufferedBytes: 100, chunkBytes: 64 }, `gzip over the limit, docs=${docs}`);
    await same({ inputs: ['-'], docs }, { ...options, keepTokens: false }, { threads: 2, minParallelBytes: 0, minWorkerBytes: 0, cutWhenAllReady: true, maxBufferedBytes: 1 }, `stdin over the limit, docs=${docs}`, () => gzipSync(combined));
  }
});

test('range control: a worker claims chunks up to the end; the calling thread moves the end down, never below what was claimed', () => {
  const control = RangeControl.create(100, 200);
  assert.deepEqual(control.state(), { claimed: 100, end: 200 });
  assert.equal(control.claim(100, 30), 30);
  assert.equal(control.cut(120), false, 'inside the claimed chunk');
  assert.equal(control.cut(200), false, 'not below the end');
  assert.equal(control.cut(160), true);
  assert.deepEqual(control.state(), { claimed: 130, end: 160 });
  assert.equal(control.claim(130, 50), 30, 'up to the new end');
  assert.equal(control.claim(160, 50), 0, 'done');
  // The same memory seen from another thread's side.
  const other = new RangeControl(control.memory);
  assert.deepEqual(other.state(), { claimed: 160, end: 160 });
});

test('byte reader = line reader on errors: missing file, directory, binary file, --docs row, empty corpus', async () => {
  const options: CorpusOptions = { tokenizer: 'word', keepCase: false, minCount: 1 };
  const binary = file('binary.bin', Buffer.from([0x61, 0x00, 0x62, 0x0a]));
  await same({ inputs: [join(dir, 'missing.txt')] }, options, {}, 'missing');
  await same({ inputs: [dir] }, options, {}, 'directory');
  await same({ inputs: [binary] }, options, {}, 'binary');
  await same({ inputs: [paths.english!], docs: 'row' }, options, {}, '--docs row');
  await same({ inputs: [paths.empty!, paths['only-newlines']!] }, options, {}, 'empty');
  await same({ inputs: [paths.english!] }, { ...options, minCount: 1000 }, {}, 'empty vocabulary');
});

const jieba = resolveSegmenter().segmenter === 'jieba';

test('byte reader = line reader with the jieba segmenter (Chinese, Japanese, Thai, mixed; one thread and two)', { skip: !jieba && 'jieba cannot load here' }, async () => {
  const options: CorpusOptions = { tokenizer: 'word', segmenter: 'jieba', keepCase: false, minCount: 1 };
  await same({ inputs: [paths.chinese!, paths.mixed!] }, options, { threads: 1, chunkBytes: 7 }, 'jieba, one thread');
  await same({ inputs: [paths.mixed!], docs: 'line' }, options, { threads: 2, minParallelBytes: 0, minWorkerBytes: 0, cutWhenAllReady: true }, 'jieba, two threads');
  await same({ inputs: [paths.chinese!, paths.mixed!] }, { ...options, keepCase: true }, { threads: 1, chunkBytes: 7 }, 'jieba, case kept');
});

test('CLI: --segmenter picks how Chinese is cut and is recorded in meta (jieba by default when it loads)', async () => {
  const ai = file('ai.txt', '人工智能和三国演义。\n');
  const icu = await runCli(['encode', 'onehot', ai, '-f', 'json', '-q', '--segmenter', 'icu']);
  assert.equal(icu.code, 0, icu.stderr);
  assert.deepEqual(JSON.parse(icu.stdout).rows, ['人工', '智能', '和', '三国', '演义']);
  assert.equal(JSON.parse(icu.stdout).meta.options.segmenter, 'icu');
  const byDefault = await runCli(['encode', 'onehot', ai, '-f', 'json', '-q']);
  assert.equal(byDefault.code, 0, byDefault.stderr);
  if (jieba) {
    assert.deepEqual(JSON.parse(byDefault.stdout).rows, ['人工智能', '和', '三国演义']);
    assert.equal(JSON.parse(byDefault.stdout).meta.options.segmenter, 'jieba');
  } else assert.equal(JSON.parse(byDefault.stdout).meta.options.segmenter, 'icu');
});

/**
 * Many consecutive non-ASCII lines (more than one batch of 64 KiB): Chinese, accented, lines of
 * spaces only, empty lines, \r\n, an ASCII line between them, a long line — in a random order.
 */
function batchFixture(): string {
  const pieces = [
    ...chinese.split('\n').filter((l) => l !== ''),
    ...accented.split('\n').filter((l) => l !== ''),
    '人工智能和三国演义。自然语言处理\r',
    '   ',
    '\u3000 \u00A0',
    '',
    'plain ascii between them',
    '中文 English 混合 text_中文',
    `${'长句子测试'.repeat(3000)}`,
  ];
  const random = new Random(7);
  const lines: string[] = [];
  for (let bytes = 0; bytes < 200_000; ) {
    const line = pieces[random.below(pieces.length)]!;
    lines.push(line);
    bytes += Buffer.byteLength(line) + 1;
  }
  return `${lines.join('\n')}\n`;
}

test('batched tokenizer: many lines at once give the tokens of makeTokenizer line by line (jieba, icu, every tokenizer)', () => {
  const lines = batchFixture().split('\n').slice(0, 400).map((l) => l.replace(/\r$/, ''));
  for (const line of Object.values(fixtures).flatMap((c) => c.toString().split('\n'))) lines.push(line);
  const settings = [
    ...tokenizers.map((tokenizer) => ({ tokenizer })),
    { tokenizer: 'word' as TokenizerName, segmenter: 'icu' as const },
    ...(jieba ? [{ tokenizer: 'word' as TokenizerName, segmenter: 'jieba' as const }] : []),
  ];
  for (const setting of settings) {
    for (const keepCase of [false, true]) {
      const options = { ...setting, keepCase };
      const single = makeTokenizer(options);
      assert.deepEqual(makeLinesTokenizer(options)(lines), lines.map(single), JSON.stringify(options));
      assert.deepEqual(makeLinesTokenizer(options)([]), []);
    }
  }
});

test('byte reader = line reader on runs of non-ASCII lines tokenized in batches (chunk cuts, threads, pruning inside a batch)', async () => {
  const path = file('batches.txt', batchFixture());
  const segmenters = jieba ? (['jieba', 'icu'] as const) : (['icu'] as const);
  for (const segmenter of segmenters) {
    const options: CorpusOptions = { tokenizer: 'word', segmenter, keepCase: false, minCount: 1 };
    await same({ inputs: [path] }, options, { threads: 1 }, `${segmenter}, one thread`);
    await same({ inputs: [path] }, options, { threads: 1, chunkBytes: 333 }, `${segmenter}, chunks of 333 bytes`);
    await same({ inputs: [path] }, options, { threads: 2, minParallelBytes: 0, minWorkerBytes: 0, cutWhenAllReady: true, chunkBytes: 4096 }, `${segmenter}, two threads`);
    // The line reader does not prune: the reference is the byte reader line by line (one kernel call
    // per line, no chunk, no batch), compared on types, counts and tokens, also with `--docs line`.
    const pruned = { ...options, maxTypes: 40 };
    const tokensOf = (c: Corpus): unknown => ({ words: c.vocab.words, counts: Array.from(c.vocab.counts), tokens: flatten(c), pruned: c.pruned, docStarts: Array.from(c.docStarts), docLabels: c.docLabels });
    const lineByLine = await readCorpus({ inputs: [path] }, pruned, { threads: 1, lineByLine: true });
    assert.ok(lineByLine.pruned && lineByLine.pruned.types > 0, 'pruned');
    for (const chunkBytes of [undefined, 1000]) {
      assert.deepEqual(tokensOf(await readCorpus({ inputs: [path] }, pruned, { threads: 1, chunkBytes })), tokensOf(lineByLine), `${segmenter}, pruning, chunk ${chunkBytes}`);
    }
    const lineDocs = await readCorpus({ inputs: [path], docs: 'line' }, pruned, { threads: 1, lineByLine: true });
    for (const chunkBytes of [undefined, 1000]) {
      assert.deepEqual(tokensOf(await readCorpus({ inputs: [path], docs: 'line' }, pruned, { threads: 1, chunkBytes })), tokensOf(lineDocs), `${segmenter}, pruning, --docs line, chunk ${chunkBytes}`);
    }
  }
  await same({ inputs: [path] }, { tokenizer: 'whitespace', keepCase: true, minCount: 1 }, { threads: 1 }, 'whitespace');
});
