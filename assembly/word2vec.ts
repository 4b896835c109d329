// word2vec training kernel: skip-gram and CBOW with negative sampling, WebAssembly SIMD (f32x4).
//
// One instance per worker thread, all instances on one shared WebAssembly.Memory that holds the
// weights (Hogwild: lock-free, racy updates, as word2vec C does). Everything the kernel reads or
// writes lives at byte offsets the JavaScript side planned (src/encoders/word2vec/layout.ts); the
// kernel allocates nothing, so instances never step on each other. Per-instance state (the
// configuration and the random generator) lives in wasm globals, which are private to an instance.
//
// The JavaScript side hands over "pieces": runs of vocabulary ids in which -1 ends a sentence.
// For each sentence the kernel subsamples frequent words, cuts the kept words into sentences of at
// most MAX_SENTENCE_LENGTH, draws a dynamic window per centre word and applies the updates.
//
// Rows are `stride` floats (dim rounded up to a multiple of 4); the padding lanes start at zero and
// stay zero (every update to them is a product with a zero), so the SIMD loops need no tail.

import { below, seedRandom } from './lib/random';
import { aliasDraw, rowAxpy, rowDot, rowUpdateOutput, rowZero, sigmoidGradient, uniform } from './lib/rows';

/** word2vec.c's MAX_SENTENCE_LENGTH: a sentence longer than this (after subsampling) is cut. */
export const MAX_SENTENCE_LENGTH: i32 = 1000;
/** Sigmoid table resolution: word2vec.c's EXP_TABLE_SIZE (entries over [-bound, bound]). */
export const SIGMOID_TABLE_SIZE: i32 = 1000;
/** Beyond ±SIGMOID_BOUND the sigmoid is taken as 0 or 1: word2vec.c's MAX_EXP. */
export const SIGMOID_BOUND: f32 = 6;
/** Table index per unit of the dot product: SIGMOID_TABLE_SIZE / (2 · SIGMOID_BOUND). */
const SIGMOID_SCALE: f32 = <f32>SIGMOID_TABLE_SIZE / (2 * SIGMOID_BOUND);

let stride: i32 = 0;
let rowBytes: i32 = 0;
let vocabSize: i32 = 0;
let window: i32 = 5;
let negative: i32 = 5;
let cbow: bool = false;
let inputVectors: usize = 0;
let outputVectors: usize = 0;
let sigmoidTable: usize = 0;
let keepProbability: usize = 0;
let aliasProbability: usize = 0;
let aliasIndex: usize = 0;
let sentence: usize = 0;
let hidden: usize = 0;
let hiddenGradient: usize = 0;
// Window scratch (configureWindow): row pointers of a window's context words, the targets of a
// shared-negatives window, its gradient signals and its context gradients. 0 = not configured.
let contextRows: usize = 0;
let targetRows: usize = 0;
let signals: usize = 0;
let contextDeltas: usize = 0;
let sharedNegatives: bool = false;

/** Where the shared tables and this instance's scratch buffers live (byte offsets), and the model. */
export function configure(
  strideFloats: i32,
  vocabularySize: i32,
  windowSize: i32,
  negatives: i32,
  useCbow: i32,
  inputPtr: usize,
  outputPtr: usize,
  sigmoidPtr: usize,
  keepPtr: usize,
  aliasProbabilityPtr: usize,
  aliasIndexPtr: usize,
  sentencePtr: usize,
  hiddenPtr: usize,
  hiddenGradientPtr: usize,
): void {
  stride = strideFloats;
  rowBytes = strideFloats << 2;
  vocabSize = vocabularySize;
  window = windowSize;
  negative = negatives;
  cbow = useCbow != 0;
  inputVectors = inputPtr;
  outputVectors = outputPtr;
  sigmoidTable = sigmoidPtr;
  keepProbability = keepPtr;
  aliasProbability = aliasProbabilityPtr;
  aliasIndex = aliasIndexPtr;
  sentence = sentencePtr;
  hidden = hiddenPtr;
  hiddenGradient = hiddenGradientPtr;
}

/**
 * The window scratch of this instance (byte offsets; src/encoders/word2vec/kernel.ts planLayout
 * sizes them for the window and negative count): `contexts` ≥ min(2·window, MAX_SENTENCE_LENGTH − 1)
 * pointers, `targets` ≥ negative + 1 pointers, `scores` ≥ contexts × targets floats, `deltas`
 * ≥ contexts rows. `shared` 1: skip-gram draws one set of negatives per window (trainWindowShared).
 */
