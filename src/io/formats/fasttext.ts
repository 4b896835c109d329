/**
 * fastText's `.bin` model (facebookresearch/fastText src/fasttext.cc `saveModel`/`loadModel`; docs/fasttext.md):
 *
 *   int32 magic 793712314, int32 version (12; 11 read too)
 *   Args: int32 dim ws epoch minCount neg wordNgrams loss model bucket minn maxn lrUpdateRate, float64 t
 *   Dictionary: int32 size nwords nlabels, int64 ntokens pruneidx_size,
 *               size × (UTF-8 word, NUL, int64 count, int8 type), pruneidx_size × (int32 bucket, int32 row)
 *   bool quantized input, then the input matrix: int64 rows, int64 cols, rows × cols float32
 *   bool quantized output, then the output matrix (the same layout)
 *
 * Written by writeFastText (`encode fasttext -o X.bin`). Read as a stream: every size is checked
 * against what the file can hold before anything is
 * allocated, and a file that ends early or disagrees with itself is one error line.
 */
import { InputError } from '../../core/errors.js';
import type { Matrix } from '../../core/matrix.js';
import { attachFastTextModel, ENTRY_LABEL, ENTRY_WORD, FASTTEXT_LOSSES, FASTTEXT_MODELS, FastTextModel, SUPERVISED, type FastTextArgs, type FastTextDictionary } from '../../encoders/fasttext/model.js';
import type { Sink } from '../output.js';
import type { ReadContext } from './common.js';
import type { ByteSource } from './source.js';

/** `FASTTEXT_FILEFORMAT_MAGIC_INT32` and `FASTTEXT_VERSION` (src/fasttext.h). */
export const FASTTEXT_MAGIC = 793712314;
export const FASTTEXT_VERSION = 12;
/** The oldest version fastText still reads (its supervised models had no character n-grams). */
const FASTTEXT_OLDEST_VERSION = 11;

const INT32 = 4;
const INT64 = 8;
const FLOAT32 = 4;
const FLOAT64 = 8;
const ARGS_BYTES = 12 * INT32 + FLOAT64;
/** The smallest dictionary entry: an empty word, its NUL, int64 count, int8 type. */
const MIN_ENTRY_BYTES = 1 + INT64 + 1;
/** A word longer than this means the file is not what its header says. */
const MAX_WORD_BYTES = 1 << 16;
/** Sanity bound on `dim`: pretrained models have 300; anything past this is a corrupt header. */
const MAX_DIM = 1 << 16;

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** True when the bytes start with fastText's magic number (both kinds of `.bin` exist: word2vec's starts with `V D`). */
export function isFastTextHead(head: Uint8Array): boolean {
  return head.length >= INT32 && Buffer.from(head.buffer, head.byteOffset, INT32).readInt32LE(0) === FASTTEXT_MAGIC;
}

export { fastTextModelOf } from '../../encoders/fasttext/model.js';

/** Read a fastText `.bin` and return its in-vocabulary word vectors, with the model attached (fastTextModelOf). */
export async function readFastTextMatrix(source: ByteSource, ctx: ReadContext): Promise<Matrix> {
  const model = await readFastText(source, ctx);
  const matrix = model.wordMatrix(ctx.name);
  attachFastTextModel(matrix, model);
  return matrix;
}

/** A cursor over the chunks of a source that reads little-endian numbers and fails as "truncated". */
class Cursor {
  private buffer: Buffer = Buffer.alloc(0);
  private pos = 0;
  /** Bytes before `buffer` (so `offset` is where the cursor is in the file). */
  private before = 0;
  private readonly chunks: AsyncIterator<Buffer>;

  constructor(
    source: ByteSource,
    private readonly name: string,
  ) {
    this.chunks = source.chunks()[Symbol.asyncIterator]();
  }

  get offset(): number {
    return this.before + this.pos;
  }

  get available(): number {
    return this.buffer.length - this.pos;
  }

