/**
 * The CJK font for rendering menu images, taken from the npm package `@fontsource/noto-sans-tc`.
 *
 * Why this package and not a system font: the machines have no CJK font, and a font pinned in
 * package-lock renders byte-identical PNGs everywhere, so a rebuild on another machine does not
 * change the content hash deploy compares (which would replace every menu for nothing).
 *
 * Fontsource ships the font cut into ~100 unicode-range subsets as WOFF/WOFF2; resvg reads only
 * TTF/OTF. WOFF 1.0 is just the sfnt tables, each zlib-compressed, so it converts back to a plain
 * TTF with node's zlib: no native tools, no downloads.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { inflateSync } from 'node:zlib';

export const FONT_FAMILY = 'Noto Sans TC';
const PACKAGE = '@fontsource/noto-sans-tc';

interface FontFace {
  weight: number;
  woffFile: string;
  ranges: Array<[number, number]>;
}

/** Converts a WOFF 1.0 file to the TTF/OTF it wraps. Throws on anything else (WOFF2 needs Brotli + transforms). */
export function woffToSfnt(woff: Buffer): Buffer {
  if (woff.length < 44 || woff.readUInt32BE(0) !== 0x774f4646) throw new Error('not a WOFF 1.0 file');
  const flavor = woff.readUInt32BE(4);
  const numTables = woff.readUInt16BE(12);
  const tables: Array<{ tag: number; checksum: number; data: Buffer }> = [];
  for (let i = 0; i < numTables; i++) {
    const at = 44 + i * 20;
    const offset = woff.readUInt32BE(at + 4);
    const compLength = woff.readUInt32BE(at + 8);
    const origLength = woff.readUInt32BE(at + 12);
    const raw = woff.subarray(offset, offset + compLength);
    const data = compLength < origLength ? inflateSync(raw) : Buffer.from(raw);
    if (data.length !== origLength)
      throw new Error(`WOFF table ${i}: expected ${origLength} bytes, got ${data.length}`);
    tables.push({ tag: woff.readUInt32BE(at), checksum: woff.readUInt32BE(at + 16), data });
  }
  let entrySelector = 0;
  while (2 ** (entrySelector + 1) <= numTables) entrySelector++;
  const searchRange = 2 ** entrySelector * 16;
  const header = Buffer.alloc(12 + numTables * 16);
  header.writeUInt32BE(flavor, 0);
  header.writeUInt16BE(numTables, 4);
  header.writeUInt16BE(searchRange, 6);
  header.writeUInt16BE(entrySelector, 8);
  header.writeUInt16BE(numTables * 16 - searchRange, 10);
  const chunks: Buffer[] = [header];
  let offset = header.length;
  tables.forEach((t, i) => {
    const rec = 12 + i * 16;
    header.writeUInt32BE(t.tag, rec);
    header.writeUInt32BE(t.checksum, rec + 4);
    header.writeUInt32BE(offset, rec + 8);
    header.writeUInt32BE(t.data.length, rec + 12);
    const padded = Buffer.alloc((t.data.length + 3) & ~3);
    t.data.copy(padded);
    chunks.push(padded);
    offset += padded.length;
  });
  return Buffer.concat(chunks);
}

/** Reads the @font-face rules of one weight's CSS file: which WOFF subset covers which code points. */
export function parseFontsourceCss(css: string, weight: number): FontFace[] {
  const faces: FontFace[] = [];
  for (const block of css.split('@font-face').slice(1)) {
    const woff = /url\(\.\/files\/([^)]+\.woff)\)/.exec(block)?.[1];
    const range = /unicode-range:\s*([^;]+);/.exec(block)?.[1];
    if (!woff || !range) continue;
    const ranges = range.split(',').map((r): [number, number] => {
      const [lo, hi] = r.trim().replace(/^U\+/i, '').split('-');
      return [Number.parseInt(lo ?? '', 16), Number.parseInt(hi ?? lo ?? '', 16)];
    });
    faces.push({ weight, woffFile: woff, ranges });
  }
  return faces;
}

function packageDir(): string {
  try {
    return dirname(require.resolve(`${PACKAGE}/package.json`));
  } catch {
    throw new Error(`The rich menu build needs the npm package ${PACKAGE} (a dependency): run \`npm install\`.`);
  }
}

/**
 * Writes TTF files covering every character of `text` in the given weights and returns their paths
 * (only the needed subsets: the full font is ~100 files per weight). Characters the font does not
 * cover are an error, because resvg would silently draw nothing for them.
 */
export function fontFilesFor(text: string, weights: number[], cacheDir = join(tmpdir(), 'line-shop-richmenu-fonts')) {
  const dir = packageDir();
  const version = (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string }).version;
  const outDir = join(cacheDir, version);
  mkdirSync(outDir, { recursive: true });
  const chars = [...new Set([...text].map((c) => c.codePointAt(0) ?? 0))].filter((c) => c > 0x20);
  const files = new Set<string>();
  for (const weight of weights) {
    const cssPath = join(dir, `${weight}.css`);
    if (!existsSync(cssPath)) throw new Error(`${PACKAGE} has no weight ${weight} (${cssPath} missing)`);
    const faces = parseFontsourceCss(readFileSync(cssPath, 'utf8'), weight);
    const missing: string[] = [];
    for (const cp of chars) {
      const face = faces.find((f) => f.ranges.some(([lo, hi]) => cp >= lo && cp <= hi));
      if (face) files.add(face.woffFile);
      else missing.push(String.fromCodePoint(cp));
    }
    if (missing.length > 0) throw new Error(`${PACKAGE} ${weight} does not cover: ${missing.join(' ')}`);
  }
  return [...files].sort().map((woffFile) => {
    const ttf = join(outDir, woffFile.replace(/\.woff$/, '.ttf'));
    if (!existsSync(ttf)) writeFileSync(ttf, woffToSfnt(readFileSync(join(dir, 'files', woffFile))));
    return ttf;
  });
}
