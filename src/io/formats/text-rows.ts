/**
 * The lines of a word2vec text file, with runs of `word v1 … vD` rows parsed by the WebAssembly
 * kernel of assembly/textrows.ts (dist/wasm/textrows.wasm): the numbers' bytes become float32 there,
 * with the bits of numbers.ts scanDecimalBytes (its fast path, the same IEEE operations on the same
 * table of powers of ten), and no string is made but the words. Any line the kernel refuses, and
 * every line while the row width is not known yet, is handed to `onLine` as forEachByteLine hands
 * it. Without the compiled kernel, everything goes through `onLine` (the TypeScript path).
 */
import { layout } from '../../query/kernel.js';
import { loadWasmModuleSync } from '../wasm-module.js';
import { EXACT_POWERS_OF_TEN } from './numbers.js';
import { forEachByteLine, type ByteSource } from './source.js';

interface TextRowsExports {
  memory: WebAssembly.Memory;
  setup(powers: number): void;
  parse(buf: number, from: number, length: number, dims: number, out: number, words: number): number;
  stopAt(): number;
}

let instance: TextRowsExports | null | undefined;
let enabled = true;

/** Tests: false reads every line the TypeScript way (the reference the kernel is checked against). */
export function useTextRowKernel(on: boolean): void {
  enabled = on;
}

/** The kernel, or null when it cannot be loaded (the TypeScript path then reads every line). */
function textRowsKernel(): TextRowsExports | null {
  if (instance === undefined) {
    try {
      instance = new WebAssembly.Instance(loadWasmModuleSync('textrows', 'text row'), { env: { abort: () => { throw new Error('text row kernel aborted'); } } }).exports as unknown as TextRowsExports;
    } catch {
      instance = null;
    }
  }
  return instance;
}

/**
 * Rows the kernel parsed: `rows` rows of `values` (dims floats each, valid until the callback
 * returns); row r's word is bytes [words[2r], words[2r + 1]) of `bytes`.
 */
export type OnRows = (rows: number, values: Float32Array, words: Int32Array, bytes: Buffer) => void;

/** Bytes the kernel is handed at once: a chunk's whole lines are cut into runs of this size. */
const RUN_BYTES = 1 << 18;

/**
 * forEachByteLine (source.ts) with a fast lane: while `dims()` is positive, runs of whole lines go to
 * the kernel and come back through `onRows`; a line it refuses goes to `onLine` with its number,
 * and the kernel resumes after it.
 */
export async function forEachTextRow(
  source: ByteSource,
  dims: () => number,
  onLine: (buffer: Buffer, start: number, end: number, lineNo: number) => void,
  onRows: OnRows,
): Promise<void> {
  const k = enabled ? textRowsKernel() : null;
  if (!k) return forEachByteLine(source, onLine);
  /** The whole lines chunk[start, stop) (chunk[stop − 1] is a newline), the first numbered firstLineNo; returns how many there were. */
  const lines = (chunk: Buffer, start: number, stop: number, firstLineNo: number): number => {
    let lineNo = firstLineNo - 1;
    const line = (from: number, nl: number): void => {
      onLine(chunk, from, nl > from && chunk[nl - 1] === CARRIAGE_RETURN ? nl - 1 : nl, ++lineNo);
    };
    while (start < stop) {
      const width = dims();
      if (width <= 0) {
        const nl = chunk.indexOf(NEWLINE, start);
        line(start, nl);
        start = nl + 1;
        continue;
      }
      // A run of whole lines of at most RUN_BYTES (a longer line alone).
      let runEnd = stop;
      if (stop - start > RUN_BYTES) {
        const nl = chunk.lastIndexOf(NEWLINE, start + RUN_BYTES - 1);
        runEnd = nl >= start ? nl + 1 : chunk.indexOf(NEWLINE, start) + 1;
      }
      const length = runEnd - start;
      const maxRows = Math.floor(length / (2 * width + 1)) + 1;
      // The row bytes are followed by WINDOW_BYTES readable ones: the kernel's number reader looks ahead.
      const [powersAt, bufAt, outAt, wordsAt] = layout(k, [EXACT_POWERS_OF_TEN.length * 8, length + WINDOW_BYTES, maxRows * width * 4, maxRows * 8]);
      const memory = k.memory.buffer;
      new Float64Array(memory, powersAt!, EXACT_POWERS_OF_TEN.length).set(EXACT_POWERS_OF_TEN);
      k.setup(powersAt!);
      new Uint8Array(memory, bufAt!, length).set(chunk.subarray(start, runEnd));
      const words = new Int32Array(memory, wordsAt!, maxRows * 2);
      const values = new Float32Array(memory, outAt!, maxRows * width);
      let from = 0;
      while (from < length) {
        const rows = k.parse(bufAt!, from, length, width, outAt!, wordsAt!);
        const stopped = k.stopAt();
        if (rows > 0) {
          for (let r = 0; r < rows; r++) {
            words[2 * r]! += start;
            words[2 * r + 1]! += start;
          }
          onRows(rows, values, words, chunk);
          lineNo += rows;
        }
        if (stopped >= length) {
          from = length;
          break;
        }
        // The refused line, read the TypeScript way; the row width may be known only now.
        const nl = chunk.indexOf(NEWLINE, start + stopped);
        line(start + stopped, nl);
        from = nl + 1 - start;
        if (dims() !== width) break;
      }
      start += from;
    }
    return lineNo - firstLineNo + 1;
  };
  await forEachByteLine(source, onLine, lines);
}

/** Bytes the kernel's number reader may look at past the last line (a 16-byte window). */
const WINDOW_BYTES = 16;
const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;
