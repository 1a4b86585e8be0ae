/**
 * Merchant alerts in LINE (issue 15): the LINE users bound as the merchant's recipients (by a
 * one-time code shown in the console and typed in the shop's chat), the codes (hashed, short-lived,
 * single use) and the alert cursor (one row: what was already reported, when the last digest went
 * out) that lets one instance at a time send a digest (compare-and-set on `version`).
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('merchant_recipients')
    .addColumn('line_user_id', 'text', (c) => c.primaryKey())
    .addColumn('added_by', 'text', (c) => c.notNull())
    .addColumn('added_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('merchant_link_codes')
    .addColumn('code_hash', 'text', (c) => c.primaryKey())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('used_at', 'bigint')
    .execute();
  await db.schema
    .createTable('merchant_alert_cursor')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('seen_until', 'bigint', (c) => c.notNull())
    .addColumn('dead_id', 'integer', (c) => c.notNull())
    .addColumn('last_sent_at', 'bigint', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('merchant_alert_cursor').execute();
  await db.schema.dropTable('merchant_link_codes').execute();
  await db.schema.dropTable('merchant_recipients').execute();
}
