/**
 * Orders, their item snapshots, bank payment attempts, bank notifications (PayTokens) and
 * refunds. Statuses and amounts are checked by the database itself, on both dialects.
 */
import { type Kysely, sql } from 'kysely';
import { idColumn } from './helpers';

export async function up(db: Kysely<unknown>): Promise<void> {
  await idColumn(db, db.schema.createTable('orders'))
    .addColumn('order_no', 'text', (c) => c.notNull().unique())
    .addColumn('line_user_id', 'text', (c) => c.notNull())
    .addColumn('cart_id', 'integer', (c) => c.references('carts.id'))
    .addColumn('status', 'text', (c) =>
      c
        .notNull()
        .check(sql`status IN ('pending', 'awaiting_payment', 'paid', 'failed', 'expired', 'cancelled', 'refunded')`),
    )
    .addColumn('pay_type', 'text', (c) => c.notNull().check(sql`pay_type IN ('C', 'A')`))
    .addColumn('total', 'integer', (c) => c.notNull().check(sql`total > 0`))
    .addColumn('refunded_amount', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('expires_at', 'bigint')
    .addColumn('paid_at', 'bigint')
    .addColumn('closed_at', 'bigint')
    .addColumn('failure_reason', 'text')
    .addColumn('attention', 'text')
    .addColumn('reply_token', 'text')
    .addColumn('reply_until', 'bigint')
    .addColumn('next_check_at', 'bigint')
    .addColumn('locked_until', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addCheckConstraint('orders_refund_within_total', sql`refunded_amount >= 0 AND refunded_amount <= total`)
    .execute();
  await db.schema.createIndex('orders_by_user').on('orders').columns(['line_user_id', 'id']).execute();
  await db.schema.createIndex('orders_by_status').on('orders').columns(['status', 'expires_at']).execute();

  await db.schema
    .createTable('order_items')
    .addColumn('order_id', 'integer', (c) => c.notNull().references('orders.id').onDelete('cascade'))
    .addColumn('product_id', 'integer', (c) => c.notNull().references('products.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('unit_price', 'integer', (c) => c.notNull().check(sql`unit_price > 0`))
    .addColumn('quantity', 'integer', (c) => c.notNull().check(sql`quantity > 0`))
    .addPrimaryKeyConstraint('order_items_pk', ['order_id', 'product_id'])
    .execute();

  // One row per bank order (OrderCreate) made for an order; a retry after a declined card is a
  // new bank order with its own OrderNo.
  await idColumn(db, db.schema.createTable('payments'))
    .addColumn('order_id', 'integer', (c) => c.notNull().references('orders.id').onDelete('cascade'))
    .addColumn('bank_order_no', 'text', (c) => c.notNull().unique())
    .addColumn('attempt', 'integer', (c) => c.notNull().check(sql`attempt >= 1`))
    .addColumn('pay_type', 'text', (c) => c.notNull().check(sql`pay_type IN ('C', 'A')`))
    .addColumn('amount', 'integer', (c) => c.notNull().check(sql`amount > 0`))
    .addColumn('status', 'text', (c) =>
      c.notNull().check(sql`status IN ('requested', 'created', 'refused', 'failed', 'paid', 'abandoned')`),
    )
    .addColumn('ts_no', 'text')
    .addColumn('pay_url', 'text')
    .addColumn('atm_pay_no', 'text')
    .addColumn('expires_at', 'bigint')
    .addColumn('pay_token', 'text', (c) => c.unique())
    .addColumn('paid_at', 'bigint')
    .addColumn('card_last4', 'text')
    .addColumn('bank_description', 'text')
    .addColumn('bank_calls', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('locked_until', 'bigint')
    .addColumn('raw', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('payments_by_order').on('payments').columns(['order_id', 'attempt']).execute();
  await db.schema.createIndex('payments_by_status').on('payments').columns(['status', 'created_at']).execute();

  // Every PayToken the bank or a browser told us about, recorded before we answer.
  await db.schema
    .createTable('bank_notifications')
    .addColumn('pay_token', 'text', (c) => c.primaryKey())
    .addColumn('source', 'text', (c) => c.notNull().check(sql`source IN ('notify', 'return', 'reconcile')`))
    .addColumn('status', 'text', (c) =>
      c.notNull().check(sql`status IN ('received', 'paid', 'failed', 'rejected', 'late')`),
    )
    .addColumn('order_no', 'text')
    .addColumn('detail', 'text')
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'bigint', (c) => c.notNull())
    .addColumn('locked_until', 'bigint')
    .addColumn('received_at', 'bigint', (c) => c.notNull())
    .addColumn('processed_at', 'bigint')
    .execute();
  await db.schema
    .createIndex('bank_notifications_due')
    .on('bank_notifications')
    .columns(['status', 'next_attempt_at'])
    .execute();

  await idColumn(db, db.schema.createTable('refunds'))
    .addColumn('order_id', 'integer', (c) => c.notNull().references('orders.id'))
    .addColumn('amount', 'integer', (c) => c.notNull().check(sql`amount > 0`))
    .addColumn('bank_description', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['refunds', 'bank_notifications', 'payments', 'order_items', 'orders']) {
    await db.schema.dropTable(table).execute();
  }
}
