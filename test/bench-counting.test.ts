/**
 * bench/counting.ts: the recipe's stage line is read right, the table says pass/MISS against each
 * target, and a count-only run works end to end against a stand-in reference script (the real one
 * lives outside the repository). No timing is asserted.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { countingBench, formatCountingRows, referenceStages, TARGETS } from '../bench/counting.js';

const dir = mkdtempSync(join(tmpdir(), 'wordspace-bench-counting-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('referenceStages reads the recipe\'s "seconds:" line', () => {
  const out = 'vocabulary 28807, tokens kept 3680420, pairs 7598939, ppmi non-zeros 6383283\nseconds: vocab 4.75, count 5.03, ppmi 0.30, svd 19.71\n';
  assert.deepEqual(referenceStages(out), { vocab: 4.75, count: 5.03, ppmi: 0.3, svd: 19.71 });
  assert.throws(() => referenceStages('nothing\n'), /seconds/);
});

test('formatCountingRows: ratio, target and pass/MISS per row', () => {
  const table = formatCountingRows([
    { job: 'count', ours: 2, reference: 5, ratio: 0.4, target: TARGETS.count, pass: true },
    { job: 'ppmi', ours: 20, reference: 30, ratio: 2 / 3, target: TARGETS.ppmi, pass: false, note: 'peak RSS 450 MiB (≤ 600)' },
  ]);
  const lines = table.split('\n');
  assert.equal(lines.length, 3);
  assert.match(lines[1]!, /^count\s+2\.00\s+5\.00\s+0\.40×\s+≤ 0\.5×\s+pass/);
  assert.match(lines[2]!, /^ppmi\s+20\.00\s+30\.00\s+0\.67×\s+≤ 0\.4×\s+MISS\s+peak RSS 450 MiB/);
});

test('a count-only run against a stand-in reference gives the two counting rows with their ratios', async () => {
  const corpus = join(dir, 'corpus.txt');
  writeFileSync(corpus, Array.from({ length: 50 }, (_, i) => `the cat sat on the mat ${i % 3 === 0 ? 'dog' : 'bird'}`).join('\n') + '\n');
  // Prints the recipe's stage line with a counting time of 1000 s, so the ratio is tiny and passes.
  const reference = join(dir, 'reference.py');
  writeFileSync(reference, "import sys\nopen(sys.argv[2], 'w').write('')\nprint('seconds: vocab 1.00, count 1000.00, ppmi 1.00, svd 1.00')\n");
  const rows = await countingBench({ corpus, reference, jobs: ['count'], out: join(dir, 'out') });
  assert.equal(rows.length, 2);
  // The counting stage against the recipe's count stage; the whole process against vocab + count.
  assert.equal(rows[0]!.reference, 1000);
  assert.equal(rows[1]!.reference, 1001);
  for (const row of rows) {
    assert.ok(row.ours > 0 && row.ours < 1000);
    assert.equal(row.ratio, row.ours / row.reference);
    assert.equal(row.pass, true);
  }
});
