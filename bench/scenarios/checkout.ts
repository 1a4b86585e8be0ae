/**
 * (3) Checkout: customers with filled carts all tap "pay by card" at once, the bank simulator in
 * the loop; measured until every pay link has reached LINE, then stock and orders are checked.
 * `runCheckouts` is also how the payment burst makes its orders.
 */
import { randomBytes } from 'node:crypto';
import { loadConfig } from '../../src/config';
import { encodePostback } from '../../src/messages/postback';
import type { BankSimulator } from '../../src/sandbox/bank';
import { cartItems, findOpenCart } from '../../src/shop/cart-repository';
import { cartVersion, summarize } from '../../src/shop/cart-service';
import { type Delivery, deliveryHash, toRow } from '../../src/shop/delivery';
import { confirmDraft, ensureDraft } from '../../src/shop/delivery-draft-repository';
import { newCheckoutId } from '../../src/shop/delivery-link';
import { charge } from '../../src/shop/shipping-fee';
import { BANK_WAIT_MS, startBank } from '../support/bank';
import { type BenchContext, recordMemory } from '../support/context';
import { type DbKind, PG_ADMIN, pgReachable } from '../support/databases';
import { MarkedMessages, mintPostbacks } from '../support/line-platform';
import { closedLoop } from '../support/load';
import { type Row, save, table } from '../support/output';
import { percentile } from '../support/percentile';
import { type Shop, startShop } from '../support/shop';
import { orderChecks, prefillCarts, reservationCheck } from '../support/shop-data';

/** Each run: its database, bank latency and how many customers check out at once. */
const CHECKOUT_RUNS: Array<{ kind: DbKind; bankMs: number; users: number }> = [
  { kind: 'sqlite', bankMs: 0, users: 1000 },
  { kind: 'sqlite', bankMs: 300, users: 500 },
  { kind: 'postgres', bankMs: 0, users: 1000 },
  { kind: 'postgres', bankMs: 300, users: 500 },
];
/** A card pay-link message carries the bank's hosted card page. */
const PAY_LINK_MARK = '/QPay.WebPaySite/Bridge/PayCard';

interface CheckoutRun {
  row: Row;
  checks: Row;
  userIds: string[];
  detail: Record<string, unknown>;
}

/**
 * `n` customers with filled carts tap "pay by card" at once (checkout postbacks from the load
 * generator, 32 in flight); measured until every one has its pay link at the LINE simulator.
 */
