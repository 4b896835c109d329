/**
 * wordspace phrases (issue 9 §3): scores by hand on tiny corpora for both scorers, connector words
 * inside a phrase and never at its ends, --passes 2, and agreement with gensim's Phrases.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { readCorpus } from '../src/io/read-corpus.js';
import { phraseSentences } from '../src/phrases/phrases.js';
import { runCli } from './helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'ws-phrases-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const gensim = spawnSync('/usr/bin/python3', ['-c', 'import gensim.models.phrases']).status === 0;

/**
 * Unigrams (connector words of, the not counted): new 3, york 3, is 3, big 2, bank 2, america 2,
 * old 1, i 1, like 1 — 9 types. Candidates: new york 3, york is 2, is big 2, bank of america 2,
 * is old 1, i like 1, like new 1, america is 1 — 8. vocab_size = 17; tokens (with connectors) 21.
 */
const CORPUS = 'new york is big\nnew york is old\ni like new york\nbank of america is big\nthe bank of america\n';
const VOCAB_SIZE = 17;
const TOKENS = 21;

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

/** The --save-phrases TSV as phrase → [count, score]. */
function savedPhrases(path: string): Map<string, [number, number]> {
  const rows = readFileSync(path, 'utf8').trim().split('\n').slice(1);
  return new Map(rows.map((row) => {
    const [, phrase, count, score] = row.split('\t');
    return [phrase!, [Number(count), Number(score)]];
  }));
}

function assertScores(got: Map<string, [number, number]>, want: Record<string, [number, number]>): void {
  assert.deepEqual([...got.keys()].sort(), Object.keys(want).sort());
  for (const [phrase, [count, score]] of Object.entries(want)) {
    assert.equal(got.get(phrase)![0], count, phrase);
    assert.ok(Math.abs(got.get(phrase)![1] - score) < 1e-12, `${phrase}: ${got.get(phrase)![1]} vs ${score}`);
  }
}

test('phrases --scorer default: (count(ab) − min-count) / (count(a)·count(b)) · vocab size, by hand; the rewritten text', async () => {
  const input = file('default.txt', CORPUS);
  const saved = join(dir, 'default.tsv');
  const out = join(dir, 'default.out');
  const r = await runCli(['phrases', input, '--min-count', '1', '--threshold', '2', '-o', out, '--save-phrases', saved, '-q']);
  assert.equal(r.code, 0, r.stderr);
  // new york (3−1)/(3·3)·17 = 3.78, bank of america (2−1)/(2·2)·17 = 4.25, is big (2−1)/(3·2)·17 = 2.83
  // are above 2; york is (2−1)/(3·3)·17 = 1.89 and the count-1 candidates (score 0) are not.
  assertScores(savedPhrases(saved), {
    new_york: [3, ((3 - 1) / (3 * 3)) * VOCAB_SIZE],
    bank_of_america: [2, ((2 - 1) / (2 * 2)) * VOCAB_SIZE],
    is_big: [2, ((2 - 1) / (3 * 2)) * VOCAB_SIZE],
  });
  assert.equal(readFileSync(out, 'utf8'), 'new_york is_big\nnew_york is old\ni like new_york\nbank_of_america is_big\nthe bank_of_america\n');
});

test('phrases --scorer npmi: ln(p(ab) / (p(a)·p(b))) / −ln p(ab), by hand; the rewritten text', async () => {
  const input = file('npmi.txt', CORPUS);
  const saved = join(dir, 'npmi.tsv');
  const r = await runCli(['phrases', input, '--scorer', 'npmi', '--min-count', '1', '--threshold', '0.7', '-o', '-', '--save-phrases', saved, '-q']);
  assert.equal(r.code, 0, r.stderr);
  const npmi = (a: number, b: number, ab: number): number => Math.log((ab / TOKENS) / ((a / TOKENS) * (b / TOKENS))) / -Math.log(ab / TOKENS);
  // Above 0.7: new york 1, bank of america 1, i like 1, is big ln 7 / ln 10.5 = 0.83; not york is (0.66), is old, like new (0.64), america is (0.41).
  assertScores(savedPhrases(saved), {
    new_york: [3, npmi(3, 3, 3)],
    bank_of_america: [2, npmi(2, 2, 2)],
    i_like: [1, npmi(1, 1, 1)],
    is_big: [2, npmi(3, 2, 2)],
  });
  assert.ok(Math.abs(npmi(3, 2, 2) - Math.log(7) / Math.log(10.5)) < 1e-12);
  assert.equal(r.stdout, 'new_york is_big\nnew_york is old\ni_like new_york\nbank_of_america is_big\nthe bank_of_america\n');
  // --min-count is npmi's least pair count: at 2 the count-1 pair i like is no phrase.
  const r2 = await runCli(['phrases', input, '--scorer', 'npmi', '--min-count', '2', '--threshold', '0.7', '-o', '-', '-q']);
  assert.equal(r2.stdout, 'new_york is_big\nnew_york is old\ni like new_york\nbank_of_america is_big\nthe bank_of_america\n');
});

