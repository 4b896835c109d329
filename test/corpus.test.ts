import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { InputError } from '../src/core/errors.js';
import { Random } from '../src/core/random.js';
import { buildCorpus, type CorpusOptions } from '../src/corpus/corpus.js';
import { readCorpusLines, type InputOptions } from '../src/io/input.js';
import { sortByCountThenWord, Vocabulary } from '../src/vocab/vocabulary.js';
import { flatten } from './helpers/stream.js';

const dir = mkdtempSync(join(tmpdir(), 'wordspace-corpus-'));
function file(name: string, content: string | Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}
const base: CorpusOptions = { tokenizer: 'word', keepCase: false, minCount: 1 };
async function corpus(input: Partial<InputOptions>, options: Partial<CorpusOptions> = {}) {
  return buildCorpus(readCorpusLines({ inputs: [], ...input }), { ...base, ...options });
}

test('vocabulary: count descending, then word; ids follow', async () => {
  const c = await corpus({ inputs: [file('seed.txt', 'cat in the hat dog on the mat bird in the tree\n')] });
  assert.deepEqual(c.vocab.words, ['the', 'in', 'bird', 'cat', 'dog', 'hat', 'mat', 'on', 'tree']);
  assert.deepEqual(Array.from(c.vocab.counts), [3, 2, 1, 1, 1, 1, 1, 1, 1]);
  assert.deepEqual(flatten(c).tokens, [3, 1, 0, 5, 4, 7, 0, 6, 2, 1, 0, 8]);
  assert.equal(c.tokensRead, 12);
});

test('min-count drops rare words before windowing; sentences stay separate', async () => {
  const c = await corpus({ inputs: [file('two.txt', 'a b a c\n\nb a d\n')] }, { minCount: 2 });
  assert.deepEqual(c.vocab.words, ['a', 'b']);
  assert.deepEqual(flatten(c).tokens, [0, 1, 0, 1, 0]);
  assert.deepEqual(flatten(c).sentenceStarts, [0, 3, 5]);
  assert.equal(c.typesSeen, 4);
});

test('max-vocab keeps the most frequent words', async () => {
  const c = await corpus({ inputs: [file('mv.txt', 'x y y z z z')] }, { maxVocab: 2 });
  assert.deepEqual(c.vocab.words, ['z', 'y']);
});

test('words that are Object.prototype names are ordinary words', async () => {
  const c = await corpus({ inputs: [file('proto.txt', 'constructor __proto__ toString constructor hasOwnProperty')] }, { keepCase: true, tokenizer: 'whitespace' });
  assert.deepEqual(c.vocab.words, ['constructor', '__proto__', 'hasOwnProperty', 'toString']);
  assert.equal(c.vocab.id('__proto__'), 1);
  assert.equal(c.vocab.id('valueOf'), -1);
});

test('a fixed vocabulary keeps its order and gets corpus counts', async () => {
  const c = await corpus({ inputs: [file('fx.txt', 'b b a c')] }, { fixedWords: Vocabulary.parse('c 10\na 3\nzz\n', 'v.txt') });
  assert.deepEqual(c.vocab.words, ['c', 'a', 'zz']);
  assert.deepEqual(Array.from(c.vocab.counts), [1, 1, 0]);
  assert.deepEqual(flatten(c).tokens, [1, 0]);
});

test('documents: file (default), line, several files', async () => {
  const a = file('a.txt', 'one two\nthree\n');
  const b = file('b.txt', 'four\n');
  const byFile = await corpus({ inputs: [a, b] });
  assert.deepEqual(byFile.docLabels, [a, b]);
  assert.deepEqual(Array.from(byFile.docStarts), [0, 2, 3]);
  const byLine = await corpus({ inputs: [a, b], docs: 'line' });
  assert.deepEqual(byLine.docLabels, [`${a}:1`, `${a}:2`, `${b}:1`]);
});

test('gzip input is decompressed whatever its name; stdin works', async () => {
  const gz = file('text.bin', gzipSync('hello world hello\n'));
  const c = await corpus({ inputs: [gz] });
  assert.deepEqual(c.vocab.words, ['hello', 'world']);
  const s = await corpus({ inputs: ['-'], stdin: Readable.from([Buffer.from('b a\r\nb\r\n')]) });
  assert.deepEqual(s.vocab.words, ['b', 'a']);
  assert.deepEqual(flatten(s).sentenceStarts, [0, 2, 3]);
});

