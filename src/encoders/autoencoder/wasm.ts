/**
 * The autoencoder's training on the WebAssembly SIMD kernels of assembly/autoencoder.ts, on one or
 * two threads (the main thread and a helper on the same shared memory, src/linalg/wasm-helper.ts).
 * The JavaScript side plans every byte, copies the rows (float32 values) and their transpose in
 * once, keeps the model there for the whole run, and copies it back into an AutoencoderModel at
 * the end. model.ts stays the reference: test/autoencoder.test.ts runs both on small inputs.
 *
 * Every split between the threads is fixed by the data (rows of a minibatch and columns of the
 * decoder solve by non-zeros, the code Gramian by rows, Adam's rows by list position) and the two
 * halves are added in a fixed order, so a seed gives the same bytes on every run for a given
 * thread count (1 and 2 threads differ by float32 rounding).
 */
import { loadWasmModuleSync } from '../../io/wasm-module.js';
import { CONTROL_BYTES, WasmHelperThread } from '../../linalg/wasm-helper.js';
import { createSharedMemory, MemoryPlanner, paddedStride } from '../wasm/memory.js';
import { whiteningProjection, type Whitened } from './whiten.js';
import { ADAM_BETA1, ADAM_BETA2, ADAM_EPSILON, AutoencoderModel, pseudoInverse, type SparseRows } from './model.js';

/** v128 loads of f32x4 rows and f64x2 accumulators: 16-byte aligned blocks. */
const ALIGN = 16;
/** Below this many non-zeros the helper thread costs more (starting it, a hand-over per minibatch) than it saves. */
export const AUTOENCODER_PARALLEL_MIN_NONZEROS = 200_000;

const HELPER_KERNELS = ['encodeRows', 'codeGram', 'solveColumns', 'trainRows', 'adamRows', 'whitenRows'] as const;

/**
 * Work of a row in the training pass, in units of one non-zero (three f32x4 sweeps of a row: encode,
 * Σ x_j D̃_j, gradient): the non-zeros plus G·h̃ (dim + 1 sweeps ≈ 100 / 3 non-zeros at dim 100).
 */
const TRAIN_ROW_COST = 34;
/** Work of an output in the decoder solve, same units for the gather P_j: the non-zeros plus P_j·(H̃ᵀH̃)⁺ and D̃_j D̃_jᵀ (≈ 200 at dim 100). */
const SOLVE_COLUMN_COST = 200;

interface AutoencoderExports {
  encodeRows(L: number, r0: number, r1: number): void;
  codeGram(L: number, S: number, r0: number, r1: number): void;
  solveColumns(L: number, S: number, c0: number, c1: number): void;
  trainRows(L: number, S: number, b0: number, b1: number): number;
  batchColumns(L: number): number;
  adamRows(L: number, S: number, part: number, parts: number, count: number): void;
  whitenRows(L: number, r0: number, r1: number, mean: number, projection: number, out: number): void;
}

/** Field indices of the layout block (assembly/autoencoder.ts L_*). */
const L = {
  indptr: 0, indices: 1, values: 2, tindptr: 3, tindices: 4, tvalues: 5, encoder: 6, first: 7, second: 8, decoder: 9, gram: 10, codes: 11,
  stride: 12, dim: 13, tanh: 14, cols: 16, order: 17, inverse: 18, lr: 20, secondCorrection: 21, beta1: 22, beta2: 23, epsilon: 24, scale: 25,
  delta: 26, batchStart: 27, batchCount: 28, columnStart: 29, columnEnd: 30, entryRow: 31, entryValue: 32, touched: 33, stamp: 34, current: 35,
  words: 40,
} as const;
/** Field indices of a share block (S_*). */
const S = { scratch: 5, gram: 6, words: 8 } as const;

interface Share {
  at: number;
  gram: Float64Array;
}

const autoencoderModule = (): WebAssembly.Module => loadWasmModuleSync('autoencoder', 'autoencoder');

/** First index of each of `parts` ranges of [0, n) holding about equal shares of `weight` (cumulative, length n + 1). */
function splitByWeight(cumulative: (i: number) => number, n: number, parts: number): number[] {
  const total = cumulative(n) - cumulative(0);
  const bounds = [0];
  let i = 0;
  for (let part = 1; part < parts; part++) {
    const want = cumulative(0) + (total * part) / parts;
    while (i < n && cumulative(i) < want) i++;
    bounds.push(i);
  }
  bounds.push(n);
  return bounds;
}

