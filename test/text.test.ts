import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadJieba, resolveSegmenter } from '../src/text/segment.js';
import { cachedHanCut, makeTokenizer } from '../src/text/tokenize.js';

const word = makeTokenizer({ tokenizer: 'word', keepCase: false });

test('word tokenizer: English words, internal apostrophes, digits, lowercase', () => {
  assert.deepEqual(word("Don't stop, the U.S. economy's 3.5% growth!"), ["don't", 'stop', 'the', 'u', 's', "economy's", '3', '5', 'growth']);
  assert.deepEqual(word('l’homme café NAÏVE'), ['l’homme', 'café', 'naïve']);
  assert.deepEqual(word("'quoted' rock'n'roll"), ['quoted', "rock'n'roll"]);
});

test('word tokenizer: underscores join letters and digits (phrase tokens survive), a lone run of them is not a word', () => {
  // As UAX #29 word boundaries (Intl.Segmenter) treat connector punctuation.
  assert.deepEqual(word('New_York __proto__ a_ _b x__y 3_4 _ ___ -_-'), ['new_york', '__proto__', 'a_', '_b', 'x__y', '3_4']);
  assert.deepEqual(word("los_angeles's a_'b a'_b"), ["los_angeles's", 'a_', 'b', 'a', '_b']);
  assert.deepEqual(word('snake\u203Fcase caf\u00E9_cr\u00E8me \u041C\u0438\u0440_2'), ['snake\u203Fcase', 'caf\u00E9_cr\u00E8me', '\u043C\u0438\u0440_2']);
});

test('word tokenizer: underscores next to Chinese and Thai runs, which are still segmented', () => {
  assert.deepEqual(word('big_data数据_x 中_文 ภาษาไทย_th'), ['big_data', '数据', '_x', '中', '文', 'ภาษา', 'ไทย', '_th']);
});

test('word tokenizer: Chinese is segmented into words, not characters', () => {
  assert.deepEqual(word('我们都是中国人，自由和权利。'), ['我们', '都是', '中国人', '自由', '和', '权利']);
});

test('word tokenizer: mixed scripts on one line', () => {
  assert.deepEqual(word('Hello世界 big数据 data'), ['hello', '世界', 'big', '数据', 'data']);
  assert.deepEqual(word('日本語の権利'), ['日本語', 'の', '権利']);
});

test('word tokenizer: Thai and Cyrillic', () => {
  assert.deepEqual(word('Привет, Мир'), ['привет', 'мир']);
  assert.deepEqual(word('ภาษาไทย'), ['ภาษา', 'ไทย']);
});

test('keep-case keeps case', () => {
  assert.deepEqual(makeTokenizer({ tokenizer: 'word', keepCase: true })('Paris is IN France'), ['Paris', 'is', 'IN', 'France']);
});

test('whitespace tokenizer splits on whitespace only', () => {
  assert.deepEqual(makeTokenizer({ tokenizer: 'whitespace', keepCase: false })("  a,b  C'd\te "), ['a,b', "c'd", 'e']);
});

test('char tokenizer: one token per code point, whitespace skipped', () => {
  assert.deepEqual(makeTokenizer({ tokenizer: 'char', keepCase: true })('ab 中😀'), ['a', 'b', '中', '😀']);
});

test('segmenter: jieba cuts runs of Han into its dictionary words, kana and Thai runs stay on ICU, punctuation dropped', { skip: resolveSegmenter().segmenter !== 'jieba' && 'jieba cannot load here' }, () => {
  const jieba = makeTokenizer({ tokenizer: 'word', keepCase: false, segmenter: 'jieba' });
  const icu = makeTokenizer({ tokenizer: 'word', keepCase: false, segmenter: 'icu' });
  assert.deepEqual(jieba('人工智能和三国演义。'), ['人工智能', '和', '三国演义']);
  assert.deepEqual(icu('人工智能'), ['人工', '智能']);
  assert.deepEqual(jieba('日本語の権利 ภาษาไทย Big数据'), ['日本語', 'の', '権利', 'ภาษา', 'ไทย', 'big', '数据']);
});

