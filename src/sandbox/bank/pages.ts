/** The hosted pages the shopper sees: card form, results, expiry, ATM (WebATM) and the return form. */
import { bankPage, escapeHtml as e, formatTwd, ICONS, type IconName } from './html';
import type { SimOrder } from './state';
import { formatCardNumber, TEST_CARDS } from './test-cards';

export interface PageContext {
  bankName: string;
  shopName: string;
  /** The simulator's clock (never Date.now directly, so tests can move time). */
  now: () => number;
}

function summary(order: SimOrder, ctx: PageContext): string {
  return `<section class="card"><h1>訂單資訊</h1><dl>
<dt>特店名稱</dt><dd>${e(ctx.shopName)}</dd>
<dt>特店代號</dt><dd>${e(order.shopNo)}</dd>
<dt>訂單編號</dt><dd>${e(order.orderNo)}</dd>
<dt>商品名稱</dt><dd>${e(order.prdtName)}</dd>
</dl><div class="amount"><span>應付金額</span>${formatTwd(order.amount)}</div></section>`;
}

export function cardFormPage(order: SimOrder, ctx: PageContext, td: string, tk: string, error?: string): string {
  const minutesLeft = order.card ? Math.max(0, Math.ceil((order.card.linkExpiresAt - ctx.now()) / 60_000)) : 0;
  const cards = TEST_CARDS.map((c) => `<li><code>${formatCardNumber(c.number)}</code> ${e(c.label)}</li>`).join('');
  return bankPage(
    '信用卡付款',
    `${summary(order, ctx)}
<section class="card"><h1>信用卡資料</h1>
${error ? `<div class="err" role="alert">${e(error)}</div>` : ''}
<form method="post" action="PayCard" autocomplete="off">
<input type="hidden" name="TD" value="${e(td)}"><input type="hidden" name="TK" value="${e(tk)}">
<label for="cardNo">信用卡卡號</label>
<input id="cardNo" name="CardNo" inputmode="numeric" placeholder="0000-0000-0000-0000" maxlength="19" required>
<div class="row"><div><label for="exp">有效期限 (MM/YY)</label>
<input id="exp" name="Expiry" inputmode="numeric" placeholder="MM/YY" maxlength="5" required></div>
<div><label for="cvc">背面末三碼</label>
<input id="cvc" name="CVC" inputmode="numeric" placeholder="CVC" maxlength="3" required></div></div>
<button type="submit">確認付款 ${formatTwd(order.amount)}</button>
</form>
<p class="note">此付款連結${minutesLeft > 0 ? `約 ${minutesLeft} 分鐘後` : '即將'}失效。按下確認後，將由發卡銀行進行授權。</p>
</section>
<section class="card"><h1>測試卡號</h1><p class="note">有效期限填任一未來月份，末三碼任意 3 位數字。</p><ul class="cards">${cards}</ul></section>`,
    ctx.bankName,
  );
}

export function messagePage(ctx: PageContext, title: string, icon: IconName, text: string, order?: SimOrder): string {
  return bankPage(
    title,
    `<section class="card"><div class="big">${ICONS[icon]}</div><h1 style="text-align:center">${e(title)}</h1><p class="note" style="text-align:center">${e(text)}</p></section>${order ? summary(order, ctx) : ''}`,
    ctx.bankName,
  );
}

export function expiredPage(order: SimOrder, ctx: PageContext): string {
  return messagePage(ctx, '付款連結已逾期', 'clock', '此筆訂單的付款期限已過，請回到商店重新下單。', order);
}

/**
 * Sends the shopper's browser back to the shop: a form POST of ShopNo and PayToken to ReturnURL,
 * submitted by script, with a button for browsers without it.
 */
export function returnFormPage(
  ctx: PageContext,
  returnUrl: string,
  shopNo: string,
  payToken: string,
  ok: boolean,
): string {
  return bankPage(
    ok ? '付款完成' : '付款未成功',
    `<section class="card"><div class="big">${ok ? ICONS.ok : ICONS.warn}</div><h1 style="text-align:center">${ok ? '授權成功' : '付款未成功'}</h1>
<p class="note" style="text-align:center">正在返回商店…</p>
<form id="back" method="post" action="${e(returnUrl)}">
<input type="hidden" name="ShopNo" value="${e(shopNo)}"><input type="hidden" name="PayToken" value="${e(payToken)}">
<noscript><button type="submit">返回商店</button></noscript></form></section>
<script>document.getElementById('back').submit();</script>`,
    ctx.bankName,
  );
}

export function webAtmPage(order: SimOrder, ctx: PageContext, td: string, tk: string): string {
  return bankPage(
    '虛擬帳號轉帳',
    `${summary(order, ctx)}<section class="card"><h1>轉帳資訊</h1><dl>
<dt>銀行代碼</dt><dd>807</dd><dt>虛擬帳號</dt><dd>${e(order.atm?.atmPayNo ?? '')}</dd><dt>繳費期限</dt><dd>${e(order.atm?.expireDate ?? '')} 23:59</dd></dl>
<form method="post" action="PayWebATM"><input type="hidden" name="TD" value="${e(td)}"><input type="hidden" name="TK" value="${e(tk)}">
<button type="submit">模擬完成轉帳</button></form></section>`,
    ctx.bankName,
  );
}
