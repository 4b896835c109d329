/**
 * The row arithmetic every cosine query shares (WordVectors in vectors.ts, and `similar`'s
 * streaming path in query/stream-similar.ts): row norms, unit rows, cosines from raw rows, the
 * query's unit vector and the top k. A module without imports, so the quick path loads it alone.
 */

/** How many neighbours a query returns unless told (gensim's `topn` default). */
export const DEFAULT_TOP = 10;

/** The norm a row is divided by: its Euclidean length (summed in float64, in order), 1 for a zero row. */
export function rowNorm(data: Float32Array, base: number, dim: number): number {
  let s = 0;
  for (let j = 0; j < dim; j++) s += data[base + j]! * data[base + j]!;
  return s > 0 ? Math.sqrt(s) : 1;
}

/**
 * cos(row, q) for the raw row data[base..base + dim) and a unit float64 query `q`: the row is divided
 * by its norm on the way, each quotient rounded to float32 as the unit copy holds it (normaliseRow),
 * then Σ unit[j]·q[j] in four interleaved float64 sums (j mod 4) added at the end. The scores are
 * the bits the unit copy gives; `similar`'s streaming path (query/stream-similar.ts) uses it too.
 */
export function rawRowCosine(data: Float32Array, base: number, dim: number, q: Float64Array): number {
  const norm = rowNorm(data, base, dim);
  const unrolled = dim - (dim % 4);
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let j = 0;
  for (; j < unrolled; j += 4) {
    s0 += Math.fround(data[base + j]! / norm) * q[j]!;
    s1 += Math.fround(data[base + j + 1]! / norm) * q[j + 1]!;
    s2 += Math.fround(data[base + j + 2]! / norm) * q[j + 2]!;
    s3 += Math.fround(data[base + j + 3]! / norm) * q[j + 3]!;
  }
  for (; j < dim; j++) s0 += Math.fround(data[base + j]! / norm) * q[j]!;
  return s0 + s1 + s2 + s3;
}

/** One row divided by its norm, into out[at..at + dim). */
export function normaliseRow(data: Float32Array, base: number, dim: number, out: Float32Array, at: number): void {
  const norm = rowNorm(data, base, dim);
  for (let j = 0; j < dim; j++) out[at + j] = data[base + j]! / norm;
}

/** v / ‖v‖ in float64 (a zero vector stays zero): the query side of every cosine. */
export function normalised(v: ArrayLike<number>): Float64Array {
  const out = Float64Array.from(v);
  let sumOfSquares = 0;
  for (let j = 0; j < out.length; j++) sumOfSquares += out[j]! * out[j]!;
  const norm = Math.sqrt(sumOfSquares);
  if (norm > 0) for (let j = 0; j < out.length; j++) out[j] = out[j]! / norm;
  return out;
}

/**
 * Indices of the k largest scores, best first, skipping `excluded` and NaN; ties go to the smaller
 * index. A min-heap of size k, so a query over n rows costs O(n log k).
 */
export function topK(scores: ArrayLike<number>, k: number, excluded: ReadonlySet<number> = new Set()): number[] {
  if (k <= 0) return [];
  const heap: number[] = [];
  // "worse" = lower score, or equal score and larger index.
  const worse = (i: number, j: number): boolean => scores[i]! < scores[j]! || (scores[i] === scores[j] && i > j);
  const siftDown = (p: number): void => {
    for (;;) {
      const l = 2 * p + 1;
      const r = l + 1;
      let m = p;
      if (l < heap.length && worse(heap[l]!, heap[m]!)) m = l;
      if (r < heap.length && worse(heap[r]!, heap[m]!)) m = r;
      if (m === p) return;
      [heap[p], heap[m]] = [heap[m]!, heap[p]!];
      p = m;
    }
  };
  for (let i = 0; i < scores.length; i++) {
    const s = scores[i]!;
    if (Number.isNaN(s) || excluded.has(i)) continue;
    if (heap.length < k) {
      heap.push(i);
      for (let c = heap.length - 1; c > 0; ) {
        const p = (c - 1) >> 1;
        if (!worse(heap[c]!, heap[p]!)) break;
        [heap[c], heap[p]] = [heap[p]!, heap[c]!];
        c = p;
      }
    } else if (s > scores[heap[0]!]!) {
      heap[0] = i;
      siftDown(0);
    }
  }
  return bestFirst(scores, heap);
}

/** Row indices sorted best first: the higher score, then the smaller index (topK's order). */
export function bestFirst(scores: ArrayLike<number>, rows: number[]): number[] {
  return rows.sort((i, j) => scores[j]! - scores[i]! || i - j);
}
