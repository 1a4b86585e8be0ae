/**
 * Longer than 400 lines: one drawing script for the demo pictures, read top to bottom with its
 * shapes; split up, a product's picture would be spread over several files.
 *
 * `npm run media:build`: draws the demo catalog's product pictures (db/seed/media/products/*.png)
 * as vector illustrations and renders them with the rich menu's pipeline (resvg + the npm-pinned
 * Noto Sans TC), so the sandbox shop looks like a real small tea shop without any photo assets.
 *
 * 1040×676 is 20:13, the hero ratio of the product bubbles. The PNGs are committed; only someone
 * changing a drawing runs this. `--svg` also writes each SVG beside its PNG for inspection.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { svgToPng } from '../../../richmenu/build';
import { palette as menuPalette, text } from '../../../richmenu/design/parts';

/** The demo tea shop's pictures keep its own greens (the rich menu takes the brand from the profile). */
const palette = { ...menuPalette, tea: '#2E4A3B', teaLight: '#44694F' } as const;

export const WIDTH = 1040;
export const HEIGHT = 676;
export const PRODUCTS_DIR = join(__dirname, 'products');
const MAX_BYTES = 200 * 1024;
const TABLE_Y = 470;

const ink = { red: '#A8322A', gold: '#C89B4E', wood: '#C79A6B', woodDark: '#A87B4F' } as const;

let gradientId = 0;
/** Gradients are declared inline (resvg resolves ids anywhere in the document). */
function hGradient(stops: Array<[number, string]>): { id: string; def: string } {
  const id = `g${gradientId++}`;
  const s = stops.map(([o, c]) => `<stop offset="${o}" stop-color="${c}"/>`).join('');
  return { id, def: `<linearGradient id="${id}" x1="0" y1="0" x2="1" y2="0">${s}</linearGradient>` };
}

function vGradient(stops: Array<[number, string]>): { id: string; def: string } {
  const id = `g${gradientId++}`;
  const s = stops.map(([o, c]) => `<stop offset="${o}" stop-color="${c}"/>`).join('');
  return { id, def: `<linearGradient id="${id}" x1="0" y1="0" x2="0" y2="1">${s}</linearGradient>` };
}

/** Lightens (amount > 0) or darkens (amount < 0) a #RRGGBB colour. */
function shade(hex: string, amount: number): string {
  const n = Number.parseInt(hex.slice(1), 16);
  const ch = [16, 8, 0].map((s) => (n >> s) & 255);
  const out = ch.map((c) => Math.round(amount >= 0 ? c + (255 - c) * amount : c * (1 + amount)));
  return `#${out.map((c) => Math.max(0, Math.min(255, c)).toString(16).padStart(2, '0')).join('')}`;
}

/** Cylinder shading: dark rims, a highlight a third of the way across. */
function cylinderFill(base: string): { id: string; def: string } {
  return hGradient([
    [0, shade(base, -0.35)],
    [0.22, shade(base, 0.12)],
    [0.32, shade(base, 0.28)],
    [0.5, base],
    [0.85, shade(base, -0.25)],
    [1, shade(base, -0.45)],
  ]);
}

/** Wall, a wooden table top and a soft window light: the "studio" every product stands in. */
function scene(body: string, opts: { wall?: string } = {}): string {
  const wall = vGradient([
    [0, shade(opts.wall ?? palette.paper, 0.35)],
    [1, opts.wall ?? palette.paper],
  ]);
  const table = vGradient([
    [0, '#D9B68C'],
    [1, '#B98E60'],
  ]);
  const grain = [520, 560, 610, 650]
    .map(
      (y, i) =>
        `<path d="M0 ${y} C 260 ${y - 8 + i * 3} 620 ${y + 10} ${WIDTH} ${y - 4}" stroke="#A77C50" stroke-opacity="0.28" stroke-width="3" fill="none"/>`,
    )
    .join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}">
