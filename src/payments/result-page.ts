/** The small zh-TW page the customer's browser sees after the bank's card page. Pure. */
import type { Order } from '../db/types';
import { formatPrice, orderCopy } from '../messages/copy';
import { type LatePaymentState, readLatePayment } from '../shop/order-rules';

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
  // `late` without a readable state: flagged before the order rules existed; the chat has the details.
  if (status === 'late') return { kind: 'unknown' };
  return { kind: 'paid', orderNo: order.order_no, total: order.total };
}

function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function resultPageHtml(page: ResultPage, shopName: string, lineUrl: string): string {
  const [icon, title, body, color] =
    page.kind === 'paid'
      ? ['✅', orderCopy.pagePaid, orderCopy.pagePaidBody(page.orderNo, formatPrice(page.total)), '#3A6B35']
      : page.kind === 'late'
        ? page.state.outcome === 'reinstated'
          ? [
              '✅',
              orderCopy.lateTitle(page.state),
              `${orderCopy.late(page.state, page.orderNo, formatPrice(page.total))}${orderCopy.receiptSent}`,
              '#3A6B35',
            ]
          : [
              '⚠️',
              orderCopy.lateTitle(page.state),
              orderCopy.late(page.state, page.orderNo, formatPrice(page.total)),
              '#C0392B',
            ]
        : page.kind === 'failed'
          ? ['⚠️', orderCopy.pageFailed, orderCopy.pageFailedBody, '#C0392B']
          : page.kind === 'processing'
            ? ['⏳', orderCopy.pageProcessing, orderCopy.pageProcessingBody, '#B5651D']
            : ['❓', orderCopy.pageUnknown, orderCopy.pageUnknownBody, '#8C8C8C'];
  const refresh =
    page.kind === 'processing' ? `<meta http-equiv="refresh" content="3;url=${esc(page.refreshUrl)}">` : '';
  return `<!doctype html>
<html lang="zh-Hant-TW"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">${refresh}
<title>${esc(orderCopy.pageTitle(shopName))}</title>
<style>
body{margin:0;font-family:system-ui,-apple-system,"Noto Sans TC","PingFang TC","Microsoft JhengHei",sans-serif;background:#FBF8F1;color:#2B2B2B}
main{max-width:420px;margin:0 auto;padding:48px 24px;text-align:center}
.icon{font-size:64px;line-height:1}
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
