/**
 * How `--memory` is divided among the structures of a stage (docs/memory.md). One place, so that the
 * shares can be read, checked and changed together. All figures are bytes.
 *
 * The budget is for the whole process. From it come, in this order:
 *   1. the runtime itself (RUNTIME_RESERVE: Node, V8, the code and the WebAssembly kernels);
 *   2. reading: the type table (TYPE_TABLE_SHARE of the rest), which prunes rare types when full;
 *      the token stream (4 bytes a token and a sentence end) when a command keeps it, in memory up
 *      to TOKEN_STREAM_SHARE of the rest, else spilled to a temporary file that the encoders stream
 *      (src/corpus/stream.ts); what it holds in memory is subtracted from what the later stages get;
 *   3. co-occurrence counting: the pair hash table (PAIR_TABLE_SHARE of what is left after the
 *      token stream), which spills sorted runs to temporary files when full; the other part is
 *      left for the merged pairs and the count matrix built from them (the result, not bounded);
 *   4. merging runs or count files: at most MERGE_FAN_IN files open at once, each read through a
 *      buffer of mergeReadBlock() bytes.
 * Below the floors (MIN_TYPES, MIN_PAIR_SLOTS) the structures do not shrink: a tiny budget still
 * works, slowly, and the process then takes more than asked (a warning says so).
 */
import { totalmem } from 'node:os';

const MiB = 2 ** 20;
const GiB = 2 ** 30;

/** Default budget: half of the machine's memory, at most DEFAULT_MEMORY_CAP. */
export const DEFAULT_MEMORY_SHARE = 0.5;
export const DEFAULT_MEMORY_CAP = 8 * GiB;
/** The smallest --memory accepted. */
export const MIN_MEMORY = 1 * MiB;

/** Resident memory of the runtime before any data: `wordspace vocab` on a 3-word file peaks at 75 MB, `encode cooc` at 83 MB (measured, Node 20). */
export const RUNTIME_RESERVE = 80 * MiB;

/**
 * Estimated bytes per type in the reader's type table: the kernel's hash slot (16 bytes at a load of
 * at most ½: 32), count, offset and length (16), the bytes of the word (~10), all doubled because the
 * kernel's bump allocator keeps the old blocks while growing (~120); the JavaScript string and its
 * array slot (~50); the Vocabulary built from it at the end (Map entry, arrays: ~80).
 */
export const BYTES_PER_TYPE = 250;
/** Share of the budget (after the runtime) for the type table: all of it for `vocab`, a quarter when the token stream is kept. */
export const TYPE_TABLE_SHARE = { countOnly: 0.5, keepTokens: 0.25 };
/** The type table never prunes below this many types. */
export const MIN_TYPES = 1024;
/** After pruning, at most this fraction of the limit remains (so that pruning is not repeated at every new type). */
export const PRUNE_TARGET = 0.75;

/**
 * Share of the budget (after the runtime) for the token stream in memory. While a large file is
 * read, the workers' ranges and the merged stream live together (each gets half); word2vec's
 * threads then copy their slices once more: so the stream proper is held to a fifth.
 */
export const TOKEN_STREAM_SHARE = 0.2;
/** The token stream never spills below this many entries (256 KiB). */
export const MIN_STREAM_ENTRIES = 1 << 16;

/** The most token-stream entries held in memory before the stream spills to a temporary file. */
export function maxStreamEntries(memory: number): number {
  return Math.max(MIN_STREAM_ENTRIES, Math.floor((dataBytes(memory) * TOKEN_STREAM_SHARE) / 4));
}

/** Bytes of one slot of the pair hash table (PairCounter: key and weight, two float64s). */
export const PAIR_SLOT_BYTES = 16;
/** Share of what is left (after the runtime and the token stream) for the pair table; the rest is for the merged pairs and the matrix. */
export const PAIR_TABLE_SHARE = 0.4;
/** The pair table is never smaller than this many slots (~600 pairs). */
export const MIN_PAIR_SLOTS = 1024;

/** Files merged at once (GloVe's cooccur opens every run at once and meets "too many open files"). */
export const MERGE_FAN_IN = 64;
/** Read buffer per merged file: at most 1 MiB, at least 64 KiB. */
const MAX_READ_BLOCK = MiB;
const MIN_READ_BLOCK = 64 * 1024;

/** The default --memory on this machine. */
export function defaultMemory(total = totalmem()): number {
  return Math.min(DEFAULT_MEMORY_CAP, Math.floor(total * DEFAULT_MEMORY_SHARE));
}

/** Bytes left for data once the runtime is paid for (0 when the budget is below the reserve). */
export function dataBytes(memory: number): number {
  return Math.max(0, memory - RUNTIME_RESERVE);
}

/**
 * A stream (gzip, standard input) is held in memory, to be split among the reading threads, when it
 * ends within this many bytes: a tenth of the budget after the runtime, at most STREAM_HOLD_CAP.
 * It is let go before the stages that follow (the token stream, the encoders) take their shares.
 */
export const STREAM_HOLD_SHARE = 0.1;
export const STREAM_HOLD_CAP = 256 * MiB;

export function streamHoldBytes(memory: number): number {
  return Math.min(STREAM_HOLD_CAP, Math.floor(dataBytes(memory) * STREAM_HOLD_SHARE));
}

/** The most types the reader's table may hold before it prunes rare ones. */
export function maxTypes(memory: number, keepTokens: boolean): number {
  const share = keepTokens ? TYPE_TABLE_SHARE.keepTokens : TYPE_TABLE_SHARE.countOnly;
  return Math.max(MIN_TYPES, Math.floor((dataBytes(memory) * share) / BYTES_PER_TYPE));
}

/**
 * The most slots the pair hash table may grow to (a power of two), given the bytes already held by
 * the corpus (token stream, boundaries). It grows by doubling (old and new tables live together for
 * a moment: 1.5 × the final size), so the cap is the largest power of two whose 1.5 × 16 bytes fit.
 */
export function maxPairSlots(memory: number, heldBytes: number): number {
  const share = Math.max(0, dataBytes(memory) - heldBytes) * PAIR_TABLE_SHARE;
  let slots = MIN_PAIR_SLOTS;
  while (slots * 2 * PAIR_SLOT_BYTES * 1.5 <= share) slots *= 2;
  return slots;
}

/** Read buffer per file in a k-way merge of `files` files (at most MERGE_FAN_IN at once). */
export function mergeReadBlock(memory: number, files: number): number {
  const open = Math.max(1, Math.min(files, MERGE_FAN_IN));
  const block = Math.floor((dataBytes(memory) * PAIR_TABLE_SHARE) / open);
  return Math.max(MIN_READ_BLOCK, Math.min(MAX_READ_BLOCK, block));
}

/** True when the budget cannot hold even the runtime (the structures then use their floors). */
export function belowRuntime(memory: number): boolean {
  return memory < RUNTIME_RESERVE;
}
