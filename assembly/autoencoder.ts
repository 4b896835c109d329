// Kernels of the autoencoder (src/encoders/autoencoder/model.ts is the TypeScript reference;
// src/encoders/autoencoder/wasm.ts plans the memory and drives these), WebAssembly with f32x4 SIMD.
//
// One instance per thread, all on one shared memory. Every vector row — a row of the encoder E, of
// the decoder D̃ = [D, d], of the codes H̃ = [H, 1], of the Gramians — is `stride` floats (dim + 1
// rounded up to a multiple of 4; the padding stays zero, so it adds nothing to any sum). The
// encoder bias is row nCols of E (it is updated by Adam like the other rows).
//
// The model's addresses and sizes are i32 words of a layout block (L below, written by wasm.ts);
// each thread has a share block (S) of its own: gradient rows, the touched-row stamp and list,
// scratch and a float64 Gramian accumulator. Every kernel works on a range (of rows, columns or
// list entries) so that two threads can split a call; nothing here allocates.
//
// Sums are float32 (f32x4) inside a row, float64 across rows (the Gramians, the loss); the
// reference sums in float64 throughout, so results agree to float32 rounding, not bit for bit.

// Layout block fields (i32 word index).
const L_INDPTR = 0;
const L_INDICES = 1;
const L_VALUES = 2;
const L_TINDPTR = 3;
const L_TINDICES = 4;
const L_TVALUES = 5;
const L_ENCODER = 6;
const L_FIRST = 7;
const L_SECOND = 8;
const L_DECODER = 9;
const L_GRAM = 10;
const L_CODES = 11;
const L_STRIDE = 12;
const L_DIM = 13;
const L_TANH = 14;
const L_COLS = 16;
const L_ORDER = 17;
const L_INVERSE = 18;
// f32 fields.
const L_LR = 20; // lr / (1 − β1^t)
const L_SECOND_CORRECTION = 21; // 1 / (1 − β2^t)
const L_BETA1 = 22;
const L_BETA2 = 23;
const L_EPSILON = 24;
const L_SCALE = 25; // 1 / batch size
// The minibatch (written per minibatch by wasm.ts; built by batchColumns).
const L_DELTA = 26; // δ of each row of the minibatch: batch size × stride f32
const L_BATCH_START = 27; // first position of the minibatch in order
const L_BATCH_COUNT = 28; // rows in the minibatch
const L_COLUMN_START = 29; // per column j: its first entry
const L_COLUMN_END = 30; // per column j: one past its last entry
const L_ENTRY_ROW = 31; // per entry: the row's position in the minibatch
const L_ENTRY_VALUE = 32; // per entry: x_ij
const L_TOUCHED = 33; // the touched encoder rows, ascending, then the bias row
const L_STAMP = 34; // per column: the minibatch that last touched it
const L_CURRENT = 35; // this minibatch's stamp

/** adamRows deals the touched list out to the threads in blocks of this many rows. */
const ADAM_BLOCK = 8;

// Share block fields (i32 word index).
const S_SCRATCH = 5;
const S_GRAM = 6;

// @ts-ignore: decorator
@inline
function field(block: usize, index: i32): usize {
  return <usize>load<i32>(block + (<usize>index << 2));
}

// @ts-ignore: decorator
@inline
function fieldF32(block: usize, index: i32): f32 {
  return load<f32>(block + (<usize>index << 2));
}

/** Sum of the four lanes, in float64. */
// @ts-ignore: decorator
@inline
function lanes(v: v128): f64 {
  return <f64>f32x4.extract_lane(v, 0) + <f64>f32x4.extract_lane(v, 1) + (<f64>f32x4.extract_lane(v, 2) + <f64>f32x4.extract_lane(v, 3));
}

/** a · b over `bytes` (a multiple of 16). */
// @ts-ignore: decorator
@inline
function dot(a: usize, b: usize, bytes: usize): f64 {
  let s = f32x4.splat(0);
  for (let k: usize = 0; k < bytes; k += 16) s = f32x4.add(s, f32x4.mul(v128.load(a + k), v128.load(b + k)));
  return lanes(s);
}