<defs>${wall.def}${table.def}</defs>
<rect width="${WIDTH}" height="${HEIGHT}" fill="url(#${wall.id})"/>
<rect y="${TABLE_Y}" width="${WIDTH}" height="${HEIGHT - TABLE_Y}" fill="url(#${table.id})"/>
<rect y="${TABLE_Y}" width="${WIDTH}" height="6" fill="#E8CFA9"/>
${grain}
${body}
</svg>
`;
}

/** Afternoon light falling through a window onto the wall behind: two pale slanted panes. */
function windowLight(): string {
  return [0, 1]
    .map((i) => {
      const x = 560 + i * 190;
      return `<path d="M${x} 40 L${x + 170} 40 L${x + 110} 420 L${x - 60} 420 Z" fill="#FFFFFF" fill-opacity="0.32"/>`;
    })
    .join('');
}

/** A soft contact shadow under an object standing on the table. */
function shadow(cx: number, cy: number, rx: number, ry: number): string {
  return [0.08, 0.1, 0.14]
    .map(
      (o, i) =>
        `<ellipse cx="${cx}" cy="${cy}" rx="${rx * (1 - i * 0.15)}" ry="${ry * (1 - i * 0.2)}" fill="#5A3B1E" fill-opacity="${o}"/>`,
    )
    .join('');
}

/** A tea-plant sprig: a stem with alternate leaves, for decoration. */
function sprig(x: number, y: number, scale: number, rotate: number): string {
  const leaf = (lx: number, ly: number, angle: number, size: number) =>
    `<g transform="translate(${lx} ${ly}) rotate(${angle})"><path d="M0 0 C ${size * 0.35} ${-size * 0.32} ${size * 0.8} ${-size * 0.3} ${size} 0 C ${size * 0.8} ${size * 0.3} ${size * 0.35} ${size * 0.32} 0 0 Z" fill="#4F7A4A"/><path d="M0 0 L ${size * 0.92} 0" stroke="#395C36" stroke-width="2"/></g>`;
  return `<g transform="translate(${x} ${y}) rotate(${rotate}) scale(${scale})">
<path d="M0 0 C 30 -10 70 -18 130 -14" stroke="#5B4330" stroke-width="4" fill="none"/>
${leaf(28, -6, -40, 56)}${leaf(52, -10, 35, 60)}${leaf(84, -13, -35, 52)}${leaf(108, -14, 30, 46)}${leaf(130, -14, -5, 40)}
</g>`;
}

type LeafStyle = 'rolled' | 'twisted' | 'strip';

/** Dry tea on a small white dish: rolled balls (oolong), twisted leaves or straight strips. */
function leafDish(cx: number, cy: number, style: LeafStyle, colours: string[]): string {
  const parts = [
    shadow(cx, cy + 26, 150, 22),
    `<ellipse cx="${cx}" cy="${cy + 8}" rx="140" ry="34" fill="#E9E4DA"/>`,
    `<ellipse cx="${cx}" cy="${cy}" rx="140" ry="34" fill="#FBF9F4"/>`,
    `<ellipse cx="${cx}" cy="${cy}" rx="112" ry="24" fill="#F1EEE7"/>`,
  ];
  // A deterministic scatter, heaped towards the middle.
  let seed = 7;
  const rand = () => {
    seed = (seed * 9301 + 49297) % 233280;
    return seed / 233280;
  };
  const count = style === 'rolled' ? 46 : 40;
  for (let i = 0; i < count; i++) {
    const a = rand() * Math.PI * 2;
    const r = Math.sqrt(rand());
    const x = cx + Math.cos(a) * r * 96;
    const heap = (1 - r) * 22;
    const y = cy - 2 + Math.sin(a) * r * 18 - heap;
    const c = colours[i % colours.length] ?? '#3E4F2E';
    if (style === 'rolled') {
      const s = 9 + rand() * 5;
      parts.push(
        `<ellipse cx="${x.toFixed(1)}" cy="${y.toFixed(1)}" rx="${s.toFixed(1)}" ry="${(s * 0.8).toFixed(1)}" fill="${c}"/>`,
        `<ellipse cx="${(x - s * 0.3).toFixed(1)}" cy="${(y - s * 0.3).toFixed(1)}" rx="${(s * 0.35).toFixed(1)}" ry="${(s * 0.25).toFixed(1)}" fill="#FFFFFF" fill-opacity="0.18"/>`,
      );
    } else {
      const len = style === 'strip' ? 20 + rand() * 8 : 20 + rand() * 10;
      const ang = rand() * 180;
      const bend = style === 'twisted' ? 7 : 5;
      parts.push(
        `<path transform="translate(${x.toFixed(1)} ${y.toFixed(1)}) rotate(${ang.toFixed(0)})" d="M${-len / 2} 0 Q 0 ${-bend} ${len / 2} 0 Q 0 ${bend * 0.6} ${-len / 2} 0 Z" fill="${c}" stroke="${shade(c, -0.3)}" stroke-width="1.5"/>`,
      );
    }
  }
  return parts.join('\n');
}

/** Vertical CJK text, one glyph per line, centred on x. */
function verticalText(content: string, x: number, top: number, size: number, fill: string): string {
  return [...content]
    .map((ch, i) => text(ch, x, top + size * 0.88 + i * size * 1.08, { size, fill, anchor: 'middle' }))
    .join('');
}

/** A square red seal with one character, like a tea merchant's chop. */
function seal(x: number, y: number, size: number, ch: string): string {
  return `<rect x="${x}" y="${y}" width="${size}" height="${size}" rx="${size * 0.12}" fill="${ink.red}"/>
