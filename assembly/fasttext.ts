// fastText training kernel: subword skip-gram and CBOW with negative sampling, WebAssembly SIMD.
//
// The model of fastText (facebookresearch/fastText src/fasttext.cc `skipgram`/`cbow`, src/model.cc
// `computeHidden`/`update`, src/loss.cc `NegativeSamplingLoss`): a word's input representation is
// the MEAN of its input rows — its own word row and the rows of its character n-gram buckets
// (`Dictionary::getSubwords`). One update on a list of input rows and a target:
//
//   h = (1/n) Σ rows;  for the target (label 1) and `negative` draws (label 0, a draw equal to the
//   target is drawn again): g = (label − σ(h·out[t]))·alpha, ∂h += g·out[t], out[t] += g·h;
//   then every input row in the list gains the whole ∂h (not divided by n).
//
// Skip-gram: for each centre word and each context word in its dynamic window, one update with the
// centre word's rows predicting the context word. fastText recomputes h from the rows before each
// update and adds ∂h to the rows after it; here h is computed once per centre word and advanced by
// gain·∂h after each update (gain = Σ m² / n over the word's distinct rows of multiplicity m: 1
// without repeated n-grams), and the ∂h are summed and added to the rows once, after the last
// context word. Nothing else reads those rows in between, so in one thread the arithmetic is
// fastText's (up to rounding) at about half the row operations. CBOW: one update per centre word
// with the rows of every context word together.
//
// Like assembly/word2vec.ts: one instance per worker thread on one shared memory (Hogwild), the
// JavaScript side plans every byte (src/encoders/fasttext/kernel.ts), the kernel allocates nothing.
// Each word's rows are a CSR list handed over once: rows subwordRows[offsets[w] .. offsets[w+1]),
// indices into the input matrix whose rows 0..V-1 are words and V + b the n-gram buckets.

import { below, seedRandom } from './lib/random';
import { aliasDraw, rowAxpy, rowDot, rowScale, rowUpdateOutput, rowZero, sigmoidGradient, uniform } from './lib/rows';

/** word2vec.c's MAX_SENTENCE_LENGTH: a sentence longer than this (after subsampling) is cut. */
export const MAX_SENTENCE_LENGTH: i32 = 1000;
/** Sigmoid table resolution (word2vec.c's EXP_TABLE_SIZE), as the word2vec kernel. */
export const SIGMOID_TABLE_SIZE: i32 = 1000;
/** Beyond ±SIGMOID_BOUND the sigmoid is taken as 0 or 1 (word2vec.c's MAX_EXP). */
export const SIGMOID_BOUND: f32 = 6;
const SIGMOID_SCALE: f32 = <f32>SIGMOID_TABLE_SIZE / (2 * SIGMOID_BOUND);

let rowBytes: usize = 0;
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
let subwordOffsets: usize = 0;
let subwordRows: usize = 0;
let hiddenGain: usize = 0;
let sentence: usize = 0;
let hidden: usize = 0;
let hiddenGradient: usize = 0;
let wordGradient: usize = 0;

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
  offsetsPtr: usize,
  rowsPtr: usize,
  gainPtr: usize,
  sentencePtr: usize,
  hiddenPtr: usize,
  hiddenGradientPtr: usize,
  wordGradientPtr: usize,
): void {
  rowBytes = <usize>strideFloats << 2;
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
  subwordOffsets = offsetsPtr;
  subwordRows = rowsPtr;
  hiddenGain = gainPtr;
  sentence = sentencePtr;
  hidden = hiddenPtr;
  hiddenGradient = hiddenGradientPtr;
  wordGradient = wordGradientPtr;
}

/** Seed this instance's generator. */
export function seed(low: u32, high: u32): void {
  seedRandom(low, high);
}

/**
 * Fill `rows` rows of `strideFloats` floats at `ptr` with uniform values in [−bound, bound] in their
 * first `dim` lanes (fastText's `DenseMatrix::uniform(1/dim)`); the padding lanes stay zero.
 */
export function initialiseRows(ptr: usize, rows: i32, dim: i32, strideFloats: i32, bound: f32): void {
  const bytes = <usize>strideFloats << 2;
  for (let r = 0; r < rows; r++) {
    const row = ptr + <usize>r * bytes;
    for (let k = 0; k < dim; k++) store<f32>(row + (<usize>k << 2), (2 * uniform() - 1) * bound);
  }
}

// @ts-ignore: decorator
@inline
function inputRow(row: i32): usize {
  return inputVectors + <usize>row * rowBytes;
}

/**
 * h += every input row of `word` (its own row and its n-gram rows); returns how many. Summed a
 * cache line (4 × f32x4) at a time across the rows in registers, so h is loaded and stored once per
 * line rather than once per row.
 */
