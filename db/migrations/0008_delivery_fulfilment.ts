/**
 * Delivery and fulfilment (issues 13 and 14). The order keeps what it was sold with: the delivery
 * method and shipping fee on `orders` (lists and bubbles need them), the recipient or store as a
 * snapshot in `order_deliveries` (later edits never change it; anonymized after retention).
 *
 * Fulfilment is its own column, not more values of `status`: `status` says where the money is
 * (paid, refunded …), `fulfilment` where the goods are (to_ship → shipped → in_transit / at_store →
 * completed | returned). The two move independently — a returned parcel can still be refunded — and
 * SQLite cannot widen the CHECK on `orders.status` without rebuilding a table other tables reference.
 *
 * `order_events` is the timeline of every lifecycle move with who or what caused it.
 */
import { type Kysely, sql } from 'kysely';
import { idColumn } from './helpers';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('orders')
    .addColumn('delivery_method', 'text', (c) => c.check(sql`delivery_method IN ('home', 'cvs', 'pickup')`))
    .execute();
  await db.schema
    .alterTable('orders')
    .addColumn('shipping_fee', 'integer', (c) => c.notNull().defaultTo(0).check(sql`shipping_fee >= 0`))
    .execute();
  await db.schema
    .alterTable('orders')
    .addColumn('fulfilment', 'text', (c) =>
      c.check(sql`fulfilment IN ('to_ship', 'shipped', 'in_transit', 'at_store', 'completed', 'returned')`),
    )
    .execute();
  await db.schema.alterTable('orders').addColumn('fulfilment_at', 'bigint').execute();
  await db.schema.createIndex('orders_by_fulfilment').on('orders').columns(['fulfilment', 'fulfilment_at']).execute();

  await db.schema
    .createTable('order_deliveries')
    .addColumn('order_id', 'integer', (c) => c.primaryKey().references('orders.id').onDelete('cascade'))
    .addColumn('method', 'text', (c) => c.notNull().check(sql`method IN ('home', 'cvs', 'pickup')`))
    .addColumn('recipient_name', 'text', (c) => c.notNull())
    .addColumn('recipient_phone', 'text', (c) => c.notNull())
    .addColumn('postal_code', 'text')
    .addColumn('city', 'text')
    .addColumn('district', 'text')
    .addColumn('address', 'text')
    .addColumn('cvs_sub_type', 'text')
    .addColumn('store_id', 'text')
    .addColumn('store_name', 'text')
    .addColumn('store_address', 'text')
    .addColumn('anonymized_at', 'bigint')
    .execute();

  await idColumn(db, db.schema.createTable('order_events'))
    .addColumn('order_id', 'integer', (c) => c.notNull().references('orders.id').onDelete('cascade'))
    .addColumn('event', 'text', (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('detail', 'text')
    .addColumn('at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('order_events_by_order').on('order_events').columns(['order_id', 'id']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('order_events').execute();
  await db.schema.dropTable('order_deliveries').execute();
  await db.schema.dropIndex('orders_by_fulfilment').execute();
  for (const c of ['fulfilment_at', 'fulfilment', 'shipping_fee', 'delivery_method']) {
    await db.schema.alterTable('orders').dropColumn(c).execute();
  }
}