<rect x="${x + 3}" y="${y + 3}" width="${size - 6}" height="${size - 6}" rx="${size * 0.1}" fill="none" stroke="#F6E1D6" stroke-width="2"/>
${text(ch, x + size / 2, y + size * 0.78, { size: size * 0.68, fill: '#FBEDE4', anchor: 'middle' })}`;
}

interface TinStyle {
  body: string;
  name: string;
  /** Short line under the name on the label. */
  sub: string;
  leaves: LeafStyle;
  leafColours: string[];
}

/** A tea canister: body, slip lid with a rim, a paper label with the name written top to bottom. */
function tin(cx: number, baseY: number, w: number, h: number, style: Pick<TinStyle, 'body' | 'name' | 'sub'>) {
  const rx = w / 2;
  const ry = w * 0.13;
  const x0 = cx - rx;
  const x1 = cx + rx;
  const top = baseY - h;
  const lidH = h * 0.17;
  const lidRx = rx + 5;
  const body = cylinderFill(style.body);
  const lid = cylinderFill(shade(style.body, -0.08));
  const label = cylinderFill('#F6EEDC');
  const labelTop = top + lidH + h * 0.05;
  const labelBot = baseY - h * 0.06;
  const name = style.name;
  // Name top to bottom, then the origin/weight line, then the seal, as one block centred on the label.
  const sealSize = Math.max(26, Math.min(38, w * 0.16));
  const subSize = Math.max(16, Math.min(22, w * 0.095));
  const room = labelBot - labelTop - ry - 24 - (subSize + 14) - (sealSize + 12);
  const glyph = Math.min(w * 0.27, room / (name.length * 1.08));
  const blockH = name.length * glyph * 1.08 + subSize + 14 + sealSize + 12;
  const nameTop = labelTop + ry + 8 + (labelBot - labelTop - ry - 8 - blockH) / 2;
  const subY = nameTop + name.length * glyph * 1.08 + subSize + 8;
  return `<defs>${body.def}${lid.def}${label.def}</defs>
