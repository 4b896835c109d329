import { createSharedMemory as createPagedMemory, loadWasmModule, MemoryPlanner, paddedStride } from '../wasm/memory.js';

/**
 * The WebAssembly training kernel (assembly/word2vec.ts, built to dist/wasm/word2vec.wasm) and the
 * layout of the shared memory it works on. The JavaScript side plans every byte: the kernel
 * allocates nothing, so one memory can host one kernel instance per worker thread.
 */

/** Every block starts on its own cache line (64 bytes on x86-64 and ARM64), so threads' scratch never shares one. */
const ALIGN = 64;

/**
 * Entries (word ids plus sentence ends) per piece handed to the kernel. The learning rate is
 * recomputed between pieces: word2vec.c does so every 10,000 words, and gensim's batches
 * (MAX_WORDS_IN_BATCH) are 10,000 words.
 */
export const PIECE_ENTRIES = 10_000;

/** Byte offsets of one worker's scratch buffers. */
export interface ScratchLayout {
  piece: number;
  sentence: number;
  hidden: number;
  hiddenGradient: number;
  /** Window scratch (configureWindow), planned when planLayout gets a window; 0 otherwise. */
  contexts: number;
  targets: number;
  scores: number;
  deltas: number;
}

/** What planLayout sizes the window scratch for. */
export interface WindowShape {
  window: number;
  negative: number;
}

/** Byte offsets of everything in the shared memory. */
export interface MemoryLayout {
  vocabSize: number;
  dim: number;
  /** Floats per row: dim rounded up to a multiple of 4. */
  stride: number;
  sigmoidTable: number;
  keepProbability: number;
  aliasProbability: number;
  aliasIndex: number;
  inputVectors: number;
  outputVectors: number;
  /** Document vectors (PV-DBOW, src/encoders/docvec/pv-dbow.ts): `documents` rows after the words'; 0 rows for word2vec. */
  documentVectors: number;
  documents: number;
  scratch: ScratchLayout[];
  pages: number;
}

/** What the kernel exports (see assembly/word2vec.ts). */
export interface KernelExports {
  MAX_SENTENCE_LENGTH: WebAssembly.Global;
  SIGMOID_TABLE_SIZE: WebAssembly.Global;
  SIGMOID_BOUND: WebAssembly.Global;
  configure(
    stride: number, vocabSize: number, window: number, negative: number, cbow: number,
    input: number, output: number, sigmoid: number, keep: number, aliasProbability: number, aliasIndex: number,
    sentence: number, hidden: number, hiddenGradient: number,
  ): void;
  seed(low: number, high: number): void;
  sampleNegative(): number;
  configureWindow(contexts: number, targets: number, scores: number, deltas: number, shared: number): void;
  trainPiece(piece: number, count: number, alpha: number): void;
  trainDocument(piece: number, count: number, doc: number, alpha: number, trainWords: number, learnOutput: number): void;
}

/** Kernel constants, read from the module so the two sides cannot disagree. */
export interface KernelConstants {
  maxSentenceLength: number;
  sigmoidTableSize: number;
  sigmoidBound: number;
}

export interface ModelShape {
  window: number;
  negative: number;
  cbow: boolean;
  /** Skip-gram: one set of negatives per window (assembly/word2vec.ts trainWindowShared); needs the window scratch. */
  sharedNegatives?: boolean;
}

/** Compile the kernel once per process (a WebAssembly.Module can be posted to workers). */
export function loadKernelModule(): Promise<WebAssembly.Module> {
  return loadWasmModule('word2vec', 'word2vec');
}

/**
 * Plan the shared memory for a vocabulary, a dimension, the kernel's constants, `workers` threads
 * and `documents` document vectors. With `shape`, every thread also gets the window scratch (the
 * rows of a window gathered once: CBOW's one-pass mean and scatter, shared-negative skip-gram).
 */
export function planLayout(vocabSize: number, dim: number, workers: number, constants: KernelConstants, documents = 0, shape?: WindowShape): MemoryLayout {
  const stride = paddedStride(dim);
  const planner = new MemoryPlanner(ALIGN);
  const take = (bytes: number): number => planner.take(bytes);
  const sigmoidTable = take((constants.sigmoidTableSize + 1) * 4);
  const keepProbability = take(vocabSize * 4);
  const aliasProbability = take(vocabSize * 4);
  const aliasIndex = take(vocabSize * 4);
  const inputVectors = take(vocabSize * stride * 4);
  const outputVectors = take(vocabSize * stride * 4);
  const documentVectors = take(documents * stride * 4);
  const scratch: ScratchLayout[] = [];
  // A window holds at most 2·window context words, and a sentence at most maxSentenceLength words.
  const contexts = shape ? Math.min(2 * shape.window, constants.maxSentenceLength - 1) : 0;
  const targets = shape ? shape.negative + 1 : 0;
  for (let w = 0; w < workers; w++) {
    scratch.push({
      piece: take(PIECE_ENTRIES * 4),
      sentence: take(constants.maxSentenceLength * 4),
      hidden: take(stride * 4),
      hiddenGradient: take(stride * 4),
      contexts: shape ? take(contexts * 4) : 0,
      targets: shape ? take(targets * 4) : 0,
      scores: shape ? take(contexts * targets * 4) : 0,
      deltas: shape ? take(contexts * stride * 4) : 0,
    });
  }
  const pages = planner.pages(`${vocabSize} words${documents > 0 ? ` and ${documents} documents` : ''} × ${dim} dimensions`, 'lower --dim, or raise --min-count / set --max-vocab');
  return { vocabSize, dim, stride, sigmoidTable, keepProbability, aliasProbability, aliasIndex, inputVectors, outputVectors, documentVectors, documents, scratch, pages };
}

