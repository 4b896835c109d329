import { InvalidArgumentError, Option } from 'commander';
import { WordspaceError } from '../core/errors.js';

/** Adapt a core parser (throws UsageError) to commander (throws InvalidArgumentError → exit 2). */
export function cliParser<T>(parse: (value: string) => T): (value: string, previous: unknown) => T {
  return (value) => {
    try {
      return parse(value);
    } catch (err) {
      if (err instanceof WordspaceError) throw new InvalidArgumentError(err.message.replace(/^--[\w-]+ /, '').replace(/, got ".*"$/, ''));
      throw err;
    }
  };
}

/** An option with a validated value. */
export function parsedOption<T>(flags: string, description: string, parse: (value: string) => T, defaultValue?: T): Option {
  const option = new Option(flags, description).argParser(cliParser(parse));
  if (defaultValue !== undefined) option.default(defaultValue);
  return option;
}
