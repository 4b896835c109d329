// Records of a word2vec binary file, checked and scored (`similar` on a .bin, src/query/stream-similar.ts).
//
// JavaScript reads the file into a buffer in this instance's memory (at offsets it planned; the
// kernel allocates nothing) and calls `run`, which walks the records — `word` SPACE dims × float32
// LE, newlines and carriage returns before a word skipped — as the TypeScript RecordReader does:
// each word is checked (non-empty, at most MAX_WORD_BYTES, not seen before by a 64-bit hash), each
// vector (finite, not all zero), its place kept, and once the queries are set, its cosine with
// each query computed exactly as rawRowCosine computes it (src/core/cosine.ts): the row's norm
// as a sequential float64 sum of squares, each value divided by it in float64 and rounded to
// float32, then Σ unit[j]·q[j] in four float64 sums by j mod 4 (the two lanes of two f64x2), added
// at the end in the order s0 + s1 + s2 + s3. IEEE operations lane by lane, no fused multiply-add:
// the bits are the TypeScript path's (test/quick-similar.test.ts compares them). Rows are scored two
// at a time (their sums of squares side by side); one left over is scored before `run` returns.
//
// `run` returns to JavaScript when it needs more bytes, at the end, at a bad record, and after a
// row whose word matched a query label or is not ASCII (JavaScript then reads the vector or checks
// the UTF-8, and calls `run` again, which first finishes that row).

/** run: the buffer holds no complete record; move [position(), len) to the front, read more, feed. */
const NEED_MORE: i32 = 0;
/** run: every row is read (pass 1: all `count`; pass 2: up to the rescan limit). */
const DONE: i32 = 1;
/** run: a record the fast path does not answer for (truncated, empty or long word, repeat, zero or non-finite vector). */
const BAD: i32 = 2;
/** Flags of a paused row (may be combined): its word matched label matched(); its word has bytes ≥ 0x80. */
const LABEL: i32 = 4;
const NON_ASCII: i32 = 8;

const MAX_WORD_BYTES: i32 = 1024;

// The layout JavaScript planned.
let buf: usize = 0;
let labelBytes: usize = 0;
let labelStarts: usize = 0; // u32 per label: offset in labelBytes
let labelLengths: usize = 0; // u32 per label
let labelCount: i32 = 0;
let table: usize = 0; // i32 pairs (h1, h2); (0, 0) = empty
let tableMask: u32 = 0;
let wordOffsets: usize = 0; // f64 per row: the word's file offset
let wordLengths: usize = 0; // u32 per row
let count: i32 = 0;
let dims: i32 = 0;
let restrict: i32 = 0; // rows scored: [0, restrict)
let unit: usize = 0; // f64 × 2·dims scratch: two rows divided by their norms, rounded to float32
let queries: usize = 0; // f64 × dims per query
let queryCount: i32 = 0;
let scores: usize = 0; // f64 × restrict per query

// The walk.
let pos: i32 = 0;
let len: i32 = 0;
let eof: i32 = 0;
let base: f64 = 0;
let row: i32 = 0;
let lastRow: i32 = 0; // rows to read in this pass
let checking: i32 = 1; // pass 1 checks and records; pass 2 only scores
let pendingVector: i32 = -1; // a paused row's vector (buffer offset), scored when run resumes
let matchedLabel: i32 = -1;
let wordStartAt: i32 = 0;
let wordEndAt: i32 = 0;

export function setup(
  bufAt: usize, labelsAt: usize, startsAt: usize, lengthsAt: usize, labels: i32,
  tableAt: usize, slots: u32, offsetsAt: usize, wordLengthsAt: usize, rows: i32, dim: i32, restrictRows: i32, unitAt: usize,
): void {
  buf = bufAt;
  labelBytes = labelsAt;
  labelStarts = startsAt;
  labelLengths = lengthsAt;
  labelCount = labels;
  table = tableAt;
  tableMask = slots - 1;
  memory.fill(table, 0, <usize>slots * 8);
  wordOffsets = offsetsAt;
  wordLengths = wordLengthsAt;
  count = rows;
  dims = dim;
  restrict = restrictRows;
  unit = unitAt;
  queryCount = 0;
  restart(rows, 1);
}

