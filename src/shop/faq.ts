/**
 * The shop's own answers: its FAQ (the merchant's, or defaults written from the shop's real
 * settings — delivery methods and fees, payment methods, the return policy) and which answer a
 * typed question gets. Pure: the conversation passes the settings in.
 */
import type { DeliveryConfig } from '../config';
import { formatPrice } from '../messages/copy';
import { chainName } from '../messages/delivery-copy';
import type { FaqEntry, ShopProfile } from './profile';
import { foldText } from './search-text';

/**
 * The delivery settings the FAQ describes. Declared here to the shape of `config.delivery`
 * (issue 13, built alongside); the runtime passes that object, or undefined before it exists.
 */
/** What the shipping answer is built from: the delivery settings the checkout uses. */
export type DeliverySettings = DeliveryConfig;

export interface FaqSettings {
  delivery: DeliverySettings | undefined;
  /** Online payment is on (QPay configured). */
  paymentsEnabled: boolean;
  cardPayMinutes: number;
  atmExpireDays: number;
}

/** A FAQ entry with a stable id (its help button's postback names it). */
export interface Answer extends FaqEntry {
  id: string;
}

function shippingAnswer(d: DeliverySettings | undefined): string {
  if (!d) return '運費依配送方式計算，結帳時會先顯示運費與總金額，確認後才付款。';
  const lines: string[] = [];
  if (d.homeFee !== null) lines.push(`・宅配到府：${d.homeFee === 0 ? '免運費' : `運費 ${formatPrice(d.homeFee)}`}`);
  if (d.cvsFee !== null) {
    const chains = d.cvsChains.length > 0 ? `（${d.cvsChains.map(chainName).join('、')}）` : '';
    lines.push(`・超商取貨${chains}：${d.cvsFee === 0 ? '免運費' : `運費 ${formatPrice(d.cvsFee)}`}`);
  }
  if (d.pickup) lines.push(`・到店自取：免運費，地址 ${d.pickup.address}，${d.pickup.hours}`);
  if (lines.length === 0) return '運費依配送方式計算，結帳時會先顯示運費與總金額。';
  const free = d.freeShippingThreshold !== null ? `\n單筆訂單滿 ${formatPrice(d.freeShippingThreshold)} 免運費。` : '';
  return `我們提供這些配送方式：\n${lines.join('\n')}${free}\n結帳時可以選擇，並會先顯示運費與總金額。`;
}

function paymentAnswer(s: FaqSettings): string {
  if (!s.paymentsEnabled) return '目前暫停線上付款，恢復後會在這裡通知您。';
  return [
    '在 LINE 結帳時可以選擇：',
    `・信用卡：點付款連結刷卡（${s.cardPayMinutes} 分鐘內完成），付款後馬上確認`,
    `・ATM 轉帳：取得這筆訂單專屬的永豐銀行帳號，${s.atmExpireDays} 天內轉入即可`,
    '付款由永豐銀行處理，本店不會經手或保存您的卡號。',
  ].join('\n');
}

function contactAnswer(p: ShopProfile): string {
  const lines = [
    p.phone ? `電話：${p.phone}` : '',
    p.email ? `E-mail：${p.email}` : '',
    p.hours ? `客服時間：${p.hours}` : '',
    p.address ? `地址：${p.address}` : '',
    p.contact,
  ].filter((l) => l !== '');
  const how = '也可以直接輸入「找真人客服」，由店家在這個聊天室回覆您。';
  return lines.length > 0 ? `${lines.join('\n')}\n${how}` : how;
}

/** The answers a shop has before its merchant writes any: from its profile and settings. */
export function defaultFaq(profile: ShopProfile, settings: FaqSettings): Answer[] {
  return [
    {
      id: 'shipping',
      question: '運費怎麼算？',
      keywords: ['運費', '免運', '郵資', '配送', '運送', '寄送方式', '宅配', '超商', '取貨', '自取', '面交'],
      answer: shippingAnswer(settings.delivery),
    },
    {
      id: 'delivery_time',
      question: '多久會出貨、收到？',
      keywords: ['多久', '幾天', '出貨', '到貨', '寄出', '什麼時候到', '何時到'],
      answer:
        '付款完成後，我們會在 2 個工作天內出貨（例假日順延）。宅配通常出貨後 1–2 天送達，超商取貨約 2–3 天到店，到店時會再通知您。',
    },
    {
      id: 'payment',
      question: '可以用哪些方式付款？',
      keywords: ['付款', '付錢', '刷卡', '信用卡', 'ATM', '轉帳', '匯款', '分期', '貨到付款'],
      answer: paymentAnswer(settings),
    },
    {
      id: 'returns',
      question: '可以退貨或換貨嗎？',
      keywords: ['退貨', '退款', '退換', '換貨', '鑑賞期', '瑕疵', '破損', '寄錯', '退錢'],
      answer: profile.returnPolicy,
    },
    {
      id: 'contact',
      question: '怎麼聯絡店家？',
      keywords: ['電話', '地址', '營業時間', '客服時間', '聯絡', '聯繫', '信箱', 'email', 'e-mail', '門市'],
      answer: contactAnswer(profile),
    },
  ];
}

/**
 * A merchant entry's id: from its question, so a help button sent before an edit or a deletion
 * answers the same question or says it is gone, never another entry's answer.
 */
function entryId(question: string): string {
  let h = 0x811c9dc5;
  for (const ch of question) h = Math.imul(h ^ (ch.codePointAt(0) as number), 0x01000193) >>> 0;
  return `q${h.toString(36)}`;
}

/**
 * The shop's FAQ as customers see it: the merchant's own entries first (they win a keyword tie),
 * then the defaults built from the settings, which stay true when fees or payments change.
 */
export function shopFaq(profile: ShopProfile, settings: FaqSettings): Answer[] {
  const own = (profile.faq ?? []).map((e) => ({ ...e, id: entryId(e.question) }));
  return [...own, ...defaultFaq(profile, settings)];
}

/**
 * The answer whose keyword the typed text contains (folded on both sides); when several match, the
 * one with the longest keyword (the most specific), then the first listed.
 */
export function matchFaq(faq: Answer[], typed: string): Answer | undefined {
  const text = foldText(typed).replace(/\s+/g, '');
  let best: { answer: Answer; length: number } | undefined;
  for (const answer of faq) {
    for (const keyword of answer.keywords) {
      const k = foldText(keyword).replace(/\s+/g, '');
      if (k !== '' && text.includes(k) && (best === undefined || k.length > best.length)) {
        best = { answer, length: k.length };
      }
    }
  }
  return best?.answer;
}
