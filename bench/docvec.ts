/**
 * Document vectors (issue 11), side by side in one run on the movie reviews (2,000 labelled
 * reviews): 10-fold cross-validated logistic-regression accuracy (scikit-learn, bench/docvec.py
 * score) of tf-idf (sparse), LSA-100, mean and SIF of in-domain sgns vectors, PV-DBOW, and gensim's
 * Doc2Vec(dm=0, vector_size=100) with the same epochs; PV-DBOW's and gensim's training seconds;
 * and SIF against an independent numpy computation of the formula (bench/docvec.py sif).
 *
 *   npm run bench:docvec [-- --corpus FILE.csv.gz] [--epochs 20] [--threads N]
 *
 * Targets: PV-DBOW accuracy ≥ gensim's − 0.01 at ≥ 1.5× its speed; SIF cosine ≥ 0.999 per document
 * to the numpy computation. Every method sees the same whitespace tokens, lowercased, --min-count 5
 * (gensim's default). Needs /usr/bin/python3 with python3-sklearn and python3-gensim (Debian).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const root = resolve(new URL('../..', import.meta.url).pathname);
const { values } = parseArgs({
  options: {
    corpus: { type: 'string', default: resolve(root, '../shared/data/corpora/movie-reviews.csv.gz') },
    epochs: { type: 'string', default: '20' },
    threads: { type: 'string', default: String(availableParallelism()) },
  },
});
const corpus = values.corpus!;
const epochs = values.epochs!;
const threads = values.threads!;
const bin = join(root, 'bin', 'wordspace');
const python = '/usr/bin/python3';
const script = join(root, 'bench', 'docvec.py');
const dir = mkdtempSync(join(tmpdir(), 'wordspace-docvec-bench-'));
const INPUT = [corpus, '--text-column', 'text', '--id-column', 'id', '--tokenizer', 'whitespace', '--min-count', '5', '-q'];
/** Targets of issue 11. */
const ACCURACY_MARGIN = 0.01;
const SPEED_TARGET = 1.5;
const SIF_COSINE = 0.999;

function run(command: string, args: string[]): string {
  const r = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`${command} ${args.join(' ')} failed:\n${r.stderr}`);
  return r.stdout;
}
const wordspace = (args: string[]): string => run(process.execPath, [bin, ...args]);
const pythonJson = (args: string[]): Record<string, number> => JSON.parse(run(python, [script, ...args]).trim().split('\n').pop()!) as Record<string, number>;
const accuracy = (vectors: string): number => pythonJson(['score', vectors, corpus]).accuracy!;
const seconds = (vectors: string): number => (JSON.parse(readFileSync(`${vectors}.meta.json`, 'utf8')) as { seconds: number }).seconds;

try {
  const file = (name: string): string => join(dir, name);
  console.error('tf-idf, LSA-100 …');
  wordspace(['encode', 'doc', ...INPUT, '--by', 'doc', '--weight', 'tfidf', '-f', 'mtx', '-o', file('tfidf.mtx')]);
  wordspace(['encode', 'doc', ...INPUT, '--by', 'doc', '--weight', 'tfidf', '--dim', '100', '--eig', '1', '-o', file('lsa.vec')]);
  console.error('sgns word vectors, mean, SIF …');
  wordspace(['encode', 'sgns', ...INPUT, '--dim', '100', '--threads', threads, '-o', file('words.vec')]);
  wordspace(['encode', 'docvec', ...INPUT, '--method', 'mean', '--vectors', file('words.vec'), '-o', file('mean.vec')]);
  wordspace(['encode', 'docvec', ...INPUT, '--method', 'sif', '--vectors', file('words.vec'), '-o', file('sif.vec')]);
  console.error(`PV-DBOW, ${epochs} epochs …`);
  wordspace(['encode', 'docvec', ...INPUT, '--method', 'pv-dbow', '--dim', '100', '--epochs', epochs, '--threads', threads, '-o', file('pv.vec')]);
  console.error(`gensim Doc2Vec(dm=0), ${epochs} epochs …`);
  const gensim = pythonJson(['gensim', corpus, file('gensim.vec'), '--epochs', epochs, '--threads', threads, '--min-count', '5']);
  console.error('scoring …');
  const sifCheck = pythonJson(['sif', file('words.vec'), corpus, file('sif.vec'), '--min-count', '5']);
  const acc = {
    tfidf: accuracy(file('tfidf.mtx')), lsa: accuracy(file('lsa.vec')), mean: accuracy(file('mean.vec')), sif: accuracy(file('sif.vec')),
    pv: accuracy(file('pv.vec')), gensim: accuracy(file('gensim.vec')),
  };
  const pvSeconds = seconds(file('pv.vec'));
  const gensimSeconds = gensim.seconds!;
  const speed = gensimSeconds / pvSeconds;
  const accOk = acc.pv >= acc.gensim - ACCURACY_MARGIN;
  const rows: string[][] = [
    ['method', 'accuracy (10-fold LR)', 'train s', 'target', 'result'],
    ['tf-idf (sparse, encode doc)', acc.tfidf.toFixed(3), '', '', ''],
    ['LSA-100 (encode doc --dim 100)', acc.lsa.toFixed(3), '', '', ''],
    ['mean of sgns vectors', acc.mean.toFixed(3), '', '', ''],
    ['SIF of sgns vectors', acc.sif.toFixed(3), '', `cosine to numpy ≥ ${SIF_COSINE}: min ${sifCheck.min_cosine}`, sifCheck.min_cosine! >= SIF_COSINE ? 'pass' : 'miss'],
    [`PV-DBOW (${epochs} epochs, ${threads} threads)`, acc.pv.toFixed(3), pvSeconds.toFixed(1), `accuracy ≥ gensim − ${ACCURACY_MARGIN}; ≥ ${SPEED_TARGET}× faster: ${speed.toFixed(2)}×`, accOk && speed >= SPEED_TARGET ? 'pass' : `miss: ${[accOk ? '' : 'accuracy', speed >= SPEED_TARGET ? '' : 'speed'].filter(Boolean).join(', ')}`],
    [`gensim Doc2Vec dm=0 (${epochs} epochs, ${threads} workers)`, acc.gensim.toFixed(3), gensimSeconds.toFixed(1), '', ''],
  ];
  console.log(`| ${rows[0]!.join(' | ')} |\n|${rows[0]!.map(() => '---').join('|')}|`);
  for (const row of rows.slice(1)) console.log(`| ${row.join(' | ')} |`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
