/**
 * A one-hidden-layer autoencoder over sparse rows x (|V| wide):
 *
 *   code            h = act(x · E + e)                    (dim numbers; act = identity or tanh)
 *   reconstruction  x̂_j = h · D_j + d_j                   (D_j: row j of the decoder, d_j its bias)
 *   loss of a row   L(x) = Σ_j (x̂_j − x_j)²               (squared error over all |V| columns)
 *
 * The loss is exact and costs O(nnz · dim + dim²) per row, not O(|V| · dim), because the decoder is
 * linear: with h̃ = [h, 1] and D̃_j = [D_j, d_j],
 *
 *   Σ_j x̂_j² = Σ_j (h̃ · D̃_j)² = h̃ᵀ G h̃,   G = Σ_j D̃_j D̃_jᵀ (the decoder's (dim+1)² Gramian)
 *   L(x) = h̃ᵀ G h̃ − 2 Σ_{j ∈ nz(x)} x_j x̂_j + ‖x‖²
 *   ∂L/∂h = 2 (G h̃ − Σ_{j ∈ nz(x)} x_j D̃_j)[0..dim)
 *
 * (the Gramian identity of Krichene et al. 2019, "Efficient training on very large corpora via
 * Gramian estimation"; also how implicit-feedback ALS handles all the zeros, Hu, Koren & Volinsky
 * 2008). Training alternates the two halves, each on the same loss:
 * - the encoder takes Adam steps (Kingma & Ba 2015) on minibatches of rows, the decoder fixed;
 * - the decoder is then the exact least-squares fit to the current codes, D̃ = Xᵀ H̃ (H̃ᵀ H̃)⁺,
 *   O(nnz · dim + (|V| + rows) · dim²), and G is recomputed from it.
 * No term of the loss is sampled, so nothing is noisy except the minibatch order. (Sampling the zero
 * columns with importance weights |V|/m instead — an unbiased estimate — made Adam random-walk every
 * decoder row: the full loss rose from 1 to 1.2–289 in the first epoch; docs/autoencoder.md.)
 */
import type { SparseMatrix } from '../../core/matrix.js';
import type { Random } from '../../core/random.js';
import { symmetricEigen } from '../../linalg/dense.js';

export const ACTIVATIONS = ['linear', 'tanh'] as const;
export type Activation = (typeof ACTIVATIONS)[number];

/** Adam's defaults (Kingma & Ba 2015, section 2). */
export const ADAM_BETA1 = 0.9;
export const ADAM_BETA2 = 0.999;
export const ADAM_EPSILON = 1e-8;

/**
 * Relative eigenvalue floor of the pseudo-inverse in the decoder solve: the code Gramian is summed
 * in float64 from float32-sized values, and directions below λ_max · 1e-12 are rounding, not
 * signal (they appear when there are fewer rows than dim, or a tanh unit is dead).
 */
const PSEUDO_INVERSE_TOLERANCE = 1e-12;

/** The sparse rows the autoencoder reads: CSR, each row's column indices distinct. */
export type SparseRows = Pick<SparseMatrix, 'nRows' | 'nCols' | 'indptr' | 'indices' | 'values'>;

/** A parameter tensor seen as `rows` rows of `width` numbers, with its gradient and Adam moments. */
export class Parameter {
  readonly values: Float32Array;
  readonly gradient: Float32Array;
  readonly firstMoment: Float32Array;
  readonly secondMoment: Float32Array;

  constructor(
    readonly rows: number,
    readonly width: number,
  ) {
    const size = rows * width;
    this.values = new Float32Array(size);
    this.gradient = new Float32Array(size);
    this.firstMoment = new Float32Array(size);
    this.secondMoment = new Float32Array(size);
  }
}

/** The rows a minibatch gave a gradient, each listed once (a row is in the set when stamp[row] === current). */
export class RowSet {
  readonly list: Int32Array;
  count = 0;
  readonly stamp: Int32Array;
  current = 1;

  constructor(rows: number) {
    this.list = new Int32Array(rows);
    this.stamp = new Int32Array(rows);
  }

  add(row: number): void {
    if (this.stamp[row] !== this.current) {
      this.stamp[row] = this.current;
      this.list[this.count++] = row;
    }
  }

  clear(): void {
    this.count = 0;
    this.current++;
  }
}

export interface ModelShape {
  /** Width of the input rows = number of reconstructed outputs (|V|). */
  inputSize: number;
  dim: number;
  activation: Activation;
}

