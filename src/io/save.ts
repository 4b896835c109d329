import { PassThrough } from 'node:stream';
import { UsageError } from '../core/errors.js';
import type { Matrix } from '../core/matrix.js';
import { FORMATS, inferFormat, writeMatrixFile, type Format, type WriteOptions } from './formats/index.js';

export interface SaveOptions extends WriteOptions {
  /** Default: from the file's extension (`.vec`/`.txt` word2vec text, `.bin`, `.json`, `.jsonl`, `.csv`, `.tsv`, `.mtx`). */
  format?: Format;
}

/**
 * Write a matrix (word vectors or any labelled matrix) to a file as `wordspace encode -o` does:
 * atomically (a temporary file renamed when complete), the format from `options.format` or the
 * extension, the metadata inside the file or in `<path>.meta.json`. (For standard output, use
 * `writeMatrixFile(matrix, '-', format, process.stdout)`.)
 */
export async function saveMatrix(matrix: Matrix, path: string, options: SaveOptions = {}): Promise<void> {
  if (path === '-') throw new UsageError('saveMatrix writes a file, not standard output', 'use writeMatrixFile(matrix, "-", format, stream)');
  const { format: given, ...writeOptions } = options;
  const format = given ?? inferFormat(path);
  if (!format) throw new UsageError(`cannot tell the format of ${path} from its name`, `give options.format: one of ${FORMATS.join(', ')}`);
  // The stream is only written for the path "-", refused above.
  await writeMatrixFile(matrix, path, format, new PassThrough(), writeOptions);
}