test('phrases: connector words inside a phrase, never at its ends; --connectors none scores them as words', async () => {
  const input = file('connectors.txt', 'the end of the line\n'.repeat(3));
  // Unigrams end 3, line 3 (the, of not counted); one candidate "end of the line" 3: vocab 3, score (3−1)/9·3 = 0.67.
  const saved = join(dir, 'connectors.tsv');
  const r = await runCli(['phrases', input, '--min-count', '1', '--threshold', '0.5', '-o', '-', '--save-phrases', saved, '-q']);
  assert.equal(r.code, 0, r.stderr);
  assertScores(savedPhrases(saved), { end_of_the_line: [3, ((3 - 1) / (3 * 3)) * 3] });
  assert.equal(r.stdout, 'the end_of_the_line\n'.repeat(3));
  // Without connectors: unigrams the 6, end 3, of 3, line 3 (4 types), pairs the end, end of, of the, the line, 3 each (vocab 8):
  // the end, of the, the line (3−1)/(6·3)·8 = 0.89, end of (3−1)/(3·3)·8 = 1.78: with threshold 1 only end_of.
  const none = await runCli(['phrases', input, '--connectors', 'none', '--min-count', '1', '--threshold', '1', '-o', '-', '-q']);
  assert.equal(none.stdout, 'the end_of the line\n'.repeat(3));
});

test('phrases --passes 2 joins a phrase of the first pass again: new_york_city', async () => {
  const input = file('passes.txt', 'new york city\n'.repeat(3));
  // Pass 1: new 3, york 3, city 3, pairs new york 3, york city 3 (vocab 5): both (3−1)/9·5 = 1.11 > 0.5; the scan joins new_york, city stays.
  // Pass 2: new_york 3, city 3, pair 3 (vocab 3): (3−1)/9·3 = 0.67 > 0.5.
  const saved = join(dir, 'passes.tsv');
  const one = await runCli(['phrases', input, '--min-count', '1', '--threshold', '0.5', '-o', '-', '-q']);
  assert.equal(one.stdout, 'new_york city\n'.repeat(3));
  const two = await runCli(['phrases', input, '--min-count', '1', '--threshold', '0.5', '--passes', '2', '-o', '-', '--save-phrases', saved, '-q']);
  assert.equal(two.code, 0, two.stderr);
  assert.equal(two.stdout, 'new_york_city\n'.repeat(3));
  const rows = readFileSync(saved, 'utf8').trim().split('\n').slice(1).map((row) => row.split('\t'));
  assert.deepEqual(rows.map((r) => [r[0], r[1]]), [['1', 'new_york'], ['1', 'york_city'], ['2', 'new_york_city']]);
  assert.ok(Math.abs(Number(rows[2]![3]) - ((3 - 1) / 9) * 3) < 1e-12);
});

test('phrases reads standard input and keeps the line structure; bad options are usage errors', async () => {
  const r = await runCli(['phrases', '--min-count', '1', '--threshold', '2', '-o', '-', '-q'], CORPUS.toUpperCase());
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'new_york is_big\nnew_york is old\ni like new_york\nbank_of_america is_big\nthe bank_of_america\n');
  const kept = await runCli(['phrases', '--keep-case', '--min-count', '1', '--threshold', '2', '--connectors', 'OF,THE', '-o', '-', '-q'], CORPUS.toUpperCase());
  assert.equal(kept.stdout.split('\n')[3], 'BANK_OF_AMERICA IS_BIG');
  const npmi = await runCli(['phrases', '--scorer', 'npmi', '--threshold', '2', '-o', '-'], CORPUS);
  assert.equal(npmi.code, 2);
  assert.match(npmi.stderr, /^wordspace: .*between -1 and 1/);
  const zero = await runCli(['phrases', '--threshold', '0', '-o', '-'], CORPUS);
  assert.equal(zero.code, 2);
});

test('the word tokenizer keeps _-joined tokens: a phrased corpus reads back with new_york as one word', async () => {
  const corpus = await readCorpus(file('joined.txt', 'New_York and bank_of_america, new_york.\n'), { tokenizer: 'word' });
  assert.deepEqual([...corpus.vocab.words].sort(), ['and', 'bank_of_america', 'new_york']);
  assert.equal(corpus.vocab.counts[corpus.vocab.words.indexOf('new_york')], 2);
});