export function configureWindow(contextsPtr: usize, targetsPtr: usize, scoresPtr: usize, deltasPtr: usize, shared: i32): void {
  contextRows = contextsPtr;
  targetRows = targetsPtr;
  signals = scoresPtr;
  contextDeltas = deltasPtr;
  sharedNegatives = shared != 0;
}

/** Seed this instance's generator. */
export function seed(low: u32, high: u32): void {
  seedRandom(low, high);
}

/**
 * A negative sample from the unigram^0.75 distribution by Walker's alias method: a bucket from
 * the high 32 bits, a coin from 24 of the low bits; keep the bucket if the coin falls under its
 * probability, else take its alias.
 */
// @ts-ignore: decorator
@inline
function drawNegative(): i32 {
  return aliasDraw(vocabSize, aliasProbability, aliasIndex);
}

/** For tests: one draw from the negative-sampling distribution. */
export function sampleNegative(): i32 {
  return drawNegative();
}

/**
 * The learning signal of one (input, output, label) pair, as word2vec.c:
 * g = (label − σ(f)) · alpha, with σ from the table and σ = 0 or 1 beyond ±SIGMOID_BOUND.
 */
// @ts-ignore: decorator
@inline
function gradient(f: f32, label: f32, alpha: f32): f32 {
  return sigmoidGradient(f, label, alpha, sigmoidTable, SIGMOID_BOUND, SIGMOID_SCALE);
}

/** a · b over one row (two accumulators for instruction-level parallelism). */
// @ts-ignore: decorator
@inline
function dot(a: usize, b: usize): f32 {
  return rowDot(a, b, <usize>rowBytes);
}

/** y += g · x over one row. */
// @ts-ignore: decorator
@inline
function axpy(g: f32, x: usize, y: usize): void {
  rowAxpy(g, x, y, <usize>rowBytes);
}

/** The two updates of one output row, fused: gradient += g · output; output += g · h. */
// @ts-ignore: decorator
@inline
function updateOutput(g: f32, h: usize, output: usize, grad: usize): void {
  rowUpdateOutput(g, h, output, grad, <usize>rowBytes);
}

// @ts-ignore: decorator
@inline
function zero(ptr: usize): void {
  rowZero(ptr, <usize>rowBytes);
}

/**
 * Negative sampling for one hidden vector h (an input row for skip-gram, the context mean for
 * CBOW) against the centre word: label 1 for the word, 0 for `negative` draws (a draw equal to the
 * word is skipped, as word2vec.c does). Accumulates ∂/∂h into hiddenGradient.
 */
// @ts-ignore: decorator
@inline
function negativeSampling(h: usize, word: i32, alpha: f32): void {
  const positive = outputVectors + <usize>word * <usize>rowBytes;
  updateOutput(gradient(dot(h, positive), 1, alpha), h, positive, hiddenGradient);
  for (let d = 0; d < negative; d++) {
    const target = drawNegative();
    if (target == word) continue;
    const output = outputVectors + <usize>target * <usize>rowBytes;
    updateOutput(gradient(dot(h, output), 0, alpha), h, output, hiddenGradient);
  }
}

/** Collect the input-row pointers of the window [from, to] minus its centre `a` into contextRows; returns how many. */
// @ts-ignore: decorator
@inline
function gatherContexts(a: i32, from: i32, to: i32): i32 {
  let n = 0;
  for (let c = from; c <= to; c++) {
    if (c == a) continue;
    const context = load<i32>(sentence + (<usize>c << 2));
    store<usize>(contextRows + (<usize>n << 2), inputVectors + <usize>context * <usize>rowBytes);
    n++;
  }
  return n;
}

// @ts-ignore: decorator
@inline
function contextRow(j: i32): usize {
  return load<usize>(contextRows + (<usize>j << 2));
}

