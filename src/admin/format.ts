/** Pure helpers the console's pages share: Taiwan calendar days, money, masking, labels. */
import type { DeliveryMethod, Fulfilment, Order, OrderStatus } from '../db/types';
import { formatPrice, formatTaiwanDateTime } from '../messages/copy';
import { FULFILMENT_LABELS, readLatePayment } from '../shop/order-lifecycle';

const TAIWAN_OFFSET_MS = 8 * 3_600_000;

/** Midnight (Taiwan time) of the day `now` falls on, and of the next day. */
export function taiwanDay(now: number): { from: number; to: number } {
  const from = Math.floor((now + TAIWAN_OFFSET_MS) / 86_400_000) * 86_400_000 - TAIWAN_OFFSET_MS;
  return { from, to: from + 86_400_000 };
}

/** The first instant (Taiwan time) of the month `now` falls in, and of the next month. */
export function taiwanMonth(now: number): { from: number; to: number } {
  const d = new Date(now + TAIWAN_OFFSET_MS);
  const from = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1) - TAIWAN_OFFSET_MS;
  const to = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1) - TAIWAN_OFFSET_MS;
  return { from, to };
}

export const money = formatPrice;
export const when = (t: number | null | undefined) => (t ? formatTaiwanDateTime(t) : '—');

export const STATUS_LABELS: Readonly<Record<OrderStatus, string>> = {
  pending: '建立中',
  awaiting_payment: '待付款',
  paid: '已付款',
  refunded: '已退款',
  failed: '未成立',
  expired: '已逾期',
  cancelled: '已取消',
};

const PAYMENT_STATUS_LABELS: Record<string, string> = {
  requested: '建立中',
  created: '待付款',
  refused: '銀行拒絕',
  failed: '付款失敗',
  paid: '已付款',
  abandoned: '已作廢',
};

export function paymentStatusLabel(status: string): string {
  return PAYMENT_STATUS_LABELS[status] ?? status;
}

export const DELIVERY_LABELS: Readonly<Record<DeliveryMethod, string>> = {
  home: '宅配',
  cvs: '超商取貨',
  pickup: '門市自取',
};

export function deliveryLabel(m: DeliveryMethod | null): string {
  return m ? DELIVERY_LABELS[m] : '—';
}

export function fulfilmentLabel(f: Fulfilment | null): string {
  return f ? FULFILMENT_LABELS[f] : '';
}

/** What the merchant reads about an order's attention flag (zh-TW twin of src/cli/attention.ts). */
export function attentionText(o: Pick<Order, 'attention' | 'fulfilment'>): string | null {
  if (o.fulfilment === 'returned' && !o.attention) return '包裹退回：請聯絡顧客並決定是否退款';
  const a = o.attention;
  if (!a) return null;
  const late = readLatePayment(a);
  if (late) {
    const was = { cancelled: '取消', expired: '逾期', failed: '未成立' }[late.was];
    if (late.outcome === 'reinstated') return `訂單${was}後才付款：商品仍有庫存，已恢復為已付款，請出貨`;
    if (late.outcome === 'refunded') return `訂單${was}後才付款、商品已售出：已自動退款`;
    return late.route === 'merchant'
      ? `訂單${was}後才以 ATM 付款、商品已售出：請自行匯還款項給顧客，完成後按「標記已處理」`
      : `訂單${was}後才付款、商品已售出：自動退款失敗，請按「退款」退還全額`;
  }
  if (a.startsWith('double_payment:'))
    return `重複付款（銀行單號 ${a.slice('double_payment:'.length)}）：請退還多付的款項`;
  if (a.startsWith('mismatch:')) return `付款金額與訂單不符（${a.slice('mismatch:'.length)}）：請與銀行核對`;
  return a;
}

/** 王*明: first and last character kept (names of two characters keep the first). */
export function maskName(name: string): string {
  const chars = [...name];
  if (chars.length <= 1) return '*';
  if (chars.length === 2) return `${chars[0]}*`;
  return `${chars[0]}${'*'.repeat(chars.length - 2)}${chars[chars.length - 1]}`;
}

/** 0912-***-678 */
export function maskPhone(phone: string): string {
  return phone.length === 10 ? `${phone.slice(0, 4)}-***-${phone.slice(7)}` : '***';
}

/** Who did it, as the timeline shows it. */
export function actorLabel(actor: string): string {
  if (actor.startsWith('merchant:')) return `店家 ${actor.slice('merchant:'.length)}`;
  return (
    (
      { customer: '顧客', bank: '銀行', ecpay: '綠界物流', timer: '系統排程', system: '系統' } as Record<string, string>
    )[actor] ?? actor
  );
}

/** What a customer notice was about, in zh-TW, for the timeline (unknown kinds show as they are). */
export function noticeLabel(kind: string | null): string {
  const labels: Record<string, string> = {
    pay_link: '付款連結',
    order_failed: '訂單建立失敗',
    pay_link_failed: '付款連結失敗',
    receipt: '付款收據',
    payment_failed: '付款失敗',
    paid_late: '逾期付款',
    refund: '退款通知',
    late_payment_refunded: '逾期付款已退回',
    authorization_voided: '信用卡授權取消',
    cancelled_by_shop: '店家取消訂單',
    expired: '訂單逾期',
    shipped: '出貨通知',
    store_arrival: '到店通知',
    pickup_reminder: '取貨提醒',
    pickup_ready: '可取貨通知',
    completed: '完成通知',
    returned: '退回通知',
  };
  return kind ? (labels[kind] ?? kind) : '';
}

/** A timeline event's name in zh-TW (unknown names — from features added later — show as they are). */
export function eventLabel(event: string): string {
  return (
    (
      {
        bankOrderCreated: '已建立付款',
        bankRefused: '銀行拒絕建立付款',
        paymentVerified: '已付款',
        latePaymentAccepted: '逾期後付款，恢復訂單',
        deadlinePassed: '付款期限已過',
        customerCancelled: '顧客取消',
        merchantCancelled: '店家取消',
        authorizationVoided: '取消信用卡授權',
        refundedInFull: '已全額退款',
        shipped: '已出貨',
        inTransit: '配送中',
        arrivedAtStore: '已到店／可取貨',
        completed: '已完成',
        returned: '包裹退回',
        refund: '退款',
        refunded: '部分退款',
        delivery_chosen: '選擇配送方式',
        captured: '請款',
        attentionResolved: '標記已處理',
        noticeSent: '已通知顧客',
      } as Record<string, string>
    )[event] ?? event
  );
}

/** 需處理 — the same rule as the list's SQL in console-repository.ts. */
export function needsAttention(o: Pick<Order, 'attention' | 'fulfilment'>): boolean {
  return (o.attention !== null && !o.attention.startsWith('refunded:')) || o.fulfilment === 'returned';
}

/** A whole number of TWD typed by the merchant ("1,200", "NT$300"), or undefined. */
export function parseAmount(raw: unknown): number | undefined {
  if (typeof raw !== 'string') return undefined;
  const s = raw.replace(/[\s,]/g, '').replace(/^NT\$/i, '');
  if (!/^\d{1,9}$/.test(s)) return undefined;
  return Number(s);
}
