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
  /** `v`: the version (cartVersion) of the cart the pay-type choice showed; required with `payType`. */
  | { action: 'checkout'; payType?: 'C' | 'A'; v?: string }
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
      // A choice without a version (a bubble from before versions existed) is answered as stale.
      return v === undefined ? { action, payType } : { action, payType, v };
    }
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
