/**
 * doc2vec's distributed bag of words, PV-DBOW (Le & Mikolov 2014; gensim `Doc2Vec(dm=0)`): each
 * document has a vector that, with negative sampling, predicts every (subsampled) word of the
 * document; `trainWords` adds skip-gram word training interleaved with it (gensim's dbow_words=1).
 *
 * The updates run in the word2vec WebAssembly kernel (assembly/word2vec.ts `trainDocument`) on
 * worker threads sharing one memory (Hogwild), with word2vec's tables, schedule and layout
 * (src/encoders/word2vec/). Inference (gensim's `infer_vector`) runs the same kernel with the
 * output weights frozen, on this thread.
 */
import { InputError } from '../../core/errors.js';
import type { Progress } from '../../core/progress.js';
import { Random } from '../../core/random.js';
import type { Corpus } from '../../corpus/corpus.js';
import {
  createSharedMemory, Kernel, kernelConstants, loadKernelModule, planLayout, readVectors, writeTables, writeVectors, PIECE_ENTRIES,
  type MemoryLayout,
} from '../word2vec/kernel.js';
import { aliasTable, keepProbabilities, negativeWeights, sigmoidTable } from '../word2vec/tables.js';
import { initialiseInputVectors, trainOnWorkers } from '../word2vec/train.js';
import type { PvWorkerInput } from './pv-worker.js';

/** gensim Doc2Vec's defaults (dm=0): the same as Word2Vec's except epochs. */
export const PV_DBOW_DEFAULTS = {
  dim: 100,
  window: 5,
  negative: 5,
  sample: 1e-3,
  /** gensim Doc2Vec alpha (its skip-gram rate). */
  alpha: 0.025,
  /** gensim Doc2Vec epochs=10 (Word2Vec's is 5). */
  epochs: 10,
};

/** gensim Doc2Vec min_alpha: where infer_vector's per-epoch decay ends. */
export const INFER_MIN_ALPHA = 1e-4;

/** Threads get at least this many entries each; smaller corpora use fewer threads (as word2vec). */
const MIN_ENTRIES_PER_THREAD = PIECE_ENTRIES;

export interface PvDbowParams {
  dim: number;
  window: number;
  negative: number;
  sample: number;
  alpha: number;
  epochs: number;
  threads: number;
  seed: number;
  trainWords: boolean;
}

export interface PvDbowResult {
  /** documents × dim, row-major. */
  documentVectors: Float32Array;
  /** The output weights (word2vec syn1neg), vocabulary × dim: what inference needs. */
  outputVectors: Float32Array;
  /** The word (input) vectors, vocabulary × dim; trained only with trainWords. */
  wordVectors: Float32Array;
  threads: number;
  wordsTrained: number;
  seconds: number;
}

/** Every document's entries (ids, -1 after each non-empty sentence) laid end to end, and where each starts. */
export interface DocumentEntries {
  entries: Int32Array;
  /** Document d is entries[offsets[d] .. offsets[d+1]); length = documents + 1. */
  offsets: Float64Array;
  /** In-vocabulary tokens of each document. */
  words: Float64Array;
}

/** The corpus's documents as entries (read once into memory: a document corpus is small next to its vectors). */
export function documentEntries(corpus: Pick<Corpus, 'stream' | 'docStarts'>): DocumentEntries {
  const { stream, docStarts } = corpus;
  const nDocs = docStarts.length - 1;
  const entries = new Int32Array(stream.tokens + stream.sentences);
  const offsets = new Float64Array(nDocs + 1);
  const words = new Float64Array(nDocs);
  let at = 0;
  let doc = 0;
  let sentence = 0;
  stream.forEachSentence((tokens, begin, end) => {
    while (doc < nDocs && sentence >= docStarts[doc + 1]!) offsets[++doc] = at;
    if (end > begin) {
      entries.set(tokens.subarray(begin, end), at);
      at += end - begin;
      entries[at++] = -1;
      words[doc]! += end - begin;
    }
    sentence++;
  });
  while (doc < nDocs) offsets[++doc] = at;
  return { entries: entries.subarray(0, at), offsets, words };
}

/** gensim's doc-vector initialisation (KeyedVectors prep_vectors): uniform in [−1/dim, 1/dim). */
function initialiseDocumentVector(rows: Float32Array, at: number, dim: number, random: Random): void {
  for (let k = 0; k < dim; k++) rows[at + k] = (2 * random.next() - 1) / dim;
}

function writeKernelTables(memory: WebAssembly.Memory, layout: MemoryLayout, counts: ArrayLike<number>, sample: number, constants: { sigmoidTableSize: number; sigmoidBound: number }): void {
  let total = 0;
  for (let i = 0; i < counts.length; i++) total += counts[i]!;
  const weights = aliasTable(negativeWeights(counts));
  writeTables(memory, layout, {
    sigmoid: sigmoidTable(constants.sigmoidTableSize, constants.sigmoidBound),
    keep: keepProbabilities(counts, total, sample),
    aliasProbability: weights.probability,
    aliasIndex: weights.alias,
  });
}

/** Contiguous document ranges of about equal entries, one per thread. */
function documentBounds(offsets: Float64Array, threads: number): number[] {
  const nDocs = offsets.length - 1;
  const total = offsets[nDocs]!;
  const bounds = [0];
  let doc = 0;
  for (let w = 1; w < threads; w++) {
    const target = (w * total) / threads;
    while (doc < nDocs && offsets[doc]! < target) doc++;
    bounds.push(Math.max(bounds[w - 1]!, doc));
  }
  bounds.push(nDocs);
  return bounds;
}

