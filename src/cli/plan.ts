/**
 * `--dry-run` on `vocab`, `prepare`, `encode <method>` and `merge`: print the plan (src/plan/plan.ts)
 * and do nothing else — no output file, the input read only for the calibration sample. A table on a
 * terminal, `key<TAB>value` lines in a pipe, JSON with `--plan-format json`.
 */
import { Option, type Command } from 'commander';
import { formatSize } from '../core/size.js';
import type { CorpusPlanOptions, MergeInput, Plan } from '../plan/plan.js';
import type { CliIO } from './context.js';
import type { InputFlags } from './input-options.js';

export const PLAN_FORMATS = ['table', 'tsv', 'json'] as const;
export type PlanFormat = (typeof PLAN_FORMATS)[number];

export interface DryRunFlags {
  dryRun?: boolean;
  planFormat?: PlanFormat;
}

export function addDryRunOptions(command: Command): Command {
  return command
    .addOption(new Option('--dry-run', 'print the plan (passes, memory per stage and what spills, temporary disk, output size, reading time from a ~1 MB calibration) and do nothing else (docs/memory.md)'))
    .addOption(new Option('--plan-format <format>', 'how --dry-run prints the plan (default: table on a terminal, tsv in a pipe)').choices(PLAN_FORMATS));
}

function size(bytes: number | null | undefined): string {
  return bytes === null || bytes === undefined ? '?' : formatSize(Math.round(bytes));
}

function count(n: number | null): string {
  return n === null ? '?' : Math.round(n).toLocaleString('en-US');
}

/** The plan as (key, value) lines, stages as rows. */
function planLines(plan: Plan): Array<[string, string]> {
  const lines: Array<[string, string]> = [
    ['command', plan.command],
    ['memory', size(plan.memory)],
    ['input', `${size(plan.input.bytes)} of text (${plan.input.source}${plan.input.source === 'gzip-isize' ? `, ${size(plan.input.diskBytes)} on disk` : ''}), ${plan.input.files} file${plan.input.files === 1 ? '' : 's'}`],
  ];
  if (plan.input.calibratedOn !== null) {
    lines.push(['tokens', `${count(plan.corpus.tokens)}${plan.corpus.exact ? '' : ` (${plan.corpus.bytesPerToken?.toFixed(2)} bytes a token)`}`]);
    lines.push(['types', `${count(plan.corpus.types)} seen, ${count(plan.corpus.kept)} kept`]);
    if (plan.corpus.pairs !== null) lines.push(['pairs', count(plan.corpus.pairs)]);
  }
  lines.push(['passes', `${plan.passes}: ${plan.passesNote}`]);
  for (const s of plan.stages) {
    const limit = s.limit === null ? '' : ` of ${size(s.limit)} allowed`;
    lines.push([`stage ${s.name}`, `${s.bytes === null ? 'not estimated' : size(s.bytes)}${limit}; ${s.spills === 'no' ? 'fits' : s.spills === 'unbounded' ? 'not bounded by --memory' : s.spills === 'prune' ? 'PRUNES' : 'SPILLS'} — ${s.structure}${s.note ? `; ${s.note}` : ''}`]);
  }
  lines.push(['peak', `${size(plan.peakBytes)} (runtime ${size(80 * 2 ** 20)} + reading + the largest later stage)`]);
  lines.push(['temporary disk', plan.tempDiskBytes > 0 ? `${size(plan.tempDiskBytes)} (${plan.tempDiskNote})` : 'none']);
  lines.push(['output', `${size(plan.output.bytes)} as ${plan.output.format} (${plan.output.note})`]);
  lines.push(['time', plan.time.readSeconds === null ? plan.time.note : `reading ~${plan.time.readSeconds.toFixed(1)} s at ${plan.time.readMBps!.toFixed(1)} MB/s (${plan.time.note})`]);
  for (const note of plan.notes) lines.push(['note', note]);
  return lines;
}

export async function printPlan(plan: Plan, format: PlanFormat | undefined, io: CliIO): Promise<void> {
  let out = '';
  const sink = { write: (text: string): void => void (out += text) };
  const chosen = format ?? (io.stdout.isTTY ? 'table' : 'tsv');
  if (chosen === 'json') {
    sink.write(`${JSON.stringify(plan, null, 1)}\n`);
  } else {
    const lines = planLines(plan);
    const width = Math.max(...lines.map(([k]) => k.length));
    for (const [k, v] of lines) sink.write(chosen === 'tsv' ? `${k}\t${v.replace(/[\t\n]/g, ' ')}\n` : `${k.padEnd(width)}  ${v}\n`);
  }
  await new Promise<void>((resolve, reject) => io.stdout.write(out, (err) => (err ? reject(err) : resolve())));
}

/** `vocab`, `prepare`, `encode <method> --dry-run`: size the inputs, calibrate on a sample, plan, print. */
export async function dryRunCorpus(inputs: string[], flags: InputFlags & DryRunFlags, options: Omit<CorpusPlanOptions, 'memory' | 'minCount' | 'maxVocab' | 'fixedVocab'>, io: CliIO): Promise<void> {
  const files = inputs.length > 0 ? inputs : ['-'];
  const [{ inputSize, calibrate }, { planCorpus, PAIR_METHODS }, { resolveSegmenter }] = await Promise.all([import('../plan/calibrate.js'), import('../plan/plan.js'), import('../text/segment.js')]);
  const inputBytes = await inputSize(files);
  let fixedVocab: number | undefined;
  if (flags.vocab !== undefined && flags.vocab !== '-') {
    const { readFileSync } = await import('node:fs');
    fixedVocab = readFileSync(flags.vocab, 'utf8').split('\n').filter((l) => l.trim() !== '').length;
  }
  const cal = await calibrate(files, {
    stdin: io.stdin,
    csv: flags.csv,
    textColumn: flags.textColumn,
    idColumn: flags.idColumn,
    header: flags.header,
    docs: flags.docs,
    tokenizer: flags.tokenizer,
    segmenter: flags.tokenizer === 'word' ? resolveSegmenter(flags.segmenter).segmenter : undefined,
    keepCase: flags.keepCase === true,
    minCount: flags.minCount ?? 1,
    window: options.command === 'encode' && PAIR_METHODS.has(options.method ?? '') ? options.window : undefined,
  });
  const plan = planCorpus(inputBytes, cal, { ...options, memory: flags.memory!, minCount: flags.minCount ?? 1, maxVocab: flags.maxVocab, fixedVocab });
  await printPlan(plan, flags.planFormat, io);
}

/** `merge --dry-run`. */
export async function dryRunMerge(inputs: MergeInput[], memory: number, format: string, planFormat: PlanFormat | undefined, io: CliIO): Promise<void> {
  const { planMerge } = await import('../plan/plan.js');
  await printPlan(planMerge(inputs, memory, format), planFormat, io);
}
