/**
 * The count-file side of `encode`: `-f counts|counts-tsv` (the raw pair counts, for `wordspace merge`)
 * and `--counts FILE` (start from merged counts instead of a corpus).
 */
import { InputError, UsageError } from '../core/errors.js';
import type { Matrix } from '../core/matrix.js';
import { corpusFromPairCounts, pairsOfSymmetric } from '../counts/cooc-counts.js';
import { openPairCountFiles } from '../counts/merge.js';
import { COUNT_FORMATS, inferCountFormat, PairCountOutput, type CountFormat } from '../counts/write.js';
import type { Corpus } from '../corpus/corpus.js';
import type { Encoder, EncoderOptions } from '../encoders/types.js';
import { withOutput } from '../io/output.js';
import type { CliIO } from './context.js';

interface CountFlags {
  output: string;
  format?: string;
}

/** The count format asked for (`-f`, or a `.counts` output name), for encoders that can write one. */
export function countOutputFormat(encoder: Encoder, flags: CountFlags): CountFormat | undefined {
  if (encoder.input !== 'corpus' || !encoder.countsOutput) return undefined;
  return COUNT_FORMATS.find((f) => f === flags.format) ?? (flags.format === undefined && flags.output !== '-' ? inferCountFormat(flags.output) : undefined);
}

/** Count files hold raw counts: PPMI and SVD are applied when encoding from them. */
export function checkCountOutput(options: EncoderOptions): void {
  if (options.weight !== 'count' || options.dim !== undefined) {
    throw new UsageError('-f counts writes the raw co-occurrence counts', 'drop --weight ppmi and --dim here, and give them to `encode cooc --counts`');
  }
}

/** A corpus standing for merged pair counts; the window and weighting become those they were counted with. */
export async function countsCorpus(encoder: Encoder, path: string, inputs: string[], options: EncoderOptions): Promise<Corpus> {
  if (inputs.length > 0) throw new UsageError('--counts replaces the corpus', `give either --counts ${path} or input files, not both`);
  const [reader] = openPairCountFiles([path]);
  const header = reader!.header;
  const words = reader!.words;
  // Count files are sorted by (a, b): checked here, so the matrix is built without sorting.
  let capacity = 1 << 16;
  let a = new Uint32Array(capacity);
  let b = new Uint32Array(capacity);
  let w = new Float64Array(capacity);
  let n = 0;
  const entry: [number, number, number] = [0, 0, 0];
  while (reader!.nextPair(entry)) {
    if (n === capacity) {
      capacity *= 2;
      const [a2, b2, w2] = [new Uint32Array(capacity), new Uint32Array(capacity), new Float64Array(capacity)];
      a2.set(a);
      b2.set(b);
      w2.set(w);
      [a, b, w] = [a2, b2, w2];
    }
    if (n > 0 && (entry[0] < a[n - 1]! || (entry[0] === a[n - 1] && entry[1] <= b[n - 1]!))) {
      throw new InputError(`${path}: the pairs are not sorted (entry ${n + 1})`, 'count files are written sorted by `encode cooc -f counts` and `wordspace merge`; write it again');
    }
    a[n] = entry[0];
    b[n] = entry[1];
    w[n++] = entry[2];
  }
  options.window = header.window;
  if (encoder.options.some((o) => o.flags.startsWith('--distance-weighting'))) options.distanceWeighting = header.distanceWeighting;
  return corpusFromPairCounts(words, {
    window: header.window ?? 0,
    distanceWeighting: header.distanceWeighting ?? 'none',
    a: a.subarray(0, n),
    b: b.subarray(0, n),
    weight: w.subarray(0, n),
    sorted: true,
    source: path,
  });
}

/** Write the co-occurrence count matrix as mergeable pair counts. */
export async function writePairCounts(matrix: Matrix, corpus: Corpus, format: CountFormat, flags: { output: string } & Record<string, unknown>, options: EncoderOptions, io: CliIO): Promise<number> {
  if (matrix.kind !== 'sparse') throw new Error('pair counts come from a sparse count matrix');
  if (format === 'counts' && flags.output === '-' && io.stdout.isTTY) throw new UsageError('refusing to write a binary count file to a terminal', 'give -o FILE, or pipe the output elsewhere');
  const pairs = pairsOfSymmetric(matrix);
  await withOutput(flags.output, io.stdout, async (sink) => {
    const out = new PairCountOutput(sink, format, corpus.vocab.words);
    await out.begin({
      kind: 'cooc',
      tokenizer: flags.tokenizer as string,
      keepCase: flags.keepCase as boolean,
      window: options.window as number,
      distanceWeighting: options.distanceWeighting as string,
    });
    await out.batch(pairs.a, pairs.b, pairs.weight);
    await out.finish();
  }, { force: flags.force === true });
  return pairs.a.length;
}
