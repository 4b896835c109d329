/**
 * Run the wordspace CLI in tests: in-process with fake streams (`runCli`), or as a real process of
 * the built binary (`spawnCli`) for a few end-to-end checks.
 */
import { spawn } from 'node:child_process';
import { Readable, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { run } from '../../src/cli/main.js';
import type { CliIO } from '../../src/cli/context.js';

export interface CliResult {
  /** Exit status. */
  code: number;
  /** Standard output decoded as UTF-8. */
  stdout: string;
  stderr: string;
  /** Standard output as bytes (binary formats). */
  stdoutBytes: Buffer;
}

export interface RunOptions {
  /** Environment seen by the program (default: empty, so NO_COLOR etc. do not leak in). */
  env?: Record<string, string | undefined>;
  /** Pretend stdout / stderr are terminals. */
  stdoutIsTTY?: boolean;
  stderrIsTTY?: boolean;
}

/** A writable stream that keeps everything written to it. */
export class Collector extends Writable {
  readonly chunks: Buffer[] = [];
  isTTY?: boolean;
  override _write(chunk: Buffer | string, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.chunks.push(typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : Buffer.from(chunk));
    callback();
  }
  bytes(): Buffer {
    return Buffer.concat(this.chunks);
  }
  text(): string {
    return this.bytes().toString('utf8');
  }
}

/** A stdin stream that yields `input` (nothing when undefined). */
export function fakeStdin(input?: string | Buffer): Readable {
  const chunks = input === undefined ? [] : [typeof input === 'string' ? Buffer.from(input, 'utf8') : input];
  return Readable.from(chunks, { objectMode: false });
}

/** Run `wordspace <argv>` in-process; stdin is fed from `input`. */
export async function runCli(argv: string[], input?: string | Buffer, options: RunOptions = {}): Promise<CliResult> {
  const stdout = new Collector();
  const stderr = new Collector();
  if (options.stdoutIsTTY) stdout.isTTY = true;
  if (options.stderrIsTTY) stderr.isTTY = true;
  const io: CliIO = { stdin: fakeStdin(input), stdout, stderr, env: options.env ?? {} };
  const code = await run(argv, io);
  return { code, stdout: stdout.text(), stderr: stderr.text(), stdoutBytes: stdout.bytes() };
}

/** The repository's bin/wordspace (this file is compiled to dist/test/helpers/). */
export const BIN = fileURLToPath(new URL('../../../bin/wordspace', import.meta.url));

/** Run the built binary `node bin/wordspace <args>` as a separate process. */
export function spawnCli(args: string[], input?: string | Buffer, options: { env?: Record<string, string | undefined>; cwd?: string } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: options.cwd,
      env: { PATH: process.env.PATH, NO_COLOR: '1', ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      const stdoutBytes = Buffer.concat(out);
      resolve({ code: code ?? 1, stdout: stdoutBytes.toString('utf8'), stderr: Buffer.concat(err).toString('utf8'), stdoutBytes });
    });
    child.stdin.on('error', () => undefined); // the program may exit before reading all its input
    child.stdin.end(input);
  });
}
