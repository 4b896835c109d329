// Byte-level tokenizer-counter for corpus reading (src/text/scan.ts is its JavaScript side).
//
// A line of ASCII bytes is tokenized here with the rules of src/text/tokenize.ts restricted to ASCII
// (`word`, `whitespace` or `char`), lowercased in bytes unless the case is kept; each token is hashed
// (FNV-1a of its case-folded bytes) into an open-addressing table that gives every type an id in
// order of first appearance and counts it. A line with a byte ≥ 0x80 is left to the JavaScript
// regex tokenizer (scan returns -1), whose tokens come back one by one through `lookup`, into the
// same table. JavaScript makes a string only for a new type, from the bytes kept in the arena.
//
// The module owns its memory (not shared: one instance per thread) and grows it as the table, the
// arena and the buffers need; JavaScript re-reads pointers after every call that may grow it.

const FNV_OFFSET: u32 = 0x811c9dc5;
const FNV_PRIME: u32 = 0x01000193;

// Byte classes (as src/text/scan.ts documents them).
const ALNUM: u8 = 1;
const CONNECTOR: u8 = 2;
const SPACE: u8 = 4;
const HIGH: u8 = 16;

/** Slot: hash, id + 1 (0 = empty), length, arena offset — 16 bytes. */
const SLOT_BYTES: usize = 16;

let top: usize = 0;
let classes: usize = 0;
let fold: usize = 0;
let mode: i32 = 0;
let lowering: bool = false;

// Unicode classes of the Basic Multilingual Plane (u16 per code point) and its lowercase
// mapping (u16 per code point), written by JavaScript from its own regular expressions
// (src/text/unicode-classes.ts) so that they are the regex tokenizer's; until then (ucls == 0)
// every non-ASCII line goes to JavaScript.
const U_WORD: u8 = 1; // \p{L}\p{M}\p{N}, not of a no-space script
const U_CONNECTOR: u8 = 2; // \p{Pc}
const U_SPACE: u8 = 4; // \s (what String.prototype.trim removes)
const U_APOSTROPHE: u8 = 8; // ' and U+2019
const U_NO_SPACE: u8 = 16; // Han, Hiragana, Katakana, Thai, Lao, Khmer, Myanmar (Script_Extensions)
const U_CASE_BAIL: u8 = 64; // toLowerCase is not one code point of the same UTF-8 length, or depends on context (Σ)
const U_HAN: u16 = 32; // \p{scx=Han}: a run of these only is cut by jieba
const U_BAIL: u8 = 128; // U+FFFD: JavaScript counts it with the invalid sequences it replaced
const U_LETTER_NUMBER: u16 = 256; // \p{L}\p{N} of any script (what makes a piece jieba returns a word)
const WORD_OR_CONNECTOR: u8 = U_WORD | U_CONNECTOR;

// Runs of Han cut by jieba (JavaScript) in batches: scanChunk gathers the runs of the lines ahead
// into `runs` (each followed by a newline) and returns CHUNK_HAN; JavaScript cuts them in one call
// and gives back the pieces' lengths in UTF-16 units (piecesBuffer, piecesReady); the lines up to
// batchEnd then take their runs' words from the pieces, in order.
let hanMode: bool = false;
let runs: usize = 0;
let runsCapacity: usize = 0;
let runsLength: usize = 0;
let runsUnits: i32 = 0;
let runCount: i32 = 0;
let pieces: usize = 0;
let piecesCapacity: i32 = 0;
let pieceCount: i32 = 0;
let pieceAt: i32 = 0;
let runsAt: usize = 0;
let batchEnd: usize = 0; // address just past the batch's last line (0: no batch)
/** Bytes of runs gathered for one cut. */
const RUNS_BATCH: usize = 32 << 10;
let ucls: usize = 0;
let ulower: usize = 0;

let slots: usize = 0;
let mask: u32 = 0;
let arena: usize = 0;
let arenaCapacity: usize = 0;
let arenaUsed: usize = 0;
let counts: usize = 0;
let countsCapacity: i32 = 0;
let types: i32 = 0;
let offsets: usize = 0; // u32 arena offset per id
let lengths: usize = 0; // u32 length per id

let input: usize = 0;
let inputCapacity: usize = 0;
let ids: usize = 0;
let spans: usize = 0; // per token of the line: start, end, hash (u32 each)
let lineCapacity: usize = 0;
let blankLine: i32 = 0;

// scanChunk: a buffer of whole lines, the stream entries it produced, where it stopped.
let chunk: usize = 0;
let chunkCapacity: usize = 0;
let out: usize = 0;
let outCapacity: i32 = 0;
let outCount: i32 = 0;
let outSentences: i32 = 0;
let chunkLines: i32 = 0;
let resumeAt: i32 = 0;
let stopStart: i32 = 0;
let stopEnd: i32 = 0;

/** Bump allocation, 16-byte aligned, growing the memory as needed (old blocks are not reused). */
function alloc(bytes: usize): usize {
  const at = top;
  top = (top + bytes + 15) & ~(<usize>15);
  const needed = <i32>((top + 0xffff) >>> 16);
  const have = memory.size();
  if (needed > have) {
    if (memory.grow(needed - have) < 0) unreachable();
  }
  return at;
}

