/**
 * fastText's character n-grams and their hashing (facebookresearch/fastText src/dictionary.cc,
 * `hash`, `computeSubwords`, `pushHash`, `getSubwords`), so that an n-gram id here means the row it
 * means in a fastText model: a pretrained `cc.en.300.bin` gives the same vector for an unseen word
 * here as `fasttext print-word-vectors` does.
 */

/** fastText's begin- and end-of-word markers, put around a word before its n-grams are cut. */
export const BOW = '<';
export const EOW = '>';
/** The end-of-sentence token fastText adds to its dictionary; it never gets n-grams. */
export const EOS = '</s>';

/** 32-bit FNV-1a (Fowler–Noll–Vo): offset basis and prime. */
const FNV_OFFSET_BASIS = 2166136261;
const FNV_PRIME = 16777619;

/**
 * fastText's hash of a byte string: FNV-1a over the bytes **read as signed char** and sign-extended
 * to 32 bits (`h ^= uint32_t(int8_t(c))`), a quirk every released model depends on: a byte ≥ 0x80
 * is xored as 0xFFFFFF80 | byte, not as the byte. For ASCII it is plain FNV-1a.
 */
export function fastTextHash(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let h = FNV_OFFSET_BASIS;
  for (let i = start; i < end; i++) {
    const signed = (bytes[i]! << 24) >> 24; // int8_t(c), sign-extended
    h = Math.imul((h ^ signed) >>> 0, FNV_PRIME) >>> 0;
  }
  return h >>> 0;
}

/** fastText's hash of a string, over its UTF-8 bytes. */
export function hashString(text: string): number {
  return fastTextHash(Buffer.from(text, 'utf8'));
}

/** What n-grams depend on: fastText's `-minn`, `-maxn`, `-bucket`. */
export interface SubwordParameters {
  minn: number;
  maxn: number;
  bucket: number;
}

/** A continuation byte of a UTF-8 sequence (10xxxxxx): n-grams never start or end inside a character. */
function isContinuation(byte: number): boolean {
  return (byte & 0xc0) === 0x80;
}

/**
 * Every character n-gram of `<word>` that fastText hashes, in its order (by start, then by
 * length), as byte ranges of the UTF-8 bytes of `<word>`: n from minn to maxn characters, a lone
 * `<` or `>` left out. `onNgram(start, end)` is called once per n-gram.
 */
export function forEachNgram(wrapped: Uint8Array, params: Pick<SubwordParameters, 'minn' | 'maxn'>, onNgram: (start: number, end: number) => void): void {
  const size = wrapped.length;
  for (let i = 0; i < size; i++) {
    if (isContinuation(wrapped[i]!)) continue;
    for (let j = i, n = 1; j < size && n <= params.maxn; n++) {
      j++;
      while (j < size && isContinuation(wrapped[j]!)) j++;
      if (n >= params.minn && !(n === 1 && (i === 0 || j === size))) onNgram(i, j);
    }
  }
}

/** The n-grams of a word as strings, in fastText's order (its `getSubwords` substrings, word id aside). */
export function ngrams(word: string, params: Pick<SubwordParameters, 'minn' | 'maxn'>): string[] {
  const wrapped = Buffer.from(BOW + word + EOW, 'utf8');
  const out: string[] = [];
  forEachNgram(wrapped, params, (start, end) => out.push(wrapped.toString('utf8', start, end)));
  return out;
}

/**
 * The bucket (0 … bucket−1) of each n-gram of a word: `hash(ngram) mod bucket`, in n-gram order,
 * duplicates kept (fastText sums a repeated n-gram twice).
 */
export function ngramBuckets(word: string, params: SubwordParameters): number[] {
  const wrapped = Buffer.from(BOW + word + EOW, 'utf8');
  const out: number[] = [];
  if (params.bucket <= 0) return out;
  forEachNgram(wrapped, params, (start, end) => out.push(fastTextHash(wrapped, start, end) % params.bucket));
  return out;
}
