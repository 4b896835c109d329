import cliProgress from 'cli-progress';
import type { Progress } from '../core/progress.js';
import type { CliIO } from './context.js';

/** A bar appears only for stages that last longer than this (short jobs stay silent). */
const SHOW_AFTER_MS = 700;

/**
 * Progress on stderr: a cli-progress bar (stage, percent, rate, ETA and the encoder's figures such as
 * loss) when stderr is a terminal; nothing when it is not or with --quiet. `log` lines go to stderr
 * unless quiet.
 */
export function makeProgress(io: CliIO, quiet: boolean): Progress {
  const interactive = Boolean(io.stderr.isTTY) && !quiet;
  let bar: cliProgress.SingleBar | undefined;
  let name = '';
  let total: number | undefined;
  let unit = '';
  let startedAt = 0;
  let lastDone = 0;
  const stop = (): void => {
    bar?.stop();
    bar = undefined;
  };
  return {
    stage(stageName, stageTotal, stageUnit) {
      stop();
      name = stageName;
      total = stageTotal;
      unit = stageUnit ?? '';
      startedAt = Date.now();
      lastDone = 0;
    },
    update(done, info) {
      lastDone = done;
      if (!interactive) return;
      const extra = info ? Object.entries(info).map(([k, v]) => `${k} ${typeof v === 'number' ? formatNumber(v) : v}`).join('  ') : '';
      if (!bar) {
        if (Date.now() - startedAt < SHOW_AFTER_MS) return;
        bar = new cliProgress.SingleBar(
          {
            stream: io.stderr as NodeJS.WritableStream,
            format: total ? `{stage} [{bar}] {percentage}% | {value}/{total} ${unit} | ETA {eta_formatted} {extra}` : `{stage} {value} ${unit} {extra}`,
            hideCursor: true,
            clearOnComplete: true,
            etaBuffer: 50,
            fps: 5,
          },
          cliProgress.Presets.shades_classic,
        );
        bar.start(total ?? 0, done, { stage: name, extra });
      }
      bar.update(Math.min(done, total ?? done), { stage: name, extra });
    },
    end() {
      if (bar && total) bar.update(total);
      stop();
      void lastDone;
    },
    log(message) {
      if (quiet) return;
      stop();
      io.stderr.write(`${message}\n`);
    },
  };
}

function formatNumber(v: number): string {
  if (Number.isInteger(v)) return v.toLocaleString('en-US');
  return Math.abs(v) >= 100 ? v.toFixed(0) : v.toPrecision(4);
}