/** Start an empty table (tokenizing `whitespace`, case kept, until configure says otherwise). */
export function init(): void {
  top = (<usize>__heap_base + 15) & ~(<usize>15);
  classes = alloc(256);
  fold = alloc(256);
  for (let b: i32 = 0; b < 256; b++) {
    let c: u8 = 0;
    if ((b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a)) c = ALNUM;
    else if (b == 0x5f) c = CONNECTOR;
    else if (b == 9 || b == 10 || b == 11 || b == 12 || b == 13 || b == 32) c = SPACE;
    else if (b >= 0x80) c = HIGH;
    store<u8>(classes + b, c);
  }
  configure(1, 0, 0);
  const capacity: u32 = 1 << 12;
  slots = alloc(<usize>capacity * SLOT_BYTES);
  memory.fill(slots, 0, <usize>capacity * SLOT_BYTES);
  mask = capacity - 1;
  arenaCapacity = 1 << 16;
  arena = alloc(arenaCapacity);
  arenaUsed = 0;
  countsCapacity = 1024;
  counts = alloc(<usize>countsCapacity * 8);
  offsets = alloc(<usize>countsCapacity * 4);
  lengths = alloc(<usize>countsCapacity * 4);
  types = 0;
  ucls = 0;
  ulower = 0;
  runsCapacity = 0;
  piecesCapacity = 0;
  batchEnd = 0;
  docsCapacity = 0;
  docCount = 0;
  manyCapacity = 0;
  manyIdsCapacity = 0;
  inputCapacity = 0;
  lineCapacity = 0;
  chunkCapacity = 0;
  outCapacity = 0;
}

/** How `scan` tokenizes: `tokenizer` 0 word, 1 whitespace, 2 char; `lower` 1 to fold A–Z to a–z. */
export function configure(tokenizer: i32, lower: i32, han: i32): void {
  mode = tokenizer;
  lowering = lower != 0;
  hanMode = han != 0 && tokenizer == 0;
  batchEnd = 0;
  for (let b: i32 = 0; b < 256; b++) store<u8>(fold + b, lower != 0 && b >= 0x41 && b <= 0x5a ? <u8>(b | 0x20) : <u8>b);
}

/** Room for a line of `length` bytes (and its tokens); returns where JavaScript writes it. */
export function inputBuffer(length: i32): usize {
  const n = <usize>length + 1;
  if (n > inputCapacity) {
    inputCapacity = n * 2 > 4096 ? n * 2 : 4096;
    input = alloc(inputCapacity);
  }
  reserveLine(inputCapacity);
  return input;
}

/** Room for the tokens of a line of n - 1 bytes (at most one a byte). */
function reserveLine(n: usize): void {
  if (n <= lineCapacity) return;
  lineCapacity = n > 4096 ? n : 4096;
  ids = alloc(lineCapacity * 4);
  spans = alloc(lineCapacity * 12);
}

@inline function cls(b: u32): u8 {
  return load<u8>(classes + b);
}

@inline function folded(b: u32): u32 {
  return <u32>load<u8>(fold + b);
}

function rehash(): void {
  const oldSlots = slots;
  const oldCapacity = <usize>mask + 1;
  const capacity = oldCapacity * 2;
  slots = alloc(capacity * SLOT_BYTES);
  memory.fill(slots, 0, capacity * SLOT_BYTES);
  mask = <u32>capacity - 1;
  for (let s: usize = 0; s < oldCapacity; s++) {
    const from = oldSlots + s * SLOT_BYTES;
    if (load<u32>(from, 4) == 0) continue;
    let slot = load<u32>(from) & mask;
    while (load<u32>(slots + <usize>slot * SLOT_BYTES, 4) != 0) slot = (slot + 1) & mask;
    memory.copy(slots + <usize>slot * SLOT_BYTES, from, SLOT_BYTES);
  }
}

function insert(at: usize, start: usize, length: usize, hash: u32, folding: bool): i32 {
  const id = types;
  if (id == countsCapacity) {
    const capacity = countsCapacity * 2;
    const c = alloc(<usize>capacity * 8);
    memory.copy(c, counts, <usize>countsCapacity * 8);
    counts = c;
    const o = alloc(<usize>capacity * 4);
    memory.copy(o, offsets, <usize>countsCapacity * 4);
    offsets = o;
    const l = alloc(<usize>capacity * 4);
    memory.copy(l, lengths, <usize>countsCapacity * 4);
    lengths = l;
    countsCapacity = capacity;
  }
  if (arenaUsed + length > arenaCapacity) {
    let capacity = arenaCapacity * 2;
    while (arenaUsed + length > capacity) capacity *= 2;
    const a = alloc(capacity);
    memory.copy(a, arena, arenaUsed);
    arena = a;
    arenaCapacity = capacity;
  }
  const offset = arenaUsed;
  for (let i: usize = 0; i < length; i++) {
    const b = <u32>load<u8>(start + i);
    store<u8>(arena + offset + i, <u8>(folding ? folded(b) : b));
  }
  arenaUsed += length;
  store<f64>(counts + <usize>id * 8, 0);
  store<u32>(offsets + <usize>id * 4, <u32>offset);
  store<u32>(lengths + <usize>id * 4, <u32>length);
  types = id + 1;
  store<u32>(at, hash);
  store<u32>(at, <u32>id + 1, 4);
  store<u32>(at, <u32>length, 8);
  store<u32>(at, <u32>offset, 12);
  if (<u32>(id + 1) * 2 > mask + 1) rehash();
  return id;
}

