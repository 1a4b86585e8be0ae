/**
 * `npm run richmenu:build`: renders every menu in the manifest from its SVG design to the PNG that
 * deploy uploads, then checks it. The PNGs are committed, so only someone changing the design
 * runs this; tests and deploy never need the font.
 *
 * Options: `--svg` also writes the SVG beside the PNG (richmenu/images/<key>.svg) for inspection.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Resvg } from '@resvg/resvg-js';
import { environmentWithDotEnv, loadConfig } from '../src/config';
import type { ShopProfile } from '../src/shop/profile';
import { checkMenu, checkMenuSet, type RichMenuDefinition } from './checks';
import { designs } from './design/designs';
import { FONT_FAMILY, fontFilesFor } from './font';
import { RICHMENU_DIR, readDefinition, readManifest } from './menus';

/** Every character drawn as text, so only the font subsets that contain them are loaded. */
function drawnText(svg: string): string {
  return [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1] ?? '').join('');
}

export function renderMenuSvg(key: string, def: RichMenuDefinition, profile: ShopProfile): string {
  const design = designs[key];
  if (!design) throw new Error(`no design for menu "${key}" in richmenu/design/designs.ts`);
  return design(def, profile);
}

export function svgToPng(svg: string): Buffer {
  const fontFiles = fontFilesFor(
    drawnText(svg)
      .replace(/&[a-z]+;/g, '')
      .replace(/\s/g, ''),
    [500, 700],
  );
  const resvg = new Resvg(svg, {
    font: { fontFiles, loadSystemFonts: false, defaultFontFamily: FONT_FAMILY },
    shapeRendering: 2,
    textRendering: 1,
  });
  return resvg.render().asPng();
}

function main(argv: string[]): number {
  const writeSvg = argv.includes('--svg');
  // The shop this build is for: SHOP_PROFILE / SHOP_NAME as the shop reads them (the demo tea shop in sandbox mode).
  const { profile } = loadConfig(environmentWithDotEnv());
  console.log(`rendering the rich menus of ${profile.name}`);
  const entries = readManifest();
  let failed = false;
  const built = entries.map((entry) => {
    const definition = readDefinition(RICHMENU_DIR, entry);
    const svg = renderMenuSvg(entry.key, definition, profile);
    const png = svgToPng(svg);
    const out = join(RICHMENU_DIR, entry.image);
    writeFileSync(out, png);
    if (writeSvg) writeFileSync(out.replace(/\.png$/, '.svg'), svg);
    const problems = checkMenu(definition, png, entry.aliasId);
    console.log(`${entry.key}: ${entry.image} ${(png.length / 1024).toFixed(0)} KB${problems.length ? '' : ' ok'}`);
    for (const p of problems) console.error(`  ✗ ${p}`);
    failed ||= problems.length > 0;
    return { key: entry.key, definition, aliasId: entry.aliasId, isDefault: entry.default };
  });
  for (const p of checkMenuSet(built)) {
    console.error(`✗ ${p}`);
    failed = true;
  }
  return failed ? 1 : 0;
}

if (require.main === module) {
  try {
    process.exitCode = main(process.argv.slice(2));
  } catch (err) {
    console.error(`richmenu:build failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
  }
}
