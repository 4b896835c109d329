import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { countCooccurrences, explainPair, explainWord, readCorpus, type PairExplanation, type WordExplanation } from '../src/index.js';
import { runCli } from './helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'wordspace-explain-'));
const path = (name: string): string => join(dir, name);

// Five sentences; with window 1 each sentence "x y z" gives the pairs x–y and y–z.
const PETS = 'the cat sat\nthe dog sat\na cat purred\nthe dog barked\na dog ran\n';
writeFileSync(path('pets.txt'), PETS);

/**
 * The window-1 co-occurrence counts of PETS, by hand: cat meets the, sat (line 1), a, purred (line 3);
 * dog meets the, sat (2), the, barked (4), a, ran (5). The matrix is symmetric.
 */
const PETS_COUNTS: Record<string, Record<string, number>> = {
  cat: { the: 1, sat: 1, a: 1, purred: 1 },
  dog: { the: 2, sat: 1, barked: 1, a: 1, ran: 1 },
  the: { cat: 1, dog: 2 },
  sat: { cat: 1, dog: 1 },
  a: { cat: 1, dog: 1 },
  purred: { cat: 1 },
  barked: { dog: 1 },
  ran: { dog: 1 },
};

/**
 * PPMI written out from its definition (DESIGN.md), independently of src/: X(w) the row sum, X(c)^0.75
 * the smoothed context count, Z = Σ_c X(c)^0.75; PPMI = max(0, ln(X(w,c) · Z / (X(w) · X(c)^0.75))).
 */
function handPpmi(counts: Record<string, Record<string, number>>): Record<string, Record<string, number>> {
  const total = (w: string): number => Object.values(counts[w]!).reduce((a, b) => a + b, 0);
  const z = Object.keys(counts).reduce((sum, c) => sum + total(c) ** 0.75, 0);
  const out: Record<string, Record<string, number>> = {};
  for (const [w, row] of Object.entries(counts)) {
    out[w] = {};
    for (const [c, x] of Object.entries(row)) {
      const pmi = Math.log((x * z) / (total(w) * total(c) ** 0.75));
      if (pmi > 0) out[w]![c] = pmi;
    }
  }
  return out;
}

const norm = (row: Record<string, number>): number => Math.sqrt(Object.values(row).reduce((s, v) => s + v * v, 0));
const near = (actual: number, expected: number, what: string): void => assert.ok(Math.abs(actual - expected) < 1e-9, `${what}: ${actual} ≠ ${expected}`);

async function ok(argv: string[], input?: string): Promise<string> {
  const r = await runCli(argv, input);
  assert.equal(r.code, 0, r.stderr);
  return r.stdout;
}

async function json<T>(argv: string[], input?: string): Promise<T> {
  return JSON.parse(await ok([...argv, '--format', 'json', '-q'], input)) as T;
}

// The same corpus prepared and as merged counts; 2-d vectors for --vectors:
// cat (1,0), dog (0,1), lion (1,1): cos 0.7071 to both; wolf (1,2): 0.4472 to cat, 0.8944 to dog; car (−1,0).
before(async () => {
  await ok(['prepare', path('pets.txt'), '-o', path('pets.wsc'), '-q']);
  await ok(['encode', 'cooc', path('pets.txt'), '--window', '1', '-f', 'counts', '-o', path('pets.counts'), '-q']);
  writeFileSync(path('pets.vec'), '5 2\ncat 1 0\ndog 0 1\nlion 1 1\nwolf 1 2\ncar -1 0\n');
});