/**
 * Skip-gram for one centre word with negatives shared by its whole window (Ji et al. 2016,
 * "Parallelizing Word2Vec in Shared and Distributed Memory"): the targets are the centre word
 * (label 1) and `negative` draws (a draw equal to the centre word is skipped), the same for every
 * context word of the window. With H the context input rows and O the target output rows:
 * G = (labels − σ(H·Oᵀ))·alpha, then ∂H = G·O and O += Gᵀ·H from the values before the window,
 * then H += ∂H. Every output row is read once per window instead of once per context word.
 */
function trainWindowShared(a: i32, word: i32, from: i32, to: i32, alpha: f32): void {
  const n = gatherContexts(a, from, to);
  if (n == 0) return;
  let m = 0;
  store<usize>(targetRows, outputVectors + <usize>word * <usize>rowBytes);
  m++;
  for (let d = 0; d < negative; d++) {
    const target = drawNegative();
    if (target == word) continue;
    store<usize>(targetRows + (<usize>m << 2), outputVectors + <usize>target * <usize>rowBytes);
    m++;
  }
  // G[j][t], row-major n × m.
  for (let j = 0; j < n; j++) {
    const h = contextRow(j);
    const gRow = signals + ((<usize>(j * m)) << 2);
    for (let t = 0; t < m; t++) {
      const o = load<usize>(targetRows + (<usize>t << 2));
      store<f32>(gRow + (<usize>t << 2), gradient(dot(h, o), t == 0 ? 1 : 0, alpha));
    }
  }
  // ∂h_j = Σ_t G[j][t]·o_t (old output rows).
  for (let j = 0; j < n; j++) {
    const gRow = signals + ((<usize>(j * m)) << 2);
    const delta = contextDeltas + <usize>j * <usize>rowBytes;
    for (let k: usize = 0; k < <usize>rowBytes; k += 16) {
      let acc = f32x4.splat(0);
      for (let t = 0; t < m; t++) {
        const o = load<usize>(targetRows + (<usize>t << 2));
        acc = f32x4.add(acc, f32x4.mul(f32x4.splat(load<f32>(gRow + (<usize>t << 2))), v128.load(o + k)));
      }
      v128.store(delta + k, acc);
    }
  }
  // o_t += Σ_j G[j][t]·h_j (old input rows).
  for (let t = 0; t < m; t++) {
    const o = load<usize>(targetRows + (<usize>t << 2));
    for (let k: usize = 0; k < <usize>rowBytes; k += 16) {
      let acc = v128.load(o + k);
      for (let j = 0; j < n; j++) {
        const g = load<f32>(signals + ((<usize>(j * m + t)) << 2));
        acc = f32x4.add(acc, f32x4.mul(f32x4.splat(g), v128.load(contextRow(j) + k)));
      }
      v128.store(o + k, acc);
    }
  }
  // h_j += ∂h_j.
  for (let j = 0; j < n; j++) axpy(1, contextDeltas + <usize>j * <usize>rowBytes, contextRow(j));
}

/** Loads that nothing else reads, kept so the row touches below are not optimised away. */
let touched: i32 = 0;

/** The negatives of one centre word, drawn as negativeSampling draws them, into `to` (i32 ids); their rows and the word's touched. */
function drawTargets(word: i32, to: usize): void {
  let sum = load<i32>(outputVectors + <usize>word * <usize>rowBytes);
  for (let d = 0; d < negative; d++) {
    const target = drawNegative();
    store<i32>(to + (<usize>d << 2), target);
    // One load per 64-byte line of the row: the cache misses on random output rows start now,
    // one word ahead, and overlap the current word's arithmetic (WebAssembly has no prefetch).
    const row = outputVectors + <usize>target * <usize>rowBytes;
    for (let k: usize = 0; k < <usize>rowBytes; k += 64) sum ^= load<i32>(row + k);
  }
  touched ^= sum;
}

/**
 * CBOW over a sentence of length ≥ 2 (every centre word has a context), the window of its first
 * word already drawn (`span`): each word's window and negatives are drawn one word ahead — in the
 * order trainSentence and negativeSampling draw them, so the random stream and the result are the
 * same — and the next word's target rows are touched before the current word is trained.
 */
function cbowSentence(length: i32, span: i32, alpha: f32): void {
  let current = signals;
  let next = signals + (<usize>negative << 2);
  drawTargets(load<i32>(sentence), current);
  for (let a = 0; a < length; a++) {
    const word = load<i32>(sentence + (<usize>a << 2));
    const from = max(0, a - span);
    const to = min(length - 1, a + span);
    if (a + 1 < length) {
      span = window - <i32>below(<u32>window);
      drawTargets(load<i32>(sentence + (<usize>(a + 1) << 2)), next);
    }
    cbowWindow(a, word, from, to, alpha, current);
    const swap = current;
    current = next;
    next = swap;
  }
}