test('CSV: text and id columns by name or index, quoted commas and newlines', async () => {
  const csv = file('r.csv', 'id,label,text\nr1,pos,"good, very good"\nr2,neg,"bad\nworse"\n');
  const c = await corpus({ inputs: [csv] });
  assert.deepEqual(c.docLabels, ['r1', 'r2']);
  assert.deepEqual(c.vocab.words, ['good', 'bad', 'very', 'worse']);
  assert.deepEqual(flatten(c).sentenceStarts, [0, 3, 4, 5]);
  const byIndex = await corpus({ inputs: [csv], textColumn: '2', idColumn: '3' });
  assert.deepEqual(byIndex.vocab.words, ['neg', 'pos']);
  assert.deepEqual(byIndex.docLabels, ['good, very good', 'bad\nworse']);
});

async function rejects(promise: Promise<unknown>, pattern: RegExp): Promise<void> {
  await assert.rejects(promise, (err: unknown) => err instanceof InputError && pattern.test(err.message));
}

test('errors: missing file, directory, binary, empty corpus, empty vocabulary, malformed CSV, unknown column', async () => {
  await rejects(corpus({ inputs: [join(dir, 'nope.txt')] }), /no such file/);
  await rejects(corpus({ inputs: [dir] }), /is a directory/);
  await rejects(corpus({ inputs: [file('bin.dat', Buffer.from([0x41, 0, 1, 2, 3]))] }), /binary/);
  await rejects(corpus({ inputs: [file('empty.txt', ' ,. \n')] }), /empty/);
  await rejects(corpus({ inputs: [file('rare.txt', 'a b c')] }, { minCount: 2 }), /vocabulary is empty.*3 word types/);
  await rejects(corpus({ inputs: [file('bad.csv', 'id,text\n1,"unclosed\n2,ok\n')] }), /malformed CSV/);
  await rejects(corpus({ inputs: [file('ragged.csv', 'id,text\n1,a\n2,b,c\n')] }), /malformed CSV.*line 3/);
  await rejects(corpus({ inputs: [file('cols.csv', 'id,body\n1,a\n')] }), /no text column "text".*/);
  await rejects(corpus({ inputs: [file('bad.gz', Buffer.from([0x1f, 0x8b, 8, 0, 1, 2, 3]))] }), /not valid gzip/);
});

test('invalid UTF-8 is replaced and counted in a warning', async () => {
  const warnings: string[] = [];
  const c = await corpus({ inputs: [file('latin1.txt', Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x20, 0x6f, 0x6b, 0x0a]))], warn: (m) => warnings.push(m) });
  assert.deepEqual(c.vocab.words, ['caf', 'ok']);
  assert.equal(warnings.length, 1);
  assert.match(warnings[0]!, /1 invalid UTF-8 sequence replaced/);
});

test('vocabulary order: count descending, then code-unit order — shared prefixes, surrogates, U+FFFF, empty and long words', () => {
  // Expected order written by hand from the rule (UTF-16 code units: U+FF5E 0xFF5E sorts after the
  // surrogate pair of U+1F600, 0xD83D, although its code point is smaller).
  const entries: Array<[string, number]> = [
    ['b', 5], ['abcdefgh', 5], ['abcdefg', 5], ['abcdefgz', 5], ['abc', 5], ['ab', 5], ['', 5],
    ['\u{1F600}', 2], ['\uFF5E', 2], ['~', 2], ['\uFFFF', 2], ['zzz', 2],
    ['thex', 1], ['the', 1], ['then', 1], ['them', 1], ['thea', 1], ['théa', 1],
  ];
  const expected = ['', 'ab', 'abc', 'abcdefg', 'abcdefgh', 'abcdefgz', 'b', 'zzz', '~', '\u{1F600}', '\uFF5E', '\uFFFF', 'the', 'thea', 'them', 'then', 'thex', 'théa'];
  const words = entries.map(([w]) => w);
  const counts = Float64Array.from(entries.map(([, c]) => c));
  const ids = words.map((_, i) => i);
  sortByCountThenWord(ids, words, counts);
  assert.deepEqual(ids.map((i) => words[i]), expected);
  // And on many random words, the plain comparator's order.
  const random = new Random(7);
  const rand = (n: number): number => Math.floor(random.next() * n);
  const alphabet = ['a', 'b', 'é', 'ø', '\u4e00', '\u{1F600}', '\uFFFD', '_'];
  const many = new Set<string>();
  while (many.size < 3000) {
    let w = '';
    for (let k = 1 + rand(8); k > 0; k--) w += alphabet[rand(alphabet.length)];
    many.add(w);
  }
  const manyWords = [...many];
  const manyCounts = Float64Array.from(manyWords, () => 1 + rand(4));
  const got = manyWords.map((_, i) => i);
  sortByCountThenWord(got, manyWords, manyCounts);
  const want = manyWords.map((_, i) => i).sort((a, b) => manyCounts[b]! - manyCounts[a]! || (manyWords[a]! < manyWords[b]! ? -1 : 1));
  assert.deepEqual(got, want);
});
