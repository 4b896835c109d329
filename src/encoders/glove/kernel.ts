import { Random } from '../../core/random.js';
import { createSharedMemory as createPagedMemory, loadWasmModule, MemoryPlanner, paddedStride } from '../wasm/memory.js';

/**
 * The GloVe WebAssembly kernel (assembly/glove.ts, built to dist/wasm/glove.wasm) and the layout of
 * the shared memory it works on: the parameters W, W̃, the biases, their AdaGrad squared gradients
 * and the co-occurrence records. The JavaScript side plans every byte; the kernel allocates nothing,
 * so one memory hosts one kernel instance per worker thread.
 */

/** Blocks aligned to 16 bytes (f32x4 loads). */
const ALIGN = 16;
/** A record: i32 word, i32 context, f32 log X, f32 f(X) (assembly/glove.ts RECORD_BYTES). */
export const RECORD_BYTES = 16;
const RECORD_WORDS = RECORD_BYTES / 4;

/** Records trained between two progress reports (~0.1 s of work). */
export const CHUNK_RECORDS = 1 << 18;

/**
 * Records per shuffle block (128 KiB, within a core's L2 cache). An epoch shuffles each block in
 * place and visits the blocks in random order: a shuffle over the whole slice draws a random record
 * of a 100+ MiB array for every update, a cache miss that measured about 1.7× slower on the English
 * mix (0.9M against 1.7M updates/s on one core).
 */
export const BLOCK_RECORDS = 1 << 13;

/**
 * AdaGrad's squared-gradient accumulators start at 1 ("so initial value of eta is equal to initial
 * learning rate", glove.c initialize_parameters).
 */
const INITIAL_GRADSQ = 1;

/** Byte offsets of everything in the shared memory. */
export interface MemoryLayout {
  vocabSize: number;
  dim: number;
  /** Floats per vector row: dim rounded up to a multiple of 4. */
  stride: number;
  records: number;
  recordCount: number;
  wordVectors: number;
  contextVectors: number;
  wordGradsq: number;
  contextGradsq: number;
  wordBias: number;
  contextBias: number;
  wordBiasGradsq: number;
  contextBiasGradsq: number;
  pages: number;
}

/** What the kernel exports (see assembly/glove.ts). */
interface KernelExports {
  RECORD_BYTES: WebAssembly.Global;
  configure(
    stride: number, wordVectors: number, contextVectors: number, wordGradsq: number, contextGradsq: number,
    wordBias: number, contextBias: number, wordBiasGradsq: number, contextBiasGradsq: number,
    records: number, eta: number, gradClip: number,
  ): void;
  seed(low: number, high: number): void;
  skippedRecords(): number;
  trainRange(shuffleStart: number, lo: number, hi: number): number;
  cost(lo: number, hi: number): number;
}

/** The learning constants one kernel instance applies. */
export interface UpdateRule {
  /** glove.c's eta (-eta), the AdaGrad learning rate of the vectors. */
  eta: number;
  /** glove.c's grad_clip_value (-grad-clip): gradient components are clipped to ±this. */
  gradClip: number;
}

/** Compile the kernel once per process (a WebAssembly.Module can be posted to workers). */
export function loadKernelModule(): Promise<WebAssembly.Module> {
  return loadWasmModule('glove', 'GloVe');
}

/** Plan the shared memory for a vocabulary, a dimension and `recordCount` co-occurrence records. */
export function planLayout(vocabSize: number, dim: number, recordCount: number): MemoryLayout {
  const stride = paddedStride(dim);
  const planner = new MemoryPlanner(ALIGN);
  const take = (bytes: number): number => planner.take(bytes);
  const rowBytes = vocabSize * stride * Float32Array.BYTES_PER_ELEMENT;
  const biasBytes = vocabSize * Float64Array.BYTES_PER_ELEMENT;
  const wordVectors = take(rowBytes);
  const contextVectors = take(rowBytes);
  const wordGradsq = take(rowBytes);
  const contextGradsq = take(rowBytes);
  const wordBias = take(biasBytes);
  const contextBias = take(biasBytes);
  const wordBiasGradsq = take(biasBytes);
  const contextBiasGradsq = take(biasBytes);
  const records = take(recordCount * RECORD_BYTES);
  const pages = planner.pages(`${recordCount.toLocaleString('en-US')} co-occurrence cells and ${vocabSize} words × ${dim} dimensions`, 'lower --window or --dim, or raise --min-count / set --max-vocab');
  return {
    vocabSize, dim, stride, records, recordCount, wordVectors, contextVectors, wordGradsq, contextGradsq,
    wordBias, contextBias, wordBiasGradsq, contextBiasGradsq, pages,
  };
}

