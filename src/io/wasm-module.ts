import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { InputError } from '../core/errors.js';

/** WebAssembly page size (the spec's). */
export const WASM_PAGE_BYTES = 65536;
/** wasm32 addresses at most 4 GiB = 65536 pages. */
export const WASM_MAX_PAGES = 65536;

const modules = new Map<string, WebAssembly.Module>();

/**
 * Compile a kernel module with V8's optimizing compiler from the start (`--no-liftoff` for this one
 * compilation). By default V8 runs a WebAssembly function in baseline (Liftoff) code first and
 * switches to the optimized code only on a later call; a kernel called once for a long pass — the
 * autoencoder's first decoder solve, one call per thread over every row — then runs that whole pass
 * 3–4× slower (measured: the first solve 2.0 s against 0.6 s on the English mix). The flag is set
 * back at once: the tokenizer's kernel (src/text/scan.ts), compiled in several reader threads on
 * the start-up path of `vocab`, is faster with the default (1.02 against 1.19 s on 22.6 MB).
 */
export function compileOptimized(bytes: Uint8Array<ArrayBuffer>): WebAssembly.Module {
  const set = (flag: string): void => {
    try {
      setFlagsFromString(flag);
    } catch {
      // An engine without the flag runs the baseline code first: slower on a first pass, same results.
    }
  };
  set('--no-liftoff');
  try {
    return new WebAssembly.Module(bytes);
  } finally {
    set('--liftoff');
  }
}

/**
 * Compile dist/wasm/<name>.wasm once per process, synchronously: for kernels called from synchronous
 * code (the truncated SVD, co-occurrence counting). The modules are a few kilobytes, so compiling
 * them on the calling thread costs well under a millisecond. (Here rather than beside the async
 * loader in encoders/wasm/, so that the co-occurrence encoder's module graph — which `--dry-run`
 * loads — stays free of the kernels' planning code.) `label` names the kernel in the error
 * when the build is missing.
 */
export function loadWasmModuleSync(name: string, label: string): WebAssembly.Module {
  let module = modules.get(name);
  if (!module) {
    // From dist/src/io/ to dist/wasm/.
    const path = fileURLToPath(new URL(`../../wasm/${name}.wasm`, import.meta.url));
    let bytes: Uint8Array<ArrayBuffer>;
    try {
      bytes = new Uint8Array(readFileSync(path));
    } catch (err) {
      throw new InputError(`cannot load the ${label} kernel ${path}: ${(err as Error).message}`, 'build it with npm run build');
    }
    module = compileOptimized(bytes);
    modules.set(name, module);
  }
  return module;
}
