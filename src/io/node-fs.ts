/**
 * node:fs as CommonJS gives it, for the modules of `similar`'s quick path (issue 8's `.bin` row).
 * `import … from 'node:fs'` makes Node build an ES facade of every export of fs, reading each
 * getter: fs.ReadStream's loads Node's stream modules (~20 internal modules, ~5 ms of a fresh
 * process), which that path never uses. process.getBuiltinModule (Node ≥ 20.16) hands over the
 * object itself; before it, require does (node:module's own facade loads a module or two more).
 * Elsewhere node:fs is imported as usual.
 */
export const fs: typeof import('node:fs') =
  // (Optional: absent before Node 20.16, whatever the typings say.)
  (process.getBuiltinModule as typeof process.getBuiltinModule | undefined)?.('node:fs') ??
  (await import('node:module')).createRequire(import.meta.url)('node:fs');