/** A zero-filled shared memory of exactly the planned size (it never grows, so views stay valid). */
export function createSharedMemory(layout: MemoryLayout): WebAssembly.Memory {
  return createPagedMemory(layout.pages);
}

/** The co-occurrence records as parallel int32/float32 views (4 words per record). */
export function recordViews(memory: WebAssembly.Memory, layout: MemoryLayout): { ints: Int32Array; floats: Float32Array } {
  const words = layout.recordCount * RECORD_WORDS;
  return { ints: new Int32Array(memory.buffer, layout.records, words), floats: new Float32Array(memory.buffer, layout.records, words) };
}

/** Write record `position`: X[word][context] with its log and its weight f(X). */
export function writeRecord(
  views: { ints: Int32Array; floats: Float32Array },
  position: number, word: number, context: number, logValue: number, weight: number,
): void {
  const at = position * RECORD_WORDS;
  views.ints[at] = word;
  views.ints[at + 1] = context;
  views.floats[at + 2] = logValue;
  views.floats[at + 3] = weight;
}

/** Copy record `from` over record `to`. */
export function copyRecord(views: { ints: Int32Array }, from: number, to: number): void {
  views.ints.copyWithin(to * RECORD_WORDS, from * RECORD_WORDS, (from + 1) * RECORD_WORDS);
}

/** The parameters as views: vector rows (padded to `stride`) and biases. */
export interface ParameterViews {
  wordVectors: Float32Array;
  contextVectors: Float32Array;
  wordGradsq: Float32Array;
  contextGradsq: Float32Array;
  wordBias: Float64Array;
  contextBias: Float64Array;
  wordBiasGradsq: Float64Array;
  contextBiasGradsq: Float64Array;
}

export function parameterViews(memory: WebAssembly.Memory, layout: MemoryLayout): ParameterViews {
  const buffer = memory.buffer;
  const cells = layout.vocabSize * layout.stride;
  const n = layout.vocabSize;
  return {
    wordVectors: new Float32Array(buffer, layout.wordVectors, cells),
    contextVectors: new Float32Array(buffer, layout.contextVectors, cells),
    wordGradsq: new Float32Array(buffer, layout.wordGradsq, cells),
    contextGradsq: new Float32Array(buffer, layout.contextGradsq, cells),
    wordBias: new Float64Array(buffer, layout.wordBias, n),
    contextBias: new Float64Array(buffer, layout.contextBias, n),
    wordBiasGradsq: new Float64Array(buffer, layout.wordBiasGradsq, n),
    contextBiasGradsq: new Float64Array(buffer, layout.contextBiasGradsq, n),
  };
}

/**
 * glove.c's initialisation: every vector component and every bias, word rows then context rows,
 * uniform (r − 0.5) / dim with r uniform in [0, 1) — glove.c draws rand()/RAND_MAX — and every
 * squared gradient 1. Padding lanes stay 0 in the vectors and get 1 in the squared gradients.
 */
export function initialiseParameters(memory: WebAssembly.Memory, layout: MemoryLayout, random: Random): void {
  const views = parameterViews(memory, layout);
  const { dim, stride, vocabSize } = layout;
  const draw = (): number => (random.next() - 0.5) / dim;
  for (const [vectors, biases] of [[views.wordVectors, views.wordBias], [views.contextVectors, views.contextBias]] as const) {
    for (let i = 0; i < vocabSize; i++) {
      const row = i * stride;
      for (let k = 0; k < dim; k++) vectors[row + k] = draw();
      biases[i] = draw();
    }
  }
  views.wordGradsq.fill(INITIAL_GRADSQ);
  views.contextGradsq.fill(INITIAL_GRADSQ);
  views.wordBiasGradsq.fill(INITIAL_GRADSQ);
  views.contextBiasGradsq.fill(INITIAL_GRADSQ);
}

