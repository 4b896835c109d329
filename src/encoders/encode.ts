import { UsageError } from '../core/errors.js';
import type { Matrix } from '../core/matrix.js';
import { silentProgress } from '../core/progress.js';
import type { Corpus } from '../corpus/corpus.js';
import type { Table } from '../io/table.js';
import type { EncodeContext, Encoder, EncoderOptions, OptionSpec } from './types.js';

/** The options key of a spec: its long flag camelCased (`--distance-weighting <mode>` → distanceWeighting; `--no-whiten` → whiten). */
export function optionKey(spec: OptionSpec): string {
  const long = /--(?:no-)?([a-z0-9-]+)/.exec(spec.flags)?.[1] ?? spec.flags;
  return long.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** Does the option take a value (`--window <n>`), or is it a switch (`--unique`)? */
function takesValue(spec: OptionSpec): boolean {
  return /[<[]/.test(spec.flags);
}

/**
 * An encoder's effective options as its command line would give them: every default filled in,
 * every given value checked with the option's own parser (so `{ window: 0 }` is the same UsageError
 * as `--window 0`), and an unknown key refused with the known ones.
 */
export function encoderOptions(encoder: Encoder, given: EncoderOptions = {}): EncoderOptions {
  const specs = new Map<string, OptionSpec>();
  for (const spec of encoder.options) if (!specs.has(optionKey(spec)) || spec.default !== undefined) specs.set(optionKey(spec), spec);
  const options: EncoderOptions = {};
  for (const [key, spec] of specs) if (spec.default !== undefined) options[key] = spec.default;
  for (const [key, value] of Object.entries(given)) {
    if (value === undefined) continue;
    const spec = specs.get(key);
    // idColumn is the table input's own option (the CLI's --id-column), not one of the encoder's specs.
    if (!spec && !(encoder.input === 'table' && key === 'idColumn')) {
      throw new UsageError(`encode ${encoder.name} has no option "${key}"`, `known: ${[...specs.keys()].join(', ')}`);
    }
    const parseable = typeof value === 'string' || typeof value === 'number';
    options[key] = spec && takesValue(spec) && spec.parse && parseable ? spec.parse(String(value)) : value;
  }
  return options;
}

/**
 * Encode a corpus (or, for `features`, a table) with a method by name — `encode('cooc', corpus,
 * { weight: 'ppmi', dim: 100 })` — and return the labelled matrix. Options are the method's command
 * line options camelCased; defaults as on the command line. Progress and warnings go to `context`
 * (silent by default).
 */
export async function encode(method: string | Encoder, input: Corpus | Table, options: EncoderOptions = {}, context: Partial<EncodeContext> = {}): Promise<Matrix> {
  // The registry imports every encoder: loaded only for a method given by name (the CLI passes the one it loaded).
  const encoder = typeof method === 'string' ? (await import('./registry.js')).getEncoder(method) : method;
  const effective = encoderOptions(encoder, options);
  const full: EncodeContext = { progress: context.progress ?? silentProgress, warn: context.warn ?? (() => undefined), memory: context.memory, note: context.note };
  const isTable = 'header' in input && 'rows' in input;
  if (encoder.input === 'table') {
    if (!isTable) throw new UsageError(`encode ${encoder.name} reads a table, not a corpus`, 'read one with readTable');
    return encoder.encode(input, effective, full);
  }
  if (isTable) throw new UsageError(`encode ${encoder.name} reads a corpus, not a table`, 'read one with readCorpus');
  return encoder.encode(input, effective, full);
}
