// The kernels' random generator: xorshift64* (Vigna 2016), one state per kernel instance (a wasm
// global, so every worker thread has its own). Imported by assembly/word2vec.ts and assembly/glove.ts.

/** xorshift64* multiplier (Vigna 2016). */
const XORSHIFT_MULTIPLIER: u64 = 0x2545f4914f6cdd1d;

let state: u64 = 1;

/** Seed the generator (a zero state would stick at zero, so it becomes 1). */
export function seedRandom(low: u32, high: u32): void {
  state = (<u64>high << 32) | <u64>low;
  if (state == 0) state = 1;
}

/** Next 64 random bits; the high bits are the good ones. */
// @ts-ignore: decorator
@inline
export function nextRandom(): u64 {
  let x = state;
  x ^= x >> 12;
  x ^= x << 25;
  x ^= x >> 27;
  state = x;
  return x * XORSHIFT_MULTIPLIER;
}

/** Uniform integer in [0, n) from the high 32 bits (multiply-shift, no modulo bias to speak of). */
// @ts-ignore: decorator
@inline
export function below(n: u32): u32 {
  return <u32>(((nextRandom() >> 32) * <u64>n) >> 32);
}