export class AutoencoderModel {
  readonly inputSize: number;
  readonly dim: number;
  readonly activation: Activation;
  /** E: row j is what input column j adds to the code (inputSize × dim). */
  readonly encoderWeights: Parameter;
  /** e: one row of dim. */
  readonly encoderBias: Parameter;
  /** D̃: row j = [D_j, d_j], output j's weights and bias (inputSize × (dim + 1)); float32 like every weight (half the memory traffic of float64 in the gathers, measured ~25% faster), sums in float64. */
  readonly decoder: Float32Array;
  /** G = Σ_j D̃_j D̃_jᵀ, (dim + 1)², kept in step with `decoder`. */
  readonly gram: Float64Array;
  /** Rows of encoderWeights with a gradient in the current minibatch. */
  readonly encoderRows: RowSet;
  /** Adam steps taken (t in Kingma & Ba). */
  step = 0;

  constructor(shape: ModelShape) {
    this.inputSize = shape.inputSize;
    this.dim = shape.dim;
    this.activation = shape.activation;
    this.encoderWeights = new Parameter(shape.inputSize, shape.dim);
    this.encoderBias = new Parameter(1, shape.dim);
    this.decoder = new Float32Array(shape.inputSize * (shape.dim + 1));
    this.gram = new Float64Array((shape.dim + 1) * (shape.dim + 1));
    this.encoderRows = new RowSet(shape.inputSize);
  }

  /**
   * Encoder weights N(0, 1/dim): an input row of unit L2 norm then gets a code of squared norm ≈ 1
   * (dim terms of variance 1/dim), inside tanh's linear range — the first codes are a random
   * projection of the rows. The decoder is solved from those codes before the first epoch.
   */
  initialize(random: Random): void {
    const scale = 1 / Math.sqrt(this.dim);
    const w = this.encoderWeights.values;
    for (let i = 0; i < w.length; i++) w[i] = random.normal() * scale;
  }
}

/** Working buffers of the forward/backward pass, allocated once per training run. */
export class Scratch {
  readonly preActivation: Float64Array;
  /** h̃ = [h, 1]: dim + 1 entries. */
  readonly code: Float64Array;
  readonly codeGradient: Float64Array;
  /** G h̃, then G h̃ − Σ_{nz} x_j D̃_j. */
  readonly gramCode: Float64Array;
  /** Σ_{nz} x_j D̃_j. */
  readonly combinedDecoder: Float64Array;

  constructor(dim: number) {
    this.preActivation = new Float64Array(dim);
    this.code = new Float64Array(dim + 1);
    this.codeGradient = new Float64Array(dim);
    this.gramCode = new Float64Array(dim + 1);
    this.combinedDecoder = new Float64Array(dim + 1);
  }
}

/** h̃ = [act(x_row · E + e), 1], into scratch.code (pre-activation kept for the backward pass). */
export function encodeRow(model: AutoencoderModel, rows: SparseRows, row: number, scratch: Scratch): Float64Array {
  const dim = model.dim;
  const weights = model.encoderWeights.values;
  const bias = model.encoderBias.values;
  const indices = rows.indices;
  const values = rows.values;
  const pre = scratch.preActivation;
  const code = scratch.code;
  for (let k = 0; k < dim; k++) pre[k] = bias[k]!;
  const begin = rows.indptr[row]! | 0;
  const end = rows.indptr[row + 1]! | 0;
  for (let p = begin; p < end; p++) {
    const x = values[p]!;
    const base = indices[p]! * dim;
    for (let k = 0; k < dim; k++) pre[k]! += x * weights[base + k]!;
  }
  if (model.activation === 'tanh') for (let k = 0; k < dim; k++) code[k] = Math.tanh(pre[k]!);
  else for (let k = 0; k < dim; k++) code[k] = pre[k]!;
  code[dim] = 1;
  return code;
}

/**
 * The exact loss of one row, L = h̃ᵀ G h̃ − 2 Σ_{nz} x_j x̂_j + ‖x‖², and (when gradientScale ≠ 0)
 * gradientScale × its gradient added to the encoder's gradients, touched rows recorded:
 *
 *   ∂L/∂h = 2 (G h̃ − Σ_{nz} x_j D̃_j)[0..dim);   δ = ∂L/∂h ⊙ act'(pre)  (1, or 1 − h² for tanh)
 *   ∂L/∂e = δ;   ∂L/∂E_j = x_j δ for every non-zero x_j of the row.
 */
