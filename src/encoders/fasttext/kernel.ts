import { createSharedMemory as createPagedMemory, loadWasmModule, MemoryPlanner, paddedStride } from '../wasm/memory.js';
import { PIECE_ENTRIES } from '../word2vec/kernel.js';

/**
 * The fastText training kernel (assembly/fasttext.ts, built to dist/wasm/fasttext.wasm) and the
 * layout of the shared memory it works on. Planned like the word2vec kernel's (the JavaScript side
 * owns every byte), plus each word's list of input rows (CSR) and the n-gram bucket rows.
 *
 * The input block has one spare row before the word rows, and the output block too: when the
 * vocabulary lacks fastText's `</s>`, that row is `</s>` (our sentence ends are boundaries, not
 * tokens) and the blocks are, byte for byte, the matrices of fastText's `.bin` — written from
 * here without a copy. `</s>` starts like every input row and is never trained (a fastText model
 * trains it as the last token of each line).
 */

/** Every block starts on its own cache line (64 bytes on x86-64 and ARM64). */
const ALIGN = 64;

export interface ScratchLayout {
  piece: number;
  sentence: number;
  hidden: number;
  hiddenGradient: number;
  wordGradient: number;
}

export interface FastTextLayout {
  vocabSize: number;
  bucket: number;
  dim: number;
  /** Floats per row: dim rounded up to a multiple of 4. */
  stride: number;
  sigmoidTable: number;
  keepProbability: number;
  aliasProbability: number;
  aliasIndex: number;
  subwordOffsets: number;
  subwordRows: number;
  subwordEntries: number;
  /** Per word: Σ m² / n over its distinct rows of multiplicity m (how much h moves per ∂h added to the rows). */
  hiddenGain: number;
  /** The spare row, then vocabSize word rows, then bucket n-gram rows. */
  inputBlock: number;
  /** inputBlock + one row: word 0. */
  inputVectors: number;
  /** The spare row, then vocabSize output rows. */
  outputBlock: number;
  outputVectors: number;
  scratch: ScratchLayout[];
  pages: number;
}

/** What the kernel exports (see assembly/fasttext.ts). */
export interface FastTextExports {
  MAX_SENTENCE_LENGTH: WebAssembly.Global;
  SIGMOID_TABLE_SIZE: WebAssembly.Global;
  SIGMOID_BOUND: WebAssembly.Global;
  configure(
    stride: number, vocabSize: number, window: number, negative: number, cbow: number,
    input: number, output: number, sigmoid: number, keep: number, aliasProbability: number, aliasIndex: number,
    offsets: number, rows: number, gain: number, sentence: number, hidden: number, hiddenGradient: number, wordGradient: number,
  ): void;
  seed(low: number, high: number): void;
  initialiseRows(ptr: number, rows: number, dim: number, stride: number, bound: number): void;
  sampleNegative(): number;
  trainPiece(piece: number, count: number, alpha: number): void;
}

export interface FastTextConstants {
  maxSentenceLength: number;
  sigmoidTableSize: number;
  sigmoidBound: number;
}

export interface FastTextShape {
  window: number;
  negative: number;
  cbow: boolean;
}

export function loadFastTextModule(): Promise<WebAssembly.Module> {
  return loadWasmModule('fasttext', 'fastText');
}

function instantiate(module: WebAssembly.Module, memory: WebAssembly.Memory): FastTextExports {
  const instance = new WebAssembly.Instance(module, {
    env: {
      memory,
      abort: () => {
        throw new Error('fastText kernel aborted');
      },
    },
  });
  return instance.exports as unknown as FastTextExports;
}

export function fastTextConstants(module: WebAssembly.Module): FastTextConstants {
  const exports = instantiate(module, new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true }));
  return {
    maxSentenceLength: exports.MAX_SENTENCE_LENGTH.value as number,
    sigmoidTableSize: exports.SIGMOID_TABLE_SIZE.value as number,
    sigmoidBound: exports.SIGMOID_BOUND.value as number,
  };
}

