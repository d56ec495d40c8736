import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import fontkit from '@pdf-lib/fontkit';
import type { Font } from '@pdf-lib/fontkit';
import { woffToSfnt } from './woff';

/**
 * Fonts for text that WinAnsi (the standard PDF fonts) cannot encode. Both ship as runtime
 * dependencies of the app:
 * - DejaVu Sans Mono (Latin, Greek, Cyrillic, many symbols), the main monospace face;
 * - UnifontEX (nearly all of the BMP, including CJK and Hangul), the fallback for what
 *   DejaVu lacks. Its glyphs are 1 or 2 cells wide, which keeps a monospace grid.
 * Bytes are read once per process and cached; the parsed fontkit font answers "which font has
 * this character and how many columns does it take" without touching pdf-lib.
 */
export interface LoadedFont {
  bytes: Uint8Array;
  font: Font;
  /** Advance width (font units) of one text column. */
  cellUnits: number;
}

const require = createRequire(import.meta.url);

const parsed = new WeakMap<Uint8Array, Font>();

/**
 * What pdf-lib's registerFontkit gets: fontkit, except that our cached font bytes map to the
 * font parsed at load time. Plain fontkit re-parses (and byte-copies) the font for every
 * document, which was most of the cost of a Unicode TXT conversion.
 */
export const cachingFontkit = {
  create: (data: Uint8Array, postscriptName?: string): Font => parsed.get(data) ?? fontkit.create(data, postscriptName),
};

let mainFont: Promise<LoadedFont> | undefined;
let fallbackFont: Promise<LoadedFont> | undefined;

export function loadMainFont(): Promise<LoadedFont> {
  mainFont ??= load(async () => readFile(require.resolve('dejavu-fonts-ttf/ttf/DejaVuSansMono.ttf')), 'M').catch((err: unknown) => {
    mainFont = undefined; // let a later call retry instead of caching the failure
    throw err;
  });
  return mainFont;
}

export function loadFallbackFont(): Promise<LoadedFont> {
  fallbackFont ??= load(
    async () => woffToSfnt(await readFile(require.resolve('@fontsource/unifontex/files/unifontex-latin-400-normal.woff'))),
    'M',
  ).catch((err: unknown) => {
    fallbackFont = undefined;
    throw err;
  });
  return fallbackFont;
}

async function load(readBytes: () => Promise<Uint8Array>, cellChar: string): Promise<LoadedFont> {
  const bytes = new Uint8Array(await readBytes());
  const font = fontkit.create(bytes);
  const cellUnits = font.glyphForCodePoint(cellChar.codePointAt(0) ?? 0x4d).advanceWidth;
  if (!(cellUnits > 0)) throw new Error('font has no usable advance width');
  parsed.set(bytes, font);
  return { bytes, font, cellUnits };
}

/** Columns a glyph occupies: 0 (combining), 1 (normal) or 2 (wide CJK), from the font itself. */
export function glyphColumns(f: LoadedFont, codePoint: number): number {
  const cols = Math.round(f.font.glyphForCodePoint(codePoint).advanceWidth / f.cellUnits);
  return Math.min(2, Math.max(0, cols));
}