test('explain cat dog: the cosine, shared contexts with their shares, and the separating contexts, as computed by hand', async () => {
  const ppmi = handPpmi(PETS_COUNTS);
  const cat = ppmi.cat!;
  const dog = ppmi.dog!;
  // By hand: every cell of cat's and dog's rows has positive PMI; they share the, sat and a.
  assert.deepEqual(Object.keys(cat).sort(), ['a', 'purred', 'sat', 'the']);
  assert.deepEqual(Object.keys(dog).sort(), ['a', 'barked', 'ran', 'sat', 'the']);
  const nc = norm(cat);
  const nd = norm(dog);
  const share = (c: string): number => ((cat[c] ?? 0) * (dog[c] ?? 0)) / (nc * nd);
  const cosine = share('the') + share('sat') + share('a');
  assert.ok(Math.abs(cosine - 0.359365) < 1e-6, `${cosine}`); // a sanity check of the arithmetic above
  const result = await json<PairExplanation>(['explain', path('pets.txt'), 'cat', 'dog', '--window', '1']);
  near(result.cosine, cosine, 'cosine');
  assert.deepEqual(result.words, ['cat', 'dog']);
  assert.deepEqual(result.contexts, [4, 5]);
  assert.equal(result.sharedCount, 3);
  // "the" weighs most (dog meets it twice); "a" and "sat" tie, the more frequent (then alphabetical) first.
  assert.deepEqual(result.shared.map((c) => c.context), ['the', 'a', 'sat']);
  for (const c of result.shared) {
    near(c.ppmi[0], cat[c.context]!, `PPMI(cat, ${c.context})`);
    near(c.ppmi[1], dog[c.context]!, `PPMI(dog, ${c.context})`);
    near(c.share, share(c.context), `share of ${c.context}`);
    assert.deepEqual(c.counts, [PETS_COUNTS.cat![c.context], PETS_COUNTS.dog![c.context]]);
  }
  near(result.shared.reduce((s, c) => s + c.share, 0), result.cosine, 'shares sum to the cosine');
  assert.equal(result.sharedRest, 0);
  // Apart: purred (cat only) first, then barked and ran (dog only); each adds (â_c − b̂_c)²/2.
  assert.deepEqual(result.apart.slice(0, 3).map((c) => c.context), ['purred', 'barked', 'ran']);
  const purred = result.apart[0]!;
  assert.deepEqual(purred.ppmi, [cat.purred, 0]);
  near(purred.normShare[0], cat.purred! ** 2 / nc ** 2, 'purred: part of ‖cat‖²');
  near(purred.share, (cat.purred! / nc) ** 2 / 2, 'purred: part of 1 − cosine');
  near(result.apart[1]!.share, (dog.barked! / nd) ** 2 / 2, 'barked: part of 1 − cosine');
  near(result.apart.reduce((s, c) => s + c.share, 0) + result.apartRest, 1 - cosine, 'apart shares sum to 1 − cosine');
  near(result.norms[0], nc, '‖cat‖');
});

test('explain dog: its strongest contexts by PPMI, with counts, as computed by hand', async () => {
  const dog = handPpmi(PETS_COUNTS).dog!;
  const result = await json<WordExplanation>(['explain', path('pets.txt'), 'dog', '--window', '1', '-k', '3']);
  assert.equal(result.total, 6);
  assert.equal(result.positive, 5);
  assert.deepEqual(result.strongest.map((c) => [c.context, c.count, c.contextTotal]), [['barked', 1, 1], ['ran', 1, 1], ['the', 2, 3]]);
  for (const c of result.strongest) near(c.ppmi, dog[c.context]!, `PPMI(dog, ${c.context})`);
  near(result.norm, norm(dog), '‖dog‖');
});

test('the same answer from text, standard input, a prepared corpus and merged counts', async () => {
  const fromText = await json<PairExplanation>(['explain', path('pets.txt'), 'cat', 'dog', '--window', '1']);
  assert.deepEqual(await json(['explain', '-', 'cat', 'dog', '--window', '1'], PETS), fromText);
  assert.deepEqual(await json(['explain', path('pets.wsc'), 'cat', 'dog', '--window', '1']), fromText);
  // The counts say their window: no --window needed.
  assert.deepEqual(await json(['explain', '--counts', path('pets.counts'), 'cat', 'dog']), fromText);
  const word = await json<WordExplanation>(['explain', path('pets.txt'), 'cat', '--window', '1']);
  assert.deepEqual(await json(['explain', '--counts', path('pets.counts'), 'cat']), word);
  assert.deepEqual(await json(['explain', path('pets.wsc'), 'cat', '--window', '1']), word);
});

test('--min-count and --vocab cut the vocabulary before the window slides, as encode cooc does', async () => {
  // --min-count 2 drops purred, barked and ran: the lines become "the cat sat", "the dog sat", "a cat", "the dog", "a dog".
  const cut = handPpmi({
    cat: { the: 1, sat: 1, a: 1 },
    dog: { the: 2, sat: 1, a: 1 },
    the: { cat: 1, dog: 2 },
    sat: { cat: 1, dog: 1 },
    a: { cat: 1, dog: 1 },
  });
  const result = await json<PairExplanation>(['explain', path('pets.txt'), 'cat', 'dog', '--window', '1', '--min-count', '2']);
  const cosine = Object.keys(cut.cat!).reduce((s, c) => s + cut.cat![c]! * (cut.dog![c] ?? 0), 0) / (norm(cut.cat!) * norm(cut.dog!));
  near(result.cosine, cosine, 'cosine with --min-count 2');
  assert.ok(!result.apart.some((c) => c.context === 'purred'));
  // The same words in the order --min-count gives them (count, then alphabetical): ties between contexts keep it.
  writeFileSync(path('kept.txt'), 'the\ndog\na\ncat\nsat\n');
  assert.deepEqual(await json(['explain', path('pets.txt'), 'cat', 'dog', '--window', '1', '--vocab', path('kept.txt')]), result);
});

