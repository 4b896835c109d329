/**
 * Output commits and terminal restore (issue 6, items 1 and 4), through the library functions the
 * CLI uses: several outputs are committed together, and a progress bar's terminal state is undone.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mock, test } from 'node:test';
import { makeProgress, restoreTerminal } from '../src/cli/progress.js';
import { withOutputs } from '../src/io/output.js';
import { Collector, fakeStdin } from './helpers/cli.js';

test('a failure in any output of a commit leaves every old file untouched and no temporary file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'wordspace-commit-'));
  const main = join(dir, 'out.vec');
  const side = join(dir, 'out.vec.meta.json');
  writeFileSync(main, 'old vectors\n');
  writeFileSync(side, 'old meta\n');
  const failure = Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', syscall: 'write' });
  await assert.rejects(
    withOutputs(
      [
        { path: main, body: async (sink) => void (await sink.write('1 1\ncat 1\n')) },
        {
          path: side,
          body: async () => {
            throw failure;
          },
        },
      ],
      new Collector(),
    ),
    (err: Error) => err.message === `cannot write ${side}: no space left on the device`,
  );
  assert.equal(readFileSync(main, 'utf8'), 'old vectors\n');
  assert.equal(readFileSync(side, 'utf8'), 'old meta\n');
  assert.deepEqual(readdirSync(dir).sort(), ['out.vec', 'out.vec.meta.json']);
  await withOutputs(
    [
      { path: main, body: async (sink) => void (await sink.write('1 1\ncat 1\n')) },
      { path: side, body: async (sink) => void (await sink.write('{}\n')) },
    ],
    new Collector(),
  );
  assert.equal(readFileSync(main, 'utf8'), '1 1\ncat 1\n');
  assert.equal(readFileSync(side, 'utf8'), '{}\n');
});

test('a signal with a progress bar on screen gives the terminal back its cursor and line wrap', () => {
  mock.timers.enable({ apis: ['Date'], now: 0 });
  try {
    const stderr = new Collector();
    stderr.isTTY = true;
    const progress = makeProgress({ stdin: fakeStdin(), stdout: new Collector(), stderr, env: {} }, false);
    progress.stage('reading', 100, 'bytes');
    mock.timers.tick(1000); // past the delay before a bar appears
    progress.update(10);
    const shown = stderr.text();
    assert.ok(shown.includes('\x1b[?25l'), 'the bar hides the cursor');
    restoreTerminal(stderr);
    assert.ok(stderr.text().endsWith('\x1b[?25h\x1b[?7h\n'), JSON.stringify(stderr.text().slice(shown.length)));
    progress.end();
    const after = stderr.text().length;
    restoreTerminal(stderr); // no bar on screen: nothing to undo
    assert.equal(stderr.text().length, after);
  } finally {
    mock.timers.reset();
  }
});