/**
 * out = [act(x_row · E + e), 1, 0…] (stride floats): the bias row, plus x_j · E_j for the row's
 * non-zeros, two per sweep.
 */
// @ts-ignore: decorator
@inline
function encodeInto(L: usize, row: i32, out: usize): void {
  const indptr = field(L, L_INDPTR);
  const indices = field(L, L_INDICES);
  const values = field(L, L_VALUES);
  const encoder = field(L, L_ENCODER);
  const dim = <i32>field(L, L_DIM);
  const rowBytes = field(L, L_STRIDE) << 2;
  memory.copy(out, encoder + field(L, L_COLS) * rowBytes, rowBytes);
  let p = <usize>load<i32>(indptr + (<usize>row << 2));
  const end = <usize>load<i32>(indptr + (<usize>(row + 1) << 2));
  for (; p + 1 < end; p += 2) {
    const x0 = v128.load32_splat(values + (p << 2));
    const x1 = v128.load32_splat(values + (p << 2) + 4);
    const w0 = encoder + <usize>load<i32>(indices + (p << 2)) * rowBytes;
    const w1 = encoder + <usize>load<i32>(indices + (p << 2), 4) * rowBytes;
    for (let k: usize = 0; k < rowBytes; k += 16) {
      v128.store(out + k, f32x4.add(v128.load(out + k), f32x4.add(f32x4.mul(x0, v128.load(w0 + k)), f32x4.mul(x1, v128.load(w1 + k)))));
    }
  }
  if (p < end) {
    const x0 = v128.load32_splat(values + (p << 2));
    const w0 = encoder + <usize>load<i32>(indices + (p << 2)) * rowBytes;
    for (let k: usize = 0; k < rowBytes; k += 16) v128.store(out + k, f32x4.add(v128.load(out + k), f32x4.mul(x0, v128.load(w0 + k))));
  }
  if (load<i32>(L + (<usize>L_TANH << 2)) != 0) {
    for (let k = 0; k < dim; k++) {
      const at = out + (<usize>k << 2);
      store<f32>(at, <f32>Math.tanh(<f64>load<f32>(at)));
    }
  }
  store<f32>(out + (<usize>dim << 2), 1);
}

/** The codes H̃ of the rows [r0, r1) into the codes block (row i at codes + i · stride floats). */
export function encodeRows(L: usize, r0: i32, r1: i32): void {
  const codes = field(L, L_CODES);
  const rowBytes = field(L, L_STRIDE) << 2;
  for (let i = r0; i < r1; i++) encodeInto(L, i, codes + <usize>i * rowBytes);
}

/**
 * acc += v vᵀ (stride × stride float64, row-major), only the entries b ≥ a (rounded down to an even
 * b; the caller mirrors the upper triangle), a < width.
 */
// @ts-ignore: decorator
@inline
function addOuter(acc: usize, v: usize, width: i32, stride: i32): void {
  const accRow = <usize>stride << 3;
  const end = <usize>stride << 2;
  for (let a = 0; a < width; a++) {
    const va = <f64>load<f32>(v + (<usize>a << 2));
    if (va == 0) continue;
    const ca = f64x2.splat(va);
    const row = acc + <usize>a * accRow;
    for (let k = (<usize>a & ~(<usize>1)) << 2; k < end; k += 8) {
      const at = row + (k << 1);
      v128.store(at, f64x2.add(v128.load(at), f64x2.mul(ca, f64x2.promote_low_f32x4(v128.load64_zero(v + k)))));
    }
  }
}

/** The share's Gramian accumulator += Σ_{i ∈ [r0, r1)} H̃_i H̃_iᵀ (upper triangle). */
export function codeGram(L: usize, S: usize, r0: i32, r1: i32): void {
  const codes = field(L, L_CODES);
  const stride = <i32>field(L, L_STRIDE);
  const width = <i32>field(L, L_DIM) + 1;
  const acc = field(S, S_GRAM);
  const rowBytes = <usize>stride << 2;
  for (let i = r0; i < r1; i++) addOuter(acc, codes + <usize>i * rowBytes, width, stride);
}

