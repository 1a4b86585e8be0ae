/**
 * One row that /healthz rewrites (at most about once a second) to prove the database still takes
 * writes: a read-only filesystem, a full disk or a read-only replica make that write fail, while a
 * SELECT would still succeed and the shop would keep accepting LINE events it cannot store.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('health_probe')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('checked_at', 'bigint', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('health_probe').execute();
}