/** Plan the shared memory: the tables, `subwordEntries` row indices, the two matrices, `workers` scratch slots. */
export function planFastTextLayout(vocabSize: number, bucket: number, dim: number, subwordEntries: number, workers: number, constants: FastTextConstants): FastTextLayout {
  const stride = paddedStride(dim);
  const rowBytes = stride * 4;
  const planner = new MemoryPlanner(ALIGN);
  const take = (bytes: number): number => planner.take(bytes);
  const sigmoidTable = take((constants.sigmoidTableSize + 1) * 4);
  const keepProbability = take(vocabSize * 4);
  const aliasProbability = take(vocabSize * 4);
  const aliasIndex = take(vocabSize * 4);
  const subwordOffsets = take((vocabSize + 1) * 4);
  const subwordRows = take(subwordEntries * 4);
  const hiddenGain = take(vocabSize * 4);
  const inputBlock = take((1 + vocabSize + bucket) * rowBytes);
  const outputBlock = take((1 + vocabSize) * rowBytes);
  const scratch: ScratchLayout[] = [];
  for (let w = 0; w < workers; w++) {
    scratch.push({
      piece: take(PIECE_ENTRIES * 4),
      sentence: take(constants.maxSentenceLength * 4),
      hidden: take(rowBytes),
      hiddenGradient: take(rowBytes),
      wordGradient: take(rowBytes),
    });
  }
  const pages = planner.pages(`${vocabSize} words + ${bucket} n-gram buckets × ${dim} dimensions`, 'lower --bucket or --dim, or raise --min-count');
  return {
    vocabSize, bucket, dim, stride, sigmoidTable, keepProbability, aliasProbability, aliasIndex, subwordOffsets, subwordRows, subwordEntries, hiddenGain,
    inputBlock, inputVectors: inputBlock + rowBytes, outputBlock, outputVectors: outputBlock + rowBytes, scratch, pages,
  };
}

export function createFastTextMemory(layout: FastTextLayout): WebAssembly.Memory {
  return createPagedMemory(layout.pages);
}

export interface FastTextTables {
  sigmoid: Float32Array;
  keep: Float32Array;
  aliasProbability: Float32Array;
  aliasIndex: Int32Array;
  /** Word w's input rows are rows[offsets[w] .. offsets[w+1]) (word rows 0..V-1, n-gram bucket b at V + b). */
  offsets: Int32Array;
  rows: Int32Array;
}

export function writeFastTextTables(memory: WebAssembly.Memory, layout: FastTextLayout, tables: FastTextTables): void {
  const buffer = memory.buffer;
  new Float32Array(buffer, layout.sigmoidTable, tables.sigmoid.length).set(tables.sigmoid);
  new Float32Array(buffer, layout.keepProbability, layout.vocabSize).set(tables.keep);
  new Float32Array(buffer, layout.aliasProbability, layout.vocabSize).set(tables.aliasProbability);
  new Int32Array(buffer, layout.aliasIndex, layout.vocabSize).set(tables.aliasIndex);
  new Int32Array(buffer, layout.subwordOffsets, layout.vocabSize + 1).set(tables.offsets);
  new Int32Array(buffer, layout.subwordRows, layout.subwordEntries).set(tables.rows);
  new Float32Array(buffer, layout.hiddenGain, layout.vocabSize).set(hiddenGains(tables.offsets, tables.rows));
}

/**
 * Per word, how far its mean h moves when ∂h is added to each of its n listed rows: Σ m² / n over
 * its distinct rows, m the times a row is listed (1 when no n-gram repeats: h moves by ∂h).
 */
export function hiddenGains(offsets: Int32Array, rows: Int32Array): Float32Array {
  const words = offsets.length - 1;
  const gains = new Float32Array(words);
  const multiplicity = new Map<number, number>();
  for (let w = 0; w < words; w++) {
    multiplicity.clear();
    for (let i = offsets[w]!; i < offsets[w + 1]!; i++) multiplicity.set(rows[i]!, (multiplicity.get(rows[i]!) ?? 0) + 1);
    let sum = 0;
    for (const m of multiplicity.values()) sum += m * m;
    const n = offsets[w + 1]! - offsets[w]!;
    gains[w] = n > 0 ? sum / n : 1;
  }
  return gains;
}

type Which = 'input' | 'output';