/** Walk from the file's first record (JavaScript feeds the buffer again), reading `rows` rows; `check`: pass 1. */
function restart(rows: i32, check: i32): void {
  pos = 0;
  len = 0;
  eof = 0;
  row = 0;
  lastRow = rows;
  checking = check;
  pendingVector = -1;
  deferred = 0;
}

/** Score the rows from now on against `n` unit queries at `at` (f64 × dims each), into `out` (f64 × restrict each). */
export function setQueries(at: usize, n: i32, out: usize): void {
  queries = at;
  queryCount = n;
  scores = out;
}

/** Pass 2: read the first `rows` rows again from the file's first record, scoring only. */
export function rescan(rows: i32): void {
  restart(rows, 0);
}

/** JavaScript filled buf[0, length), whose first byte is at file offset `offset`; `end`: nothing follows in the file. */
export function feed(length: i32, end: i32, offset: f64): void {
  pos = 0;
  len = length;
  eof = end;
  base = offset;
}

export function position(): i32 {
  return pos;
}
export function rowsRead(): i32 {
  return row;
}
export function matched(): i32 {
  return matchedLabel;
}
export function wordStart(): i32 {
  return wordStartAt;
}
export function wordEnd(): i32 {
  return wordEndAt;
}

/** Σ x[j]² of a row in float64, in order (rowNorm's sum in src/core/cosine.ts). */
@inline function sumOfSquares(vector: usize): f64 {
  let s: f64 = 0;
  for (let j: usize = 0; j < <usize>dims; j++) {
    const x = <f64>load<f32>(vector + (j << 2));
    s += x * x;
  }
  return s;
}

/** out[j] = f64(f32(x[j] / norm)), two lanes at a time (each lane is the scalar IEEE division and rounding). */
function unitRow(vector: usize, s: f64, out: usize): void {
  const n = <usize>dims;
  const norm = s > 0 ? Math.sqrt(s) : 1;
  const norms = f64x2.splat(norm);
  const pairs = n & ~(<usize>1);
  let j: usize = 0;
  for (; j < pairs; j += 2) {
    const x = f64x2.promote_low_f32x4(v128.load64_zero(vector + (j << 2)));
    v128.store(out + (j << 3), f64x2.promote_low_f32x4(f32x4.demote_f64x2_zero(f64x2.div(x, norms))));
  }
  for (; j < n; j++) store<f64>(out + (j << 3), <f64>(<f32>(<f64>load<f32>(vector + (j << 2)) / norm)));
}

/** scores[k][at] = Σ u[j]·q_k[j] for every query k, in four sums by j mod 4 added s0 + s1 + s2 + s3. */
function dots(u: usize, at: i32): void {
  const n = <usize>dims;
  const unrolled = n - (n & 3);
  for (let k = 0; k < queryCount; k++) {
    const q = queries + <usize>k * n * 8;
    let a = f64x2.splat(0); // s0, s1
    let b = f64x2.splat(0); // s2, s3
    let j: usize = 0;
    for (; j < unrolled; j += 4) {
      a = f64x2.add(a, f64x2.mul(v128.load(u + (j << 3)), v128.load(q + (j << 3))));
      b = f64x2.add(b, f64x2.mul(v128.load(u + (j << 3), 16), v128.load(q + (j << 3), 16)));
    }
    let s0 = f64x2.extract_lane(a, 0);
    for (; j < n; j++) s0 += load<f64>(u + (j << 3)) * load<f64>(q + (j << 3));
    store<f64>(scores + (<usize>k * <usize>restrict + <usize>at) * 8, s0 + f64x2.extract_lane(a, 1) + f64x2.extract_lane(b, 0) + f64x2.extract_lane(b, 1));
  }
}

/** Score row `at` (its vector at `vector`). */
function score(vector: usize, at: i32): void {
  unitRow(vector, sumOfSquares(vector), unit);
  dots(unit, at);
}

/**
 * Score rows `atA` and `atB` together: their sums of squares (dims dependent additions each, most
 * of a row's time) run side by side; each row's arithmetic is score's, in the same order.
 */