test('segmenter: the Han runs of a line cut together by jieba give each run\'s own cut, in text order', { skip: resolveSegmenter().segmenter !== 'jieba' && 'jieba cannot load here' }, () => {
  const jieba = makeTokenizer({ tokenizer: 'word', keepCase: false, segmenter: 'jieba' });
  // By hand, run by run: "三国演义" | "人工智能" | "结义" between ASCII words and punctuation.
  assert.deepEqual(jieba('三国演义,AI人工智能 2024年桃园结义!'), ['三国演义', 'ai', '人工智能', '2024', '年', '桃园', '结义']);
  // Each run alone gives the same words as within the line.
  const line = '本文主要是介绍LLM的基础模型4:初识Embeddings,希望对大家解决编程问题提供一定的参考价值';
  const runByRun = line.split(/([\p{scx=Han}]+)/u).flatMap((part) => jieba(part));
  assert.deepEqual(jieba(line), runByRun);
});

test('word tokenizer: every code point of U+4E00–U+9FFF is a Han letter (the tokenizer tells ideographs by their code)', () => {
  for (let code = 0x4e00; code <= 0x9fff; code++) {
    const ch = String.fromCharCode(code);
    assert.ok(/^\p{scx=Han}$/u.test(ch) && /^\p{L}$/u.test(ch), `U+${code.toString(16)}`);
  }
  // No connector punctuation is of a script written without spaces (a piece's first character tells a run from a word).
  for (let code = 0; code <= 0x10ffff; code++) {
    if (code >= 0xd800 && code <= 0xdfff) continue;
    const ch = String.fromCodePoint(code);
    if (/\p{Pc}/u.test(ch)) assert.ok(!/[\p{scx=Han}\p{scx=Hiragana}\p{scx=Katakana}\p{scx=Thai}\p{scx=Lao}\p{scx=Khmer}\p{scx=Myanmar}]/u.test(ch), `U+${code.toString(16)}`);
  }
});

test('segmenter: a cached cut of a Han run is exactly jieba\'s own cut of that run', { skip: resolveSegmenter().segmenter !== 'jieba' && 'jieba cannot load here' }, () => {
  const jieba = loadJieba()!;
  const tokenize = makeTokenizer({ tokenizer: 'word', keepCase: true, segmenter: 'jieba' });
  const lines = [
    '本文主要是介绍LLM的基础模型4:初识Embeddings,希望对大家解决编程问题提供一定的参考价值',
    '大模型技术论文不断，每个月总会新增上千篇。本专栏精选论文重点解读，主题还是围绕着行业实践和工程量产',
    '人工智能和三国演义。中华人民共和国国务院总理在人民大会堂会见了来访的外国领导人并举行了会谈',
  ];
  // Independently: each Han run cut alone by the native call, punctuation dropped; the other words as they are.
  const expected = (line: string): string[] =>
    line.split(/(\p{scx=Han}+)/u).flatMap((part, k) => (k % 2 === 1 ? jieba.cut(part, true).filter((w) => /[\p{L}\p{N}]/u.test(w)) : (part.match(/[\p{L}\p{N}]+/gu) ?? [])));
  for (const line of lines) assert.deepEqual(tokenize(line), expected(line), line); // first time: cut, then cached
  let cached = 0;
  let long = 0;
  for (const line of lines) {
    for (const run of line.match(/\p{scx=Han}+/gu)!) {
      const words = cachedHanCut(run);
      if (run.length > 32) {
        assert.equal(words, undefined, `a run of ${run.length} characters is not cached`);
        long++;
        continue;
      }
      assert.deepEqual(words, jieba.cut(run, true).filter((w) => /[\p{L}\p{N}]/u.test(w)), run);
      cached++;
    }
    assert.deepEqual(tokenize(line), expected(line), line); // second time: from the cache
  }
  assert.deepEqual([cached, long], [7, 1]);
});