/**
 * The decoder rows of the outputs (columns) [c0, c1): P_j = Σ_i X_ij H̃_i (gathered from the
 * transposed rows), D̃_j = P_j · (H̃ᵀH̃)⁺ (the inverse block, stride × stride float32), and the
 * share's Gramian accumulator += D̃_j D̃_jᵀ.
 */
export function solveColumns(L: usize, S: usize, c0: i32, c1: i32): void {
  const indptr = field(L, L_TINDPTR);
  const indices = field(L, L_TINDICES);
  const values = field(L, L_TVALUES);
  const codes = field(L, L_CODES);
  const decoder = field(L, L_DECODER);
  const inverse = field(L, L_INVERSE);
  const stride = <i32>field(L, L_STRIDE);
  const width = <i32>field(L, L_DIM) + 1;
  const rowBytes = <usize>stride << 2;
  const projected = field(S, S_SCRATCH);
  const acc = field(S, S_GRAM);
  for (let j = c0; j < c1; j++) {
    memory.fill(projected, 0, rowBytes);
    let p = <usize>load<i32>(indptr + (<usize>j << 2));
    const end = <usize>load<i32>(indptr + (<usize>(j + 1) << 2));
    for (; p + 1 < end; p += 2) {
      const x0 = v128.load32_splat(values + (p << 2));
      const x1 = v128.load32_splat(values + (p << 2) + 4);
      const h0 = codes + <usize>load<i32>(indices + (p << 2)) * rowBytes;
      const h1 = codes + <usize>load<i32>(indices + (p << 2), 4) * rowBytes;
      for (let k: usize = 0; k < rowBytes; k += 16) {
        v128.store(projected + k, f32x4.add(v128.load(projected + k), f32x4.add(f32x4.mul(x0, v128.load(h0 + k)), f32x4.mul(x1, v128.load(h1 + k)))));
      }
    }
    if (p < end) {
      const x0 = v128.load32_splat(values + (p << 2));
      const h0 = codes + <usize>load<i32>(indices + (p << 2)) * rowBytes;
      for (let k: usize = 0; k < rowBytes; k += 16) v128.store(projected + k, f32x4.add(v128.load(projected + k), f32x4.mul(x0, v128.load(h0 + k))));
    }
    const out = decoder + <usize>j * rowBytes;
    memory.fill(out, 0, rowBytes);
    for (let a = 0; a < width; a++) {
      const pa = load<f32>(projected + (<usize>a << 2));
      if (pa == 0) continue;
      const ca = f32x4.splat(pa);
      const inv = inverse + <usize>a * rowBytes;
      for (let k: usize = 0; k < rowBytes; k += 16) v128.store(out + k, f32x4.add(v128.load(out + k), f32x4.mul(ca, v128.load(inv + k))));
    }
    addOuter(acc, out, width, stride);
  }
}

/**
 * Forward and backward pass of the rows order[b0..b1) (model.ts rowForwardBackward): each row's
 * exact loss h̃ᵀGh̃ − 2 h̃·r + ‖x‖² (r = Σ_nz x_j D̃_j) is summed and returned; scale × its code
 * gradient δ = 2 (G h̃ − r)[0..dim) ⊙ act' is stored as the row's δ in the minibatch (the encoder
 * rows' gradients x_j δ are summed from there by adamRows, column by column: no scatter).
 */