${shadow(cx + 18, baseY + 4, rx + 40, ry + 10)}
<path d="M${x0} ${top + lidH} V${baseY} A${rx} ${ry} 0 0 0 ${x1} ${baseY} V${top + lidH} Z" fill="url(#${body.id})"/>
<path d="M${x0} ${labelTop} A${rx} ${ry} 0 0 0 ${x1} ${labelTop} V${labelBot} A${rx} ${ry} 0 0 1 ${x0} ${labelBot} Z" fill="url(#${label.id})"/>
<path d="M${x0} ${labelTop + 12} A${rx} ${ry} 0 0 0 ${x1} ${labelTop + 12}" stroke="${ink.gold}" stroke-width="3" fill="none"/>
<path d="M${x0} ${labelBot - 12} A${rx} ${ry} 0 0 0 ${x1} ${labelBot - 12}" stroke="${ink.gold}" stroke-width="3" fill="none"/>
${verticalText(name, cx, nameTop, glyph, palette.ink)}
${text(style.sub, cx, subY, { size: subSize, weight: 500, fill: palette.inkSoft, anchor: 'middle' })}
${seal(cx - sealSize / 2, subY + 12, sealSize, '茶')}
<path d="M${x0 - 5} ${top} V${top + lidH} A${lidRx} ${ry + 2} 0 0 0 ${x1 + 5} ${top + lidH} V${top} Z" fill="url(#${lid.id})"/>
<path d="M${x0 - 5} ${top + lidH - 8} A${lidRx} ${ry + 2} 0 0 0 ${x1 + 5} ${top + lidH - 8}" stroke="${shade(style.body, 0.3)}" stroke-opacity="0.6" stroke-width="3" fill="none"/>
<ellipse cx="${cx}" cy="${top}" rx="${lidRx}" ry="${ry + 2}" fill="${shade(style.body, 0.1)}"/>
<ellipse cx="${cx}" cy="${top}" rx="${lidRx - 14}" ry="${ry - 6}" fill="none" stroke="${shade(style.body, 0.3)}" stroke-width="3"/>`;
}

/** A canister with dry leaf in a dish beside it and a fresh sprig, for each loose-leaf tea. */
function tinPicture(style: TinStyle): string {
  return scene(
    [
      windowLight(),
      tin(360, 590, 250, 460, style),
      sprig(560, 640, 1, -12),
      leafDish(730, 560, style.leaves, style.leafColours),
    ].join('\n'),
  );
}

interface BagStyle {
  band: string;
  name: string;
  /** Colours of the tea seen through the mesh of the loose bags. */
  leaf: string;
}

/** A pyramid tea bag of nylon mesh with leaf inside, a string and a paper tag. */
function pyramidBag(x: number, y: number, size: number, leaf: string, rotate: number, tag: string): string {
  const h = size * 0.9;
  return `<g transform="translate(${x} ${y}) rotate(${rotate})">
${shadow(0, 6, size * 0.62, 12)}
<path d="M${-size / 2} 0 L${size / 2} 0 L${size * 0.08} ${-h} Z" fill="#FFFFFF" fill-opacity="0.55" stroke="#E3DCCD" stroke-width="2"/>
<path d="M${-size * 0.42} -2 L${size * 0.44} -2 L${size * 0.22} ${-h * 0.42} L${-size * 0.2} ${-h * 0.46} Z" fill="${leaf}" fill-opacity="0.85"/>
<path d="M${size * 0.08} ${-h} L${-size / 2} 0 M${size * 0.08} ${-h} L${size * 0.18} 0" stroke="#FFFFFF" stroke-opacity="0.9" stroke-width="3"/>
<path d="M${size * 0.08} ${-h} C ${size * 0.5} ${-h - 50} ${size * 0.9} ${-h + 10} ${size * 1.05} ${-h * 0.35}" stroke="#EDE6D6" stroke-width="2.5" fill="none"/>
<rect x="${size * 0.9}" y="${-h * 0.35}" width="54" height="40" rx="4" fill="#F7EFDF" stroke="#D8C7A6" stroke-width="2"/>
${text(tag, size * 0.9 + 27, -h * 0.35 + 29, { size: 22, fill: palette.tea, anchor: 'middle' })}
</g>`;
}

/** A kraft stand-up pouch with a printed label, pyramid bags spilled in front. */
function bagPicture(style: BagStyle): string {
  const cx = 340;
  const base = 590;
  const w = 300;
  const h = 430;
  const top = base - h;
  const kraft = hGradient([
    [0, '#A98158'],
    [0.25, '#CFAA80'],
    [0.6, '#C59D71'],
    [1, '#9C744C'],
  ]);
  const x0 = cx - w / 2;
  const x1 = cx + w / 2;
  const nameSize = style.name.length > 4 ? 40 : 46;
  const body = `<defs>${kraft.def}</defs>
