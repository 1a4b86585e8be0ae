/**
 * Photographs a notice held for the LINE push quota riding on the customer's next reply, for a
 * person to look at:
 *   npx tsx test/e2e/held-notice-screenshot.ts [outDir]     (default: <tmp>/line-shop-quota-shots)
 * A test shop on SQLite with LINE_PUSH_BUDGET=0 (every lower-ranked notice is held): an order's
 * 已逾期 notice (rank when_budget_allows) is held instead of pushed; the customer then types 購物車
 * and the held notice arrives inside that free reply, before the answer.
 */
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tellCustomer } from '../../src/shop/notices';
import { buy, newUser, productWithStock } from '../checkout/helpers';
import { startTestShop } from '../support/shop-harness';
import { launchChromium, newPhone } from './support/chat-flow';

const OUT = process.argv[2] ?? join(tmpdir(), 'line-shop-quota-shots');

async function main(): Promise<void> {
  mkdirSync(OUT, { recursive: true });
  const [shop, browser] = await Promise.all([
    startTestShop('sqlite', { env: { LINE_PUSH_BUDGET: '0' } }),
    launchChromium(),
  ]);
  try {
    const { chat } = await newPhone(browser, { width: 390, height: 844 });
    const user = newUser();
    const p = await productWithStock(shop, 3);
    const { order } = await buy(shop, user, p.id, 'A');
    await shop.database.db.transaction().execute((trx) => tellCustomer(trx, { kind: 'expired', order }, Date.now()));
    // Held, not pushed: deliver it here (the running outbox job may take it first; either way it is held).
    for (let i = 0; i < 1000; i++) {
      await shop.runtime.outboxSender.tick();
      const row = await shop.database.db
        .selectFrom('outbox')
        .select(['held_at'])
        .where('kind', '=', 'expired')
        .executeTakeFirst();
      if (row?.held_at) break;
    }
    const before = shop.sim.botMessages(user).length;
    await shop.sim.sendText(user, '購物車');
    await shop.sim.waitForMessages(user, before + 2);
    await chat.goto(`${shop.sim.url}/?user=${user}`);
    await chat.locator('.row.bot').last().waitFor();
    await chat.locator('#messages').evaluate((box) => {
      box.scrollTop = box.scrollHeight;
    });
    await chat.screenshot({ path: join(OUT, 'held-notice-in-reply.png') });
    console.log(`wrote ${join(OUT, 'held-notice-in-reply.png')}`);
  } finally {
    await browser.close();
    await shop.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