/** The id of bytes [start, start + length) (case-folded when `folding`), added if new. */
function idOf(start: usize, length: usize, hash: u32, folding: bool): i32 {
  for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
    const at = slots + <usize>slot * SLOT_BYTES;
    const idPlus = load<u32>(at, 4);
    if (idPlus == 0) return insert(at, start, length, hash, folding);
    if (load<u32>(at) != hash || <usize>load<u32>(at, 8) != length) continue;
    const p = arena + <usize>load<u32>(at, 12);
    let i: usize = 0;
    if (folding) {
      while (i < length && <u32>load<u8>(p + i) == folded(<u32>load<u8>(start + i))) i++;
    } else {
      while (i < length && load<u8>(p + i) == load<u8>(start + i)) i++;
    }
    if (i == length) return <i32>idPlus - 1;
  }
  return -1; // not reached: the table is never full
}

@inline function record(n: i32, start: usize, end: usize, hash: u32): void {
  const at = spans + <usize>n * 12;
  store<u32>(at, <u32>start);
  store<u32>(at, <u32>end, 4);
  store<u32>(at, hash, 8);
}

/** `word` on ASCII (see src/text/scan.ts); -1 at a byte ≥ 0x80. */
function words(begin: usize, end: usize): i32 {
  let n: i32 = 0;
  let i = begin;
  while (i < end) {
    let c = cls(<u32>load<u8>(i));
    if ((c & (ALNUM | CONNECTOR)) == 0) {
      if (c == HIGH) return -1;
      i++;
      continue;
    }
    const tokenStart = i;
    while (c == CONNECTOR) {
      i++;
      if (i == end) break;
      c = cls(<u32>load<u8>(i));
    }
    if (i == end || c != ALNUM) continue; // a run of underscores alone is no word
    let h = FNV_OFFSET;
    for (let p = tokenStart; p <= i; p++) h = (h ^ folded(<u32>load<u8>(p))) * FNV_PRIME;
    i++;
    while (true) {
      while (i < end && (cls(<u32>load<u8>(i)) & (ALNUM | CONNECTOR)) != 0) {
        h = (h ^ folded(<u32>load<u8>(i))) * FNV_PRIME;
        i++;
      }
      if (i + 1 < end && load<u8>(i) == 0x27 && cls(<u32>load<u8>(i - 1)) == ALNUM && cls(<u32>load<u8>(i + 1)) == ALNUM) {
        h = (h ^ 0x27) * FNV_PRIME;
        h = (h ^ folded(<u32>load<u8>(i + 1))) * FNV_PRIME;
        i += 2;
        continue;
      }
      break;
    }
    record(n++, tokenStart, i, h);
  }
  return n;
}

/** `whitespace` on ASCII; -1 at a byte ≥ 0x80. */
function spaceRuns(begin: usize, end: usize): i32 {
  let n: i32 = 0;
  let i = begin;
  while (i < end) {
    if (cls(<u32>load<u8>(i)) == SPACE) {
      i++;
      continue;
    }
    const tokenStart = i;
    let h = FNV_OFFSET;
    for (; i < end; i++) {
      const b = <u32>load<u8>(i);
      const k = cls(b);
      if (k == SPACE) break;
      if (k == HIGH) return -1;
      h = (h ^ folded(b)) * FNV_PRIME;
    }
    record(n++, tokenStart, i, h);
  }
  return n;
}

/** `char` on ASCII; -1 at a byte ≥ 0x80. */
function chars(begin: usize, end: usize): i32 {
  let n: i32 = 0;
  for (let i = begin; i < end; i++) {
    const b = <u32>load<u8>(i);
    const k = cls(b);
    if (k == SPACE) continue;
    if (k == HIGH) return -1;
    record(n++, i, i + 1, (FNV_OFFSET ^ folded(b)) * FNV_PRIME);
  }
  return n;
}

/** Room for the Unicode tables (65,536 u16 classes, then 65,536 u16 lowercase code points); JavaScript fills them, then calls unicodeReady. */
export function unicodeBuffer(): usize {
  return alloc(65536 * 4);
}

export function unicodeReady(at: usize): void {
  ucls = at;
  ulower = at + 131072;
}

/** The code point at p (its bytes validated by checkLine) and its length in the high bits: cp | len << 24. */
@inline function decodeAt(p: usize): u32 {
  const b0 = <u32>load<u8>(p);
  if (b0 < 0x80) return b0 | (1 << 24);
  if (b0 < 0xe0) return (((b0 & 0x1f) << 6) | (<u32>load<u8>(p + 1) & 0x3f)) | (2 << 24);
  return (((b0 & 0x0f) << 12) | ((<u32>load<u8>(p + 1) & 0x3f) << 6) | (<u32>load<u8>(p + 2) & 0x3f)) | (3 << 24);
}

@inline function ucl(cp: u32): u8 {
  return <u8>load<u16>(ucls + (<usize>cp << 1));
}

