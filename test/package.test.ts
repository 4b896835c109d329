/**
 * The npm package: the tarball holds what runs (built JavaScript, declarations, the wasm kernels,
 * the bundled data, README, licence) and nothing else, and a separate package can import it by name
 * and type-check against it. The tarball is installed by hand (extracted into the consumer's
 * node_modules, dependencies linked from ours) so the test needs no network; `.ci/run` also
 * installs it globally with npm (scripts/check-package.sh).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
let dir: string;
let packed: PackReport;

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'wordspace-package-'));
  packed = pack();
});
after(() => rmSync(dir, { recursive: true, force: true }));

interface PackReport {
  filename: string;
  files: { path: string }[];
}

/** `npm pack` into the test's directory, without the prepack build (the test build has just run). */
function pack(): PackReport {
  const args = ['pack', '--json', '--ignore-scripts', '--pack-destination', dir];
  const out = execFileSync(npm, args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return (JSON.parse(out) as PackReport[])[0]!;
}

/** What a package may hold: the CLI, the built library (no tests, no bench), the kernels, the data. */
const ALLOWED = [/^package\.json$/, /^README\.md$/, /^README\.zh-CN\.md$/, /^LICENSE$/, /^bin\/wordspace$/, /^dist\/src\/.+\.(js|d\.ts)$/, /^dist\/wasm\/[a-z0-9-]+\.wasm$/, /^dist\/wasm\/unicode-[0-9.]+\.bin$/, /^data\//];

test('npm pack ships the built CLI, library, declarations, kernels, data, README and licence — and nothing else', () => {
  const files = packed.files.map((f) => f.path).sort();
  for (const needed of ['bin/wordspace', 'dist/src/cli/main.js', 'dist/src/index.js', 'dist/src/index.d.ts', 'dist/src/encoders/word2vec/worker.js', 'dist/wasm/word2vec.wasm', 'dist/wasm/glove.wasm', `dist/wasm/unicode-${process.versions.unicode}.bin`, 'data/us-speeches.txt.gz', 'data/eval/EN-WS-353-ALL.txt', 'data/eval/questions-words.txt', 'README.md', 'LICENSE', 'package.json']) {
    assert.ok(files.includes(needed), `${needed} missing from the package`);
  }
  const stray = files.filter((f) => !ALLOWED.some((re) => re.test(f)));
  assert.deepEqual(stray, [], 'files that do not belong in the package');
});

test('package.json: the bin, exports and types name files the package holds; prepack builds', () => {
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
    bin: Record<string, string>;
    exports: Record<string, { types: string; default: string } | string>;
    types: string;
    scripts: Record<string, string>;
  };
  const files = new Set(packed.files.map((f) => f.path));
  const main = manifest.exports['.'] as { types: string; default: string };
  for (const path of [manifest.bin.wordspace!, main.types, main.default, manifest.types]) {
    assert.ok(files.has(path.replace(/^\.\//, '')), `${path} is not in the package`);
  }
  // bin/wordspace imports the built CLI from where the package puts it.
  const binImport = /from '\.\.\/(dist\/[^']+)'/.exec(readFileSync(join(root, 'bin', 'wordspace'), 'utf8'))?.[1];
  assert.ok(binImport && files.has(binImport), `bin/wordspace imports ${binImport}`);
  assert.match(manifest.scripts.prepack ?? '', /build/);
});

test('a separate package imports wordspace by name, runs it, and type-checks against its declarations', () => {
  const tarball = join(dir, packed.filename);
  const consumer = join(dir, 'consumer');
  const installed = join(consumer, 'node_modules', 'wordspace');
  mkdirSync(installed, { recursive: true });
  for (const file of readdirSync(join(root, 'fixtures', 'consumer'))) copyFileSync(join(root, 'fixtures', 'consumer', file), join(consumer, file));
  execFileSync('tar', ['xzf', tarball, '-C', installed, '--strip-components=1']);
  // The package's own dependencies (and @types/node for tsc), as npm would have installed them.
  symlinkSync(join(root, 'node_modules'), join(installed, 'node_modules'), 'dir');
  symlinkSync(join(root, 'node_modules', '@types'), join(consumer, 'node_modules', '@types'), 'dir');
  assert.ok(!existsSync(join(installed, 'test')) && !existsSync(join(installed, 'src')), 'the sources and tests stay out of the package');

  const out = execFileSync(process.execPath, ['index.mjs'], { cwd: consumer, encoding: 'utf8' });
  const report = JSON.parse(out) as Record<string, unknown>;
  // corpus.txt is "a b / a c": a twice, then b and c once (ordered by count, then word).
  assert.deepEqual(report.vocabulary, ['a', 'b', 'c']);
  // Window-1 counts, symmetric: a–b and a–c once each → rows a: {b 1, c 1}, b: {a 1}, c: {a 1}.
  assert.deepEqual(report.cells, [1, 1, 1, 1]);
  assert.match(report.mtxBanner as string, /^%%MatrixMarket matrix coordinate/);
  // b and c have the same row {a: 1}: cosine 1.
  assert.deepEqual(report.nearest, { word: 'c', index: 2, score: 1 });
  assert.equal(report.fromMatrix, 1);
  assert.deepEqual(report.methods, ['onehot', 'features', 'doc', 'cooc', 'autoencoder', 'sgns', 'cbow', 'glove', 'fasttext', 'docvec']);
  assert.match(report.usage as string, /--window/);
  assert.equal(report.input, 'InputError');

  const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  const checked = (() => {
    try {
      return execFileSync(process.execPath, [tsc, '-p', consumer], { cwd: consumer, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (err) {
      const e = err as { stdout?: string; stderr?: string };
      assert.fail(`tsc failed on the consumer:\n${e.stdout ?? ''}${e.stderr ?? ''}`);
    }
  })();
  assert.equal(checked.trim(), '');
});