/**
 * CBOW for one centre word with the window's rows gathered once and its negatives drawn already
 * (`targets`, `negative` ids; one equal to the word is skipped): the context mean in one pass over
 * the row (each f32x4 lane sums the contexts in window order, so the result is the same, bit for
 * bit, as adding them row by row), negative sampling, then ∂h added to every context row in one pass
 * (a word twice in the window gets it twice, in order).
 */
function cbowWindow(a: i32, word: i32, from: i32, to: i32, alpha: f32, targets: usize): void {
  const n = gatherContexts(a, from, to);
  const scale = f32x4.splat(1 / <f32>n);
  for (let k: usize = 0; k < <usize>rowBytes; k += 16) {
    let acc = f32x4.splat(0);
    for (let j = 0; j < n; j++) acc = f32x4.add(acc, v128.load(contextRow(j) + k));
    v128.store(hidden + k, f32x4.mul(acc, scale));
  }
  zero(hiddenGradient);
  const positive = outputVectors + <usize>word * <usize>rowBytes;
  updateOutput(gradient(dot(hidden, positive), 1, alpha), hidden, positive, hiddenGradient);
  for (let d = 0; d < negative; d++) {
    const target = load<i32>(targets + (<usize>d << 2));
    if (target == word) continue;
    const output = outputVectors + <usize>target * <usize>rowBytes;
    updateOutput(gradient(dot(hidden, output), 0, alpha), hidden, output, hiddenGradient);
  }
  for (let k: usize = 0; k < <usize>rowBytes; k += 16) {
    const g = v128.load(hiddenGradient + k);
    for (let j = 0; j < n; j++) {
      const p = contextRow(j) + k;
      v128.store(p, f32x4.add(v128.load(p), g));
    }
  }
}

/** Train on the `length` ids at `sentence` (already subsampled). */
function trainSentence(length: i32, alpha: f32): void {
  for (let a = 0; a < length; a++) {
    const word = load<i32>(sentence + (<usize>a << 2));
    // Dynamic window: b uniform in [0, window), use window − b on each side (word2vec.c).
    const span = window - <i32>below(<u32>window);
    const from = max(0, a - span);
    const to = min(length - 1, a + span);
    if (cbow) {
      if (contextRows != 0) {
        cbowSentence(length, span, alpha);
        return;
      }
      zero(hidden);
      let count = 0;
      for (let c = from; c <= to; c++) {
        if (c == a) continue;
        const context = load<i32>(sentence + (<usize>c << 2));
        axpy(1, inputVectors + <usize>context * <usize>rowBytes, hidden);
        count++;
      }
      if (count == 0) continue;
      // cbow_mean = 1: the hidden vector is the mean of the context vectors.
      const scale = f32x4.splat(1 / <f32>count);
      for (let k: usize = 0; k < <usize>rowBytes; k += 16) v128.store(hidden + k, f32x4.mul(v128.load(hidden + k), scale));
      zero(hiddenGradient);
      negativeSampling(hidden, word, alpha);
      // word2vec.c adds the whole gradient to every context vector (not divided by the count).
      for (let c = from; c <= to; c++) {
        if (c == a) continue;
        const context = load<i32>(sentence + (<usize>c << 2));
        axpy(1, hiddenGradient, inputVectors + <usize>context * <usize>rowBytes);
      }
    } else if (sharedNegatives) {
      trainWindowShared(a, word, from, to, alpha);
    } else {
      for (let c = from; c <= to; c++) {
        if (c == a) continue;
        const context = load<i32>(sentence + (<usize>c << 2));
        const input = inputVectors + <usize>context * <usize>rowBytes;
        zero(hiddenGradient);
        // word2vec.c's skip-gram: the context word's input vector predicts the centre word.
        negativeSampling(input, word, alpha);
        axpy(1, hiddenGradient, input);
      }
    }
  }
}

