/**
 * Card capture (QPay AutoBilling). `auto_capture`: 1 = the bank order was created with
 * AutoBilling Y (captured by the bank on payment), 0 = authorize only (the merchant captures with
 * OrderMaintain P or cancels the authorization with C), NULL = created before this migration
 * (unknown). `captured_at`: when the money was captured (= paid_at for auto-captured payments).
 * `voided_at`: when the merchant cancelled the authorization (OrderMaintain C).
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('payments').addColumn('auto_capture', 'integer').execute();
  await db.schema.alterTable('payments').addColumn('captured_at', 'bigint').execute();
  await db.schema.alterTable('payments').addColumn('voided_at', 'bigint').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('payments').dropColumn('voided_at').execute();
  await db.schema.alterTable('payments').dropColumn('captured_at').execute();
  await db.schema.alterTable('payments').dropColumn('auto_capture').execute();
}