/** Train PV-DBOW on the corpus's documents with `params.threads` threads sharing the weights. */
export async function trainPvDbow(corpus: Corpus, params: PvDbowParams, progress: Progress): Promise<PvDbowResult> {
  const tokens = corpus.stream.tokens;
  if (tokens === 0) throw new InputError('no in-vocabulary tokens to train on', 'lower --min-count or check the input');
  const docs = documentEntries(corpus);
  const nDocs = docs.offsets.length - 1;
  const module = await loadKernelModule();
  const constants = kernelConstants(module);
  const threads = Math.max(1, Math.min(params.threads, Math.floor(docs.entries.length / MIN_ENTRIES_PER_THREAD), nDocs));
  const layout = planLayout(corpus.vocab.size, params.dim, threads, constants, nDocs);
  const memory = createSharedMemory(layout);
  writeKernelTables(memory, layout, corpus.vocab.counts, params.sample, constants);
  const random = new Random(params.seed);
  initialiseInputVectors(memory, layout, random);
  const rows = new Float32Array(memory.buffer, layout.documentVectors, nDocs * layout.stride);
  for (let d = 0; d < nDocs; d++) initialiseDocumentVector(rows, d * layout.stride, params.dim, random);

  const bounds = documentBounds(docs.offsets, threads);
  const counter = new SharedArrayBuffer(BigInt64Array.BYTES_PER_ELEMENT);
  const totalWords = params.epochs * tokens;
  const inputs: PvWorkerInput[] = [];
  for (let w = 0; w < threads; w++) {
    const first = bounds[w]!;
    const last = bounds[w + 1]!;
    const base = docs.offsets[first]!;
    inputs.push({
      module, memory, layout, slot: w,
      shape: { window: params.window, negative: params.negative, cbow: false },
      parts: [],
      entries: docs.entries.slice(base, docs.offsets[last]!),
      offsets: Float64Array.from(docs.offsets.subarray(first, last + 1), (o) => o - base),
      words: docs.words.slice(first, last),
      firstDocument: first,
      seed: [random.nextInt32(), random.nextInt32()],
      counter, epochs: params.epochs, alpha: params.alpha, totalWords, trainWords: params.trainWords,
    });
  }

  const seconds = await trainOnWorkers(inputs, progress, counter, params.alpha, totalWords, new URL('./pv-worker.js', import.meta.url), 'PV-DBOW');
  const documentVectors = new Float32Array(nDocs * params.dim);
  for (let d = 0; d < nDocs; d++) documentVectors.set(rows.subarray(d * layout.stride, d * layout.stride + params.dim), d * params.dim);
  return {
    documentVectors,
    outputVectors: readVectors(memory, layout, 'output'),
    wordVectors: readVectors(memory, layout, 'input'),
    threads,
    wordsTrained: totalWords,
    seconds,
  };
}

export interface InferParams {
  dim: number;
  negative: number;
  sample: number;
  alpha: number;
  epochs: number;
  seed: number;
}

/** FNV-1a over a document's entries: the same text gets the same starting vector and draws (gensim seeds infer_vector from the text). */
function documentHash(entries: Int32Array): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < entries.length; i++) {
    h ^= entries[i]! & 0xffff;
    h = Math.imul(h, 0x01000193);
    h ^= entries[i]! >>> 16;
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/**
 * gensim's infer_vector for each document (entries over the model's vocabulary): a fresh vector,
 * the output weights frozen, `epochs` passes with the rate falling linearly per pass from alpha to
 * INFER_MIN_ALPHA. Each document is seeded from `seed` and its own words, so its vector does not
 * depend on the other documents. A document with no word gets a zero row (counted in `empty`).
 */
export async function inferPvDbow(documents: readonly Int32Array[], counts: ArrayLike<number>, outputVectors: Float32Array, params: InferParams): Promise<{ data: Float32Array; empty: number }> {
  const module = await loadKernelModule();
  const constants = kernelConstants(module);
  const vocabSize = counts.length;
  const layout = planLayout(vocabSize, params.dim, 1, constants, 1);
  const memory = createSharedMemory(layout);
  writeKernelTables(memory, layout, counts, params.sample, constants);
  writeVectors(memory, layout, 'output', outputVectors);
  const kernel = new Kernel(module, memory, layout, 0, { window: 1, negative: params.negative, cbow: false });
  const row = new Float32Array(memory.buffer, layout.documentVectors, layout.stride);
  const data = new Float32Array(documents.length * params.dim);
  const delta = (params.alpha - INFER_MIN_ALPHA) / Math.max(params.epochs - 1, 1);
  let empty = 0;
  documents.forEach((entries, d) => {
    if (!entries.some((e) => e >= 0)) {
      empty++;
      return;
    }
    const hash = documentHash(entries);
    const random = new Random((params.seed ^ hash) >>> 0);
    row.fill(0);
    initialiseDocumentVector(row, 0, params.dim, random);
    kernel.seed(random.nextInt32(), random.nextInt32());
    for (let epoch = 0; epoch < params.epochs; epoch++) {
      const alpha = params.alpha - epoch * delta;
      for (let at = 0; at < entries.length; at += PIECE_ENTRIES) {
        kernel.trainDocument(entries.subarray(at, at + PIECE_ENTRIES), layout.documentVectors, alpha, false, false);
      }
    }
    data.set(row.subarray(0, params.dim), d * params.dim);
  });
  return { data, empty };
}
