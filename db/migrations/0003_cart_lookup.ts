/**
 * Looking up a user's open cart runs on every cart action. The partial unique index that keeps one
 * open cart per user cannot serve `status = ?` with a bound value, so index the lookup itself.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createIndex('carts_by_user_status').on('carts').columns(['line_user_id', 'status']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('carts_by_user_status').execute();
}
