// Rows of a word2vec text file, `word v1 … vD`, parsed from bytes (src/io/formats/text-rows.ts
// drives it for the text reader of src/io/formats/word2vec.ts).
//
// JavaScript copies whole lines (the chunk up to its last newline) into this instance's memory and
// calls `parse`, which reads line after line: the word up to the first space or tab (its offsets
// are recorded for JavaScript to decode), then exactly `dims`
// numbers in the fast path of src/io/formats/numbers.ts fastDecimalBytes — an optional sign, at
// most 15 significant digits, an optional fraction and exponent, |exponent| ≤ 22 after the
// fraction is counted — whose value is mantissa × 10^e or mantissa / 10^−e in float64 (powers of
// ten from JavaScript's own table) rounded to float32: the same IEEE operations, so the same bits.
// Separators are space, tab and carriage return. The bytes are followed by 16 readable bytes (the
// number reader's window may look past the last line). A line the fast path does not answer for (a blank
// line, a word alone, another field count, NaN, a long digit string, …) stops the call: JavaScript
// reads that line as it always did and calls `parse` again after it.

const SPACE: u32 = 32;
const TAB: u32 = 9;
const CR: u32 = 13;
const LF: u32 = 10;
const MAX_FAST_DIGITS: i32 = 15;
const MAX_EXACT_EXPONENT: i32 = 22;

/** 10^0 … 10^22 as float64 (written by JavaScript). */
let powers: usize = 0;
/** Where the last call stopped: the offset of the line it refused, or the end of the input. */
let stopped: i32 = 0;

export function setup(powersAt: usize): void {
  powers = powersAt;
}

/** Offset of the line the last `parse` refused (the input's length when it refused none). */
export function stopAt(): i32 {
  return stopped;
}

// @ts-ignore: decorator
@inline
function isSeparator(c: u32): bool {
  return c == SPACE || c == TAB || c == CR;
}

/**
 * Parse the lines of buf[from, length) (buf[length − 1] is a newline) into rows: values at out
 * (dims float32 each), and per row two i32 at words (the word's start and end offsets). Returns the
 * rows parsed; stopAt() tells where it stopped.
 */
