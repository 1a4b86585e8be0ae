/**
 * `line_events.ignored_reason`: why an event was recorded but not acted on (standby, a group chat,
 * an unknown type, or fields that do not fit LINE's webhook schema), for the merchant to read.
 * `outbox.in_doubt`: 1 once a reply attempt of this row may have reached LINE without us learning
 * the outcome (timeout, reset after sending, 5xx, or a crash while it was in flight). The sender
 * uses it to decide whether a spent reply token means "already delivered" (see outbox-sender.ts).
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('line_events').addColumn('ignored_reason', 'text').execute();
  await db.schema
    .alterTable('outbox')
    .addColumn('in_doubt', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('outbox').dropColumn('in_doubt').execute();
  await db.schema.alterTable('line_events').dropColumn('ignored_reason').execute();
}