export async function runCheckouts(ctx: BenchContext, shop: Shop, bank: BankSimulator, n: number, bankMs: number) {
  const db = shop.db.db;
  const tag = randomBytes(4).toString('hex');
  const userIds = Array.from({ length: n }, (_, i) => `U${tag}${i.toString(16).padStart(24, '0')}`);
  // Plenty of stock: this measures the checkout path, not sell-outs.
  await db.updateTable('products').set({ stock: 1_000_000 }).where('id', 'in', shop.db.productIds).execute();
  const units = await prefillCarts(db, userIds, shop.db.productIds);
  // Each tap carries the version of its cart and a confirmed 宅配 delivery, as the order
  // confirmation's 💳 button would (the delivery step is done before timing: it is not measured here).
  const fees = loadConfig({}).delivery;
  const home: Delivery = {
    method: 'home',
    name: '王小明',
    phone: '0912345678',
    postalCode: '106',
    city: '臺北市',
    district: '大安區',
    address: '和平東路一段12號',
  };
  const taps: Array<{ userId: string; data: string }> = [];
  for (const userId of userIds) {
    const cart = await findOpenCart(db, userId);
    const lines = cart ? await cartItems(db, cart.id) : [];
    const v = cart ? cartVersion(cart.id, lines) : '';
    const d = newCheckoutId();
    const h = deliveryHash(home);
    await ensureDraft(db, { id: d, userId, linkExpiresAt: Date.now() + 3_600_000 }, Date.now());
    await confirmDraft(db, d, toRow(home), h, Date.now());
    const t = charge(fees, 'home', summarize(lines).total)?.total ?? 0;
    taps.push({ userId, data: encodePostback({ action: 'checkout', payType: 'C', v, d, h, t }) });
  }
  const minted = await mintPostbacks(ctx.sim, taps);
  const payLinks = new MarkedMessages(ctx.sim, userIds, PAY_LINK_MARK);
  for (const i of shop.instances) i.resetPeak();
  const r = await closedLoop(ctx, shop.targets, { eventsFile: minted.file, count: n, warmup: 0, recordSentAt: true });
  const complete = await payLinks.waitAll(BANK_WAIT_MS);
  const links = payLinks.summary();
  const latencies: number[] = [];
  minted.events.forEach((e, i) => {
    const user = (e as { source?: { userId?: string } }).source?.userId ?? '';
    const at = payLinks.times.get(user)?.[0];
    const sent = r.sentAt?.[i];
    if (at !== undefined && sent !== undefined) latencies.push(at - sent);
  });
  latencies.sort((a, b) => a - b);
  const seconds = (links.lastAt - r.startedAt) / 1000;
  const stock = await reservationCheck(db);
  const orders = await orderChecks(db, bank, userIds);
  const orderedUnits = await db
    .selectFrom('order_items')
    .select((eb) => eb.fn.sum<number>('quantity').as('n'))
    .executeTakeFirst();
  const row: Row = {
    db: shop.db.kind,
    'bank ms': bankMs,
    checkouts: n,
    'webhook errors': r.errors,
    'pay links': links.users,
    'checkouts/s': seconds > 0 ? Math.round(links.users / seconds) : 0,
    'pay link p50 ms': Math.round(percentile(latencies, 50)),
    'p99 ms': Math.round(percentile(latencies, 99)),
    'max ms': Math.round(percentile(latencies, 100)),
    'all in': complete,
  };
  const checks: Row = {
    db: shop.db.kind,
    'bank ms': bankMs,
    orders: orders.orders,
    'awaiting payment': orders.statuses.awaiting_payment ?? 0,
    'Σ reserved': stock.reserved,
    'Σ qty pending+awaiting': stock.heldByOrders,
    'reserved ok': stock.reserved === stock.heldByOrders && stock.heldByOrders === units,
    'dup orders': orders.duplicatedOrders,
    'bank orders': orders.bankOrders,
    'dup bank orders': orders.duplicatedBankOrders,
    'bank≠db': orders.bankOnly + orders.oursOnly,
    'dup links': links.duplicates,
    'other msgs': links.other,
  };
  const detail = {
    load: { ...r, sentAt: undefined },
    payLinks: links,
    cartUnits: units,
    orderedUnits: Number(orderedUnits?.n ?? 0),
    stock,
    orders,
    seconds,
  };
  return { row, checks, userIds, detail } satisfies CheckoutRun;
}

export async function checkoutScenario(ctx: BenchContext) {
  const rows: Row[] = [];
  const checks: Row[] = [];
  const details: unknown[] = [];
  const pg = await pgReachable();
  for (const run of CHECKOUT_RUNS) {
    if (run.kind === 'postgres' && !pg) {
      console.log(`\n(3) Checkout on PostgreSQL: skipped, cannot reach ${PG_ADMIN}`);
      continue;
    }
    const bank = await startBank(run.bankMs);
    const shop = await startShop(ctx, run.kind, 1, bank);
    try {
      const c = await runCheckouts(ctx, shop, bank, run.users, run.bankMs);
      rows.push(c.row);
      checks.push(c.checks);
      const memory = recordMemory(ctx, `checkout (${run.kind}, bank ${run.bankMs} ms)`, shop.instances);
      details.push({ ...run, ...c.detail, row: c.row, checks: c.checks, memory });
      ctx.figures[`checkouts/s ${run.kind} bank ${run.bankMs} ms`] = Number(c.row['checkouts/s']);
    } finally {
      await shop.stop();
      await bank.close();
    }
  }
  table('(3) Checkout: cart → pay link at LINE, bank simulator in the loop (target ≥ 200/s with a 0 ms bank)', rows);
  table('(3) Checks after checkout (reserved must equal the units of pending + awaiting-payment orders)', checks);
  save('checkout', details);
}
