/** Where the bytes of a sink go: a Node stream, or a function that writes one chunk and resolves when it is written. */
export type SinkTarget = NodeJS.WritableStream | ((data: Buffer) => Promise<void>);

/**
 * A buffered byte/text sink. Writers call `write` row by row; text is gathered into ~64 KB chunks
 * and each chunk is handed on only when the previous one was written (its callback came back), so
 * a huge matrix never becomes one string and a write error is never lost.
 */
export class Sink {
  private parts: (string | Uint8Array)[] = [];
  private size = 0;
  private failed: Error | undefined;
  private static readonly CHUNK = 1 << 16;

  constructor(private readonly target: SinkTarget) {
    if (typeof target !== 'function') {
      target.on('error', (err: Error) => {
        this.failed = err;
      });
    }
  }

  /** Queue text or bytes; returns a promise only when the buffer was flushed (await it). */
  write(chunk: string | Uint8Array): Promise<void> | void {
    this.parts.push(chunk);
    this.size += chunk.length;
    if (this.size >= Sink.CHUNK) return this.flush();
    return undefined;
  }

  /**
   * Hand on everything queued; rejects with the target's error if the write failed. What was queued
   * is copied before the promise is returned: the caller may reuse its buffers at once.
   */
  async flush(): Promise<void> {
    if (this.failed) throw this.failed;
    if (this.parts.length === 0) return;
    const parts = this.parts;
    this.parts = [];
    this.size = 0;
    const data = parts.every((p) => typeof p === 'string')
      ? Buffer.from((parts as string[]).join(''), 'utf8')
      : Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'utf8') : p)));
    const target = this.target;
    if (typeof target === 'function') {
      await target(data);
      return;
    }
    await new Promise<void>((done, fail) => {
      target.write(data, (err?: Error | null) => (err ? fail(err) : done()));
    });
    if (this.failed) throw this.failed;
  }
}