export class WasmAutoencoder {
  private readonly memory: WebAssembly.Memory;
  private readonly kernel: AutoencoderExports;
  private readonly helper: WasmHelperThread | undefined;
  private readonly layoutAt: number;
  private readonly layout: Int32Array;
  private readonly layoutF32: Float32Array;
  private readonly shares: Share[];
  private readonly stride: number;
  private readonly width: number;
  private readonly rowIndptr: Int32Array;
  private readonly order: Int32Array;
  /** Column ranges of the decoder solve and row ranges of the code pass / Gramian: one per thread. */
  private readonly columnSplit: number[];
  private readonly rowSplit: number[];
  private readonly countSplit: number[];
  private readonly whitening: { mean: number; projection: number; out: number };
  /** H̃ᵀH̃ of the last solveDecoder's codes (float64, width × width). */
  private codeGram: Float64Array | undefined;
  private current = 1;
  private step = 0;

  constructor(
    private readonly model: AutoencoderModel,
    private readonly rows: SparseRows,
    threads: number,
    batchSize: number,
  ) {
    const { dim, inputSize } = model;
    if (rows.nCols !== inputSize) throw new Error('internal: the rows do not match the model');
    const nRows = rows.nRows;
    const nnz = rows.indptr[nRows]!;
    const stride = paddedStride(dim + 1);
    this.stride = stride;
    this.width = dim + 1;
    const rowBytes = stride * 4;
    const parallel = threads > 1 && nRows > 1;
    const shareCount = parallel ? 2 : 1;

    // The most entries a minibatch can have: its rows' non-zeros, at most the batchSize longest rows'.
    const lengths = new Int32Array(nRows);
    for (let i = 0; i < nRows; i++) lengths[i] = rows.indptr[i + 1]! - rows.indptr[i]!;
    lengths.sort();
    let maxEntries = 0;
    for (let i = nRows - 1; i >= Math.max(0, nRows - batchSize); i--) maxEntries += lengths[i]!;

    const planner = new MemoryPlanner(ALIGN);
    this.layoutAt = planner.take(L.words * 4);
    const controlAt = planner.take(CONTROL_BYTES);
    const at = {
      indptr: planner.take((nRows + 1) * 4),
      indices: planner.take(nnz * 4),
      values: planner.take(nnz * 4),
      tindptr: planner.take((inputSize + 1) * 4),
      tindices: planner.take(nnz * 4),
      tvalues: planner.take(nnz * 4),
      encoder: planner.take((inputSize + 1) * rowBytes),
      first: planner.take((inputSize + 1) * rowBytes),
      second: planner.take((inputSize + 1) * rowBytes),
      decoder: planner.take(inputSize * rowBytes),
      gram: planner.take(stride * rowBytes),
      inverse: planner.take(stride * rowBytes),
      codes: planner.take(nRows * rowBytes),
      order: planner.take(nRows * 4),
      delta: planner.take(Math.min(batchSize, nRows) * rowBytes),
      columnStart: planner.take((inputSize + 1) * 4),
      columnEnd: planner.take((inputSize + 1) * 4),
      entryRow: planner.take(maxEntries * 4),
      entryValue: planner.take(maxEntries * 4),
      touched: planner.take((inputSize + 1) * 4),
      stamp: planner.take((inputSize + 1) * 4),
      mean: planner.take(rowBytes),
      projection: planner.take(dim * rowBytes),
      whitened: planner.take(nRows * rowBytes),
    };
    const shareAt: { block: number; scratch: number; gram: number }[] = [];
    for (let s = 0; s < shareCount; s++) {
      shareAt.push({
        block: planner.take(S.words * 4),
        scratch: planner.take(4 * rowBytes),
        gram: planner.take(stride * stride * 8),
      });
    }
    const pages = planner.pages(`the autoencoder on ${nRows} rows × ${inputSize} columns with ${nnz} non-zeros at --dim ${dim}`, 'lower --dim, or raise --min-count');
    this.memory = createSharedMemory(pages);
    const buffer = this.memory.buffer;
    const instance = new WebAssembly.Instance(autoencoderModule(), { env: { memory: this.memory, abort: () => {} } });
    this.kernel = instance.exports as unknown as AutoencoderExports;

    // The rows, float32 values, and their transpose (for the decoder solve's gather by output).
    const indptr = new Int32Array(buffer, at.indptr, nRows + 1);
    for (let i = 0; i <= nRows; i++) indptr[i] = rows.indptr[i]!;
    this.rowIndptr = indptr;
    new Int32Array(buffer, at.indices, nnz).set(rows.indices.subarray(0, nnz));
    new Float32Array(buffer, at.values, nnz).set(rows.values.subarray(0, nnz));
    const tindptr = new Int32Array(buffer, at.tindptr, inputSize + 1);
    for (let p = 0; p < nnz; p++) tindptr[rows.indices[p]! + 1]!++;
    for (let j = 0; j < inputSize; j++) tindptr[j + 1]! += tindptr[j]!;
    const tindices = new Int32Array(buffer, at.tindices, nnz);
    const tvalues = new Float32Array(buffer, at.tvalues, nnz);
    const fill = tindptr.slice(0, inputSize);
    for (let i = 0; i < nRows; i++) {
      for (let p = rows.indptr[i]!; p < rows.indptr[i + 1]!; p++) {
        const q = fill[rows.indices[p]!]!++;
        tindices[q] = i;
        tvalues[q] = rows.values[p]!;
      }
    }

    // The encoder (weights and bias row) as it is now; moments zero.
    const encoder = new Float32Array(buffer, at.encoder, (inputSize + 1) * stride);
    const weights = model.encoderWeights.values;
    for (let j = 0; j < inputSize; j++) encoder.set(weights.subarray(j * dim, (j + 1) * dim), j * stride);
    encoder.set(model.encoderBias.values, inputSize * stride);
    this.order = new Int32Array(buffer, at.order, nRows);

    this.layout = new Int32Array(buffer, this.layoutAt, L.words);
    this.layoutF32 = new Float32Array(buffer, this.layoutAt, L.words);
    const layout = this.layout;
    layout[L.indptr] = at.indptr;
    layout[L.indices] = at.indices;
    layout[L.values] = at.values;
    layout[L.tindptr] = at.tindptr;
    layout[L.tindices] = at.tindices;
    layout[L.tvalues] = at.tvalues;
    layout[L.encoder] = at.encoder;
    layout[L.first] = at.first;
    layout[L.second] = at.second;
    layout[L.decoder] = at.decoder;
    layout[L.gram] = at.gram;
    layout[L.codes] = at.codes;
    layout[L.stride] = stride;
    layout[L.dim] = dim;
    layout[L.tanh] = model.activation === 'tanh' ? 1 : 0;
    layout[L.cols] = inputSize;
    layout[L.order] = at.order;
    layout[L.inverse] = at.inverse;
    layout[L.delta] = at.delta;
    layout[L.columnStart] = at.columnStart;
    layout[L.columnEnd] = at.columnEnd;
    layout[L.entryRow] = at.entryRow;
    layout[L.entryValue] = at.entryValue;
    layout[L.touched] = at.touched;
    layout[L.stamp] = at.stamp;
    this.layoutF32[L.beta1] = ADAM_BETA1;
    this.layoutF32[L.beta2] = ADAM_BETA2;
    this.layoutF32[L.epsilon] = ADAM_EPSILON;

    this.shares = shareAt.map((s) => {
      const words = new Int32Array(buffer, s.block, S.words);
      words[S.scratch] = s.scratch;
      words[S.gram] = s.gram;
      return { at: s.block, gram: new Float64Array(buffer, s.gram, stride * stride) };
    });

    this.whitening = { mean: at.mean, projection: at.projection, out: at.whitened };
    this.rowSplit = splitByWeight((i) => indptr[i]!, nRows, shareCount);
    this.countSplit = splitByWeight((i) => i, nRows, shareCount);
    this.columnSplit = splitByWeight((j) => tindptr[j]! + SOLVE_COLUMN_COST * j, inputSize, shareCount);
    this.helper = parallel ? new WasmHelperThread(autoencoderModule(), this.memory, controlAt, HELPER_KERNELS, 'autoencoder', instance.exports) : undefined;
  }