@inline function uclass(cp: u32): u16 {
  return load<u16>(ucls + (<usize>cp << 1));
}

/** checkLine: the kernel cannot take the line; it can; it can, given the jieba cut of its runs of Han. */
const LINE_REFUSED: i32 = 0;
const LINE_OK: i32 = 1;
const LINE_RUNS: i32 = 2;

/**
 * Whether the kernel can take the line [begin, end): valid UTF-8 of the Basic Multilingual Plane
 * (no 4-byte sequence), nothing whose lowercase it cannot write in place when lowering, and for
 * `word` no character of a no-space script — but for runs of Han alone when `runsAllowed` (jieba
 * cuts them). Nothing is changed.
 */
function checkLine(begin: usize, end: usize, runsAllowed: bool): i32 {
  if (ucls == 0) return LINE_REFUSED;
  let result = LINE_OK;
  let i = begin;
  while (i < end) {
    const b0 = <u32>load<u8>(i);
    let cp: u32;
    if (b0 < 0x80) {
      i++;
      continue;
    } else if (b0 >= 0xc2 && b0 <= 0xdf) {
      if (i + 1 >= end) return LINE_REFUSED;
      const b1 = <u32>load<u8>(i + 1);
      if ((b1 & 0xc0) != 0x80) return LINE_REFUSED;
      cp = ((b0 & 0x1f) << 6) | (b1 & 0x3f);
      i += 2;
    } else if (b0 >= 0xe0 && b0 <= 0xef) {
      if (i + 2 >= end) return LINE_REFUSED;
      const b1 = <u32>load<u8>(i + 1);
      const b2 = <u32>load<u8>(i + 2);
      const lo: u32 = b0 == 0xe0 ? 0xa0 : 0x80;
      const hi: u32 = b0 == 0xed ? 0x9f : 0xbf;
      if (b1 < lo || b1 > hi || (b2 & 0xc0) != 0x80) return LINE_REFUSED;
      cp = ((b0 & 0x0f) << 12) | ((b1 & 0x3f) << 6) | (b2 & 0x3f);
      i += 3;
    } else return LINE_REFUSED;
    const c = uclass(cp);
    if ((c & U_BAIL) != 0 || (lowering && (c & U_CASE_BAIL) != 0)) return LINE_REFUSED;
    if (mode == 0 && (c & U_NO_SPACE) != 0) {
      if (!runsAllowed || (c & U_HAN) == 0) return LINE_REFUSED;
      result = LINE_RUNS;
    }
  }
  return result;
}

/** Lowercase the (checked) line in place: every mapping kept in the table has the same UTF-8 length. */
function lowerLine(begin: usize, end: usize): void {
  let i = begin;
  while (i < end) {
    const b0 = <u32>load<u8>(i);
    if (b0 < 0x80) {
      store<u8>(i, load<u8>(fold + b0));
      i++;
      continue;
    }
    const d = decodeAt(i);
    const cp = d & 0xffffff;
    const len = <usize>(d >>> 24);
    const low = <u32>load<u16>(ulower + (<usize>cp << 1));
    if (low != cp) {
      if (len == 2) {
        store<u8>(i, <u8>(0xc0 | (low >>> 6)));
        store<u8>(i + 1, <u8>(0x80 | (low & 0x3f)));
      } else {
        store<u8>(i, <u8>(0xe0 | (low >>> 12)));
        store<u8>(i + 1, <u8>(0x80 | ((low >>> 6) & 0x3f)));
        store<u8>(i + 2, <u8>(0x80 | (low & 0x3f)));
      }
    }
    i += len;
  }
}

@inline function hashBytes(h: u32, from: usize, to: usize): u32 {
  for (let p = from; p < to; p++) h = (h ^ <u32>load<u8>(p)) * FNV_PRIME;
  return h;
}

/** `word` on a checked (and lowered) line of any characters the tables hold. */
function uwords(begin: usize, end: usize): i32 {
  let n: i32 = 0;
  let i = begin;
  while (i < end) {
    let d = decodeAt(i);
    let c = ucl(d & 0xffffff) & WORD_OR_CONNECTOR;
    if (c == 0) {
      if ((ucl(d & 0xffffff) & U_NO_SPACE) != 0) {
        // A run of Han (checkLine allowed it only with runs): its words from the batch's pieces.
        while (i < end && (ucl(decodeAt(i) & 0xffffff) & U_NO_SPACE) != 0) i += <usize>(decodeAt(i) >>> 24);
        n = runWords(n);
        continue;
      }
      i += <usize>(d >>> 24);
      continue;
    }
    const tokenStart = i;
    while (c == U_CONNECTOR) {
      i += <usize>(d >>> 24);
      if (i == end) break;
      d = decodeAt(i);
      c = ucl(d & 0xffffff) & WORD_OR_CONNECTOR;
    }
    if (i == end || c != U_WORD) continue; // a run of connectors alone is no word
    i += <usize>(d >>> 24);
    let last = c;
    while (true) {
      while (i < end) {
        d = decodeAt(i);
        c = ucl(d & 0xffffff);
        if ((c & WORD_OR_CONNECTOR) == 0) break;
        c &= WORD_OR_CONNECTOR;
        last = c;
        i += <usize>(d >>> 24);
      }
      // An apostrophe joins a word character before it to one after it.
      if (i < end && last == U_WORD && (c & U_APOSTROPHE) != 0) {
        const after = i + <usize>(d >>> 24);
        if (after < end) {
          const d2 = decodeAt(after);
          if ((ucl(d2 & 0xffffff) & WORD_OR_CONNECTOR) == U_WORD) {
            i = after + <usize>(d2 >>> 24);
            last = U_WORD;
            continue;
          }
        }
      }
      break;
    }
    record(n++, tokenStart, i, hashBytes(FNV_OFFSET, tokenStart, i));
  }
  return n;
}