  truncated(where: string): InputError {
    return new InputError(`${this.name} is truncated: it ends in ${where} (after ${this.offset.toLocaleString('en-US')} bytes)`, 'check that the file was copied completely');
  }

  /** One more chunk appended after what is unread; false at the end. */
  async more(): Promise<boolean> {
    const r = await this.chunks.next();
    if (r.done) return false;
    this.before += this.pos;
    this.buffer = this.available > 0 ? Buffer.concat([this.buffer.subarray(this.pos), r.value]) : r.value;
    this.pos = 0;
    return true;
  }

  async need(bytes: number, where: string): Promise<void> {
    while (this.available < bytes) if (!(await this.more())) throw this.truncated(where);
  }

  async int32(where: string): Promise<number> {
    await this.need(INT32, where);
    const v = this.buffer.readInt32LE(this.pos);
    this.pos += INT32;
    return v;
  }

  async int64(where: string): Promise<number> {
    await this.need(INT64, where);
    const v = this.buffer.readBigInt64LE(this.pos);
    this.pos += INT64;
    if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < BigInt(Number.MIN_SAFE_INTEGER)) throw corrupt(this.name, `${where} is ${v}`);
    return Number(v);
  }

  async float64(where: string): Promise<number> {
    await this.need(FLOAT64, where);
    const v = this.buffer.readDoubleLE(this.pos);
    this.pos += FLOAT64;
    return v;
  }

  async byte(where: string): Promise<number> {
    await this.need(1, where);
    return this.buffer[this.pos++]!;
  }

  /** A dictionary entry (word, NUL, int64 count, int8 type), or a truncation error. */
  async entry(where: string): Promise<{ word: string; count: number; type: number }> {
    for (;;) {
      const nul = this.buffer.indexOf(0, this.pos);
      if (nul !== -1 && nul + 1 + INT64 + 1 <= this.buffer.length) {
        const word = this.buffer.toString('utf8', this.pos, nul);
        const count = Number(this.buffer.readBigInt64LE(nul + 1));
        const type = this.buffer[nul + 1 + INT64]!;
        this.pos = nul + 1 + INT64 + 1;
        return { word, count, type };
      }
      if (nul === -1 && this.available > MAX_WORD_BYTES) throw corrupt(this.name, `${where} has no end within ${MAX_WORD_BYTES} bytes`);
      if (!(await this.more())) throw this.truncated(where);
    }
  }

  /** `count` bytes copied into `target` (a float32 array's bytes). */
  async copyInto(target: Uint8Array, where: string): Promise<void> {
    let at = 0;
    while (at < target.length) {
      if (this.available === 0 && !(await this.more())) throw this.truncated(where);
      const n = Math.min(this.available, target.length - at);
      target.set(this.buffer.subarray(this.pos, this.pos + n), at);
      this.pos += n;
      at += n;
    }
  }

  /** Skip `count` bytes. */
  async skip(count: number, where: string): Promise<void> {
    let left = count;
    while (left > 0) {
      if (this.available === 0 && !(await this.more())) throw this.truncated(where);
      const n = Math.min(this.available, left);
      this.pos += n;
      left -= n;
    }
  }

  /** True when bytes are left after the model. */
  async trailing(): Promise<boolean> {
    return this.available > 0 || (await this.more());
  }

  async close(): Promise<void> {
    await this.chunks.return?.().catch(() => undefined);
  }
}

function corrupt(name: string, what: string): InputError {
  return new InputError(`${name} is not a valid fastText model: ${what}`, 'the file is damaged or not a fastText .bin; check that it was copied completely');
}

/** Refuse now, before allocating, a size that the bytes left in the file cannot hold. */
function checkRoom(cursor: Cursor, source: ByteSource, bytes: number, where: string): void {
  if (source.size !== undefined && cursor.offset + bytes > source.size) {
    throw new InputError(
      `${source.name} is truncated: ${where} needs ${bytes.toLocaleString('en-US')} bytes but the file has ${(source.size - cursor.offset).toLocaleString('en-US')} left`,
      'check that the file was copied completely',
    );
  }
}

