import { close, open, promises as fs, read } from 'node:fs';
import { Readable } from 'node:stream';
import { promisify } from 'node:util';
import { createGunzip } from 'node:zlib';
import { InputError } from '../../core/errors.js';
import { decodeUtf8, displayName, GUNZIP_CHUNK, openBytes } from '../input.js';

const GZIP_MAGIC_0 = 0x1f;
const GZIP_MAGIC_1 = 0x8b;
import { SNIFF_BYTES } from './detect.js';

export { SNIFF_BYTES } from './detect.js';

/** The (decompressed) bytes of a file or stdin, with the first SNIFF_BYTES already read for detection. */
export interface ByteSource {
  /** The path as given; `-` is standard input. */
  path: string;
  /** How messages name it: the path, or "standard input". */
  name: string;
  /** The first bytes (at most SNIFF_BYTES, fewer only when the content is shorter). */
  head: Buffer;
  /** True when `head` is the whole content. */
  complete: boolean;
  gzipped: boolean;
  /**
   * The content's length in bytes when it is known before reading (a regular file, not gzipped):
   * readers check the sizes a header claims against it before allocating. Undefined for stdin,
   * pipes and gzip, where readers grow their buffers as the data arrives instead.
   */
  size?: number;
  /**
   * All the content, `head` first. Call once. With `reuse`, a reader that copies what it keeps
   * before asking for the next chunk may be handed the same buffer again and again (a regular file
   * is then read into one buffer: memory touched for the first time is what costs most on a
   * loaded machine, issue 8); without it every chunk is a buffer of its own.
   */
  chunks(reuse?: boolean): AsyncGenerator<Buffer>;
}

function gunzipError(name: string, err: unknown): unknown {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'Z_BUF_ERROR') return new InputError(`${name} is truncated: the gzip data ends early`, 'check that the file was copied completely');
  if (code === 'Z_DATA_ERROR') return new InputError(`${name} is not valid gzip data (${(err as Error).message})`, 'check that the file is complete');
  return err;
}

/**
 * Open a file or `-` (stdin) for one of the matrix formats: gunzipped when it starts with the gzip
 * magic number (whatever its name), binary content allowed (the word2vec binary format).
 */