  /** Threads the kernels run on. */
  get threads(): number {
    return this.shares.length;
  }

  /** Shares handed to the helper that it ran, and that the main thread took back (it had not started them). */
  get handOvers(): { helper: number; main: number } {
    return this.helper ? { ...this.helper.counts } : { helper: 0, main: 0 };
  }

  /** Stop the helper thread. */
  close(): void {
    this.helper?.close();
  }

  /** Run `name` on the ranges of `split` (the helper's share first handed over, then the main thread's). */
  private split(name: (typeof HELPER_KERNELS)[number], share: boolean, bounds: number[]): void {
    const kernel = this.kernel[name] as (...args: number[]) => number;
    const args = (s: number): number[] => (share ? [this.layoutAt, this.shares[s]!.at, bounds[s]!, bounds[s + 1]!] : [this.layoutAt, bounds[s]!, bounds[s + 1]!]);
    if (this.helper) this.helper.post(name, args(1));
    kernel(...args(0));
    if (this.helper) this.helper.join();
  }

  /**
   * The exact least-squares decoder for the current codes (model.ts solveDecoder): the codes H̃,
   * their Gramian (float64), its pseudo-inverse (model.ts pseudoInverse, float64), then per output
   * P_j = (Xᵀ H̃)_j, D̃_j = P_j (H̃ᵀH̃)⁺ and G = Σ_j D̃_j D̃_jᵀ.
   */
  solveDecoder(): void {
    const { stride, width } = this;
    this.split('encodeRows', false, this.rowSplit);
    for (const share of this.shares) share.gram.fill(0);
    this.split('codeGram', true, this.countSplit);
    const codeGram = this.sumGrams();
    this.codeGram = codeGram;
    const inverse = pseudoInverse(codeGram, width);
    const padded = new Float32Array(this.memory.buffer, this.layout[L.inverse]!, stride * stride);
    for (let a = 0; a < width; a++) for (let b = 0; b < width; b++) padded[a * stride + b] = inverse[a * width + b]!;
    for (const share of this.shares) share.gram.fill(0);
    this.split('solveColumns', true, this.columnSplit);
    const gram = this.sumGrams();
    const gram32 = new Float32Array(this.memory.buffer, this.layout[L.gram]!, stride * stride);
    for (let a = 0; a < width; a++) for (let b = 0; b < width; b++) gram32[a * stride + b] = gram[a * width + b]!;
    this.model.gram.set(gram);
  }

