// GloVe training kernel: AdaGrad on the weighted least-squares cost, WebAssembly SIMD (f32x4).
//
// One instance per worker thread, all instances on one shared WebAssembly.Memory that holds the
// parameters (Hogwild: lock-free, racy updates, as glove.c's pthreads do). Everything lives at byte
// offsets the JavaScript side planned (src/encoders/glove/kernel.ts); the kernel allocates nothing.
// Per-instance state (the configuration and the random generator) lives in wasm globals, which are
// private to an instance.
//
// A co-occurrence record is 16 bytes: i32 word, i32 context, f32 log X, f32 f(X) (the weight,
// precomputed once; glove.c recomputes log and pow for every record on every iteration).
//
// The update of one record is glove.c's (stanfordnlp/GloVe master, glove_thread):
//   diff  = w·w̃ + b + b̃ − log X            fdiff = f(X) · diff           cost += ½ · fdiff · diff
//   for every component k:
//     t  = clip(fdiff · w̃_k, ±gradClip) · eta ;  w_k −= t / sqrt(G_k) ;  G_k += t²      (and w̃ alike)
//   b −= fdiff / sqrt(G_b) ;  G_b += fdiff²                                          (and b̃ alike)
// Note that, as in glove.c since 2019, the bias step is not multiplied by eta, and the squared
// gradients G accumulate eta-scaled steps for the vectors. Records whose diff is not finite are
// skipped, as glove.c does.
//
// Vector rows are `stride` floats (dim rounded up to a multiple of 4). Padding lanes hold 0 in the
// vectors and 1 in the squared gradients, so every update to them is 0 / 1 = 0 and the SIMD loops
// need no tail. Biases and their squared gradients are f64 (scalars: precision costs nothing there).

import { below, seedRandom } from './lib/random';

/** Bytes per co-occurrence record (one v128), and its log2 for address arithmetic. */
export const RECORD_BYTES: i32 = 16;
const RECORD_SHIFT: usize = 4;
/** log2 of the size of an f64 (bias arrays). */
const F64_SHIFT: usize = 3;

let rowBytes: usize = 0;
let wordVectors: usize = 0;
let contextVectors: usize = 0;
let wordGradsq: usize = 0;
let contextGradsq: usize = 0;
let wordBias: usize = 0;
let contextBias: usize = 0;
let wordBiasGradsq: usize = 0;
let contextBiasGradsq: usize = 0;
let records: usize = 0;
let eta: f32 = 0.05;
let gradClip: f32 = 100;
/** Records skipped because their diff was NaN or infinite (glove.c prints "Caught NaN in diff"). */
let skipped: i32 = 0;

/** Where the parameters and the records live (byte offsets), and the learning rate and clip. */
export function configure(
  strideFloats: i32,
  wordVectorsPtr: usize,
  contextVectorsPtr: usize,
  wordGradsqPtr: usize,
  contextGradsqPtr: usize,
  wordBiasPtr: usize,
  contextBiasPtr: usize,
  wordBiasGradsqPtr: usize,
  contextBiasGradsqPtr: usize,
  recordsPtr: usize,
  learningRate: f32,
  gradientClip: f32,
): void {
  rowBytes = <usize>strideFloats * sizeof<f32>();
  wordVectors = wordVectorsPtr;
  contextVectors = contextVectorsPtr;
  wordGradsq = wordGradsqPtr;
  contextGradsq = contextGradsqPtr;
  wordBias = wordBiasPtr;
  contextBias = contextBiasPtr;
  wordBiasGradsq = wordBiasGradsqPtr;
  contextBiasGradsq = contextBiasGradsqPtr;
  records = recordsPtr;
  eta = learningRate;
  gradClip = gradientClip;
}

/** Seed this instance's generator. */
export function seed(low: u32, high: u32): void {
  seedRandom(low, high);
}

export function skippedRecords(): i32 {
  return skipped;
}

/** w·w̃ + b + b̃ − log X for the record at `record`. */
// @ts-ignore: decorator
@inline
function residual(record: usize): f64 {
  const word = <usize>load<i32>(record);
  const context = <usize>load<i32>(record, 4);
  const w = wordVectors + word * rowBytes;
  const c = contextVectors + context * rowBytes;
  let acc0 = f32x4.splat(0);
  let acc1 = f32x4.splat(0);
  let k: usize = 0;
  for (; k + 32 <= rowBytes; k += 32) {
    acc0 = f32x4.add(acc0, f32x4.mul(v128.load(w + k), v128.load(c + k)));
    acc1 = f32x4.add(acc1, f32x4.mul(v128.load(w + k, 16), v128.load(c + k, 16)));
  }
  if (k < rowBytes) acc0 = f32x4.add(acc0, f32x4.mul(v128.load(w + k), v128.load(c + k)));
  const acc = f32x4.add(acc0, acc1);
  const dot = f32x4.extract_lane(acc, 0) + f32x4.extract_lane(acc, 1) + f32x4.extract_lane(acc, 2) + f32x4.extract_lane(acc, 3);
  return <f64>dot + load<f64>(wordBias + (word << F64_SHIFT)) + load<f64>(contextBias + (context << F64_SHIFT)) - <f64>load<f32>(record, 8);
}

