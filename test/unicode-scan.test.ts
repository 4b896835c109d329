import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { Random } from '../src/core/random.js';
import { buildCorpus, type Corpus, type CorpusOptions } from '../src/corpus/corpus.js';
import { readCorpus } from '../src/corpus/fast-count.js';
import { readCorpusLines } from '../src/io/input.js';
import { resolveSegmenter } from '../src/text/segment.js';
import { flatten } from './helpers/stream.js';
import { LineScanner, TokenTable } from '../src/text/scan.js';
import { makeTokenizer, NO_SPACE, type TokenizerName } from '../src/text/tokenize.js';
import { computeUnicodeTables, unicodeTablesPath } from '../src/text/unicode-classes.js';
import { sortByCountThenWord } from '../src/vocab/vocabulary.js';

// The kernel tokenizes lines of any characters of the Basic Multilingual Plane with tables computed
// from the regex tokenizer's own classes; the regex tokenizer (makeTokenizer) is the reference.

const tokenizers: TokenizerName[] = ['word', 'whitespace', 'char'];
const decoder = new TextDecoder('utf-8', { ignoreBOM: true });
const NO_SPACE_RE = new RegExp(`[${NO_SPACE}]`, 'v');

/** Every line through the scanner and through makeTokenizer: the same tokens, and the same U+FFFD count. */
function check(lines: Buffer[], what: string): void {
  for (const tokenizer of tokenizers) {
    for (const keepCase of [false, true]) {
      const table = new TokenTable();
      const scanner = new LineScanner(table, { tokenizer, keepCase });
      const reference = makeTokenizer({ tokenizer, keepCase });
      for (const line of lines) {
        const text = decoder.decode(line);
        const expected = reference(text);
        const n = scanner.line(Buffer.from(line), 0, line.length);
        const actual = Array.from(scanner.ids.subarray(0, n), (id) => table.words[id]);
        assert.deepEqual(actual, expected, `${what} ${tokenizer} keepCase=${keepCase}: ${JSON.stringify(text)}`);
        assert.equal(scanner.blank, text.trim() === '', `${what} blank: ${JSON.stringify(text)}`);
      }
    }
  }
}

test('unicode tables: the file the build wrote is what this engine computes', () => {
  assert.deepEqual(new Uint8Array(readFileSync(unicodeTablesPath())), computeUnicodeTables());
});

test('unicode scanner: every code point of the Basic Multilingual Plane, in the contexts that decide a token, as the regex tokenizer', () => {
  const lines: Buffer[] = [];
  for (let from = 0x80; from < 0x10000; from += 16) {
    const chars: string[] = [];
    for (let cp = from; cp < from + 16; cp++) if (cp < 0xd800 || cp > 0xdfff) chars.push(String.fromCharCode(cp));
    if (chars.length === 0) continue;
    // Alone, between letters, after an apostrophe and a connector, doubled, next to ASCII and
    // Cyrillic; a character of a no-space script (the line goes to the regex path, whose segmenter is
    // slow) only between letters.
    lines.push(Buffer.from(chars.map((c) => (NO_SPACE_RE.test(c) ? `a${c}b` : `${c} a${c}b '${c}' x_${c}_ ${c}’${c}д ${c}${c}'s Ab${c}`)).join(' ')));
  }
  check(lines, 'plane');
});