function scorePair(vectorA: usize, atA: i32, vectorB: usize, atB: i32): void {
  let sa: f64 = 0;
  let sb: f64 = 0;
  for (let j: usize = 0; j < <usize>dims; j++) {
    const xa = <f64>load<f32>(vectorA + (j << 2));
    const xb = <f64>load<f32>(vectorB + (j << 2));
    sa += xa * xa;
    sb += xb * xb;
  }
  const unitB = unit + (<usize>dims << 3);
  unitRow(vectorA, sa, unit);
  unitRow(vectorB, sb, unitB);
  dots(unit, atA);
  dots(unitB, atB);
}

/** A row waiting to be scored with the next one (0: none; the buffer never starts at 0), and its index. */
let deferred: usize = 0;
let deferredRow: i32 = 0;

/** Finish a row: score it (when the queries are set and it is within restrict; in pairs), count it. */
@inline function finishRow(vector: usize): void {
  if (queryCount > 0 && row < restrict) {
    if (deferred == 0) {
      deferred = vector;
      deferredRow = row;
    } else {
      scorePair(deferred, deferredRow, vector, row);
      deferred = 0;
    }
  }
  row++;
}

/** Score the waiting row alone: before run returns, since JavaScript may then move the buffer's bytes. */
function flush(): void {
  if (deferred != 0) {
    score(deferred, deferredRow);
    deferred = 0;
  }
}

/** True when the word's two hashes were not in the table (and adds them). */
function addWord(start: usize, end: usize): bool {
  let h1: u32 = 0x811c9dc5;
  let h2: u32 = 0x01000193 ^ 0x5bd1e995;
  for (let i = start; i < end; i++) {
    const b = <u32>load<u8>(i);
    h1 = (h1 ^ b) * 0x01000193;
    h2 = ((h2 ^ b) * 0x01000193) ^ (h2 >>> 15);
  }
  if (h1 == 0 && h2 == 0) return false;
  for (let slot = h1 & tableMask; ; slot = (slot + 1) & tableMask) {
    const at = table + <usize>slot * 8;
    const a = load<u32>(at);
    const b = load<u32>(at, 4);
    if (a == 0 && b == 0) {
      store<u32>(at, h1);
      store<u32>(at, h2, 4);
      return true;
    }
    if (a == h1 && b == h2) return false;
  }
  return false;
}

/** Finite and not all zero (the full path refuses NaN/±Infinity and warns about a zero vector): four values at a time. */
function plainVector(at: usize): bool {
  const end = at + (<usize>dims << 2);
  const exponent = i32x4.splat(0x7f800000);
  const magnitude = i32x4.splat(0x7fffffff);
  let nonFinite = i32x4.splat(0); // lanes of all ones where a value's exponent bits are all ones
  let bits = i32x4.splat(0); // every value's bits but the sign, OR-ed
  let p = at;
  for (; p + 16 <= end; p += 16) {
    const v = v128.load(p);
    nonFinite = v128.or(nonFinite, i32x4.eq(v128.and(v, exponent), exponent));
    bits = v128.or(bits, v128.and(v, magnitude));
  }
  if (v128.any_true(nonFinite)) return false;
  let any = v128.any_true(bits);
  for (; p < end; p += 4) {
    const v = load<u32>(p);
    if ((v & 0x7f800000) == 0x7f800000) return false;
    if ((v & 0x7fffffff) != 0) any = true;
  }
  return any;
}

function labelOf(start: usize, length: i32): i32 {
  for (let c = 0; c < labelCount; c++) {
    if (<i32>load<u32>(labelLengths + (<usize>c << 2)) != length) continue;
    const l = labelBytes + <usize>load<u32>(labelStarts + (<usize>c << 2));
    let i: i32 = 0;
    while (i < length && load<u8>(l + <usize>i) == load<u8>(start + <usize>i)) i++;
    if (i == length) return c;
  }
  return -1;
}

/** Walk the records from position(); see the status constants above. */
export function run(): i32 {
  const status = walk();
  flush();
  return status;
}

