import type { Progress } from '../../core/progress.js';
import { InputError } from '../../core/errors.js';
import { Random } from '../../core/random.js';
import type { Corpus } from '../../corpus/corpus.js';
import { PIECE_ENTRIES } from '../word2vec/kernel.js';
import { aliasTable, keepProbabilities, negativeWeights, sigmoidTable } from '../word2vec/tables.js';
import { threadWork, trainOnWorkers } from '../word2vec/train.js';
import {
  createFastTextMemory, FastTextKernel, fastTextConstants, loadFastTextModule, matrixOf, planFastTextLayout, writeFastTextTables,
  type FastTextLayout,
} from './kernel.js';
import { ENTRY_WORD, FastTextModel, type FastTextArgs, type FastTextDictionary } from './model.js';
import { EOS, ngramBuckets, type SubwordParameters } from './subwords.js';
import type { FastTextInit } from './init.js';
import type { FastTextWorkerInput } from './worker.js';

/** A thread gets at least one piece of work; smaller corpora use fewer threads. */
const MIN_ENTRIES_PER_THREAD = PIECE_ENTRIES;

/** fastText's `model_name` and `loss_name` values saved in a `.bin` (src/args.h). */
const MODEL_CBOW = 1;
const MODEL_SKIPGRAM = 2;
const LOSS_NS = 2;
/** fastText's defaults for what this trainer does not vary: `-wordNgrams 1`, `-lrUpdateRate 100`. */
const WORD_NGRAMS = 1;
const LR_UPDATE_RATE = 100;
/** The `.bin` file version written (fastText 0.9's FASTTEXT_VERSION). */
const FILE_VERSION = 12;

export interface FastTextParams extends SubwordParameters {
  cbow: boolean;
  dim: number;
  window: number;
  negative: number;
  sample: number;
  alpha: number;
  epochs: number;
  threads: number;
  seed: number;
  minCount: number;
  /** Continue from a model (`--init`, src/encoders/fasttext/init.ts). */
  init?: FastTextInit;
}

export interface FastTextResult {
  /** The model as fastText's `.bin` holds it (dictionary with `</s>`, input and output matrices). */
  model: FastTextModel;
  /** The vocabulary words' vectors (mean of their word and n-gram rows), vocabulary × dim. */
  vectors: Float32Array;
  threads: number;
  wordsTrained: number;
  seconds: number;
}

/**
 * Each vocabulary word's input rows, as fastText's `Dictionary::getSubwords`: the word's own row,
 * then `V + hash(ngram) mod bucket` for each n-gram of `<word>` (none for `</s>`), in CSR form.
 */
export function subwordTable(words: readonly string[], params: SubwordParameters): { offsets: Int32Array; rows: Int32Array } {
  const offsets = new Int32Array(words.length + 1);
  const rows: number[] = [];
  for (let w = 0; w < words.length; w++) {
    rows.push(w);
    if (words[w] !== EOS) for (const b of ngramBuckets(words[w]!, params)) rows.push(words.length + b);
    offsets[w + 1] = rows.length;
  }
  return { offsets, rows: Int32Array.from(rows) };
}

/**
 * Train fastText's subword skip-gram or CBOW with negative sampling on `params.threads` worker
 * threads sharing the weights (Hogwild), and return the model and the vocabulary's vectors.
 */
