import { createRequire } from 'node:module';

/**
 * node:fs as CommonJS gives it, for the modules of `similar`'s quick path (issue 8's `.bin` row).
 * `import … from 'node:fs'` makes Node build an ES facade of every export of fs, reading each
 * getter: fs.ReadStream's loads Node's stream modules (~20 internal modules, ~5 ms of a fresh
 * process), which that path never uses. Elsewhere node:fs is imported as usual.
 */
export const fs: typeof import('node:fs') = createRequire(import.meta.url)('node:fs');