/** One AdaGrad step on the record at `record`; returns its cost ½·f·diff² (0 if skipped). */
// @ts-ignore: decorator
@inline
function update(record: usize): f64 {
  const diff = residual(record);
  const fdiff = <f64>load<f32>(record, 12) * diff;
  if (!isFinite(diff) || !isFinite(fdiff)) {
    skipped++;
    return 0;
  }
  const word = <usize>load<i32>(record);
  const context = <usize>load<i32>(record, 4);
  const w = wordVectors + word * rowBytes;
  const c = contextVectors + context * rowBytes;
  const gw = wordGradsq + word * rowBytes;
  const gc = contextGradsq + context * rowBytes;
  const scale = f32x4.splat(<f32>fdiff);
  const rate = f32x4.splat(eta);
  const high = f32x4.splat(gradClip);
  const low = f32x4.splat(-gradClip);
  for (let k: usize = 0; k < rowBytes; k += 16) {
    const wk = v128.load(w + k);
    const ck = v128.load(c + k);
    const gwk = v128.load(gw + k);
    const gck = v128.load(gc + k);
    // eta times the clipped gradient component: ∂J/∂w_k = fdiff · w̃_k, ∂J/∂w̃_k = fdiff · w_k.
    const tw = f32x4.mul(f32x4.min(f32x4.max(f32x4.mul(scale, ck), low), high), rate);
    const tc = f32x4.mul(f32x4.min(f32x4.max(f32x4.mul(scale, wk), low), high), rate);
    v128.store(w + k, f32x4.sub(wk, f32x4.div(tw, f32x4.sqrt(gwk))));
    v128.store(c + k, f32x4.sub(ck, f32x4.div(tc, f32x4.sqrt(gck))));
    v128.store(gw + k, f32x4.add(gwk, f32x4.mul(tw, tw)));
    v128.store(gc + k, f32x4.add(gck, f32x4.mul(tc, tc)));
  }
  const bw = wordBias + (word << F64_SHIFT);
  const bc = contextBias + (context << F64_SHIFT);
  const gbw = wordBiasGradsq + (word << F64_SHIFT);
  const gbc = contextBiasGradsq + (context << F64_SHIFT);
  store<f64>(bw, load<f64>(bw) - fdiff / sqrt<f64>(load<f64>(gbw)));
  store<f64>(bc, load<f64>(bc) - fdiff / sqrt<f64>(load<f64>(gbc)));
  const squared = fdiff * fdiff;
  store<f64>(gbw, load<f64>(gbw) + squared);
  store<f64>(gbc, load<f64>(gbc) + squared);
  return 0.5 * fdiff * diff;
}

/**
 * Train on positions hi−1 down to lo. Each position i first swaps its record with one drawn
 * uniformly from [shuffleStart, i], then trains on it: a Fisher–Yates shuffle of
 * [shuffleStart, hi) fused with the pass (the caller passes a cache-sized block with
 * shuffleStart = lo, so the swaps stay in cache). Returns the summed cost of these updates.
 */
export function trainRange(shuffleStart: i32, lo: i32, hi: i32): f64 {
  let cost: f64 = 0;
  const base = records + (<usize>shuffleStart << RECORD_SHIFT);
  for (let i = hi - 1; i >= lo; i--) {
    const at = records + (<usize>i << RECORD_SHIFT);
    const other = base + (<usize>below(<u32>(i - shuffleStart + 1)) << RECORD_SHIFT);
    const held = v128.load(at);
    v128.store(at, v128.load(other));
    v128.store(other, held);
    cost += update(at);
  }
  return cost;
}

/** Σ ½·f(X)·diff² over records [lo, hi) without changing anything (the cost glove.c reports). */
export function cost(lo: i32, hi: i32): f64 {
  let total: f64 = 0;
  for (let i = lo; i < hi; i++) {
    const record = records + (<usize>i << RECORD_SHIFT);
    const diff = residual(record);
    total += 0.5 * <f64>load<f32>(record, 12) * diff * diff;
  }
  return total;
}