export async function trainFastText(corpus: Corpus, params: FastTextParams, progress: Progress): Promise<FastTextResult> {
  const stream = corpus.stream;
  const tokens = stream.tokens;
  if (tokens === 0) throw new InputError('no in-vocabulary tokens to train on', 'lower --min-count or check the input');
  const words = corpus.vocab.words;
  const vocabSize = corpus.vocab.size;
  // fastText's Args: no n-grams (maxn 0) means no buckets.
  const bucket = params.maxn > 0 ? params.bucket : 0;
  const subwords = subwordTable(words, { ...params, bucket });
  const module = await loadFastTextModule();
  const constants = fastTextConstants(module);
  const threads = Math.max(1, Math.min(params.threads, Math.floor((tokens + stream.sentences) / MIN_ENTRIES_PER_THREAD)));
  const layout = planFastTextLayout(vocabSize, bucket, params.dim, subwords.rows.length, threads, constants);
  const memory = createFastTextMemory(layout);
  const weights = aliasTable(negativeWeights(corpus.vocab.counts));
  writeFastTextTables(memory, layout, {
    sigmoid: sigmoidTable(constants.sigmoidTableSize, constants.sigmoidBound),
    keep: keepProbabilities(corpus.vocab.counts, tokens, params.sample),
    aliasProbability: weights.probability,
    aliasIndex: weights.alias,
    offsets: subwords.offsets,
    rows: subwords.rows,
  });
  const shape = { window: params.window, negative: params.negative, cbow: params.cbow };
  const random = new Random(params.seed);
  const initialiser = new FastTextKernel(module, memory, layout, undefined, shape);
  initialiser.seed(random.nextInt32(), random.nextInt32());
  initialiser.initialiseInput();
  if (params.init) copyModelRows(memory, layout, params.init);

  const work = threadWork(stream, threads);
  const counter = new SharedArrayBuffer(BigInt64Array.BYTES_PER_ELEMENT);
  const totalWords = params.epochs * tokens;
  const inputs: FastTextWorkerInput[] = [];
  for (let w = 0; w < threads; w++) {
    inputs.push({
      module, memory, layout, slot: w, shape,
      ...work,
      seed: [random.nextInt32(), random.nextInt32()],
      counter, epochs: params.epochs, alpha: params.alpha, totalWords,
    });
  }
  const seconds = await trainOnWorkers(inputs, progress, counter, params.alpha, totalWords, new URL('./worker.js', import.meta.url), 'fastText');

  // fastText's dictionary holds `</s>` (its end-of-line token); ours ends sentences without a token,
  // so `</s>` gets the spare row in front of the words (initialised, never trained) unless the corpus has such a word.
  const spare = !corpus.vocab.words.includes(EOS);
  const model = new FastTextModel(
    FILE_VERSION,
    fastTextArgs(params, bucket),
    dictionaryOf(corpus, spare),
    matrixOf(memory, layout, 'input', spare),
    vocabSize + bucket + (spare ? 1 : 0),
    matrixOf(memory, layout, 'output', spare),
  );
  const vectors = new Float32Array(vocabSize * params.dim);
  const shift = spare ? 1 : 0;
  for (let w = 0; w < vocabSize; w++) {
    const ids: number[] = [];
    for (let i = subwords.offsets[w]!; i < subwords.offsets[w + 1]!; i++) ids.push(subwords.rows[i]! + shift);
    model.meanOfRows(ids, vectors.subarray(w * params.dim, (w + 1) * params.dim));
  }
  return { model, vectors, threads, wordsTrained: totalWords, seconds };
}

function fastTextArgs(params: FastTextParams, bucket: number): FastTextArgs {
  return {
    dim: params.dim,
    ws: params.window,
    epoch: params.epochs,
    minCount: params.minCount,
    neg: params.negative,
    wordNgrams: WORD_NGRAMS,
    loss: LOSS_NS,
    model: params.cbow ? MODEL_CBOW : MODEL_SKIPGRAM,
    bucket,
    minn: params.minn,
    maxn: params.maxn,
    lrUpdateRate: LR_UPDATE_RATE,
    t: params.sample,
  };
}

/** The vocabulary as fastText's dictionary: `</s>` first (counted once per sentence) when `withEos`, then the words. */
function dictionaryOf(corpus: Corpus, withEos: boolean): FastTextDictionary {
  const { words, counts } = corpus.vocab;
  const sentences = corpus.stream.sentences;
  const entries = withEos ? [EOS, ...words] : words.slice();
  const size = entries.length;
  const entryCounts = new Float64Array(size);
  let at = 0;
  if (withEos) entryCounts[at++] = sentences;
  for (let i = 0; i < words.length; i++) entryCounts[at++] = counts[i]!;
  return {
    entries,
    counts: entryCounts,
    types: new Uint8Array(size).fill(ENTRY_WORD),
    nwords: size,
    nlabels: 0,
    ntokens: corpus.stream.tokens + (withEos ? sentences : 0),
    pruneSize: -1,
    pruneidx: new Map(),
  };
}

/** The starting rows from a model: each matched word's row, and every n-gram bucket row (same bucket count). */
function copyModelRows(memory: WebAssembly.Memory, layout: FastTextLayout, init: FastTextInit): void {
  const { model, modelWord } = init;
  const dim = layout.dim;
  const rows = new Float32Array(memory.buffer, layout.inputVectors, (layout.vocabSize + layout.bucket) * layout.stride);
  const copy = (to: number, from: number): void => rows.set(model.input.subarray(from * dim, (from + 1) * dim), to * layout.stride);
  for (let w = 0; w < layout.vocabSize; w++) if (modelWord[w]! >= 0) copy(w, modelWord[w]!);
  const nwords = model.dictionary.nwords;
  for (let b = 0; b < layout.bucket; b++) copy(layout.vocabSize + b, nwords + b);
  // The output rows of the matched words (the other rows stay at zero).
  const output = model.output;
  if (!output) return;
  const outRows = new Float32Array(memory.buffer, layout.outputVectors, layout.vocabSize * layout.stride);
  for (let w = 0; w < layout.vocabSize; w++) {
    const m = modelWord[w]!;
    if (m >= 0) outRows.set(output.subarray(m * dim, (m + 1) * dim), w * layout.stride);
  }
}