  /** The shares' Gramian accumulators summed (share 0 first), upper triangle mirrored: width × width. */
  private sumGrams(): Float64Array {
    const { stride, width } = this;
    const out = new Float64Array(width * width);
    for (let a = 0; a < width; a++) {
      for (let b = a; b < width; b++) {
        let s = 0;
        for (const share of this.shares) s += share.gram[a * stride + b]!;
        out[a * width + b] = s;
        out[b * width + a] = s;
      }
    }
    return out;
  }

  /** This epoch's row order. */
  setOrder(order: Int32Array): void {
    this.order.set(order);
  }

  /**
   * One minibatch, the rows order[start..end) (model.ts trainBatch): forward/backward of each row
   * (with a helper: the minibatch split by non-zeros, each share into its own gradient rows), then
   * one Adam step on the touched rows. Returns the summed loss of the rows.
   */
  trainBatch(start: number, end: number, learningRate: number): number {
    const t = ++this.step;
    const f32 = this.layoutF32;
    f32[L.scale] = 1 / (end - start);
    f32[L.lr] = learningRate / (1 - Math.pow(ADAM_BETA1, t));
    f32[L.secondCorrection] = 1 / (1 - Math.pow(ADAM_BETA2, t));
    const layout = this.layout;
    layout[L.current] = this.current++;
    layout[L.batchStart] = start;
    layout[L.batchCount] = end - start;
    const [a, b] = this.shares;
    const L0 = this.layoutAt;
    if (this.helper && b) {
      // The minibatch's rows in two runs of about equal work; the main thread lists the
      // minibatch's columns first (trainRows does not read what batchColumns writes).
      const indptr = this.rowIndptr;
      const order = this.order;
      const cost = (r: number): number => indptr[order[r]! + 1]! - indptr[order[r]!]! + TRAIN_ROW_COST;
      let half = 0;
      for (let r = start; r < end; r++) half += cost(r);
      half /= 2;
      let middle = start;
      for (let sum = 0; middle < end && sum < half; middle++) sum += cost(middle);
      this.helper.post('trainRows', [L0, b.at, middle, end]);
      const count = this.kernel.batchColumns(L0);
      const mine = this.kernel.trainRows(L0, a!.at, start, middle);
      const loss = mine + this.helper.join();
      // Adam: the touched rows dealt out to the threads in blocks (disjoint rows; each gradient is
      // summed from the minibatch's δ in row order, whoever computes it).
      this.helper.post('adamRows', [L0, b.at, 1, 2, count]);
      this.kernel.adamRows(L0, a!.at, 0, 2, count);
      this.helper.join();
      return loss;
    }
    const count = this.kernel.batchColumns(L0);
    const loss = this.kernel.trainRows(L0, a!.at, start, end);
    this.kernel.adamRows(L0, a!.at, 0, 1, count);
    return loss;
  }

