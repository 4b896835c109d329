/**
 * Segmenters for runs of scripts written without spaces. `icu`: Intl.Segmenter (Node's ICU), for
 * every such script. `jieba`: @node-rs/jieba (prebuilt native binaries, an optional dependency)
 * for runs of Han only — 4× faster than ICU on Chinese and with the words Chinese NLP users expect
 * (`人工智能` where ICU gives `人工`/`智能`, DESIGN.md measured facts); runs with kana, Thai, Lao,
 * Khmer or Myanmar stay on ICU.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export const SEGMENTERS = ['jieba', 'icu'] as const;
export type SegmenterName = (typeof SEGMENTERS)[number];

interface Jieba {
  cut(text: string | Uint8Array, hmm?: boolean): string[];
}

interface JiebaClass {
  withDict(dict: Uint8Array): Jieba;
}

let jiebaClass: JiebaClass | null | undefined;
let jieba: Jieba | undefined;
let jiebaError = '';

/**
 * The native package's Jieba class, or undefined when it cannot load here. Cheap (~15 ms: the
 * native library only): deciding whether jieba is available neither reads nor builds its dictionary.
 */
function jiebaNative(): JiebaClass | undefined {
  if (jiebaClass === undefined) {
    try {
      const require = createRequire(import.meta.url);
      jiebaClass = (require('@node-rs/jieba') as { Jieba: JiebaClass }).Jieba;
    } catch (err) {
      jiebaClass = null;
      jiebaError = (err as Error).message.split('\n')[0]!;
    }
  }
  return jiebaClass ?? undefined;
}

/**
 * The bundled dictionary (dict.txt, next to the package's `dict` module). Read directly: that module
 * also reads idf.txt (6 MB, for keyword extraction, which cutting does not use).
 */
function jiebaDictionary(): Uint8Array {
  const require = createRequire(import.meta.url);
  return readFileSync(join(dirname(require.resolve('@node-rs/jieba/dict')), 'dict.txt'));
}

/**
 * The jieba segmenter with its bundled dictionary, or undefined when the native package cannot load
 * here. The first call builds the dictionary (~0.15–0.3 s, in each thread that cuts).
 */
export function loadJieba(): Jieba | undefined {
  if (jieba || jiebaError) return jieba;
  const native = jiebaNative();
  if (!native) return undefined;
  try {
    jieba = native.withDict(jiebaDictionary());
  } catch (err) {
    jiebaError = (err as Error).message.split('\n')[0]!;
  }
  return jieba;
}

/** Why jieba could not load (after loadJieba returned undefined). */
export function jiebaLoadError(): string {
  return jiebaError;
}

/** The segmenter to use: jieba when asked for or by default and it loads, else icu (`fellBack` says jieba was wanted). */
export function resolveSegmenter(requested?: SegmenterName): { segmenter: SegmenterName; fellBack: boolean } {
  if (requested === 'icu') return { segmenter: 'icu', fellBack: false };
  if (jiebaNative()) return { segmenter: 'jieba', fellBack: false };
  return { segmenter: 'icu', fellBack: true };
}
