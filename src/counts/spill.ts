/**
 * Pair counts bounded in memory (issue 7 §2; GloVe's cooccur, without its "too many open files"):
 * a PairCounter that may not grow past its share of --memory spills its pairs, sorted by (a, b), as
 * a run — a binary count file in the format of src/counts/format.ts — to a temporary directory, and
 * empties itself. At the end the runs are merged k-way, at most `fanIn` files open at once (in
 * rounds through intermediate runs when there are more), into sorted pair arrays.
 *
 * Sums: each run holds partial sums of a pair's weights in text order; runs are merged in text
 * order. For integer weights (`--distance-weighting none`) the result is exactly the in-memory one;
 * for 1/d or linear weights the additions are grouped differently, which may change the last bit
 * (docs/memory.md).
 */
import { closeSync, mkdtempSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { crc32 } from 'node:zlib';
import { MERGE_FAN_IN } from '../corpus/budget.js';
import { PairCounter } from '../encoders/pair-counter.js';
import { registerTemporaryDirectory, releaseTemporaryDirectory, temporaryWriteError } from '../io/output.js';
import { checksumBytes, CountFileReader, headerBytes, pairBytes, type CountHeader } from './format.js';
import { mergedPairBatches } from './merge.js';

export interface SpillOptions {
  /** The most slots the pair table may have (a power of two; src/corpus/budget.ts). */
  maxSlots: number;
  /** Files merged at once (default MERGE_FAN_IN). */
  fanIn?: number;
  /** Read buffer per merged file. */
  readBlock?: number;
  /** The settings written in each run's header (window, weighting). */
  header: Omit<CountHeader, 'kind' | 'types'>;
  /** Where the temporary directory goes (default os.tmpdir()). */
  tmpDir?: string;
}

export interface SpillStats {
  /** Runs written by the counter. */
  runs: number;
  /** Merge rounds through intermediate runs (0: all runs merged at once). */
  rounds: number;
  /** Temporary disk used at the most (bytes of the runs alive at once). */
  tempBytes: number;
}

/** Pairs (a ≤ b) with their summed weights, as parallel arrays. */
export interface PairArrays {
  a: ArrayLike<number>;
  b: ArrayLike<number>;
  weight: ArrayLike<number>;
}

/** Writes a run file synchronously (the counter spills from inside its hot loop). */
function writeRun(path: string, header: CountHeader, words: string[], batches: Iterable<{ a: ArrayLike<number>; b: ArrayLike<number>; weight: ArrayLike<number>; n: number }>): number {
  try {
    return writeRunFile(path, header, words, batches);
  } catch (err) {
    throw temporaryWriteError('sorted co-occurrence runs', dirname(path), err);
  }
}

function writeRunFile(path: string, header: CountHeader, words: string[], batches: Iterable<{ a: ArrayLike<number>; b: ArrayLike<number>; weight: ArrayLike<number>; n: number }>): number {
  const fd = openSync(path, 'wx');
  let crc = 0;
  let bytes = 0;
  const put = (chunk: Buffer): void => {
    crc = crc32(chunk, crc);
    for (let off = 0; off < chunk.length; ) off += writeSync(fd, chunk, off);
    bytes += chunk.length;
  };
  try {
    put(headerBytes({ ...header, types: words.length }, words));
    for (const batch of batches) for (const chunk of pairBytes(batch.a, batch.b, batch.weight, 0, batch.n)) put(chunk);
    const tail = checksumBytes(crc);
    writeSync(fd, tail);
    return bytes + tail.length;
  } finally {
    closeSync(fd);
  }
}

/**
 * Counts pairs like PairCounter, spilling to runs when its table is full. Use `counter.add` in the
 * hot loop, then `finish` once.
 */
export class SpillingPairCounter {
  readonly counter: PairCounter;
  private dir: string | undefined;
  private runs: string[] = [];
  private liveBytes = 0;
  private named = 0;
  readonly stats: SpillStats = { runs: 0, rounds: 0, tempBytes: 0 };
  private readonly header: CountHeader;
  /** Runs given by the caller (merge's inputs): read, never removed. */
  private readonly external = new Set<string>();

  constructor(
    private readonly words: string[],
    private readonly options: SpillOptions,
    initialCapacity = 1 << 20,
  ) {
    this.header = { kind: 'cooc', ...options.header };
    this.counter = new PairCounter(Math.max(words.length, 1), initialCapacity, options.maxSlots, () => this.spill());
  }

  private newRunPath(): string {
    if (!this.dir) {
      const parent = this.options.tmpDir ?? tmpdir();
      try {
        this.dir = mkdtempSync(join(parent, 'wordspace-spill-'));
      } catch (err) {
        throw temporaryWriteError('a temporary directory', parent, err);
      }
      registerTemporaryDirectory(this.dir);
    }
    return join(this.dir, `run-${String(this.named++).padStart(6, '0')}.counts`);
  }

  private addRun(path: string, bytes: number): void {
    this.runs.push(path);
    this.liveBytes += bytes;
    this.stats.tempBytes = Math.max(this.stats.tempBytes, this.liveBytes);
  }

  /** Write the table's pairs as a sorted run and empty it. */
  private spill(): void {
    const pairs = this.counter.sortedEntries();
    const path = this.newRunPath();
    this.addRun(path, writeRun(path, this.header, this.words, [{ ...pairs, n: pairs.a.length }]));
    this.stats.runs++;
    this.counter.clear();
  }

  /**
   * Undefined when nothing was spilled (the pairs are the counter's own, in table order); else the
   * table's last pairs are spilled too and the runs merged in rounds down to at most `fanIn`, and a
   * function is returned that streams their k-way merge, sorted by (a, b), each time it is called
   * (the caller reads it twice: row sizes, then entries). `discard` removes the runs afterwards.
   */
  finish(): (() => Iterable<{ a: Uint32Array; b: Uint32Array; weight: Float64Array; n: number }>) | undefined {
    if (this.runs.length === 0) return undefined;
    if (this.counter.size > 0) this.spill();
    this.counter.release();
    this.reduceRuns();
    return () => mergedPairBatches(this.open(this.runs));
  }

  /**
   * Existing sorted count files (`wordspace merge`'s inputs) as the runs of an empty counter: merged
   * in rounds down to `fanIn` open files at once (the intermediate runs in a temporary directory; the
   * inputs are never removed). Returns the k-way merge of what is left, as `finish` does.
   */
  static mergeFiles(paths: string[], words: string[], options: SpillOptions): { merger: SpillingPairCounter; batches: () => Iterable<{ a: Uint32Array; b: Uint32Array; weight: Float64Array; n: number }> } {
    const merger = new SpillingPairCounter(words, options, 1);
    merger.counter.release();
    for (const p of paths) {
      merger.runs.push(p);
      merger.external.add(p);
    }
    merger.reduceRuns();
    return { merger, batches: () => mergedPairBatches(merger.open(merger.runs)) };
  }

  /** Remove the temporary directory (also on errors). */
  discard(): void {
    if (this.dir) releaseTemporaryDirectory(this.dir);
    this.dir = undefined;
  }

  private open(paths: string[]): CountFileReader[] {
    const readers: CountFileReader[] = [];
    try {
      for (const p of paths) readers.push(new CountFileReader(p, { words: false, block: this.options.readBlock }));
    } catch (err) {
      for (const r of readers) r.close();
      throw err;
    }
    return readers;
  }

  /** Merge rounds: consecutive groups of fanIn runs (text order is kept) become one run each, until at most fanIn are left. */
  private reduceRuns(): void {
    const fanIn = Math.max(2, this.options.fanIn ?? MERGE_FAN_IN);
    while (this.runs.length > fanIn) {
      this.stats.rounds++;
      const previous = this.runs;
      this.runs = [];
      for (let start = 0; start < previous.length; start += fanIn) {
        const group = previous.slice(start, start + fanIn);
        if (group.length === 1) {
          this.runs.push(group[0]!);
          continue;
        }
        const path = this.newRunPath();
        const readers = this.open(group);
        this.addRun(path, writeRun(path, this.header, this.words, mergedPairBatches(readers)));
        for (const done of group) {
          if (this.external.has(done)) continue;
          this.liveBytes -= statSync(done).size;
          releaseFile(done);
        }
      }
    }
  }
}

function releaseFile(path: string): void {
  try {
    rmSync(path);
  } catch {
    // removed with the directory at the end anyway
  }
}
