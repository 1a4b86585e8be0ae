/**
 * Reading and filling the shop's tables straight from the orchestrator: carts filled before a
 * checkout run, and the checks afterwards (reservations, orders against the bank's, stock).
 */
import type { Kysely } from 'kysely';
import type { DB } from '../../src/db/types';
import type { BankSimulator } from '../../src/sandbox/bank';

/** Fills one open cart per user straight into the database: 1–3 products, 1–2 units each. */
export async function prefillCarts(db: Kysely<DB>, userIds: string[], productIds: number[]): Promise<number> {
  const now = Date.now();
  let units = 0;
  for (let start = 0; start < userIds.length; start += 200) {
    const chunk = userIds.slice(start, start + 200);
    const carts = await db
      .insertInto('carts')
      .values(chunk.map((u) => ({ line_user_id: u, status: 'open' as const, created_at: now, updated_at: now })))
      .returning(['id', 'line_user_id'])
      .execute();
    const items = carts.flatMap((c, j) => {
      const i = start + j;
      return Array.from({ length: 1 + (i % 3) }, (_, k) => ({
        cart_id: c.id,
        product_id: productIds[(i + k) % productIds.length]!,
        quantity: 1 + ((i + k) % 2),
        added_at: now + k,
      }));
    });
    units += items.reduce((a, it) => a + it.quantity, 0);
    await db.insertInto('cart_items').values(items).execute();
  }
  return units;
}

/** Reserved units on the shelves vs units in orders that hold a reservation (pending, awaiting payment). */
export async function reservationCheck(db: Kysely<DB>) {
  const reserved = await db
    .selectFrom('products')
    .select((eb) => eb.fn.sum<number>('reserved').as('n'))
    .executeTakeFirst();
  const held = await db
    .selectFrom('order_items')
    .innerJoin('orders', 'orders.id', 'order_items.order_id')
    .where('orders.status', 'in', ['pending', 'awaiting_payment'])
    .select((eb) => eb.fn.sum<number>('order_items.quantity').as('n'))
    .executeTakeFirst();
  return { reserved: Number(reserved?.n ?? 0), heldByOrders: Number(held?.n ?? 0) };
}

/** Rows per status. */
export async function countByStatus(db: Kysely<DB>, table: 'orders' | 'bank_notifications') {
  const rows =
    table === 'orders'
      ? await db
          .selectFrom('orders')
          .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
          .groupBy('status')
          .execute()
      : await db
          .selectFrom('bank_notifications')
          .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
          .groupBy('status')
          .execute();
  return Object.fromEntries(rows.map((r) => [String(r.status), Number(r.n)])) as Record<string, number>;
}

/** Orders per user, and our bank orders against the bank simulator's. */
export async function orderChecks(db: Kysely<DB>, bank: BankSimulator, userIds: string[]) {
  const orders = await db
    .selectFrom('orders')
    .select(['id', 'order_no', 'line_user_id'])
    .where('line_user_id', 'in', userIds)
    .execute();
  const perUser = new Map<string, number>();
  for (const o of orders) perUser.set(o.line_user_id, (perUser.get(o.line_user_id) ?? 0) + 1);
  const payments = await db.selectFrom('payments').select(['bank_order_no', 'status']).execute();
  const ours = new Set(payments.filter((p) => p.status !== 'requested').map((p) => p.bank_order_no));
  const bankOrders = bank.orders();
  const perShopOrder = new Map<string, number>();
  const perOrderNo = new Map<string, number>();
  for (const b of bankOrders) {
    perShopOrder.set(b.param1 ?? '', (perShopOrder.get(b.param1 ?? '') ?? 0) + 1);
    perOrderNo.set(b.orderNo, (perOrderNo.get(b.orderNo) ?? 0) + 1);
  }
  const extra = (m: Map<string, number>) => [...m.values()].reduce((a, n) => a + Math.max(0, n - 1), 0);
  return {
    orders: orders.length,
    usersWithoutOrder: userIds.length - perUser.size,
    duplicatedOrders: extra(perUser),
    bankOrders: bankOrders.length,
    /** More than one bank order for one shop order, or one OrderNo twice. */
    duplicatedBankOrders: extra(perShopOrder) + extra(perOrderNo),
    /** At the bank but not recorded by us, or recorded by us but unknown to the bank. */
    bankOnly: bankOrders.filter((b) => !ours.has(b.orderNo)).length,
    oursOnly: [...ours].filter((no) => !perOrderNo.has(no)).length,
    statuses: await countByStatus(db, 'orders'),
  };
}

/** Stock and reserved units per product. */
export async function stockByProduct(db: Kysely<DB>) {
  const rows = await db.selectFrom('products').select(['id', 'stock', 'reserved']).execute();
  return new Map(rows.map((p) => [Number(p.id), { stock: Number(p.stock), reserved: Number(p.reserved) }]));
}
