/** Merchant alert recipients, their link codes, the alert cursor, and what happened since it. */
import type { Executor } from '../db/database';
import type { Order, OrderItem, Product } from '../db/types';

export async function insertLinkCode(db: Executor, codeHash: string, by: string, expiresAt: number): Promise<void> {
  await db
    .insertInto('merchant_link_codes')
    .values({ code_hash: codeHash, created_by: by, expires_at: expiresAt })
    .execute();
}

/** Spends a live code (single use): returns who made it, or undefined. */
export async function useLinkCode(trx: Executor, codeHash: string, now: number): Promise<string | undefined> {
  const row = await trx
    .selectFrom('merchant_link_codes')
    .select('created_by')
    .where('code_hash', '=', codeHash)
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .executeTakeFirst();
  if (!row) return undefined;
  const r = await trx
    .updateTable('merchant_link_codes')
    .set({ used_at: now })
    .where('code_hash', '=', codeHash)
    .where('used_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1 ? row.created_by : undefined;
}

export async function addRecipient(trx: Executor, lineUserId: string, by: string, now: number): Promise<void> {
  await trx
    .insertInto('merchant_recipients')
    .values({ line_user_id: lineUserId, added_by: by, added_at: now })
    .onConflict((oc) => oc.column('line_user_id').doNothing())
    .execute();
}

export async function listRecipients(db: Executor) {
  return db.selectFrom('merchant_recipients').selectAll().orderBy('added_at').execute();
}

export async function removeRecipient(db: Executor, lineUserId: string): Promise<boolean> {
  const r = await db.deleteFrom('merchant_recipients').where('line_user_id', '=', lineUserId).executeTakeFirst();
  return Number(r.numDeletedRows) === 1;
}

export interface AlertCursor {
  version: number;
  seenUntil: number;
  deadId: number;
  lastSentAt: number;
}

/** The cursor; made on first use (starting now: what happened before alerts existed is not sent). */
export async function readAlertCursor(db: Executor, now: number): Promise<AlertCursor> {
  let row = await db.selectFrom('merchant_alert_cursor').selectAll().where('id', '=', 1).executeTakeFirst();
  if (!row) {
    const dead = await db
      .selectFrom('outbox')
      .select((eb) => eb.fn.max<number>('id').as('m'))
      .where('status', '=', 'dead')
      .executeTakeFirst();
    await db
      .insertInto('merchant_alert_cursor')
      .values({ id: 1, version: 0, seen_until: now, dead_id: Number(dead?.m ?? 0), last_sent_at: 0 })
      .onConflict((oc) => oc.column('id').doNothing())
      .execute();
    row = await db.selectFrom('merchant_alert_cursor').selectAll().where('id', '=', 1).executeTakeFirstOrThrow();
  }
  return {
    version: row.version,
    seenUntil: Number(row.seen_until),
    deadId: row.dead_id,
    lastSentAt: Number(row.last_sent_at),
  };
}

/** Moves the cursor only if nobody else did since `from` was read (one instance sends a digest). */
export async function advanceAlertCursor(
  trx: Executor,
  from: AlertCursor,
  to: Omit<AlertCursor, 'version'>,
): Promise<boolean> {
  const r = await trx
    .updateTable('merchant_alert_cursor')
    .set({ version: from.version + 1, seen_until: to.seenUntil, dead_id: to.deadId, last_sent_at: to.lastSentAt })
    .where('id', '=', 1)
    .where('version', '=', from.version)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/**
 * Orders that became paid in (from, to], by the timeline's move (paid_at is the bank's payment
 * time, which may be earlier than when the shop learnt of it).
 */
export async function paidOrdersIn(
  db: Executor,
  from: number,
  to: number,
): Promise<Array<Order & { items: OrderItem[] }>> {
  const orders = await db
    .selectFrom('orders')
    .innerJoin('order_events', 'order_events.order_id', 'orders.id')
    .selectAll('orders')
    .where('order_events.event', 'in', ['paymentVerified', 'latePaymentAccepted'])
    .where('order_events.at', '>', from)
    .where('order_events.at', '<=', to)
    .where('orders.status', 'in', ['paid', 'refunded'])
    .orderBy('order_events.id')
    .limit(50)
    .execute();
  const out = [];
  for (const o of orders) {
    const items = await db.selectFrom('order_items').selectAll().where('order_id', '=', o.id).execute();
    out.push({ ...o, items });
  }
  return out;
}

/** Orders flagged for the merchant that changed in (from, to]. */
export async function attentionOrdersIn(db: Executor, from: number, to: number): Promise<Order[]> {
  return db
    .selectFrom('orders')
    .selectAll()
    .where('updated_at', '>', from)
    .where('updated_at', '<=', to)
    .where((eb) =>
      eb.or([
        eb.and([eb('attention', 'is not', null), eb('attention', 'not like', 'refunded:%')]),
        eb('fulfilment', '=', 'returned'),
      ]),
    )
    .orderBy('id')
    .limit(50)
    .execute();
}

/** Active products changed in (from, to] whose free stock is at or below their threshold. */
export async function lowStockIn(db: Executor, from: number, to: number, fallback: number): Promise<Product[]> {
  return db
    .selectFrom('products')
    .selectAll()
    .where('active', '=', 1)
    .where('updated_at', '>', from)
    .where('updated_at', '<=', to)
    .where((eb) =>
      eb(eb('stock', '-', eb.ref('reserved')), '<=', eb.fn.coalesce('low_stock_threshold', eb.lit(fallback))),
    )
    .orderBy('id')
    .limit(50)
    .execute();
}

/** Messages given up after `afterId` (alerts themselves excluded): how many and the last id. */
export async function deadMessagesAfter(db: Executor, afterId: number): Promise<{ count: number; lastId: number }> {
  const row = await db
    .selectFrom('outbox')
    .select((eb) => [eb.fn.countAll<string | number>().as('n'), eb.fn.max<number>('id').as('m')])
    .where('status', '=', 'dead')
    .where('id', '>', afterId)
    .where('kind', '!=', 'alert')
    .executeTakeFirstOrThrow();
  return { count: Number(row.n), lastId: Number(row.m ?? afterId) };
}
