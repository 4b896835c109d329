import type { MatrixMeta } from '../core/matrix.js';

/**
 * How a query word is matched to the rows, from the vectors' metadata: `fold` when they were built
 * lowercased (`options.keepCase: false`, wordspace's default), `exact` with `--keep-case`, `unknown`
 * for vectors from elsewhere (no metadata) and for document rows (`rowKind: "document"`, encode docvec).
 */
export type QueryCase = 'fold' | 'exact' | 'unknown';

export function queryCase(meta: MatrixMeta | undefined): QueryCase {
  // Document ids (file names, CSV ids) are never lowercased, whatever the tokenizer did to the text.
  if (meta?.rowKind === 'document') return 'unknown';
  const keepCase = meta?.options?.keepCase;
  return keepCase === false ? 'fold' : keepCase === true ? 'exact' : 'unknown';
}