/** A zero-filled shared memory of exactly the planned size (it never grows, so views stay valid). */
export function createSharedMemory(layout: MemoryLayout): WebAssembly.Memory {
  return createPagedMemory(layout.pages);
}

/** The kernel's compile-time constants. */
export function kernelConstants(module: WebAssembly.Module): KernelConstants {
  const exports = instantiate(module, new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true }));
  return {
    maxSentenceLength: exports.MAX_SENTENCE_LENGTH.value as number,
    sigmoidTableSize: exports.SIGMOID_TABLE_SIZE.value as number,
    sigmoidBound: exports.SIGMOID_BOUND.value as number,
  };
}

function instantiate(module: WebAssembly.Module, memory: WebAssembly.Memory): KernelExports {
  const instance = new WebAssembly.Instance(module, {
    env: {
      memory,
      abort: () => {
        throw new Error('word2vec kernel aborted');
      },
    },
  });
  return instance.exports as unknown as KernelExports;
}

/** The tables training reads, written once before the workers start. */
export interface KernelTables {
  sigmoid: Float32Array;
  keep: Float32Array;
  aliasProbability: Float32Array;
  aliasIndex: Int32Array;
}

export function writeTables(memory: WebAssembly.Memory, layout: MemoryLayout, tables: KernelTables): void {
  const buffer = memory.buffer;
  new Float32Array(buffer, layout.sigmoidTable, tables.sigmoid.length).set(tables.sigmoid);
  new Float32Array(buffer, layout.keepProbability, layout.vocabSize).set(tables.keep);
  new Float32Array(buffer, layout.aliasProbability, layout.vocabSize).set(tables.aliasProbability);
  new Int32Array(buffer, layout.aliasIndex, layout.vocabSize).set(tables.aliasIndex);
}

/** Copy a vocabSize × dim row-major matrix into the padded input or output rows (tests set known weights this way). */
export function writeVectors(memory: WebAssembly.Memory, layout: MemoryLayout, which: 'input' | 'output', values: Float32Array): void {
  const rows = new Float32Array(memory.buffer, which === 'input' ? layout.inputVectors : layout.outputVectors, layout.vocabSize * layout.stride);
  for (let i = 0; i < layout.vocabSize; i++) rows.set(values.subarray(i * layout.dim, (i + 1) * layout.dim), i * layout.stride);
}

/** The input or output rows as a vocabSize × dim row-major matrix (padding dropped). */
export function readVectors(memory: WebAssembly.Memory, layout: MemoryLayout, which: 'input' | 'output'): Float32Array {
  const rows = new Float32Array(memory.buffer, which === 'input' ? layout.inputVectors : layout.outputVectors, layout.vocabSize * layout.stride);
  const out = new Float32Array(layout.vocabSize * layout.dim);
  for (let i = 0; i < layout.vocabSize; i++) out.set(rows.subarray(i * layout.stride, i * layout.stride + layout.dim), i * layout.dim);
  return out;
}

/** One kernel instance bound to one worker's scratch slot. */
export class Kernel {
  private readonly exports: KernelExports;
  private readonly pieceView: Int32Array;
  private readonly piecePtr: number;

  constructor(module: WebAssembly.Module, memory: WebAssembly.Memory, layout: MemoryLayout, slot: number, shape: ModelShape) {
    const scratch = layout.scratch[slot];
    if (!scratch) throw new Error(`word2vec kernel: no scratch slot ${slot}`);
    this.exports = instantiate(module, memory);
    this.exports.configure(
      layout.stride, layout.vocabSize, shape.window, shape.negative, shape.cbow ? 1 : 0,
      layout.inputVectors, layout.outputVectors, layout.sigmoidTable, layout.keepProbability,
      layout.aliasProbability, layout.aliasIndex, scratch.sentence, scratch.hidden, scratch.hiddenGradient,
    );
    if (scratch.contexts !== 0) {
      this.exports.configureWindow(scratch.contexts, scratch.targets, scratch.scores, scratch.deltas, shape.sharedNegatives ? 1 : 0);
    } else if (shape.sharedNegatives) {
      throw new Error('word2vec kernel: shared negatives need the window scratch (planLayout with a window shape)');
    }
    this.piecePtr = scratch.piece;
    this.pieceView = new Int32Array(memory.buffer, scratch.piece, PIECE_ENTRIES);
  }

  /** Seed the kernel's generator with two 32-bit halves. */
  seed(low: number, high: number): void {
    this.exports.seed(low, high);
  }

  /**
   * Train on up to PIECE_ENTRIES entries: vocabulary ids, -1 ending a sentence (a piece's end
   * also ends its last sentence).
   */
  trainPiece(entries: Int32Array, alpha: number): void {
    if (entries.length > PIECE_ENTRIES) throw new Error(`word2vec kernel: a piece holds at most ${PIECE_ENTRIES} entries`);
    this.pieceView.set(entries);
    this.exports.trainPiece(this.piecePtr, entries.length, alpha);
  }

  /**
   * Train the document vector at byte offset `doc` (a row of layout.documentVectors, or any padded
   * row) on up to PIECE_ENTRIES entries of its document (PV-DBOW, assembly/word2vec.ts trainDocument).
   */
  trainDocument(entries: Int32Array, doc: number, alpha: number, trainWords: boolean, learnOutput: boolean): void {
    if (entries.length > PIECE_ENTRIES) throw new Error(`word2vec kernel: a piece holds at most ${PIECE_ENTRIES} entries`);
    this.pieceView.set(entries);
    this.exports.trainDocument(this.piecePtr, entries.length, doc, alpha, trainWords ? 1 : 0, learnOutput ? 1 : 0);
  }

  sampleNegative(): number {
    return this.exports.sampleNegative();
  }
}
