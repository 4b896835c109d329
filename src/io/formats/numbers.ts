import { integer, type Parser } from '../../core/parse.js';

/**
 * Decimal places written by the text formats (json, jsonl, csv, tsv, text, mtx) unless
 * `--precision` says otherwise: the word2vec C tool writes its vectors with `%lf`, 6 decimals.
 * Trailing zeros are dropped (0.5, not 0.500000) and integers are written whole (counts stay exact).
 */
export const DEFAULT_PRECISION = 6;

/**
 * The most decimal places `--precision` accepts: 17 significant digits round-trip any float64
 * (IEEE 754 §5.12.2), so more decimals than that only ever adds noise.
 */
export const MAX_PRECISION = 17;

/** The parser of `--precision <digits>` (shared by `encode` and `convert`). */
export const parsePrecision: Parser<number> = integer('--precision', 0, MAX_PRECISION);

// Character codes.
const SPACE = 32;
const TAB = 9;
const CR = 13;
const CH_PLUS = 43;
const CH_MINUS = 45;
const CH_DOT = 46;
const CH_0 = 48;
const CH_9 = 57;
const CH_E = 69;
const CH_e = 101;

/**
 * A number formatter with `decimals` places, trailing zeros trimmed, `-0` written as `0`.
 * Non-finite values are written `NaN`, `Infinity`, `-Infinity` (which JavaScript's Number and
 * Python's float both read back); JSON writers use `null` instead (see formatJsonNumber).
 */
export function numberFormatter(decimals: number): (x: number) => string {
  return (x) => {
    if (Number.isInteger(x)) return x === 0 ? '0' : String(x);
    if (!Number.isFinite(x)) return String(x);
    const s = x.toFixed(decimals);
    if (decimals === 0) return s === '-0' ? '0' : s;
    let end = s.length;
    while (s.charCodeAt(end - 1) === CH_0) end--;
    if (s.charCodeAt(end - 1) === CH_DOT) end--;
    const t = end === s.length ? s : s.slice(0, end);
    return t === '-0' ? '0' : t;
  };
}

/** Like numberFormatter, but NaN and ±Infinity become `null` (JSON has no such numbers). */
export function jsonNumberFormatter(decimals: number): (x: number) => string {
  const format = numberFormatter(decimals);
  return (x) => (Number.isFinite(x) ? format(x) : 'null');
}

const SPECIAL_NUMBER = /^([+-]?)(nan|inf|infinity)$/i;

/**
 * Parse one number cell: decimal or exponent notation, plus NaN/Infinity in the spellings of
 * JavaScript (`NaN`, `Infinity`) and Python/C (`nan`, `inf`, `-inf`). Returns undefined when the
 * cell is not a number (an empty cell is not a number either).
 */
export function parseNumber(cell: string): number | undefined {
  const n = Number(cell);
  if (!Number.isNaN(n)) {
    if (n === 0 && cell.trim() === '') return undefined;
    return n;
  }
  const special = SPECIAL_NUMBER.exec(cell.trim());
  if (!special) return undefined;
  if (special[2]!.toLowerCase() === 'nan') return Number.NaN;
  return special[1] === '-' ? -Infinity : Infinity;
}

/** Characters of a bad cell shown in an error message. */
const MAX_SHOWN = 40;

/** How a bad cell is quoted in an error message: short, and visibly empty when empty. */
export function quoteCell(cell: string): string {
  const shown = cell.length > MAX_SHOWN ? `${cell.slice(0, MAX_SHOWN)}…` : cell;
  return JSON.stringify(shown);
}

/**
 * Powers of ten that are exact doubles (10^22 is the last: 5^22 < 2^53). With a mantissa below
 * 2^53 and |exponent| ≤ 22, `m * 10^e` or `m / 10^-e` is one correctly rounded operation, so it
 * equals what Number() gives (Clinger 1990, "How to read floating point numbers accurately").
 */