export async function openSource(path: string, stdin?: NodeJS.ReadableStream): Promise<ByteSource> {
  const name = displayName(path);
  if (path !== '-') {
    const plain = await openPlainFile(path, name);
    if (plain) return plain;
  }
  const raw = (await openBytes(path, stdin))[Symbol.asyncIterator]();
  const first = await raw.next();
  let gzipped = false;
  let iterator: AsyncIterator<Buffer>;
  if (first.done) {
    iterator = raw;
  } else if (first.value.length >= 2 && first.value[0] === GZIP_MAGIC_0 && first.value[1] === GZIP_MAGIC_1) {
    gzipped = true;
    const compressed = (async function* () {
      yield first.value;
      for (let r = await raw.next(); !r.done; r = await raw.next()) yield r.value;
    })();
    const gunzip = createGunzip({ chunkSize: GUNZIP_CHUNK });
    const feed = Readable.from(compressed);
    feed.on('error', (err) => gunzip.destroy(err));
    feed.pipe(gunzip);
    iterator = (gunzip as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
  } else {
    let pending: Buffer | undefined = first.value;
    iterator = {
      next: async () => {
        if (pending) {
          const value = pending;
          pending = undefined;
          return { done: false, value };
        }
        return raw.next();
      },
    };
  }
  const next = async (): Promise<IteratorResult<Buffer>> => {
    try {
      return await iterator.next();
    } catch (err) {
      throw gunzipError(name, err);
    }
  };
  const parts: Buffer[] = [];
  let size = 0;
  let complete = false;
  while (size < SNIFF_BYTES) {
    const r = await next();
    if (r.done) {
      complete = true;
      break;
    }
    parts.push(r.value);
    size += r.value.length;
  }
  const head = Buffer.concat(parts);
  let used = false;
  const knownSize = gzipped ? undefined : complete ? head.length : await regularFileSize(path);
  return {
    path,
    name,
    head: head.subarray(0, SNIFF_BYTES),
    complete: complete && head.length <= SNIFF_BYTES,
    gzipped,
    ...(knownSize === undefined ? {} : { size: knownSize }),
    async *chunks(_reuse?: boolean) {
      if (used) throw new Error('ByteSource.chunks() called twice');
      used = true;
      try {
        if (head.length > 0) yield head;
        if (complete) return;
        for (let r = await next(); !r.done; r = await next()) yield r.value;
      } finally {
        // A reader that stops early (an error on line 3) must not leave the file open.
        await iterator.return?.().catch(() => undefined);
        if (iterator !== raw) await raw.return?.().catch(() => undefined);
      }
    },
  };
}

const openFile = promisify(open);
const readFile = promisify(read);
const closeFile = promisify(close);
/** How much a read of a plain file asks for: a fresh chunk, a reused one. */
const FRESH_CHUNK = 1 << 20;
const REUSED_CHUNK = 1 << 18;

/**
 * A regular file that does not start with the gzip magic number, read by position from its file
 * descriptor (no stream). Undefined for anything else, or when the file cannot be opened: the
 * stream path (openBytes) then reads it or reports the error as it always has.
 */
async function openPlainFile(path: string, name: string): Promise<ByteSource | undefined> {
  // stat before open: opening a FIFO would wait for its writer, and it must be opened once only.
  let stat;
  let fd: number;
  try {
    stat = await fs.stat(path);
    if (!stat.isFile()) return undefined;
    fd = await openFile(path, 'r');
  } catch {
    return undefined;
  }
  let handedOn = false;
  try {
    const first = Buffer.allocUnsafe(SNIFF_BYTES);
    let filled = 0;
    for (let n = -1; filled < first.length && n !== 0; filled += n) n = (await readFile(fd, first, filled, first.length - filled, filled)).bytesRead;
    const head = first.subarray(0, filled);
    if (head.length >= 2 && head[0] === GZIP_MAGIC_0 && head[1] === GZIP_MAGIC_1) return undefined;
    const complete = head.length < SNIFF_BYTES;
    let used = false;
    handedOn = true;
    return {
      path,
      name,
      head,
      complete,
      gzipped: false,
      size: complete ? head.length : stat.size,
      async *chunks(reuse = false) {
        if (used) throw new Error('ByteSource.chunks() called twice');
        used = true;
        let pending: Promise<{ bytesRead: number; buffer: Buffer }> | undefined;
        try {
          if (head.length > 0) yield head;
          if (complete) return;
          // One read ahead: the next chunk is read while the caller works on this one (waiting for
          // each read after the work left the reader idle ~0.4 ms a chunk: 45 ms of `similar` on a
          // 27 MB text file). Reused, two buffers take turns: the one read into next is the one the
          // caller handed back by asking for more.
          const reused = reuse ? [Buffer.allocUnsafe(REUSED_CHUNK), Buffer.allocUnsafe(REUSED_CHUNK)] : undefined;
          let turn = 0;
          let position = head.length;
          const next = (): Promise<{ bytesRead: number; buffer: Buffer }> => {
            const target = reused ? reused[(turn ^= 1)]! : Buffer.allocUnsafe(FRESH_CHUNK);
            return readFile(fd, target, 0, target.length, position);
          };
          pending = next();
          for (;;) {
            const { bytesRead, buffer } = await pending;
            pending = undefined;
            if (bytesRead === 0) return;
            position += bytesRead;
            pending = next();
            yield buffer.subarray(0, bytesRead);
          }
        } finally {
          // A read still in flight (the caller stopped early) ends before the descriptor closes.
          await pending?.catch(() => undefined);
          await closeFile(fd).catch(() => undefined);
        }
      },
    };
  } finally {
    if (!handedOn) await closeFile(fd).catch(() => undefined);
  }
}

/** The length of a regular file (undefined for `-`, FIFOs, devices, or when it cannot be read). */
async function regularFileSize(path: string): Promise<number | undefined> {
  if (path === '-') return undefined;
  try {
    const stat = await fs.stat(path);
    return stat.isFile() ? stat.size : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Decoded UTF-8 text of a source in chunks (a leading byte-order mark dropped); invalid sequences
 * become U+FFFD and are reported once through `warn`.
 */
export function sourceText(source: ByteSource, warn?: (message: string) => void): AsyncGenerator<string> {
  return decodeUtf8(source.chunks(), source.name, warn);
}

/**
 * Call `onLine` with every line of the source (without `\n` or `\r\n`) and its 1-based number.
 * A callback rather than a generator: the per-line cost matters for files of millions of lines.
 */
export async function forEachLine(source: ByteSource, warn: ((message: string) => void) | undefined, onLine: (line: string, lineNo: number) => void): Promise<void> {
  let rest = '';
  let lineNo = 0;
  for await (const text of sourceText(source, warn)) {
    const buffer = rest.length > 0 ? rest + text : text;
    let start = 0;
    for (let nl = buffer.indexOf('\n'); nl !== -1; nl = buffer.indexOf('\n', start)) {
      const end = nl > start && buffer.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
      onLine(buffer.slice(start, end), ++lineNo);
      start = nl + 1;
    }
    rest = buffer.slice(start);
  }
  if (rest.length > 0) onLine(rest.endsWith('\r') ? rest.slice(0, -1) : rest, ++lineNo);
}

/**
 * Call `onLine` with the bytes of every line of the source, `buffer[start..end)` (without `\n` or
 * `\r\n`; the same lines as forEachLine, before decoding), and its 1-based number. `buffer[end]`
 * is always there, a `\r` or `\n` (one is added after a last line without one), so parsers can
 * stop at it without checking bounds. The buffer is only valid during the call.
 *
 * `onLines`, when given, is handed each chunk's run of whole lines at once instead —
 * `buffer[start..stop)`, `buffer[stop − 1]` a newline, its first line numbered `firstLineNo` — and
 * returns how many lines it read (a reader that parses many lines in one go, text-rows.ts); the
 * line cut by a chunk boundary and a last line without a newline still go to `onLine`.
 */
export async function forEachByteLine(
  source: ByteSource,
  onLine: (buffer: Buffer, start: number, end: number, lineNo: number) => void,
  onLines?: (buffer: Buffer, start: number, stop: number, firstLineNo: number) => number,
): Promise<void> {
  let carry: Buffer | undefined;
  let lineNo = 0;
  for await (const chunk of source.chunks(true)) {
    let start = 0;
    if (carry) {
      // Only the line cut by the chunk boundary is joined (copying every chunk onto its carry cost
      // a fresh buffer per chunk: issue 8's profile of `similar` on a text file).
      const nl = chunk.indexOf(NEWLINE);
      if (nl === -1) {
        carry = Buffer.concat([carry, chunk]);
        continue;
      }
      const line = Buffer.concat([carry, chunk.subarray(0, nl + 1)]);
      const end = line.length - 1;
      onLine(line, 0, end > 0 && line[end - 1] === CARRIAGE_RETURN ? end - 1 : end, ++lineNo);
      start = nl + 1;
    }
    if (onLines) {
      const last = chunk.lastIndexOf(NEWLINE);
      if (last >= start) {
        lineNo += onLines(chunk, start, last + 1, lineNo + 1);
        start = last + 1;
      }
    } else {
      for (let nl = chunk.indexOf(NEWLINE, start); nl !== -1; nl = chunk.indexOf(NEWLINE, start)) {
        onLine(chunk, start, nl > start && chunk[nl - 1] === CARRIAGE_RETURN ? nl - 1 : nl, ++lineNo);
        start = nl + 1;
      }
    }
    carry = start < chunk.length ? Buffer.from(chunk.subarray(start)) : undefined;
  }
  if (carry) {
    const last = Buffer.concat([carry, Buffer.from([NEWLINE])]);
    onLine(last, 0, carry[carry.length - 1] === CARRIAGE_RETURN ? carry.length - 1 : carry.length, ++lineNo);
  }
}

const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;
