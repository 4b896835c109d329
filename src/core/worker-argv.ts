/**
 * The Node options a worker thread of ours starts with: the parent's (`process.execArgv`, what
 * workers inherit by default) without the options that belong to the main program's own source —
 * `--input-type`, which Node refuses for a worker started from a file ("--input-type can only be
 * used with string input"), and `-e`/`--eval`/`-p`/`--print` with their code. A program that embeds
 * wordspace's `run` in `node --input-type=module -e …` would otherwise lose every worker (the
 * benchmark's in-process timing of `evaluate` found it).
 */
const WITH_VALUE = new Set(['--input-type', '-e', '--eval', '-p', '--print']);

export function workerExecArgv(): string[] {
  const out: string[] = [];
  const argv = process.execArgv;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (WITH_VALUE.has(arg)) {
      i++;
      continue;
    }
    const eq = arg.indexOf('=');
    if (eq > 0 && WITH_VALUE.has(arg.slice(0, eq))) continue;
    out.push(arg);
  }
  return out;
}