export function trainRows(L: usize, S: usize, b0: i32, b1: i32): f64 {
  const indptr = field(L, L_INDPTR);
  const indices = field(L, L_INDICES);
  const values = field(L, L_VALUES);
  const decoder = field(L, L_DECODER);
  const gram = field(L, L_GRAM);
  const order = field(L, L_ORDER);
  const encoder = field(L, L_ENCODER);
  const dim = <i32>field(L, L_DIM);
  const width = dim + 1;
  const tanh = load<i32>(L + (<usize>L_TANH << 2)) != 0;
  const rowBytes = field(L, L_STRIDE) << 2;
  const biasRow = field(L, L_COLS);
  const twice = f32x4.splat(2 * fieldF32(L, L_SCALE));
  const deltas = field(L, L_DELTA);
  const batchStart = <i32>field(L, L_BATCH_START);
  const code = field(S, S_SCRATCH);
  const gramCode = code + rowBytes;
  const combined = gramCode + rowBytes;
  let loss: f64 = 0;
  for (let b = b0; b < b1; b++) {
    const row = load<i32>(order + (<usize>b << 2));
    // One sweep over the row's non-zeros gathers both E_j (the code) and D̃_j (r = Σ_nz x_j D̃_j).
    memory.copy(code, encoder + biasRow * rowBytes, rowBytes);
    memory.fill(combined, 0, rowBytes);
    const begin = <usize>load<i32>(indptr + (<usize>row << 2));
    const end = <usize>load<i32>(indptr + (<usize>(row + 1) << 2));
    let targetEnergy: f64 = 0;
    let p = begin;
    for (; p + 1 < end; p += 2) {
      const v0 = load<f32>(values + (p << 2));
      const v1 = load<f32>(values + (p << 2), 4);
      targetEnergy += <f64>v0 * <f64>v0 + <f64>v1 * <f64>v1;
      const x0 = f32x4.splat(v0);
      const x1 = f32x4.splat(v1);
      const j0 = <usize>load<i32>(indices + (p << 2)) * rowBytes;
      const j1 = <usize>load<i32>(indices + (p << 2), 4) * rowBytes;
      const w0 = encoder + j0;
      const w1 = encoder + j1;
      const d0 = decoder + j0;
      const d1 = decoder + j1;
      for (let k: usize = 0; k < rowBytes; k += 16) {
        v128.store(code + k, f32x4.add(v128.load(code + k), f32x4.add(f32x4.mul(x0, v128.load(w0 + k)), f32x4.mul(x1, v128.load(w1 + k)))));
        v128.store(combined + k, f32x4.add(v128.load(combined + k), f32x4.add(f32x4.mul(x0, v128.load(d0 + k)), f32x4.mul(x1, v128.load(d1 + k)))));
      }
    }
    if (p < end) {
      const v0 = load<f32>(values + (p << 2));
      targetEnergy += <f64>v0 * <f64>v0;
      const x0 = f32x4.splat(v0);
      const j0 = <usize>load<i32>(indices + (p << 2)) * rowBytes;
      const w0 = encoder + j0;
      const d0 = decoder + j0;
      for (let k: usize = 0; k < rowBytes; k += 16) {
        v128.store(code + k, f32x4.add(v128.load(code + k), f32x4.mul(x0, v128.load(w0 + k))));
        v128.store(combined + k, f32x4.add(v128.load(combined + k), f32x4.mul(x0, v128.load(d0 + k))));
      }
    }
    if (tanh) {
      for (let k = 0; k < dim; k++) {
        const at = code + (<usize>k << 2);
        store<f32>(at, <f32>Math.tanh(<f64>load<f32>(at)));
      }
    }
    store<f32>(code + (<usize>dim << 2), 1);
    // G h̃ (G symmetric: a combination of its rows) and h̃ᵀ G h̃ = Σ_j x̂_j².
    memory.fill(gramCode, 0, rowBytes);
    for (let a = 0; a < width; a++) {
      const ca = v128.load32_splat(code + (<usize>a << 2));
      const g = gram + <usize>a * rowBytes;
      for (let k: usize = 0; k < rowBytes; k += 16) v128.store(gramCode + k, f32x4.add(v128.load(gramCode + k), f32x4.mul(ca, v128.load(g + k))));
    }
    const outputEnergy = dot(code, gramCode, rowBytes);
    const cross = dot(code, combined, rowBytes);
    loss += outputEnergy - 2 * cross + targetEnergy;

    // δ = 2 · scale · (G h̃ − r), lanes ≥ dim zero (the padding already is), ⊙ (1 − h²) for tanh.
    const delta = deltas + <usize>(b - batchStart) * rowBytes;
    for (let k: usize = 0; k < rowBytes; k += 16) v128.store(delta + k, f32x4.mul(twice, f32x4.sub(v128.load(gramCode + k), v128.load(combined + k))));
    store<f32>(delta + (<usize>dim << 2), 0);
    if (tanh) {
      for (let k = 0; k < dim; k++) {
        const h = load<f32>(code + (<usize>k << 2));
        const at = delta + (<usize>k << 2);
        store<f32>(at, load<f32>(at) * (1 - h * h));
      }
    }
  }
  return loss;
}