export function rowForwardBackward(model: AutoencoderModel, rows: SparseRows, row: number, gradientScale: number, scratch: Scratch): number {
  const dim = model.dim;
  const width = dim + 1;
  const code = encodeRow(model, rows, row, scratch);
  const gram = model.gram;
  const gramCode = scratch.gramCode;
  // G h̃ and h̃ᵀ G h̃ = Σ_j x̂_j².
  let outputEnergy = 0;
  for (let a = 0; a < width; a++) {
    let s = 0;
    const base = a * width;
    for (let b = 0; b < width; b++) s += gram[base + b]! * code[b]!;
    gramCode[a] = s;
    outputEnergy += s * code[a]!;
  }
  // Non-zeros: r = Σ_{nz} x_j D̃_j, so that Σ_{nz} x_j x̂_j = h̃ · r and ∂L/∂h = 2 (G h̃ − r).
  const decoder = model.decoder;
  const indices = rows.indices;
  const values = rows.values;
  const combined = scratch.combinedDecoder;
  combined.fill(0);
  const begin = rows.indptr[row]! | 0;
  const end = rows.indptr[row + 1]! | 0;
  let targetEnergy = 0;
  for (let p = begin; p < end; p++) {
    const x = values[p]!;
    const base = indices[p]! * width;
    targetEnergy += x * x;
    for (let a = 0; a < width; a++) combined[a]! += x * decoder[base + a]!;
  }
  let cross = 0;
  for (let a = 0; a < width; a++) {
    cross += code[a]! * combined[a]!;
    gramCode[a]! -= combined[a]!;
  }
  const loss = outputEnergy - 2 * cross + targetEnergy;
  if (gradientScale === 0) return loss;

  const delta = scratch.codeGradient;
  const twice = 2 * gradientScale;
  if (model.activation === 'tanh') for (let k = 0; k < dim; k++) delta[k] = twice * gramCode[k]! * (1 - code[k]! * code[k]!);
  else for (let k = 0; k < dim; k++) delta[k] = twice * gramCode[k]!;
  const biasGradient = model.encoderBias.gradient;
  for (let k = 0; k < dim; k++) biasGradient[k]! += delta[k]!;
  const encoderGradient = model.encoderWeights.gradient;
  const encoderRows = model.encoderRows;
  for (let p = begin; p < end; p++) {
    const x = values[p]!;
    const j = indices[p]!;
    const base = j * dim;
    for (let k = 0; k < dim; k++) encoderGradient[base + k]! += x * delta[k]!;
    encoderRows.add(j);
  }
  return loss;
}

/**
 * Adam (Kingma & Ba 2015, Algorithm 1) on the listed rows of one parameter:
 * m ← β1 m + (1−β1) g, v ← β2 v + (1−β2) g², θ ← θ − lr · (m / (1−β1^t)) / (√(v / (1−β2^t)) + ε),
 * then the gradient of those rows is zeroed for the next minibatch. Rows not listed keep their
 * moments (lazy Adam, as TensorFlow's LazyAdam: a step costs the rows the minibatch touched).
 */
function adamRows(parameter: Parameter, list: Int32Array, count: number, learningRate: number, step: number): void {
  const { values, gradient, firstMoment: m, secondMoment: v, width } = parameter;
  const firstCorrection = 1 / (1 - Math.pow(ADAM_BETA1, step));
  const secondCorrection = 1 / (1 - Math.pow(ADAM_BETA2, step));
  for (let t = 0; t < count; t++) {
    const base = list[t]! * width;
    const stop = base + width;
    for (let i = base; i < stop; i++) {
      const g = gradient[i]!;
      const mi = ADAM_BETA1 * m[i]! + (1 - ADAM_BETA1) * g;
      const vi = ADAM_BETA2 * v[i]! + (1 - ADAM_BETA2) * g * g;
      m[i] = mi;
      v[i] = vi;
      values[i]! -= (learningRate * mi * firstCorrection) / (Math.sqrt(vi * secondCorrection) + ADAM_EPSILON);
      gradient[i] = 0;
    }
  }
}

/** The encoder bias as a one-row list (every row touches it). */
const FIRST_ROW = new Int32Array([0]);

/** One Adam step of the encoder over the rows the minibatch touched; the row set is cleared. */
export function adamStep(model: AutoencoderModel, learningRate: number): void {
  const t = ++model.step;
  const rowsTouched = model.encoderRows;
  adamRows(model.encoderWeights, rowsTouched.list, rowsTouched.count, learningRate, t);
  adamRows(model.encoderBias, FIRST_ROW, 1, learningRate, t);
  rowsTouched.clear();
}

/**
 * One minibatch (rows batch[batchStart..batchEnd)): the mean of the rows' exact losses is
 * backpropagated into the encoder and Adam takes a step. Returns the sum of the rows' losses
 * (before the step).
 */
export function trainBatch(
  model: AutoencoderModel,
  rows: SparseRows,
  batch: ArrayLike<number>,
  batchStart: number,
  batchEnd: number,
  learningRate: number,
  scratch: Scratch,
): number {
  const scale = 1 / (batchEnd - batchStart);
  let loss = 0;
  for (let b = batchStart; b < batchEnd; b++) loss += rowForwardBackward(model, rows, batch[b]!, scale, scratch);
  adamStep(model, learningRate);
  return loss;
}

