// Window co-occurrence counting without a hash table (src/counts/bucket-count.ts plans the memory).
//
// The pairs {u, v} at distance d ≤ window of the token stream are bucketed by their smaller id a:
// countPairs sizes the buckets, scatterPairs fills them with (b << 8 | d) in stream order (b the
// larger id), and each bucket is then reduced with a dense accumulator of n doubles and a bitmap
// of the columns it touched (a "sparse accumulator"): countDistinct sizes the output, emitPairs
// writes the pairs (a, b, Σ weight) sorted by (a, b). A bucket's weights are summed in stream order,
// as the hash table (src/encoders/pair-counter.ts, the reference) sums them: the same doubles.
//
// Tokens: i32 ids ≥ 0, −1 after each sentence. Every array is at a byte offset the JavaScript side
// planned; the kernel allocates nothing.

/** Bits of an entry that hold the distance (so the window is at most 255 here). */
const DISTANCE_BITS: u32 = 8;
const DISTANCE_MASK: u32 = (1 << DISTANCE_BITS) - 1;

/** rowCounts[a] += the pairs whose smaller id is a; returns the number of pairs. */
export function countPairs(tokens: usize, length: i32, window: i32, rowCounts: usize): f64 {
  let total: f64 = 0;
  for (let i = 0; i < length; i++) {
    const u = load<i32>(tokens + (<usize>i << 2));
    if (u < 0) continue;
    const last = min(length - 1, i + window);
    let j = i + 1;
    for (; j <= last; j++) {
      const v = load<i32>(tokens + (<usize>j << 2));
      if (v < 0) break;
      const at = rowCounts + (<usize>min(u, v) << 2);
      store<u32>(at, load<u32>(at) + 1);
    }
    total += <f64>(j - i - 1);
  }
  return total;
}

/** entries[cursor[a]++] = b << 8 | d for every pair, in stream order. */
export function scatterPairs(tokens: usize, length: i32, window: i32, cursor: usize, entries: usize): void {
  for (let i = 0; i < length; i++) {
    const u = load<i32>(tokens + (<usize>i << 2));
    if (u < 0) continue;
    const last = min(length - 1, i + window);
    for (let j = i + 1; j <= last; j++) {
      const v = load<i32>(tokens + (<usize>j << 2));
      if (v < 0) break;
      const at = cursor + (<usize>min(u, v) << 2);
      const p = load<u32>(at);
      store<u32>(at, p + 1);
      store<u32>(entries + (<usize>p << 2), (<u32>max(u, v) << DISTANCE_BITS) | <u32>(j - i));
    }
  }
}

/** distinct[a] = the distinct columns of bucket a, for a ∈ [r0, r1). `bitmap` (⌈n/64⌉ u64) is zero before and after. */
export function countDistinct(entries: usize, rowStart: usize, r0: i32, r1: i32, words: i32, bitmap: usize, distinct: usize): void {
  for (let a = r0; a < r1; a++) {
    const begin = <usize>load<u32>(rowStart + (<usize>a << 2));
    const end = <usize>load<u32>(rowStart + (<usize>(a + 1) << 2));
    for (let p = begin; p < end; p++) {
      const b = load<u32>(entries + (p << 2)) >> DISTANCE_BITS;
      const at = bitmap + (<usize>(b >> 6) << 3);
      store<u64>(at, load<u64>(at) | (<u64>1 << <u64>(b & 63)));
    }
    let count: u32 = 0;
    for (let w = 0; w < words; w++) {
      const at = bitmap + (<usize>w << 3);
      const bits = load<u64>(at);
      if (bits != 0) {
        count += <u32>popcnt<u64>(bits);
        store<u64>(at, 0);
      }
    }
    store<u32>(distinct + (<usize>a << 2), count);
  }
}

/**
 * The pairs of buckets [r0, r1) into outA/outB/outWeight from position `first` on, sorted by b in
 * each bucket; weights[d] is the weight of distance d. `dense` (n f64) and `bitmap` are zero before
 * and after. Returns the position after the last pair written.
 */
export function emitPairs(
  entries: usize, rowStart: usize, r0: i32, r1: i32, words: i32, bitmap: usize, dense: usize, weights: usize,
  outA: usize, outB: usize, outWeight: usize, first: u32,
): u32 {
  let q = first;
  for (let a = r0; a < r1; a++) {
    const begin = <usize>load<u32>(rowStart + (<usize>a << 2));
    const end = <usize>load<u32>(rowStart + (<usize>(a + 1) << 2));
    if (begin == end) continue;
    for (let p = begin; p < end; p++) {
      const e = load<u32>(entries + (p << 2));
      const b = e >> DISTANCE_BITS;
      const sum = dense + (<usize>b << 3);
      store<f64>(sum, load<f64>(sum) + load<f64>(weights + (<usize>(e & DISTANCE_MASK) << 3)));
      const at = bitmap + (<usize>(b >> 6) << 3);
      store<u64>(at, load<u64>(at) | (<u64>1 << <u64>(b & 63)));
    }
    for (let w = 0; w < words; w++) {
      const at = bitmap + (<usize>w << 3);
      let bits = load<u64>(at);
      if (bits == 0) continue;
      store<u64>(at, 0);
      while (bits != 0) {
        const b = (<u32>w << 6) | <u32>ctz<u64>(bits);
        bits &= bits - 1;
        const sum = dense + (<usize>b << 3);
        store<u32>(outA + (<usize>q << 2), <u32>a);
        store<u32>(outB + (<usize>q << 2), b);
        store<f64>(outWeight + (<usize>q << 3), load<f64>(sum));
        store<f64>(sum, 0);
        q++;
      }
    }
  }
  return q;
}
