/** The simulator's admin page: orders, payments and notifications at a glance, with action buttons. */
import { CJK_FONT_FAMILY, cjkFontLinks } from '../../cjk-font';
import { escapeHtml as e, formatTwd } from './html';
import type { SimState } from './state';

/** Taiwan time, as the bank shows it. */
function time(ms: number | undefined): string {
  return ms === undefined ? '' : new Date(ms + 8 * 3_600_000).toISOString().replace('T', ' ').slice(0, 19);
}

export function adminPage(state: SimState, baseUrl: string): string {
  const orders = [...state.orders]
    .reverse()
    .map(
      (
        o,
      ) => `<tr><td>${e(o.orderNo)}</td><td>${e(o.tsNo)}</td><td>${o.payType === 'C' ? '信用卡' : 'ATM'}</td><td>${formatTwd(o.amount)}</td>
<td>${e(o.state)}</td><td>${time(o.createdAt)}</td><td>${e(o.atm?.atmPayNo ?? '')}</td><td>${o.refunds.length ? formatTwd(o.refunds.reduce((s, r) => s + r.amount, 0)) : ''}</td>
<td>${o.state === 'pending' ? ['pay', 'fail', 'expire'].map((a) => `<form method="post" action="/sim/orders/${encodeURIComponent(o.orderNo)}/${a}?html=1"><button>${a}</button></form>`).join('') : ''}</td></tr>`,
    )
    .join('');
  const payments = [...state.payments]
    .reverse()
    .map(
      (p) =>
        `<tr><td>${e(p.orderNo)}</td><td><code>${e(p.payToken)}</code></td><td>${e(p.status)}</td><td>${e(p.description)}</td><td>${time(p.at)}</td></tr>`,
    )
    .join('');
  const notifications = [...state.notifications]
    .reverse()
    .map(
      (
        n,
      ) => `<tr><td>${n.id}</td><td>${e(n.orderNo)}</td><td>${e(n.url)}</td><td>${e(n.state)}</td><td>${n.attempts.length}</td>
<td>${e(n.attempts.at(-1)?.detail ?? '')}</td><td>${time(n.nextAttemptAt)}</td></tr>`,
    )
    .join('');
  return `<!doctype html><html lang="zh-TW"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>QPay 銀行模擬器</title>${cjkFontLinks()}<style>
body{font:14px/1.4 -apple-system,"PingFang TC","Microsoft JhengHei",${CJK_FONT_FAMILY},sans-serif;margin:20px;color:#1d2733}h1{font-size:20px}h2{font-size:16px;margin-top:24px}
table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #dde3ea;padding:5px 8px;text-align:left;vertical-align:top}
th{background:#f2f5f9}code{font-size:12px}form{display:inline}button{margin-right:4px}
</style></head><body><h1>QPay 銀行模擬器</h1>
<p>API base URL: <code>${e(baseUrl)}</code> · JSON: <a href="/sim/orders">/sim/orders</a> <a href="/sim/payments">/sim/payments</a> <a href="/sim/notifications">/sim/notifications</a> <a href="/sim/cards">/sim/cards</a>
<form method="post" action="/sim/tick?html=1"><button>run due jobs now</button></form></p>
<h2>訂單 Orders</h2><table><tr><th>OrderNo</th><th>TSNo</th><th>方式</th><th>金額</th><th>狀態</th><th>建立</th><th>虛擬帳號</th><th>已退款</th><th></th></tr>${orders}</table>
<h2>付款 Payments</h2><table><tr><th>OrderNo</th><th>PayToken</th><th>Status</th><th>Description</th><th>時間</th></tr>${payments}</table>
<h2>通知 Notifications</h2><table><tr><th>#</th><th>OrderNo</th><th>BackendURL</th><th>狀態</th><th>次數</th><th>最後結果</th><th>下次</th></tr>${notifications}</table>
</body></html>`;
}