function walk(): i32 {
  if (pendingVector >= 0) {
    finishRow(buf + <usize>pendingVector);
    pendingVector = -1;
  }
  const vectorBytes = dims << 2;
  const recordBytes = MAX_WORD_BYTES + 1 + vectorBytes;
  while (row < lastRow) {
    while (pos < len && (load<u8>(buf + <usize>pos) == 10 || load<u8>(buf + <usize>pos) == 13)) pos++;
    if (pos == len && eof == 0) return NEED_MORE;
    if (len - pos < recordBytes && eof == 0) return NEED_MORE;
    const start = pos;
    const limit = min(len, start + MAX_WORD_BYTES + 1);
    let space = start;
    while (space < limit && load<u8>(buf + <usize>space) != 32) space++;
    if (space == limit) return BAD;
    if (space + 1 + vectorBytes > len) return BAD;
    pos = space + 1 + vectorBytes;
    const vector = buf + <usize>(space + 1);
    if (checking == 0) {
      finishRow(vector);
      continue;
    }
    if (space == start) return BAD;
    const wordAt = buf + <usize>start;
    const wordEndPtr = buf + <usize>space;
    if (!addWord(wordAt, wordEndPtr) || !plainVector(vector)) return BAD;
    store<f64>(wordOffsets + (<usize>row << 3), base + <f64>start);
    store<u32>(wordLengths + (<usize>row << 2), <u32>(space - start));
    let flags: i32 = 0;
    for (let p = wordAt; p < wordEndPtr; p++) {
      if (load<u8>(p) >= 0x80) {
        flags = NON_ASCII;
        break;
      }
    }
    if (queryCount == 0 && labelCount > 0) {
      matchedLabel = labelOf(wordAt, space - start);
      if (matchedLabel >= 0) flags |= LABEL;
    }
    if (flags != 0) {
      wordStartAt = start;
      wordEndAt = space;
      pendingVector = space + 1;
      return flags;
    }
    finishRow(vector);
  }
  return DONE;
}

/** Row i ranks below row j: a lower score, or the same score and a larger index (topK in src/core/cosine.ts). */
@inline function worse(s: usize, i: i32, j: i32): bool {
  const a = load<f64>(s + (<usize>i << 3));
  const b = load<f64>(s + (<usize>j << 3));
  return a < b || (a == b && i > j);
}

/**
 * The indices of the k best scores of query `k`'s column (rows [0, restrict)), skipping NaN and row
 * `excluded`, into `out` (i32 × k) in no particular order: how many (fewer than k when the rows run
 * out). A min-heap of size k by `worse`, a total order, so the set is the one topK picks.
 */
export function best(query: i32, k: i32, excluded: i32, out: usize): i32 {
  const s = scores + <usize>query * <usize>restrict * 8;
  let size: i32 = 0;
  for (let i: i32 = 0; i < restrict; i++) {
    const v = load<f64>(s + (<usize>i << 3));
    if (v != v || i == excluded) continue;
    if (size < k) {
      // Sift up.
      let c = size++;
      store<i32>(out + (<usize>c << 2), i);
      while (c > 0) {
        const p = (c - 1) >> 1;
        const ic = load<i32>(out + (<usize>c << 2));
        const ip = load<i32>(out + (<usize>p << 2));
        if (!worse(s, ic, ip)) break;
        store<i32>(out + (<usize>c << 2), ip);
        store<i32>(out + (<usize>p << 2), ic);
        c = p;
      }
    } else if (v > load<f64>(s + (<usize>load<i32>(out) << 3))) {
      // Replace the worst and sift down.
      store<i32>(out, i);
      let p: i32 = 0;
      for (;;) {
        const l = 2 * p + 1;
        const r = l + 1;
        let m = p;
        if (l < size && worse(s, load<i32>(out + (<usize>l << 2)), load<i32>(out + (<usize>m << 2)))) m = l;
        if (r < size && worse(s, load<i32>(out + (<usize>r << 2)), load<i32>(out + (<usize>m << 2)))) m = r;
        if (m == p) break;
        const im = load<i32>(out + (<usize>m << 2));
        store<i32>(out + (<usize>m << 2), load<i32>(out + (<usize>p << 2)));
        store<i32>(out + (<usize>p << 2), im);
        p = m;
      }
    }
  }
  return size;
}