/** `whitespace` on a checked (and lowered) line. */
function uruns(begin: usize, end: usize): i32 {
  let n: i32 = 0;
  let i = begin;
  while (i < end) {
    let d = decodeAt(i);
    if ((ucl(d & 0xffffff) & U_SPACE) != 0) {
      i += <usize>(d >>> 24);
      continue;
    }
    const tokenStart = i;
    while (i < end) {
      d = decodeAt(i);
      if ((ucl(d & 0xffffff) & U_SPACE) != 0) break;
      i += <usize>(d >>> 24);
    }
    record(n++, tokenStart, i, hashBytes(FNV_OFFSET, tokenStart, i));
  }
  return n;
}

/** `char` on a checked (and lowered) line. */
function uchars(begin: usize, end: usize): i32 {
  let n: i32 = 0;
  let i = begin;
  while (i < end) {
    const d = decodeAt(i);
    const next = i + <usize>(d >>> 24);
    if ((ucl(d & 0xffffff) & U_SPACE) == 0) record(n++, i, next, hashBytes(FNV_OFFSET, i, next));
    i = next;
  }
  return n;
}

/** Whether every character of a checked line is a space. */
function ublank(begin: usize, end: usize): bool {
  let i = begin;
  while (i < end) {
    const d = decodeAt(i);
    if ((ucl(d & 0xffffff) & U_SPACE) == 0) return false;
    i += <usize>(d >>> 24);
  }
  return true;
}

/**
 * The words of the next run of the batch: pieces up to the newline piece that ends the run, each
 * recorded (a span in `runs`) when it is a word as tokenize.ts's isWordPiece says — its first
 * character a CJK ideograph or any of its characters a letter or digit. Returns the new token count.
 */
function runWords(n: i32): i32 {
  while (pieceAt < pieceCount) {
    const units = load<i32>(pieces + (<usize>pieceAt << 2));
    pieceAt++;
    const start = runs + runsAt;
    if (load<u8>(start) == 10) {
      runsAt++;
      return n;
    }
    let p = start;
    let wordLike = false;
    for (let k = 0; k < units; k++) {
      const d = decodeAt(p);
      const cp = d & 0xffffff;
      if ((k == 0 && cp >= 0x4e00 && cp <= 0x9fff) || (uclass(cp) & U_LETTER_NUMBER) != 0) wordLike = true;
      p += <usize>(d >>> 24);
    }
    runsAt = p - runs;
    // At most one token per 3 bytes of the line's run: within what scanChunk reserved for the line.
    if (wordLike) record(n++, start, p, hashBytes(FNV_OFFSET, start, p));
  }
  return n;
}

/**
 * Gather the runs of Han of the lines from `pos` (a line that has some) to `stop` into `runs`, each
 * followed by a newline: whole lines, while the kernel can take them and the runs stay under
 * RUNS_BATCH bytes. The batch ends at batchEnd.
 */
function gatherRuns(pos: usize, stop: usize): void {
  runsLength = 0;
  runsUnits = 0;
  runCount = 0;
  pieceCount = 0;
  pieceAt = 0;
  runsAt = 0;
  while (pos < stop && runsLength < RUNS_BATCH) {
    let nl = pos;
    while (load<u8>(nl) != 10) nl++;
    let end = nl;
    if (end > pos && load<u8>(end - 1) == 13) end--;
    const check = checkLine(pos, end, true);
    if (check == LINE_REFUSED) break;
    if (check == LINE_RUNS) {
      let i = pos;
      while (i < end) {
        const b0 = <u32>load<u8>(i);
        if (b0 < 0x80) {
          i++;
          continue;
        }
        const d = decodeAt(i);
        if ((ucl(d & 0xffffff) & U_NO_SPACE) == 0) {
          i += <usize>(d >>> 24);
          continue;
        }
        const from = i;
        while (i < end && (ucl(decodeAt(i) & 0xffffff) & U_NO_SPACE) != 0) {
          i += <usize>(decodeAt(i) >>> 24);
          runsUnits++;
        }
        reserveRuns(runsLength + (i - from) + 1);
        memory.copy(runs + runsLength, from, i - from);
        runsLength += i - from;
        store<u8>(runs + runsLength, 10);
        runsLength++;
        runsUnits++;
        runCount++;
      }
    }
    pos = nl + 1;
  }
  batchEnd = pos;
}

function reserveRuns(bytes: usize): void {
  if (bytes <= runsCapacity) return;
  let capacity = runsCapacity > 0 ? runsCapacity * 2 : RUNS_BATCH * 2;
  while (capacity < bytes) capacity *= 2;
  const r = alloc(capacity);
  if (runsLength > 0) memory.copy(r, runs, runsLength);
  runs = r;
  runsCapacity = capacity;
}

