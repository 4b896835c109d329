import { promises as fs } from 'node:fs';
import { platform } from 'node:os';
import { InputError } from '../core/errors.js';

export interface PngOptions {
  /** Pixels per SVG unit: 2 (the default) suits slides and high-density screens. */
  scale?: number;
  /** Font files to use besides the system's (e.g. a CJK font when the system has none). */
  fontFiles?: readonly string[];
}

export const DEFAULT_PNG_SCALE = 2;

/**
 * The face resvg uses when the first family of the SVG's font stack is not installed: resvg 2.6
 * does not try the stack's other families (measured: `Arial, 'DejaVu Sans'` rendered in the first
 * system font, a serif, on Debian), so the usual sans face of each system is named here.
 */
function systemSansSerif(): string {
  const os = platform();
  return os === 'darwin' ? 'Helvetica Neue' : os === 'win32' ? 'Arial' : 'DejaVu Sans';
}

interface ResvgModule {
  Resvg: new (svg: string, options: object) => { render(): { asPng(): Buffer; width: number; height: number } };
}

/** @resvg/resvg-js (prebuilt Rust, one package per platform), loaded only when a PNG is asked for. */
async function loadResvg(): Promise<ResvgModule> {
  try {
    const mod = (await import('@resvg/resvg-js')) as unknown as ResvgModule & { default?: ResvgModule };
    return mod.Resvg ? mod : mod.default!;
  } catch {
    throw new InputError('PNG output needs @resvg/resvg-js, which is not installed for this platform', 'write SVG instead (-o picture.svg), or run npm install @resvg/resvg-js');
  }
}

/**
 * An SVG rendered to PNG by resvg, with the system's fonts plus `fontFiles`; a glyph missing from
 * the SVG's font stack is taken from any loaded font that has it (resvg's fallback), so CJK labels
 * need a CJK font on the system or in `fontFiles`.
 */
export async function renderPng(svg: string, options: PngOptions = {}): Promise<Buffer> {
  for (const file of options.fontFiles ?? []) {
    try {
      await fs.access(file);
    } catch {
      throw new InputError(`font file ${file} not found`, 'give the path of a .ttf, .otf or .ttc file');
    }
  }
  const { Resvg } = await loadResvg();
  const resvg = new Resvg(svg, {
    fitTo: { mode: 'zoom', value: options.scale ?? DEFAULT_PNG_SCALE },
    font: { loadSystemFonts: true, fontFiles: [...(options.fontFiles ?? [])], defaultFontFamily: systemSansSerif(), sansSerifFamily: systemSansSerif() },
    logLevel: 'off',
  });
  return resvg.render().asPng();
}
