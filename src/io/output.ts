import { createWriteStream, promises as fs } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';
import { InputError } from '../core/errors.js';

/**
 * A buffered byte/text sink over a Node stream. Writers call `write` row by row; text is gathered
 * into ~64 KB chunks and backpressure is respected, so a huge matrix never becomes one string.
 */
export class Sink {
  private parts: (string | Uint8Array)[] = [];
  private size = 0;
  private failed: Error | undefined;
  private static readonly CHUNK = 1 << 16;

  constructor(private readonly stream: NodeJS.WritableStream) {
    stream.on('error', (err: Error) => {
      this.failed = err;
    });
  }

  /** Queue text or bytes; returns a promise only when the buffer was flushed (await it). */
  write(chunk: string | Uint8Array): Promise<void> | void {
    this.parts.push(chunk);
    this.size += chunk.length;
    if (this.size >= Sink.CHUNK) return this.flush();
    return undefined;
  }

  async flush(): Promise<void> {
    if (this.failed) throw this.failed;
    if (this.parts.length === 0) return;
    const parts = this.parts;
    this.parts = [];
    this.size = 0;
    const data = parts.every((p) => typeof p === 'string')
      ? Buffer.from((parts as string[]).join(''), 'utf8')
      : Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'utf8') : p)));
    if (!this.stream.write(data)) {
      await new Promise<void>((resolve, reject) => {
        const onDrain = (): void => {
          this.stream.off('error', onError);
          resolve();
        };
        const onError = (err: Error): void => {
          this.stream.off('drain', onDrain);
          reject(err);
        };
        this.stream.once('drain', onDrain);
        this.stream.once('error', onError);
      });
    }
    if (this.failed) throw this.failed;
  }
}

/** Check before any work that an output file could be created (its directory exists). */
export async function checkOutputPath(path: string): Promise<void> {
  if (path === '-') return;
  const dir = dirname(path);
  let stat;
  try {
    stat = await fs.stat(dir);
  } catch {
    throw new InputError(`cannot write ${path}: directory ${dir} does not exist`, 'create it first, or choose another -o');
  }
  if (!stat.isDirectory()) throw new InputError(`cannot write ${path}: ${dir} is not a directory`);
  try {
    const existing = await fs.stat(path);
    if (existing.isDirectory()) throw new InputError(`cannot write ${path}: it is a directory`, 'give a file name with -o');
  } catch (err) {
    if (err instanceof InputError) throw err;
  }
}

/**
 * Write an output through `body`: to `stdout` when path is `-`, otherwise to a temporary file beside
 * the target, renamed over it only when `body` finished. A failed run leaves no file behind and
 * never touches an existing one.
 */
export async function withOutput(path: string, stdout: NodeJS.WritableStream, body: (sink: Sink) => Promise<void>): Promise<void> {
  if (path === '-') {
    const sink = new Sink(stdout);
    await body(sink);
    await sink.flush();
    return;
  }
  await checkOutputPath(path);
  const temp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  const stream = createWriteStream(temp);
  try {
    await new Promise<void>((resolve, reject) => {
      stream.once('open', () => resolve());
      stream.once('error', reject);
    });
    const sink = new Sink(stream);
    await body(sink);
    await sink.flush();
    await new Promise<void>((resolve, reject) => {
      stream.once('error', reject);
      stream.end(() => resolve());
    });
    await fs.rename(temp, path);
  } catch (err) {
    stream.destroy();
    await fs.rm(temp, { force: true });
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EACCES' || code === 'EPERM') throw new InputError(`cannot write ${path}: permission denied`);
    if (code === 'ENOSPC') throw new InputError(`cannot write ${path}: no space left on the device`);
    throw err;
  }
}
