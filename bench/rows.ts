/**
 * One row of a benchmark target (issue 8's table): our figure, the reference measured in the same
 * run, their ratio, the target and whether it passes. Every bench that checks a target can write its
 * rows as JSON (`--json FILE`), so that `npm run bench` (bench/targets.ts) collects them into one
 * table.
 */
import { writeFileSync } from 'node:fs';

export interface TargetRow {
  /** What was measured, e.g. "encode sgns, 5 epochs: words/s". */
  job: string;
  /** Our figure, with its unit (e.g. "412k words/s", "0.31 s"). */
  ours: string;
  /** The reference's figure in the same run (or "–" when the target is absolute). */
  reference: string;
  /** ours ÷ reference (or the figure the target is stated in), e.g. "1.52×". */
  ratio: string;
  /** The target, e.g. "≥ 1.5× gensim". */
  target: string;
  pass: boolean | undefined;
  /** Anything the reader needs (seeds, skipped because …). */
  note?: string;
}

/** Write the rows when `--json FILE` was given. */
export function writeRows(file: string | undefined, rows: TargetRow[]): void {
  if (file) writeFileSync(file, `${JSON.stringify(rows, null, 2)}\n`);
}

export function verdict(pass: boolean | undefined): string {
  return pass === undefined ? 'n/a' : pass ? 'pass' : 'miss';
}

/** A Markdown table of the rows (what the README pastes). */
export function markdownRows(rows: TargetRow[]): string {
  const lines = ['| job | ours | reference, same run | ratio | target | result |', '|---|---|---|---|---|---|'];
  for (const r of rows) lines.push(`| ${r.job} | ${r.ours} | ${r.reference} | ${r.ratio} | ${r.target} | ${verdict(r.pass)}${r.note ? ` (${r.note})` : ''} |`);
  return lines.join('\n');
}

export const ratioText = (x: number): string => `${x.toFixed(2)}×`;