async function readArgs(cursor: Cursor, name: string): Promise<FastTextArgs> {
  await cursor.need(ARGS_BYTES, 'its training parameters');
  const ints: number[] = [];
  for (let k = 0; k < 12; k++) ints.push(await cursor.int32('its training parameters'));
  const [dim, ws, epoch, minCount, neg, wordNgrams, loss, model, bucket, minn, maxn, lrUpdateRate] = ints as [number, number, number, number, number, number, number, number, number, number, number, number];
  const t = await cursor.float64('its training parameters');
  if (dim < 1 || dim > MAX_DIM) throw corrupt(name, `dim is ${dim}`);
  if (!(model in FASTTEXT_MODELS)) throw corrupt(name, `model type ${model} (1 cbow, 2 skipgram, 3 supervised)`);
  if (!(loss in FASTTEXT_LOSSES)) throw corrupt(name, `loss type ${loss} (1 hs, 2 ns, 3 softmax, 4 ova)`);
  if (bucket < 0 || minn < 0 || maxn < 0) throw corrupt(name, `bucket ${bucket}, minn ${minn}, maxn ${maxn}`);
  return { dim, ws, epoch, minCount, neg, wordNgrams, loss, model, bucket, minn, maxn, lrUpdateRate, t };
}

async function readDictionary(cursor: Cursor, source: ByteSource): Promise<FastTextDictionary> {
  const where = 'its dictionary';
  const size = await cursor.int32(where);
  const nwords = await cursor.int32(where);
  const nlabels = await cursor.int32(where);
  const ntokens = await cursor.int64(where);
  const pruneSize = await cursor.int64(where);
  if (size < 0 || nwords < 0 || nlabels < 0 || nwords + nlabels !== size) throw corrupt(source.name, `its dictionary has ${size} entries, ${nwords} words and ${nlabels} labels`);
  checkRoom(cursor, source, size * MIN_ENTRY_BYTES, `a dictionary of ${size.toLocaleString('en-US')} entries`);
  const entries: string[] = new Array<string>(size);
  const counts = new Float64Array(size);
  const types = new Uint8Array(size);
  for (let i = 0; i < size; i++) {
    const e = await cursor.entry(`dictionary entry ${i + 1} of ${size}`);
    if (e.type !== ENTRY_WORD && e.type !== ENTRY_LABEL) throw corrupt(source.name, `dictionary entry ${i + 1} has type ${e.type}`);
    if ((e.type === ENTRY_WORD) !== i < nwords) throw corrupt(source.name, `dictionary entry ${i + 1} (${JSON.stringify(e.word)}) is a ${e.type === ENTRY_WORD ? 'word' : 'label'} where the ${i < nwords ? 'words' : 'labels'} are`);
    entries[i] = e.word;
    counts[i] = e.count;
    types[i] = e.type;
  }
  const pruneidx = new Map<number, number>();
  if (pruneSize > 0) {
    checkRoom(cursor, source, pruneSize * 2 * INT32, `a pruning index of ${pruneSize.toLocaleString('en-US')} entries`);
    for (let k = 0; k < pruneSize; k++) pruneidx.set(await cursor.int32('its pruning index'), await cursor.int32('its pruning index'));
  }
  return { entries, counts, types, nwords, nlabels, ntokens, pruneSize, pruneidx };
}

/** A dense matrix header (int64 rows, int64 cols), checked against what the file holds. */
async function readMatrixHeader(cursor: Cursor, source: ByteSource, what: string): Promise<{ rows: number; cols: number; bytes: number }> {
  const rows = await cursor.int64(`the ${what} matrix`);
  const cols = await cursor.int64(`the ${what} matrix`);
  if (rows < 0 || cols < 0 || !Number.isSafeInteger(rows * cols * FLOAT32)) throw corrupt(source.name, `the ${what} matrix claims ${rows} × ${cols} values`);
  const bytes = rows * cols * FLOAT32;
  checkRoom(cursor, source, bytes, `the ${what} matrix (${rows.toLocaleString('en-US')} × ${cols} float32)`);
  return { rows, cols, bytes };
}