function rowCount(layout: FastTextLayout, which: Which): number {
  return which === 'input' ? layout.vocabSize + layout.bucket : layout.vocabSize;
}

/**
 * The input rows (words then buckets) or output rows as a row-major matrix of `dim` columns;
 * `withSpare` puts the spare row first (fastText's `</s>`). A view on the shared memory when rows
 * need no repacking (dim a multiple of 4), else a copy.
 */
export function matrixOf(memory: WebAssembly.Memory, layout: FastTextLayout, which: Which, withSpare: boolean): Float32Array {
  const start = which === 'input' ? (withSpare ? layout.inputBlock : layout.inputVectors) : withSpare ? layout.outputBlock : layout.outputVectors;
  const rows = rowCount(layout, which) + (withSpare ? 1 : 0);
  if (layout.stride === layout.dim) return new Float32Array(memory.buffer, start, rows * layout.dim);
  const padded = new Float32Array(memory.buffer, start, rows * layout.stride);
  const out = new Float32Array(rows * layout.dim);
  for (let i = 0; i < rows; i++) out.set(padded.subarray(i * layout.stride, i * layout.stride + layout.dim), i * layout.dim);
  return out;
}

/** Copy a row-major matrix (rows × dim) into the input rows (words then buckets) or output rows (tests set known weights this way). */
export function writeFastTextVectors(memory: WebAssembly.Memory, layout: FastTextLayout, which: Which, values: Float32Array): void {
  const rows = new Float32Array(memory.buffer, which === 'input' ? layout.inputVectors : layout.outputVectors, rowCount(layout, which) * layout.stride);
  const n = values.length / layout.dim;
  for (let i = 0; i < n; i++) rows.set(values.subarray(i * layout.dim, (i + 1) * layout.dim), i * layout.stride);
}

/** One kernel instance; `slot` binds it to a worker's scratch (none: only initialiseRows is used). */
export class FastTextKernel {
  private readonly exports: FastTextExports;
  private readonly pieceView: Int32Array | undefined;
  private readonly piecePtr: number;

  constructor(module: WebAssembly.Module, memory: WebAssembly.Memory, private readonly layout: FastTextLayout, slot: number | undefined, shape: FastTextShape) {
    this.exports = instantiate(module, memory);
    const scratch = slot === undefined ? undefined : layout.scratch[slot];
    if (slot !== undefined && !scratch) throw new Error(`fastText kernel: no scratch slot ${slot}`);
    this.exports.configure(
      layout.stride, layout.vocabSize, shape.window, shape.negative, shape.cbow ? 1 : 0,
      layout.inputVectors, layout.outputVectors, layout.sigmoidTable, layout.keepProbability,
      layout.aliasProbability, layout.aliasIndex, layout.subwordOffsets, layout.subwordRows, layout.hiddenGain,
      scratch?.sentence ?? 0, scratch?.hidden ?? 0, scratch?.hiddenGradient ?? 0, scratch?.wordGradient ?? 0,
    );
    this.piecePtr = scratch?.piece ?? 0;
    this.pieceView = scratch ? new Int32Array(memory.buffer, scratch.piece, PIECE_ENTRIES) : undefined;
  }

  seed(low: number, high: number): void {
    this.exports.seed(low, high);
  }

  /** Input rows (spare, words, buckets) uniform in [−1/dim, 1/dim], as fastText's `wi_->uniform(1.0 / dim)`; output rows stay zero. */
  initialiseInput(): void {
    const { layout } = this;
    this.exports.initialiseRows(layout.inputBlock, 1 + layout.vocabSize + layout.bucket, layout.dim, layout.stride, 1 / layout.dim);
  }

  trainPiece(entries: Int32Array, alpha: number): void {
    if (!this.pieceView) throw new Error('fastText kernel: no scratch slot to train in');
    if (entries.length > PIECE_ENTRIES) throw new Error(`fastText kernel: a piece holds at most ${PIECE_ENTRIES} entries`);
    this.pieceView.set(entries);
    this.exports.trainPiece(this.piecePtr, entries.length, alpha);
  }

  sampleNegative(): number {
    return this.exports.sampleNegative();
  }
}