test('explain shows encode cooc --weight ppmi\'s own values (same defaults: window 5, cds 0.75)', async () => {
  const words = ['river', 'bank', 'money', 'water', 'loan', 'fish', 'boat', 'the', 'a'];
  let state = 7;
  const lines: string[] = [];
  for (let i = 0; i < 60; i++) {
    const line: string[] = [];
    for (let j = 0; j < 3 + (i % 9); j++) {
      state = (state * 1103515245 + 12345) % 2147483648;
      line.push(words[(state >> 8) % words.length]!);
    }
    lines.push(line.join(' '));
  }
  writeFileSync(path('bank.txt'), `${lines.join('\n')}\n`);
  const matrix = await json<{ rows: string[]; columns: string[]; data: number[][] }>(['encode', 'cooc', path('bank.txt'), '--weight', 'ppmi', '--precision', '12']);
  const bankRow = matrix.data[matrix.rows.indexOf('bank')]!;
  const word = await json<WordExplanation>(['explain', path('bank.txt'), 'bank', '-k', '100']);
  assert.equal(word.positive, bankRow.filter((v) => v > 0).length);
  for (const c of word.strongest) near(c.ppmi, bankRow[matrix.columns.indexOf(c.context)]!, `PPMI(bank, ${c.context})`);
  // And the cosine is the cosine of the two rows of that matrix.
  const moneyRow = matrix.data[matrix.rows.indexOf('money')]!;
  const dot = bankRow.reduce((s, v, j) => s + v * moneyRow[j]!, 0);
  const len = (r: number[]): number => Math.sqrt(r.reduce((s, v) => s + v * v, 0));
  const pair = await json<PairExplanation>(['explain', path('bank.txt'), 'bank', 'money']);
  assert.ok(Math.abs(pair.cosine - dot / (len(bankRow) * len(moneyRow))) < 1e-6, `${pair.cosine}`);
});

test('the library: countCooccurrences + explainPair / explainWord give what the command prints', async () => {
  const corpus = await readCorpus(path('pets.txt'));
  const counts = countCooccurrences(corpus, { window: 1, distanceWeighting: 'none' });
  const pair = explainPair(counts, 'cat', 'dog');
  const printed = await json<PairExplanation & { settings: unknown }>(['explain', path('pets.txt'), 'cat', 'dog', '--window', '1']);
  assert.deepEqual(printed.settings, { window: 1, distanceWeighting: 'none', cds: 0.75, shift: 1 });
  const { settings: _settings, ...rest } = printed;
  assert.deepEqual(rest, JSON.parse(JSON.stringify(pair)));
  // Query words fold to lower case as the tokenizer does.
  assert.equal(explainWord(counts, 'Dog', { top: 1 }).strongest[0]!.context, 'barked');
  assert.throws(() => explainWord(counts, 'kat'), /"kat" is not in the vocabulary/);
});

test('--vectors: the neighbours both words have among their n nearest, by hand on 2-d vectors', async () => {
  type WithNeighbours = PairExplanation & { neighbours: { cosine: number; neighbours: { word: string; similarity: number[]; rank: number[] }[] } };
  const two = await json<WithNeighbours>(['explain', path('pets.txt'), 'cat', 'dog', '--window', '1', '--vectors', path('pets.vec'), '--neighbourhood', '2']);
  near(two.neighbours.cosine, 0, 'vector cosine cat ~ dog');
  // cat's 2 nearest: lion, wolf; dog's: wolf, lion. Ordered by the smaller similarity: lion (0.707), wolf (0.447).
  assert.deepEqual(two.neighbours.neighbours.map((n) => [n.word, n.rank]), [['lion', [1, 2]], ['wolf', [2, 1]]]);
  assert.ok(Math.abs(two.neighbours.neighbours[1]!.similarity[1]! - 2 / Math.sqrt(5)) < 1e-6);
  // Within 1: cat's nearest is lion, dog's is wolf — nothing shared.
  const one = await json<WithNeighbours>(['explain', path('pets.txt'), 'cat', 'dog', '--window', '1', '--vectors', path('pets.vec'), '--neighbourhood', '1']);
  assert.deepEqual(one.neighbours.neighbours, []);
  const tsv = await ok(['explain', path('pets.txt'), 'cat', 'dog', '--window', '1', '--vectors', path('pets.vec'), '--neighbourhood', '2', '-q']);
  assert.match(tsv, /^neighbour\t1\tlion\t0\.707107\t0\.707107\t/m);
});