/** A corpus with planted collocations among seeded random words (a linear congruential generator). */
function syntheticCorpus(lines: number): string {
  const words = ['of', 'the', 'and', 'in', 'a', 'to', ...Array.from({ length: 500 }, (_, i) => `w${i}`)];
  const planted = ['new york', 'los angeles', 'bank of america', 'new york city', 'united states', 'end of the line'];
  let seed = 12345;
  const next = (n: number): number => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return (seed >>> 8) % n;
  };
  const out: string[] = [];
  for (let i = 0; i < lines; i++) {
    const tokens: string[] = [];
    const length = 3 + next(12);
    while (tokens.length < length) tokens.push(next(8) === 0 ? planted[next(planted.length)]! : next(5) === 0 ? words[next(6)]! : words[next(words.length)]!);
    out.push(tokens.join(' '));
  }
  return `${out.join('\n')}\n`;
}

const GENSIM_SCRIPT = `
import sys, json
from gensim.models.phrases import Phrases, ENGLISH_CONNECTOR_WORDS
path, scoring, threshold, passes = sys.argv[1], sys.argv[2], float(sys.argv[3]), int(sys.argv[4])
sentences = [line.split() for line in open(path)]
found = []
for p in range(passes):
    model = Phrases(sentences, min_count=5, threshold=threshold, scoring=scoring, connector_words=ENGLISH_CONNECTOR_WORDS)
    # export_phrases() splits a phrase at '_' and so misses new_york_city in pass 2: score every
    # candidate a [connectors] b of the corpus with gensim's own score_candidate instead.
    phrases = {}
    for s in sentences:
        start, between = None, []
        for w in s:
            if w in ENGLISH_CONNECTOR_WORDS:
                if start is not None: between.append(w)
                continue
            if start is not None:
                phrase, score = model.score_candidate(start, w, between)
                if score is not None: phrases[phrase] = score
            start, between = w, []
    found.append(phrases)
    sentences = [model[s] for s in sentences]
print(json.dumps({'text': '\\n'.join(' '.join(s) for s in sentences) + '\\n', 'phrases': found}))
`;

for (const [scorer, threshold, passes] of [['default', 10, 2], ['default', 3, 1], ['npmi', 0.3, 2]] as const) {
  test(`phrases = gensim's Phrases (${scorer}, threshold ${threshold}, ${passes} pass${passes > 1 ? 'es' : ''}): same text, same phrases and scores`, { skip: !gensim && 'gensim is not installed for /usr/bin/python3 (apt-get install python3-gensim)' }, async () => {
    const input = file(`synthetic-${scorer}-${threshold}.txt`, syntheticCorpus(400));
    const ref = spawnSync('/usr/bin/python3', ['-c', GENSIM_SCRIPT, input, scorer, String(threshold), String(passes)], { encoding: 'utf8' });
    assert.equal(ref.status, 0, ref.stderr);
    const want = JSON.parse(ref.stdout) as { text: string; phrases: Record<string, number>[] };
    const saved = join(dir, `synthetic-${scorer}-${threshold}.tsv`);
    const r = await runCli(['phrases', input, '--scorer', scorer, '--threshold', String(threshold), '--passes', String(passes), '--tokenizer', 'whitespace', '-o', '-', '--save-phrases', saved, '-q']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, want.text);
    const rows = readFileSync(saved, 'utf8').trim().split('\n').slice(1).map((row) => row.split('\t'));
    for (let pass = 1; pass <= passes; pass++) {
      const ours = new Map(rows.filter((row) => row[0] === String(pass)).map((row) => [row[1]!, Number(row[3])]));
      const theirs = want.phrases[pass - 1]!;
      assert.deepEqual([...ours.keys()].sort(), Object.keys(theirs).sort(), `pass ${pass}`);
      assert.ok(ours.size > 0, `pass ${pass} finds phrases`);
      for (const [phrase, score] of Object.entries(theirs)) assert.ok(Math.abs(ours.get(phrase)! - score) <= 1e-9 * Math.abs(score), `${phrase}: ${ours.get(phrase)} vs ${score}`);
    }
    assert.match(r.stdout, /\bnew_york\b/);
    assert.match(r.stdout, /\bbank_of_america\b/);
  });
}

test('phraseSentences (library): the same rewrite over token arrays', async () => {
  const sentences = CORPUS.trim().split('\n').map((line) => line.split(' '));
  const { sentences: out, passes } = await phraseSentences(sentences, { minCount: 1, threshold: 2 });
  assert.deepEqual(out[3], ['bank_of_america', 'is_big']);
  assert.equal(passes[0]!.vocabSize, VOCAB_SIZE);
  assert.equal(passes[0]!.corpusWords, TOKENS);
  assert.equal(passes[0]!.joined, 7);
});