/** The gathered runs (runsByteLength() bytes, each run followed by a newline) for JavaScript to cut. */
export function runsBuffer(): usize {
  return runs;
}
export function runsByteLength(): i32 {
  return <i32>runsLength;
}
/** UTF-16 units of the gathered runs, newlines included (what the pieces' lengths must add up to). */
export function runsUnitCount(): i32 {
  return runsUnits;
}
export function runsCount(): i32 {
  return runCount;
}

/** Room for `count` piece lengths (i32); JavaScript writes them, then calls piecesReady. */
export function piecesBuffer(count: i32): usize {
  if (count > piecesCapacity) {
    piecesCapacity = count > 4096 ? count : 4096;
    pieces = alloc(<usize>piecesCapacity << 2);
  }
  return pieces;
}
export function piecesReady(count: i32): void {
  pieceCount = count;
  pieceAt = 0;
  runsAt = 0;
}

/** Whether scanChunk would hand the line [start, end) of the chunk to JavaScript (CHUNK_UNICODE). */
export function refuses(start: i32, end: i32): i32 {
  return checkLine(chunk + <usize>start, chunk + <usize>end, hanMode) == LINE_REFUSED ? 1 : 0;
}

/** Run the batch's lines without jieba after all (it could not load): scanChunk gives them to JavaScript. */
export function dropRuns(): void {
  hanMode = false;
  batchEnd = 0;
}

/** A line the ASCII tokenizers refused: tokenized here when checkLine allows (lowered in place first), else -1. */
function unicodeTokens(begin: usize, end: usize, runsAllowed: bool): i32 {
  if (checkLine(begin, end, runsAllowed) == LINE_REFUSED) return -1;
  if (lowering) lowerLine(begin, end);
  return mode == 0 ? uwords(begin, end) : mode == 1 ? uruns(begin, end) : uchars(begin, end);
}

/** The tokens of a line [begin, end): the ASCII tokenizer, or the Unicode one for a line with other bytes; -1 for JavaScript. */
@inline function lineTokens(begin: usize, end: usize, runsAllowed: bool): i32 {
  const n = mode == 0 ? words(begin, end) : mode == 1 ? spaceRuns(begin, end) : chars(begin, end);
  return n >= 0 ? n : unicodeTokens(begin, end, runsAllowed);
}

/**
 * Tokenize the line of `length` bytes at inputBuffer(): its ids go to idsBuffer() and are counted.
 * Returns the number of tokens, or -1 when the line is not ASCII (nothing counted).
 */
export function scan(length: i32): i32 {
  const begin = input;
  const end = input + <usize>length;
  const n = lineTokens(begin, end, false);
  if (n < 0) return -1;
  blankLine = 0;
  if (n == 0) {
    blankLine = ublankOrAscii(begin, end) ? 1 : 0;
    return 0;
  }
  countSpans(n, ids);
  return n;
}

/** Whether a line that gave no tokens is blank (its bytes ASCII spaces, or, past ASCII, its characters spaces). */
function ublankOrAscii(begin: usize, end: usize): bool {
  let ascii = true;
  for (let i = begin; i < end; i++) {
    const c = cls(<u32>load<u8>(i));
    if (c == HIGH) ascii = false;
    else if (c != SPACE) return false;
  }
  return ascii || ublank(begin, end);
}

/** The ids of the line's n recorded tokens (added if new), written at `to`, and counted. */
function countSpans(n: i32, to: usize): void {
  for (let k: i32 = 0; k < n; k++) {
    const at = spans + <usize>k * 12;
    const id = idOf(<usize>load<u32>(at), <usize>(load<u32>(at, 4) - load<u32>(at)), load<u32>(at, 8), true);
    store<i32>(to + <usize>k * 4, id);
    const c = counts + <usize>id * 8;
    store<f64>(c, load<f64>(c) + 1);
  }
}

/** The id of the `length` bytes at inputBuffer() taken as they are (UTF-8 of a token), added if new; counted when `count` is 1. */
export function lookup(length: i32, count: i32): i32 {
  const id = idOf(input, <usize>length, hashBytes(FNV_OFFSET, input, input + <usize>length), false);
  if (count != 0) {
    const c = counts + <usize>id * 8;
    store<f64>(c, load<f64>(c) + 1);
  }
  return id;
}

export function blank(): i32 {
  return blankLine;
}
export function typeCount(): i32 {
  return types;
}
export function idsBuffer(): usize {
  return ids;
}
export function countsBuffer(): usize {
  return counts;
}
export function arenaBuffer(): usize {
  return arena;
}
export function offsetsBuffer(): usize {
  return offsets;
}
export function lengthsBuffer(): usize {
  return lengths;
}

/** Room for a chunk of `length` bytes of whole lines; returns where JavaScript writes it. */
export function chunkBuffer(length: i32): usize {
  batchEnd = 0;
  if (<usize>length > chunkCapacity) {
    chunkCapacity = <usize>length;
    chunk = alloc(chunkCapacity);
  }
  return chunk;
}