/**
 * Train on one piece: `count` entries at `piece`, vocabulary ids with -1 ending each sentence.
 * Frequent words are dropped with probability 1 − keep (subsampling, drawn per occurrence);
 * sentences are cut at MAX_SENTENCE_LENGTH kept words. `alpha` is the learning rate for the piece.
 */
export function trainPiece(piece: usize, count: i32, alpha: f32): void {
  let length = 0;
  for (let i = 0; i < count; i++) {
    const word = load<i32>(piece + (<usize>i << 2));
    if (word < 0) {
      if (length > 1) trainSentence(length, alpha);
      length = 0;
      continue;
    }
    const keep = load<f32>(keepProbability + (<usize>word << 2));
    if (keep < 1 && uniform() >= keep) continue;
    store<i32>(sentence + (<usize>length << 2), word);
    length++;
    if (length == MAX_SENTENCE_LENGTH) {
      trainSentence(length, alpha);
      length = 0;
    }
  }
  if (length > 1) trainSentence(length, alpha);
}

// ---- doc2vec's distributed bag of words (PV-DBOW), src/encoders/docvec/pv-dbow.ts ----

/** Negative sampling with the output rows frozen (gensim's learn_hidden=False, for inference): only ∂/∂h accumulates. */
// @ts-ignore: decorator
@inline
function negativeSamplingFrozen(h: usize, word: i32, alpha: f32): void {
  const positive = outputVectors + <usize>word * <usize>rowBytes;
  axpy(gradient(dot(h, positive), 1, alpha), positive, hiddenGradient);
  for (let d = 0; d < negative; d++) {
    const target = drawNegative();
    if (target == word) continue;
    const output = outputVectors + <usize>target * <usize>rowBytes;
    axpy(gradient(dot(h, output), 0, alpha), output, hiddenGradient);
  }
}

/**
 * One sentence of a document (already subsampled, at `sentence`): for each word, when `trainWords`,
 * the skip-gram updates of its window (gensim's dbow_words=1, interleaved as train_document_dbow
 * does), then the document vector at `doc` predicts the word.
 */
function trainDocumentSentence(length: i32, doc: usize, alpha: f32, trainWords: bool, learnOutput: bool): void {
  for (let a = 0; a < length; a++) {
    const word = load<i32>(sentence + (<usize>a << 2));
    if (trainWords) {
      const span = window - <i32>below(<u32>window);
      const from = max(0, a - span);
      const to = min(length - 1, a + span);
      for (let c = from; c <= to; c++) {
        if (c == a) continue;
        const input = inputVectors + <usize>load<i32>(sentence + (<usize>c << 2)) * <usize>rowBytes;
        zero(hiddenGradient);
        negativeSampling(input, word, alpha);
        axpy(1, hiddenGradient, input);
      }
    }
    zero(hiddenGradient);
    if (learnOutput) negativeSampling(doc, word, alpha);
    else negativeSamplingFrozen(doc, word, alpha);
    axpy(1, hiddenGradient, doc);
  }
}

/**
 * Train the document vector at byte offset `doc` on `count` entries at `piece` (a document or a
 * part of one: vocabulary ids, -1 ending a sentence). Subsampling and sentence cuts as trainPiece.
 * `trainWords` 0/1: skip-gram word training too; `learnOutput` 0: output rows frozen (inference).
 */
export function trainDocument(piece: usize, count: i32, doc: usize, alpha: f32, trainWords: i32, learnOutput: i32): void {
  const words = trainWords != 0;
  const learn = learnOutput != 0;
  let length = 0;
  for (let i = 0; i < count; i++) {
    const word = load<i32>(piece + (<usize>i << 2));
    if (word < 0) {
      if (length > 0) trainDocumentSentence(length, doc, alpha, words, learn);
      length = 0;
      continue;
    }
    const keep = load<f32>(keepProbability + (<usize>word << 2));
    if (keep < 1 && uniform() >= keep) continue;
    store<i32>(sentence + (<usize>length << 2), word);
    length++;
    if (length == MAX_SENTENCE_LENGTH) {
      trainDocumentSentence(length, doc, alpha, words, learn);
      length = 0;
    }
  }
  if (length > 0) trainDocumentSentence(length, doc, alpha, words, learn);
}

/** What the row touches of cbowSentence loaded (exported so the loads are kept; nothing uses it). */
export function touchedRows(): i32 {
  return touched;
}
