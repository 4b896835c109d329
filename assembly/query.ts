// Query kernel: the two inner loops of analogy evaluation, WebAssembly SIMD.
//
// Everything lives at byte offsets the JavaScript side planned (src/query/kernel.ts) in a shared
// memory JavaScript makes and grows as needed; a second instance on the same memory may run in a
// helper thread (src/linalg/wasm-helper.ts) on other rows or other questions. The kernel allocates
// nothing and writes only its own outputs (the argmax scans the rows between the question's three).
//
// Both loops give exactly what the TypeScript reference path (src/query/analogies.ts) gives:
// - cosineColumns keeps the reference's float64 sums, each column summed over j = 0..dim-1 in
//   order (a float32 × float32 product is exact in float64, and wasm has no fused multiply-add
//   here), the two lanes of an f64x2 being two different columns; each sum is then rounded to
//   float32 as the reference's Float32Array store does.
// - the argmax loops compute in float32 (f32x4), which equals the reference's Math.fround of each
//   float64 step: +, −, ×, ÷ of float32 values rounded twice (to float64, then float32) give the
//   correctly rounded float32 result (53 ≥ 2·24 + 2). The first row wins ties.

/** Columns computed together (the reference's COLUMN_GROUP): four f64x2 accumulators per row. */
const GROUP: i32 = 8;

/**
 * out[(g·8 + t)·rows + r] = f32(Σ_j unit[r·dim + j] · packed[(g·dim + j)·8 + t]) for every row r
 * from `from` below `to` (of `rows`) and every group g below `groups`; rows are taken two at a time
 * so every packed load feeds two rows (each row's sums are the same operations whatever its
 * partner), in blocks of `block` rows so a block stays in cache across the groups.
 */
export function cosineColumns(unit: usize, rows: i32, dim: i32, packed: usize, groups: i32, out: usize, block: i32, from: i32, to: i32): void {
  const rowBytes = (<usize>dim) << 2;
  const columnBytes = (<usize>rows) << 2;
  for (let r0 = from; r0 < to; r0 += block) {
    const r1 = min(to, r0 + block);
    for (let g = 0; g < groups; g++) {
      const first = packed + ((<usize>(g * dim * GROUP)) << 3);
      const column0 = out + ((<usize>(g * GROUP)) * columnBytes);
      let r = r0;
      for (; r + 1 < r1; r += 2) {
        const x0 = unit + (<usize>r) * rowBytes;
        const x1 = x0 + rowBytes;
        let a0 = f64x2.splat(0);
        let a1 = f64x2.splat(0);
        let a2 = f64x2.splat(0);
        let a3 = f64x2.splat(0);
        let b0 = f64x2.splat(0);
        let b1 = f64x2.splat(0);
        let b2 = f64x2.splat(0);
        let b3 = f64x2.splat(0);
        let p = first;
        for (let j: usize = 0; j < <usize>dim; j++, p += 64) {
          const u = f64x2.splat(<f64>load<f32>(x0 + (j << 2)));
          const v = f64x2.splat(<f64>load<f32>(x1 + (j << 2)));
          const c0 = v128.load(p);
          const c1 = v128.load(p, 16);
          const c2 = v128.load(p, 32);
          const c3 = v128.load(p, 48);
          a0 = f64x2.add(a0, f64x2.mul(u, c0));
          a1 = f64x2.add(a1, f64x2.mul(u, c1));
          a2 = f64x2.add(a2, f64x2.mul(u, c2));
          a3 = f64x2.add(a3, f64x2.mul(u, c3));
          b0 = f64x2.add(b0, f64x2.mul(v, c0));
          b1 = f64x2.add(b1, f64x2.mul(v, c1));
          b2 = f64x2.add(b2, f64x2.mul(v, c2));
          b3 = f64x2.add(b3, f64x2.mul(v, c3));
        }
        const o = column0 + ((<usize>r) << 2);
        store2(o, columnBytes, a0, a1, a2, a3);
        store2(o + 4, columnBytes, b0, b1, b2, b3);
      }
      if (r < r1) {
        const x0 = unit + (<usize>r) * rowBytes;
        let a0 = f64x2.splat(0);
        let a1 = f64x2.splat(0);
        let a2 = f64x2.splat(0);
        let a3 = f64x2.splat(0);
        let p = first;
        for (let j: usize = 0; j < <usize>dim; j++, p += 64) {
          const u = f64x2.splat(<f64>load<f32>(x0 + (j << 2)));
          a0 = f64x2.add(a0, f64x2.mul(u, v128.load(p)));
          a1 = f64x2.add(a1, f64x2.mul(u, v128.load(p, 16)));
          a2 = f64x2.add(a2, f64x2.mul(u, v128.load(p, 32)));
          a3 = f64x2.add(a3, f64x2.mul(u, v128.load(p, 48)));
        }
        store2(column0 + ((<usize>r) << 2), columnBytes, a0, a1, a2, a3);
      }
    }
  }
}

