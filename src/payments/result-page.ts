/** The small zh-TW page the customer's browser sees after the bank's card page. Pure. */
import { CJK_FONT_FAMILY, cjkFontLinks } from '../cjk-font';
import type { Order } from '../db/types';
import { formatPrice, orderCopy } from '../messages/copy';
import { type LatePaymentState, readLatePayment } from '../shop/order-lifecycle';

export type ResultPage =
  | { kind: 'paid'; orderNo: string; total: number }
  /** Paid after the order was closed: reinstated, or refunded (the chat and the merchant say the same). */
  | { kind: 'late'; orderNo: string; total: number; state: LatePaymentState }
  | { kind: 'failed' }
  | { kind: 'processing'; refreshUrl: string }
  | { kind: 'unknown' };

/** The page for a confirmed payment of `order` (notification status `paid` or `late`). */
export function paidPageFor(
  order: Pick<Order, 'order_no' | 'total' | 'attention'>,
  status: 'paid' | 'late',
): ResultPage {
  const state = readLatePayment(order.attention);
  if (state) return { kind: 'late', orderNo: order.order_no, total: order.total, state };
  // `late` without a readable state: flagged before the late-payment rules existed; the chat has the details.
  if (status === 'late') return { kind: 'unknown' };
  return { kind: 'paid', orderNo: order.order_no, total: order.total };
}

function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * Inline SVG icons in the page's colour: an emoji (✅ ⚠️ ⏳ ❓) needs an emoji font, which minimal
 * systems and some in-app browsers lack, and then shows as an empty box.
 */
const circle = '<circle cx="24" cy="24" r="21" fill="none" stroke="currentColor" stroke-width="3.5"/>';
const ICONS = {
  paid: `${circle}<path d="M14 25l7 7 13-15" stroke="currentColor" stroke-width="4" fill="none" stroke-linecap="round" stroke-linejoin="round"/>`,
  failed: `${circle}<path d="M24 13v14" stroke="currentColor" stroke-width="4" stroke-linecap="round"/><circle cx="24" cy="34" r="2.6" fill="currentColor"/>`,
  processing: `${circle}<path d="M24 12v13l8 5" stroke="currentColor" stroke-width="4" fill="none" stroke-linecap="round" stroke-linejoin="round"/>`,
  unknown: `${circle}<path d="M18.5 18.5a5.5 5.5 0 1 1 7.6 5.1c-1.3.6-2.1 1.6-2.1 3v1.4" stroke="currentColor" stroke-width="4" fill="none" stroke-linecap="round"/><circle cx="24" cy="34.5" r="2.6" fill="currentColor"/>`,
} as const;

export function resultPageHtml(page: ResultPage, shopName: string, lineUrl: string): string {
  const [title, body, color] =
    page.kind === 'paid'
      ? [orderCopy.pagePaid, orderCopy.pagePaidBody(page.orderNo, formatPrice(page.total)), '#3A6B35']
      : page.kind === 'late'
        ? page.state.outcome === 'reinstated'
          ? [
              orderCopy.lateTitle(page.state),
              `${orderCopy.late(page.state, page.orderNo, formatPrice(page.total))}${orderCopy.receiptSent}`,
              '#3A6B35',
            ]
          : [
              orderCopy.lateTitle(page.state),
              orderCopy.late(page.state, page.orderNo, formatPrice(page.total)),
              '#C0392B',
            ]
        : page.kind === 'failed'
          ? [orderCopy.pageFailed, orderCopy.pageFailedBody, '#C0392B']
          : page.kind === 'processing'
            ? [orderCopy.pageProcessing, orderCopy.pageProcessingBody, '#B5651D']
            : [orderCopy.pageUnknown, orderCopy.pageUnknownBody, '#8C8C8C'];
  // A late payment that reinstated the order reads as paid; one to be refunded as a warning.
  const iconKind = page.kind === 'late' ? (page.state.outcome === 'reinstated' ? 'paid' : 'failed') : page.kind;
  const icon = `<svg viewBox="0 0 48 48" width="64" height="64" role="img" aria-label="${esc(title)}">${ICONS[iconKind]}</svg>`;
  const refresh =
    page.kind === 'processing' ? `<meta http-equiv="refresh" content="3;url=${esc(page.refreshUrl)}">` : '';
  return `<!doctype html>
<html lang="zh-Hant-TW"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">${refresh}
<title>${esc(orderCopy.pageTitle(shopName))}</title>${cjkFontLinks()}
<style>
body{margin:0;font-family:-apple-system,"PingFang TC","Microsoft JhengHei",${CJK_FONT_FAMILY},sans-serif;background:#FBF8F1;color:#2B2B2B}
main{max-width:420px;margin:0 auto;padding:48px 24px;text-align:center}
.icon{line-height:0;color:${color}}
h1{font-size:24px;margin:16px 0 8px;color:${color}}
p{font-size:16px;line-height:1.7;margin:0 0 28px}
.shop{font-size:14px;color:#8C8C8C;margin-bottom:24px}
a.btn{display:block;padding:16px;border-radius:12px;background:#06C755;color:#fff;font-size:18px;font-weight:bold;text-decoration:none}
</style></head>
<body><main>
<div class="shop">${esc(shopName)}</div>
<div class="icon">${icon}</div>
<h1>${esc(title)}</h1>
<p>${esc(body)}</p>
<a class="btn" href="${esc(lineUrl)}">${esc(orderCopy.pageBackToLine)}</a>
</main></body></html>`;
}