  /** The codes of the last solveDecoder (rows × dim, float32). */
  codes(): Float32Array {
    const { stride } = this;
    const dim = this.model.dim;
    const n = this.rows.nRows;
    const codes = new Float32Array(this.memory.buffer, this.layout[L.codes]!, n * stride);
    const out = new Float32Array(n * dim);
    for (let i = 0; i < n; i++) out.set(codes.subarray(i * stride, i * stride + dim), i * dim);
    return out;
  }

  /**
   * PCA whitening of the last solveDecoder's codes (whiten.ts whiten): the covariance comes from
   * their Gramian H̃ᵀH̃ (its last column holds the sums of the codes), (1/n) Σ h hᵀ − μ μᵀ; the
   * projection is whiten.ts's; (h − μ)·P runs on the kernels.
   */
  whiten(): Whitened {
    const { stride, width } = this;
    const dim = this.model.dim;
    const n = this.rows.nRows;
    const gram = this.codeGram!;
    const count = Math.max(n, 1);
    const mean = new Float64Array(dim);
    for (let k = 0; k < dim; k++) mean[k] = gram[k * width + dim]! / count;
    const covariance = new Float64Array(dim * dim);
    for (let k = 0; k < dim; k++) for (let l = 0; l < dim; l++) covariance[k * dim + l] = gram[k * width + l]! / count - mean[k]! * mean[l]!;
    const { projection, variances, rank } = whiteningProjection(covariance, dim);
    const buffer = this.memory.buffer;
    new Float32Array(buffer, this.whitening.mean, dim).set(mean);
    const padded = new Float32Array(buffer, this.whitening.projection, dim * stride);
    for (let k = 0; k < dim; k++) padded.set(projection.subarray(k * dim, (k + 1) * dim), k * stride);
    const { mean: meanAt, projection: projectionAt, out } = this.whitening;
    const kernel = this.kernel.whitenRows;
    if (this.helper) this.helper.post('whitenRows', [this.layoutAt, this.countSplit[1]!, this.countSplit[2]!, meanAt, projectionAt, out]);
    kernel(this.layoutAt, 0, this.countSplit[1]!, meanAt, projectionAt, out);
    if (this.helper) this.helper.join();
    const rows = new Float32Array(buffer, out, n * stride);
    const data = new Float32Array(n * dim);
    for (let i = 0; i < n; i++) data.set(rows.subarray(i * stride, i * stride + dim), i * dim);
    return { data, variances, rank };
  }

  /** Copy the encoder (weights, bias, Adam moments) and the decoder back into the model. */
  writeBack(): void {
    const { stride, width } = this;
    const model = this.model;
    const { dim, inputSize } = model;
    const buffer = this.memory.buffer;
    const copy = (at: number, weights: Float32Array, bias: Float32Array): void => {
      const rows = new Float32Array(buffer, at, (inputSize + 1) * stride);
      for (let j = 0; j < inputSize; j++) weights.set(rows.subarray(j * stride, j * stride + dim), j * dim);
      bias.set(rows.subarray(inputSize * stride, inputSize * stride + dim));
    };
    const e = model.encoderWeights;
    const b = model.encoderBias;
    copy(this.layout[L.encoder]!, e.values, b.values);
    copy(this.layout[L.first]!, e.firstMoment, b.firstMoment);
    copy(this.layout[L.second]!, e.secondMoment, b.secondMoment);
    const decoder = new Float32Array(buffer, this.layout[L.decoder]!, inputSize * stride);
    for (let j = 0; j < inputSize; j++) model.decoder.set(decoder.subarray(j * stride, j * stride + width), j * width);
    model.step = this.step;
  }
}
