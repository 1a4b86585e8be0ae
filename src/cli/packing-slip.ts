/**
 * The printable packing list of `npm run orders -- packing-slip <OrderNo…>`: one A4-width slip per
 * order (recipient, delivery, items, order number), page breaks between them, no barcode. Pure.
 * It carries the recipient's full name, phone and address — it goes on the parcel — so it is
 * written to a file the merchant prints, never logged.
 */
import type { Order, OrderDelivery, OrderItem, Shipment } from '../db/types';
import { escapeHtml as e } from '../ecpay/html';
import { CHAIN_NAMES, chainOf, isCvsSubType } from '../ecpay/types';
import { CARRIER_INFO } from '../messages/carriers';
import { formatPrice, formatTaiwanDateTime } from '../messages/copy';

export interface PackingSlip {
  order: Order;
  items: OrderItem[];
  delivery: OrderDelivery | undefined;
  shipment: Shipment | undefined;
}

const METHOD: Record<string, string> = { home: '宅配', cvs: '超商取貨', pickup: '門市自取' };

function deliveryLines(s: PackingSlip): string[] {
  const d = s.delivery;
  if (!d) return ['（沒有收件資料）'];
  if (d.anonymized_at !== null) return ['（收件資料已依保存期限刪除）'];
  const lines = [`收件人：${d.recipient_name}　${d.recipient_phone}`];
  if (d.method === 'home')
    lines.push(`地址：${d.postal_code ?? ''} ${d.city ?? ''}${d.district ?? ''}${d.address ?? ''}`);
  if (d.method === 'cvs') {
    const chain = d.cvs_sub_type && isCvsSubType(d.cvs_sub_type) ? CHAIN_NAMES[chainOf(d.cvs_sub_type)] : '超商';
    lines.push(`門市：${chain} ${d.store_name ?? ''}（${d.store_id ?? ''}）`, `門市地址：${d.store_address ?? ''}`);
    if (s.shipment?.cvs_payment_no) {
      lines.push(
        `寄貨編號：${s.shipment.cvs_payment_no}${s.shipment.cvs_validation_no ? `　驗證碼：${s.shipment.cvs_validation_no}` : ''}`,
      );
    }
  }
  if (s.shipment?.carrier) lines.push(`貨運：${CARRIER_INFO[s.shipment.carrier].name} ${s.shipment.tracking_no ?? ''}`);
  return lines;
}

function slip(s: PackingSlip, shopName: string): string {
  const { order, items } = s;
  const rows = items
    .map(
      (i) =>
        `<tr><td>${e(i.name)}</td><td class="n">${i.quantity}</td><td class="n">${formatPrice(i.unit_price)}</td></tr>`,
    )
    .join('');
  const count = items.reduce((n, i) => n + i.quantity, 0);
  return `<section class="slip"><header><h1>${e(shopName)}　出貨單</h1><p class="no">訂單編號 <b>${e(order.order_no)}</b></p></header>
<p>配送方式：${e(METHOD[order.delivery_method ?? ''] ?? '未指定')}　下單：${formatTaiwanDateTime(order.created_at)}</p>
<div class="to">${deliveryLines(s)
    .map((l) => `<p>${e(l)}</p>`)
    .join('')}</div>
<table><thead><tr><th>品項</th><th class="n">數量</th><th class="n">單價</th></tr></thead><tbody>${rows}</tbody>
<tfoot><tr><td>共 ${count} 件</td><td></td><td class="n">合計 ${formatPrice(order.total)}</td></tr></tfoot></table>
<p class="check">□ 已核對品項　□ 已包裝</p></section>`;
}

export function packingSlipHtml(slips: PackingSlip[], shopName: string): string {
  return `<!doctype html><html lang="zh-TW"><head><meta charset="utf-8"><title>出貨單 ${e(slips.map((s) => s.order.order_no).join(' '))}</title>
<style>
body{font:14px/1.5 "Noto Sans TC","PingFang TC","Microsoft JhengHei",sans-serif;color:#111;margin:0}
.slip{max-width:180mm;margin:10mm auto;padding:8mm;border:1px solid #999;page-break-after:always}
.slip:last-child{page-break-after:auto}
header{display:flex;justify-content:space-between;align-items:baseline;border-bottom:2px solid #111}
h1{font-size:20px;margin:0 0 4px}.no{font-size:16px;margin:0}.no b{font-size:20px;letter-spacing:1px}
.to{border:1px dashed #666;padding:4px 10px;margin:8px 0;font-size:16px}.to p{margin:2px 0}
table{width:100%;border-collapse:collapse;margin-top:8px}th,td{border-bottom:1px solid #ccc;padding:4px;text-align:left}
.n{text-align:right;white-space:nowrap}tfoot td{font-weight:bold;border-bottom:none}.check{margin-top:12px;color:#444}
@media print{.slip{border:none;margin:0 auto}}
</style></head><body>${slips.map((s) => slip(s, shopName)).join('\n')}</body></html>`;
}
