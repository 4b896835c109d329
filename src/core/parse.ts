import { UsageError } from './errors.js';

/**
 * Option value parsers shared by the CLI and the encoders' option specs. Each throws a UsageError
 * whose message says what is allowed; the CLI turns it into commander's usage error (exit 2).
 */
export type Parser<T> = (value: string) => T;

export function integer(name: string, min: number, max = Number.MAX_SAFE_INTEGER): Parser<number> {
  return (value) => {
    const n = Number(value);
    if (!/^[+-]?\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < min || n > max) {
      throw new UsageError(`${name} must be an integer ${describeRange(min, max)}, got "${value}"`);
    }
    return n;
  };
}

export function number(name: string, min: number, max = Infinity, exclusiveMin = false): Parser<number> {
  return (value) => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n) || n < min || (exclusiveMin && n === min) || n > max) {
      const low = exclusiveMin ? `> ${min}` : `≥ ${min}`;
      throw new UsageError(`${name} must be a number ${low}${max !== Infinity ? ` and ≤ ${max}` : ''}, got "${value}"`);
    }
    return n;
  };
}

function describeRange(min: number, max: number): string {
  if (max === Number.MAX_SAFE_INTEGER) return min === 0 ? '≥ 0' : `≥ ${min}`;
  return `from ${min} to ${max}`;
}

export function choice<T extends string>(name: string, choices: readonly T[]): Parser<T> {
  return (value) => {
    if (!(choices as readonly string[]).includes(value)) {
      throw new UsageError(`${name} must be one of ${choices.join(', ')}, got "${value}"`);
    }
    return value as T;
  };
}
