/**
 * Renders the bubbles of "choices bound to what the customer saw" for a person to look at:
 *   npx tsx test/e2e/order-choice-screenshots.ts [outDir]     (default: <tmp>/line-shop-order-shots)
 * A test shop on SQLite with the LINE and bank simulators; the steps are driven through the
 * simulator's API and each result is photographed in the simulator's chat page (Chromium, phone
 * width): the stale pay-type answer, the 取消訂單 and 清空購物車 confirmations, the notice of a
 * cancelled order reinstated by a late payment (and its result page), and the refund notice.
 */
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { addOne, buy, confirmationMessage, newUser, nth, postbacks, productWithStock } from '../checkout/helpers';
import { startTestShop, type TestShop } from '../support/shop-harness';
import { launchChromium, newPhone } from './support/chat-flow';

const OUT = process.argv[2] ?? join(tmpdir(), 'line-shop-order-shots');

async function tap(shop: TestShop, user: string, data: string, count = 1): Promise<unknown[]> {
  const before = shop.sim.botMessages(user).length;
  await shop.sim.postback(user, data);
  const all = await shop.sim.waitForMessages(user, before + count, { timeoutMs: 10_000 });
  return all.slice(before).map((e) => (e as { message: unknown }).message);
}

async function shoot(chat: Page, shop: TestShop, user: string, waitFor: string, file: string): Promise<void> {
  await chat.goto(`${shop.sim.url}/?user=${user}`);
  await chat.locator('.row.bot', { hasText: waitFor }).last().waitFor();
  await chat.locator('#messages').evaluate((box) => {
    box.scrollTop = box.scrollHeight;
  });
  await chat.screenshot({ path: join(OUT, file) });
}

async function main(): Promise<void> {
  mkdirSync(OUT, { recursive: true });
  const [shop, browser] = await Promise.all([startTestShop('sqlite'), launchChromium()]);
  try {
    const { chat } = await newPhone(browser, { width: 390, height: 844 });
    const a = await productWithStock(shop, 3, 0);
    const b = await productWithStock(shop, 3, 1);

    // An old pay button after the cart changed.
    const u1 = newUser();
    await addOne(shop, u1, a.id);
    const chooser = await confirmationMessage(shop, u1);
    await addOne(shop, u1, b.id);
    await tap(shop, u1, postbacks(chooser).find((d) => d.includes('payType=A')) as string, 2);
    await shoot(chat, shop, u1, '確認訂單', 'stale-choice.png');
    // 清空購物車 asks first.
    await tap(shop, u1, 'action=empty');
    await shoot(chat, shop, u1, '確定清空', 'confirm-empty.png');

    // Declined → 重新付款 → 取消訂單 (asks) → 確定取消 → 再買一次 → the old link is paid.
    const u2 = newUser();
    const { order, messagesBefore } = await buy(shop, u2, a.id, 'C');
    await shop.bank.fail(order.order_no);
    await nth(shop, u2, messagesBefore + 2);
    await tap(shop, u2, `action=pay&orderNo=${order.order_no}`);
    const [ask] = await tap(shop, u2, `action=cancel&orderNo=${order.order_no}`);
    await shoot(chat, shop, u2, '確定取消訂單', 'confirm-cancel.png');
    await tap(shop, u2, postbacks(ask)[0] as string);
    await tap(shop, u2, `action=rebuy&orderNo=${order.order_no}`, 2);
    const before = shop.sim.botMessages(u2).length;
    const payment = await shop.bank.pay(`${order.order_no}-2`);
    await shop.sim.waitForMessages(u2, before + 2, { timeoutMs: 10_000 });
    await shoot(chat, shop, u2, '訂單恢復並將出貨', 'late-reinstated.png');
    await chat
      .locator('.row.bot', { hasText: '訂單恢復並將出貨' })
      .last()
      .screenshot({
        path: join(OUT, 'late-reinstated-notice.png'),
      });
    const res = await fetch(`${shop.url}/payments/qpay/return`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ ShopNo: shop.config.qpay?.shopNo ?? '', PayToken: payment.payToken }).toString(),
    });
    await chat.setContent(await res.text());
    await chat.screenshot({ path: join(OUT, 'result-reinstated.png') });

    // Same story, but the goods were sold meanwhile: refunded through the bank.
    const u3 = newUser();
    await productWithStock(shop, 1, 1);
    const bought = await buy(shop, u3, b.id, 'C');
    const [ask3] = await tap(shop, u3, `action=cancel&orderNo=${bought.order.order_no}`);
    await tap(shop, u3, postbacks(ask3)[0] as string);
    const u4 = newUser();
    await buy(shop, u4, b.id, 'C');
    const before3 = shop.sim.botMessages(u3).length;
    await shop.bank.pay(bought.order.order_no);
    await shop.sim.waitForMessages(u3, before3 + 2, { timeoutMs: 10_000 });
    await shoot(chat, shop, u3, '全額退款', 'late-refunded.png');
    console.log(`screenshots written to ${OUT}`);
  } finally {
    await browser.close();
    await shop.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