export function parse(buf: usize, from: i32, length: i32, dims: i32, out: usize, words: usize): i32 {
  let p = <usize>from;
  const end = buf + <usize>length;
  p += buf;
  let rows: i32 = 0;
  let value: usize = out;
  while (p < end) {
    const lineStart = p;
    // The word.
    let c = <u32>load<u8>(p);
    while (c != SPACE && c != TAB && c != LF) {
      c = <u32>load<u8>(++p);
    }
    if (c == LF || p == lineStart) {
      p = lineStart;
      break;
    }
    const wordEnd = p;
    p++;
    // The numbers.
    let count: i32 = 0;
    let ok = true;
    for (;;) {
      c = <u32>load<u8>(p);
      while (isSeparator(c)) c = <u32>load<u8>(++p);
      if (c == LF) break;
      if (count == dims) {
        ok = false;
        break;
      }
      // The common shape, `[sign]digits[.digits]` with at most 15 digits in all, read from a
      // 16-byte window (digits found by SIMD compares, the fraction's by 8-byte SWAR arithmetic).
      // The integer it forms is the slow path's mantissa and the fraction's length its exponent, so
      // the value is the same; anything else (an exponent, more digits, leading zeros past 15
      // characters) takes the slow path below.
      {
        const q = p + <usize>(c == 45 || c == 43);
        const window = v128.load(q);
        const digitMask = i8x16.bitmask(v128.and(i8x16.ge_u(window, i8x16.splat(48)), i8x16.le_u(window, i8x16.splat(57))));
        const intLen = <i32>ctz(~digitMask);
        let fracLen: i32 = 0;
        let after = intLen;
        if (intLen < 15 && load<u8>(q + <usize>intLen) == 46) {
          fracLen = <i32>ctz(~(digitMask >> (intLen + 1)));
          after = intLen + 1 + fracLen;
        }
        const total = intLen + fracLen;
        const next = <u32>load<u8>(q + <usize>after);
        // Within the window (after < 16) there are at most 15 digits: the mantissa is exact.
        if (after < 16 && total > 0 && next != 101 && next != 69) {
          if (!(isSeparator(next) || next == LF)) {
            ok = false;
            break;
          }
          let whole: u64 = 0;
          for (let i = 0; i < intLen; i++) whole = whole * 10 + <u64>(load<u8>(q + <usize>i) - 48);
          let fraction: u64 = 0;
          if (fracLen > 8) {
            for (let i = 0; i < fracLen; i++) fraction = fraction * 10 + <u64>(load<u8>(q + <usize>(intLen + 1 + i)) - 48);
          } else if (fracLen > 0) {
            let x = load<u64>(q + <usize>(intLen + 1)) << (<u64>(8 - fracLen) << 3);
            x = ((x & 0x0f0f0f0f0f0f0f0f) * 2561) >> 8;
            x = ((x & 0x00ff00ff00ff00ff) * 6553601) >> 16;
            fraction = ((x & 0x0000ffff0000ffff) * 42949672960001) >> 32;
          }
          const mantissa = <f64>(whole * <u64>load<f64>(powers + (<usize>fracLen << 3)) + fraction);
          const v = fracLen > 0 ? mantissa / load<f64>(powers + (<usize>fracLen << 3)) : mantissa;
          store<f32>(value + (<usize>count << 2), <f32>(c == 45 ? -v : v));
          count++;
          p = q + <usize>after;
          continue;
        }
      }
      let negative = false;
      if (c == 45 || c == 43) {
        negative = c == 45;
        c = <u32>load<u8>(++p);
      }
      let mantissa: f64 = 0;
      let digits: i32 = 0;
      let exponent: i32 = 0;
      let sawDigit = false;
      while (c - 48 < 10) {
        sawDigit = true;
        if (mantissa != 0 || c != 48) {
          if (digits == MAX_FAST_DIGITS) {
            ok = false;
            break;
          }
          mantissa = mantissa * 10 + <f64>(c - 48);
          digits++;
        }
        c = <u32>load<u8>(++p);
      }
      if (!ok) break;
      if (c == 46) {
        c = <u32>load<u8>(++p);
        while (c - 48 < 10) {
          sawDigit = true;
          if (mantissa != 0 || c != 48) {
            if (digits == MAX_FAST_DIGITS) {
              ok = false;
              break;
            }
            mantissa = mantissa * 10 + <f64>(c - 48);
            digits++;
          }
          exponent--;
          c = <u32>load<u8>(++p);
        }
        if (!ok) break;
      }
      if (!sawDigit) {
        ok = false;
        break;
      }
      if (c == 101 || c == 69) {
        c = <u32>load<u8>(++p);
        let expNegative = false;
        if (c == 45 || c == 43) {
          expNegative = c == 45;
          c = <u32>load<u8>(++p);
        }
        let e: i32 = 0;
        let expDigits: i32 = 0;
        while (c - 48 < 10) {
          if (e <= MAX_EXACT_EXPONENT * 10) e = e * 10 + <i32>(c - 48);
          expDigits++;
          c = <u32>load<u8>(++p);
        }
        if (expDigits == 0) {
          ok = false;
          break;
        }
        exponent += expNegative ? -e : e;
      }
      if (exponent < -MAX_EXACT_EXPONENT || exponent > MAX_EXACT_EXPONENT || !(isSeparator(c) || c == LF)) {
        ok = false;
        break;
      }
      const v = exponent >= 0 ? mantissa * load<f64>(powers + (<usize>exponent << 3)) : mantissa / load<f64>(powers + (<usize>-exponent << 3));
      store<f32>(value + (<usize>count << 2), <f32>(negative ? -v : v));
      count++;
    }
    if (!ok || count != dims) {
      p = lineStart;
      break;
    }
    store<i32>(words, <i32>(lineStart - buf));
    store<i32>(words, <i32>(wordEnd - buf), 4);
    words += 8;
    value += <usize>dims << 2;
    rows++;
    p++;
  }
  stopped = <i32>(p - buf);
  return rows;
}
