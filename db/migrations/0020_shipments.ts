/**
 * Shipping (issue 14).
 *
 * `shipments`: one row per order that left (or is to leave) the shop — an ECPay store shipment
 * (`ecpay`), a parcel handed to a carrier with a tracking number (`carrier`), or goods ready for
 * self-pickup (`pickup`). ECPay rows are also the Express/Create job queue (`status` queued →
 * created | refused | failed, leased through `locked_until`); `ecpay_calls` > 0 means ECPay may
 * already have the shipment, so the job queries by `merchant_trade_no` before creating again.
 * `merchant_trade_no` and `all_pay_logistics_id` are unique: one ECPay shipment is one row.
 *
 * `shipment_notifications`: every verified ECPay status notification once (unique per shipment,
 * status code and ECPay's status time), so a re-sent one changes nothing; unknown codes are kept
 * with what they said.
 */
import { type Kysely, sql } from 'kysely';
import { idColumn } from './helpers';

export async function up(db: Kysely<unknown>): Promise<void> {
  await idColumn(db, db.schema.createTable('shipments'))
    .addColumn('order_id', 'integer', (c) => c.notNull().unique().references('orders.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind IN ('ecpay', 'carrier', 'pickup')`))
    .addColumn('status', 'text', (c) =>
      c.notNull().check(sql`status IN ('queued', 'created', 'refused', 'failed', 'done')`),
    )
    .addColumn('carrier', 'text')
    .addColumn('tracking_no', 'text')
    .addColumn('sub_type', 'text')
    .addColumn('merchant_trade_no', 'text', (c) => c.unique())
    .addColumn('attempt', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('ecpay_calls', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('all_pay_logistics_id', 'text', (c) => c.unique())
    .addColumn('cvs_payment_no', 'text')
    .addColumn('cvs_validation_no', 'text')
    .addColumn('last_code', 'text')
    .addColumn('last_message', 'text')
    .addColumn('last_status_at', 'bigint')
    .addColumn('refusal', 'text')
    .addColumn('arrived_at', 'bigint')
    .addColumn('pickup_deadline', 'bigint')
    .addColumn('reminded_at', 'bigint')
    .addColumn('next_attempt_at', 'bigint')
    .addColumn('locked_until', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('shipments_due').on('shipments').columns(['status', 'next_attempt_at']).execute();
  await db.schema
    .createIndex('shipments_pickup_deadline')
    .on('shipments')
    .columns(['pickup_deadline', 'reminded_at'])
    .execute();

  await idColumn(db, db.schema.createTable('shipment_notifications'))
    .addColumn('shipment_id', 'integer', (c) => c.notNull().references('shipments.id').onDelete('cascade'))
    .addColumn('rtn_code', 'text', (c) => c.notNull())
    .addColumn('rtn_msg', 'text', (c) => c.notNull())
    .addColumn('status_date', 'text', (c) => c.notNull())
    .addColumn('meaning', 'text', (c) => c.notNull())
    /** What the shop did with it: moved the order, nothing (duplicate/late), or unknown code. */
    .addColumn('outcome', 'text', (c) => c.notNull())
    .addColumn('received_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('shipment_notifications_once')
    .on('shipment_notifications')
    .columns(['shipment_id', 'rtn_code', 'status_date'])
    .unique()
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('shipment_notifications').execute();
  await db.schema.dropTable('shipments').execute();
}
