/**
 * The image of each menu, as SVG, keyed by the manifest's menu key. Each design places its tiles
 * on the definition's areas (found by their postback data), so editing bounds in the JSON moves
 * the picture with them.
 */
import type { ShopProfile } from '../../src/shop/profile';
import type { RichMenuDefinition } from '../checks';
import { type IconName, icon } from './icons';
import { areaFor, palette, svgDocument, tabStrip, text, tile } from './parts';

export const TAB_HEIGHT = 240;
const GUIDE_TAB = '購物說明';

function mainMenu(def: RichMenuDefinition, profile: ShopProfile): string {
  const width = def.size?.width ?? 0;
  const words = profile.richMenu;
  return svgDocument(
    def,
    profile.brandColor,
    [
      tabStrip(width, TAB_HEIGHT, words.markIcon, [
        { label: words.shopTab, active: true },
        { label: GUIDE_TAB, active: false },
      ]),
      tile(areaFor(def, 'action=browse'), {
        label: '瀏覽商品',
        hint: words.browseHint,
        icon: words.browseIcon,
        primary: true,
      }),
      tile(areaFor(def, 'action=cart'), { label: '購物車', hint: '查看・結帳', icon: 'cart' }),
      tile(areaFor(def, 'action=orders'), { label: '我的訂單', hint: '付款・出貨進度', icon: 'orders' }),
      tile(areaFor(def, 'action=help'), { label: '客服說明', hint: '常見問題・聯絡我們', icon: 'chat' }),
    ].join('\n'),
  );
}

function guideSteps(words: ShopProfile['richMenu']): Array<{ icon: IconName; title: string; caption: string }> {
  return [
    { icon: words.firstStepIcon, title: words.firstStep, caption: '點「瀏覽商品」' },
    { icon: 'cart', title: '放入購物車', caption: '數量隨時可改' },
    { icon: 'card', title: '結帳付款', caption: '線上安全付款' },
    { icon: 'bell', title: '出貨通知', caption: 'LINE 即時告訴您' },
  ];
}

function guideMenu(def: RichMenuDefinition, profile: ShopProfile): string {
  const width = def.size?.width ?? 0;
  const words = profile.richMenu;
  const STEPS = guideSteps(words);
  const browse = areaFor(def, 'action=browse');
  const stepsBottom = browse.y;
  const column = width / STEPS.length;
  const discY = TAB_HEIGHT + 420;
  const r = 128;
  const steps = STEPS.flatMap((step, i) => {
    const cx = column * i + column / 2;
    const parts = [
      `<circle cx="${cx}" cy="${discY}" r="${r}" fill="${palette.card}" stroke="${palette.cardEdge}" stroke-width="4"/>`,
      icon(step.icon, cx, discY, r * 1.2, palette.brand),
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
    profile.brandColor,
    [
      tabStrip(width, TAB_HEIGHT, words.markIcon, [
        { label: words.shopTab, active: false },
        { label: GUIDE_TAB, active: true },
      ]),
      text(words.guideTitle, width / 2, TAB_HEIGHT + 150, { size: 84, fill: palette.brand, anchor: 'middle' }),
      ...steps,
      `<path d="M120 ${stepsBottom - 6} H${width - 120}" stroke="${palette.cardEdge}" stroke-width="4"/>`,
      tile(browse, { label: '開始選購', hint: words.startHint, icon: words.browseIcon, primary: true, labelSize: 112 }),
      tile(areaFor(def, 'action=help'), { label: '聯絡客服', hint: '有問題都可以問', icon: 'chat', labelSize: 112 }),
    ].join('\n'),
  );
}

export const designs: Record<string, (def: RichMenuDefinition, profile: ShopProfile) => string> = {
  main: mainMenu,
  guide: guideMenu,
};