function reserveOut(entries: i32): void {
  if (entries <= outCapacity) return;
  let capacity = outCapacity > 0 ? outCapacity * 2 : 1 << 16;
  while (capacity < entries) capacity *= 2;
  const o = alloc(<usize>capacity * 4);
  if (outCount > 0) memory.copy(o, out, <usize>outCount * 4);
  out = o;
  outCapacity = capacity;
}

/** scanChunk ran to the end of the chunk. */
const CHUNK_DONE: i32 = 0;
/** scanChunk stopped at a line with a byte ≥ 0x80: [stopLine(), stopLineEnd()) for JavaScript; then resume at resumeFrom(). */
const CHUNK_UNICODE: i32 = 1;
/** scanChunk stopped at a line with runs of Han, gathered with those of the next lines (runsBuffer): cut them, then resume at resumeFrom(). */
const CHUNK_HAN: i32 = 3;
/** scanChunk stopped after a line because the entries reached `outLimit` or the types `typeLimit`: resume at resumeFrom(). */
const CHUNK_PAUSED: i32 = 2;

/**
 * Tokenize and count the lines of chunk[from, length) — every line ends with a newline byte — as
 * `scan` does one line, writing the token stream (ids, then -1 after each line with tokens) to
 * outBuffer() from its start. Returns CHUNK_DONE, CHUNK_UNICODE or CHUNK_PAUSED (see above); the
 * entries, sentences and lines of this call are outEntries(), outSentenceCount(), lineCount().
 * One call per chunk instead of one per line: the per-line copy and call were a third of the time.
 */
export function scanChunk(from: i32, length: i32, outLimit: i32, typeLimit: i32, lineDocs: i32): i32 {
  outCount = 0;
  outSentences = 0;
  chunkLines = 0;
  docCount = 0;
  let pos = chunk + <usize>from;
  const stop = chunk + <usize>length;
  while (pos < stop) {
    let nl = pos;
    while (load<u8>(nl) != 10) nl++;
    let end = nl;
    if (end > pos && load<u8>(end - 1) == 13) end--;
    reserveLine(end - pos + 1);
    const n = lineTokens(pos, end, hanMode && pos < batchEnd);
    if (n < 0) {
      if (hanMode && pos >= batchEnd && checkLine(pos, end, true) == LINE_RUNS) {
        // Runs of Han ahead: gather them (this line's and the next lines') for jieba.
        gatherRuns(pos, stop);
        resumeAt = <i32>(pos - chunk);
        return CHUNK_HAN;
      }
      stopStart = <i32>(pos - chunk);
      stopEnd = <i32>(end - chunk);
      resumeAt = <i32>(nl + 1 - chunk);
      return CHUNK_UNICODE;
    }
    // `--docs line`: a line that is not blank starts a document (its index in this call, and the sentences before it).
    if (lineDocs != 0 && (n > 0 || !ublankOrAscii(pos, end))) {
      reserveDocs(docCount + 1);
      store<i32>(docs + (<usize>docCount << 3), chunkLines);
      store<i32>(docs + (<usize>docCount << 3) + 4, outSentences);
      docCount++;
    }
    chunkLines++;
    pos = nl + 1;
    if (n == 0) continue;
    reserveOut(outCount + n + 1);
    const line = out + <usize>outCount * 4;
    countSpans(n, line);
    store<i32>(line + <usize>n * 4, -1);
    outCount += n + 1;
    outSentences++;
    if (outCount >= outLimit || types > typeLimit) {
      resumeAt = <i32>(pos - chunk);
      return pos < stop ? CHUNK_PAUSED : CHUNK_DONE;
    }
  }
  return CHUNK_DONE;
}

export function outBuffer(): usize {
  return out;
}

// scanChunk with lineDocs: where documents start (pairs of i32: line index in the call, sentences before it).
let docs: usize = 0;
let docsCapacity: i32 = 0;
let docCount: i32 = 0;

function reserveDocs(count: i32): void {
  if (count <= docsCapacity) return;
  let capacity = docsCapacity > 0 ? docsCapacity * 2 : 4096;
  while (capacity < count) capacity *= 2;
  const d = alloc(<usize>capacity << 3);
  if (docCount > 0) memory.copy(d, docs, <usize>docCount << 3);
  docs = d;
  docsCapacity = capacity;
}

export function docsBuffer(): usize {
  return docs;
}
export function docStartCount(): i32 {
  return docCount;
}
export function outEntries(): i32 {
  return outCount;
}
export function outSentenceCount(): i32 {
  return outSentences;
}
export function lineCount(): i32 {
  return chunkLines;
}
export function resumeFrom(): i32 {
  return resumeAt;
}
export function stopLine(): i32 {
  return stopStart;
}
export function stopLineEnd(): i32 {
  return stopEnd;
}

// Sorting the types for the vocabulary: by count descending, then by word in UTF-16 code-unit order
// (src/vocab/vocabulary.ts compareStrings) — which on UTF-8 bytes is byte order with the lead bytes
// of 4-byte sequences (surrogate pairs in UTF-16) placed between ED and EE.

/** A byte as it orders for UTF-16 code-unit order: F0–F4 before EE–EF. */
@inline function orderByte(b: u32): u64 {
  if (b >= 0xf0 && b <= 0xf4) return <u64>(b - 2);
  if (b == 0xee || b == 0xef) return <u64>(b + 5);
  return <u64>b;
}

