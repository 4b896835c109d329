/**
 * Sizes in bytes as people write them (`--memory 2G`): a number, optionally with a decimal part,
 * and an optional unit K, M, G or T (either case, optionally followed by B or iB). Units are binary
 * multiples (K = 1024 bytes), as in GNU sort -S, java -Xmx and docker --memory.
 */
import { UsageError } from './errors.js';

const UNITS: Record<string, number> = { '': 1, k: 2 ** 10, m: 2 ** 20, g: 2 ** 30, t: 2 ** 40 };

/** Parse a size; throws a UsageError naming what is allowed. `min`: the smallest size accepted. */
export function parseSize(name: string, min = 0): (value: string) => number {
  return (value) => {
    const match = /^\s*(\d+(?:\.\d+)?|\.\d+)\s*([kmgt]?)(i?b)?\s*$/i.exec(value);
    const unit = match?.[2]?.toLowerCase() ?? '';
    const bytes = match ? Math.floor(Number(match[1]) * UNITS[unit]!) : NaN;
    // Plain bytes must be a whole number ("1.5" bytes means a typo, not a size).
    const wholeBytes = !match || unit !== '' || !match[1]!.includes('.');
    if (!match || !wholeBytes || !Number.isSafeInteger(bytes) || bytes < min) {
      throw new UsageError(
        `${name} must be a size${min > 0 ? ` of at least ${formatSize(min)}` : ''} such as 2G, 512M, 1.5G, 800k or a number of bytes, got "${value}"`,
      );
    }
    return bytes;
  };
}

/** A size for people: the largest unit that keeps at least one whole unit, one decimal when not whole (1.5G, 512M, 800K, 100 bytes). */
export function formatSize(bytes: number): string {
  for (const unit of ['T', 'G', 'M', 'K'] as const) {
    const size = UNITS[unit.toLowerCase()]!;
    if (bytes >= size) {
      const value = bytes / size;
      return `${Number.isInteger(value) ? value : value.toFixed(1).replace(/\.0$/, '')}${unit}`;
    }
  }
  return `${bytes} bytes`;
}
