import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { InputError } from '../core/errors.js';

/** WebAssembly page size (the spec's). */
export const WASM_PAGE_BYTES = 65536;
/** wasm32 addresses at most 4 GiB = 65536 pages. */
export const WASM_MAX_PAGES = 65536;

const modules = new Map<string, WebAssembly.Module>();

let optimizing = false;

/**
 * Compile the training kernels with V8's optimizing compiler from the start (`--no-liftoff`, once
 * per process, before the first of them is compiled). By default V8 runs a WebAssembly function in
 * baseline (Liftoff) code first and switches to the optimized code only on a later call; a kernel
 * called once for a long pass — the autoencoder's first decoder solve, one call per thread over
 * every row — then runs that whole pass 3–4× slower (measured: the first solve 2.0 s against 0.6 s
 * on the English mix). The kernels are a few kilobytes: compiling them optimized costs about a
 * millisecond. The query and tokenizer kernels (src/query, src/text) compile their own modules
 * without this: they are called many times, or on a command's start-up path.
 */
export function optimizeWasmFromTheStart(): void {
  if (optimizing) return;
  optimizing = true;
  try {
    setFlagsFromString('--no-liftoff');
  } catch {
    // An engine without the flag runs the baseline code first: slower on a first pass, same results.
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
    optimizeWasmFromTheStart();
    module = new WebAssembly.Module(bytes);
    modules.set(name, module);
  }
  return module;
}