${shadow(cx + 20, base + 2, w * 0.62, 20)}
<path d="M${x0 + 6} ${top} H${x1 - 6} L${x1} ${base - 10} Q${cx} ${base + 12} ${x0} ${base - 10} Z" fill="url(#${kraft.id})"/>
<rect x="${x0 + 6}" y="${top}" width="${w - 12}" height="26" fill="#B58D63"/>
<path d="M${x0 + 6} ${top + 6} H${x1 - 6}" stroke="#8E6A44" stroke-width="2" stroke-dasharray="6 5"/>
<path d="M${x0 + 10} ${top + 44} H${x1 - 10}" stroke="#9C774F" stroke-width="3"/>
<rect x="${x0 + 34}" y="${top + 84}" width="${w - 68}" height="270" rx="10" fill="#FBF5E8"/>
<rect x="${x0 + 34}" y="${top + 84}" width="${w - 68}" height="62" rx="10" fill="${style.band}"/>
<rect x="${x0 + 34}" y="${top + 130}" width="${w - 68}" height="16" fill="${style.band}"/>
${text('冷泡茶包', cx, top + 126, { size: 32, fill: palette.cream, anchor: 'middle' })}
${text(style.name, cx, top + 212, { size: nameSize, fill: palette.ink, anchor: 'middle' })}
<path d="M${cx - 70} ${top + 236} H${cx + 70}" stroke="${ink.gold}" stroke-width="3"/>
${text('20入 · 每包 3g', cx, top + 276, { size: 24, weight: 500, fill: palette.inkSoft, anchor: 'middle' })}
${seal(cx - 22, top + 298, 44, '茶')}
${sprig(x0 + 40, top + 380, 0.7, -10)}`;
  return scene(
    [
      body,
      windowLight(),
      pyramidBag(800, 540, 140, style.leaf, 8, '茶'),
      pyramidBag(610, 620, 170, style.leaf, -6, '茶'),
      sprig(520, 660, 0.9, -12),
    ].join('\n'),
  );
}

/** White porcelain gaiwan: saucer, bowl and lid with a knob, a blue line painted on each. */
function gaiwanPicture(): string {
  const cx = 470;
  const base = 560;
  const porcelain = hGradient([
    [0, '#D9DDE0'],
    [0.25, '#FFFFFF'],
    [0.55, '#F4F5F4'],
    [1, '#C9CED2'],
  ]);
  const blue = '#3C5A8A';
  const tray = vGradient([
    [0, '#6E4B30'],
    [1, '#4E331F'],
  ]);
  const slats = Array.from({ length: 11 }, (_, i) => {
    const x = 150 + i * 66;
    return `<path d="M${x} 498 V 640" stroke="#3E2817" stroke-width="3"/>`;
  }).join('');
  const body = `<defs>${porcelain.def}${tray.def}</defs>
