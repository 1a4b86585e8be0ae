/**
 * Line icons drawn for this shop, each in a 200×200 box, stroked in one colour so they read at
 * phone size. `icon(name, cx, cy, size, colour)` places one centred on (cx, cy).
 */
import type { MenuIcon } from '../../src/shop/profile';

const stroke = (colour: string, width = 11) =>
  `fill="none" stroke="${colour}" stroke-width="${width}" stroke-linecap="round" stroke-linejoin="round"`;

const ICONS = {
  /** A teacup on a saucer with steam: browsing the teas. */
  teacup: (c: string) => `
    <path d="M72 62 C60 48 84 40 72 24" ${stroke(c, 9)}/>
    <path d="M104 62 C92 48 116 40 104 24" ${stroke(c, 9)}/>
    <path d="M36 80 H142 V100 C142 140 118 162 89 162 C60 162 36 140 36 100 Z" ${stroke(c)}/>
    <path d="M142 92 C176 88 180 132 140 130" ${stroke(c)}/>
    <path d="M26 178 H160" ${stroke(c)}/>`,
  /** A shopping cart. */
  cart: (c: string) => `
    <path d="M22 40 H50 L72 132 H156 L174 66 H58" ${stroke(c)}/>
    <circle cx="82" cy="164" r="13" fill="${c}"/>
    <circle cx="146" cy="164" r="13" fill="${c}"/>`,
  /** A clipboard with ticked lines: my orders. */
  orders: (c: string) => `
    <rect x="46" y="34" width="108" height="146" rx="14" ${stroke(c)}/>
    <rect x="76" y="22" width="48" height="26" rx="8" fill="${c}"/>
    <path d="M70 88 L80 98 L98 78" ${stroke(c, 9)}/>
    <path d="M108 90 H134" ${stroke(c, 9)}/>
    <path d="M70 134 L80 144 L98 124" ${stroke(c, 9)}/>
    <path d="M108 136 H134" ${stroke(c, 9)}/>`,
  /** A speech bubble: talk to the shop. */
  chat: (c: string) => `
    <path d="M44 40 H156 Q176 40 176 60 V122 Q176 142 156 142 H98 L62 172 V142 H44 Q24 142 24 122 V60 Q24 40 44 40 Z" ${stroke(c)}/>
    <circle cx="66" cy="91" r="11" fill="${c}"/>
    <circle cx="100" cy="91" r="11" fill="${c}"/>
    <circle cx="134" cy="91" r="11" fill="${c}"/>`,
  /** A tea leaf: choose a tea. */
  leaf: (c: string) => `
    <path d="M100 24 C152 50 166 118 100 176 C34 118 48 50 100 24 Z" ${stroke(c)}/>
    <path d="M100 60 V176" ${stroke(c, 9)}/>
    <path d="M100 104 L128 82 M100 136 L72 114" ${stroke(c, 9)}/>`,
  /** A bank card: pay. */
  card: (c: string) => `
    <rect x="24" y="50" width="152" height="104" rx="14" ${stroke(c)}/>
    <rect x="24" y="74" width="152" height="22" fill="${c}"/>
    <path d="M48 128 H88" ${stroke(c, 9)}/>`,
  /** A bell: the shop tells you when it ships. */
  bell: (c: string) => `
    <path d="M100 32 C68 32 54 58 54 90 V124 L38 146 H162 L146 124 V90 C146 58 132 32 100 32 Z" ${stroke(c)}/>
    <path d="M84 164 Q100 182 116 164" ${stroke(c)}/>`,
  /** Two mountain ridges: the shop's mark (山嵐 = mountain mist). */
  mountains: (c: string) => `
    <path d="M12 160 L76 62 L112 116 L138 84 L188 160 Z" fill="${c}"/>
    <path d="M40 184 C70 170 100 196 130 182 C150 172 170 180 186 184" ${stroke(c, 8)}/>`,
  /** A shopping bag: browse any shop's goods. */
  bag: (c: string) => `
    <path d="M40 66 H160 L150 178 H50 Z" ${stroke(c)}/>
    <path d="M72 84 V56 C72 22 128 22 128 56 V84" ${stroke(c)}/>`,
  /** A five-pointed star: a shop's mark when it has not chosen one. */
  star: (c: string) => `
    <path d="M100 20 L123 74 L182 79 L137 118 L151 176 L100 145 L49 176 L63 118 L18 79 L77 74 Z" fill="${c}"/>`,
} as const satisfies Record<MenuIcon | 'cart' | 'orders' | 'chat' | 'card' | 'bell', (c: string) => string>;

export type IconName = keyof typeof ICONS;

export function icon(name: IconName, cx: number, cy: number, size: number, colour: string): string {
  const s = size / 200;
  return `<g transform="translate(${cx - size / 2} ${cy - size / 2}) scale(${s})">${ICONS[name](colour)}</g>`;
}