test('table and tsv: the shares listed with the rest add up to the cosine', async () => {
  const table = await runCli(['explain', path('pets.txt'), 'cat', 'dog', '--window', '1', '-k', '2', '-q'], undefined, { stdoutIsTTY: true, env: { NO_COLOR: '1' } });
  assert.equal(table.code, 0, table.stderr);
  assert.match(table.stdout, /cat ~ dog: PPMI cosine 0\.3594/);
  assert.match(table.stdout, /\(1 more\)\s*│[\s│]*0\.1117/);
  assert.match(table.stdout, /│ *│ cosine *│[\s│]*0\.3594 │/);
  const tsv = (await ok(['explain', path('pets.txt'), 'cat', 'dog', '--window', '1', '-q'])).trimEnd().split('\n').map((l) => l.split('\t'));
  assert.deepEqual(tsv[0], ['section', 'rank', 'item', 'value1', 'value2', 'count1', 'count2', 'norm_share1', 'norm_share2', 'share']);
  const cosine = Number(tsv[1]![9]);
  const shared = tsv.filter((r) => r[0] === 'shared').reduce((s, r) => s + Number(r[9]), 0);
  assert.ok(Math.abs(shared - cosine) < 1e-5, `${shared} vs ${cosine}`);
});

test('errors are one line: unknown words (with suggestions) exit 1, bad usage exits 2', async () => {
  const cases: [string[], number, RegExp][] = [
    [['explain', path('pets.txt'), 'kat', 'dog'], 1, /^wordspace: "kat" is not in the vocabulary \(did you mean: cat, sat\?\)\n$/],
    [['explain', path('pets.txt'), 'cat', 'zebra'], 1, /^wordspace: "zebra" is not in the vocabulary \(none of its 8 words/],
    [['explain', path('pets.txt')], 2, /^wordspace: explain takes a corpus and one or two words, got 0 words/],
    [['explain', path('pets.txt'), 'cat', 'dog', 'sat'], 2, /one or two words, got 3 words/],
    [['explain', '--counts', path('pets.counts'), 'cat', 'dog', '--min-count', '2'], 2, /--min-count cannot cut the vocabulary of --counts/],
    [['explain', '--counts', path('pets.counts'), 'cat', '--window', '5'], 1, /holds counts of window 1, not 5/],
    [['explain', path('pets.txt'), 'cat', '--vectors', path('pets.vec')], 2, /--vectors lists the neighbours two words share/],
    [['explain', path('pets.txt'), 'cat', 'dog', '--vectors', path('pets.vec'), '--window', '1', '-q'], 0, /^$/],
    [['explain', path('pets.txt'), 'cat', 'sat', '--vectors', path('pets.vec'), '--window', '1'], 1, /^wordspace: "sat" is not in the vectors/],
    [['explain', path('missing.txt'), 'cat'], 1, /^wordspace: .*missing\.txt/],
    [['explain', path('pets.txt'), 'cat', '-k', '0'], 2, /^wordspace: .*--top/],
  ];
  for (const [argv, code, stderr] of cases) {
    const r = await runCli(argv);
    assert.equal(r.code, code, `${argv.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, stderr, argv.join(' '));
    if (code !== 0) assert.equal(r.stderr.split('\n').length, 2, `one line: ${r.stderr}`);
  }
});

test('the examples in explain --help run as written (corpus.txt: a few lines with freedom and liberty)', async () => {
  writeFileSync(path('corpus.txt'), 'freedom and liberty for all\nliberty and justice\nthe blessings of freedom\nfreedom of speech and liberty of the press\n');
  const help = await ok(['explain', '--help']);
  const examples = /\nExamples?:\n((?: {2}.*\n?)+)/.exec(help)?.[1]?.trim().split('\n') ?? [];
  assert.ok(examples.length >= 2, help);
  for (const line of examples) {
    const argv = line.trim().split(/\s+/).slice(1).map((a) => (a === 'corpus.txt' ? path('corpus.txt') : a));
    assert.match(await ok(argv), /^(section|rank)\t/);
  }
});