function addRows(word: i32, h: usize): i32 {
  const from = load<i32>(subwordOffsets + (<usize>word << 2));
  const to = load<i32>(subwordOffsets + (<usize>(word + 1) << 2));
  const list = subwordRows;
  let k: usize = 0;
  for (; k + 64 <= rowBytes; k += 64) {
    let a0 = v128.load(h + k);
    let a1 = v128.load(h + k, 16);
    let a2 = v128.load(h + k, 32);
    let a3 = v128.load(h + k, 48);
    for (let i = from; i < to; i++) {
      const row = inputRow(load<i32>(list + (<usize>i << 2))) + k;
      a0 = f32x4.add(a0, v128.load(row));
      a1 = f32x4.add(a1, v128.load(row, 16));
      a2 = f32x4.add(a2, v128.load(row, 32));
      a3 = f32x4.add(a3, v128.load(row, 48));
    }
    v128.store(h + k, a0);
    v128.store(h + k, a1, 16);
    v128.store(h + k, a2, 32);
    v128.store(h + k, a3, 48);
  }
  for (; k < rowBytes; k += 16) {
    let a = v128.load(h + k);
    for (let i = from; i < to; i++) a = f32x4.add(a, v128.load(inputRow(load<i32>(list + (<usize>i << 2))) + k));
    v128.store(h + k, a);
  }
  return to - from;
}

/** Every input row of `word` += g (fastText's `wi_->addVectorToRow(grad, row, 1.0)`). */
// @ts-ignore: decorator
@inline
function updateRows(word: i32, g: usize): void {
  const from = load<i32>(subwordOffsets + (<usize>word << 2));
  const to = load<i32>(subwordOffsets + (<usize>(word + 1) << 2));
  for (let i = from; i < to; i++) rowAxpy(1, g, inputRow(load<i32>(subwordRows + (<usize>i << 2))), rowBytes);
}

/** One (hidden, output row, label) step: ∂h += g·out, out += g·h. */
// @ts-ignore: decorator
@inline
function binaryLogistic(target: i32, label: f32, alpha: f32): void {
  const output = outputVectors + <usize>target * rowBytes;
  const g = sigmoidGradient(rowDot(hidden, output, rowBytes), label, alpha, sigmoidTable, SIGMOID_BOUND, SIGMOID_SCALE);
  rowUpdateOutput(g, hidden, output, hiddenGradient, rowBytes);
}

/**
 * fastText's NegativeSamplingLoss::forward with backprop, into hiddenGradient (zeroed first): the
 * target with label 1, then `negative` draws with label 0, a draw equal to the target drawn again.
 */
function negativeSampling(target: i32, alpha: f32): void {
  rowZero(hiddenGradient, rowBytes);
  binaryLogistic(target, 1, alpha);
  for (let d = 0; d < negative; d++) {
    let draw = aliasDraw(vocabSize, aliasProbability, aliasIndex);
    // Every word has a positive count, so with two words or more a different one comes up.
    while (draw == target && vocabSize > 1) draw = aliasDraw(vocabSize, aliasProbability, aliasIndex);
    if (draw == target) continue;
    binaryLogistic(draw, 0, alpha);
  }
}

/** Train on the `length` ids at `sentence` (already subsampled). */
function trainSentence(length: i32, alpha: f32): void {
  for (let a = 0; a < length; a++) {
    const word = load<i32>(sentence + (<usize>a << 2));
    // Dynamic window: uniform in 1..window on each side (fastText's uniform(1, ws)).
    const span = window - <i32>below(<u32>window);
    const from = max(0, a - span);
    const to = min(length - 1, a + span);
    if (cbow) {
      rowZero(hidden, rowBytes);
      let count = 0;
      for (let c = from; c <= to; c++) {
        if (c != a) count += addRows(load<i32>(sentence + (<usize>c << 2)), hidden);
      }
      if (count == 0) continue;
      rowScale(1 / <f32>count, hidden, rowBytes);
      negativeSampling(word, alpha);
      for (let c = from; c <= to; c++) {
        if (c != a) updateRows(load<i32>(sentence + (<usize>c << 2)), hiddenGradient);
      }
    } else {
      // The centre word's rows predict each context word (see the top of this file).
      rowZero(hidden, rowBytes);
      rowScale(1 / <f32>addRows(word, hidden), hidden, rowBytes);
      rowZero(wordGradient, rowBytes);
      const gain = load<f32>(hiddenGain + (<usize>word << 2));
      for (let c = from; c <= to; c++) {
        if (c == a) continue;
        negativeSampling(load<i32>(sentence + (<usize>c << 2)), alpha);
        // wordGradient += ∂h; h += gain · ∂h (one pass).
        const gv = f32x4.splat(gain);
        for (let k: usize = 0; k < rowBytes; k += 16) {
          const d = v128.load(hiddenGradient + k);
          v128.store(wordGradient + k, f32x4.add(v128.load(wordGradient + k), d));
          v128.store(hidden + k, f32x4.add(v128.load(hidden + k), f32x4.mul(gv, d)));
        }
      }
      if (to > from) updateRows(word, wordGradient);
    }
  }
}

/**
 * Train on one piece: `count` entries at `piece`, vocabulary ids with -1 ending each sentence.
 * Frequent words are dropped with probability 1 − keep (subsampling, per occurrence); sentences
 * are cut at MAX_SENTENCE_LENGTH kept words. `alpha` is the learning rate for the piece.
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

/** For tests: one draw from the negative-sampling distribution. */
export function sampleNegative(): i32 {
  return aliasDraw(vocabSize, aliasProbability, aliasIndex);
}

