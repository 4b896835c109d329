/**
 * How long-running library code reports progress without printing: the CLI passes a reporter that
 * draws a bar on a terminal (or nothing); tests and library users pass `silentProgress`.
 */
export interface Progress {
  /** Begin a stage ("counting", "training epoch 2/5"); `total` in `unit`s when known. */
  stage(name: string, total?: number, unit?: string): void;
  /** Work done so far in the current stage, plus figures to show (loss, words/s). */
  update(done: number, info?: Record<string, string | number>): void;
  /** The current stage is over. */
  end(): void;
  /** A plain informational line (shown only when not quiet). */
  log(message: string): void;
}

export const silentProgress: Progress = {
  stage() {},
  update() {},
  end() {},
  log() {},
};
