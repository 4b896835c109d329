import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { InputError } from '../../core/errors.js';
import { compileOptimized } from '../../io/wasm-module.js';

/**
 * What the WebAssembly kernels (assembly/*.ts → dist/wasm/*.wasm) share on the JavaScript side:
 * loading the compiled module once, and planning the one shared memory every worker thread
 * instantiates its kernel on.
 */

/** WebAssembly page size (the spec's). */
export const PAGE_BYTES = 65536;
/** wasm32 addresses at most 4 GiB = 65536 pages (assembly/*.flags declare this maximum). */
export const MAX_PAGES = 65536;
/** Low addresses left to a kernel's own static data (they have none; one page of headroom). */
const RESERVED_BYTES = PAGE_BYTES;
/** SIMD rows: every vector row is padded to a multiple of 4 floats (f32x4); the padding stays zero. */
export const SIMD_LANES = 4;

/** Floats per row of a `dim`-dimensional vector padded for f32x4. */
export function paddedStride(dim: number): number {
  return Math.ceil(dim / SIMD_LANES) * SIMD_LANES;
}

const modules = new Map<string, Promise<WebAssembly.Module>>();

/**
 * Compile dist/wasm/<name>.wasm once per process (a WebAssembly.Module can be posted to workers).
 * `label` names the kernel in the error when the build is missing.
 */
export function loadWasmModule(name: string, label: string): Promise<WebAssembly.Module> {
  let cached = modules.get(name);
  if (!cached) {
    // From dist/src/encoders/wasm/ to dist/wasm/.
    const path = fileURLToPath(new URL(`../../../wasm/${name}.wasm`, import.meta.url));
    cached = (async () => {
      let bytes: Uint8Array<ArrayBuffer>;
      try {
        bytes = new Uint8Array(await readFile(path));
      } catch (err) {
        throw new InputError(`cannot load the ${label} kernel ${path}: ${(err as Error).message}`, 'build it with npm run build');
      }
      return compileOptimized(bytes);
    })();
    cached.catch(() => modules.delete(name));
    modules.set(name, cached);
  }
  return cached;
}

/** Hands out aligned byte ranges of a memory being planned, then its size in pages. */
export class MemoryPlanner {
  private top = RESERVED_BYTES;
  constructor(private readonly align: number) {}

  /** Reserve `bytes`; returns their offset. */
  take(bytes: number): number {
    const at = this.top;
    this.top = Math.ceil((this.top + bytes) / this.align) * this.align;
    return at;
  }

  /** Pages needed; `what` and `hint` explain a plan over the 4 GiB a wasm32 memory can hold. */
  pages(what: string, hint: string): number {
    const pages = Math.ceil(this.top / PAGE_BYTES);
    if (pages > MAX_PAGES) {
      throw new InputError(`${what} need ${Math.ceil(this.top / 2 ** 20)} MiB, more than the 4 GiB a WebAssembly memory can hold`, hint);
    }
    return pages;
  }
}

/** A zero-filled shared memory of exactly `pages` (it never grows, so views stay valid). */
export function createSharedMemory(pages: number): WebAssembly.Memory {
  return new WebAssembly.Memory({ initial: pages, maximum: pages, shared: true });
}
