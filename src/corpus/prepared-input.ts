/**
 * Recognising a prepared corpus among a command's inputs by its magic bytes (a file or standard
 * input), so that every command that takes a corpus takes one in place of text.
 */
import { createWriteStream, promises as fs } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { InputError } from '../core/errors.js';
import { releaseTemporaryDirectory } from '../io/output.js';
import { displayName, fileError } from '../io/input.js';
import { peekStream } from '../io/peek.js';
import { isPreparedCorpus, openPreparedCorpus, PREPARED_MAGIC, type PreparedCorpus } from './prepared.js';
import { makeStreamDirectory } from './stream.js';

export interface PreparedProbe {
  /** The prepared corpus, when the input is one. */
  prepared?: PreparedCorpus;
  /** Standard input to read text from instead of the original (its first bytes were consumed to look). */
  stdin?: NodeJS.ReadableStream;
}

async function fileHead(path: string): Promise<Buffer> {
  let handle;
  try {
    handle = await fs.open(path, 'r');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EISDIR') return Buffer.alloc(0); // reported by the text reader
    throw fileError(path, err);
  }
  try {
    if ((await handle.stat()).isDirectory()) return Buffer.alloc(0);
    const head = Buffer.alloc(PREPARED_MAGIC.length);
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    return head.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/** Open a prepared corpus file (errors reading it name it). */
function openFile(path: string, name: string, dir?: string): PreparedCorpus {
  try {
    return openPreparedCorpus(path, name, dir);
  } catch (err) {
    if (err instanceof InputError) throw err;
    throw fileError(path, err);
  }
}

/**
 * Look at standard input's first bytes; a prepared corpus is copied to a temporary file (owned by
 * the corpus, removed with it) and read from there in bounded memory, else an equivalent stream.
 */
async function probeStdin(stdin: NodeJS.ReadableStream): Promise<PreparedProbe> {
  const peeked = await peekStream(stdin, (head) => head.length >= PREPARED_MAGIC.length);
  if (!isPreparedCorpus(peeked.head)) return { stdin: peeked.replay() };
  const dir = makeStreamDirectory();
  try {
    const file = join(dir, 'stdin.wsc');
    await pipeline(Readable.from(peeked.replay()), createWriteStream(file));
    return { prepared: openFile(file, displayName('-'), dir) };
  } catch (err) {
    releaseTemporaryDirectory(dir);
    throw err;
  }
}

/**
 * If the inputs are one prepared corpus, read it; a prepared corpus mixed with other inputs is
 * refused (its vocabulary and the text's tokens could not be combined faithfully).
 */
export async function probePrepared(inputs: string[], stdin: NodeJS.ReadableStream | undefined): Promise<PreparedProbe> {
  const refuse = (path: string): InputError =>
    new InputError(
      `${displayName(path)} is a prepared corpus and cannot be read together with other inputs`,
      'prepare all the inputs in one `wordspace prepare` run, or give the prepared corpus alone',
    );
  let replacedStdin: NodeJS.ReadableStream | undefined;
  for (const path of inputs) {
    if (path === '-') {
      if (!stdin || replacedStdin) continue;
      const probe = await probeStdin(stdin);
      if (probe.prepared) {
        if (inputs.length > 1) throw refuse(path);
        return { prepared: probe.prepared };
      }
      replacedStdin = probe.stdin;
    } else if (isPreparedCorpus(await fileHead(path))) {
      if (inputs.length > 1) throw refuse(path);
      return { prepared: openFile(path, path) };
    }
  }
  return replacedStdin ? { stdin: replacedStdin } : {};
}
