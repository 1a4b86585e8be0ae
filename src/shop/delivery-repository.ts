/**
 * Where an order goes (table order_deliveries): the recipient and address or store, copied from
 * what the customer confirmed when the order is placed, so later edits never change it. Only this
 * file touches that table.
 */
import type { Executor } from '../db/database';
import type { OrderDelivery } from '../db/types';

export type NewOrderDelivery = Omit<OrderDelivery, 'anonymized_at'>;

export async function insertOrderDelivery(trx: Executor, d: NewOrderDelivery): Promise<void> {
  await trx.insertInto('order_deliveries').values(d).execute();
}

export async function orderDelivery(db: Executor, orderId: number): Promise<OrderDelivery | undefined> {
  return db.selectFrom('order_deliveries').selectAll().where('order_id', '=', orderId).executeTakeFirst();
}

/**
 * Wipes the recipient's name, phone and address of orders whose goods arrived or came back before
 * `before` (or that closed without shipping before it) — after RECIPIENT_RETENTION_DAYS. The order, its items and
 * amounts stay for the books. At most `limit` orders per call; returns how many were wiped.
 */
export async function anonymizeDeliveries(db: Executor, before: number, now: number, limit: number): Promise<number> {
  const due = await db
    .selectFrom('order_deliveries')
    .innerJoin('orders', 'orders.id', 'order_deliveries.order_id')
    .select('order_deliveries.order_id')
    .where('order_deliveries.anonymized_at', 'is', null)
    .where((eb) =>
      eb.or([
        eb.and([eb('orders.fulfilment', 'in', ['completed', 'returned']), eb('orders.fulfilment_at', '<=', before)]),
        // Orders that never shipped (unpaid and closed, or refunded) count from their last change.
        eb.and([
          eb('orders.status', 'in', ['cancelled', 'expired', 'failed', 'refunded']),
          eb('orders.updated_at', '<=', before),
        ]),
      ]),
    )
    .orderBy('order_deliveries.order_id')
    .limit(limit)
    .execute();
  if (due.length === 0) return 0;
  const r = await db
    .updateTable('order_deliveries')
    .set({
      recipient_name: '',
      recipient_phone: '',
      postal_code: null,
      city: null,
      district: null,
      address: null,
      anonymized_at: now,
    })
    .where(
      'order_id',
      'in',
      due.map((d) => d.order_id),
    )
    .where('anonymized_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}
