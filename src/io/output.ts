import { promises as fs, rmSync, unlinkSync, write, type Stats } from 'node:fs';
import { promisify } from 'node:util';
import { basename, dirname, join, resolve } from 'node:path';
import { InputError, UsageError } from '../core/errors.js';

// Sink lives in sink.ts (a module without imports, which `similar`'s quick path loads alone).
import { Sink, type SinkTarget } from './sink.js';

export { Sink, type SinkTarget };

/**
 * How an output path is written:
 * - `stdout`: `-`;
 * - `atomic`: a regular file (new, existing, or the target of a symlink) replaced by renaming a
 *   complete temporary file beside it; `existing` is the file being replaced (its mode and owner are kept);
 * - `direct`: a FIFO or a device, written straight through as the shell's `>` would (no rename is
 *   possible there, so no atomicity and no side file);
 * - `descriptor`: `/dev/fd/N`, `/dev/stderr` (what `>(…)` and `2>` hand over): the open descriptor
 *   itself, which may be a socket that cannot be opened again; `/dev/stdout` and `/dev/fd/1` are `stdout`.
 */
export type OutputTarget =
  | { kind: 'stdout' }
  | { kind: 'atomic'; file: string; existing: Stats | undefined }
  | { kind: 'direct' }
  | { kind: 'descriptor'; fd: number };

/** The descriptor a path such as `/dev/fd/3`, `/proc/self/fd/3` or `/dev/stderr` names, if it names one. */
function descriptorOf(path: string): number | undefined {
  const named: Record<string, number> = { '/dev/stdin': 0, '/dev/stdout': 1, '/dev/stderr': 2 };
  if (Object.prototype.hasOwnProperty.call(named, path)) return named[path];
  const m = /^\/(?:dev|proc\/self)\/fd\/(\d+)$/.exec(path);
  return m ? Number(m[1]) : undefined;
}

/** Symlinks followed before giving up (Linux's own limit). */
const MAX_SYMLINKS = 40;