/** rows × cols little-endian float32 values into memory (refusing NaN/±Infinity when ctx.finite). */
async function readFloatMatrix(cursor: Cursor, source: ByteSource, ctx: ReadContext, shape: { rows: number; cols: number }, what: string): Promise<Float32Array> {
  let data: Float32Array;
  try {
    data = new Float32Array(shape.rows * shape.cols);
  } catch {
    throw new InputError(`${source.name}: its ${what} matrix (${shape.rows.toLocaleString('en-US')} × ${shape.cols} float32) is too large to hold in memory`);
  }
  if (LITTLE_ENDIAN) await cursor.copyInto(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), `the ${what} matrix`);
  else {
    const bytes = new Uint8Array(data.byteLength);
    await cursor.copyInto(bytes, `the ${what} matrix`);
    const view = new DataView(bytes.buffer);
    for (let k = 0; k < data.length; k++) data[k] = view.getFloat32(k * FLOAT32, true);
  }
  if (ctx.finite) {
    for (let k = 0; k < data.length; k++) {
      if (!Number.isFinite(data[k]!)) throw corrupt(source.name, `${what} row ${Math.floor(k / shape.cols) + 1} holds ${String(data[k])}`);
    }
  }
  return data;
}

/** Read a fastText `.bin` model (the whole file: a truncated output matrix is reported too). */
export async function readFastText(source: ByteSource, ctx: ReadContext): Promise<FastTextModel> {
  const cursor = new Cursor(source, source.name);
  try {
    const magic = await cursor.int32('its header');
    if (magic !== FASTTEXT_MAGIC) throw corrupt(source.name, `it does not start with fastText's magic number ${FASTTEXT_MAGIC}`);
    const version = await cursor.int32('its header');
    if (version > FASTTEXT_VERSION || version < FASTTEXT_OLDEST_VERSION) {
      throw new InputError(`${source.name} is a fastText model of file version ${version}; wordspace reads versions ${FASTTEXT_OLDEST_VERSION} and ${FASTTEXT_VERSION}`, 'save it again with fastText 0.9 (or export its vectors as .vec)');
    }
    const args = await readArgs(cursor, source.name);
    // fastText's loadModel: version-11 supervised models had no character n-grams.
    if (version === 11 && args.model === SUPERVISED) args.maxn = 0;
    const dictionary = await readDictionary(cursor, source);
    const quantized = await cursor.byte('the input matrix');
    if (quantized !== 0) {
      throw new InputError(`${source.name} is a quantized fastText model (.ftz); wordspace reads only full .bin models`, 'use the .bin the model was quantized from');
    }
    // fastText's loadModel: only quantized models may have a pruned dictionary (pruneidx_size ≥ 0).
    if (dictionary.pruneSize >= 0) throw corrupt(source.name, 'an unquantized model with a pruned dictionary (fastText refuses these too, see its issue #332)');
    const input = await readMatrixHeader(cursor, source, 'input');
    if (input.cols !== args.dim) throw corrupt(source.name, `the input matrix has ${input.cols} columns, its dim is ${args.dim}`);
    // fastText's createRandomMatrix: one row per word, then one per bucket (labels have none).
    if (input.rows !== dictionary.nwords + args.bucket) {
      throw corrupt(source.name, `the input matrix has ${input.rows} rows, not the ${dictionary.nwords} words + ${args.bucket} buckets`);
    }
    const data = await readFloatMatrix(cursor, source, ctx, input, 'input');
    const quantizedOutput = await cursor.byte('the output matrix');
    if (quantizedOutput !== 0) throw corrupt(source.name, 'a quantized output matrix after a full input matrix');
    const output = await readMatrixHeader(cursor, source, 'output');
    let outputData: Float32Array | undefined;
    // Skip-gram and CBOW predict words: one output row per dictionary word (fastText's Model::output).
    if (ctx.keepOutput && args.model !== SUPERVISED && output.rows === dictionary.nwords && output.cols === args.dim) outputData = await readFloatMatrix(cursor, source, ctx, output, 'output');
    else await cursor.skip(output.bytes, 'the output matrix');
    if (await cursor.trailing()) ctx.warn(`${source.name}: ignored data after the fastText model`);
    return new FastTextModel(version, args, dictionary, data, input.rows, outputData);
  } finally {
    await cursor.close();
  }
}