test('unicode scanner: random lines of letters of many scripts, cased and uncased, marks, connectors, apostrophes, spaces, Han, emoji and broken bytes', () => {
  const pool = [
    'a', 'Z', '_', "'", '’', ' ', '\t', '7', 'É', 'é', 'ß', 'ẞ', 'İ', 'ı', 'I', 'Σ', 'σ', 'ς', 'Ω', 'ǅ', 'Ǆ', 'Ⱥ', 'ⱥ', 'Ω', 'K', 'Å',
    'Д', 'д', 'Ё', 'ё', 'Ѐ', '\u0301', '\u0308', '‿', '⁀', '︳', '\u00a0', '\u2028', '\u3000', '\u2003', '\ufeff', '\ufffd', '-', '.',
    '٣', '߁', 'ά', 'Ά', 'ﬁ', 'ŉ', 'ǰ', 'Ⅻ', 'ⅻ', 'Ⓐ', '中', '文', '、', 'か', 'ー', 'ไ', '😀', '𝐀', '€', '–', '“',
  ];
  const broken = [Buffer.from([0xff]), Buffer.from([0xc3]), Buffer.from([0xe2, 0x82]), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from([0xc0, 0xaf]), Buffer.from([0xf0, 0x9f])];
  const random = new Random(7);
  const lines: Buffer[] = [];
  for (let k = 0; k < 4000; k++) {
    const parts: Buffer[] = [];
    const length = 1 + random.below(24);
    for (let i = 0; i < length; i++) {
      const r = random.next();
      parts.push(r < 0.02 ? broken[random.below(broken.length)]! : Buffer.from(pool[random.below(pool.length)]!));
    }
    lines.push(Buffer.concat(parts));
  }
  check(lines, 'random');
});

test('kernel sort of the types = sortByCountThenWord: counts descending, then UTF-16 code-unit order (surrogate pairs before U+E000–U+FFFF), prefixes, NUL bytes', () => {
  const alphabet = ['a', 'b', 'z', '\0', 'é', 'ж', '中', '\ue000', '\uffee', '😀', '𝐀', '\ud7ff', 'ａ'];
  const random = new Random(11);
  const table = new TokenTable();
  const words = new Set<string>();
  while (words.size < 3000) {
    let word = '';
    const length = 1 + random.below(12);
    for (let i = 0; i < length; i++) word += alphabet[random.below(alphabet.length)];
    words.add(word);
  }
  const list = [...words];
  for (const word of list) {
    const id = table.idOfString(word);
    table.counts[id] = 1 + random.below(4); // many ties: the word decides
  }
  const counts = Float64Array.from(table.counts);
  const expected = list.map((_, i) => i);
  sortByCountThenWord(expected, table.words, counts);
  const actual = list.map((_, i) => i);
  table.sortIds(actual);
  assert.deepEqual(actual.map((i) => table.words[i]), expected.map((i) => table.words[i]));
});

test('kernel with jieba: every code point of a no-space script of the plane, in runs next to words, connectors and apostrophes, as the line reader', { skip: resolveSegmenter().segmenter !== 'jieba' && 'jieba cannot load here' }, async () => {
  const noSpace: string[] = [];
  for (let cp = 0x2e80; cp < 0x10000; cp++) if ((cp < 0xd800 || cp > 0xdfff) && NO_SPACE_RE.test(String.fromCharCode(cp))) noSpace.push(String.fromCharCode(cp));
  const lines: string[] = [];
  for (let i = 0; i < noSpace.length; i += 24) {
    lines.push(noSpace.slice(i, i + 24).map((c, k) => (k % 3 === 0 ? `a${c}b 中${c}文` : k % 3 === 1 ? `_${c}_ ${c}'s` : `Ab’${c}${c}人工智能`)).join(' '));
  }
  const path = join(mkdtempSync(join(tmpdir(), 'wordspace-unicode-')), 'no-space.txt');
  writeFileSync(path, `${lines.join('\n')}\n`);
  const options: CorpusOptions = { tokenizer: 'word', segmenter: 'jieba', keepCase: false, minCount: 1 };
  const plain = (c: Corpus): unknown => ({ words: c.vocab.words, counts: Array.from(c.vocab.counts), tokens: flatten(c), tokensRead: c.tokensRead });
  const expected = plain(await buildCorpus(readCorpusLines({ inputs: [path] }), options));
  assert.deepEqual(plain(await readCorpus({ inputs: [path] }, options, { threads: 1 })), expected, 'one thread');
  assert.deepEqual(plain(await readCorpus({ inputs: [path] }, options, { threads: 1, chunkBytes: 500 })), expected, 'chunks of 500 bytes');
});
