import { numberFormatter } from './numbers.js';

/*
 * Writing decimals as bytes (issue 8: the word2vec text writer spent ~0.8 s of a CBOW run's fixed
 * cost in `toFixed` and string concatenation for 2.9M numbers).
 *
 * numberFormatter(d) writes x.toFixed(d) with trailing zeros trimmed. toFixed picks the integer n
 * nearest to x·10^d (the larger |n| on a tie) and prints n with d decimals. For a float32 value x
 * (a 24-bit integer times a power of two) and d ≤ 8, x·10^d is a product of a 24-bit and a ≤ 27-bit
 * integer times a power of two, so the double multiplication is exact; below 2^52, |x|·10^d + 0.5 is
 * exact too, and n = floor(|x|·10^d + 0.5) is toFixed's n. Every other value (a double that is not
 * a float32, d > 8, a large or non-finite value) goes through numberFormatter, and so does nothing
 * change: test/formats.test.ts compares both on float32 values of every magnitude and on ties.
 */

const SPACE = 0x20;
const NEWLINE = 0x0a;
const CH_0 = 0x30;
const CH_DOT = 0x2e;
const CH_MINUS = 0x2d;
/** The most decimals for which x·10^d is exact for every float32 x. */
const MAX_EXACT_DECIMALS = 8;
/** |x|·10^d + 0.5 is exact below 2^52; a little under it. */
const EXACT_LIMIT = 4e15;
/** An upper bound on the bytes numberFormatter(d) writes for one value: a sign, 21 integer digits (or an exponent form), the point and d decimals. */
const maxNumberBytes = (decimals: number): number => decimals + 24;

/** Writes rows of numbers as `label v1 … vD\n` lines of bytes, each value as numberFormatter(decimals) writes it. */
export class DecimalRowWriter {
  private readonly scale: number;
  private readonly fast: boolean;
  private readonly fallback: (x: number) => string;

  constructor(private readonly decimals: number) {
    this.scale = 10 ** decimals;
    this.fast = decimals <= MAX_EXACT_DECIMALS;
    this.fallback = numberFormatter(decimals);
  }

  /** The most bytes `row` can take for a label of `labelLength` UTF-16 units with `values` numbers. */
  bound(labelLength: number, values: number): number {
    return labelLength * 3 + 1 + values * (1 + maxNumberBytes(this.decimals));
  }

  /** Write `label`, then each value after a space, then a newline, into `out` from `pos`; returns the end. `out` must hold bound() bytes from pos. */
  row(label: string, values: ArrayLike<number>, out: Buffer, pos: number): number {
    pos += out.write(label, pos, 'utf8');
    for (let j = 0; j < values.length; j++) {
      out[pos++] = SPACE;
      pos = this.value(values[j]!, out, pos);
    }
    out[pos++] = NEWLINE;
    return pos;
  }

  /** One value at pos; returns the end. */
  value(x: number, out: Buffer, pos: number): number {
    const magnitude = x < 0 ? -x : x;
    const scaled = magnitude * this.scale;
    if (!this.fast || !(scaled < EXACT_LIMIT) || Math.fround(x) !== x) return pos + out.write(this.fallback(x), pos, 'latin1');
    const n = Math.floor(scaled + 0.5);
    if (n === 0) {
      out[pos++] = CH_0;
      return pos;
    }
    if (x < 0) out[pos++] = CH_MINUS;
    // n = whole·10^d + frac, both exact: frac < 10^d ≤ 10^8 is an int32; whole < EXACT_LIMIT, and
    // float64 arithmetic on it is exact (an int32 too, almost always: |x| < 2^31).
    const scale = this.scale;
    let frac = n % scale;
    let whole = (n - frac) / scale;
    // The integer part, digits written backwards after counting them.
    let digits = 1;
    for (let w = whole; w >= 10; w = Math.floor(w / 10)) digits++;
    for (let k = pos + digits - 1; k >= pos; k--) {
      const q = Math.floor(whole / 10);
      out[k] = CH_0 + whole - q * 10;
      whole = q;
    }
    pos += digits;
    if (frac === 0) return pos;
    // The decimals without their trailing zeros.
    let places = this.decimals;
    for (let q = (frac / 10) | 0; frac === q * 10; q = (frac / 10) | 0) {
      frac = q;
      places--;
    }
    out[pos++] = CH_DOT;
    for (let k = pos + places - 1; k >= pos; k--) {
      const q = (frac / 10) | 0;
      out[k] = CH_0 + frac - q * 10;
      frac = q;
    }
    return pos + places;
  }
}