/** 10^0 … 10^22, exact in float64 (the WebAssembly text row kernel gets this table: the same bits). */
export const EXACT_POWERS_OF_TEN = Array.from({ length: 23 }, (_, k) => 10 ** k);
const MAX_EXACT_EXPONENT = 22;
/** Significant digits kept in the mantissa (10^15 < 2^53, so it stays an exact integer). */
const MAX_FAST_DIGITS = 15;

function isSeparator(c: number): boolean {
  return c === SPACE || c === TAB || c === CR;
}

/**
 * The fast path of number parsing: a plain decimal (`-12.5`, `3e-4`, at most 15 significant
 * digits, exponent within ±22) starting at `start` of `s`. Stores the value in `out[0]` and
 * returns where the number ends, or -1 when the text there is not such a number (the caller then
 * falls back to Number()). Whatever follows the number is the caller's to check.
 */
export function fastDecimal(s: string, start: number, out: Float64Array): number {
  let p = start;
  let c = s.charCodeAt(p);
  let negative = false;
  if (c === CH_MINUS || c === CH_PLUS) {
    negative = c === CH_MINUS;
    c = s.charCodeAt(++p);
  }
  let mantissa = 0;
  let digits = 0;
  let exponent = 0;
  let sawDigit = false;
  while (c >= CH_0 && c <= CH_9) {
    sawDigit = true;
    if (mantissa !== 0 || c !== CH_0) {
      if (digits === MAX_FAST_DIGITS) return -1;
      mantissa = mantissa * 10 + (c - CH_0);
      digits++;
    }
    c = s.charCodeAt(++p);
  }
  if (c === CH_DOT) {
    c = s.charCodeAt(++p);
    while (c >= CH_0 && c <= CH_9) {
      sawDigit = true;
      if (mantissa !== 0 || c !== CH_0) {
        if (digits === MAX_FAST_DIGITS) return -1;
        mantissa = mantissa * 10 + (c - CH_0);
        digits++;
      }
      exponent--;
      c = s.charCodeAt(++p);
    }
  }
  if (!sawDigit) return -1;
  if (c === CH_e || c === CH_E) {
    c = s.charCodeAt(++p);
    let expNegative = false;
    if (c === CH_MINUS || c === CH_PLUS) {
      expNegative = c === CH_MINUS;
      c = s.charCodeAt(++p);
    }
    let e = 0;
    let expDigits = 0;
    while (c >= CH_0 && c <= CH_9) {
      if (e <= MAX_EXACT_EXPONENT * 10) e = e * 10 + (c - CH_0);
      expDigits++;
      c = s.charCodeAt(++p);
    }
    if (expDigits === 0) return -1;
    exponent += expNegative ? -e : e;
  }
  if (exponent < -MAX_EXACT_EXPONENT || exponent > MAX_EXACT_EXPONENT) return -1;
  const value = exponent >= 0 ? mantissa * EXACT_POWERS_OF_TEN[exponent]! : mantissa / EXACT_POWERS_OF_TEN[-exponent]!;
  out[0] = negative ? -value : value;
  return p;
}

const scratch = new Float64Array(1);

/**
 * fastDecimal on bytes (ASCII digits, signs, `.`, `e`/`E`): the same numbers, the same value, the
 * same refusals (-1: not a plain decimal within 15 significant digits and exponent ±22, then the
 * caller decodes the field and takes the general path). The number must be followed by a byte
 * that cannot continue it (a separator or line terminator; the caller guarantees one), so no
 * bounds are checked.
 */
