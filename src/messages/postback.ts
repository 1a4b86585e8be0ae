/**
 * Postback data: what a button means, as `action=…&key=…` (≤ 300 chars, LINE's limit).
 * The one place that writes and reads it, so buttons and handlers cannot drift apart.
 */
export type PostbackAction =
  | { action: 'browse' }
  | { action: 'category'; categoryId: number; page: number }
  | { action: 'add'; productId: number }
  | { action: 'inc'; productId: number }
  | { action: 'dec'; productId: number }
  | { action: 'remove'; productId: number }
  | { action: 'cart' }
  /** `confirm`: the second tap of 清空購物車; `v`: the cart version the confirmation showed. */
  | { action: 'empty'; confirm?: true; v?: string }
  /**
   * Without `payType`: 前往結帳 (the delivery step). With it: a pay button of the order confirmation —
   * `v` the cart version, `d` the delivery draft (checkout id), `h` the confirmed delivery's hash and
   * `t` the total shown; anything else than what is true now is not charged.
   */
  | { action: 'checkout'; payType?: 'C' | 'A'; v?: string; d?: string; h?: string; t?: number }
  /**
   * The delivery step from the chat: `r` ships to a saved recipient (one tap, for cart version `v`);
   * `d` (修改收件資料) answers with a fresh link to that checkout's page.
   */
  | { action: 'deliver'; r?: number; v?: string; d?: string }
  /** 刪除我的收件資料; `confirm` is the second tap. */
  | { action: 'forget'; confirm?: true }
  | { action: 'orders' }
  | { action: 'order'; orderNo: string }
  | { action: 'pay'; orderNo: string }
  /** Without `confirm` the shop asks first; `confirm` is the 確定取消 tap. */
  | { action: 'cancel'; orderNo: string; confirm?: true }
  | { action: 'rebuy'; orderNo: string }
  | { action: 'help' }
  /** A FAQ question button in help; `id` names the answer (see src/shop/faq.ts). */
  | { action: 'faq'; id: string }
  /** 找真人客服: hand the customer to a person. */
  | { action: 'person' }
  /** 回到小幫手: the customer ends the hand-off. */
  | { action: 'bot' }
  | { action: 'menu'; tab: string };

/** Query-string form (read back with URLSearchParams); a cart reply encodes dozens of these. */
export function encodePostback(p: PostbackAction): string {
  let out = '';
  for (const [k, v] of Object.entries(p)) {
    if (v !== undefined) out += `${out ? '&' : ''}${k}=${v === true ? '1' : encodeURIComponent(String(v))}`;
  }
  return out;
}

function positiveInt(v: string | null): number | undefined {
  if (v === null || !/^\d{1,9}$/.test(v)) return undefined;
  const n = Number(v);
  return n > 0 ? n : undefined;
}

const ORDER_NO = /^[A-Za-z0-9_-]{1,50}$/;
const VERSION = /^[A-Za-z0-9_-]{1,32}$/;
const CHECKOUT_ID = /^[A-Za-z0-9]{16}$/;

/** An optional version: absent → undefined; present but malformed → null (the whole postback is refused). */
function version(v: string | null): string | undefined | null {
  if (v === null) return undefined;
  return VERSION.test(v) ? v : null;
}

/**
 * Reads postback data; anything unknown or malformed is `undefined` (answered with help). Takes
 * `unknown` on purpose: only a string is a query string (URLSearchParams would read an object's
 * keys as parameters, and throw on an array such as `[1]`).
 */
export function decodePostback(data: unknown): PostbackAction | undefined {
  if (typeof data !== 'string' || data.length > 300) return undefined;
  const q = new URLSearchParams(data);
  const action = q.get('action');
  const productId = positiveInt(q.get('productId'));
  const orderNo = q.get('orderNo') ?? '';
  switch (action) {
    case 'empty': {
      const v = version(q.get('v'));
      if (v === null) return undefined;
      if (q.get('confirm') !== '1') return { action };
      return v === undefined ? { action, confirm: true } : { action, confirm: true, v };
    }
    case 'browse':
    case 'cart':
    case 'orders':
    case 'help':
    case 'person':
    case 'bot':
      return { action };
    case 'faq': {
      const id = q.get('id') ?? '';
      return /^[a-z0-9_]{1,32}$/.test(id) ? { action, id } : undefined;
    }
    case 'category': {
      const categoryId = positiveInt(q.get('categoryId'));
      return categoryId ? { action, categoryId, page: positiveInt(q.get('page')) ?? 1 } : undefined;
    }
    case 'add':
    case 'inc':
    case 'dec':
    case 'remove':
      return productId ? { action, productId } : undefined;
    case 'checkout': {
      const payType = q.get('payType');
      if (payType === null) return { action };
      const v = version(q.get('v'));
      if (v === null || (payType !== 'C' && payType !== 'A')) return undefined;
      const out: PostbackAction = { action, payType };
      // A choice without a version (a bubble from before versions existed) is answered as stale.
      if (v !== undefined) out.v = v;
      const d = q.get('d');
      const h = version(q.get('h'));
      const t = q.get('t');
      if (d !== null) {
        if (!CHECKOUT_ID.test(d) || !h || t === null || !/^\d{1,9}$/.test(t)) return undefined;
        out.d = d;
        out.h = h;
        out.t = Number(t);
      }
      return out;
    }
    case 'deliver': {
      const r = positiveInt(q.get('r'));
      const v = version(q.get('v'));
      const d = q.get('d');
      if (v === null) return undefined;
      if (d !== null) return CHECKOUT_ID.test(d) ? { action, d } : undefined;
      if (r !== undefined) return v === undefined ? { action, r } : { action, r, v };
      return q.get('r') === null ? { action } : undefined;
    }
    case 'forget':
      return q.get('confirm') === '1' ? { action, confirm: true } : { action };
    case 'cancel':
      if (!ORDER_NO.test(orderNo)) return undefined;
      return q.get('confirm') === '1' ? { action, orderNo, confirm: true } : { action, orderNo };
    case 'order':
    case 'pay':
    case 'rebuy':
      return ORDER_NO.test(orderNo) ? { action, orderNo } : undefined;
    case 'menu': {
      const tab = q.get('tab') ?? '';
      return /^[a-z0-9_-]{1,32}$/.test(tab) ? { action, tab } : undefined;
    }
    default:
      return undefined;
  }
}
