import { InputError, UsageError } from '../core/errors.js';

/**
 * Groups from `word<TAB>group` lines (a file given to `--groups`): blank lines and lines starting
 * with `#` are skipped; a word listed twice keeps its last group. `name` is the file, for errors.
 */
export function parseGroups(text: string, name: string): Map<string, string> {
  const groups = new Map<string, string>();
  text.split(/\r?\n/).forEach((line, i) => {
    if (line.trim() === '' || line.startsWith('#')) return;
    const tab = line.indexOf('\t');
    const word = tab < 0 ? '' : line.slice(0, tab).trim();
    const group = tab < 0 ? '' : line.slice(tab + 1).trim();
    if (word === '' || group === '') {
      throw new InputError(`${name} line ${i + 1} is not word<TAB>group: "${line.slice(0, 60)}"`, 'give one word, a tab and its group per line');
    }
    groups.set(word, group);
  });
  return groups;
}

/** One `--group WORD=GROUP` (split at the last `=`, so a word may contain one). */
export function parseGroupFlag(value: string): [string, string] {
  const at = value.lastIndexOf('=');
  const word = at < 0 ? '' : value.slice(0, at).trim();
  const group = at < 0 ? '' : value.slice(at + 1).trim();
  if (word === '' || group === '') throw new UsageError(`--group must be WORD=GROUP, got "${value}"`);
  return [word, group];
}
