/**
 * The memory of the bucket counter (src/counts/bucket-count.ts, assembly/cooc.ts), laid out in one
 * place so that the counter and `--dry-run` (src/plan/plan.ts) agree on what it takes. No imports of
 * the kernel here: the plan must stay light.
 */
import { PAIR_SLOT_BYTES } from '../corpus/budget.js';
import { WASM_MAX_PAGES, WASM_PAGE_BYTES } from '../io/wasm-module.js';

/** The distance sits in the low 8 bits of an entry (assembly/cooc.ts DISTANCE_BITS). */
export const BUCKET_MAX_WINDOW = 255;
/** The column sits in the high 24 bits. */
export const BUCKET_MAX_IDS = 1 << 24;
/** Row offsets are u32. */
export const BUCKET_MAX_PAIRS = 2 ** 32 - 1;
const ALIGN = 16;
/** Bytes of one sorted pair (a, b: u32; weight: f64). */
export const BUCKET_PAIR_BYTES = 16;

/** Byte offsets of the counter's arrays in the kernel's memory, before the pair entries. */
export interface BucketLayout {
  tokensAt: number;
  rowStartAt: number;
  cursorAt: number;
  distinctAt: number;
  bitmapAt: number;
  denseAt: number;
  weightsAt: number;
  /** First free byte after them. */
  top: number;
  /** 64-bit words of the touched-column bitmap. */
  words: number;
}

/** Round up to the kernel's alignment. */
export function bucketAlign(bytes: number): number {
  return Math.ceil(bytes / ALIGN) * ALIGN;
}

/** The fixed arrays for `entries` stream entries and `n` vocabulary ids (the first page is the kernel's). */
export function bucketLayout(entries: number, n: number): BucketLayout {
  let top = WASM_PAGE_BYTES;
  const take = (bytes: number): number => {
    const at = top;
    top = bucketAlign(top + bytes);
    return at;
  };
  const words = Math.ceil(n / 64);
  const tokensAt = take(entries * 4);
  const rowStartAt = take((n + 1) * 4);
  const cursorAt = take(n * 4);
  const distinctAt = take(n * 4);
  const bitmapAt = take(words * 8);
  const denseAt = take(n * 8);
  const weightsAt = take((BUCKET_MAX_WINDOW + 1) * 8);
  return { tokensAt, rowStartAt, cursorAt, distinctAt, bitmapAt, denseAt, weightsAt, top, words };
}

/**
 * The most the counter's memory reaches: the fixed arrays, one 4-byte entry per pair occurrence
 * (a token and a later token within the window in its sentence), and the sorted distinct pairs, of
 * which there are at most min(occurrences, n(n+1)/2). `distinct`, when known, bounds them tighter
 * (the counter itself asks before it knows them, with the bound).
 */
export function bucketPeakBytes(entries: number, n: number, occurrences: number, distinct?: number): number {
  const top = bucketAlign(bucketLayout(entries, n).top + occurrences * 4);
  return top + BUCKET_PAIR_BYTES * Math.min(distinct ?? occurrences, occurrences, (n * (n + 1)) / 2);
}

/** True when the kernel's 32-bit memory (4 GiB) can hold `bytes`. */
export function bucketFitsWasm(bytes: number): boolean {
  return Math.ceil(bytes / WASM_PAGE_BYTES) <= WASM_MAX_PAGES;
}

/**
 * Bytes the bucket counter may take when the budget gives the hash table `maxSlots` pair slots: the
 * table grows to 2 × slots of PAIR_SLOT_BYTES while it rehashes, and maxPairSlots keeps 1.5× that
 * inside the table's share — the bucket counter lives on the same share.
 */
export function bucketAllowance(maxSlots: number): number {
  return maxSlots * 3 * PAIR_SLOT_BYTES;
}
