/**
 * The npy and projector formats: bytes and files as written, read back in JS, loaded by numpy.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { after, test } from 'node:test';
import { DenseMatrix, makeMeta } from '../src/core/matrix.js';
import { readMatrix, writeMatrixFile } from '../src/io/formats/index.js';
import { runCli } from './helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'ws-npy-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const numpy = spawnSync('/usr/bin/python3', ['-c', 'import numpy']).status === 0;
const NO_NUMPY = !numpy && 'numpy is not installed for /usr/bin/python3 (apt-get install python3-numpy)';

/** Labels a one-per-line or word2vec file could get wrong: spaces, a colon, a comma, non-ASCII, __proto__. */
const LABELS = ['notes.txt:3', 'a b', 'new,york', '猫', '__proto__'];
const VALUES = [0.5, -1.25, 3, 0, 0.125, -2, 1e-3, 100, -0.5, 7, 0, 0.25, -3.5, 2, 1];
const matrix = (): DenseMatrix => new DenseMatrix(LABELS.slice(), null, 3, Float32Array.from(VALUES), makeMeta('test', { note: 'kept' }));

test('npy: the bytes are NumPy format 1.0 (<f4, C order, (rows, cols), data 64-byte aligned), labels in X.rows.txt, meta in X.npy.meta.json', async () => {
  const path = join(dir, 'm.npy');
  await writeMatrixFile(matrix(), path, 'npy', new PassThrough());
  const bytes = readFileSync(path);
  assert.deepEqual([...bytes.subarray(0, 8)], [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
  const headerLength = bytes.readUInt16LE(8);
  assert.equal((10 + headerLength) % 64, 0);
  const header = bytes.subarray(10, 10 + headerLength).toString('latin1');
  assert.match(header, /^\{'descr': '<f4', 'fortran_order': False, 'shape': \(5, 3\), \} *\n$/);
  const data = bytes.subarray(10 + headerLength);
  assert.equal(data.length, VALUES.length * 4);
  VALUES.forEach((v, k) => assert.equal(data.readFloatLE(4 * k), Math.fround(v)));
  assert.equal(readFileSync(join(dir, 'm.rows.txt'), 'utf8'), `${LABELS.join('\n')}\n`);
  assert.equal(JSON.parse(readFileSync(`${path}.meta.json`, 'utf8')).options.note, 'kept');
});

test('npy: round trip in JS (labels, values, meta), found by extension and by content', async () => {
  const path = join(dir, 'round.npy');
  await writeMatrixFile(matrix(), path, 'npy', new PassThrough());
  for (const read of [await readMatrix(path), await readMatrix(path, { format: 'npy' })]) {
    assert.deepEqual(read.rows, LABELS);
    assert.equal(read.kind, 'dense');
    assert.deepEqual(Array.from((read as DenseMatrix).data), VALUES.map(Math.fround));
    assert.equal(read.meta.options.note, 'kept');
  }
  // Content decides for a name that says nothing: labels from `<name>.rows.txt`.
  const odd = join(dir, 'odd.data');
  writeFileSync(odd, readFileSync(path));
  writeFileSync(join(dir, 'odd.data.rows.txt'), readFileSync(join(dir, 'round.rows.txt')));
  assert.deepEqual((await readMatrix(odd)).rows, LABELS);
});

test('npy: a missing labels file is one clear error; labels that do not match the rows too', async () => {
  const path = join(dir, 'nolabels.npy');
  await writeMatrixFile(matrix(), path, 'npy', new PassThrough());
  unlinkSync(join(dir, 'nolabels.rows.txt'));
  const r = await runCli(['similar', path, 'a b']);
  assert.equal(r.code, 1);
  assert.equal(r.stderr.trimEnd().split('\n').length, 1, r.stderr);
  assert.match(r.stderr, /^wordspace: .*nolabels\.npy has no row labels: .*nolabels\.rows\.txt is missing \(write the labels there, one per line \(5 lines\)/);
  writeFileSync(join(dir, 'nolabels.rows.txt'), 'one\ntwo\n');
  await assert.rejects(readMatrix(path), /holds 2 labels for the 5 rows/);
});

test('npy: standard output is refused (the labels need a file beside it)', async () => {
  const src = join(dir, 'src.vec');
  writeFileSync(src, '2 2\na 1 2\nb 3 4\n');
  const r = await runCli(['convert', src, '-', '--to', 'npy']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /npy format writes a file with its row labels beside it, not standard output/);
});

test('npy: numpy.load reads what we write (float32, C order, shape, values) and labels line up', { skip: NO_NUMPY }, async () => {
  const path = join(dir, 'np.npy');
  await writeMatrixFile(matrix(), path, 'npy', new PassThrough());
  const py = spawnSync('/usr/bin/python3', ['-c', `
import numpy as np, sys, json
a = np.load(sys.argv[1])
print(json.dumps({'dtype': str(a.dtype), 'shape': list(a.shape), 'c': bool(a.flags['C_CONTIGUOUS']), 'values': a.ravel().astype(float).tolist(), 'labels': open(sys.argv[2], encoding='utf-8').read().splitlines()}))
`, path, join(dir, 'np.rows.txt')], { encoding: 'utf8' });
  assert.equal(py.status, 0, py.stderr);
  const got = JSON.parse(py.stdout) as { dtype: string; shape: number[]; c: boolean; values: number[]; labels: string[] };
  assert.deepEqual(got, { dtype: 'float32', shape: [5, 3], c: true, values: VALUES.map(Math.fround), labels: LABELS });
});

test('npy: what numpy.save writes is read: float64, Fortran order, big-endian float32', { skip: NO_NUMPY }, async () => {
  const base = join(dir, 'from-numpy');
  const py = spawnSync('/usr/bin/python3', ['-c', `
import numpy as np, sys
a = np.array([[1.5, -2, 0.25], [3, 4e-3, -5]])
np.save(sys.argv[1] + '-f8.npy', a)
np.save(sys.argv[1] + '-fortran.npy', np.asfortranarray(a.astype('<f4')))
np.save(sys.argv[1] + '-be.npy', a.astype('>f4'))
`, base], { encoding: 'utf8' });
  assert.equal(py.status, 0, py.stderr);
  for (const kind of ['f8', 'fortran', 'be']) {
    writeFileSync(`${base}-${kind}.rows.txt`, 'x\ny\n');
    const m = (await readMatrix(`${base}-${kind}.npy`)) as DenseMatrix;
    assert.deepEqual(m.rows, ['x', 'y']);
    const expected = [1.5, -2, 0.25, 3, 4e-3, -5];
    assert.deepEqual(Array.from(m.data), kind === 'f8' ? expected : expected.map(Math.fround), kind);
  }
});

test('projector: DIR/vectors.tsv (no labels), DIR/metadata.tsv (one column, no header), DIR/projector_config.pbtxt; read back', async () => {
  const out = join(dir, 'proj');
  const r = await runCli(['convert', join(dir, 'round.npy'), out, '--to', 'projector']);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(readdirSync(out).sort(), ['metadata.tsv', 'projector_config.pbtxt', 'vectors.tsv']);
  assert.equal(readFileSync(join(out, 'vectors.tsv'), 'utf8'), '0.5\t-1.25\t3\n0\t0.125\t-2\n0.001\t100\t-0.5\n7\t0\t0.25\n-3.5\t2\t1\n');
  assert.equal(readFileSync(join(out, 'metadata.tsv'), 'utf8'), `${LABELS.join('\n')}\n`);
  assert.equal(readFileSync(join(out, 'projector_config.pbtxt'), 'utf8'), 'embeddings {\n  tensor_path: "vectors.tsv"\n  metadata_path: "metadata.tsv"\n}\n');
  const back = (await readMatrix(out)) as DenseMatrix;
  assert.deepEqual(back.rows, LABELS);
  assert.deepEqual(Array.from(back.data), VALUES.map(Math.fround));
  // No temporary directory left beside it.
  assert.deepEqual(readdirSync(dir).filter((n) => n.endsWith('.tmp')), []);
});

test('projector: an earlier output is replaced; a directory holding other files is refused unless --force; standard output and a file are refused', async () => {
  const src = join(dir, 'two.vec');
  writeFileSync(src, '2 2\na 1 2\nb 3 4\n');
  const out = join(dir, 'proj2');
  assert.equal((await runCli(['convert', join(dir, 'round.npy'), out, '--to', 'projector'])).code, 0);
  assert.equal((await runCli(['convert', src, out, '--to', 'projector'])).code, 0);
  assert.equal(readFileSync(join(out, 'vectors.tsv'), 'utf8'), '1\t2\n3\t4\n');
  writeFileSync(join(out, 'mine.txt'), 'keep me');
  const refused = await runCli(['convert', join(dir, 'round.npy'), out, '--to', 'projector']);
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /refusing to write into .*proj2: it holds other files \("mine\.txt"\) \(give a new directory, or --force/);
  assert.equal(readFileSync(join(out, 'vectors.tsv'), 'utf8'), '1\t2\n3\t4\n');
  const forced = await runCli(['convert', join(dir, 'round.npy'), out, '--to', 'projector', '--force']);
  assert.equal(forced.code, 0, forced.stderr);
  assert.equal(readFileSync(join(out, 'metadata.tsv'), 'utf8'), `${LABELS.join('\n')}\n`);
  assert.equal(readFileSync(join(out, 'mine.txt'), 'utf8'), 'keep me');
  assert.equal((await runCli(['convert', src, '-', '--to', 'projector'])).code, 2);
  const file = join(dir, 'afile');
  writeFileSync(file, 'x');
  const onFile = await runCli(['convert', src, file, '--to', 'projector']);
  assert.equal(onFile.code, 1);
  assert.match(onFile.stderr, /it is not a directory/);
  mkdirSync(join(dir, 'empty'));
  assert.equal((await runCli(['convert', src, join(dir, 'empty'), '--to', 'projector'])).code, 0);
  assert.ok(existsSync(join(dir, 'empty', 'vectors.tsv')));
});

test('projector: tabs and line breaks in labels become spaces, with one warning', async () => {
  const m = new DenseMatrix(['a\tb', 'c\nd', 'e'], null, 1, Float32Array.from([1, 2, 3]), makeMeta('test', {}));
  const warnings: string[] = [];
  const out = join(dir, 'proj3');
  await writeMatrixFile(m, out, 'projector', new PassThrough(), { warn: (w) => warnings.push(w) });
  assert.equal(readFileSync(join(out, 'metadata.tsv'), 'utf8'), 'a b\nc d\ne\n');
  assert.equal(warnings.length, 1);
  assert.match(warnings[0]!, /^2 labels \(e\.g\. "a\\tb"\) hold tabs or line breaks/);
});

test('encode -f npy and -f projector write document vectors', async () => {
  const docs = join(dir, 'docs.txt');
  writeFileSync(docs, 'a b\nb c\n');
  const vectors = join(dir, 'w.vec');
  writeFileSync(vectors, '3 2\na 1 0\nb 0 1\nc 1 1\n');
  const npy = join(dir, 'docs.npy');
  assert.equal((await runCli(['encode', 'docvec', docs, '--docs', 'line', '--method', 'mean', '--vectors', vectors, '-q', '-f', 'npy', '-o', npy])).code, 0);
  const m = (await readMatrix(npy)) as DenseMatrix;
  assert.deepEqual(m.rows, [`${docs}:1`, `${docs}:2`]);
  assert.deepEqual(Array.from(m.data), [0.5, 0.5, 0.5, 1]);
  assert.equal(m.meta.method, 'docvec');
  const proj = join(dir, 'docs-proj');
  const r = await runCli(['encode', 'docvec', docs, '--docs', 'line', '--method', 'mean', '--vectors', vectors, '-q', '-f', 'projector', '-o', proj]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(readFileSync(join(proj, 'vectors.tsv'), 'utf8'), '0.5\t0.5\n0.5\t1\n');
  assert.equal(readFileSync(join(proj, 'metadata.tsv'), 'utf8'), `${docs}:1\n${docs}:2\n`);
});