export function fastDecimalBytes(s: Uint8Array, start: number, out: Float64Array): number {
  let p = start;
  let c = s[p]!;
  let negative = false;
  if (c === CH_MINUS || c === CH_PLUS) {
    negative = c === CH_MINUS;
    c = s[++p]!;
  }
  let mantissa = 0;
  let digits = 0;
  let exponent = 0;
  let sawDigit = false;
  while (c >= CH_0 && c <= CH_9) {
    sawDigit = true;
    if (mantissa !== 0 || c !== CH_0) {
      if (digits === MAX_FAST_DIGITS) return -1;
      mantissa = mantissa * 10 + (c - CH_0);
      digits++;
    }
    c = s[++p]!;
  }
  if (c === CH_DOT) {
    c = s[++p]!;
    while (c >= CH_0 && c <= CH_9) {
      sawDigit = true;
      if (mantissa !== 0 || c !== CH_0) {
        if (digits === MAX_FAST_DIGITS) return -1;
        mantissa = mantissa * 10 + (c - CH_0);
        digits++;
      }
      exponent--;
      c = s[++p]!;
    }
  }
  if (!sawDigit) return -1;
  if (c === CH_e || c === CH_E) {
    c = s[++p]!;
    let expNegative = false;
    if (c === CH_MINUS || c === CH_PLUS) {
      expNegative = c === CH_MINUS;
      c = s[++p]!;
    }
    let e = 0;
    let expDigits = 0;
    while (c >= CH_0 && c <= CH_9) {
      if (e <= MAX_EXACT_EXPONENT * 10) e = e * 10 + (c - CH_0);
      expDigits++;
      c = s[++p]!;
    }
    if (expDigits === 0) return -1;
    exponent += expNegative ? -e : e;
  }
  if (exponent < -MAX_EXACT_EXPONENT || exponent > MAX_EXACT_EXPONENT) return -1;
  const value = exponent >= 0 ? mantissa * EXACT_POWERS_OF_TEN[exponent]! : mantissa / EXACT_POWERS_OF_TEN[-exponent]!;
  out[0] = negative ? -value : value;
  return p;
}

/**
 * scanNumbers on the bytes [from, end) of a line, for the fields fastDecimalBytes reads: returns
 * how many fields there were (storing at most `max` into `out[offset…]`), or -1 when a field is
 * anything else (NaN, inf, many digits, a non-ASCII byte): the caller then decodes the line and
 * takes scanNumbers, which gives the same values for the fields read here. `line[end]` must exist
 * and be a line terminator (`\n` or `\r`).
 */
export function scanDecimalBytes(line: Uint8Array, from: number, end: number, out: Float32Array | Float64Array, offset: number, max: number): number {
  let p = from;
  let count = 0;
  for (;;) {
    while (p < end && isSeparator(line[p]!)) p++;
    if (p >= end) return count;
    const stop = fastDecimalBytes(line, p, scratch);
    if (stop === -1 || (stop < end && !isSeparator(line[stop]!))) return -1;
    if (count < max) out[offset + count] = scratch[0]!;
    count++;
    p = stop;
  }
}



/**
 * Parse the whitespace-separated numbers of `line` from position `from` into `out[offset…]`,
 * storing at most `max`. Returns how many fields there were, or `-1 - k` when field k is not a
 * number. Plain decimals take fastDecimal (the word2vec text reader spends most of its time
 * here); anything else (many digits, NaN, inf) goes through parseNumber.
 */
export function scanNumbers(line: string, from: number, out: Float32Array | Float64Array, offset: number, max: number): number {
  const n = line.length;
  let p = from;
  let count = 0;
  for (;;) {
    while (p < n && isSeparator(line.charCodeAt(p))) p++;
    if (p >= n) return count;
    const end = fastDecimal(line, p, scratch);
    let value: number;
    if (end !== -1 && (end >= n || isSeparator(line.charCodeAt(end)))) {
      value = scratch[0]!;
      p = end;
    } else {
      const start = p;
      while (p < n && !isSeparator(line.charCodeAt(p))) p++;
      const parsed = parseNumber(line.slice(start, p));
      if (parsed === undefined) return -1 - count;
      value = parsed;
    }
    if (count < max) out[offset + count] = value;
    count++;
  }
}

/** V8 keeps substrings this long as views into their parent string (SlicedString::kMinLength). */
const SLICED_STRING_MIN_LENGTH = 13;

/**
 * A copy of `s` that does not keep alive the (megabyte) chunk of text it was sliced from; a
 * vocabulary of long labels would otherwise pin the whole file in memory.
 */
export function detach(s: string): string {
  return s.length < SLICED_STRING_MIN_LENGTH ? s : (' ' + s).slice(1);
}