/** The codes h of every row (rows × dim, row-major, float32). */
export function encodeAll(model: AutoencoderModel, rows: SparseRows): Float32Array {
  const { dim } = model;
  const scratch = new Scratch(dim);
  const codes = new Float32Array(rows.nRows * dim);
  for (let i = 0; i < rows.nRows; i++) codes.set(encodeRow(model, rows, i, scratch).subarray(0, dim), i * dim);
  return codes;
}

/**
 * The decoder that minimises the summed loss for the current codes — each output j is a linear
 * least-squares problem, D̃_j = argmin Σ_i (h̃_i · D̃_j − x_ij)², solved all at once as
 * D̃ = Xᵀ H̃ (H̃ᵀ H̃)⁺ (pseudo-inverse through the eigen-decomposition; directions of the code
 * Gramian below PSEUDO_INVERSE_TOLERANCE · λ_max are dropped). Then G = D̃ᵀ D̃.
 * Cost O(nnz · dim + (rows + |V|) · dim² + dim³).
 */
export function solveDecoder(model: AutoencoderModel, rows: SparseRows): void {
  const dim = model.dim;
  const width = dim + 1;
  const scratch = new Scratch(dim);
  const codeGram = new Float64Array(width * width);
  const decoder = model.decoder;
  const projected = new Float32Array(model.inputSize * width); // Xᵀ H̃
  for (let i = 0; i < rows.nRows; i++) {
    const code = encodeRow(model, rows, i, scratch);
    for (let a = 0; a < width; a++) {
      const ca = code[a]!;
      const base = a * width;
      for (let b = a; b < width; b++) codeGram[base + b]! += ca * code[b]!;
    }
    const end = rows.indptr[i + 1]! | 0;
    for (let p = rows.indptr[i]! | 0; p < end; p++) {
      const x = rows.values[p]!;
      const base = rows.indices[p]! * width;
      for (let a = 0; a < width; a++) projected[base + a]! += x * code[a]!;
    }
  }
  for (let a = 0; a < width; a++) for (let b = 0; b < a; b++) codeGram[a * width + b] = codeGram[b * width + a]!;

  const inverse = pseudoInverse(codeGram, width);
  decoder.fill(0);
  for (let j = 0; j < model.inputSize; j++) {
    const base = j * width;
    for (let a = 0; a < width; a++) {
      const pa = projected[base + a]!;
      if (pa === 0) continue;
      const row = a * width;
      for (let b = 0; b < width; b++) decoder[base + b]! += pa * inverse[row + b]!;
    }
  }
  computeGram(model);
}

/** G = Σ_j D̃_j D̃_jᵀ. */
export function computeGram(model: AutoencoderModel): void {
  const width = model.dim + 1;
  const gram = model.gram;
  const decoder = model.decoder;
  gram.fill(0);
  for (let j = 0; j < model.inputSize; j++) {
    const base = j * width;
    for (let a = 0; a < width; a++) {
      const da = decoder[base + a]!;
      if (da === 0) continue;
      const row = a * width;
      for (let b = a; b < width; b++) gram[row + b]! += da * decoder[base + b]!;
    }
  }
  for (let a = 0; a < width; a++) for (let b = 0; b < a; b++) gram[a * width + b] = gram[b * width + a]!;
}

/** Moore–Penrose pseudo-inverse of a symmetric positive semi-definite n × n matrix. */
export function pseudoInverse(matrix: Float64Array, n: number): Float64Array {
  const { values, vectors } = symmetricEigen(matrix, n);
  const floor = Math.max(values[0] ?? 0, 0) * PSEUDO_INVERSE_TOLERANCE;
  const inverse = new Float64Array(n * n);
  for (let m = 0; m < n; m++) {
    const lambda = values[m]!;
    if (!(lambda > floor)) continue;
    for (let a = 0; a < n; a++) {
      const qa = vectors[a * n + m]! / lambda;
      if (qa === 0) continue;
      for (let b = 0; b < n; b++) inverse[a * n + b]! += qa * vectors[b * n + m]!;
    }
  }
  return inverse;
}

/** The loss of one row computed the long way, over all |V| outputs (O(|V| · dim); for tests). */
export function bruteForceRowLoss(model: AutoencoderModel, rows: SparseRows, row: number): number {
  const { dim, inputSize } = model;
  const width = dim + 1;
  const code = encodeRow(model, rows, row, new Scratch(dim));
  const target = new Float64Array(inputSize);
  for (let p = rows.indptr[row]!; p < rows.indptr[row + 1]!; p++) target[rows.indices[p]!] = rows.values[p]!;
  let loss = 0;
  for (let j = 0; j < inputSize; j++) {
    let output = 0;
    for (let a = 0; a < width; a++) output += code[a]! * model.decoder[j * width + a]!;
    loss += (output - target[j]!) ** 2;
  }
  return loss;
}
