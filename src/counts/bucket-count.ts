/**
 * Window co-occurrence counting in WebAssembly (assembly/cooc.ts) without a hash table: the pairs are
 * bucketed by their smaller id, and each bucket is summed in a dense accumulator that stays in cache,
 * giving the pairs (a ≤ b) already sorted by (a, b). The hash table of pair-counter.ts (with its
 * spilling to disk) stays the reference and the path for budgets this one does not fit.
 */
import type { TokenStream } from '../corpus/stream.js';
import { loadWasmModuleSync, WASM_MAX_PAGES as MAX_PAGES, WASM_PAGE_BYTES as PAGE_BYTES } from '../io/wasm-module.js';
import { BUCKET_MAX_IDS as MAX_IDS, BUCKET_MAX_PAIRS as MAX_PAIRS, BUCKET_MAX_WINDOW, bucketAlign, bucketLayout, bucketPeakBytes } from './bucket-layout.js';

export { BUCKET_MAX_WINDOW } from './bucket-layout.js';

interface CoocExports {
  memory: WebAssembly.Memory;
  countPairs(tokens: number, length: number, window: number, rowCounts: number): number;
  scatterPairs(tokens: number, length: number, window: number, cursor: number, entries: number): void;
  countDistinct(entries: number, rowStart: number, r0: number, r1: number, words: number, bitmap: number, distinct: number): void;
  emitPairs(
    entries: number, rowStart: number, r0: number, r1: number, words: number, bitmap: number, dense: number, weights: number,
    outA: number, outB: number, outWeight: number, first: number,
  ): number;
}

/** Pairs a ≤ b with summed weights, sorted by (a, b). */
export interface SortedPairs {
  a: Uint32Array;
  b: Uint32Array;
  weight: Float64Array;
}

/** True when bucketCount can count this vocabulary and window. */
export function bucketCountApplies(vocabSize: number, window: number): boolean {
  return vocabSize < MAX_IDS && window >= 1;
}

/**
 * Count the pairs of `stream` at distances 1..min(window, longest sentence) with weight
 * `weights[d]`. `fits(bytes)` is asked, once the pairs are counted, whether the memory this needs
 * (at most `bytes`) is allowed; when it says no, nothing is counted and the result is undefined.
 */
export function bucketCount(stream: TokenStream, vocabSize: number, window: number, weights: (d: number) => number, fits: (bytes: number) => boolean): SortedPairs | undefined {
  const n = Math.max(1, vocabSize);
  const reach = Math.min(window, BUCKET_MAX_WINDOW);
  if (window > BUCKET_MAX_WINDOW && longestSentence(stream) > BUCKET_MAX_WINDOW) return undefined;
  const length = stream.storedEntries;
  const { tokensAt, rowStartAt, cursorAt, distinctAt, bitmapAt, denseAt, weightsAt, words, top: fixed } = bucketLayout(length, n);
  let top = fixed;
  const take = (bytes: number): number => {
    const at = top;
    top = bucketAlign(top + bytes);
    return at;
  };
  if (pagesFor(top) > MAX_PAGES) return undefined;
  const memory = new WebAssembly.Memory({ initial: pagesFor(top), maximum: MAX_PAGES });
  const kernel = new WebAssembly.Instance(loadWasmModuleSync('cooc', 'co-occurrence counting'), { env: { memory, abort: () => {} } }).exports as unknown as CoocExports;
  let used = 0;
  {
    const tokens = new Int32Array(memory.buffer, tokensAt, length);
    for (const piece of stream.pieces()) {
      tokens.set(piece, used);
      used += piece.length;
    }
  }
  // Row counts go to rowStart[a + 1], so that the prefix sum turns them into bucket starts in place.
  const pairs = kernel.countPairs(tokensAt, used, reach, rowStartAt + 4);
  if (pairs > MAX_PAIRS) return undefined;
  const entriesAt = take(pairs * 4);
  // The sorted pairs are at most min(pairs, n(n+1)/2), 16 bytes each.
  const most = bucketPeakBytes(length, n, pairs);
  if (most !== top + 16 * Math.min(pairs, (n * (n + 1)) / 2)) throw new Error('internal: the bucket counter\'s layout and bucketPeakBytes disagree');
  if (pagesFor(most) > MAX_PAGES || !fits(most)) return undefined;
  grow(memory, top);
  const rowStart = new Uint32Array(memory.buffer, rowStartAt, n + 1);
  for (let a = 0; a < n; a++) rowStart[a + 1]! += rowStart[a]!;
  new Uint32Array(memory.buffer, cursorAt, n).set(rowStart.subarray(0, n));
  kernel.scatterPairs(tokensAt, used, reach, cursorAt, entriesAt);
  kernel.countDistinct(entriesAt, rowStartAt, 0, n, words, bitmapAt, distinctAt);
  let total = 0;
  {
    const distinct = new Uint32Array(memory.buffer, distinctAt, n);
    for (let a = 0; a < n; a++) total += distinct[a]!;
  }
  const outA = take(total * 4);
  const outB = take(total * 4);
  const outWeight = take(total * 8);
  grow(memory, top);
  const table = new Float64Array(memory.buffer, weightsAt, BUCKET_MAX_WINDOW + 1);
  for (let d = 1; d <= reach; d++) table[d] = weights(d);
  const written = kernel.emitPairs(entriesAt, rowStartAt, 0, n, words, bitmapAt, denseAt, weightsAt, outA, outB, outWeight, 0);
  if (written !== total) throw new Error(`internal: ${written} co-occurrence pairs written, ${total} counted`);
  // Views of the kernel's memory: it lives as long as the pairs do (no second copy).
  return {
    a: new Uint32Array(memory.buffer, outA, total),
    b: new Uint32Array(memory.buffer, outB, total),
    weight: new Float64Array(memory.buffer, outWeight, total),
  };
}

function pagesFor(bytes: number): number {
  return Math.ceil(bytes / PAGE_BYTES);
}

/** Grow the memory to hold `bytes` (views made before are detached: make them after). */
function grow(memory: WebAssembly.Memory, bytes: number): void {
  const pages = pagesFor(bytes);
  const have = memory.buffer.byteLength / PAGE_BYTES;
  if (pages > MAX_PAGES) throw new RangeError('over 4 GiB');
  if (pages > have) memory.grow(pages - have);
}

/** The longest sentence of the stream (only needed when the window is wider than the kernel's 255). */
function longestSentence(stream: TokenStream): number {
  let longest = 0;
  stream.forEachSentence((_, begin, end) => {
    longest = Math.max(longest, end - begin);
  });
  return longest;
}
