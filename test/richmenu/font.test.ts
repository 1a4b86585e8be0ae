import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fontFilesFor, parseFontsourceCss, woffToSfnt } from '../../richmenu/font';

describe('font from @fontsource/noto-sans-tc', () => {
  let cache: string;
  beforeAll(() => {
    cache = mkdtempSync(join(tmpdir(), 'richmenu-font-'));
  });
  afterAll(() => rmSync(cache, { recursive: true, force: true }));

  it('parses unicode ranges from the CSS', () => {
    const css = `@font-face { src: url(./files/x-1-700-normal.woff2) format('woff2'), url(./files/x-1-700-normal.woff) format('woff'); unicode-range: U+4e00-4e0f,U+8336; }`;
    expect(parseFontsourceCss(css, 700)).toEqual([
      {
        weight: 700,
        woffFile: 'x-1-700-normal.woff',
        ranges: [
          [0x4e00, 0x4e0f],
          [0x8336, 0x8336],
        ],
      },
    ]);
  });

  it('converts the WOFF subsets covering the text into TrueType files', () => {
    const files = fontFilesFor('山嵐茶舖', [700], cache);
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) expect(readFileSync(f).readUInt32BE(0)).toBe(0x00010000); // TrueType sfnt version
  });

  it('refuses what is not WOFF 1.0', () => {
    expect(() => woffToSfnt(Buffer.from('wOF2 not supported here, padding padding padding'))).toThrow('WOFF 1.0');
  });
});
