/**
 * Issue 6, "consistency a user trips over": one-line messages (8), vocab ↔ --vocab (12), query case
 * folding and partial answers (14), colour and terminals (15), one flag one meaning (16), headerless
 * numeric CSV (17).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { oneLine } from '../src/cli/context.js';
import { runCli, spawnCli } from './helpers/cli.js';

const fixture = (name: string): string => new URL(`../../fixtures/${name}`, import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'wordspace-consistency-'));
const file = (name: string, content: string | Buffer): string => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};

/** Exactly one line on stderr, starting with "wordspace: ", matching `pattern`. */
function assertOneLine(stderr: string, pattern: RegExp): void {
  assert.ok(stderr.endsWith('\n'), `no final newline: ${JSON.stringify(stderr)}`);
  const lines = stderr.slice(0, -1).split('\n');
  assert.equal(lines.length, 1, `expected one line, got: ${JSON.stringify(stderr)}`);
  assert.match(lines[0]!, /^wordspace: /);
  assert.match(lines[0]!, pattern);
  assert.doesNotMatch(lines[0]!, /[\x00-\x08\x0b-\x1f\x7f]/, 'a raw control character in the message');
}

// ---- item 8: messages stay one line -------------------------------------------------------------

test('8: an unknown command or option with a suggestion is one line', async () => {
  const command = await runCli(['encode', 'foo']);
  assert.equal(command.code, 2);
  assert.equal(command.stderr, "wordspace: unknown command 'foo' (did you mean cooc?)\n");
  const option = await runCli(['encode', 'sgns', '--epoc', '3', fixture('seed.txt')]);
  assert.equal(option.code, 2);
  assert.equal(option.stderr, "wordspace: unknown option '--epoc' (did you mean --epochs?)\n");
  const plain = await runCli(['encode', 'cooc', '--zzzzzz']);
  assert.equal(plain.stderr, "wordspace: unknown option '--zzzzzz' (see --help)\n");
});

test('8: control characters in echoed values are escaped: oneLine', () => {
  assert.equal(oneLine('a\nb\rc\td\x00e\x7f\x85\u2028'), 'a\\nb\\rc\\td\\x00e\\x7f\\x85\\u2028');
  assert.equal(oneLine('plain – ünïcode 猫'), 'plain – ünïcode 猫');
});

test('8: a file name with a newline and CR stays on one line in an error', async () => {
  const r = await runCli(['similar', 'no\nsuch\rfile.vec', 'cat']);
  assert.equal(r.code, 1);
  assertOneLine(r.stderr, /no\\nsuch\\rfile\.vec/);
});

test('8: --vocab refuses a binary file instead of echoing its bytes', async () => {
  const elf = file('elf.bin', Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x0d, 0x00, 0x00, 0x0a, 0x41, 0x00]));
  const r = await runCli(['vocab', '--vocab', elf, fixture('seed.txt')]);
  assert.equal(r.code, 1);
  assertOneLine(r.stderr, /elf\.bin looks like a binary file/);
});

