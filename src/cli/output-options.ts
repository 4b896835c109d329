import { Option, type Command } from 'commander';
import { UsageError } from '../core/errors.js';
import { FILE_ONLY_FORMATS, FORMATS, inferFormat, metaPath, SIDE_META_FORMATS, type Format } from '../io/formats/common.js';
import { rowsPath } from '../io/formats/npy.js';
import { checkProjectorOutput } from '../io/formats/projector.js';
import { checkOutputPath, type OutputTarget } from '../io/output.js';
import type { CliIO } from './context.js';

/** `--force`, on every command that writes a file. */
export function addForceOption(command: Command): Command {
  return command.addOption(new Option('--force', 'replace the output file even if it is read-only'));
}

export interface OutputPlan {
  /** The output: `-`, a file, a FIFO or a device. */
  output: string;
  /** The files the command will read (`-` for standard input). */
  inputs: readonly (string | undefined)[];
  force?: boolean;
  /** The output format when already known (decides whether a `<output>.meta.json` is written too). */
  format?: Format;
}

/**
 * The one check every writing command makes before reading anything: the output (and its
 * `.meta.json` side file) can be written, is not read-only (unless --force) and is not one of the
 * inputs. Returns how the output will be written.
 */
export async function checkOutput(plan: OutputPlan): Promise<OutputTarget> {
  const inputs = plan.inputs.filter((p): p is string => p !== undefined);
  if (plan.format === 'projector') {
    await checkProjectorOutput(plan.output, plan.force);
    return { kind: 'atomic', file: plan.output, existing: undefined };
  }
  const target = await checkOutputPath(plan.output, { inputs, force: plan.force });
  if (plan.format && FILE_ONLY_FORMATS.includes(plan.format) && target.kind !== 'atomic') {
    throw new UsageError(`the ${plan.format} format writes a file with its row labels beside it, not ${plan.output === '-' ? 'standard output' : `${plan.output} (not a regular file)`}`, `give -o X.${plan.format}`);
  }
  if (target.kind === 'atomic' && plan.format === 'npy') await checkOutputPath(rowsPath(plan.output), { inputs, force: plan.force });
  if (target.kind === 'atomic' && plan.format && SIDE_META_FORMATS.includes(plan.format)) {
    await checkOutputPath(metaPath(plan.output), { inputs, force: plan.force });
  }
  return target;
}

/**
 * The format an output file's name asks for. A regular file must have a known extension (or -f /
 * --to): writing TSV into `out.xyz` would surprise. Standard output, FIFOs and devices have no
 * meaningful name and return undefined (the command's default applies).
 */
export function formatFromName(output: string, target: OutputTarget, flag: '-f' | '--to'): Format | undefined {
  if (target.kind !== 'atomic') return undefined;
  const inferred = inferFormat(output);
  if (inferred) return inferred;
  throw new UsageError(`cannot tell the output format of ${output} (its extension names no format)`, `give ${flag}, one of ${FORMATS.join(', ')}`);
}

/** Raw float32 bytes never go to a terminal. */
export function refuseBinaryOnTerminal(output: string, format: Format | undefined, io: CliIO): void {
  if (format === 'binary' && output === '-' && io.stdout.isTTY) {
    throw new UsageError('refusing to write binary vectors to a terminal', 'give an output file, or pipe the output elsewhere');
  }
}
