/**
 * What a command wants done when a signal stops the run (main.ts's handler calls these before it
 * exits): e.g. `compare` prints the rows of the methods already finished. Handlers run
 * synchronously (the process exits right after), in the order they were added.
 */
const handlers = new Set<() => void>();

/** Add a handler; the returned function removes it (call it when the command is done). */
export function onStop(handler: () => void): () => void {
  handlers.add(handler);
  return () => handlers.delete(handler);
}

/** Run and forget every handler; one that throws does not keep the others from running. */
export function runStopHandlers(): void {
  const pending = [...handlers];
  handlers.clear();
  for (const handler of pending) {
    try {
      handler();
    } catch {
      // The process is exiting: nothing better to do with the error.
    }
  }
}
