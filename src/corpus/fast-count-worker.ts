/** A worker of the byte reader: scans byte ranges of a file, one task after another, and posts each one's types, counts and ids. */
import { parentPort, workerData } from 'node:worker_threads';
import { WordspaceError } from '../core/errors.js';
import { scanRange, type RangeTask } from './fast-count.js';
import { loadJieba } from '../text/segment.js';

const port = parentPort!;
port.on('message', (task: RangeTask) => {
  // Progress in steps of at least 1 MiB (a message per small read would cost more than the read).
  let pending = 0;
  let result: ReturnType<typeof scanRange>;
  try {
    result = scanRange(task, (bytes) => {
      pending += bytes;
      if (pending < 1 << 20) return;
      port.postMessage({ bytes: pending });
      pending = 0;
    });
  } catch (err) {
    // An error the user can act on (a full disk for the spilled stream) crosses the thread as its
    // message and hint, to be thrown again as the same one-line error; anything else as itself.
    if (err instanceof WordspaceError) {
      port.postMessage({ failure: { message: err.message, hint: err.hint } });
      return;
    }
    throw err;
  }
  if (pending > 0) port.postMessage({ bytes: pending });
  const arrays = [result.counts, result.tokens, result.docStarts, result.docLines, ...(result.spilled ?? []).flatMap((g) => (g.map ? [g.map] : []))];
  port.postMessage({ result }, arrays.map((a) => a.buffer as ArrayBuffer));
});
// Started before its first task is known (its range is cut when it is ready): it says so, after
// building jieba's dictionary when the file starts with Chinese.
if ((workerData as { preloadJieba?: boolean } | null)?.preloadJieba) loadJieba();
port.postMessage({ ready: true });