/** W + W̃ without the padding (glove.c -model 2, its default): vocabSize × dim, row-major. */
export function summedVectors(memory: WebAssembly.Memory, layout: MemoryLayout): Float32Array {
  const views = parameterViews(memory, layout);
  const { dim, stride, vocabSize } = layout;
  const out = new Float32Array(vocabSize * dim);
  for (let i = 0; i < vocabSize; i++) {
    for (let k = 0; k < dim; k++) out[i * dim + k] = views.wordVectors[i * stride + k]! + views.contextVectors[i * stride + k]!;
  }
  return out;
}

/** One kernel instance on the shared memory. */
export class GloveKernel {
  private readonly exports: KernelExports;
  private blockOrder = new Random(0);

  constructor(module: WebAssembly.Module, memory: WebAssembly.Memory, layout: MemoryLayout, rule: UpdateRule) {
    const instance = new WebAssembly.Instance(module, {
      env: {
        memory,
        abort: () => {
          throw new Error('GloVe kernel aborted');
        },
      },
    });
    this.exports = instance.exports as unknown as KernelExports;
    if ((this.exports.RECORD_BYTES.value as number) !== RECORD_BYTES) throw new Error('GloVe kernel: record size mismatch (rebuild with npm run build)');
    this.exports.configure(
      layout.stride, layout.wordVectors, layout.contextVectors, layout.wordGradsq, layout.contextGradsq,
      layout.wordBias, layout.contextBias, layout.wordBiasGradsq, layout.contextBiasGradsq,
      layout.records, rule.eta, rule.gradClip,
    );
  }

  /** Seed the kernel's generator (two 32-bit halves) and the block-order generator. */
  seed(low: number, high: number): void {
    this.exports.seed(low, high);
    this.blockOrder = new Random(low ^ high);
  }

  /**
   * Shuffle-and-train positions hi−1 down to lo, each swapped first with a random position in
   * [shuffleStart, itself] (see assembly/glove.ts trainRange); returns the summed cost ½·Σ f·diff²
   * of those updates.
   */
  trainRange(shuffleStart: number, lo: number, hi: number): number {
    return this.exports.trainRange(shuffleStart, lo, hi);
  }

  /**
   * One epoch over the slice [start, end) in a fresh order: the slice is cut into blocks of
   * BLOCK_RECORDS on a grid shifted by a random offset (so block boundaries move from epoch to
   * epoch and records mix across them), the blocks are visited in random order, and each block is
   * shuffled in place as it is trained. The records were shuffled globally once before training.
   * Calls onChunk about every CHUNK_RECORDS records. Returns the summed cost of the epoch.
   */
  trainSlice(start: number, end: number, onChunk?: (records: number) => void): number {
    const random = this.blockOrder;
    const bounds: number[] = [start];
    for (let at = start + random.below(BLOCK_RECORDS) + 1; at < end; at += BLOCK_RECORDS) bounds.push(at);
    bounds.push(end);
    const order = random.shuffle(Int32Array.from({ length: bounds.length - 1 }, (_, b) => b));
    let cost = 0;
    let unreported = 0;
    for (const b of order) {
      const lo = bounds[b]!;
      const hi = bounds[b + 1]!;
      cost += this.exports.trainRange(lo, lo, hi);
      unreported += hi - lo;
      if (unreported >= CHUNK_RECORDS) {
        onChunk?.(unreported);
        unreported = 0;
      }
    }
    if (unreported > 0) onChunk?.(unreported);
    return cost;
  }

  /** ½·Σ f(X)·diff² over records [lo, hi), without training. */
  cost(lo: number, hi: number): number {
    return this.exports.cost(lo, hi);
  }

  /** Records skipped so far because their diff was not finite. */
  skipped(): number {
    return this.exports.skippedRecords();
  }
}
