// Build: compile the WebAssembly kernels (AssemblyScript) when their sources exist, then TypeScript
// (JavaScript and type declarations into dist/). `--clean` first empties dist/, so that a package
// (`npm pack` runs this with --clean) never ships the output of a source file since deleted.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const run = (cmd, args) => execFileSync(cmd, args, { stdio: 'inherit' });
const bin = (name) => join('node_modules', '.bin', name);

if (process.argv.includes('--clean')) rmSync('dist', { recursive: true, force: true });

const kernels = 'assembly';
if (existsSync(kernels)) {
  mkdirSync(join('dist', 'wasm'), { recursive: true });
  for (const file of readdirSync(kernels).filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))) {
    const name = file.slice(0, -3);
    const extra = existsSync(join(kernels, `${name}.flags`))
      ? (await import('node:fs')).readFileSync(join(kernels, `${name}.flags`), 'utf8').trim().split(/\s+/)
      : [];
    run(bin('asc'), [join(kernels, file), '-O3', '--enable', 'simd', '--noAssert', '--runtime', 'stub',
      '-o', join('dist', 'wasm', `${name}.wasm`), ...extra]);
  }
}
run(bin('tsc'), ['-p', '.']);
// The byte scanner's Unicode tables for this Node's Unicode version (src/text/unicode-classes.ts).
(await import('../dist/src/text/unicode-classes.js')).writeUnicodeTables();
