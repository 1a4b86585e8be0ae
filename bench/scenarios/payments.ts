/**
 * (4) Payment burst: 1,000 card orders made through the real checkout path, paid at the bank
 * simulator with its own notifications switched off; then 1,000 notifications + 20 % duplicates
 * at once from the load generator, measured until every receipt has reached the LINE simulator,
 * and stock is checked against what sold.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { orderCopy } from '../../src/messages/copy';
import { BANK_WAIT_MS, startBank } from '../support/bank';
import { type BenchContext, recordMemory } from '../support/context';
import { type DbKind, PG_ADMIN, pgReachable } from '../support/databases';
import { MarkedMessages, SECRET } from '../support/line-platform';
import { type Row, save, table } from '../support/output';
import { startShop } from '../support/shop';
import { countByStatus, reservationCheck, stockByProduct } from '../support/shop-data';
import { runCheckouts } from './checkout';

const PAYMENT_ORDERS = 1000;
const DUPLICATE_SHARE = 0.2;
/** A receipt carries its title. */
const RECEIPT_MARK = `✅ ${orderCopy.receiptTitle}`;

function shuffle<T>(list: T[]): T[] {
  for (let i = list.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [list[i], list[j]] = [list[j]!, list[i]!];
  }
  return list;
}

/** One burst on `kind`, with its own bank simulator and shop (see the top of this file). */
async function paymentBurst(ctx: BenchContext, kind: DbKind) {
  const bank = await startBank(0);
  const shop = await startShop(ctx, kind, 1, bank);
  try {
    const co = await runCheckouts(ctx, shop, bank, PAYMENT_ORDERS, 0);
    const db = shop.db.db;
    const before = await stockByProduct(db);
    // Paid at the bank; no BackendURL, so the bank sends nothing itself: the burst stands in for it.
    const tokens: string[] = [];
    for (const o of bank.orders()) {
      if (o.state !== 'pending') continue;
      delete o.backendUrl;
      tokens.push((await bank.pay(o.orderNo)).payToken);
    }
    const duplicates = Math.round(tokens.length * DUPLICATE_SHARE);
    const bodies = shuffle([
      ...tokens,
      ...Array.from({ length: duplicates }, (_, i) => tokens[(i * 7919) % tokens.length]!),
    ]).map((PayToken) => ({ ShopNo: bank.credentials.shopNo, PayToken }));
    const file = join(mkdtempSync(join(tmpdir(), 'line-shop-bench-notify-')), 'bodies.json');
    writeFileSync(file, JSON.stringify(bodies));
    const receipts = new MarkedMessages(ctx.sim, co.userIds, RECEIPT_MARK);
    for (const i of shop.instances) i.resetPeak();
    const r = await ctx.load.run({
      targets: shop.instances.map((i) => `${new URL(i.url).origin}/payments/qpay/notify`),
      secret: SECRET,
      destination: '',
      eventsFile: file,
      raw: true,
      count: bodies.length,
      mode: 'burst',
      concurrency: 256,
    });
    const complete = await receipts.waitAll(BANK_WAIT_MS);
    const got = receipts.summary();
    const seconds = (got.lastAt - r.startedAt) / 1000;

    // Afterwards: every order paid, reservations turned into sales, stock down by exactly what sold.
    const after = await stockByProduct(db);
    const sold = await db
      .selectFrom('order_items')
      .innerJoin('orders', 'orders.id', 'order_items.order_id')
      .where('orders.status', '=', 'paid')
      .select(['order_items.product_id as id', (eb) => eb.fn.sum<number>('order_items.quantity').as('n')])
      .groupBy('order_items.product_id')
      .execute();
    const soldBy = new Map(sold.map((s) => [Number(s.id), Number(s.n)]));
    let wrongProducts = 0;
    for (const [id, b] of before) {
      const a = after.get(id);
      const s = soldBy.get(id) ?? 0;
      if (!a || a.stock !== b.stock - s || a.reserved !== b.reserved - s) wrongProducts++;
    }
    const stock = await reservationCheck(db);
    const statuses = await countByStatus(db, 'orders');
    const notifications = await countByStatus(db, 'bank_notifications');
    const row: Row = {
      db: kind,
      orders: tokens.length,
      notifications: bodies.length,
      'ack errors': r.errors,
      'ack p50 ms': Math.round(r.p50),
      'ack p99 ms': Math.round(r.p99),
      'all acked s': Math.round((r.endedAt - r.startedAt) / 100) / 10,
      'all receipts s': Math.round(seconds * 10) / 10,
      'receipts/s': seconds > 0 ? Math.round(got.users / seconds) : 0,
      receipts: got.users,
      'dup receipts': got.duplicates,
      missing: got.missing,
      'all in': complete,
    };
    const checks: Row = {
      db: kind,
      paid: statuses.paid ?? 0,
      'still awaiting': statuses.awaiting_payment ?? 0,
      'tokens recorded': Object.values(notifications).reduce((a, n) => a + n, 0),
      'tokens paid': notifications.paid ?? 0,
      'Σ reserved': stock.reserved,
      'Σ qty pending+awaiting': stock.heldByOrders,
      'products with wrong stock': wrongProducts,
      'other msgs': got.other,
    };
    table(`(4) Payment burst, ${kind}: ${tokens.length} notifications + ${duplicates} duplicates at once`, [row]);
    table('(4) Checks after the burst (exactly one receipt per order; stock = before − sold)', [checks]);
    ctx.figures[`payment burst ${kind}: receipts s`] = Number(row['all receipts s']);
    const memory = recordMemory(ctx, `payments (${kind})`, shop.instances);
    return { row, checks, load: r, receipts: got, statuses, notifications, checkout: co.row, memory };
  } finally {
    await shop.stop();
    await bank.close();
  }
}

export async function paymentsScenario(ctx: BenchContext) {
  const results: unknown[] = [await paymentBurst(ctx, 'sqlite')];
  if (await pgReachable()) results.push(await paymentBurst(ctx, 'postgres'));
  else console.log(`\n(4) Payment burst on PostgreSQL: skipped, cannot reach ${PG_ADMIN}`);
  save('payments', results);
}
