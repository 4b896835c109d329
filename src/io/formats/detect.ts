/**
 * Which format a file is in (extension, then content) and its side metadata: the part of reading a
 * matrix that a query's quick path (src/query/stream-similar.ts) needs without loading every reader.
 */
import { fs } from '../node-fs.js';
import { InputError } from '../../core/errors.js';
import type { MatrixMeta } from '../../core/matrix.js';
import { FORMATS, inferFormat, metaFrom, metaPath, type Format } from './common.js';
import type { ByteSource } from './source.js';

/** How much of the (decompressed) content format detection looks at. */
export const SNIFF_BYTES = 1 << 16;

/** The first bytes of a NumPy `.npy` file. */
export const NPY_MAGIC = Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]);

const HEADER = /^\s*(\d+)[ \t]+(\d+)\s*$/;

/** A `V D` header line, or undefined. */
export function parseHeader(line: string): { count: number; dims: number } | undefined {
  const m = HEADER.exec(line);
  if (!m) return undefined;
  return { count: Number(m[1]), dims: Number(m[2]) };
}

const TEXT_DECODER = new TextDecoder('utf-8');
const FLOAT32_BYTES = 4;
const UTF8_BOM = '\uFEFF';
const MATRIX_MARKET = '%%MatrixMarket';

const JSONL_FIRST_KEY = /^\{\s*"(label|dims)"\s*:/;

/** The first line of a piece of text (without `\r`), or undefined when the head holds no complete line. */
function firstLine(text: string, complete: boolean): string | undefined {
  const nl = text.indexOf('\n');
  if (nl === -1) return complete ? text : undefined;
  return text.slice(0, nl).replace(/\r$/, '');
}

/**
 * Bytes of the first vector line that may be wrong before a text file is taken for binary: a single
 * corrupted byte is an error on its line (the text reader names it), never a reason to decode the
 * file as raw float32. Binary float32 is ~50–60 % non-text bytes, text 0 %.
 */
const MAX_STRAY_FRACTION = 0.1;
const MIN_STRAY_BYTES = 1;
const REPLACEMENT = 0xfffd;

/** Characters of decoded text that printable text does not hold: C0 controls but tab and CR, DEL, and U+FFFD (invalid UTF-8). */
function strayCharacters(text: string): number {
  let stray = 0;
  for (let k = 0; k < text.length; k++) {
    const c = text.charCodeAt(k);
    if ((c < 0x20 && c !== 0x09 && c !== 0x0d) || c === 0x7f || c === REPLACEMENT) stray++;
  }
  return stray;
}

/**
 * After a `V D` header: is the first vector binary float32 (`word ` then 4·D raw bytes), or a line
 * of text (`word v1 … vD`)? Decided from the bytes, never from one token: text is printable up to
 * its newline and splits into at least D + 1 fields; raw float32 bytes are mostly unprintable or
 * invalid UTF-8 and hardly ever contain D spaces. When a clean line is too short for D numbers, the
 * layout decides (a `\n` exactly 4·D bytes after the word, as the C tool writes), then `nameSays`.
 */
function looksBinary(head: Buffer, headerEnd: number, dims: number, complete: boolean, nameSays: Format | undefined): boolean {
  let start = headerEnd;
  while (start < head.length && (head[start] === 0x0a || head[start] === 0x0d)) start++;
  if (start >= head.length) return false;
  let end = head.indexOf(0x0a, start);
  const cut = end === -1;
  if (cut) end = head.length;
  const line = TEXT_DECODER.decode(head.subarray(start, end));
  const stray = strayCharacters(line);
  if (stray > Math.max(MIN_STRAY_BYTES, MAX_STRAY_FRACTION * line.length)) return true;
  const fields = line.trim().split(/[ \t]+/).length;
  if (fields >= dims + 1 || (cut && !complete)) return false;
  // A clean line with too few fields: a short text line (an error the text reader names), or a
  // binary record whose float bytes happen to hold a 0x0a.
  const space = head.indexOf(0x20, start);
  const recordEnd = space + 1 + dims * FLOAT32_BYTES;
  if (space !== -1 && recordEnd < head.length && head[recordEnd] === 0x0a) return true;
  return nameSays === 'binary';
}

/** UTF-8 text, invalid bytes as U+FFFD, without a leading byte-order mark (TextDecoder drops one, this a second). */
function decodeWithoutBom(bytes: Uint8Array): string {
  const text = TEXT_DECODER.decode(bytes);
  return text.startsWith(UTF8_BOM) ? text.slice(1) : text;
}

/**
 * The format of some content, from its first bytes (see docs/formats.md, "Detection"). `nameSays`,
 * the format the file name implies, only breaks a tie between word2vec text and binary.
 */
export function detectFormat(head: Buffer, complete: boolean, nameSays?: Format): Format | undefined {
  if (head.subarray(0, NPY_MAGIC.length).equals(NPY_MAGIC)) return 'npy';
  // The first line is decoded first: byte 0x0a ends any UTF-8 sequence, so its text is the start of
  // the whole head's text, and it is all a file whose first line holds a non-blank character other
  // than `{` is judged by (the 64 KiB of a binary file need not become a string).
  const nl = head.indexOf(0x0a);
  let text = decodeWithoutBom(nl === -1 ? head : head.subarray(0, nl + 1));
  let start = text.search(/\S/);
  if ((start === -1 || text[start] === '{') && nl !== -1) {
    text = decodeWithoutBom(head);
    start = text.search(/\S/);
  }
  if (text.startsWith(MATRIX_MARKET)) return 'mtx';
  if (start === -1) return undefined;
  if (text[start] === '{') {
    const line = firstLine(text.slice(start), complete);
    // A first line longer than the sniffed bytes: jsonl rows start with "label", its header with "dims".
    if (line === undefined) return JSONL_FIRST_KEY.test(text.slice(start)) ? 'jsonl' : 'json';
    try {
      const value: unknown = JSON.parse(line);
      if (value !== null && typeof value === 'object' && 'rows' in value && 'data' in value) return 'json';
      return 'jsonl';
    } catch {
      return 'json';
    }
  }
  const line = firstLine(text, complete);
  if (line === undefined) return 'text';
  const header = parseHeader(line);
  if (header) {
    const headerEnd = head.indexOf(0x0a);
    return headerEnd !== -1 && looksBinary(head, headerEnd + 1, header.dims, complete, nameSays) ? 'binary' : 'text';
  }
  if (line.includes('\t')) return 'tsv';
  const fields = line.trim().split(/ +/);
  if (fields.length >= 2 && fields.slice(1).every((f) => f !== '' && !Number.isNaN(Number(f)))) return 'text';
  if (line.includes(',')) return 'csv';
  return 'text';
}

/** The format to read a source with: as asked, else by extension, else by content. */
export function chooseFormat(source: Pick<ByteSource, 'path' | 'name' | 'head' | 'complete'>, asked: Format | undefined): Format {
  if (asked) return asked;
  const byName = source.path === '-' ? undefined : inferFormat(source.path);
  const byContent = detectFormat(source.head, source.complete, byName);
  // word2vec files are often misnamed (.bin for text, .txt for binary): the content decides between the two.
  if ((byName === 'text' || byName === 'binary') && (byContent === 'text' || byContent === 'binary')) return byContent;
  if (byName) return byName;
  if (!byContent) throw new InputError(`${source.name}: cannot tell its format`, `give --from, one of ${FORMATS.join(', ')}`);
  return byContent;
}

export async function readSideMeta(path: string, warn: (message: string) => void): Promise<MatrixMeta | undefined> {
  const file = metaPath(path);
  let text: string;
  try {
    text = await fs.promises.readFile(file, 'utf8');
  } catch {
    return undefined;
  }
  try {
    return metaFrom(JSON.parse(text), path);
  } catch {
    warn(`${file} is not valid JSON; the metadata of ${path} is ignored`);
    return undefined;
  }
}

