import { fs } from '../io/node-fs.js';
import { fileURLToPath } from 'node:url';

const { readFileSync } = fs;

/*
 * The layout of the query kernels' memories (the analogy kernel, src/query/analogy-kernel.ts, and
 * the text row kernel use it too), and the record kernel of `similar` on a word2vec binary file
 * (assembly/binrows.ts). This module is on `similar`'s quick path: it loads nothing else.
 */

const PAGE_BYTES = 65536;
/** Low addresses left to a kernel (none has data there; the analogy kernel's helper control block sits at their end). */
export const RESERVED_BYTES = PAGE_BYTES;
const ALIGN = 16;

/** Byte offsets of consecutive blocks in the kernel's memory, which grows to hold them all. */
export function layout(kernel: { memory: WebAssembly.Memory }, sizes: number[]): number[] {
  const offsets: number[] = [];
  let top = RESERVED_BYTES;
  for (const bytes of sizes) {
    offsets.push(top);
    top = Math.ceil((top + bytes) / ALIGN) * ALIGN;
  }
  const have = kernel.memory.buffer.byteLength;
  if (top > have) kernel.memory.grow(Math.ceil((top - have) / PAGE_BYTES));
  return offsets;
}

/**
 * The record kernel of `similar` on a word2vec binary file (assembly/binrows.ts, built to
 * dist/wasm/binrows.wasm): walks, checks and scores the records of a buffer in its memory, with
 * the bits of the TypeScript path (query/stream-similar.ts). One instance per process; null when
 * the compiled kernel cannot be loaded (the TypeScript path runs then).
 */
export interface BinRowsExports {
  memory: WebAssembly.Memory;
  setup(buf: number, labels: number, starts: number, lengths: number, labelCount: number, table: number, slots: number,
    wordOffsets: number, wordLengths: number, rows: number, dims: number, restrict: number, unit: number): void;
  setQueries(at: number, n: number, scores: number): void;
  rescan(rows: number): void;
  feed(length: number, eof: number, offset: number): void;
  run(): number;
  position(): number;
  rowsRead(): number;
  wordStart(): number;
  wordEnd(): number;
  best(query: number, k: number, excluded: number, out: number): number;
}

/** What run() returns (assembly/binrows.ts): NEED_MORE, DONE, BAD, or a paused row's flags. */
export const NEED_MORE = 0;
export const DONE = 1;
export const BAD = 2;
export const LABEL = 4;
export const NON_ASCII = 8;

let binRowsInstance: BinRowsExports | null | undefined;

export function binRowsKernel(): BinRowsExports | null {
  if (binRowsInstance === undefined) {
    try {
      // From dist/src/query/ to dist/wasm/.
      const bytes = readFileSync(fileURLToPath(new URL('../../wasm/binrows.wasm', import.meta.url)));
      binRowsInstance = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { abort: () => { throw new Error('record kernel aborted'); } } }).exports as unknown as BinRowsExports;
    } catch {
      binRowsInstance = null;
    }
  }
  return binRowsInstance;
}
