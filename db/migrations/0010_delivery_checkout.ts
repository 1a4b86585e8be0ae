/**
 * The delivery step at checkout (issue 13).
 * - `delivery_drafts`: one per checkout (its id is the checkout id the signed page link names):
 *   what the customer has entered on the delivery page, the store-map session the shop issued
 *   (`map_trade_no` is the MerchantTradeNo sent to ECPay, unique so a map reply finds exactly one
 *   checkout) and, once 確認 is pressed, the hash of what was confirmed — the pay button carries
 *   that hash, so an edited delivery never pays with an old confirmation. Removed with the
 *   customer's saved data or after retention.
 * - `saved_recipients`: the recipients a customer confirmed, offered first-used-last at the next
 *   checkout ("寄到 王*明 · …"), deleted by 刪除我的收件資料. `fingerprint` makes confirming the
 *   same recipient again a touch of `last_used_at`, not a new row.
 */
import type { Kysely } from 'kysely';
import { idColumn } from './helpers';

type Builder = Parameters<typeof idColumn>[1];

function recipientColumns<T extends Builder>(t: T): T {
  return t
    .addColumn('method', 'text')
    .addColumn('recipient_name', 'text')
    .addColumn('recipient_phone', 'text')
    .addColumn('postal_code', 'text')
    .addColumn('city', 'text')
    .addColumn('district', 'text')
    .addColumn('address', 'text')
    .addColumn('cvs_sub_type', 'text')
    .addColumn('store_id', 'text')
    .addColumn('store_name', 'text')
    .addColumn('store_address', 'text') as T;
}

export async function up(db: Kysely<unknown>): Promise<void> {
  await recipientColumns(
    db.schema
      .createTable('delivery_drafts')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('line_user_id', 'text', (c) => c.notNull()),
  )
    .addColumn('link_expires_at', 'bigint', (c) => c.notNull())
    .addColumn('map_trade_no', 'text', (c) => c.unique())
    .addColumn('map_sub_type', 'text')
    .addColumn('confirmed_hash', 'text')
    .addColumn('confirmed_at', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('delivery_drafts_by_user').on('delivery_drafts').columns(['line_user_id']).execute();
  await db.schema.createIndex('delivery_drafts_by_age').on('delivery_drafts').columns(['updated_at']).execute();

  await recipientColumns(
    idColumn(db, db.schema.createTable('saved_recipients')).addColumn('line_user_id', 'text', (c) => c.notNull()),
  )
    .addColumn('fingerprint', 'text', (c) => c.notNull())
    .addColumn('last_used_at', 'bigint', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('saved_recipients_once', ['line_user_id', 'fingerprint'])
    .execute();
  await db.schema
    .createIndex('saved_recipients_by_user')
    .on('saved_recipients')
    .columns(['line_user_id', 'last_used_at'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('saved_recipients').execute();
  await db.schema.dropTable('delivery_drafts').execute();
}
