/**
 * The Chinese quick start (README.zh-CN.md) runs as written: every ```sh line, one by one under
 * `bash -o pipefail`, in a temporary directory where `wordspace` is the built binary and `./bin`,
 * `data` and `fixtures` are the repository's; some outputs are checked beyond exit status 0.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const readme = readFileSync(join(root, 'README.zh-CN.md'), 'utf8');
const lines = [...readme.matchAll(/^```sh\n([\s\S]*?)^```$/gm)]
  .flatMap((m) => m[1]!.split('\n'))
  .map((l) => l.trim())
  .filter((l) => l !== '' && !l.startsWith('#'));

let dir: string;
let env: NodeJS.ProcessEnv;

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'wordspace-readme-zh-'));
  for (const name of ['bin', 'data', 'fixtures']) symlinkSync(join(root, name), join(dir, name), 'dir');
  const shims = join(dir, '.shims');
  mkdirSync(shims);
  symlinkSync(join(root, 'bin', 'wordspace'), join(shims, 'wordspace'));
  writeShim(join(shims, 'npm'), '#!/bin/sh\ncase "$*" in "ci"|"run build") exit 0;; esac\necho "npm $*: not run by the README test" >&2\nexit 1\n');
  env = { ...process.env, PATH: `${shims}:${process.env.PATH ?? ''}`, NO_COLOR: '1' };
});
after(() => rmSync(dir, { recursive: true, force: true }));

function writeShim(path: string, text: string): void {
  writeFileSync(path, text);
  chmodSync(path, 0o755);
}

/** Checks of what some lines print. */
const EXPECT: [RegExp, (out: string) => void][] = [
  [/encode onehot/, (out) => {
    const [header, ...rows] = out.trimEnd().split('\n');
    assert.ok(header!.includes('天下'), header);
    for (const row of rows) assert.equal(row.split('\t').slice(1).filter((v) => v === '1').length, 1, row);
  }],
  [/similar sanguo\.vec 孔明/, (out) => {
    const kongming = out.split('\n').filter((l) => l.startsWith('孔明\t')).map((l) => l.split('\t')[2]);
    assert.equal(kongming.length, 5);
    // The chapters of the three visits call him 先生 and 卧龙.
    assert.ok(kongming.includes('先生') || kongming.includes('卧龙'), kongming.join(', '));
  }],
  [/^wordspace compare/, (out) => assert.match(out.split('\n')[0]!, /^method\tzh-sanguo-courtesy\tcoverage\t/)],
];

test('the Chinese quick start has examples', () => assert.ok(lines.length >= 8, `${lines.length} lines`));

for (const line of lines) {
  test(`README.zh-CN: ${line}`, () => {
    const r = spawnSync('bash', ['-o', 'pipefail', '-c', line], { cwd: dir, env, encoding: 'utf8', maxBuffer: 1 << 26 });
    assert.equal(r.status, 0, `exit ${r.status}: ${r.stderr}`);
    for (const [re, check] of EXPECT) if (re.test(line)) check(r.stdout);
  });
}