${shadow(cx, 640, 400, 20)}
<rect x="110" y="490" width="720" height="150" rx="18" fill="url(#${tray.id})"/>
<rect x="110" y="490" width="720" height="16" rx="8" fill="#85603F"/>
${slats}
${shadow(cx, base + 12, 230, 30)}
<ellipse cx="${cx}" cy="${base}" rx="210" ry="48" fill="#CDD2D6"/>
<ellipse cx="${cx}" cy="${base - 8}" rx="210" ry="46" fill="url(#${porcelain.id})"/>
<ellipse cx="${cx}" cy="${base - 8}" rx="186" ry="38" fill="none" stroke="${blue}" stroke-width="3"/>
<ellipse cx="${cx}" cy="${base - 12}" rx="118" ry="24" fill="#E3E6E8"/>
<path d="M${cx - 168} 340 C ${cx - 160} 440 ${cx - 100} ${base - 40} ${cx - 62} ${base - 24} L ${cx + 62} ${base - 24} C ${cx + 100} ${base - 40} ${cx + 160} 440 ${cx + 168} 340 Z" fill="url(#${porcelain.id})"/>
<path d="M${cx - 64} ${base - 26} L ${cx - 70} ${base - 8} H ${cx + 70} L ${cx + 64} ${base - 26} Z" fill="#DDE1E4"/>
<path d="M${cx - 160} 380 C ${cx - 60} 410 ${cx + 60} 410 ${cx + 160} 380" stroke="${blue}" stroke-width="3" fill="none"/>
<path d="M${cx - 40} 452 c 20 -26 60 -26 80 0 c -20 26 -60 26 -80 0 z" fill="none" stroke="${blue}" stroke-width="3"/>
<path d="M${cx - 20} 452 h 40" stroke="${blue}" stroke-width="2"/>
<ellipse cx="${cx}" cy="340" rx="168" ry="30" fill="#F2F4F5" stroke="#D3D8DB" stroke-width="2"/>
<ellipse cx="${cx}" cy="338" rx="146" ry="22" fill="#C9CED2"/>
<path d="M${cx - 146} 336 C ${cx - 130} 262 ${cx + 130} 262 ${cx + 146} 336 C ${cx + 100} 356 ${cx - 100} 356 ${cx - 146} 336 Z" fill="url(#${porcelain.id})"/>
<path d="M${cx - 126} 314 C ${cx - 60} 332 ${cx + 60} 332 ${cx + 126} 314" stroke="${blue}" stroke-width="3" fill="none"/>
<path d="M${cx - 34} 282 L ${cx - 28} 252 H ${cx + 28} L ${cx + 34} 282 Z" fill="url(#${porcelain.id})"/>
<ellipse cx="${cx}" cy="252" rx="30" ry="8" fill="#F7F8F8" stroke="#C9CED2" stroke-width="2"/>
<path d="M${cx - 104} 310 C ${cx - 90} 292 ${cx - 70} 284 ${cx - 46} 280" stroke="#FFFFFF" stroke-width="8" stroke-linecap="round" fill="none" stroke-opacity="0.9"/>`;
  return scene([windowLight(), body, teaCup(910, 600, 62, '#F4F5F4', '#C8923C'), sprig(700, 655, 0.9, -8)].join('\n'));
}

/** A small tasting cup seen slightly from above, with tea in it. */
function teaCup(cx: number, base: number, r: number, glaze: string, liquor: string, drip?: string): string {
  const h = r * 1.05;
  const top = base - h;
  const fill = hGradient([
    [0, shade(glaze, -0.3)],
    [0.3, shade(glaze, 0.15)],
    [0.6, glaze],
    [1, shade(glaze, -0.35)],
  ]);
  const drips = drip
    ? `<path d="M${cx - r + 6} ${top + 4} Q ${cx - r * 0.5} ${top + h * 0.5} ${cx - r * 0.3} ${top + 10} Q ${cx} ${top + h * 0.45} ${cx + r * 0.3} ${top + 8} Q ${cx + r * 0.6} ${top + h * 0.55} ${cx + r - 6} ${top + 4} Z" fill="${drip}" fill-opacity="0.85"/>`
    : '';
  return `<defs>${fill.def}</defs>
${shadow(cx + 6, base + 2, r * 0.9, 10)}
<path d="M${cx - r} ${top} C ${cx - r} ${top + h * 0.7} ${cx - r * 0.55} ${base} ${cx - r * 0.4} ${base} H ${cx + r * 0.4} C ${cx + r * 0.55} ${base} ${cx + r} ${top + h * 0.7} ${cx + r} ${top} Z" fill="url(#${fill.id})"/>
${drips}
<ellipse cx="${cx}" cy="${top}" rx="${r}" ry="${r * 0.28}" fill="${shade(glaze, -0.15)}"/>
<ellipse cx="${cx}" cy="${top + 3}" rx="${r - 7}" ry="${r * 0.28 - 5}" fill="${liquor}"/>
<ellipse cx="${cx - r * 0.3}" cy="${top}" rx="${r * 0.22}" ry="${r * 0.06}" fill="#FFFFFF" fill-opacity="0.35"/>`;
}

/** Four wood-fired cups in an open wooden box. */
function cupsPicture(): string {
  const box = vGradient([
    [0, '#B98A5C'],
    [1, '#946A42'],
  ]);
  const glazes: Array<[string, string]> = [
    ['#8C6A4F', '#6F7A52'],
    ['#A67C5B', '#7C8A60'],
    ['#7A5A44', '#8A7F5C'],
    ['#9B7458', '#6B7B55'],
  ];
  const cups = glazes.map(([g, d], i) => teaCup(250 + i * 180, 478, 78, g, '#B9772E', d)).join('\n');
  const body = `<defs>${box.def}</defs>
