import { createRequire } from 'node:module';
import type cliProgress from 'cli-progress';
import type { Progress } from '../core/progress.js';
import { isDumbTerminal, type CliIO } from './context.js';

/** Show the cursor (DECTCEM) and turn line wrap back on (DECAWM): what a bar on screen turned off. */
const TERMINAL_RESTORE = '\x1b[?25h\x1b[?7h';

/** The streams with a progress bar on screen right now. */
const barsOnScreen = new Set<NodeJS.WritableStream>();

/**
 * After a signal, when the program exits without stopping its bar: give the terminal back its cursor
 * and line wrap (on a new line) if a bar was on screen. Synchronous enough for a signal handler:
 * writes to a terminal are synchronous in Node.
 */
export function restoreTerminal(stream: NodeJS.WritableStream): void {
  // Any bar: the stream a command saw may be a wrapper of the one given here (run's guarded stderr).
  if (barsOnScreen.size === 0) return;
  barsOnScreen.clear();
  stream.write(`${TERMINAL_RESTORE}\n`);
}

/** A bar appears only for stages that last longer than this (short jobs stay silent). */
const SHOW_AFTER_MS = 700;

/**
 * Progress on stderr: a cli-progress bar (stage, percent, rate, ETA and the encoder's figures such as
 * loss) when stderr is a terminal; nothing when it is not or with --quiet. `log` lines go to stderr
 * unless quiet.
 */
export function makeProgress(io: CliIO, quiet: boolean): Progress {
  const interactive = Boolean(io.stderr.isTTY) && !quiet && !isDumbTerminal(io);
  let bar: cliProgress.SingleBar | undefined;
  let name = '';
  let total: number | undefined;
  let unit = '';
  let startedAt = 0;
  const stop = (): void => {
    bar?.stop();
    bar = undefined;
    barsOnScreen.delete(io.stderr);
  };
  return {
    stage(stageName, stageTotal, stageUnit) {
      stop();
      name = stageName;
      total = stageTotal;
      unit = stageUnit ?? '';
      startedAt = Date.now();
    },
    update(done, info) {
      if (!interactive) return;
      const figures = info ? formatFigures(info) : '';
      const extra = total ? `| ETA ${eta(Date.now() - startedAt, done, total)} ${figures}` : figures;
      if (!bar) {
        if (Date.now() - startedAt < SHOW_AFTER_MS) return;
        // Required on the first bar, not at start-up (a CommonJS package: synchronous).
        const bars = createRequire(import.meta.url)('cli-progress') as typeof cliProgress;
        bar = new bars.SingleBar(
          {
            stream: io.stderr as NodeJS.WritableStream,
            format: total ? `{stage} [{bar}] {percentage}% | {value}/{total} ${unit} {extra}` : `{stage} {value} ${unit} {extra}`,
            hideCursor: true,
            clearOnComplete: true,
            fps: 5,
            formatValue: formatBarValue,
          },
          bars.Presets.shades_classic,
        );
        bar.start(total ?? 0, done, { stage: name, extra });
        barsOnScreen.add(io.stderr);
      }
      bar.update(Math.min(done, total ?? done), { stage: name, extra });
    },
    end() {
      if (bar && total) bar.update(total);
      stop();
    },
    log(message) {
      if (quiet) return;
      stop();
      io.stderr.write(`${message}\n`);
    },
  };
}

/** Remaining time from the average rate so far ("?" until there is a rate). */
function eta(elapsedMs: number, done: number, total: number): string {
  if (done <= 0 || elapsedMs <= 0) return '?';
  const seconds = Math.max(0, Math.round(((total - done) * elapsedMs) / done / 1000));
  return seconds >= 60 ? `${Math.floor(seconds / 60)}m${String(seconds % 60).padStart(2, '0')}s` : `${seconds}s`;
}

/** An encoder's figures: `loss 0.1234  lr 0.0243  12,345 words/s` (a rate after its value). */
export function formatFigures(info: Record<string, number | string>): string {
  return Object.entries(info)
    .map(([k, v]) => {
      const value = typeof v === 'number' ? formatNumber(v) : v;
      return k.includes('/') ? `${value} ${k}` : `${k} ${value}`;
    })
    .join('  ');
}

/** cli-progress's `{value}` and `{total}` with thousands separators (`12,345/67,890`). */
export function formatBarValue(v: number, _options: unknown, type: string): string {
  if ((type === 'value' || type === 'total') && Number.isFinite(v)) return Math.round(v).toLocaleString('en-US');
  return String(v);
}

function formatNumber(v: number): string {
  if (Number.isInteger(v)) return v.toLocaleString('en-US');
  return Math.abs(v) >= 100 ? Math.round(v).toLocaleString('en-US') : String(Number(v.toPrecision(4)));
}
