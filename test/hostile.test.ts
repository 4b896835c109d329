/**
 * Hostile sizes and values (issue 6, items 5, 6, 7, 9): claimed sizes checked before anything is
 * allocated, windows bounded, text never mistaken for binary, values that make results
 * meaningless refused or reported.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, describe, it } from 'node:test';
import { buildCorpus, type Corpus } from '../src/corpus/corpus.js';
import { countCooccurrences, MAX_WINDOW } from '../src/encoders/cooc.js';
import { readCorpusLines } from '../src/io/input.js';
import { runCli, type CliResult } from './helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'wordspace-hostile-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, content: string | Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

/** A failure the way the house rules want it: the exit status, one `wordspace:` line, no stack, no "bug". */
function assertOneLineError(r: CliResult, code: number, pattern?: RegExp): void {
  assert.equal(r.code, code, `exit ${r.code}, stderr: ${r.stderr}`);
  const lines = r.stderr.split('\n').filter((l) => l !== '');
  assert.equal(lines.length, 1, `one line expected: ${JSON.stringify(r.stderr)}`);
  assert.match(lines[0]!, /^wordspace: /);
  assert.doesNotMatch(r.stderr, /looks like a bug|\n\s+at /);
  if (pattern) assert.match(lines[0]!, pattern);
}

async function corpusOf(text: string): Promise<Corpus> {
  const lines = readCorpusLines({ inputs: ['-'], stdin: Readable.from([Buffer.from(text)]), docs: 'file' });
  return buildCorpus(lines, { tokenizer: 'word', keepCase: false, minCount: 1 });
}

function dense(m: ReturnType<typeof countCooccurrences>): number[][] {
  const d = m.toDense();
  return d.rows.map((_, i) => Array.from(d.row(i)));
}

describe('item 7: --window is bounded', () => {
  const corpus = file('corpus.txt', 'the cat sat on the mat\nthe dog sat\n');
  for (const method of ['cooc', 'glove', 'sgns', 'cbow']) {
    for (const window of ['5000000000', '1000000000', String(MAX_WINDOW + 1)]) {
      it(`encode ${method} --window ${window} is a usage error naming the maximum`, async () => {
        const r = await runCli(['encode', method, corpus, '--window', window, '--min-count', '1']);
        assertOneLineError(r, 2, new RegExp(`--window.*must be an integer from 1 to ${MAX_WINDOW}\\D`));
      });
    }
  }
  it('encode autoencoder --input cooc --window 1000000000 is a usage error', async () => {
    const r = await runCli(['encode', 'autoencoder', corpus, '--input', 'cooc', '--window', '1000000000']);
    assertOneLineError(r, 2, /--window.*must be an integer from 1 to/);
  });

  it('counting with a window far wider than any sentence allocates nothing per window position', async () => {
    const c = await corpusOf('a b a c\n');
    // 2^31 + 1 weights could not even be allocated (RangeError) before the window was clamped.
    for (const distanceWeighting of ['none', 'harmonic'] as const) {
      assert.deepEqual(dense(countCooccurrences(c, { window: 2 ** 31, distanceWeighting })), dense(countCooccurrences(c, { window: 3, distanceWeighting })));
    }
    // linear weights still use the window asked for: (W − d + 1)/W with W = 8, d = 1, 2, 3.
    const w = 8;
    const f = (d: number): number => (w - d + 1) / w;
    const got = dense(countCooccurrences(c, { window: w, distanceWeighting: 'linear' }));
    // a b a c: a-b at d1 twice (positions 0-1, 1-2), a-a at d2 (the diagonal gets both directions),
    // a-c at d1 (2-3) and d3 (0-3), b-c at d2.
    const expected = [
      [2 * f(2), 2 * f(1), f(1) + f(3)],
      [2 * f(1), 0, f(2)],
      [f(1) + f(3), f(2), 0],
    ];
    got.forEach((row, i) => row.forEach((v, j) => assert.ok(Math.abs(v - expected[i]![j]!) < 1e-6, `${i},${j}: ${v} vs ${expected[i]![j]}`)));
  });

  it('the largest allowed window on a short corpus gives the whole-sentence counts', async () => {
    const wide = await runCli(['encode', 'cooc', corpus, '--window', String(MAX_WINDOW), '-f', 'tsv']);
    const sentence = await runCli(['encode', 'cooc', corpus, '--window', '5', '-f', 'tsv']);
    assert.equal(wide.code, 0, wide.stderr);
    assert.equal(wide.stdout, sentence.stdout);
  });
});
