import { Readable } from 'node:stream';

/** The first bytes of a stream, and the stream again as if nothing had been read. */
export interface Peeked {
  /** What was read to decide: every chunk until `enough` said so or the stream ended. */
  head: Buffer;
  /** The stream ended within the head. */
  ended: boolean;
  /** The whole stream, head included, as bytes (for a source read at once). */
  readAll(): Promise<Buffer>;
  /** The whole stream, head included, as a stream. */
  replay(): NodeJS.ReadableStream;
}

const asBuffer = (chunk: Buffer | string): Buffer => (typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk);

/**
 * Read a stream's first chunks until `enough(head)` (or its end), to look at them before deciding
 * how to read it (standard input cannot be opened twice).
 */
export async function peekStream(stream: NodeJS.ReadableStream, enough: (head: Buffer) => boolean): Promise<Peeked> {
  const iterator = (stream as AsyncIterable<Buffer | string>)[Symbol.asyncIterator]();
  const chunks: Buffer[] = [];
  let head = Buffer.alloc(0);
  let ended = false;
  while (!enough(head)) {
    const r = await iterator.next();
    if (r.done) {
      ended = true;
      break;
    }
    chunks.push(asBuffer(r.value));
    head = Buffer.concat(chunks);
  }
  const rest = async function* (): AsyncGenerator<Buffer> {
    if (head.length > 0) yield head;
    if (ended) return;
    for (let r = await iterator.next(); !r.done; r = await iterator.next()) yield asBuffer(r.value);
  };
  return {
    head,
    ended,
    readAll: async () => {
      const parts: Buffer[] = [];
      for await (const chunk of rest()) parts.push(chunk);
      return Buffer.concat(parts);
    },
    replay: () => Readable.from(rest(), { objectMode: false }),
  };
}