/** The eight sums of one row, each to its column (`stride` bytes apart), rounded to float32. */
// @ts-ignore: decorator
@inline function store2(o: usize, stride: usize, a0: v128, a1: v128, a2: v128, a3: v128): void {
  store<f32>(o, <f32>f64x2.extract_lane(a0, 0));
  store<f32>(o + stride, <f32>f64x2.extract_lane(a0, 1));
  store<f32>(o + 2 * stride, <f32>f64x2.extract_lane(a1, 0));
  store<f32>(o + 3 * stride, <f32>f64x2.extract_lane(a1, 1));
  store<f32>(o + 4 * stride, <f32>f64x2.extract_lane(a2, 0));
  store<f32>(o + 5 * stride, <f32>f64x2.extract_lane(a2, 1));
  store<f32>(o + 6 * stride, <f32>f64x2.extract_lane(a3, 0));
  store<f32>(o + 7 * stride, <f32>f64x2.extract_lane(a3, 1));
}

/** The best value and its row over the segments scanned so far (strictly greater wins: the first row keeps a tie). */
let bestValue: f32 = -Infinity;
let bestRow: i32 = -1;

// @ts-ignore: decorator
@inline function consider(v: f32, r: i32): void {
  if (v > bestValue) {
    bestValue = v;
    bestRow = r;
  }
}

/** 3CosAdd's values over rows [from, to): (sb − sa) + sc in float32, into bestValue / bestRow. */
function scanAdd(sa: usize, sb: usize, sc: usize, from: i32, to: i32): void {
  let best = f32x4.splat(-Infinity);
  let bestRows = i32x4.splat(-1);
  let row = i32x4(from, from + 1, from + 2, from + 3);
  const four = i32x4.splat(4);
  let r = from;
  for (; r + 3 < to; r += 4) {
    const o = (<usize>r) << 2;
    const v = f32x4.add(f32x4.sub(v128.load(sb + o), v128.load(sa + o)), v128.load(sc + o));
    const m = f32x4.gt(v, best);
    best = v128.bitselect(v, best, m);
    bestRows = v128.bitselect(row, bestRows, m);
    row = i32x4.add(row, four);
  }
  const found = reduce(best, bestRows);
  if (found >= 0) consider(reducedValue, found);
  for (; r < to; r++) {
    const o = (<usize>r) << 2;
    consider(load<f32>(sb + o) - load<f32>(sa + o) + load<f32>(sc + o), r);
  }
}