function isMissing(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

/**
 * Follow a chain of symlinks to the file it ends at (which may not exist yet). Undefined when the
 * chain goes through /proc: `/dev/stdout` and `/dev/fd/63` name an open file descriptor, which is
 * written through, never replaced.
 */
async function linkTarget(path: string): Promise<string | undefined> {
  let current = resolve(path);
  for (let hop = 0; hop <= MAX_SYMLINKS; hop++) {
    let dir: string;
    try {
      dir = await fs.realpath(dirname(current));
    } catch {
      return current;
    }
    if (dir === '/proc' || dir.startsWith('/proc/')) return undefined;
    current = join(dir, basename(current));
    let stat: Stats;
    try {
      stat = await fs.lstat(current);
    } catch {
      return current;
    }
    if (!stat.isSymbolicLink()) return current;
    current = resolve(dir, await fs.readlink(current));
  }
  throw new InputError(`cannot write ${path}: too many levels of symbolic links`);
}

/** Decide how `path` is written (see OutputTarget). */
export async function resolveOutput(path: string): Promise<OutputTarget> {
  if (path === '-') return { kind: 'stdout' };
  const fd = descriptorOf(path);
  if (fd === 1) return { kind: 'stdout' };
  if (fd !== undefined) return { kind: 'descriptor', fd };
  let link: Stats;
  try {
    link = await fs.lstat(path);
  } catch (err) {
    if (isMissing(err)) return { kind: 'atomic', file: path, existing: undefined };
    throw writeError(path, err);
  }
  if (link.isDirectory()) throw new InputError(`cannot write ${path}: it is a directory`, 'give a file name');
  if (link.isFile()) return { kind: 'atomic', file: path, existing: link };
  if (!link.isSymbolicLink()) return { kind: 'direct' };
  let stat: Stats | undefined;
  try {
    stat = await fs.stat(path);
  } catch (err) {
    if (!isMissing(err)) throw writeError(path, err);
  }
  if (stat?.isDirectory()) throw new InputError(`cannot write ${path}: it is a directory`, 'give a file name');
  if (stat && !stat.isFile()) return { kind: 'direct' };
  const file = await linkTarget(path);
  return file === undefined ? { kind: 'direct' } : { kind: 'atomic', file, existing: stat };
}

export interface OutputCheck {
  /** The files the command reads: writing over one of them is refused. */
  inputs?: readonly string[];
  /** Replace a read-only file. */
  force?: boolean;
}

async function inode(path: string): Promise<Stats | undefined> {
  try {
    const stat = await fs.stat(path);
    return stat.isFile() ? stat : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Check before any work that `path` can be written: its directory exists, it is not a directory,
 * not a read-only file (unless `force`) and not one of the inputs (same device and inode, so a
 * link or another spelling of the name is caught). `-` always passes.
 */
export async function checkOutputPath(path: string, check: OutputCheck = {}): Promise<OutputTarget> {
  const target = await resolveOutput(path);
  if (target.kind === 'stdout' || target.kind === 'descriptor') return target;
  const out = await inode(path);
  if (out) {
    for (const input of check.inputs ?? []) {
      if (input === '-') continue;
      const stat = await inode(input);
      if (stat && stat.dev === out.dev && stat.ino === out.ino) {
        const same = input === path ? '' : ` (the same file as ${input})`;
        throw new UsageError(`refusing to write ${path}: it is an input${same}`, 'choose another output file; writing it would destroy the input');
      }
    }
  }
  if (target.kind !== 'atomic') return target;
  const dir = dirname(target.file);
  let stat: Stats;
  try {
    stat = await fs.stat(dir);
  } catch {
    throw new InputError(`cannot write ${path}: directory ${dir} does not exist`, 'create it first, or choose another output file');
  }
  if (!stat.isDirectory()) throw new InputError(`cannot write ${path}: ${dir} is not a directory`);
  if (target.existing && !check.force && !(await writable(target.file, target.existing))) {
    throw new InputError(`cannot write ${path}: it is read-only`, 'give --force to replace it, or choose another output file');
  }
  return target;
}

/** Whether a file may be written by us. Root passes every access check, so the mode's write bits decide too. */
async function writable(file: string, stat: Stats): Promise<boolean> {
  if ((stat.mode & 0o222) === 0) return false;
  try {
    await fs.access(file, fs.constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

const WRITE_PROBLEMS: Record<string, string> = {
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  EFBIG: 'the file is too large for the file system',
  EROFS: 'the file system is read-only',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EIO: 'input/output error',
  ENXIO: 'no reader or device at the other end',
  ENOTDIR: 'not a directory',
  ENOENT: 'no such file or directory',
};

/**
 * One line for a failed system call on a temporary file (a spilled token stream, sorted runs):
 * `what` names it; other errors pass through unchanged.
 */
export function temporaryWriteError(what: string, dir: string, err: unknown): unknown {
  const e = err as NodeJS.ErrnoException;
  if (!e || typeof e.code !== 'string' || typeof e.syscall !== 'string') return err;
  return new InputError(`cannot write ${what} in ${dir}: ${WRITE_PROBLEMS[e.code] ?? e.message}`, 'free some space, point TMPDIR at a larger disk, or raise --memory');
}

/** One line for a failed system call on an output; other errors pass through unchanged. */
function writeError(path: string, err: unknown): unknown {
  const e = err as NodeJS.ErrnoException;
  if (!e || typeof e.code !== 'string' || typeof e.syscall !== 'string' || e.code === 'EPIPE') return err;
  return new InputError(`cannot write ${path === '-' ? 'standard output' : path}: ${WRITE_PROBLEMS[e.code] ?? e.message}`);
}

/** Temporary files being written: removed on SIGINT/SIGTERM/SIGHUP (see removeTemporaryFiles). */
const liveTemporaryFiles = new Set<string>();
/** Temporary directories (spill runs, src/counts/spill.ts): removed with everything in them on a signal. */
const liveTemporaryDirectories = new Set<string>();

/** A temporary directory to remove on SIGINT/SIGTERM/SIGHUP until `releaseTemporaryDirectory`. */
export function registerTemporaryDirectory(dir: string): void {
  liveTemporaryDirectories.add(dir);
}

/** Remove a temporary directory (and everything in it) and forget it. */
export function releaseTemporaryDirectory(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  liveTemporaryDirectories.delete(dir);
}

/**
 * Remove every temporary output file still being written, synchronously (for signal handlers:
 * the process exits right after).
 */
export function removeTemporaryFiles(): void {
  for (const dir of liveTemporaryDirectories) rmSync(dir, { recursive: true, force: true });
  liveTemporaryDirectories.clear();
  for (const file of liveTemporaryFiles) {
    try {
      unlinkSync(file);
    } catch {
      // already renamed or removed
    }
  }
  liveTemporaryFiles.clear();
}

/** Write a whole buffer to a file handle (a write may be partial). */
async function writeAll(handle: fs.FileHandle, data: Buffer): Promise<void> {
  let offset = 0;
  while (offset < data.length) {
    const { bytesWritten } = await handle.write(data, offset, data.length - offset);
    offset += bytesWritten;
  }
}

const writeToDescriptor = promisify(write);

/** Write a whole buffer to an open descriptor that is not ours to close. */
async function writeAllTo(fd: number, data: Buffer): Promise<void> {
  let offset = 0;
  while (offset < data.length) offset += (await writeToDescriptor(fd, data, offset, data.length - offset)).bytesWritten;
}

/** One file being written: a temporary beside an atomic target, or the target itself when direct. */
interface OpenOutput {
  path: string;
  handle: fs.FileHandle | undefined;
  temp: string | undefined;
  file: string | undefined;
}

async function openOutput(path: string, target: OutputTarget): Promise<OpenOutput> {
  if (target.kind === 'direct') return { path, handle: await fs.open(path, 'w'), temp: undefined, file: undefined };
  if (target.kind !== 'atomic') throw new Error('standard output has no file');
  // node:crypto loads here, when a file is written, not with every command (issue 8's start-up).
  const { randomBytes } = await import('node:crypto');
  const temp = join(dirname(target.file), `.${basename(target.file)}.${randomBytes(6).toString('hex')}.tmp`);
  liveTemporaryFiles.add(temp);
  try {
    return { path, handle: await fs.open(temp, 'wx'), temp, file: target.file };
  } catch (err) {
    liveTemporaryFiles.delete(temp);
    throw err;
  }
}

/** Give the temporary file the mode and owner of the file it replaces, and put its bytes on disk. */
async function finishOutput(output: OpenOutput, target: OutputTarget): Promise<void> {
  const handle = output.handle!;
  if (target.kind === 'atomic') {
    const existing = target.existing;
    if (existing) {
      await handle.chmod(existing.mode & 0o7777);
      // Only root may give a file away; for anyone else it is already theirs.
      await handle.chown(existing.uid, existing.gid).catch(() => undefined);
    }
    await handle.sync();
  }
  output.handle = undefined;
  await handle.close();
}

async function discard(outputs: OpenOutput[]): Promise<void> {
  for (const output of outputs) {
    await output.handle?.close().catch(() => undefined);
    output.handle = undefined;
    if (output.temp) {
      await fs.rm(output.temp, { force: true }).catch(() => undefined);
      liveTemporaryFiles.delete(output.temp);
    }
  }
}

/** One output of `withOutputs`: where, and what writes it. */
export interface OutputJob {
  path: string;
  body: (sink: Sink) => Promise<void>;
}

/**
 * Write several outputs as one commit: each regular file goes to a temporary file beside it,
 * written in full, fsynced and closed, and only when every body succeeded are they renamed over
 * their targets, so a failure (a full disk, an error in a body) leaves every old file untouched
 * and no temporary file behind. `-` is `stdout`; FIFOs, devices and `/dev/fd/N` are written
 * straight through. A read-only target is refused unless `force`.
 */
export async function withOutputs(jobs: readonly OutputJob[], stdout: NodeJS.WritableStream, options: { force?: boolean } = {}): Promise<void> {
  const open: OpenOutput[] = [];
  let current = '';
  try {
    for (const job of jobs) {
      current = job.path;
      const target = await checkOutputPath(job.path, { force: options.force });
      if (target.kind === 'stdout' || target.kind === 'descriptor') {
        const sink = target.kind === 'stdout' ? new Sink(stdout) : new Sink((data) => writeAllTo(target.fd, data));
        await job.body(sink);
        await sink.flush();
        continue;
      }
      const output = await openOutput(job.path, target);
      open.push(output);
      const handle = output.handle!;
      const sink = new Sink((data) => writeAll(handle, data));
      await job.body(sink);
      await sink.flush();
      await finishOutput(output, target);
    }
    for (const output of open) {
      if (!output.temp || !output.file) continue;
      current = output.path;
      await fs.rename(output.temp, output.file);
      liveTemporaryFiles.delete(output.temp);
      output.temp = undefined;
    }
  } catch (err) {
    await discard(open);
    throw writeError(current, err);
  }
}

/** Write one output through `body` (see withOutputs). */
export async function withOutput(path: string, stdout: NodeJS.WritableStream, body: (sink: Sink) => Promise<void>, options: { force?: boolean } = {}): Promise<void> {
  await withOutputs([{ path, body }], stdout, options);
}