let sortKeys: usize = 0;

/** The first 8 bytes of type `id` (ordering bytes, big-endian, 0 past its end). */
function prefixKey(id: i32): u64 {
  const p = arena + <usize>load<u32>(offsets + (<usize>id << 2));
  const n = <usize>load<u32>(lengths + (<usize>id << 2));
  let key: u64 = 0;
  for (let i: usize = 0; i < 8; i++) key = (key << 8) | (i < n ? orderByte(<u32>load<u8>(p + i)) : 0);
  return key;
}

/** Whether type a comes before type b. */
@inline function before(a: i32, b: i32): bool {
  const ca = load<f64>(counts + (<usize>a << 3));
  const cb = load<f64>(counts + (<usize>b << 3));
  if (ca != cb) return ca > cb;
  const ka = load<u64>(sortKeys + (<usize>a << 3));
  const kb = load<u64>(sortKeys + (<usize>b << 3));
  if (ka != kb) return ka < kb;
  const pa = arena + <usize>load<u32>(offsets + (<usize>a << 2));
  const pb = arena + <usize>load<u32>(offsets + (<usize>b << 2));
  const na = <usize>load<u32>(lengths + (<usize>a << 2));
  const nb = <usize>load<u32>(lengths + (<usize>b << 2));
  const n = na < nb ? na : nb;
  for (let i: usize = 8; i < n; i++) {
    const x = <u32>load<u8>(pa + i);
    const y = <u32>load<u8>(pb + i);
    if (x != y) return orderByte(x) < orderByte(y);
  }
  return na < nb;
}

/** Room for `n` ids to sort (and as many again to sort with); returns where JavaScript writes them. */
export function sortBuffer(n: i32): usize {
  return alloc(<usize>n * 8);
}

/** Sort the `n` ids at `at` (from sortBuffer) by count descending, then word; a stable merge sort. */
export function sortIds(at: usize, n: i32): void {
  sortKeys = alloc(<usize>types * 8);
  for (let k: i32 = 0; k < n; k++) {
    const id = load<i32>(at + (<usize>k << 2));
    store<u64>(sortKeys + (<usize>id << 3), prefixKey(id));
  }
  let from = at;
  let to = at + (<usize>n << 2);
  // Runs of 8 by insertion, then merges of doubling width.
  for (let s: i32 = 0; s < n; s += 8) {
    const e = s + 8 < n ? s + 8 : n;
    for (let i = s + 1; i < e; i++) {
      const v = load<i32>(from + (<usize>i << 2));
      let j = i - 1;
      while (j >= s && before(v, load<i32>(from + (<usize>j << 2)))) {
        store<i32>(from + (<usize>(j + 1) << 2), load<i32>(from + (<usize>j << 2)));
        j--;
      }
      store<i32>(from + (<usize>(j + 1) << 2), v);
    }
  }
  for (let width: i32 = 8; width < n; width <<= 1) {
    for (let lo: i32 = 0; lo < n; lo += width << 1) {
      const mid = lo + width < n ? lo + width : n;
      const hi = lo + (width << 1) < n ? lo + (width << 1) : n;
      let i = lo;
      let j = mid;
      let k = lo;
      while (i < mid && j < hi) {
        const a = load<i32>(from + (<usize>i << 2));
        const b = load<i32>(from + (<usize>j << 2));
        if (before(b, a)) {
          store<i32>(to + (<usize>k << 2), b);
          j++;
        } else {
          store<i32>(to + (<usize>k << 2), a);
          i++;
        }
        k++;
      }
      for (; i < mid; i++, k++) store<i32>(to + (<usize>k << 2), load<i32>(from + (<usize>i << 2)));
      for (; j < hi; j++, k++) store<i32>(to + (<usize>k << 2), load<i32>(from + (<usize>j << 2)));
    }
    const t = from;
    from = to;
    to = t;
  }
  if (from != at) memory.copy(at, from, <usize>n << 2);
}

let many: usize = 0;
let manyCapacity: usize = 0;
let manyIds: usize = 0;
let manyIdsCapacity: i32 = 0;

/** Room for `length` bytes of words and `count` ids for lookupMany (reused; an input buffer would reserve room for a token per byte). */
export function manyBuffer(length: i32, count: i32): usize {
  if (<usize>length > manyCapacity) {
    manyCapacity = <usize>length;
    many = alloc(manyCapacity);
  }
  if (count > manyIdsCapacity) {
    manyIdsCapacity = count;
    manyIds = alloc(<usize>count << 2);
  }
  return many;
}
export function manyIdsBuffer(): usize {
  return manyIds;
}

/**
 * The ids of `count` words (UTF-8, each followed by a newline) at manyBuffer(): added if new, not
 * counted; written as i32 at manyIdsBuffer(). A merge of another table's types in one call.
 */
export function lookupMany(length: i32, count: i32): void {
  const to = manyIds;
  let p = many;
  const end = many + <usize>length;
  for (let k: i32 = 0; k < count && p < end; k++) {
    let q = p;
    while (load<u8>(q) != 10) q++;
    store<i32>(to + (<usize>k << 2), idOf(p, q - p, hashBytes(FNV_OFFSET, p, q), false));
    p = q + 1;
  }
}