/** 3CosMul's values over rows [from, to): ((sb + 1)/2 · (sc + 1)/2) / ((sa + 1)/2 + ε) in float32. */
function scanMul(sa: usize, sb: usize, sc: usize, from: i32, to: i32, epsilon: f32): void {
  let best = f32x4.splat(-Infinity);
  let bestRows = i32x4.splat(-1);
  let row = i32x4(from, from + 1, from + 2, from + 3);
  const four = i32x4.splat(4);
  const one = f32x4.splat(1);
  const half = f32x4.splat(0.5);
  const eps = f32x4.splat(epsilon);
  let r = from;
  for (; r + 3 < to; r += 4) {
    const o = (<usize>r) << 2;
    const pb = f32x4.mul(f32x4.add(v128.load(sb + o), one), half);
    const pc = f32x4.mul(f32x4.add(v128.load(sc + o), one), half);
    const pa = f32x4.add(f32x4.mul(f32x4.add(v128.load(sa + o), one), half), eps);
    const v = f32x4.div(f32x4.mul(pb, pc), pa);
    const m = f32x4.gt(v, best);
    best = v128.bitselect(v, best, m);
    bestRows = v128.bitselect(row, bestRows, m);
    row = i32x4.add(row, four);
  }
  const found = reduce(best, bestRows);
  if (found >= 0) consider(reducedValue, found);
  for (; r < to; r++) {
    const o = (<usize>r) << 2;
    const pb: f32 = (load<f32>(sb + o) + 1) * 0.5;
    const pc: f32 = (load<f32>(sc + o) + 1) * 0.5;
    const pa: f32 = (load<f32>(sa + o) + 1) * 0.5 + epsilon;
    consider((pb * pc) / pa, r);
  }
}

/**
 * The argmax of 3CosAdd ((sb − sa) + sc) or, with `mul`, 3CosMul (((sb + 1)/2 · (sc + 1)/2) /
 * ((sa + 1)/2 + ε)), in float32: the first row of the highest value over rows 0..n−1 but a, b and
 * c, the rows between them scanned as segments in order (nothing written to the shared score
 * columns, so two threads can answer questions over the same columns); -1 when no row has a value
 * above −∞ (NaN never does).
 */
function argmax(sa: usize, sb: usize, sc: usize, n: i32, a: i32, b: i32, c: i32, mul: bool, epsilon: f32): i32 {
  // a, b, c in ascending order.
  let x = a;
  let y = b;
  let z = c;
  if (x > y) { const t = x; x = y; y = t; }
  if (y > z) { const t = y; y = z; z = t; }
  if (x > y) { const t = x; x = y; y = t; }
  bestValue = -Infinity;
  bestRow = -1;
  let from = 0;
  for (let k = 0; k < 4; k++) {
    const skip = k == 0 ? x : k == 1 ? y : k == 2 ? z : n;
    const to = min(skip, n);
    if (to > from) {
      if (mul) scanMul(sa, sb, sc, from, to, epsilon);
      else scanAdd(sa, sb, sc, from, to);
    }
    from = max(from, skip + 1);
  }
  return bestRow;
}

/**
 * The answers of questions [from, to) of a table of six i32 per question (the byte offsets of its
 * score columns sa, sb, sc, then its rows a, b, c): answers[q] = the 3CosMul argmax (mul ≠ 0, with
 * the float32 ε at epsilonAt: a helper thread gets integer arguments only) or the 3CosAdd one over
 * rows 0..n−1.
 */
export function answerBatch(questions: usize, from: i32, to: i32, n: i32, mul: i32, epsilonAt: usize, answers: usize): void {
  const epsilon = load<f32>(epsilonAt);
  for (let q = from; q < to; q++) {
    const e = questions + <usize>q * 24;
    const sa = <usize>load<i32>(e);
    const sb = <usize>load<i32>(e, 4);
    const sc = <usize>load<i32>(e, 8);
    const a = load<i32>(e, 12);
    const b = load<i32>(e, 16);
    const c = load<i32>(e, 20);
    store<i32>(answers + (<usize>q << 2), argmax(sa, sb, sc, n, a, b, c, mul != 0, epsilon));
  }
}

/** The value of the row `reduce` returned. */
let reducedValue: f32 = -Infinity;

/** The best of four lanes (each holding its first maximum): highest value, then lowest row; -1 when no lane has one. */
function reduce(best: v128, rows: v128): i32 {
  let value: f32 = -Infinity;
  let found = -1;
  for (let t = 0; t < 4; t++) {
    const v = f32x4.extract_lane(best, 0);
    const i = i32x4.extract_lane(rows, 0);
    if (i >= 0 && (v > value || (v == value && (found < 0 || i < found)))) {
      value = v;
      found = i;
    }
    best = v128.swizzle(best, i8x16(4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3));
    rows = v128.swizzle(rows, i8x16(4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3));
  }
  reducedValue = value;
  return found;
}