test('8: a text --vocab line with control characters is echoed escaped', async () => {
  const vocab = file('ctl-vocab.txt', 'cat 3\nbad\x1b[2Jline here now\n');
  const r = await runCli(['vocab', '--vocab', vocab, fixture('seed.txt')]);
  assert.equal(r.code, 1);
  assertOneLine(r.stderr, /ctl-vocab\.txt:2: .*bad\\x1b\[2Jline/);
});

test('8: similar on a binary non-vector file prints its error and nothing after it', async () => {
  // Read as TSV (a tab on line 1), a bad row on line 2, then 2 MB of invalid UTF-8 still being
  // decoded when the error is reported: its warning used to follow the error line.
  const junk = Buffer.concat([Buffer.from('label\td1\nw\n'), Buffer.alloc(2_000_000, 0xff), Buffer.from('\n')]);
  const path = file('junk-vectors', junk);
  const r = await spawnCli(['similar', path, 'cat']);
  assert.equal(r.code, 1);
  assertOneLine(r.stderr, /junk-vectors line 2/);
});

// ---- item 16: one flag, one meaning -------------------------------------------------------------

test('16: the learning rate is --lr in sgns, cbow and glove; word2vec spellings are aliases', async () => {
  const corpus = fixture('seed.txt');
  const base = ['--min-count', '1', '--dim', '4', '--threads', '1', '-f', 'json', '-q'];
  for (const method of ['sgns', 'cbow']) {
    const lr = await runCli(['encode', method, corpus, ...base, '--lr', '0.125', '--epochs', '1']);
    assert.equal(lr.code, 0, lr.stderr);
    assert.equal(JSON.parse(lr.stdout).meta.options.lr, 0.125);
    const alias = await runCli(['encode', method, corpus, '--min-count', '1', '--size', '3', '--threads', '1', '-f', 'json', '-q', '--alpha', '0.25', '--iter', '2', '--neg', '2']);
    assert.equal(alias.code, 0, alias.stderr);
    const options = JSON.parse(alias.stdout).meta.options;
    assert.deepEqual([options.lr, options.dim, options.epochs, options.negative], [0.25, 3, 2, 2]);
  }
  const glove = await runCli(['encode', 'glove', corpus, ...base, '--lr', '0.125', '--weight-exponent', '0.5', '--iter', '2']);
  assert.equal(glove.code, 0, glove.stderr);
  const options = JSON.parse(glove.stdout).meta.options;
  assert.deepEqual([options.lr, options.weightExponent, options.epochs, options.alpha], [0.125, 0.5, 2, undefined]);
  const eta = await runCli(['encode', 'glove', corpus, ...base, '--eta', '0.0625', '--epochs', '1']);
  assert.equal(JSON.parse(eta.stdout).meta.options.lr, 0.0625);
});

test('16: --alpha on glove is refused, pointing at --lr and --weight-exponent', async () => {
  const r = await runCli(['encode', 'glove', fixture('seed.txt'), '--alpha', '0.75']);
  assert.equal(r.code, 2);
  assertOneLine(r.stderr, /unknown option '--alpha' \(.*--lr.*--weight-exponent/);
});

test('16: unknown flags suggest the nearest known one, aliases and one-dash spellings included', async () => {
  const cases: [string[], string][] = [
    [['encode', 'sgns', '-size', '5'], '--dim'],
    [['encode', 'sgns', '-alpha', '0.1'], '--lr'],
    [['encode', 'cbow', '-minCount', '2'], '--min-count'],
    [['encode', 'sgns', '--itr', '2'], '--epochs'],
    [['encode', 'glove', '--learning', '2'], undefined as unknown as string],
    [['encode', 'glove', '--weight-exp', '2'], '--weight-exponent'],
    [['encode', 'cooc', '--windw', '2'], '--window'],
  ];
  for (const [argv, flag] of cases) {
    const r = await runCli(argv);
    assert.equal(r.code, 2, argv.join(' '));
    if (flag) assertOneLine(r.stderr, new RegExp(`\\(did you mean ${flag}\\?\\)$`));
    else assertOneLine(r.stderr, /\(see --help\)$/);
  }
});

test('16: --help shows the --threads default once and lists the aliases', async () => {
  for (const method of ['sgns', 'glove']) {
    const help = (await runCli(['encode', method, '--help'])).stdout.replace(/\s+/g, ' ');
    const threads = /--threads <n> (.*?)--seed/.exec(help)![1]!;
    assert.equal(threads.match(/default/g)!.length, 1, threads);
    assert.match(threads, /\(default: all cores, \d+ here\)/);
    assert.match(help, /Also accepted.*--iter = --epochs/);
  }
  assert.match((await runCli(['encode', 'sgns', '--help'])).stdout.replace(/\s+/g, ' '), /--alpha = --lr/);
  assert.doesNotMatch((await runCli(['encode', 'glove', '--help'])).stdout, /--alpha/);
});

// ---- item 12: whatever vocab writes, --vocab reads ----------------------------------------------

test('12: the TSV vocab prints in a pipe (header included) is read back by --vocab, in its order', async () => {
  const printed = await runCli(['vocab', fixture('seed.txt'), '-q']);
  assert.match(printed.stdout, /^word\tcount\n/);
  const vocab = file('printed-vocab.tsv', printed.stdout);
  const again = await runCli(['vocab', fixture('seed.txt'), '--vocab', vocab, '-q']);
  assert.equal(again.code, 0, again.stderr);
  assert.equal(again.stdout, printed.stdout);
  const saved = file('saved-vocab.txt', (await runCli(['vocab', fixture('seed.txt'), '-q', '-o', '-'])).stdout);
  const fromSaved = await runCli(['vocab', fixture('seed.txt'), '--vocab', saved, '-q']);
  assert.equal(fromSaved.stdout, printed.stdout);
});

test('12: --vocab - reads standard input; refused when the corpus is standard input too', async () => {
  const r = await runCli(['vocab', fixture('seed.txt'), '--vocab', '-', '-q'], 'word\tcount\ncat\t7\nthe\t1\nzebra\t4\n');
  assert.equal(r.code, 0, r.stderr);
  // Counts re-measured on the corpus (seed.txt: "the" 3 times, "cat" once), order kept.
  assert.equal(r.stdout, 'word\tcount\ncat\t1\nthe\t3\nzebra\t0\n');
  const both = await runCli(['vocab', '--vocab', '-'], 'cat\n');
  assert.equal(both.code, 2);
  assertOneLine(both.stderr, /--vocab - and the corpus cannot both be standard input/);
});

test('12: explicit --min-count / --max-vocab cut the given vocabulary by its counts; the method default does not', async () => {
  const vocab = file('counted-vocab.txt', 'the 30\nin 20\ncat 2\nhat 9\n');
  const sgns = (extra: string[]) => runCli(['encode', 'sgns', fixture('seed.txt'), '--vocab', vocab, '--dim', '2', '--epochs', '1', '--threads', '1', '-f', 'json', '-q', ...extra]);
  const all = await sgns([]);
  assert.equal(all.code, 0, all.stderr);
  const allJson = JSON.parse(all.stdout);
  assert.deepEqual(allJson.rows, ['the', 'in', 'cat', 'hat']); // sgns's default --min-count 5 is not applied
  assert.equal(allJson.meta.options.minCount, undefined);
  const cut = JSON.parse((await sgns(['--min-count', '9'])).stdout);
  assert.deepEqual(cut.rows, ['the', 'in', 'hat']);
  assert.equal(cut.meta.options.minCount, 9);
  const top = JSON.parse((await sgns(['--max-vocab', '2', '--min-count', '3'])).stdout);
  assert.deepEqual(top.rows, ['the', 'in']);
  assert.equal(top.meta.options.maxVocab, 2);
  const bare = file('bare-vocab.txt', 'the\nin\n');
  const refused = await runCli(['vocab', fixture('seed.txt'), '--vocab', bare, '--min-count', '2']);
  assert.equal(refused.code, 2);
  assertOneLine(refused.stderr, /--min-count needs counts in the vocabulary file/);
  const maxOnly = await runCli(['vocab', fixture('seed.txt'), '--vocab', bare, '--max-vocab', '1', '-q']);
  assert.equal(maxOnly.stdout, 'word\tcount\nthe\t3\n');
});

// ---- item 15: colour and terminals --------------------------------------------------------------

const ESC = '\x1b[';
const BOX = /[─│┌┐└┘├┤┬┴┼]/;

test('15: NO_COLOR= (empty) keeps colour; a non-empty NO_COLOR disables it (no-color.org)', async () => {
  const query = ['similar', fixture('query/tiny.txt'), 'man', '-k', '2'];
  const empty = await runCli(query, undefined, { stdoutIsTTY: true, env: { NO_COLOR: '' } });
  assert.equal(empty.code, 0, empty.stderr);
  assert.ok(empty.stdout.includes(ESC), 'NO_COLOR= must not disable colour');
  const set = await runCli(query, undefined, { stdoutIsTTY: true, env: { NO_COLOR: '1' } });
  assert.ok(!set.stdout.includes(ESC));
  assert.match(set.stdout, BOX);
});

test('15: TERM=dumb gets aligned columns, no box drawing, no colour', async () => {
  const r = await runCli(['similar', fixture('query/tiny.txt'), 'man', '-k', '2'], undefined, { stdoutIsTTY: true, env: { TERM: 'dumb' } });
  assert.equal(r.code, 0, r.stderr);
  assert.doesNotMatch(r.stdout, BOX);
  assert.ok(!r.stdout.includes(ESC));
  const lines = r.stdout.trimEnd().split('\n');
  assert.equal(lines[0], 'man');
  assert.match(lines[1]!, /^rank {2}word +similarity$/);
  assert.equal(lines.length, 4);
});

test('15: progress figures read words/s with thousands separators', async () => {
  const { formatFigures, formatBarValue } = await import('../src/cli/progress.js');
  assert.equal(formatFigures({ 'words/s': 1234567, lr: 0.0243 }), '1,234,567 words/s  lr 0.0243');
  assert.equal(formatFigures({ loss: 12.5, pairs: 98765, cost: 4321.7 }), 'loss 12.5  pairs 98,765  cost 4,322');
  assert.equal(formatBarValue(1234567, {}, 'value'), '1,234,567');
  assert.equal(formatBarValue(9876543, {}, 'total'), '9,876,543');
  assert.equal(formatBarValue(42, {}, 'percentage'), '42');
  // word2vec reports its rate under the key shown as words/s (no words_s).
  const source = readFileSync(new URL('../../src/encoders/word2vec/train.ts', import.meta.url), 'utf8');
  assert.match(source, /'words\/s':/);
  assert.doesNotMatch(source, /words_s/);
});

// ---- item 14: query words folded as the vectors were built; partial answers ---------------------

const TINY = fixture('query/tiny.txt');

test('14: vectors built lowercased (meta keepCase: false) answer a capitalised query', async () => {
  const corpus = file('case-corpus.txt', 'Freedom and liberty\nfreedom of speech\nliberty and justice\nFreedom liberty justice\n');
  const vec = join(dir, 'case.vec');
  const built = await runCli(['encode', 'cooc', corpus, '--weight', 'ppmi', '-o', vec, '-q']);
  assert.equal(built.code, 0, built.stderr);
  assert.equal(JSON.parse(readFileSync(`${vec}.meta.json`, 'utf8')).options.keepCase, false);
  const lower = await runCli(['similar', vec, 'freedom', '-k', '3']);
  const upper = await runCli(['similar', vec, 'Freedom', '-k', '3']);
  assert.equal(upper.code, 0, upper.stderr);
  assert.equal(upper.stdout, lower.stdout.replace(/^freedom\t/gm, 'Freedom\t'));
  // Built with --keep-case: the case is significant, and "FREEDOM" gets suggestions instead.
  const keptVec = join(dir, 'kept.vec');
  await runCli(['encode', 'cooc', corpus, '--keep-case', '--weight', 'ppmi', '-o', keptVec, '-q']);
  const exact = await runCli(['similar', keptVec, 'FREEDOM']);
  assert.equal(exact.code, 1);
  assertOneLine(exact.stderr, /"FREEDOM" is not in the vectors \(did you mean: Freedom, freedom\?\)/);
});

test('14: without metadata a word missing as typed is tried lowercased; analogy folds too', async () => {
  const r = await runCli(['similar', TINY, 'Big', '-k', '1']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'query\trank\tword\tsimilarity\nBig\t1\tbigger\t0.980581\n');
  const lower = await runCli(['analogy', TINY, 'man', 'king', 'woman', '-k', '1']);
  const mixed = await runCli(['analogy', TINY, 'Man', 'KING', 'Woman', '-k', '1']);
  assert.equal(mixed.code, 0, mixed.stderr);
  assert.equal(mixed.stdout, lower.stdout);
  assert.equal(lower.stdout, 'rank\tword\tscore\n1\tmonarch\t0.997374\n');
});

test('14: known words keep their rows, each unknown word its error line, exit 1', async () => {
  const r = await runCli(['similar', TINY, 'big', 'zzzqx', 'quen', '-k', '1']);
  assert.equal(r.code, 1);
  assert.equal(r.stdout, 'query\trank\tword\tsimilarity\nbig\t1\tbigger\t0.980581\n');
  const lines = r.stderr.trimEnd().split('\n');
  assert.equal(lines.length, 2, r.stderr);
  assert.match(lines[0]!, /^wordspace: "zzzqx" is not in the vectors \(none of its 11 words/);
  assert.equal(lines[1], 'wordspace: "quen" is not in the vectors (did you mean: queen?)');
  const none = await runCli(['similar', TINY, 'zzzqx']);
  assert.equal(none.code, 1);
  assert.equal(none.stdout, '');
});

// ---- item 17: a CSV whose first row is numeric has no header --------------------------------------

test('17: a headerless numeric table (np.savetxt) keeps its first row, with one warning', async () => {
  const savetxt = file('savetxt.csv', '1.000000000000000000e+00,2.000000000000000000e+00,3.0\n4.0,5.0,6.0\n');
  const r = await runCli(['encode', 'features', savetxt, '-f', 'json']);
  assert.equal(r.code, 0, r.stderr);
  const json = JSON.parse(r.stdout);
  assert.deepEqual(json.rows, ['1.000000000000000000e+00', '4.0']); // both rows; the first column names the items
  assert.deepEqual(json.data, [[2, 3], [5, 6]]);
  const warnings = r.stderr.split('\n').filter((l) => l.includes('warning'));
  assert.equal(warnings.length, 1);
  assert.match(warnings[0]!, /savetxt\.csv: the first row is all numbers, so it is read as data.*--header/);
  // --header: the first row is a header after all.
  const forced = JSON.parse((await runCli(['encode', 'features', savetxt, '--header', '-f', 'json', '-q'])).stdout);
  assert.deepEqual(forced.rows, ['4.0']);
});

test('17: --no-header / auto-detection on a corpus CSV; a text header is still a header', async () => {
  const headerless = file('headerless.csv', 'a1,cat dog\nb2,dog bird\n');
  const r = await runCli(['vocab', headerless, '--no-header', '--text-column', '2', '-q']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'word\tcount\ndog\t2\nbird\t1\ncat\t1\n');
  const numeric = file('numeric.csv', '1,2\n3,4\n');
  const auto = await runCli(['vocab', numeric, '--text-column', '2']);
  assert.equal(auto.code, 0, auto.stderr);
  assert.equal(auto.stdout, 'word\tcount\n2\t1\n4\t1\n');
  assert.match(auto.stderr, /warning: .*numeric\.csv: the first row is all numbers/);
  const named = file('named.csv', 'id,text\n1,cat cat\n');
  const withHeader = await runCli(['vocab', named, '-q']);
  assert.equal(withHeader.stdout, 'word\tcount\ncat\t2\n');
});