/** Bytes handed to the sink at once while a matrix is written (views of the model, never one copy of it). */
const WRITE_CHUNK_BYTES = 1 << 20;

/** A dense matrix as `.bin` holds it: bool quantized (0), int64 rows, int64 cols, rows × cols float32. */
async function writeMatrixBlock(sink: Sink, values: Float32Array | undefined, rows: number, cols: number): Promise<void> {
  const head = Buffer.alloc(1 + 2 * INT64);
  head.writeUInt8(0, 0);
  head.writeBigInt64LE(BigInt(rows), 1);
  head.writeBigInt64LE(BigInt(cols), 1 + INT64);
  await sink.write(head);
  const bytes = rows * cols * FLOAT32;
  if (values && values.length !== rows * cols) throw new Error(`fastText writer: ${values.length} values for ${rows} × ${cols}`);
  for (let at = 0; at < bytes; at += WRITE_CHUNK_BYTES) {
    const n = Math.min(WRITE_CHUNK_BYTES, bytes - at);
    let chunk: Buffer;
    if (!values) chunk = Buffer.alloc(n);
    else if (LITTLE_ENDIAN) chunk = Buffer.from(values.buffer, values.byteOffset + at, n);
    else {
      chunk = Buffer.alloc(n);
      for (let k = 0; k < n; k += FLOAT32) chunk.writeFloatLE(values[(at + k) / FLOAT32]!, k);
    }
    await sink.write(chunk);
  }
}

/**
 * Write a model as fastText's `.bin` (version 12, the layout at the top of this file): what
 * `fasttext print-word-vectors` and gensim's `load_facebook_model` read. A model without its output
 * matrix (one read from a `.bin`) gets a zero one of the right shape.
 */
export async function writeFastText(model: FastTextModel, sink: Sink): Promise<void> {
  const { args, dictionary } = model;
  const head = Buffer.alloc(2 * INT32 + ARGS_BYTES + 3 * INT32 + 2 * INT64);
  let at = 0;
  for (const v of [FASTTEXT_MAGIC, FASTTEXT_VERSION, args.dim, args.ws, args.epoch, args.minCount, args.neg, args.wordNgrams, args.loss, args.model, args.bucket, args.minn, args.maxn, args.lrUpdateRate]) at = head.writeInt32LE(v, at);
  at = head.writeDoubleLE(args.t, at);
  at = head.writeInt32LE(dictionary.entries.length, at);
  at = head.writeInt32LE(dictionary.nwords, at);
  at = head.writeInt32LE(dictionary.nlabels, at);
  at = head.writeBigInt64LE(BigInt(dictionary.ntokens), at);
  // pruneidx_size: −1, never pruned (only quantized models are, and those are not written here).
  head.writeBigInt64LE(-1n, at);
  await sink.write(head);
  for (let i = 0; i < dictionary.entries.length; i++) {
    const word = Buffer.from(dictionary.entries[i]!, 'utf8');
    const entry = Buffer.alloc(word.length + 1 + INT64 + 1);
    word.copy(entry, 0);
    entry.writeBigInt64LE(BigInt(Math.round(dictionary.counts[i]!)), word.length + 1);
    entry.writeUInt8(dictionary.types[i]!, word.length + 1 + INT64);
    await sink.write(entry);
  }
  await writeMatrixBlock(sink, model.input, model.rows, args.dim);
  const outputRows = args.model === SUPERVISED ? dictionary.nlabels : dictionary.nwords;
  await writeMatrixBlock(sink, model.output, outputRows, args.dim);
}