/**
 * The minibatch's columns (serial, before adamRows; may run while trainRows does): every encoder
 * row the minibatch touches, listed once in ascending order (the update then walks the model's
 * memory forwards), with its entries (row position, x_ij) in row order; the bias row last. Returns
 * the number of listed rows.
 */
export function batchColumns(L: usize): i32 {
  const indptr = field(L, L_INDPTR);
  const indices = field(L, L_INDICES);
  const values = field(L, L_VALUES);
  const order = field(L, L_ORDER);
  const start = <i32>field(L, L_BATCH_START);
  const end = start + <i32>field(L, L_BATCH_COUNT);
  const columnStart = field(L, L_COLUMN_START);
  const columnEnd = field(L, L_COLUMN_END);
  const entryRow = field(L, L_ENTRY_ROW);
  const entryValue = field(L, L_ENTRY_VALUE);
  const touched = field(L, L_TOUCHED);
  const stamp = field(L, L_STAMP);
  const cols = <i32>field(L, L_COLS);
  const current = load<i32>(L + (<usize>L_CURRENT << 2));
  // Entries per column (counted in columnEnd).
  for (let b = start; b < end; b++) {
    const row = load<i32>(order + (<usize>b << 2));
    const stop = <usize>load<i32>(indptr + (<usize>(row + 1) << 2));
    for (let p = <usize>load<i32>(indptr + (<usize>row << 2)); p < stop; p++) {
      const j = <usize>load<i32>(indices + (p << 2));
      const at = stamp + (j << 2);
      if (load<i32>(at) != current) {
        store<i32>(at, current);
        store<i32>(columnEnd + (j << 2), 0);
      }
      store<i32>(columnEnd + (j << 2), load<i32>(columnEnd + (j << 2)) + 1);
    }
  }
  // The touched columns in ascending order, with their offsets.
  let count = 0;
  let offset = 0;
  for (let j = 0; j < cols; j++) {
    if (load<i32>(stamp + (<usize>j << 2)) != current) continue;
    const n = load<i32>(columnEnd + (<usize>j << 2));
    store<i32>(touched + (<usize>count << 2), j);
    store<i32>(columnStart + (<usize>j << 2), offset);
    store<i32>(columnEnd + (<usize>j << 2), offset);
    offset += n;
    count++;
  }
  // Entries, in row order within each column.
  for (let b = start; b < end; b++) {
    const row = load<i32>(order + (<usize>b << 2));
    const stop = <usize>load<i32>(indptr + (<usize>(row + 1) << 2));
    for (let p = <usize>load<i32>(indptr + (<usize>row << 2)); p < stop; p++) {
      const j = <usize>load<i32>(indices + (p << 2));
      const at = columnEnd + (j << 2);
      const q = <usize>load<i32>(at);
      store<i32>(at, <i32>q + 1);
      store<i32>(entryRow + (q << 2), b - start);
      store<f32>(entryValue + (q << 2), load<f32>(values + (p << 2)));
    }
  }
  store<i32>(touched + (<usize>count << 2), cols);
  return count + 1;
}

/**
 * Adam on this thread's part of the `count` listed encoder rows (model.ts adamRows): the list is
 * dealt out in blocks of ADAM_BLOCK rows, block b to part b mod parts, so that each thread gets
 * about as many frequent columns (long gradient sums, rows updated every minibatch: in cache) and
 * rare ones (short sums, rows cold in memory) as the other. Each row's gradient is summed here from
 * the minibatch's δ, g_j = Σ_i x_ij δ_i in row order (the bias row: Σ_i δ_i), then
 * m ← β1 m + (1−β1) g, v ← β2 v + (1−β2) g², θ ← θ − lr' m / (√(v c2) + ε).
 */
