/**
 * Where each bank notification came from, so a flood of forged PayTokens can be told apart from
 * the bank's own burst (issue 11 item 2). `source_ip`: the sender's address as the shop sees it
 * (after TRUST_PROXY), NULL for tokens recorded before this migration or by the shop itself.
 * - (source_ip, status, processed_at): per-source counts of tokens awaiting a query and of tokens
 *   the bank refused lately (the refusal budget), and the per-source round-robin of the reconciler.
 * - (status, processed_at): purging verified and refused notifications after RETENTION_DAYS.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('bank_notifications').addColumn('source_ip', 'text').execute();
  await db.schema
    .createIndex('bank_notifications_source')
    .on('bank_notifications')
    .columns(['source_ip', 'status', 'processed_at'])
    .execute();
  await db.schema
    .createIndex('bank_notifications_processed')
    .on('bank_notifications')
    .columns(['status', 'processed_at'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('bank_notifications_processed').execute();
  await db.schema.dropIndex('bank_notifications_source').execute();
  await db.schema.alterTable('bank_notifications').dropColumn('source_ip').execute();
}
