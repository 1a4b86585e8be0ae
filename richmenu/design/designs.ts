/**
 * The image of each menu, as SVG, keyed by the manifest's menu key. Each design places its tiles
 * on the definition's areas (found by their postback data), so editing bounds in the JSON moves
 * the picture with them.
 */
import type { RichMenuDefinition } from '../checks';
import { icon } from './icons';
import { areaFor, palette, svgDocument, tabStrip, text, tile } from './parts';

export const TAB_HEIGHT = 240;
const TABS = { shop: '逛茶舖', guide: '購物說明' };

function mainMenu(def: RichMenuDefinition): string {
  const width = def.size?.width ?? 0;
  return svgDocument(
    def,
    [
      tabStrip(width, TAB_HEIGHT, [
        { label: TABS.shop, active: true },
        { label: TABS.guide, active: false },
      ]),
      tile(areaFor(def, 'action=browse'), { label: '瀏覽商品', hint: '當季台灣好茶', icon: 'teacup', primary: true }),
      tile(areaFor(def, 'action=cart'), { label: '購物車', hint: '查看・結帳', icon: 'cart' }),
      tile(areaFor(def, 'action=orders'), { label: '我的訂單', hint: '付款・出貨進度', icon: 'orders' }),
      tile(areaFor(def, 'action=help'), { label: '客服說明', hint: '常見問題・聯絡我們', icon: 'chat' }),
    ].join('\n'),
  );
}

const STEPS = [
  { icon: 'leaf', title: '挑選茶品', caption: '點「瀏覽商品」' },
  { icon: 'cart', title: '放入購物車', caption: '數量隨時可改' },
  { icon: 'card', title: '結帳付款', caption: '線上安全付款' },
  { icon: 'bell', title: '出貨通知', caption: 'LINE 即時告訴您' },
] as const;

function guideMenu(def: RichMenuDefinition): string {
  const width = def.size?.width ?? 0;
  const browse = areaFor(def, 'action=browse');
  const stepsBottom = browse.y;
  const column = width / STEPS.length;
  const discY = TAB_HEIGHT + 420;
  const r = 128;
  const steps = STEPS.flatMap((step, i) => {
    const cx = column * i + column / 2;
    const parts = [
      `<circle cx="${cx}" cy="${discY}" r="${r}" fill="${palette.card}" stroke="${palette.cardEdge}" stroke-width="4"/>`,
      icon(step.icon, cx, discY, r * 1.2, palette.tea),
      // The step number sits on the disc's shoulder.
      `<circle cx="${cx - r * 0.72}" cy="${discY - r * 0.72}" r="46" fill="${palette.amber}"/>`,
      text(String(i + 1), cx - r * 0.72, discY - r * 0.72 + 22, { size: 64, fill: palette.card, anchor: 'middle' }),
      text(step.title, cx, discY + r + 120, { size: 80, fill: palette.ink, anchor: 'middle' }),
      text(step.caption, cx, discY + r + 200, { size: 52, weight: 500, fill: palette.inkSoft, anchor: 'middle' }),
    ];
    if (i < STEPS.length - 1) {
      const ax = column * (i + 1);
      parts.push(
        `<path d="M${ax - 40} ${discY} H${ax + 30} M${ax + 6} ${discY - 24} L${ax + 32} ${discY} L${ax + 6} ${discY + 24}" fill="none" stroke="${palette.amber}" stroke-width="10" stroke-linecap="round" stroke-linejoin="round"/>`,
      );
    }
    return parts;
  });
  return svgDocument(
    def,
    [
      tabStrip(width, TAB_HEIGHT, [
        { label: TABS.shop, active: false },
        { label: TABS.guide, active: true },
      ]),
      text('在 LINE 買好茶，只要四步', width / 2, TAB_HEIGHT + 150, { size: 84, fill: palette.tea, anchor: 'middle' }),
      ...steps,
      `<path d="M120 ${stepsBottom - 6} H${width - 120}" stroke="${palette.cardEdge}" stroke-width="4"/>`,
      tile(browse, { label: '開始選購', hint: '看看今天的茶', icon: 'teacup', primary: true, labelSize: 112 }),
      tile(areaFor(def, 'action=help'), { label: '聯絡客服', hint: '有問題都可以問', icon: 'chat', labelSize: 112 }),
    ].join('\n'),
  );
}

export const designs: Record<string, (def: RichMenuDefinition) => string> = {
  main: mainMenu,
  guide: guideMenu,
};