export function adamRows(L: usize, S: usize, part: i32, parts: i32, count: i32): void {
  const weights = field(L, L_ENCODER);
  const first = field(L, L_FIRST);
  const second = field(L, L_SECOND);
  const rowBytes = field(L, L_STRIDE) << 2;
  const deltas = field(L, L_DELTA);
  const batchCount = <i32>field(L, L_BATCH_COUNT);
  const columnStart = field(L, L_COLUMN_START);
  const columnEnd = field(L, L_COLUMN_END);
  const entryRow = field(L, L_ENTRY_ROW);
  const entryValue = field(L, L_ENTRY_VALUE);
  const touched = field(L, L_TOUCHED);
  const biasRow = field(L, L_COLS);
  const gradient = field(S, S_SCRATCH);
  const lr = f32x4.splat(fieldF32(L, L_LR));
  const correction = f32x4.splat(fieldF32(L, L_SECOND_CORRECTION));
  const beta1 = fieldF32(L, L_BETA1);
  const beta2 = fieldF32(L, L_BETA2);
  const b1 = f32x4.splat(beta1);
  const b2 = f32x4.splat(beta2);
  const c1 = f32x4.splat(1 - beta1);
  const c2 = f32x4.splat(1 - beta2);
  const epsilon = f32x4.splat(fieldF32(L, L_EPSILON));
  for (let block = part * ADAM_BLOCK; block < count; block += parts * ADAM_BLOCK) {
    const blockEnd = min(block + ADAM_BLOCK, count);
    for (let t = block; t < blockEnd; t++) {
      const j = <usize>load<i32>(touched + (<usize>t << 2));
      memory.fill(gradient, 0, rowBytes);
      if (j == biasRow) {
        for (let b = 0; b < batchCount; b++) {
          const d = deltas + <usize>b * rowBytes;
          for (let k: usize = 0; k < rowBytes; k += 16) v128.store(gradient + k, f32x4.add(v128.load(gradient + k), v128.load(d + k)));
        }
      } else {
        const stop = <usize>load<i32>(columnEnd + (j << 2));
        for (let q = <usize>load<i32>(columnStart + (j << 2)); q < stop; q++) {
          const x = v128.load32_splat(entryValue + (q << 2));
          const d = deltas + <usize>load<i32>(entryRow + (q << 2)) * rowBytes;
          for (let k: usize = 0; k < rowBytes; k += 16) v128.store(gradient + k, f32x4.add(v128.load(gradient + k), f32x4.mul(x, v128.load(d + k))));
        }
      }
      const base = j * rowBytes;
      for (let k: usize = 0; k < rowBytes; k += 16) {
        const g = v128.load(gradient + k);
        const at = base + k;
        const m = f32x4.add(f32x4.mul(b1, v128.load(first + at)), f32x4.mul(c1, g));
        const v = f32x4.add(f32x4.mul(b2, v128.load(second + at)), f32x4.mul(c2, f32x4.mul(g, g)));
        v128.store(first + at, m);
        v128.store(second + at, v);
        const step = f32x4.div(f32x4.mul(lr, m), f32x4.add(f32x4.sqrt(f32x4.mul(v, correction)), epsilon));
        v128.store(weights + at, f32x4.sub(v128.load(weights + at), step));
      }
    }
  }
}

/**
 * out_i = (h_i − mean) · P for the codes of the rows [r0, r1) (whitening, whiten.ts): mean has
 * `stride` floats, P is dim rows of `stride` floats, out rows are `stride` floats.
 */
export function whitenRows(L: usize, r0: i32, r1: i32, mean: usize, projection: usize, out: usize): void {
  const codes = field(L, L_CODES);
  const dim = <i32>field(L, L_DIM);
  const rowBytes = field(L, L_STRIDE) << 2;
  for (let i = r0; i < r1; i++) {
    const h = codes + <usize>i * rowBytes;
    const o = out + <usize>i * rowBytes;
    memory.fill(o, 0, rowBytes);
    for (let k = 0; k < dim; k++) {
      const c = f32x4.splat(load<f32>(h + (<usize>k << 2)) - load<f32>(mean + (<usize>k << 2)));
      const p = projection + <usize>k * rowBytes;
      for (let q: usize = 0; q < rowBytes; q += 16) v128.store(o + q, f32x4.add(v128.load(o + q), f32x4.mul(c, v128.load(p + q))));
    }
  }
}
