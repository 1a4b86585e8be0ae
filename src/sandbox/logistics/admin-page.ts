/** The simulator's admin page: shipments with their triggers, and the notifications they caused. */
import { escapeHtml as e } from '../../ecpay/html';
import { toEcpayDate } from '../../ecpay/time';
import type { SimStage, SimState } from './state';

/** Each trigger with the stages it can start from (the simulator refuses the others with 409). */
const ACTIONS: readonly (readonly [string, string, readonly SimStage[]])[] = [
  ['send', '寄件 send now', ['created']],
  ['arrive', '到店 arrive now', ['created', 'sent', 'in_transit']],
  ['pickup', '取貨 pick up now', ['created', 'sent', 'in_transit', 'arrived']],
  ['return', '退回 return now', ['created', 'sent', 'in_transit', 'arrived', 'returning']],
];

export function adminPage(state: SimState, url: string): string {
  const shipments = [...state.shipments]
    .reverse()
    .map((s) => {
      const last = s.history.at(-1);
      const buttons = ACTIONS.filter(([, , from]) => from.includes(s.stage))
        .map(
          ([a, label]) =>
            `<form method="post" action="/sim/shipments/${encodeURIComponent(s.allPayLogisticsId)}/${a}?html=1"><button>${label}</button></form>`,
        )
        .join('');
      return `<tr><td>${e(s.allPayLogisticsId)}</td><td>${e(s.merchantTradeNo)}</td><td>${e(s.subType)}</td><td>${e(s.receiverStoreId)}</td>
<td>${e(s.cvsPaymentNo)} ${e(s.cvsValidationNo)}</td><td>NT$ ${s.goodsAmount}</td><td>${e(s.stage)}</td><td>${e(last?.code ?? '')} ${e(last?.msg ?? '')}</td>
<td>${s.nextStepAt ? toEcpayDate(s.nextStepAt) : ''}</td><td>${buttons}</td></tr>`;
    })
    .join('');
  const notifications = [...state.notifications]
    .reverse()
    .slice(0, 200)
    .map(
      (
        n,
      ) => `<tr><td>${n.id}</td><td>${e(n.allPayLogisticsId)}</td><td>${e(n.fields.RtnCode ?? '')}</td><td>${e(n.url)}</td>
<td>${e(n.state)}</td><td>${n.attempts.length}</td><td>${e(n.attempts.at(-1)?.detail ?? '')}</td><td>${n.nextAttemptAt ? toEcpayDate(n.nextAttemptAt) : ''}</td>
<td><form method="post" action="/sim/notifications/${n.id}/resend?html=1"><button>resend</button></form></td></tr>`,
    )
    .join('');
  return `<!doctype html><html lang="zh-TW"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>ECPay 物流模擬器</title><link rel="stylesheet" href="/sim/fonts/400.css"><style>
body{font:14px/1.4 "Noto Sans TC",system-ui,sans-serif;margin:20px;color:#1d2733}h1{font-size:20px}h2{font-size:16px;margin-top:24px}
table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #dde3ea;padding:5px 8px;text-align:left;vertical-align:top}
th{background:#f2f5f9}code{font-size:12px}form{display:inline}button{margin:0 4px 4px 0;font:inherit;font-size:13px}
</style></head><body><h1>ECPay 物流模擬器</h1>
<p>Base URL (ECPAY_LOGISTICS_BASE_URL): <code>${e(url)}</code> · JSON: <a href="/sim/shipments">/sim/shipments</a> <a href="/sim/notifications">/sim/notifications</a> <a href="/sim/stores">/sim/stores</a>
<form method="post" action="/sim/tick?html=1"><button>run due jobs now</button></form></p>
<h2>物流訂單 Shipments</h2><table><tr><th>AllPayLogisticsID</th><th>MerchantTradeNo</th><th>子類型</th><th>門市</th><th>寄貨編號 / 驗證碼</th><th>金額</th><th>階段</th><th>最新狀態</th><th>下一步</th><th></th></tr>${shipments}</table>
<h2>狀態通知 Notifications</h2><table><tr><th>#</th><th>AllPayLogisticsID</th><th>RtnCode</th><th>ServerReplyURL</th><th>狀態</th><th>次數</th><th>最後結果</th><th>下次</th><th></th></tr>${notifications}</table>
</body></html>`;
}
