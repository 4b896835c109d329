/**
 * The Unicode tables of the byte scanner's kernel (assembly/scan.ts): a class byte for every code
 * point of the Basic Multilingual Plane and its lowercase, computed here from the regular
 * expressions and String.prototype.toLowerCase of the running engine — so that the kernel
 * tokenizes a line exactly as the regex tokenizers of tokenize.ts do (test/fast-count.test.ts).
 * Computing them takes ~30 ms, so the build writes them to dist/wasm/unicode-<version>.bin and a
 * thread reads that file when its engine's Unicode version is the build's (else it computes them);
 * test/fast-count.test.ts checks the file against a computation.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { NO_SPACE } from './tokenize.js';

/** Class bits, as assembly/scan.ts names them. */
export const U_WORD = 1;
export const U_CONNECTOR = 2;
export const U_SPACE = 4;
export const U_APOSTROPHE = 8;
export const U_NO_SPACE = 16;
export const U_HAN = 32;
export const U_CASE_BAIL = 64;
/** U+FFFD: the regex path counts it among the invalid sequences (it cannot tell a literal one from a replaced one). */
export const U_BAIL = 128;
/** \p{L}\p{N} of any script: a piece jieba returns is a word when it has one (tokenize.ts isWordPiece). */
export const U_LETTER_NUMBER = 256;

const SIGMA = 0x3a3;
const PLANE = 0x10000;

let tables: Uint8Array | undefined;

/** The code points of the plane (surrogates as U+FFFD: UTF-8 never holds them) in one string, index = code point. */
function planeString(): string {
  const units = new Uint16Array(PLANE);
  for (let cp = 0; cp < PLANE; cp++) units[cp] = cp >= 0xd800 && cp <= 0xdfff ? 0xfffd : cp;
  return new TextDecoder('utf-16le').decode(units);
}

/** Sets `bit` on every code point `pattern` (the inside of a character class, flag v) matches. */
function mark(classes: Uint8Array | Uint16Array, plane: string, pattern: string, bit: number): void {
  const runs = new RegExp(`[${pattern}]+`, 'gv');
  for (let m = runs.exec(plane); m !== null; m = runs.exec(plane)) {
    for (let cp = m.index; cp < m.index + m[0].length; cp++) classes[cp]! |= bit;
  }
}

/** UTF-8 length of a code point of the plane. */
function utf8Length(cp: number): number {
  return cp < 0x80 ? 1 : cp < 0x800 ? 2 : 3;
}

/**
 * The tables: 65,536 little-endian u16 classes, then 65,536 u16 lowercase code points.
 * A code point whose lowercase is not one code point of its UTF-8 length (İ → i̇), or depends on
 * what surrounds it (Σ, final sigma), or lowercases again to something else, gets U_CASE_BAIL:
 * a line holding one goes to the regex tokenizer when case is folded.
 */
export function computeUnicodeTables(): Uint8Array {
  const plane = planeString();
  const bytes = new Uint8Array(PLANE * 4);
  const classes = new Uint16Array(bytes.buffer, 0, PLANE);
  mark(classes, plane, String.raw`[\p{L}\p{M}\p{N}]--[${NO_SPACE}]`, U_WORD);
  mark(classes, plane, String.raw`\p{Pc}`, U_CONNECTOR);
  mark(classes, plane, String.raw`\s`, U_SPACE);
  mark(classes, plane, String.raw`'\u2019`, U_APOSTROPHE);
  mark(classes, plane, NO_SPACE, U_NO_SPACE);
  // A character of a no-space script belongs to a run whatever else it is (MIXED_RE tries the run
  // first): never a connector or an apostrophe to the kernel's `word` (none is, in Unicode 17).
  for (let cp = 0; cp < PLANE; cp++) if (classes[cp]! & U_NO_SPACE) classes[cp]! &= ~(U_CONNECTOR | U_APOSTROPHE);
  mark(classes, plane, String.raw`\p{scx=Han}`, U_HAN);
  mark(classes, plane, String.raw`\p{L}\p{N}`, U_LETTER_NUMBER);
  classes[0xfffd]! |= U_BAIL;
  const lower = new Uint16Array(bytes.buffer, PLANE * 2, PLANE);
  for (let cp = 0; cp < PLANE; cp++) lower[cp] = cp;
  const changing = new Uint8Array(PLANE);
  mark(changing, plane, String.raw`\p{Changes_When_Lowercased}`, 1);
  for (let cp = 0; cp < PLANE; cp++) {
    if (changing[cp] === 0 || (cp >= 0xd800 && cp <= 0xdfff)) continue;
    const low = String.fromCharCode(cp).toLowerCase();
    const to = low.charCodeAt(0);
    // A no-space script's character is never lowered in place (the runs jieba cuts are taken before).
    if (cp === SIGMA || (classes[cp]! & U_NO_SPACE) !== 0 || low.length !== 1 || utf8Length(to) !== utf8Length(cp) || String.fromCharCode(to).toLowerCase() !== low) classes[cp]! |= U_CASE_BAIL;
    else lower[cp] = to;
  }
  return bytes;
}

/** Where the build keeps the tables of this engine's Unicode version (from dist/src/text/ to dist/wasm/). */
export function unicodeTablesPath(): string {
  return fileURLToPath(new URL(`../../wasm/unicode-${process.versions.unicode}.bin`, import.meta.url));
}

/** The tables (computeUnicodeTables), from the build's file when it is of this engine's Unicode version. */
export function unicodeTables(): Uint8Array {
  if (tables) return tables;
  try {
    const bytes = new Uint8Array(readFileSync(unicodeTablesPath()));
    if (bytes.length === PLANE * 4) tables = bytes;
  } catch {
    // computed below
  }
  tables ??= computeUnicodeTables();
  return tables;
}

/** The build's step: write the tables of this engine's Unicode version. */
export function writeUnicodeTables(): void {
  writeFileSync(unicodeTablesPath(), computeUnicodeTables());
}
