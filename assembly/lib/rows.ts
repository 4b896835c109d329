// Row arithmetic and the negative-sampling signal shared by the word2vec and fastText kernels
// (assembly/word2vec.ts, assembly/fasttext.ts). A row is `bytes` bytes of f32 (dim rounded up to a
// multiple of 4 floats, padding lanes zero), so every loop is whole f32x4 steps with no tail.

import { nextRandom } from './random';

/** 2^-24: turns a 24-bit integer into a float in [0, 1) exactly. */
const INV_2_24: f32 = 1.0 / 16777216.0;

/** Uniform float in [0, 1) with 24 random bits. */
// @ts-ignore: decorator
@inline
export function uniform(): f32 {
  return <f32>(<u32>(nextRandom() >> 40)) * INV_2_24;
}

/**
 * A draw from a Walker alias table of `n` entries: a bucket from the high 32 bits, a coin from 24
 * of the low bits; keep the bucket if the coin falls under its probability, else take its alias.
 */
// @ts-ignore: decorator
@inline
export function aliasDraw(n: i32, probability: usize, alias: usize): i32 {
  const r = nextRandom();
  const bucket = <i32>(((r >> 32) * <u64>n) >> 32);
  const coin = <f32>(<u32>(r >> 8) & 0xffffff) * INV_2_24;
  const offset = <usize>bucket << 2;
  return coin < load<f32>(probability + offset) ? bucket : load<i32>(alias + offset);
}

/**
 * The learning signal of one (hidden, output, label) pair, as word2vec.c and fastText's
 * binaryLogistic: g = (label − σ(f)) · alpha, σ from `table` (size + 1 points over [−bound, bound],
 * `scale` = size / (2 · bound)), σ = 0 or 1 beyond ±bound.
 */
// @ts-ignore: decorator
@inline
export function sigmoidGradient(f: f32, label: f32, alpha: f32, table: usize, bound: f32, scale: f32): f32 {
  if (f >= bound) return (label - 1) * alpha;
  if (f <= -bound) return label * alpha;
  const index = <i32>((f + bound) * scale + 0.5);
  return (label - load<f32>(table + (<usize>index << 2))) * alpha;
}

/** a · b over one row (two accumulators for instruction-level parallelism). */
// @ts-ignore: decorator
@inline
export function rowDot(a: usize, b: usize, bytes: usize): f32 {
  let acc0 = f32x4.splat(0);
  let acc1 = f32x4.splat(0);
  let k: usize = 0;
  for (; k + 32 <= bytes; k += 32) {
    acc0 = f32x4.add(acc0, f32x4.mul(v128.load(a + k), v128.load(b + k)));
    acc1 = f32x4.add(acc1, f32x4.mul(v128.load(a + k, 16), v128.load(b + k, 16)));
  }
  if (k < bytes) acc0 = f32x4.add(acc0, f32x4.mul(v128.load(a + k), v128.load(b + k)));
  const acc = f32x4.add(acc0, acc1);
  return f32x4.extract_lane(acc, 0) + f32x4.extract_lane(acc, 1) + f32x4.extract_lane(acc, 2) + f32x4.extract_lane(acc, 3);
}

/** y += g · x over one row. */
// @ts-ignore: decorator
@inline
export function rowAxpy(g: f32, x: usize, y: usize, bytes: usize): void {
  const gv = f32x4.splat(g);
  for (let k: usize = 0; k < bytes; k += 16) {
    v128.store(y + k, f32x4.add(v128.load(y + k), f32x4.mul(gv, v128.load(x + k))));
  }
}

/** y *= s over one row. */
// @ts-ignore: decorator
@inline
export function rowScale(s: f32, y: usize, bytes: usize): void {
  const sv = f32x4.splat(s);
  for (let k: usize = 0; k < bytes; k += 16) v128.store(y + k, f32x4.mul(v128.load(y + k), sv));
}

/** The two updates of one output row, fused: gradient += g · output; output += g · h. */
// @ts-ignore: decorator
@inline
export function rowUpdateOutput(g: f32, h: usize, output: usize, grad: usize, bytes: usize): void {
  const gv = f32x4.splat(g);
  for (let k: usize = 0; k < bytes; k += 16) {
    const o = v128.load(output + k);
    v128.store(grad + k, f32x4.add(v128.load(grad + k), f32x4.mul(gv, o)));
    v128.store(output + k, f32x4.add(o, f32x4.mul(gv, v128.load(h + k))));
  }
}

/** y = 0 over one row. */
// @ts-ignore: decorator
@inline
export function rowZero(y: usize, bytes: usize): void {
  const z = f32x4.splat(0);
  for (let k: usize = 0; k < bytes; k += 16) v128.store(y + k, z);
}
