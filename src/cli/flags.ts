import { Option, type Command } from 'commander';
import { allowedDistance, editDistance } from '../query/suggest.js';

/**
 * Flag spellings beyond an option's own: aliases (the word2vec, GloVe and fastText names of the same
 * thing, accepted and hidden from the option list) and refused flags (a name that means something
 * else here, answered with what to use instead). Unknown flags get the nearest known one as a
 * suggestion, aliases and single-dash spellings (`-size`, `-minCount`) included.
 */
interface FlagNames {
  /** alias long flag → canonical long flag */
  aliases: Map<string, string>;
  /** long flag → what to say instead */
  refused: Map<string, string>;
}

const NAMES = new WeakMap<Command, FlagNames>();

function namesOf(command: Command): FlagNames {
  let names = NAMES.get(command);
  if (!names) {
    names = { aliases: new Map(), refused: new Map() };
    NAMES.set(command, names);
  }
  return names;
}

/**
 * Accept `alias` (a long flag such as `--alpha`) as another spelling of `option`: it sets the same
 * value, through the same parser, and is not listed in the option list (the help footer lists it).
 */
export function addAlias(command: Command, option: Option, alias: string): void {
  const canonical = option.long!;
  const value = /\s(<[^>]*>|\[[^\]]*\])$/.exec(option.flags)?.[1];
  const hidden = new Option(value ? `${alias} ${value}` : alias, `same as ${canonical}`).hideHelp();
  const key = option.attributeName();
  hidden.attributeName = () => key;
  if (option.parseArg) hidden.argParser(option.parseArg);
  if (option.argChoices) hidden.choices(option.argChoices);
  command.addOption(hidden);
  namesOf(command).aliases.set(alias, canonical);
}

/** Refuse `flag` on this command with `hint` (e.g. a name that means something else in another method). */
export function refuseFlag(command: Command, flag: string, hint: string): void {
  namesOf(command).refused.set(flag, hint);
}

/** Shortest abbreviation of a flag that is suggested by prefix. */
const MIN_PREFIX = 3;

/** `-minCount`, `-size`, `--Window=3` → `--min-count`, `--size`, `--window`. */
function normaliseFlag(flag: string): string {
  const name = flag
    .replace(/=.*$/s, '')
    .replace(/^-+/, '')
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .replace(/_/g, '-')
    .toLowerCase();
  return `--${name}`;
}

/** The long flags a command knows (its own and its parents'), each mapped to the flag to suggest. */
function knownFlags(command: Command): Map<string, string> {
  const known = new Map<string, string>();
  for (let c: Command | null = command; c; c = c.parent) {
    for (const option of c.createHelp().visibleOptions(c)) if (option.long) known.set(option.long, option.long);
    for (const [alias, canonical] of NAMES.get(c)?.aliases ?? []) known.set(alias, canonical);
  }
  return known;
}

/** The suggestion for an unknown flag: its refusal hint, or "did you mean --x?", or nothing. */
export function suggestFlag(command: Command, flag: string): string | undefined {
  const wanted = normaliseFlag(flag);
  for (let c: Command | null = command; c; c = c.parent) {
    const hint = NAMES.get(c)?.refused.get(wanted);
    if (hint) return hint;
  }
  const known = knownFlags(command);
  const exact = known.get(wanted);
  if (exact) return `did you mean ${exact}?`;
  const name = wanted.slice(2);
  // An abbreviation (`--weight-exp`): the one flag it starts.
  const prefixed = new Set([...known].filter(([candidate]) => name.length >= MIN_PREFIX && candidate.startsWith(wanted)).map(([, canonical]) => canonical));
  if (prefixed.size === 1) return `did you mean ${[...prefixed][0]!}?`;
  let best: { flag: string; distance: number } | undefined;
  const max = allowedDistance(name.length);
  for (const [candidate, canonical] of known) {
    const distance = editDistance(name, candidate.slice(2), max);
    if (distance <= max && (!best || distance < best.distance)) best = { flag: canonical, distance };
  }
  return best ? `did you mean ${best.flag}?` : undefined;
}

/** Every command of the program reports unknown flags in one line, with `suggestFlag`'s hint. */
export function installFlagSuggestions(command: Command): void {
  const target = command as unknown as { unknownOption(flag: string): void; _allowUnknownOption?: boolean };
  target.unknownOption = (flag: string): void => {
    if (target._allowUnknownOption) return;
    const hint = suggestFlag(command, flag);
    // commander's layout: the hint on a second line in parentheses (main.ts joins them into one line).
    command.error(`error: unknown option '${flag}'${hint ? `\n(${hint})` : ''}`, { code: 'commander.unknownOption' });
  };
  for (const sub of command.commands) installFlagSuggestions(sub);
}