${shadow(520, 612, 450, 24)}
<path d="M150 410 L890 410 L930 470 L110 470 Z" fill="#C9A070"/>
<path d="M150 410 L890 410 L900 424 L140 424 Z" fill="#8F663F"/>
${cups}
<rect x="110" y="470" width="820" height="140" fill="url(#${box.id})"/>
<rect x="110" y="470" width="820" height="10" fill="#D2AA7A"/>
<path d="M130 520 C 360 510 620 530 910 516 M130 566 C 400 558 650 576 910 560" stroke="#7D5733" stroke-opacity="0.35" stroke-width="3" fill="none"/>
<rect x="420" y="500" width="200" height="80" rx="6" fill="#F6EEDC" stroke="#C8A878" stroke-width="2"/>
${text('品茗杯', 520, 550, { size: 34, fill: palette.ink, anchor: 'middle' })}
${seal(592, 556, 22, '柴')}
${text('柴燒 · 四入', 520, 574, { size: 16, weight: 500, fill: palette.inkSoft, anchor: 'middle' })}`;
  return scene([windowLight(), body, sprig(760, 655, 0.9, -6)].join('\n'), { wall: '#F1E6D2' });
}

/** A deep green gift box, lid propped behind, two canisters inside, a gold ribbon and a tag. */
function giftboxPicture(): string {
  const green = palette.tea;
  const lid = vGradient([
    [0, shade(green, 0.1)],
    [1, shade(green, -0.2)],
  ]);
  const front = vGradient([
    [0, shade(green, 0.05)],
    [1, shade(green, -0.25)],
  ]);
  const body = `<defs>${lid.def}${front.def}</defs>
${shadow(480, 606, 380, 26)}
<path d="M175 40 L785 40 L810 330 L150 330 Z" fill="url(#${lid.id})"/>
<path d="M180 52 L780 52" stroke="${ink.gold}" stroke-width="4"/>
${text('台灣好茶 · 雙罐禮盒', 480, 116, { size: 42, fill: '#F2DFB4', anchor: 'middle' })}
${text('高山烏龍 ＋ 紅玉紅茶', 480, 160, { size: 26, weight: 500, fill: '#D7C39A', anchor: 'middle' })}
<rect x="150" y="330" width="660" height="90" fill="#E9D7B0"/>
<path d="M150 330 L810 330 L790 352 L170 352 Z" fill="#CDB585"/>
${tin(340, 500, 180, 300, { body: green, name: '高山烏龍', sub: '150g' })}
${tin(620, 500, 180, 300, { body: '#8E2F2B', name: '紅玉紅茶', sub: '100g' })}
<rect x="150" y="470" width="660" height="136" fill="url(#${front.id})"/>
<rect x="150" y="470" width="660" height="8" fill="${shade(green, 0.25)}"/>
<rect x="450" y="470" width="60" height="136" fill="${ink.gold}"/>
<rect x="450" y="470" width="8" height="136" fill="#E3C07F"/>
<path d="M480 500 C 420 450 380 490 420 520 C 440 535 470 520 480 500 Z M480 500 C 540 450 580 490 540 520 C 520 535 490 520 480 500 Z" fill="#D8AE5E" stroke="#A7813D" stroke-width="3"/>
<path d="M480 502 L 444 580 M480 502 L 516 580" stroke="#C89B4E" stroke-width="16" stroke-linecap="round"/>
<circle cx="480" cy="502" r="15" fill="#E3C07F" stroke="#A7813D" stroke-width="3"/>
${text('禮', 250, 566, { size: 64, fill: '#F2DFB4', anchor: 'middle' })}
${seal(680, 508, 60, '茶')}`;
  return scene([body, sprig(800, 650, 1, -10)].join('\n'));
}

/** The fallback when a product has no picture yet: the shop's teapot on the same table. */
function placeholderPicture(): string {
  const cx = 520;
  const body = `${shadow(cx, 500, 200, 22)}
