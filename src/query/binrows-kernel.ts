import { fs } from '../io/node-fs.js';
import { fileURLToPath } from 'node:url';

const { readFileSync } = fs;

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

let instance: BinRowsExports | null | undefined;

export function binRowsKernel(): BinRowsExports | null {
  if (instance === undefined) {
    try {
      // From dist/src/query/ to dist/wasm/.
      const bytes = readFileSync(fileURLToPath(new URL('../../wasm/binrows.wasm', import.meta.url)));
      instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { abort: () => { throw new Error('record kernel aborted'); } } }).exports as unknown as BinRowsExports;
    } catch {
      instance = null;
    }
  }
  return instance;
}
