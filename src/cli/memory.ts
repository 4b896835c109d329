/** `--memory <size>`: the memory budget of `vocab`, `prepare`, `encode` and `merge` (src/corpus/budget.ts divides it). */
import { Option } from 'commander';
import { formatSize, parseSize } from '../core/size.js';
import { belowRuntime, DEFAULT_MEMORY_CAP, defaultMemory, MIN_MEMORY, RUNTIME_RESERVE } from '../corpus/budget.js';
import { warn, type CliIO } from './context.js';
import { cliParser } from './options.js';
import { totalmem } from 'node:os';

export const parseMemory = parseSize('--memory', MIN_MEMORY);

export function memoryOption(): Option {
  const value = defaultMemory();
  return new Option(
    '--memory <size>',
    'memory budget of the whole process, e.g. 2G, 512M, 1.5G, 800k (K = 1024 bytes): rare types are pruned, and the token stream and co-occurrence counts spill to temporary files, to stay in it (docs/memory.md)',
  )
    .argParser(cliParser(parseMemory))
    .default(value, `${formatSize(value)}: half of this machine's ${formatSize(totalmem())}, at most ${formatSize(DEFAULT_MEMORY_CAP)}`);
}

/** Say so when the budget cannot even hold the runtime. */
export function warnSmallMemory(io: CliIO, memory: number | undefined): void {
  if (memory !== undefined && belowRuntime(memory)) {
    warn(io, `--memory ${formatSize(memory)} is below the ~${formatSize(RUNTIME_RESERVE)} the runtime itself takes: tables keep their smallest sizes and the process will use more than that`);
  }
}
