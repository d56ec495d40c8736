// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import { classifyPageSize, ditherToFax, faxRasterLayout, mergeWarnings, tinyTextShare, warningsFor, type PageFacts } from './page-analysis';

function pixels(...rgba: number[][]): Uint8ClampedArray {
  return new Uint8ClampedArray(rgba.flat());
}

describe('faxRasterLayout: the preview raster is the fax page grid', () => {
  it('draws a Letter page on 1728 dots × about 2200 lines fine and about 1100 standard, each standard line printed twice as tall', () => {
    const fine = faxRasterLayout(612, 792, 'fine', 'letter');
    const standard = faxRasterLayout(612, 792, 'standard', 'letter');
    expect([fine.width, fine.rows, fine.lineRepeat]).toEqual([1728, 2156, 1]);
    expect([standard.width, standard.rows, standard.lineRepeat]).toEqual([1728, 1078, 2]);
    // Same horizontal detail; half the vertical detail, so the printed page has the same proportions.
    expect(standard.scaleX).toBeCloseTo(fine.scaleX, 6);
    expect(standard.scaleY).toBeCloseTo(fine.scaleY / 2, 6);
    expect(standard.rows * standard.lineRepeat).toBe(fine.rows);
  });

  it('fits the page inside the raster, centred, keeping its proportions (A4 on A4 paper, Letter on A4, a small page)', () => {
    for (const [w, h, paper] of [
      [595.28, 841.89, 'a4'],
      [612, 792, 'a4'],
      [300, 400, 'letter'],
    ] as const) {
      for (const resolution of ['fine', 'standard'] as const) {
        const layout = faxRasterLayout(w, h, resolution, paper);
        expect(layout.width).toBe(1728);
        const drawnW = w * layout.scaleX;
        const drawnH = h * layout.scaleY;
        expect(drawnW).toBeLessThanOrEqual(1728 + 1e-6);
        expect(drawnH).toBeLessThanOrEqual(layout.rows + 1e-6);
        expect(Math.max(drawnW / 1728, drawnH / layout.rows)).toBeCloseTo(1, 6);
        expect(layout.offsetX * 2 + drawnW).toBeCloseTo(1728, 6);
        expect(layout.offsetY * 2 + drawnH).toBeCloseTo(layout.rows, 6);
        // Printed at 204 × (196 / lineRepeat) dpi, the page keeps its shape.
        expect(drawnW / 204 / ((drawnH * layout.lineRepeat) / 196)).toBeCloseTo(w / h, 6);
      }
    }
    expect(faxRasterLayout(595.28, 841.89, 'fine', 'a4').rows).toBe(2292);
  });
});

describe('ditherToFax', () => {
  it('turns every pixel black or white and counts colour and ink', () => {
    const data = pixels([255, 255, 255, 255], [20, 20, 20, 255], [200, 10, 10, 255], [120, 120, 120, 0]);
    const stats = ditherToFax(data, 4);
    expect(Array.from(data)).toEqual([255, 255, 255, 255, 0, 0, 0, 255, 0, 0, 0, 255, 255, 255, 255, 255]);
    expect(stats.colourFraction).toBe(0.25);
    expect(stats.inkFraction).toBe(0.5);
  });

  it('prints a mid-grey area (a photo) as a dot pattern of about half ink, not a solid black block', () => {
    const width = 16;
    const grey = new Uint8ClampedArray(width * width * 4).fill(128);
    for (let i = 3; i < grey.length; i += 4) grey[i] = 255;
    const stats = ditherToFax(grey, width);
    expect(stats.inkFraction).toBeGreaterThan(0.3);
    expect(stats.inkFraction).toBeLessThan(0.7);
    // Light grey prints lighter than dark grey.
    const shade = (value: number) => {
      const data = new Uint8ClampedArray(width * width * 4).fill(value);
      for (let i = 3; i < data.length; i += 4) data[i] = 255;
      return ditherToFax(data, width).inkFraction;
    };
    expect(shade(90)).toBeGreaterThan(shade(190));
    expect(shade(30)).toBe(1);
    expect(shade(240)).toBe(0);
  });
});

describe('classifyPageSize', () => {
  it('knows Letter, A4 and landscape', () => {
    expect(classifyPageSize(612, 792)).toEqual({ kind: 'ok', paper: 'Letter' });
    expect(classifyPageSize(595, 842)).toEqual({ kind: 'ok', paper: 'A4' });
    expect(classifyPageSize(842, 595)).toEqual({ kind: 'landscape', paper: 'A4' });
    expect(classifyPageSize(300, 300)).toEqual({ kind: 'odd' });
  });
});

describe('tinyTextShare', () => {
  it('measures font size from the text matrix', () => {
    const share = tinyTextShare([
      { str: 'Big heading', transform: [24, 0, 0, 24, 0, 0] },
      { str: 'fine print', transform: [5, 0, 0, 5, 0, 0] },
      { str: '   ', transform: [3, 0, 0, 3, 0, 0] },
    ]);
    expect(share).toEqual({ chars: 21, tiny: 10 });
  });
});

describe('warningsFor', () => {
  const page = (over: Partial<PageFacts>): PageFacts => ({
    page: 1,
    widthPt: 612,
    heightPt: 792,
    colourFraction: 0,
    inkFraction: 0.05,
    chars: 500,
    tinyChars: 0,
    ...over,
  });

  it('is quiet for a plain Letter text page', () => {
    expect(warningsFor([page({})])).toEqual([]);
  });

  it('names the pages with tiny text, photos and odd sizes', () => {
    const warnings = warningsFor([
      page({ page: 1, tinyChars: 300 }),
      page({ page: 2, colourFraction: 0.3 }),
      page({ page: 3, widthPt: 400, heightPt: 400 }),
      page({ page: 4, widthPt: 792, heightPt: 612 }),
    ]);
    expect(warnings.map((w) => [w.code, w.pages])).toEqual([
      ['tiny_text', [1]],
      ['colour_image', [2]],
      ['page_size', [3]],
      ['landscape', [4]],
    ]);
    expect(warnings[0]?.message).toMatch(/^Page 1 has text smaller than 7 pt/);
  });

  it('lets the gateway win when both report the same thing', () => {
    const merged = mergeWarnings(
      [{ code: 'page_size', message: 'from gateway' }],
      [
        { code: 'page_size', message: 'local' },
        { code: 'tiny_text', message: 'local tiny' },
      ],
    );
    expect(merged.map((w) => w.message)).toEqual(['from gateway', 'local tiny']);
  });
});
