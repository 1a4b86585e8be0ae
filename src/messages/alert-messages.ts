/** The merchant's LINE alerts: one text message merging what happened since the last one. Pure. */
import type { DeliveryMethod, Order, OrderItem, Product } from '../db/types';
import { type Message, text } from './common';
import { formatPrice } from './copy';

export interface AlertDigest {
  paid: Array<Order & { items: OrderItem[] }>;
  attention: Order[];
  lowStock: Product[];
  deadMessages: number;
  /** Customers who asked for a person (「找真人客服」) since the last alert. */
  handoffs: number;
  /** The month's LINE push budget crossed a line (nearly spent, or LINE's monthly limit reached). */
  pushWarnings: Array<{ level: 'nearly_spent' | 'monthly_limit'; used: number; budget: number | null }>;
}

const DELIVERY: Record<DeliveryMethod, string> = { home: '宅配', cvs: '超商取貨', pickup: '門市自取' };
/** LINE's text message limit is 5000 characters; keep well inside it. */
const MAX_CHARS = 4500;

export function digestIsEmpty(d: AlertDigest): boolean {
  return (
    d.paid.length + d.attention.length + d.lowStock.length + d.deadMessages + d.handoffs + d.pushWarnings.length === 0
  );
}

export function alertMessage(d: AlertDigest, consoleUrl: string): Message {
  const parts: string[] = [];
  // A waiting customer first: a person should answer them in LINE's chat.
  if (d.handoffs > 0) parts.push(`🙋 ${d.handoffs} 位顧客要找真人客服，請到 LINE 官方帳號的聊天室回覆`);
  for (const w of d.pushWarnings) {
    parts.push(
      w.level === 'monthly_limit'
        ? `📵 LINE 本月推播額度已用完（${w.used} 則）：通知會等顧客下次傳訊時一起送出`
        : `📣 本月 LINE 推播快用完了（${w.used}${w.budget === null ? '' : ` / ${w.budget}`} 則）：出貨等次要通知暫緩\n${consoleUrl}`,
    );
  }
  for (const o of d.paid) {
    const items = o.items.map((i) => `${i.name} ×${i.quantity}`).join('、');
    const how = o.delivery_method ? DELIVERY[o.delivery_method] : '未選配送';
    parts.push(
      `🛒 新訂單 ${o.order_no}\n${formatPrice(o.total)}・${how}\n${items}\n${consoleUrl}/orders/${o.order_no}`,
    );
  }
  for (const o of d.attention) parts.push(`⚠️ 需處理 ${o.order_no}\n${consoleUrl}/orders/${o.order_no}`);
  if (d.lowStock.length > 0) {
    parts.push(`📦 庫存偏低\n${d.lowStock.map((p) => `${p.name}：可售 ${p.stock - p.reserved}`).join('\n')}`);
  }
  if (d.deadMessages > 0) parts.push(`✉️ 有 ${d.deadMessages} 則訊息沒有送達顧客\n${consoleUrl}`);
  const count =
    d.paid.length +
    d.attention.length +
    (d.lowStock.length > 0 ? 1 : 0) +
    (d.deadMessages > 0 ? 1 : 0) +
    (d.handoffs > 0 ? 1 : 0) +
    d.pushWarnings.length;
  let body = `【商店通知】${count} 件事\n\n${parts.join('\n\n')}`;
  if (body.length > MAX_CHARS) body = `${body.slice(0, MAX_CHARS)}…\n（更多請看後台）${consoleUrl}`;
  return text(body);
}
