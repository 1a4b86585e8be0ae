/**
 * Building blocks of the menu images: the palette, text, the tab strip and the tile a tappable
 * area is drawn as. Tiles are placed from the definition's own area bounds, so what a person sees
 * is exactly where LINE registers the tap.
 */
import type { messagingApi } from '@line/bot-sdk';
import type { RichMenuDefinition } from '../checks';
import { FONT_FAMILY } from '../font';
import { type IconName, icon } from './icons';

/**
 * Warm paper colours around the shop's brand colour; text/background pairs are all above WCAG AA
 * contrast for the demo's brand. `brand` is the SVG's currentColor, set once on the document from
 * the shop profile, so every part draws in whatever colour the shop chose.
 */
export const palette = {
  paper: '#F4ECDD',
  card: '#FFFBF3',
  cardEdge: '#E2D3B8',
  brand: 'currentColor',
  ink: '#3B2818',
  inkSoft: '#6E5441',
  wash: '#EFE2C9',
  amber: '#B9782F',
  cream: '#F7EFDF',
} as const;

export type Bounds = Required<messagingApi.RichMenuBounds>;

const escapeXml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export function text(
  content: string,
  x: number,
  y: number,
  opts: { size: number; weight?: 500 | 700; fill: string; anchor?: 'start' | 'middle' | 'end' },
): string {
  return `<text x="${x}" y="${y}" font-family="${FONT_FAMILY}" font-size="${opts.size}" font-weight="${opts.weight ?? 700}" fill="${opts.fill}" text-anchor="${opts.anchor ?? 'start'}">${escapeXml(content)}</text>`;
}

export function svgDocument(def: RichMenuDefinition, brandColor: string, body: string): string {
  const w = def.size?.width ?? 0;
  const h = def.size?.height ?? 0;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}" color="${escapeXml(brandColor)}">
<rect width="${w}" height="${h}" fill="${palette.paper}"/>
${body}
</svg>
`;
}

/** The bounds of the area whose action carries `data` (postback or richmenuswitch); throws if absent. */
export function areaFor(def: RichMenuDefinition, data: string): Bounds {
  const area = (def.areas ?? []).find((a) => (a.action as { data?: string } | undefined)?.data === data);
  if (!area?.bounds) throw new Error(`the definition has no area with data "${data}"`);
  return area.bounds as Bounds;
}

function chevron(x: number, y: number, direction: 1 | -1, colour: string): string {
  const d = 14 * direction;
  return `<path d="M${x - d} ${y - 28} L${x + d} ${y} L${x - d} ${y + 28}" fill="none" stroke="${colour}" stroke-width="10" stroke-linecap="round" stroke-linejoin="round"/>`;
}

/** Two tabs across the top; the active one is cut from the page colour, the other sits on the brand colour. */
export function tabStrip(
  width: number,
  height: number,
  mark: IconName,
  tabs: Array<{ label: string; active: boolean }>,
): string {
  const tabWidth = width / tabs.length;
  const parts = [`<rect width="${width}" height="${height}" fill="${palette.brand}"/>`];
  tabs.forEach((tab, i) => {
    const x = i * tabWidth;
    const cx = x + tabWidth / 2;
    const baseline = height / 2 + 58;
    if (tab.active) {
      parts.push(
        `<path d="M${x + 24} ${height} V${36 + 40} Q${x + 24} 36 ${x + 64} 36 H${x + tabWidth - 64} Q${x + tabWidth - 24} 36 ${x + tabWidth - 24} ${36 + 40} V${height} Z" fill="${palette.paper}"/>`,
        icon(mark, cx - 250, height / 2 + 22, 110, palette.brand),
        text(tab.label, cx + 40, baseline, { size: 88, fill: palette.brand, anchor: 'middle' }),
      );
    } else {
      parts.push(
        text(tab.label, cx, baseline - 8, { size: 80, weight: 500, fill: palette.cream, anchor: 'middle' }),
        // A chevron pointing at the other tab says "tap to switch".
        chevron(i === 0 ? cx - 244 : cx + 244, height / 2 + 2, i === 0 ? -1 : 1, palette.cream),
      );
    }
  });
  return parts.join('\n');
}

/** A tappable tile: rounded card inset in its area, icon disc on the left, big label and a hint. */
export function tile(
  area: Bounds,
  opts: { label: string; hint: string; icon: IconName; primary?: boolean; labelSize?: number },
): string {
  const inset = 28;
  const x = area.x + inset;
  const y = area.y + inset;
  const w = area.width - 2 * inset;
  const h = area.height - 2 * inset;
  const cy = y + h / 2;
  const r = Math.min(170, h / 2 - 50);
  const discX = x + 60 + r;
  const textX = discX + r + 70;
  const labelSize = opts.labelSize ?? 124;
  const c = opts.primary
    ? {
        bg: palette.brand,
        edge: palette.brand,
        // A lighter shade of the brand: white laid thinly over it.
        disc: 'rgba(255,255,255,0.12)',
        icon: palette.cream,
        label: palette.cream,
        hint: '#DCE7D9',
      }
    : {
        bg: palette.card,
        edge: palette.cardEdge,
        disc: palette.wash,
        icon: palette.brand,
        label: palette.ink,
        hint: palette.inkSoft,
      };
  return [
    `<rect x="${x}" y="${y}" width="${w}" height="${h}" rx="44" fill="${c.bg}" stroke="${c.edge}" stroke-width="4"/>`,
    `<circle cx="${discX}" cy="${cy}" r="${r}" fill="${c.disc}"/>`,
    icon(opts.icon, discX, cy, r * 1.25, c.icon),
    text(opts.label, textX, cy, { size: labelSize, fill: c.label }),
    text(opts.hint, textX + 4, cy + 96, { size: 56, weight: 500, fill: c.hint }),
    `<path d="M${x + w - 90} ${cy - 34} L${x + w - 56} ${cy} L${x + w - 90} ${cy + 34}" fill="none" stroke="${c.hint}" stroke-width="12" stroke-linecap="round" stroke-linejoin="round"/>`,
  ].join('\n');
}
