/**
 * A fastText model as far as word vectors need it (fastText's `FastText` facade with its `Args`,
 * `Dictionary` and input matrix): the dictionary, the hashing parameters and the input rows — one
 * per dictionary entry, then one per n-gram bucket. The output matrix (what training predicts) is
 * kept only for a model trained here (no query reads it; writing a `.bin` does).
 */
import { DenseMatrix, makeMeta, type Matrix } from '../../core/matrix.js';
import { BOW, EOS, EOW, fastTextHash, forEachNgram } from './subwords.js';

/** fastText's `model_name` and `loss_name` enums (src/args.h), as saved in a `.bin`. */
export const FASTTEXT_MODELS: Readonly<Record<number, string>> = { 1: 'cbow', 2: 'skipgram', 3: 'supervised' };
export const FASTTEXT_LOSSES: Readonly<Record<number, string>> = { 1: 'hs', 2: 'ns', 3: 'softmax', 4: 'ova' };
export const SUPERVISED = 3;

/** fastText's `Args` as `Args::save` writes them (src/args.cc): twelve int32 and a double. */
export interface FastTextArgs {
  dim: number;
  ws: number;
  epoch: number;
  minCount: number;
  neg: number;
  wordNgrams: number;
  loss: number;
  model: number;
  bucket: number;
  minn: number;
  maxn: number;
  lrUpdateRate: number;
  t: number;
}

/** A dictionary entry's type (`entry_type`, int8): a word, or a label of a supervised model (`__label__…`). */
export const ENTRY_WORD = 0;
export const ENTRY_LABEL = 1;

export interface FastTextDictionary {
  /** Every entry: the nwords words (in fastText's order, `</s>` among them), then the nlabels labels. */
  entries: string[];
  counts: Float64Array;
  types: Uint8Array;
  nwords: number;
  nlabels: number;
  ntokens: number;
  /**
   * `pruneidx_size_`: −1 for a model that was never pruned (every bucket is a row), 0 for one
   * whose n-grams were all pruned, > 0 for the size of `pruneidx` (bucket → kept row).
   */
  pruneSize: number;
  pruneidx: Map<number, number>;
}

export class FastTextModel {
  private readonly index = new Map<string, number>();

  /**
   * @param input the input matrix, `rows × args.dim` row-major: row i < nwords is word i, row
   *   nwords + b is n-gram bucket b
   */
  constructor(
    readonly version: number,
    readonly args: FastTextArgs,
    readonly dictionary: FastTextDictionary,
    readonly input: Float32Array,
    readonly rows: number,
    /** The output matrix (nwords × dim for skip-gram and CBOW), when known. */
    readonly output?: Float32Array,
  ) {
    for (let i = 0; i < dictionary.nwords; i++) if (!this.index.has(dictionary.entries[i]!)) this.index.set(dictionary.entries[i]!, i);
  }

  get dim(): number {
    return this.args.dim;
  }

  /** The in-vocabulary words (fastText's `nwords` first entries, labels excluded). */
  get words(): string[] {
    return this.dictionary.entries.slice(0, this.dictionary.nwords);
  }

  /** Dictionary id of a word, or -1 (labels are not words). */
  idOf(word: string): number {
    return this.index.get(word) ?? -1;
  }

  /**
   * The input rows whose mean is a word's vector (fastText's `Dictionary::getSubwords(word)`):
   * the word's own id when it is in the vocabulary, then (unless it is `</s>`) the rows of its
   * n-grams — `nwords + hash(ngram) mod bucket`, through `pruneidx` for a pruned model.
   */
  subwordIds(word: string): number[] {
    const { nwords, pruneSize, pruneidx } = this.dictionary;
    const ids: number[] = [];
    const id = this.idOf(word);
    if (id >= 0) ids.push(id);
    if (word === EOS || this.args.bucket <= 0 || pruneSize === 0) return ids;
    const wrapped = Buffer.from(BOW + word + EOW, 'utf8');
    forEachNgram(wrapped, this.args, (start, end) => {
      const bucket = fastTextHash(wrapped, start, end) % this.args.bucket;
      if (pruneSize > 0) {
        const kept = pruneidx.get(bucket);
        if (kept !== undefined) ids.push(nwords + kept);
      } else ids.push(nwords + bucket);
    });
    return ids;
  }

  /**
   * A word's vector into `out` (length dim), as fastText's `getWordVector`: the mean of its
   * subword rows (sum / count), zeros when it has none. Returns how many rows were averaged.
   */
  wordVector(word: string, out: Float32Array | Float64Array): number {
    return this.meanOfRows(this.subwordIds(word), out);
  }

  /** The mean of some input rows into `out` (zeros for none), summed in float64. */
  meanOfRows(ids: readonly number[], out: Float32Array | Float64Array): number {
    const dim = this.args.dim;
    const sum = new Float64Array(dim);
    for (const id of ids) {
      const base = id * dim;
      for (let j = 0; j < dim; j++) sum[j]! += this.input[base + j]!;
    }
    const scale = ids.length > 0 ? 1 / ids.length : 0;
    for (let j = 0; j < dim; j++) out[j] = sum[j]! * scale;
    return ids.length;
  }

  /**
   * The vectors of every in-vocabulary word (what `fasttext print-word-vectors` prints for them and
   * what fastText's `.vec` file holds), as a labelled matrix whose metadata keeps the model's
   * parameters.
   */
  wordMatrix(source: string): DenseMatrix {
    const { nwords } = this.dictionary;
    const dim = this.args.dim;
    const data = new Float32Array(nwords * dim);
    const words = this.words;
    for (let i = 0; i < nwords; i++) this.wordVector(words[i]!, data.subarray(i * dim, (i + 1) * dim));
    return new DenseMatrix(words, null, dim, data, makeMeta('fasttext', this.options(), { source, vocabularySize: nwords }));
  }

  /** The training parameters as metadata options (named as fastText's flags). */
  options(): Record<string, unknown> {
    const a = this.args;
    return {
      model: FASTTEXT_MODELS[a.model] ?? a.model,
      loss: FASTTEXT_LOSSES[a.loss] ?? a.loss,
      dim: a.dim,
      ws: a.ws,
      epoch: a.epoch,
      minCount: a.minCount,
      neg: a.neg,
      wordNgrams: a.wordNgrams,
      bucket: a.bucket,
      minn: a.minn,
      maxn: a.maxn,
      lrUpdateRate: a.lrUpdateRate,
      t: a.t,
      fileVersion: this.version,
    };
  }
}

/** The fastText model behind a matrix of word vectors (read from a `.bin`, or trained by `encode fasttext`). */
const MODELS = new WeakMap<Matrix, FastTextModel>();

/** Attach the model a matrix of word vectors came from (queries build unseen words from it; `-o X.bin` writes it). */
export function attachFastTextModel(matrix: Matrix, model: FastTextModel): void {
  MODELS.set(matrix, model);
}

export function fastTextModelOf(matrix: Matrix): FastTextModel | undefined {
  return MODELS.get(matrix);
}