<path d="M${cx - 150} 320 C ${cx - 190} 420 ${cx - 130} 500 ${cx} 500 C ${cx + 130} 500 ${cx + 190} 420 ${cx + 150} 320 Z" fill="${palette.tea}"/>
<ellipse cx="${cx}" cy="320" rx="150" ry="30" fill="${palette.teaLight}"/>
<path d="M${cx - 90} 318 C ${cx - 80} 270 ${cx + 80} 270 ${cx + 90} 318 Z" fill="${palette.tea}"/>
<ellipse cx="${cx}" cy="270" rx="22" ry="12" fill="${palette.teaLight}"/>
<path d="M${cx + 150} 360 C ${cx + 230} 330 ${cx + 240} 440 ${cx + 160} 450" stroke="${palette.tea}" stroke-width="22" fill="none" stroke-linecap="round"/>
<path d="M${cx - 160} 400 C ${cx - 220} 380 ${cx - 240} 330 ${cx - 250} 300 L ${cx - 225} 296 C ${cx - 205} 340 ${cx - 190} 360 ${cx - 150} 372 Z" fill="${palette.tea}"/>
<path d="M${cx - 100} 350 C ${cx - 110} 410 ${cx - 90} 450 ${cx - 50} 470" stroke="#FFFFFF" stroke-opacity="0.18" stroke-width="14" stroke-linecap="round" fill="none"/>
${text('茶舖', cx, 430, { size: 64, fill: palette.cream, anchor: 'middle' })}
${text('商品照片準備中', cx, 590, { size: 34, weight: 500, fill: palette.ink, anchor: 'middle' })}`;
  return scene([windowLight(), `<g transform="translate(0 40)">${body}</g>`].join('\n'));
}

export const pictures: Record<string, () => string> = {
  oolong: () =>
    tinPicture({
      body: palette.tea,
      name: '高山烏龍',
      sub: '阿里山 · 150g',
      leaves: 'rolled',
      leafColours: ['#3F5A2C', '#4B6B35', '#35492A'],
    }),
  tieguanyin: () =>
    tinPicture({
      body: '#6B3E26',
      name: '鐵觀音',
      sub: '木柵 · 150g',
      leaves: 'rolled',
      leafColours: ['#4A3522', '#5C4128', '#3A2A1C'],
    }),
  beauty: () =>
    tinPicture({
      body: '#B9782F',
      name: '東方美人',
      sub: '蜜香 · 75g',
      leaves: 'twisted',
      leafColours: ['#7A4A2A', '#D8CDB2', '#9C5F34', '#5E4A2C'],
    }),
  ruby: () =>
    tinPicture({
      body: '#8E2F2B',
      name: '紅玉紅茶',
      sub: '日月潭 · 100g',
      leaves: 'strip',
      leafColours: ['#3B2418', '#4A2C1C', '#2E1C14'],
    }),
  baozhong: () =>
    tinPicture({
      body: '#5F8467',
      name: '文山包種',
      sub: '坪林 · 150g',
      leaves: 'twisted',
      leafColours: ['#4E6A38', '#5D7A42', '#415A30'],
    }),
  'bag-oolong': () => bagPicture({ band: palette.tea, name: '烏龍茶包', leaf: '#56703A' }),
  'bag-black': () => bagPicture({ band: '#8E2F2B', name: '蜜香紅茶', leaf: '#6A3B22' }),
  'bag-green': () => bagPicture({ band: '#5F8467', name: '碧螺春', leaf: '#7E9A4A' }),
  gaiwan: gaiwanPicture,
  cups: cupsPicture,
  giftbox: giftboxPicture,
  placeholder: placeholderPicture,
};

function main(argv: string[]): number {
  const writeSvg = argv.includes('--svg');
  mkdirSync(PRODUCTS_DIR, { recursive: true });
  let failed = false;
  for (const [name, draw] of Object.entries(pictures)) {
    gradientId = 0;
    const svg = draw();
    const png = svgToPng(svg);
    const out = join(PRODUCTS_DIR, `${name}.png`);
    writeFileSync(out, png);
    if (writeSvg) writeFileSync(out.replace(/\.png$/, '.svg'), svg);
    const width = png.readUInt32BE(16);
    const height = png.readUInt32BE(20);
    const ok = width === WIDTH && height === HEIGHT && png.length < MAX_BYTES;
    console.log(
      `${name}.png ${width}×${height} ${(png.length / 1024).toFixed(0)} KB${ok ? '' : ' ✗ (too big or wrong size)'}`,
    );
    failed ||= !ok;
  }
  return failed ? 1 : 0;
}

if (require.main === module) {
  try {
    process.exitCode = main(process.argv.slice(2));
  } catch (err) {
    console.error(`media:build failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
  }
}
